/*
 * voice-callout.c: warning call-outs (see voice.c for the whole voice
 * side).  Voice messages (messages.channel = 'voice') are claimed like SMS
 * ones, QUEUED -> SUBMITTING in the group-commit batch, and the calls are
 * placed only once the claim is committed; at most the trunk's free
 * channels at a time, priority 3 first.  How a call ends moves its message
 * on (voice_message_done):
 *
 *	answered, key 1	--> DELIVERED, confirmed_at
 *	answered	--> DELIVERED
 *	busy, no answer, failed --> QUEUED again after callout_interval,
 *	    until callout_attempts calls were made; then FAILED
 *	rejected (4xx-6xx but busy) --> FAILED
 *
 * After a crash the SUBMITTING rows are requeued by dispatch_new (a
 * warning may be called twice, never lost).
 */
#include "config.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "campaigns.h"
#include "conf.h"
#include "gateway.h"
#include "http.h"
#include "log.h"
#include "store.h"
#include "voice-int.h"
#include "xmalloc.h"

/* A call-out ended: move its message on (see the file comment). */
void
voice_message_done(struct voice *v, struct vcall *vc, enum ivr_call_end how,
    int code, int64_t now)
{
	static const char done[] = "UPDATE messages SET state = 3,"
	    " done_at = ?2, submitted_at = coalesce(submitted_at, ?2),"
	    " confirmed_at = CASE WHEN ?3 THEN ?2 ELSE confirmed_at END,"
	    " reason = NULL WHERE id = ?1 AND state = 1";
	static const char again[] = "UPDATE messages SET state ="
	    " CASE WHEN attempts < ?3 THEN 0 ELSE 4 END, next_at = ?2 + ?4,"
	    " reason = ?5, done_at = CASE WHEN attempts < ?3 THEN NULL"
	    " ELSE ?2 END WHERE id = ?1 AND state = 1";
	static const char fail[] = "UPDATE messages SET state = 4,"
	    " done_at = ?2, reason = ?3 WHERE id = ?1 AND state = 1";
	sqlite3_stmt	*st;
	char		 reason[48];

	if (vc->message_id == 0 || store_batch_op(v->gw->store) == -1)
		return;
	if (vc->answered) {
		if ((st = store_prepare(v->gw->store, done)) == NULL)
			return;
		sqlite3_bind_int64(st, 1, vc->message_id);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int(st, 3, vc->confirmed);
		camp_step(v->gw->store, st, "voice: message answered");
		return;
	}
	snprintf(reason, sizeof(reason), "%s%s%.0d", voice_outcome(vc, how),
	    code ? " " : "", code);
	if (how == IVR_END_REJECTED) {
		if ((st = store_prepare(v->gw->store, fail)) == NULL)
			return;
		sqlite3_bind_int64(st, 1, vc->message_id);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_text(st, 3, reason, -1, SQLITE_TRANSIENT);
		camp_step(v->gw->store, st, "voice: message rejected");
		return;
	}
	if ((st = store_prepare(v->gw->store, again)) == NULL)
		return;
	sqlite3_bind_int64(st, 1, vc->message_id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, v->conf->callout_attempts);
	sqlite3_bind_int64(st, 4, (int64_t)v->conf->callout_interval * 1000);
	sqlite3_bind_text(st, 5, reason, -1, SQLITE_TRANSIENT);
	camp_step(v->gw->store, st, "voice: message retry");
}


/* --- call-outs ------------------------------------------------------------ */

int64_t
voice_mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct vdial {
	struct voice	*v;
	int		 n;
	struct vdial_one {
		int64_t	 id, alert_id, recipient_id;
		char	 msisdn[MSISDN_MAX];
		char	 lang[3];
		char	 union_code[33];
	} *one;
};

/* A call-out to one person, not yet dialled; NULL when voice stops. */
static struct vcall *
voice_out_new(struct voice *v, int64_t recipient_id, const char *msisdn,
    const char *lang, const char *union_code)
{
	struct vcall	*vc;

	if (v->sip == NULL || v->gw->stopping ||
	    (vc = vcall_new(v, IVR_CALL_OUT)) == NULL)
		return NULL;
	vc->recipient_id = recipient_id;
	snprintf(vc->msisdn, sizeof(vc->msisdn), "%s", msisdn);
	snprintf(vc->peer, sizeof(vc->peer), "%s", msisdn);
	snprintf(vc->lang, sizeof(vc->lang), "%s", lang);
	snprintf(vc->union_code, sizeof(vc->union_code), "%s", union_code);
	return vc;
}

