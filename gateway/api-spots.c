/*
 * api-spots.c: POST /api/v1/spots (upload a voice spot) and
 * GET /api/v1/spots/{id}.
 *
 * Upload: the body is the audio file as it is (any format libsndfile
 * reads), ?name= names it, ?format=ulaw|alaw picks the codec (default
 * ulaw).  The handler decodes it from memory, normalises it to [audio]
 * target_lufs and encodes it (audio/audio.h), then keeps both files under
 * <database dir>/spots/: "<id>.<container>" (the original bytes) and
 * "<id>.sau" (the cache the IVR streams), plus a spots row with the
 * measurements; the row records the paths relative to the database's
 * directory.  The work (tens of milliseconds for a minute of audio) runs
 * on the event loop: spots are created rarely, by officials.
 *
 *	parse -> decode -> prepare -> BEGIN -> INSERT (id) -> write files
 *	    -> UPDATE paths -> COMMIT + audit -> 201
 *
 * Any failure after the files were written removes them and rolls back,
 * so a refused upload leaves neither a row nor a file.  Bad audio gets
 * the audio module's code: E_NOT_AUDIO / E_UNSUPPORTED 415, E_EMPTY /
 * E_CORRUPT / E_TRUNCATED 400, E_TOO_LONG / E_SILENT 422.  A spot belongs
 * to the uploader's scope (NULL = national) and is readable by tokens
 * whose scope covers it.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "audio.h"
#include "conf.h"
#include "log.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

#define SPOT_NAME_MAX	128		/* bytes */
#define SPOT_DIR	"spots"

static const char spot_insert_sql[] =
    "INSERT INTO spots (name, scope, token_id, created_at, source_sha256,"
    " source_format, source_rate, source_channels, source_bytes,"
    " source_seconds, clipped, codec, frames, seconds, target_lufs,"
    " lufs_before, lufs_after, true_peak, gain_db, original_path,"
    " cache_path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
    " ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, '', '')";
static const char spot_paths_sql[] =
    "UPDATE spots SET original_path = ?2, cache_path = ?3 WHERE id = ?1";
static const char spot_get_sql[] =
    "SELECT id, name, scope, created_at, source_sha256, source_format,"
    " source_rate, source_channels, source_bytes, source_seconds, clipped,"
    " codec, frames, seconds, target_lufs, lufs_before, lufs_after,"
    " true_peak, gain_db, original_path, cache_path FROM spots WHERE id = ?1";

static int
spot_status(const char *code)
{
	if (strcmp(code, AU_E_NOT_AUDIO) == 0 ||
	    strcmp(code, AU_E_UNSUPPORTED) == 0)
		return 415;
	if (strcmp(code, AU_E_TOO_LONG) == 0 || strcmp(code, AU_E_SILENT) == 0)
		return 422;
	if (strcmp(code, AU_E_EMPTY) == 0 || strcmp(code, AU_E_CORRUPT) == 0 ||
	    strcmp(code, AU_E_TRUNCATED) == 0 ||
	    strcmp(code, AU_E_INVALID) == 0)
		return 400;
	return 500;
}

/* <dir of the database>/spots, created if missing.  Caller frees. */
static char *
spot_dir(struct http_req *r)
{
	char	*db, *dir;

	db = xstrdup(r->gw->conf->database);
	xasprintf(&dir, "%s/%s", dirname(db), SPOT_DIR);
	free(db);
	if (mkdir(dir, 0750) == -1 && errno != EEXIST) {
		log_warn("%s: mkdir %s", __func__, dir);
		free(dir);
		return NULL;
	}
	return dir;
}

