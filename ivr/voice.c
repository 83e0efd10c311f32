/*
 * voice.c: sanketd's voice side.  Wires the SIP user agent (sip.c), the
 * RTP sessions (media.c) and the IVR scripts (script.c) to the store:
 * the hotline for inbound calls, warning call-outs for voice messages,
 * keypad receipts and grievances, and one call record per call.
 *
 *	INVITE --sip cb->invite--> vcall + RTP session (port in the answer)
 *	ACK / 200 --cb->up--> ivr_rtp_start, ivr_script_start
 *	RTP digit / clip ended / recording full --> ivr_script_* events
 *	script ops --> clips (prompts, the warning, the spot), the store
 *	    (relief_receipt, grievance_open, confirmation), hang-up
 *	BYE / CANCEL / timeouts --cb->ended--> script ended, RTP closed,
 *	    call record (calls_record), a call-out's message updated
 *
 * Call-outs (voice-callout.c): voice messages are claimed like SMS ones
 * and placed as calls once the claim is committed, at most the trunk's
 * free channels at a time; retried on busy and no answer.  Clips
 * (voice-clips.c): prompts, spots and each alert's speech, loaded once and
 * shared.  What the files share is in voice-int.h.
 *
 * Voice never stops SMS: if the menu, the prompts, the SIP port or the RTP
 * ports cannot be had, sanketd logs why and runs without voice.  Clips
 * (prompts, warnings rendered by espeak-ng once per alert and language,
 * spots) are loaded once and shared by every call; a missing one plays
 * as a short silence so a script never waits for a clip that cannot come.
 */
#include "config.h"

#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "campaigns.h"
#include "conf.h"
#include "gateway.h"
#include "http.h"
#include "ivr.h"
#include "kannel.h"
#include "log.h"
#include "msisdn.h"
#include "store.h"
#include "voice-int.h"
#include "xmalloc.h"

static struct voice	*voice_the;	/* for metrics and status */


/* --- the store ----------------------------------------------------------- */

/* Who is calling: the registered recipient for the number, if any. */
static void
voice_caller(struct voice *v, struct vcall *vc)
{
	static const char q[] = "SELECT id, union_code, lang FROM recipients"
	    " WHERE msisdn = ?1";
	sqlite3_stmt	*st;
	const char	*why;

	snprintf(vc->lang, sizeof(vc->lang), "bn");
	if (msisdn_normalise(vc->peer, vc->msisdn, &why) == -1) {
		vc->msisdn[0] = '\0';
		return;
	}
	if ((st = store_prepare(v->gw->store, q)) == NULL)
		return;
	sqlite3_bind_text(st, 1, vc->msisdn, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		vc->recipient_id = sqlite3_column_int64(st, 0);
		camp_col(st, 1, vc->union_code, sizeof(vc->union_code));
		camp_col(st, 2, vc->lang, sizeof(vc->lang));
	}
	sqlite3_reset(st);
}

/* The latest warning that is live now for the union (any level of its
 * target areas may contain it). */
