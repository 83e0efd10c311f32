/*
 * voice-clips.c: the audio sanketd's calls play (see voice.c): prompt and
 * spot files loaded once and shared through a small LRU cache, and each
 * alert's text spoken by espeak-ng into a cache file next to the
 * database, by a thread when the alert is created.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio.h"
#include "conf.h"
#include "gateway.h"
#include "http.h"
#include "log.h"
#include "store.h"
#include "voice-int.h"
#include "xmalloc.h"

/* --- clips --------------------------------------------------------------- */

static struct ivr_clip *
voice_clip_cached(struct voice *v, const char *key, struct vclip **slot)
{
	struct vclip	*c, *lru = NULL;
	int		 i;

	for (i = 0; i < VOICE_CLIPS_MAX; i++) {
		c = &v->clips[i];
		if (c->key != NULL && strcmp(c->key, key) == 0) {
			c->used = ++v->clock;
			*slot = NULL;
			return c->clip != NULL ? c->clip : v->silence;
		}
		if (lru == NULL || c->used < lru->used)
			lru = c;
	}
	/* Not cached: the least recently used slot takes it (a call still
	 * playing the old clip holds its own reference). */
	free(lru->key);
	ivr_clip_unref(lru->clip);
	lru->key = xstrdup(key);
	lru->clip = NULL;
	lru->used = ++v->clock;
	*slot = lru;
	return NULL;
}

/* A prompt file (absolute path). */
struct ivr_clip *
voice_clip_file(struct voice *v, const char *path)
{
	struct vclip	*slot;
	struct ivr_clip	*c;
	char		 err[512];

	if ((c = voice_clip_cached(v, path, &slot)) != NULL)
		return c;
	if ((slot->clip = ivr_clip_load(path, err, sizeof(err))) == NULL) {
		log_warnx("voice: %s", err);
		return v->silence;
	}
	return slot->clip;
}

void
voice_mkdir(const char *dir)
{
	if (mkdir(dir, 0750) == -1 && errno != EEXIST)
		log_warn("voice: mkdir %s", dir);
}

/*
 * Speech for alerts.  espeak-ng keeps global state, so every render holds
 * voice_tts_lock.  An alert that may be heard (a warning, or one with
 * voice messages) is rendered by a detached thread when it is created
 * (voice_alert_created), so no call waits for espeak-ng and no RTP tick
 * stalls behind it; a call that comes first renders on the loop.
 */
static pthread_mutex_t	 voice_tts_lock = PTHREAD_MUTEX_INITIALIZER;

/* The text spoken for lang: its own, else the other one (NULL: none). */
static const char *
voice_alert_text(const char *lang, const char *bn, const char *en,
    const char **tl)
{
	if (strcmp(lang, "en") == 0 && en != NULL) {
		*tl = "en";
		return en;
	}
	*tl = bn != NULL ? "bn" : "en";
	return bn != NULL ? bn : en;
}

/* Render text (tl) into a prepared stream and write it to path. */
static struct au_prepared *
voice_speak(const char *tl, const char *text, double target,
    double max_seconds, const char *path, struct au_err *e)
{
	struct au_prepare_opts	 po;
	struct au_pcm		*raw = NULL, *pcm = NULL;
	struct au_prepared	*p = NULL;
	uint8_t			 hash[AU_HASH_LEN];
	int			 rc;

	au_prepare_opts_default(&po);
	po.target_lufs = target;
	au_hash(text, strlen(text), hash);
	pthread_mutex_lock(&voice_tts_lock);
	rc = au_tts_render(tl, text, max_seconds, &raw, e);
	pthread_mutex_unlock(&voice_tts_lock);
	if (rc == -1 || au_resample(raw, AU_RATE, &pcm, e) == -1 ||
	    au_prepare(pcm, &po, hash, &p, e) == -1 ||
	    au_cache_write(path, p, e) == -1) {
		au_prepared_free(p);
		p = NULL;
	}
	au_pcm_free(pcm);
	au_pcm_free(raw);
	return p;
}

static void
voice_alert_path(struct voice *v, int64_t id, const char *lang, char *path,
    size_t len)
{
	snprintf(path, len, "%s/alert-%lld-%s.sau", v->voice_dir,
	    (long long)id, lang);
}