/* Dial vc with a script of kind: 0, or -1 with vc freed. */
static int
voice_out_dial(struct voice *v, struct vcall *vc, enum ivr_script_kind kind)
{
	vc->script = ivr_script_new(kind, NULL, &voice_ops, vc);
	vc->call = ivr_sip_dial(v->sip, vc->msisdn, ivr_rtp_port(vc->sess),
	    vc);
	if (vc->call == NULL) {
		vcall_free(vc);
		return -1;
	}
	snprintf(vc->call_id, sizeof(vc->call_id), "%s",
	    ivr_call_id(vc->call));
	return 0;
}

/* The claims are committed: place the calls. */
static void
voice_dial_cb(void *arg)
{
	static const char back[] = "UPDATE messages SET state = 0,"
	    " attempts = attempts - 1 WHERE id = ?1 AND state = 1";
	struct vdial	*vd = arg;
	struct voice	*v = vd->v;
	struct vcall	*vc;
	sqlite3_stmt	*st;
	int		 i;

	for (i = 0; i < vd->n; i++) {
		struct vdial_one *o = &vd->one[i];

		v->pending--;
		if ((vc = voice_out_new(v, o->recipient_id, o->msisdn,
		    o->lang, o->union_code)) != NULL) {
			vc->message_id = o->id;
			vc->alert_id = o->alert_id;
			if (voice_out_dial(v, vc, IVR_SCRIPT_CALLOUT) == 0)
				continue;
		}
		/* Not placed: back to the queue, no attempt counted. */
		if (store_batch_op(v->gw->store) == -1 ||
		    (st = store_prepare(v->gw->store, back)) == NULL)
			continue;
		sqlite3_bind_int64(st, 1, o->id);
		camp_step(v->gw->store, st, "voice: requeue");
	}
	free(vd->one);
	free(vd);
}

/* Claim up to want due voice messages, priority 3 first. */
static int
voice_claim(struct voice *v, int want, int64_t now)
{
	static const char due[] = "SELECT m.id, m.alert_id,"
	    " coalesce(m.msisdn, r.msisdn), m.lang, coalesce(m.union_code,"
	    " ''), coalesce(m.recipient_id, 0), a.expires_at, a.cancelled_at"
	    " FROM messages m LEFT JOIN alerts a ON a.id = m.alert_id"
	    " LEFT JOIN recipients r ON r.id = m.recipient_id WHERE"
	    " m.channel = 'voice' AND m.state = 0 AND m.priority = ?1 AND"
	    " m.next_at <= ?2 ORDER BY m.next_at LIMIT ?3";
	static const char take[] = "UPDATE messages SET state = 1,"
	    " attempts = attempts + 1 WHERE id = ?1 AND state = 0";
	static const char expire[] = "UPDATE messages SET state = 6,"
	    " done_at = ?2 WHERE id = ?1 AND state = 0";
	struct store	*s = v->gw->store;
	struct vdial	*vd;
	sqlite3_stmt	*st;
	int64_t		*gone;
	int		 prio, ngone = 0, i;

	vd = xcalloc(1, sizeof(*vd));
	vd->v = v;
	vd->one = xcalloc(want, sizeof(*vd->one));
	gone = xcalloc(want, sizeof(*gone));
	if (store_batch_op(s) == -1)
		goto out;
	for (prio = 3; prio >= 0 && vd->n + ngone < want; prio--) {
		if ((st = store_prepare(s, due)) == NULL)
			goto out;
		sqlite3_bind_int(st, 1, prio);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int(st, 3, want - vd->n - ngone);
		while (sqlite3_step(st) == SQLITE_ROW) {
			struct vdial_one *o = &vd->one[vd->n];

			if ((sqlite3_column_type(st, 6) != SQLITE_NULL &&
			    sqlite3_column_int64(st, 6) * 1000 <= now) ||
			    sqlite3_column_type(st, 7) != SQLITE_NULL ||
			    sqlite3_column_type(st, 2) == SQLITE_NULL) {
				gone[ngone++] = sqlite3_column_int64(st, 0);
				continue;
			}
			o->id = sqlite3_column_int64(st, 0);
			o->alert_id = sqlite3_column_int64(st, 1);
			camp_col(st, 2, o->msisdn, sizeof(o->msisdn));
			camp_col(st, 3, o->lang, sizeof(o->lang));
			camp_col(st, 4, o->union_code, sizeof(o->union_code));
			o->recipient_id = sqlite3_column_int64(st, 5);
			vd->n++;
		}
		sqlite3_reset(st);
	}
	for (i = 0; i < ngone; i++) {
		if ((st = store_prepare(s, expire)) == NULL)
			goto out;
		sqlite3_bind_int64(st, 1, gone[i]);
		sqlite3_bind_int64(st, 2, now);
		camp_step(s, st, "voice: expire");
	}
	for (i = 0; i < vd->n; i++) {
		if ((st = store_prepare(s, take)) == NULL)
			goto out;
		sqlite3_bind_int64(st, 1, vd->one[i].id);
		camp_step(s, st, "voice: claim");
	}
out:
	free(gone);
	i = vd->n;
	if (i == 0) {
		free(vd->one);
		free(vd);
		return ngone;
	}
	v->pending += i;
	store_batch_after(s, voice_dial_cb, vd);
	return i + ngone;
}