static int64_t
voice_latest_warning(struct voice *v, const char *union_code)
{
	static const char q[] = "SELECT a.id FROM areas u, alert_areas aa"
	    " JOIN areas x ON x.code = aa.code JOIN alerts a ON"
	    " a.id = aa.alert_id WHERE u.code = ?1 AND a.kind = 'warning'"
	    " AND a.cancelled_at IS NULL AND a.starts_at <= ?2 AND"
	    " (a.expires_at IS NULL OR a.expires_at > ?2) AND"
	    " u.path >= x.path AND u.path < substr(x.path, 1,"
	    " length(x.path) - 1) || '0' ORDER BY a.id DESC LIMIT 1";
	sqlite3_stmt	*st;
	int64_t		 id = 0;

	if ((st = store_prepare(v->gw->store, q)) == NULL)
		return 0;
	sqlite3_bind_text(st, 1, union_code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, store_now());
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

/* The newest spot whose scope is national or contains the union. */
static int64_t
voice_latest_spot(struct voice *v, const char *union_code, char *path,
    size_t len)
{
	static const char q[] = "SELECT s.id, s.cache_path FROM spots s"
	    " LEFT JOIN areas x ON x.code = s.scope LEFT JOIN areas u ON"
	    " u.code = ?1 WHERE s.scope IS NULL OR (u.path >= x.path AND"
	    " u.path < substr(x.path, 1, length(x.path) - 1) || '0')"
	    " ORDER BY s.id DESC LIMIT 1";
	sqlite3_stmt	*st;
	int64_t		 id = 0;

	if ((st = store_prepare(v->gw->store, q)) == NULL)
		return 0;
	sqlite3_bind_text(st, 1, union_code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		camp_col(st, 1, path, len);
	}
	sqlite3_reset(st);
	return id;
}

/* --- script ops ---------------------------------------------------------- */

static void
voice_play(struct vcall *vc, struct ivr_clip *c)
{
	ivr_rtp_play(vc->sess, c);
}

static void
op_play(void *arg, const char *prompt)
{
	struct vcall	*vc = arg;

	voice_play(vc, voice_clip_file(vc->v, prompt));
}

static void
op_play_stock(void *arg, enum ivr_stock s)
{
	struct vcall	*vc = arg;
	struct voice	*v = vc->v;

	voice_play(vc, v->stock[s] != NULL ? v->stock[s] : v->silence);
}

static void
voice_play_main(struct vcall *vc, struct ivr_clip *c, const char *name)
{
	vc->main = c;
	vc->main_frames = 0;
	vc->main_full = 0;
	snprintf(vc->clip, sizeof(vc->clip), "%s", name);
	voice_play(vc, c);
}

static int
op_play_warning(void *arg)
{
	struct vcall	*vc = arg;
	int64_t		 id = vc->alert_id;
	char		 name[48];

	if (vc->dir == IVR_CALL_IN) {
		if (vc->union_code[0] == '\0' ||
		    (id = voice_latest_warning(vc->v, vc->union_code)) == 0)
			return 1;
		vc->alert_id = id;
	}
	if (id == 0)
		return 1;
	snprintf(name, sizeof(name), "alert:%lld", (long long)id);
	voice_play_main(vc, voice_clip_alert(vc->v, id, vc->lang), name);
	return 0;
}

/*
 * The spot: a campaign airing plays the one drawn when it was claimed;
 * the hotline plays one drawn by weight from the campaign on air for the
 * caller's union, else the newest spot in scope.
 */
static int
op_play_spot(void *arg)
{
	struct vcall	*vc = arg;
	char		 path[2 * PATH_MAX], rel[PATH_MAX], name[48];
	int64_t		 id;

	path[0] = rel[0] = '\0';
	if (vc->spot_id != 0) {
		id = vc->spot_id;
		snprintf(rel, sizeof(rel), "%s", vc->spot_path);
	} else if ((id = camp_hotline_spot(vc->v->gw->store, vc->union_code,
	    store_now_ms(), &vc->campaign_id, rel, sizeof(rel))) != 0)
		vc->spot_id = id;
	else
		id = voice_latest_spot(vc->v, vc->union_code, rel,
		    sizeof(rel));
	if (id == 0 || rel[0] == '\0')
		return 1;
	/* Stored relative to the database's directory. */
	if (rel[0] == '/')
		snprintf(path, sizeof(path), "%s", rel);
	else
		snprintf(path, sizeof(path), "%s/%s", vc->v->db_dir, rel);
	snprintf(name, sizeof(name), "spot:%lld", (long long)id);
	voice_play_main(vc, voice_clip_file(vc->v, path), name);
	return 0;
}

static void
op_flush(void *arg)
{
	struct vcall	*vc = arg;

	ivr_rtp_flush(vc->sess);
}

static void
voice_timer_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct vcall	*vc = arg;

	ivr_script_timer(vc->script);
}

static void
op_timer(void *arg, int ms)
{
	struct vcall	*vc = arg;
	struct timeval	 tv;

	evtimer_del(vc->timer);
	if (ms <= 0)
		return;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(vc->timer, &tv);
}