static void
spot_lower(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* The spot as the API shows it, from a spot_get_sql row. */
static json_t *
spot_row_json(sqlite3_stmt *st)
{
	return json_pack("{s:I, s:s, s:s?, s:I, s:{s:s, s:s, s:i, s:i, s:I, "
	    "s:f, s:f}, s:s, s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:s, s:s}",
	    "id", (json_int_t)sqlite3_column_int64(st, 0),
	    "name", (const char *)sqlite3_column_text(st, 1),
	    "scope", (const char *)sqlite3_column_text(st, 2),
	    "created_at", (json_int_t)sqlite3_column_int64(st, 3),
	    "source",
	    "sha256", (const char *)sqlite3_column_text(st, 4),
	    "format", (const char *)sqlite3_column_text(st, 5),
	    "rate", sqlite3_column_int(st, 6),
	    "channels", sqlite3_column_int(st, 7),
	    "bytes", (json_int_t)sqlite3_column_int64(st, 8),
	    "seconds", sqlite3_column_double(st, 9),
	    "clipped", sqlite3_column_double(st, 10),
	    "codec", (const char *)sqlite3_column_text(st, 11),
	    "frames", (json_int_t)sqlite3_column_int64(st, 12),
	    "seconds", sqlite3_column_double(st, 13),
	    "target_lufs", sqlite3_column_double(st, 14),
	    "lufs_before", sqlite3_column_double(st, 15),
	    "lufs_after", sqlite3_column_double(st, 16),
	    "true_peak", sqlite3_column_double(st, 17),
	    "gain_db", sqlite3_column_double(st, 18),
	    "original", (const char *)sqlite3_column_text(st, 19),
	    "cache", (const char *)sqlite3_column_text(st, 20));
}

/* 1 and the JSON in *out, 0 if there is no such spot, -1 on error. */
static int
spot_load(struct store *s, int64_t id, json_t **out, char *scope,
    size_t scopelen)
{
	sqlite3_stmt	*st;
	const char	*sc;
	int		 rc;

	*out = NULL;
	if ((st = store_prepare(s, spot_get_sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = spot_row_json(st);
		sc = (const char *)sqlite3_column_text(st, 2);
		snprintf(scope, scopelen, "%s", sc != NULL ? sc : "");
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return *out != NULL ? 1 : -1;
	return rc == SQLITE_DONE ? 0 : -1;
}

/* INSERT the row; its id or -1. */
static int64_t
spot_insert(struct http_req *r, const char *name,
    const struct au_source *src, const struct au_prepared *p)
{
	sqlite3_stmt	*st;
	char		 hex[2 * AU_HASH_LEN + 1], fmt[64];
	int		 rc;

	if ((st = store_prepare(r->gw->store, spot_insert_sql)) == NULL)
		return -1;
	au_hash_hex(src->hash, hex);
	snprintf(fmt, sizeof(fmt), "%s/%s", src->container, src->codec);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	if (r->tok.scope[0] != '\0')
		sqlite3_bind_text(st, 2, r->tok.scope, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, r->tok.id);
	sqlite3_bind_int64(st, 4, store_now());
	sqlite3_bind_text(st, 5, hex, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, fmt, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 7, src->rate);
	sqlite3_bind_int(st, 8, src->channels);
	sqlite3_bind_int64(st, 9, (sqlite3_int64)src->bytes);
	sqlite3_bind_double(st, 10, src->seconds);
	sqlite3_bind_double(st, 11, src->clipped);
	sqlite3_bind_text(st, 12, au_codec_name(p->codec), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, p->frames);
	sqlite3_bind_double(st, 14, au_prepared_seconds(p));
	sqlite3_bind_double(st, 15, p->target_lufs);
	sqlite3_bind_double(st, 16, p->lufs_before);
	sqlite3_bind_double(st, 17, p->lufs_after);
	sqlite3_bind_double(st, 18, p->peak_after);
	sqlite3_bind_double(st, 19, p->gain_db);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("%s: %s", __func__,
		    sqlite3_errmsg(store_db(r->gw->store)));
		return -1;
	}
	return sqlite3_last_insert_rowid(store_db(r->gw->store));
}

static int
spot_set_paths(struct http_req *r, int64_t id, const char *orig,
    const char *cache)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_prepare(r->gw->store, spot_paths_sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, orig, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, cache, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void
api_spots_create(struct http_req *r)
{
	struct au_decode_opts	 dopts;
	struct au_prepare_opts	 popts;
	struct au_source	 src;
	struct au_err		 e = { NULL, "" };
	struct au_pcm		*pcm = NULL;
	struct au_prepared	*p = NULL;
	const char		*q, *body, *why = NULL;
	char			*name = NULL, *dir = NULL, ext[24];
	char			*orig = NULL, *cache = NULL, *orig_rel = NULL;
	char			*cache_rel = NULL, scope[64];
	size_t			 len;
	int64_t			 id;
	json_t			*j = NULL;
	int			 codec, wrote = 0;

	q = http_query(r, "name");
	if (q == NULL || *q == '\0')
		q = "spot";
	if ((name = text_clean(q, strlen(q), &why)) == NULL ||
	    name[0] == '\0' || strlen(name) > SPOT_NAME_MAX) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "name: %s",
		    name == NULL ? (why != NULL ? why : "not UTF-8") :
		    name[0] == '\0' ? "empty" : "longer than 128 bytes");
		goto done;
	}
	q = http_query(r, "format");
	if ((codec = au_codec_parse(q != NULL ? q : "ulaw")) == -1) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "format: ulaw or "
		    "alaw");
		goto done;
	}
	body = http_body(r, &len);

	au_decode_opts_default(&dopts);
	dopts.max_seconds = r->gw->conf->audio_max_seconds;
	au_prepare_opts_default(&popts);
	popts.target_lufs = r->gw->conf->target_lufs;
	popts.codec = codec;
	if (au_decode_mem(body, len, &dopts, &pcm, &src, &e) == -1 ||
	    au_prepare(pcm, &popts, src.hash, &p, &e) == -1) {
		http_reply_error(r, spot_status(e.code), e.code, "%s", e.msg);
		goto done;
	}
	if ((dir = spot_dir(r)) == NULL) {
		http_reply_error(r, 500, "E_INTERNAL", "cannot create the spot "
		    "directory");
		goto done;
	}
	if (store_tx_begin(r->gw->store) == -1) {
		http_reply_error(r, 500, "E_INTERNAL", "store busy");
		goto done;
	}
	if ((id = spot_insert(r, name, &src, p)) == -1) {
		store_tx_rollback(r->gw->store);
		http_reply_error(r, 500, "E_INTERNAL", "the store failed; "
		    "nothing was changed");
		goto done;
	}
	snprintf(ext, sizeof(ext), "%s", src.container);
	spot_lower(ext);
	xasprintf(&orig_rel, "%s/%lld.%s", SPOT_DIR, (long long)id, ext);
	xasprintf(&cache_rel, "%s/%lld.sau", SPOT_DIR, (long long)id);
	xasprintf(&orig, "%s/%lld.%s", dir, (long long)id, ext);
	xasprintf(&cache, "%s/%lld.sau", dir, (long long)id);
	wrote = 1;
	if (au_file_write(orig, body, len, &e) == -1 ||
	    au_cache_write(cache, p, &e) == -1) {
		log_warnx("spot=%lld: %s", (long long)id, e.msg);
		store_tx_rollback(r->gw->store);
		http_reply_error(r, 500, "E_INTERNAL", "cannot store the spot "
		    "files; nothing was changed");
		goto done;
	}
	if (spot_set_paths(r, id, orig_rel, cache_rel) == -1 ||
	    spot_load(r->gw->store, id, &j, scope, sizeof(scope)) != 1) {
		store_tx_rollback(r->gw->store);
		http_reply_error(r, 500, "E_INTERNAL", "the store failed; "
		    "nothing was changed");
		goto done;
	}
	if (api_commit_audited(r, "spot.create", r->tok.scope,
	    json_pack("{s:I, s:s, s:s, s:f, s:f}", "id", (json_int_t)id,
	    "name", name, "sha256", json_string_value(json_object_get(
	    json_object_get(j, "source"), "sha256")), "seconds",
	    au_prepared_seconds(p), "lufs_after", p->lufs_after)) == -1)
		goto done;
	wrote = 0;		/* committed: keep the files */
	log_info("spot=%lld created: \"%s\" %.2f s %.1f -> %.1f LUFS",
	    (long long)id, name, au_prepared_seconds(p), p->lufs_before,
	    p->lufs_after);
	http_reply_json(r, 201, j);
	j = NULL;
done:
	if (wrote) {
		unlink(orig);
		unlink(cache);
	}
	json_decref(j);
	free(orig);
	free(cache);
	free(orig_rel);
	free(cache_rel);
	free(dir);
	free(name);
	au_prepared_free(p);
	au_pcm_free(pcm);
}

void
api_spots_get(struct http_req *r)
{
	char	*end, scope[64];
	long long id;
	json_t	*j;
	int	 rc;

	errno = 0;
	id = strtoll(r->params[0], &end, 10);
	if (r->params[0][0] == '\0' || *end != '\0' || errno != 0 || id < 1) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "\"%.40s\" is not a "
		    "spot id", r->params[0]);
		return;
	}
	if ((rc = spot_load(r->gw->store, id, &j, scope, sizeof(scope))) != 1) {
		if (rc == 0)
			http_reply_error(r, 404, "E_NOT_FOUND", "no spot %lld",
			    id);
		else
			http_reply_error(r, 500, "E_INTERNAL", "store error");
		return;
	}
	if (scope[0] != '\0' && http_scope(r, scope) == -1) {
		json_decref(j);
		return;
	}
	http_reply_json(r, 200, j);
}