/* The alert's texts (caller frees); 0, or -1 when there is no such alert. */
static int
voice_alert_texts(struct voice *v, int64_t id, char **bn, char **en)
{
	static const char q[] = "SELECT text_bn, text_en FROM alerts"
	    " WHERE id = ?1";
	sqlite3_stmt	*st;
	int		 rc = -1;

	*bn = *en = NULL;
	if ((st = store_prepare(v->gw->store, q)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_text(st, 0) != NULL)
			*bn = xstrdup((const char *)sqlite3_column_text(st, 0));
		if (sqlite3_column_text(st, 1) != NULL)
			*en = xstrdup((const char *)sqlite3_column_text(st, 1));
		rc = 0;
	}
	sqlite3_reset(st);
	return rc;
}

/*
 * The spoken warning of alert id in lang: its cache file under
 * <database dir>/voice, rendered now if the creation thread has not
 * written it yet.
 */
struct ivr_clip *
voice_clip_alert(struct voice *v, int64_t id, const char *lang)
{
	struct au_err		 e = { NULL, "" };
	struct au_prepared	*p;
	struct vclip		*slot;
	struct ivr_clip		*c;
	char			 key[64], path[PATH_MAX + 64], err[512];
	char			*bn, *en;
	const char		*text, *tl;

	snprintf(key, sizeof(key), "alert:%lld:%s", (long long)id, lang);
	if ((c = voice_clip_cached(v, key, &slot)) != NULL)
		return c;
	voice_alert_path(v, id, lang, path, sizeof(path));
	if ((slot->clip = ivr_clip_load(path, err, sizeof(err))) != NULL)
		return slot->clip;
	if (voice_alert_texts(v, id, &bn, &en) == -1 ||
	    (text = voice_alert_text(lang, bn, en, &tl)) == NULL) {
		log_warnx("voice: alert %lld has no text to speak",
		    (long long)id);
		free(bn);
		free(en);
		return v->silence;
	}
	voice_mkdir(v->voice_dir);
	if ((p = voice_speak(tl, text, v->conf->target_lufs,
	    v->conf->audio_max_seconds, path, &e)) == NULL)
		log_warnx("voice: alert %lld: speech (%s): %s", (long long)id,
		    tl, e.msg);
	else {
		slot->clip = ivr_clip_new(p->codec, p->data, p->frames, key);
		log_info("voice: alert %lld spoken in %s: %.1f s",
		    (long long)id, tl, au_prepared_seconds(p));
		au_prepared_free(p);
	}
	free(bn);
	free(en);
	return slot->clip != NULL ? slot->clip : v->silence;
}

struct voice_job {
	char		*text[2], *path[2];
	const char	*tl[2];
	double		 target, max_seconds;
};

static void *
voice_job_run(void *arg)
{
	struct voice_job	*j = arg;
	struct au_err		 e = { NULL, "" };
	struct au_prepared	*p;
	int			 i;

	for (i = 0; i < 2; i++) {
		if (j->text[i] != NULL && access(j->path[i], F_OK) == -1 &&
		    (p = voice_speak(j->tl[i], j->text[i], j->target,
		    j->max_seconds, j->path[i], &e)) != NULL)
			au_prepared_free(p);
		free(j->text[i]);
		free(j->path[i]);
	}
	free(j);
	return NULL;
}

void
voice_alert_created(struct voice *v, int64_t id, int spoken)
{
	static const char *const langs[2] = { "bn", "en" };
	struct voice_job	*j;
	pthread_attr_t		 at;
	pthread_t		 t;
	char			*bn, *en, path[PATH_MAX + 64];
	const char		*text;
	int			 i;

	if (v == NULL || v->sip == NULL || !spoken ||
	    voice_alert_texts(v, id, &bn, &en) == -1)
		return;
	voice_mkdir(v->voice_dir);
	j = xcalloc(1, sizeof(*j));
	j->target = v->conf->target_lufs;
	j->max_seconds = v->conf->audio_max_seconds;
	for (i = 0; i < 2; i++) {
		if ((text = voice_alert_text(langs[i], bn, en,
		    &j->tl[i])) == NULL)
			continue;
		voice_alert_path(v, id, langs[i], path, sizeof(path));
		j->text[i] = xstrdup(text);
		j->path[i] = xstrdup(path);
	}
	free(bn);
	free(en);
	if (pthread_attr_init(&at) != 0 ||
	    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED) != 0 ||
	    pthread_create(&t, &at, voice_job_run, j) != 0) {
		log_warnx("voice: alert %lld: no thread to speak it now; the "
		    "first call will", (long long)id);
		for (i = 0; i < 2; i++) {
			free(j->text[i]);
			free(j->path[i]);
		}
		free(j);
	}
	pthread_attr_destroy(&at);
}