static int
op_record(void *arg, int max_seconds)
{
	struct vcall	*vc = arg;
	struct voice	*v = vc->v;
	char		 id[40];
	size_t		 i, n;

	/* The Call-ID, kept to safe characters, names the file. */
	for (i = n = 0; vc->call_id[i] != '\0' && n < sizeof(id) - 1; i++)
		if ((vc->call_id[i] >= 'a' && vc->call_id[i] <= 'z') ||
		    (vc->call_id[i] >= 'A' && vc->call_id[i] <= 'Z') ||
		    (vc->call_id[i] >= '0' && vc->call_id[i] <= '9'))
			id[n++] = vc->call_id[i];
	id[n] = '\0';
	voice_mkdir(v->conf->ivr_recordings);
	snprintf(vc->recording, sizeof(vc->recording), "%s/%lld-%s.wav",
	    v->conf->ivr_recordings, (long long)store_now_ms(), id);
	if (ivr_rtp_record(vc->sess, vc->recording, max_seconds) == -1) {
		log_warnx("voice: call %s: cannot record to %s", vc->call_id,
		    vc->recording);
		vc->recording[0] = '\0';
		return -1;
	}
	return 0;
}

static double
op_record_stop(void *arg)
{
	struct vcall	*vc = arg;

	vc->rec_seconds = ivr_rtp_record_stop(vc->sess);
	return vc->rec_seconds;
}

static void
op_hangup(void *arg)
{
	struct vcall	*vc = arg;

	if (vc->call != NULL)
		ivr_call_hangup(vc->call);
}

static int
op_have_union(void *arg)
{
	struct vcall	*vc = arg;

	return vc->union_code[0] != '\0';
}

static int
op_set_union(void *arg, const char *digits)
{
	struct vcall	*vc = arg;
	struct area	 a;
	int		 level;

	if (!area_code_valid(digits) ||
	    area_get(vc->v->gw->store, digits, &a) != 0) {
		log_info("voice: call %s: union code %s: unknown",
		    vc->call_id, digits);
		return 1;
	}
	level = a.level;
	area_clear(&a);
	if (level != AREA_UNION) {
		log_info("voice: call %s: %s is not a union", vc->call_id,
		    digits);
		return 1;
	}
	snprintf(vc->union_code, sizeof(vc->union_code), "%s", digits);
	return 0;
}

static int
op_receipt(void *arg, const char *code, enum ivr_relief_outcome o, long qty)
{
	struct vcall		*vc = arg;
	struct voice		*v = vc->v;
	struct receipt_in	 ri;
	struct receipt_out	 ro;
	char			 raw[64];

	if (vc->msisdn[0] == '\0')
		return RECEIPT_NOT_OWNER;	/* a withheld or foreign number */
	memset(&ri, 0, sizeof(ri));
	memset(&ro, 0, sizeof(ro));
	snprintf(raw, sizeof(raw), "%s", ivr_script_digits(vc->script));
	ri.kind = o == IVR_RELIEF_NONE ? RECEIPT_DISPUTED : RECEIPT_RECEIVED;
	ri.code = code;
	ri.msisdn = vc->msisdn;
	ri.qty = o == IVR_RELIEF_LESS ? qty : 0;
	ri.channel = "ivr";
	ri.actor = vc->msisdn;
	ri.raw = raw;
	ri.lang = vc->lang;
	ri.wrong_codes = v->conf->wrong_codes;
	ri.wrong_window = v->conf->wrong_code_window;
	ri.now_ms = store_now_ms();
	if (store_batch_op(v->gw->store) == -1)
		return RECEIPT_ERROR;
	relief_receipt(v->gw->store, &ri, &ro);
	if (ro.grievance_id > 0)
		vc->grievance_id = ro.grievance_id;
	if (ro.outcome == RECEIPT_OK)
		v->receipts++;
	log_info("voice: call %s: relief code from %s: %s", vc->call_id,
	    vc->msisdn, ro.outcome == RECEIPT_OK ? "recorded" :
	    ro.outcome == RECEIPT_REPEAT ? "repeat" : "refused");
	return ro.outcome;
}