/* --- campaign airings --------------------------------------------------- */

struct vair {
	struct voice		*v;
	int			 n;
	struct camp_dial	*d;
};

/* The airings' claims are committed: place the calls. */
static void
voice_air_cb(void *arg)
{
	struct vair	*va = arg;
	struct voice	*v = va->v;
	struct vcall	*vc;
	int		 i;

	for (i = 0; i < va->n; i++) {
		struct camp_dial *d = &va->d[i];

		v->pending--;
		if ((vc = voice_out_new(v, d->recipient_id, d->msisdn,
		    d->lang, d->union_code)) != NULL) {
			vc->campaign_id = d->campaign_id;
			vc->spot_id = d->spot_id;
			snprintf(vc->spot_path, sizeof(vc->spot_path), "%s",
			    d->clip);
			if (voice_out_dial(v, vc, IVR_SCRIPT_SPOT) == 0)
				continue;
		}
		/* Not placed: back to the plan, no attempt counted. */
		v->camp_calls--;
		camp_call_done(v->gw->store, d->campaign_id, d->recipient_id,
		    0, 0, store_now_ms(), 0, 0);
	}
	free(va->d);
	free(va);
}

/*
 * What campaigns may use of free channels: at most [campaigns] channels
 * calls of theirs at once (default: half the trunk), so a warning that
 * arrives during a blast finds lines free.
 */
static int
voice_air_room(struct voice *v, int free_ch)
{
	int	 cap = v->conf->camp_channels;

	if (cap <= 0)
		cap = v->conf->sip_channels > 1 ? v->conf->sip_channels / 2 :
		    1;
	cap -= v->camp_calls;
	return cap < free_ch ? cap : free_ch;
}

static int
voice_air(struct voice *v, int want, int64_t now)
{
	struct vair	*va;
	int		 n;

	if (want <= 0)
		return 0;
	va = xcalloc(1, sizeof(*va));
	va->v = v;
	va->d = xcalloc(want, sizeof(*va->d));
	n = camp_claim(v->camp, v->gw->store, now, voice_mono_ms(), want,
	    va->d);
	if (n == 0) {
		free(va->d);
		free(va);
		return 0;
	}
	va->n = n;
	v->pending += n;
	v->camp_calls += n;
	store_batch_after(v->gw->store, voice_air_cb, va);
	return n;
}

/*
 * Warnings and relief notices first: campaigns get only the channels the
 * due voice messages left free, and only while none of those wait.
 */
void
voice_tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct voice	*v = arg;
	struct timeval	 tv = { 0, VOICE_TICK_MS * 1000 };
	int64_t		 now = store_now_ms();
	int		 free_ch;

	if (v->gw->stopping)
		return;
	camp_sweep(v->gw->store, now, CAMP_SWEEP_ROWS);
	free_ch = ivr_sip_free_channels(v->sip) - v->pending;
	if (free_ch > 0 && voice_claim(v, free_ch, now) > 0)
		tv.tv_usec = 0;
	else if (free_ch > 0 && voice_air(v, voice_air_room(v, free_ch),
	    now) > 0)
		tv.tv_usec = 0;
	evtimer_add(v->tick, &tv);
}

void
voice_kick(struct voice *v)
{
	struct timeval	 tv = { 0, 0 };

	if (v != NULL && v->tick != NULL && v->sip != NULL &&
	    !v->gw->stopping)
		evtimer_add(v->tick, &tv);
}