static int
op_grievance(void *arg, double seconds)
{
	struct vcall		*vc = arg;
	struct voice		*v = vc->v;
	struct grievance_in	 g;
	int64_t			 id;

	if (vc->recording[0] == '\0' || vc->msisdn[0] == '\0')
		return -1;
	memset(&g, 0, sizeof(g));
	g.msisdn = vc->msisdn;
	g.recipient_id = vc->recipient_id;
	g.union_code = vc->union_code[0] ? vc->union_code : NULL;
	g.channel = "ivr";
	g.category = "general";
	g.text = "";
	g.lang = vc->lang;
	g.recording = vc->recording;
	g.now = store_now();
	if (store_batch_op(v->gw->store) == -1 ||
	    (id = grievance_open(v->gw->store, &g)) == -1)
		return -1;
	vc->grievance_id = id;
	v->grievances++;
	log_info("voice: call %s: grievance %lld recorded (%.1f s)",
	    vc->call_id, (long long)id, seconds);
	return 0;
}

static void
op_confirm(void *arg)
{
	struct vcall	*vc = arg;

	vc->confirmed = 1;
	vc->v->confirms++;
}

const struct ivr_script_ops voice_ops = {
	op_play, op_play_stock, op_play_warning, op_play_spot, op_flush,
	op_timer, op_record, op_record_stop, op_hangup, op_have_union,
	op_set_union, op_receipt, op_grievance, op_confirm
};

/* --- RTP callbacks ------------------------------------------------------- */

static void
rtp_digit(void *arg, const struct ivr_digit *d)
{
	struct vcall	*vc = arg;

	if (vc->script != NULL)
		ivr_script_digit(vc->script, d->key);
}

static void
rtp_played(void *arg, struct ivr_clip *c, uint32_t frames, int completed)
{
	struct vcall	*vc = arg;

	if (c == vc->main) {
		vc->main_frames += frames;
		vc->main_full = completed;
	}
	if (vc->script != NULL)
		ivr_script_played(vc->script, completed);
}

static void
rtp_recorded(void *arg, double seconds)
{
	struct vcall	*vc = arg;

	vc->rec_seconds = seconds;
	if (vc->script != NULL)
		ivr_script_recorded(vc->script, seconds);
}

static void
rtp_timeout(void *arg)
{
	struct vcall	*vc = arg;

	log_info("voice: call %s: no RTP from the peer: hanging up",
	    vc->call_id);
	vc->rtp_timeout = 1;
	if (vc->call != NULL)
		ivr_call_hangup(vc->call);
}

static const struct ivr_rtp_cb voice_rtp_cb = {
	rtp_digit, rtp_played, rtp_recorded, rtp_timeout
};

/* --- calls ---------------------------------------------------------------- */

struct vcall *
vcall_new(struct voice *v, enum ivr_call_dir dir)
{
	struct vcall	*vc;

	vc = xcalloc(1, sizeof(*vc));
	vc->v = v;
	vc->dir = dir;
	vc->started = store_now_ms();
	snprintf(vc->lang, sizeof(vc->lang), "bn");
	if ((vc->sess = ivr_rtp_open(v->rtp, &voice_rtp_cb, vc)) == NULL) {
		free(vc);
		return NULL;
	}
	vc->timer = evtimer_new(v->gw->base, voice_timer_cb, vc);
	TAILQ_INSERT_TAIL(&v->calls, vc, entry);
	return vc;
}

void
vcall_free(struct vcall *vc)
{
	TAILQ_REMOVE(&vc->v->calls, vc, entry);
	if (vc->script != NULL)
		ivr_script_free(vc->script);
	if (vc->sess != NULL)
		ivr_rtp_close(vc->sess);
	if (vc->timer != NULL)
		event_free(vc->timer);
	free(vc);
}

const char *
voice_outcome(const struct vcall *vc, enum ivr_call_end how)
{
	if (vc->answered)
		return "answered";
	switch (how) {
	case IVR_END_BUSY:
		return "busy";
	case IVR_END_NOANSWER:
		return "no_answer";
	case IVR_END_REJECTED:
		return "rejected";
	case IVR_END_NOACK:
		return "no_ack";
	default:
		return vc->dir == IVR_CALL_OUT ? "failed" : "no_answer";
	}
}

static void
voice_record_call(struct voice *v, struct vcall *vc, enum ivr_call_end how,
    int code, int64_t now)
{
	struct call_rec	 r;

	memset(&r, 0, sizeof(r));
	r.call_id = vc->call_id;
	r.direction = vc->dir == IVR_CALL_IN ? "in" : "out";
	r.msisdn = vc->msisdn[0] ? vc->msisdn : NULL;
	r.peer = vc->peer;
	r.recipient_id = vc->recipient_id;
	r.union_code = vc->union_code[0] ? vc->union_code : NULL;
	r.alert_id = vc->alert_id;
	r.message_id = vc->message_id;
	r.script = vc->dir == IVR_CALL_IN ? "hotline" : "callout";
	r.started_at = vc->started;
	r.answered_at = vc->answered;
	r.ended_at = now;
	r.outcome = voice_outcome(vc, how);
	r.end_reason = vc->rtp_timeout ? "rtp_timeout" :
	    ivr_call_end_name(how);
	r.sip_code = code;
	r.digits = vc->script ? ivr_script_digits(vc->script) : "";
	r.result = vc->script ? ivr_script_result(vc->script) : "";
	r.played_ms = (int64_t)vc->main_frames * 20;
	r.played_full = vc->main_full;
	r.clip = vc->clip[0] ? vc->clip : NULL;
	r.recording = vc->recording[0] ? vc->recording : NULL;
	r.grievance_id = vc->grievance_id;
	r.campaign_id = vc->campaign_id;
	r.spot_id = vc->spot_id;
	if (store_batch_op(v->gw->store) == -1 ||
	    calls_record(v->gw->store, &r) == -1)
		log_warnx("voice: call %s: the call record was not stored",
		    vc->call_id);
}

/* --- SIP callbacks ------------------------------------------------------- */

static int
sip_invite(void *arg, struct ivr_call *call, const struct ivr_media *m)
{
	struct voice	*v = arg;
	struct vcall	*vc;

	if (v->menu == NULL)
		return -503;
	if ((vc = vcall_new(v, IVR_CALL_IN)) == NULL) {
		log_warnx("voice: no free RTP port: call refused");
		return -503;
	}
	vc->call = call;
	snprintf(vc->call_id, sizeof(vc->call_id), "%s", ivr_call_id(call));
	snprintf(vc->peer, sizeof(vc->peer), "%s", ivr_call_peer(call));
	voice_caller(v, vc);
	vc->script = ivr_script_new(IVR_SCRIPT_HOTLINE, v->menu, &voice_ops,
	    vc);
	ivr_call_set_user(call, vc);
	return ivr_rtp_port(vc->sess);
}

static void
sip_up(void *arg, struct ivr_call *call, const struct ivr_media *m)
{
	struct vcall	*vc = ivr_call_user(call);

	if (vc == NULL)
		return;
	vc->answered = store_now_ms();
	if (ivr_rtp_start(vc->sess, m) == -1) {
		log_warnx("voice: call %s: RTP would not start", vc->call_id);
		ivr_call_hangup(call);
		return;
	}
	log_info("voice: call %s %s %s up", vc->call_id,
	    vc->dir == IVR_CALL_IN ? "from" : "to", vc->peer);
	ivr_script_start(vc->script);
}

static void
sip_reinvite(void *arg, struct ivr_call *call, const struct ivr_media *m)
{
	struct vcall	*vc = ivr_call_user(call);

	if (vc != NULL && m != NULL && vc->answered)
		ivr_rtp_start(vc->sess, m);
}

static void
sip_ended(void *arg, struct ivr_call *call, enum ivr_call_end how, int code)
{
	struct voice	*v = arg;
	struct vcall	*vc = ivr_call_user(call);
	int64_t		 now = store_now_ms();
	int		 out;

	if (vc == NULL)
		return;
	vc->call = NULL;
	if (vc->script != NULL)
		ivr_script_ended(vc->script);
	if (vc->sess != NULL) {
		ivr_rtp_close(vc->sess);	/* keeps a recording */
		vc->sess = NULL;
	}
	if ((unsigned)how < sizeof(v->ended) / sizeof(v->ended[0]))
		v->ended[how]++;
	if (vc->rtp_timeout)
		v->rtp_timeouts++;
	if (vc->dir == IVR_CALL_OUT && vc->campaign_id != 0) {
		v->camp_calls--;
		camp_call_done(v->gw->store, vc->campaign_id,
		    vc->recipient_id, 1, vc->answered != 0, now,
		    v->conf->callout_attempts, v->conf->callout_interval);
	} else if (vc->dir == IVR_CALL_OUT)
		voice_message_done(v, vc, how, code, now);
	voice_record_call(v, vc, how, code, now);
	log_info("voice: call %s %s %s ended: %s%s%s", vc->call_id,
	    vc->dir == IVR_CALL_IN ? "from" : "to", vc->peer,
	    voice_outcome(vc, how), vc->script &&
	    *ivr_script_result(vc->script) ? ", " : "",
	    vc->script ? ivr_script_result(vc->script) : "");
	out = vc->dir == IVR_CALL_OUT;
	vcall_free(vc);
	if (out)
		voice_kick(v);
}

static const struct ivr_sip_cb voice_sip_cb = {
	sip_invite, sip_up, sip_reinvite, sip_ended
};

/* --- start and stop ----------------------------------------------------- */

static void
voice_load_stock(struct voice *v)
{
	char	 path[PATH_MAX + 64], err[512];
	int	 i, missing = 0;

	for (i = 0; i < IVR_STOCK_N; i++) {
		snprintf(path, sizeof(path), "%s/%s.sau", v->conf->ivr_prompts,
		    ivr_stock_name(i));
		if ((v->stock[i] = ivr_clip_load(path, err,
		    sizeof(err))) == NULL) {
			log_debug("voice: %s", err);
			missing++;
		}
	}
	if (missing > 0)
		log_warnx("voice: %d of %d stock prompts missing in %s (they "
		    "play as silence; scripts/prompts.sh renders them)",
		    missing, IVR_STOCK_N, v->conf->ivr_prompts);
}

struct voice *
voice_start(struct gw *gw)
{
	struct conf		*c = gw->conf;
	struct voice		*v;
	struct ivr_rtp_conf	 rc;
	struct ivr_sip_conf	 sc;
	char			 err[1024], *slash;
	uint8_t			 sil[VOICE_SILENCE_FRAMES * RTP_FRAME_BYTES];

	if (!c->sip_enable) {
		log_info("voice: off ([sip] enable = no)");
		return NULL;
	}
	v = xcalloc(1, sizeof(*v));
	v->gw = gw;
	v->conf = c;
	TAILQ_INIT(&v->calls);
	snprintf(v->db_dir, sizeof(v->db_dir), "%s", c->database);
	if ((slash = strrchr(v->db_dir, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(v->db_dir, sizeof(v->db_dir), ".");
	snprintf(v->voice_dir, sizeof(v->voice_dir), "%s/voice", v->db_dir);
	memset(sil, au_g711_silence(AU_CODEC_ULAW), sizeof(sil));
	v->silence = ivr_clip_new(AU_CODEC_ULAW, sil, VOICE_SILENCE_FRAMES,
	    "silence");

	if ((v->menu = ivr_menu_load(c->ivr_menu, err, sizeof(err))) == NULL)
		log_warnx("voice: the hotline is closed: %s", err);
	voice_load_stock(v);

	memset(&rc, 0, sizeof(rc));
	rc.ip = c->sip_media_ip[0] ? c->sip_media_ip : c->sip_listen.host;
	rc.port_min = c->rtp_port_min;
	rc.port_max = c->rtp_port_max;
	rc.timeout_ms = c->rtp_timeout * 1000;
	rc.max_burst = 3;
	rc.priority = SK_PRIO_KANNEL;	/* the send clock goes first */
	if ((v->rtp = ivr_rtp_new(gw->base, &rc, err, sizeof(err))) == NULL) {
		log_warnx("voice: off: RTP: %s", err);
		goto fail;
	}
	memset(&sc, 0, sizeof(sc));
	sc.host = c->sip_listen.host;
	sc.port = c->sip_listen.port;
	sc.media_ip = rc.ip;
	sc.trunk = c->sip_trunk;
	sc.username = c->sip_username;
	sc.password = c->sip_password;
	sc.channels = c->sip_channels;
	sc.max_calls = c->sip_max_calls;
	sc.rate_per_source = c->sip_rate_per_source;
	sc.trunk_only = c->sip_trunk_only;
	sc.register_s = c->sip_register;
	sc.ring_timeout_s = c->sip_ring_timeout;
	if ((v->sip = ivr_sip_new(gw->base, &sc, &voice_sip_cb, v, err,
	    sizeof(err))) == NULL) {
		log_warnx("voice: off: SIP: %s", err);
		goto fail;
	}
	v->camp = camp_run_new();
	if (store_tx_begin(gw->store) == 0) {
		camp_recover(gw->store, store_now_ms());
		if (store_tx_commit(gw->store) == -1)
			log_warnx("voice: campaign calls of the last run: not "
			    "recovered");
	}
	v->tick = evtimer_new(gw->base, voice_tick_cb, v);
	event_priority_set(v->tick, SK_PRIO_DEFAULT);
	voice_kick(v);
	log_info("voice: SIP on %s:%u (udp, tcp), RTP %s:%u-%u, hotline %s, "
	    "trunk %s", c->sip_listen.host, ivr_sip_port(v->sip), rc.ip,
	    rc.port_min, rc.port_max, v->menu ? "open" : "closed",
	    c->sip_trunk[0] ? c->sip_trunk : "none");
	voice_the = v;
	return v;
fail:
	voice_stop(v);
	return NULL;
}

/* Hang up every call (each gets its record), then free. */
void
voice_stop(struct voice *v)
{
	int	 i;

	if (v == NULL)
		return;
	if (v->sip != NULL)
		ivr_sip_free(v->sip);	/* cb->ended for every call */
	v->sip = NULL;
	while (!TAILQ_EMPTY(&v->calls))
		vcall_free(TAILQ_FIRST(&v->calls));
	if (v->tick != NULL)
		event_free(v->tick);
	if (v->rtp != NULL)
		ivr_rtp_free(v->rtp);
	for (i = 0; i < IVR_STOCK_N; i++)
		ivr_clip_unref(v->stock[i]);
	for (i = 0; i < VOICE_CLIPS_MAX; i++) {
		free(v->clips[i].key);
		ivr_clip_unref(v->clips[i].clip);
	}
	ivr_clip_unref(v->silence);
	ivr_menu_free(v->menu);
	camp_run_free(v->camp);
	if (voice_the == v)
		voice_the = NULL;
	free(v);
}

uint16_t
voice_sip_port(const struct voice *v)
{
	return v != NULL && v->sip != NULL ? ivr_sip_port(v->sip) : 0;
}

/* --- metrics ------------------------------------------------------------- */

void
voice_metrics(struct voice *v, struct evbuffer *b)
{
	struct ivr_sip_stats	 ss;
	struct ivr_rtp_stats	 rs;
	int			 i;

	evbuffer_add_printf(b, "# HELP sanket_voice_up 1 when SIP and RTP "
	    "run.\n# TYPE sanket_voice_up gauge\nsanket_voice_up %d\n",
	    v != NULL && v->sip != NULL);
	if (v == NULL || v->sip == NULL)
		return;
	ivr_sip_stats(v->sip, &ss);
	ivr_rtp_stats(v->rtp, &rs);
	evbuffer_add_printf(b, "# HELP sanket_calls_active Calls up or "
	    "ringing.\n# TYPE sanket_calls_active gauge\n"
	    "sanket_calls_active %llu\n", (unsigned long long)ss.active);
	evbuffer_add_printf(b, "# HELP sanket_calls_total Calls started.\n"
	    "# TYPE sanket_calls_total counter\n"
	    "sanket_calls_total{direction=\"in\"} %llu\n"
	    "sanket_calls_total{direction=\"out\"} %llu\n",
	    (unsigned long long)ss.calls_in, (unsigned long long)ss.calls_out);
	evbuffer_add_printf(b, "# HELP sanket_calls_ended_total Calls ended, "
	    "by how.\n# TYPE sanket_calls_ended_total counter\n");
	for (i = IVR_END_LOCAL; i <= IVR_END_SHUTDOWN; i++)
		evbuffer_add_printf(b, "sanket_calls_ended_total{how=\"%s\"} "
		    "%llu\n", ivr_call_end_name(i),
		    (unsigned long long)v->ended[i]);
	evbuffer_add_printf(b, "# HELP sanket_sip_refused_total INVITEs "
	    "refused (limits, codecs, bad requests).\n"
	    "# TYPE sanket_sip_refused_total counter\n"
	    "sanket_sip_refused_total %llu\n"
	    "# HELP sanket_sip_bad_messages_total Unparseable SIP messages.\n"
	    "# TYPE sanket_sip_bad_messages_total counter\n"
	    "sanket_sip_bad_messages_total %llu\n"
	    "# HELP sanket_sip_registered 1 registered, 0 not, -1 not "
	    "configured.\n# TYPE sanket_sip_registered gauge\n"
	    "sanket_sip_registered %d\n",
	    (unsigned long long)ss.refused,
	    (unsigned long long)ss.bad_messages, ss.registered);
	evbuffer_add_printf(b, "# HELP sanket_rtp_packets_total RTP packets."
	    "\n# TYPE sanket_rtp_packets_total counter\n"
	    "sanket_rtp_packets_total{dir=\"sent\"} %llu\n"
	    "sanket_rtp_packets_total{dir=\"received\"} %llu\n"
	    "sanket_rtp_packets_total{dir=\"wrong_source\"} %llu\n"
	    "sanket_rtp_packets_total{dir=\"bad\"} %llu\n"
	    "# HELP sanket_rtp_late_frames_total Frames sent late or "
	    "skipped.\n# TYPE sanket_rtp_late_frames_total counter\n"
	    "sanket_rtp_late_frames_total %llu\n",
	    (unsigned long long)rs.sent, (unsigned long long)rs.received,
	    (unsigned long long)rs.wrong_source, (unsigned long long)rs.bad,
	    (unsigned long long)rs.late);
	evbuffer_add_printf(b, "# HELP sanket_ivr_actions_total Keypad "
	    "actions done.\n# TYPE sanket_ivr_actions_total counter\n"
	    "sanket_ivr_actions_total{action=\"receipt\"} %llu\n"
	    "sanket_ivr_actions_total{action=\"grievance\"} %llu\n"
	    "sanket_ivr_actions_total{action=\"confirm\"} %llu\n",
	    (unsigned long long)v->receipts,
	    (unsigned long long)v->grievances,
	    (unsigned long long)v->confirms);
}

/* --- a cancelled alert ------------------------------------------------- */

/*
 * Hang up the alert's call-outs that ring or are up (the cancel itself
 * stopped the queued ones).  A call still ringing was never heard: its
 * message is cancelled here, so that the hang-up's ended callback finds
 * it settled and does not queue a retry.  A call that is up ends like any
 * other (delivered; confirmed if 1 was pressed).  Every call keeps its
 * record: sip_ended writes it when the hang-up completes.
 */
void
voice_alert_cancelled(struct voice *v, int64_t alert_id)
{
	static const char stop[] = "UPDATE messages SET state = 5,"
	    " done_at = ?2, reason = 'cancelled while ringing'"
	    " WHERE id = ?1 AND state = 1";
	struct vcall	*vc;
	sqlite3_stmt	*st;
	int		 n = 0;

	if (v == NULL || v->sip == NULL || alert_id <= 0)
		return;
	TAILQ_FOREACH(vc, &v->calls, entry) {
		if (vc->dir != IVR_CALL_OUT || vc->alert_id != alert_id ||
		    vc->call == NULL)
			continue;
		if (!vc->answered && vc->message_id != 0 &&
		    store_batch_op(v->gw->store) == 0 &&
		    (st = store_prepare(v->gw->store, stop)) != NULL) {
			sqlite3_bind_int64(st, 1, vc->message_id);
			sqlite3_bind_int64(st, 2, store_now_ms());
			camp_step(v->gw->store, st, "voice: cancel ringing");
		}
		/* Never calls back from here (ivr.h): the list holds. */
		ivr_call_hangup(vc->call);
		n++;
	}
	if (n > 0)
		log_info("alert=%lld cancelled: hanging up %d calls",
		    (long long)alert_id, n);
}
