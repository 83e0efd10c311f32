/*
 * escalate.c: what follows a warning (docs/escalation.md): escalation
 * from SMS to a call, supersede (an update replaces a warning), and the
 * all-clear sent when a warning is cancelled.
 *
 * Escalation.  An SMS row of a warning with a confirmation window
 * (confirm_ms) may escalate once; the partial index messages_escalate
 * holds exactly the rows that still may, so a sweep reads a few index
 * entries per live alert, never the message history:
 *
 *	SMS row (escalated_at NULL, confirmed_at NULL)
 *	    failed (state 4)			--> escalate now
 *	    submitted / delivered (2, 3) and
 *	    submitted_at + confirm_ms <= now	--> escalate now
 *	    confirmed (a reply, inbound.c)	--> leaves the index: never
 *	escalate: a voice row (same alert, recipient, union, language,
 *	    priority, window; due now) unless the person has one, and
 *	    escalated_at = now, in the same batch
 *
 * The voice row is then an ordinary call-out (ivr/voice-callout.c):
 * answered and key 1 confirms it, busy and no answer are retried
 * callout_attempts times.  Cancelled, superseded and expired alerts are
 * never swept; a cancel or a supersede stops the voice rows still queued.
 *
 * Supersede and all-clear run inside the API's transaction (api-alerts.c)
 * and are set-based like the fan-out (alert.c).
 */
#include "config.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaigns.h"
#include "conf.h"
#include "http.h"
#include "kannel.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

#define ESCALATE_TICK_MS	1000

struct esc_row {
	int64_t		 id, alert_id, recipient_id, confirm_ms;
	int		 priority;
	char		 union_code[33];
	char		 lang[3];
};

static uint64_t	 esc_total;	/* sanket_escalations_total */

/*
 * Append up to max rows of one alert in one state to rows.  cutoff: the
 * latest submitted_at that is out of its window (states 2, 3); ignored
 * for failed rows, which may never have been submitted.  The WHERE
 * repeats the index's own so that SQLite may (and INDEXED BY makes it)
 * use it.
 */
static int
esc_collect(struct store *s, int64_t alert, int state, int64_t cutoff,
    struct esc_row *rows, int max)
{
	static const char failed[] = "SELECT id, recipient_id, union_code,"
	    " lang, priority, confirm_ms FROM messages INDEXED BY"
	    " messages_escalate WHERE alert_id = ?1 AND state = 4 AND"
	    " confirm_ms IS NOT NULL AND channel = 'sms' AND confirmed_at IS"
	    " NULL AND escalated_at IS NULL AND recipient_id IS NOT NULL"
	    " LIMIT ?2";
	static const char late[] = "SELECT id, recipient_id, union_code,"
	    " lang, priority, confirm_ms FROM messages INDEXED BY"
	    " messages_escalate WHERE alert_id = ?1 AND state = ?3 AND"
	    " submitted_at <= ?4 AND confirm_ms IS NOT NULL AND"
	    " channel = 'sms' AND confirmed_at IS NULL AND escalated_at IS"
	    " NULL AND recipient_id IS NOT NULL LIMIT ?2";
	sqlite3_stmt	*st;
	int		 n = 0, rc;

	if ((st = store_prepare(s, state == MSG_FAILED ? failed : late)) ==
	    NULL)
		return -1;
	sqlite3_bind_int64(st, 1, alert);
	sqlite3_bind_int(st, 2, max);
	if (state != MSG_FAILED) {
		sqlite3_bind_int(st, 3, state);
		sqlite3_bind_int64(st, 4, cutoff);
	}
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		rows[n].id = sqlite3_column_int64(st, 0);
		rows[n].alert_id = alert;
		rows[n].recipient_id = sqlite3_column_int64(st, 1);
		camp_col(st, 2, rows[n].union_code, sizeof(rows[n].union_code));
		camp_col(st, 3, rows[n].lang, sizeof(rows[n].lang));
		rows[n].priority = sqlite3_column_int(st, 4);
		rows[n].confirm_ms = sqlite3_column_int64(st, 5);
		n++;
	}
	sqlite3_reset(st);
	return n;
}

/* Escalate one row: 1 a call was queued, 0 the person had one, -1. */
static int
esc_one(struct store *s, const struct esc_row *r, int64_t now_ms)
{
	/* messages_confirm (recipient_id, partial on confirm_ms) finds the
	 * person's rows of warnings: the check is a short index probe. */
	static const char call[] = "INSERT INTO messages (alert_id,"
	    " recipient_id, union_code, lang, channel, priority, next_at,"
	    " parts, confirm_ms, origin) SELECT ?1, ?2, ?3, ?4, 'voice', ?5,"
	    " ?6, 0, ?7, 'alert' WHERE NOT EXISTS (SELECT 1 FROM messages"
	    " WHERE recipient_id = ?2 AND confirm_ms IS NOT NULL AND"
	    " alert_id = ?1 AND channel = 'voice')";
	static const char mark[] = "UPDATE messages SET escalated_at = ?2"
	    " WHERE id = ?1 AND escalated_at IS NULL";
	sqlite3_stmt	*st;
	int		 n;

	if (store_batch_op(s) == -1 || (st = store_prepare(s, call)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, r->alert_id);
	sqlite3_bind_int64(st, 2, r->recipient_id);
	sqlite3_bind_text(st, 3, r->union_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->lang, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, r->priority);
	sqlite3_bind_int64(st, 6, now_ms);
	sqlite3_bind_int64(st, 7, r->confirm_ms);
	if (camp_step(s, st, "escalate: voice row") == -1)
		return -1;
	n = sqlite3_changes(store_db(s));
	if ((st = store_prepare(s, mark)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, now_ms);
	if (camp_step(s, st, "escalate: mark") == -1)
		return -1;
	log_debug("alert=%lld msg=%lld escalated to voice%s",
	    (long long)r->alert_id, (long long)r->id, n ? "" :
	    " (a call was already due)");
	return n;
}

int
camp_escalate(struct store *s, int64_t now_ms, int limit)
{
	/* Live escalating alerts: few, and the alerts table is small. */
	static const char live[] = "SELECT id, coalesce(confirm_within, 0)"
	    " FROM alerts WHERE escalate = 1 AND cancelled_at IS NULL AND"
	    " superseded_by IS NULL AND starts_at <= ?1 AND (expires_at IS"
	    " NULL OR expires_at > ?1) ORDER BY priority DESC, id";
	static const int states[] = { MSG_FAILED, MSG_SUBMITTED,
	    MSG_DELIVERED };
	struct esc_row	*rows;
	sqlite3_stmt	*st;
	int64_t		*alerts = NULL, *win = NULL;
	size_t		 na = 0, cap = 0, i;
	int		 n = 0, k, got, j, rc = 0;

	if (limit <= 0)
		return 0;
	if ((st = store_prepare(s, live)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now_ms / 1000);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (na == cap) {
			cap = cap ? cap * 2 : 16;
			alerts = xreallocarray(alerts, cap, sizeof(*alerts));
			win = xreallocarray(win, cap, sizeof(*win));
		}
		alerts[na] = sqlite3_column_int64(st, 0);
		win[na++] = sqlite3_column_int64(st, 1) * 1000;
	}
	sqlite3_reset(st);

	/* Read first, then write: the writes take rows out of the index
	 * being read. */
	rows = xcalloc(limit, sizeof(*rows));
	for (i = 0; i < na && n < limit; i++)
		for (j = 0; j < 3 && n < limit; j++) {
			got = esc_collect(s, alerts[i], states[j],
			    now_ms - win[i], rows + n, limit - n);
			if (got == -1) {
				rc = -1;
				goto out;
			}
			n += got;
		}
	for (k = 0; k < n; k++)
		if (esc_one(s, &rows[k], now_ms) == -1) {
			rc = -1;
			goto out;
		}
	rc = n;
	esc_total += n;
	if (n > 0)
		log_info("escalate: %d SMS unconfirmed or failed: calling", n);
out:
	free(rows);
	free(alerts);
	free(win);
	return rc;
}

/* --- the sweep's timer ---------------------------------------------------- */

static struct {
	struct gw	*gw;
	struct event	*ev;
	void		(*kick)(struct gw *);
	int		 warned;
} esc;

static void
esc_kick_cb(void *arg)
{
	if (esc.gw != NULL && esc.kick != NULL)
		esc.kick(esc.gw);
}

/* Voice can call out: it runs and has a trunk. */
static int
esc_voice_usable(struct gw *gw)
{
	return gw->voice != NULL && gw->conf->sip_trunk != NULL &&
	    gw->conf->sip_trunk[0] != '\0';
}

static void
esc_tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	static const char open[] = "SELECT count(*) FROM alerts WHERE"
	    " escalate = 1 AND cancelled_at IS NULL AND superseded_by IS NULL";
	struct gw	*gw = esc.gw;
	struct timeval	 tv = { ESCALATE_TICK_MS / 1000,
	    (ESCALATE_TICK_MS % 1000) * 1000 };
	int64_t		 nopen = 0;
	int		 n;

	if (gw->stopping)
		return;
	if (!esc_voice_usable(gw)) {
		/* Said once, and only when it matters. */
		if (!esc.warned && store_int64(gw->store, open, &nopen) == 0 &&
		    nopen > 0) {
			log_warnx("escalate: warnings would escalate to calls,"
			    " but voice is off or has no [sip] trunk: they "
			    "stay SMS only");
			esc.warned = 1;
		}
	} else if ((n = camp_escalate(gw->store, store_now_ms(),
	    ESCALATE_BATCH)) > 0) {
		store_batch_after(gw->store, esc_kick_cb, NULL);
		if (n == ESCALATE_BATCH)
			tv.tv_sec = 0, tv.tv_usec = 100 * 1000;	/* more due */
	}
	evtimer_add(esc.ev, &tv);
}

void
camp_escalate_start(struct gw *gw, void (*kick)(struct gw *))
{
	struct timeval	 tv = { ESCALATE_TICK_MS / 1000, 0 };

	if (esc.ev != NULL)
		return;
	esc.gw = gw;
	esc.kick = kick;
	esc.ev = evtimer_new(gw->base, esc_tick_cb, NULL);
	event_priority_set(esc.ev, SK_PRIO_DEFAULT);
	evtimer_add(esc.ev, &tv);
}

void
camp_escalate_stop(void)
{
	if (esc.ev != NULL)
		event_free(esc.ev);
	memset(&esc, 0, sizeof(esc));
}

void
camp_escalate_metrics(struct evbuffer *b)
{
	evbuffer_add_printf(b, "# HELP sanket_escalations_total SMS of "
	    "warnings handed to a call (failed or not confirmed in time).\n"
	    "# TYPE sanket_escalations_total counter\n"
	    "sanket_escalations_total %llu\n", (unsigned long long)esc_total);
}

/* --- supersede ------------------------------------------------------------ */

int
camp_alert_supersede_check(struct store *s, int64_t old)
{
	static const char q[] = "SELECT cancelled_at IS NOT NULL,"
	    " superseded_by IS NOT NULL FROM alerts WHERE id = ?1";
	sqlite3_stmt	*st;
	int		 rc, out;

	if ((st = store_prepare(s, q)) == NULL)
		return SUPERSEDE_ERROR;
	sqlite3_bind_int64(st, 1, old);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		out = sqlite3_column_int(st, 0) ? SUPERSEDE_CANCELLED :
		    sqlite3_column_int(st, 1) ? SUPERSEDE_TWICE : SUPERSEDE_OK;
	else
		out = rc == SQLITE_DONE ? SUPERSEDE_UNKNOWN : SUPERSEDE_ERROR;
	sqlite3_reset(st);
	return out;
}

int
camp_alert_supersede(struct store *s, int64_t old, int64_t new_id,
    int64_t *stopped, int64_t *first)
{
	/* Those the old one reached: an SMS submitted or delivered, a call
	 * answered.  Their new rows go 1 ms ahead of the new alert's start,
	 * so within the priority both dispatchers take them first. */
	static const char ahead[] = "UPDATE messages SET next_at ="
	    " (SELECT starts_at * 1000 - 1 FROM alerts WHERE id = ?1)"
	    " WHERE alert_id = ?1 AND state = 0 AND recipient_id IN"
	    " (SELECT recipient_id FROM messages WHERE alert_id = ?2 AND"
	    " ((channel = 'sms' AND state IN (2, 3)) OR (channel = 'voice'"
	    " AND state = 3)))";
	static const char stop[] = "UPDATE messages SET state = 5,"
	    " done_at = ?2, reason = 'superseded' WHERE alert_id = ?1 AND"
	    " state = 0";
	static const char link_old[] = "UPDATE alerts SET superseded_by = ?2"
	    " WHERE id = ?1";
	static const char link_new[] = "UPDATE alerts SET supersedes = ?2"
	    " WHERE id = ?1";
	sqlite3_stmt	*st;

	*stopped = *first = 0;
	if ((st = store_prepare(s, ahead)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, new_id);
	sqlite3_bind_int64(st, 2, old);
	if (camp_step(s, st, "supersede: first") == -1)
		return -1;
	*first = sqlite3_changes(store_db(s));
	if ((st = store_prepare(s, stop)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, old);
	sqlite3_bind_int64(st, 2, store_now_ms());
	if (camp_step(s, st, "supersede: stop") == -1)
		return -1;
	*stopped = sqlite3_changes(store_db(s));
	if ((st = store_prepare(s, link_old)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, old);
	sqlite3_bind_int64(st, 2, new_id);
	if (camp_step(s, st, "supersede: link old") == -1)
		return -1;
	if ((st = store_prepare(s, link_new)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, new_id);
	sqlite3_bind_int64(st, 2, old);
	if (camp_step(s, st, "supersede: link new") == -1)
		return -1;
	log_info("alert=%lld superseded by alert=%lld: %lld messages stopped, "
	    "%lld sent first", (long long)old, (long long)new_id,
	    (long long)*stopped, (long long)*first);
	return 0;
}

/* --- all-clear ------------------------------------------------------------ */

int
camp_all_clear_parse(json_t *j, int max_parts, int *want, char **bn,
    char **en, int *status, const char **code, char *msg, size_t msglen)
{
	json_t		*ac = NULL, *tbn = NULL, *ten = NULL;
	struct sms_len	 l;
	char		*t;
	int		 i;

	*want = 0;
	*bn = *en = NULL;
	*status = 400;
	*code = "E_BAD_JSON";
	if (json_unpack(j, "{s?o!}", "all_clear", &ac) == -1 || (ac != NULL &&
	    !json_is_boolean(ac) && !json_is_object(ac))) {
		snprintf(msg, msglen, "expected {} or {\"all_clear\": true | "
		    "false | {\"text_bn\": ..., \"text_en\": ...}}");
		return -1;
	}
	if (ac == NULL || json_is_false(ac))
		return 0;
	*want = 1;
	if (json_is_true(ac))
		return 0;
	if (json_unpack(ac, "{s?o,s?o!}", "text_bn", &tbn, "text_en",
	    &ten) == -1 || (tbn != NULL && !json_is_string(tbn)) ||
	    (ten != NULL && !json_is_string(ten)) || (tbn == NULL &&
	    ten == NULL)) {
		snprintf(msg, msglen, "all_clear: expected {\"text_bn\": "
		    "\"...\", \"text_en\": \"...\"} (one or both)");
		return -1;
	}
	*code = "E_BAD_REQUEST";
	for (i = 0; i < 2; i++) {
		json_t *v = i == 0 ? tbn : ten;

		if (v == NULL)
			continue;
		if ((t = camp_text(i == 0 ? "all_clear.text_bn" :
		    "all_clear.text_en", json_string_value(v), msg,
		    msglen)) == NULL)
			goto fail;
		*(i == 0 ? bn : en) = t;
		if (sms_measure(t, &l) == -1 || l.parts > max_parts) {
			*code = "E_TOO_LONG";
			snprintf(msg, msglen, "all_clear: a text needs %d SMS "
			    "parts; the limit is %d ([kannel] max_parts)",
			    l.parts, max_parts);
			goto fail;
		}
	}
	return 0;
fail:
	free(*bn);
	free(*en);
	*bn = *en = NULL;
	return -1;
}

int
camp_alert_all_clear(struct store *s, int64_t old, const char *bn,
    const char *en, int64_t token_id, struct alert_made *made)
{
	/* Who the old one reached, and how (see campaigns.h). */
	static const char by_sms[] = "SELECT count(*) FROM messages"
	    " WHERE alert_id = ?1 AND channel = 'sms' AND state IN (2, 3)"
	    " AND recipient_id IS NOT NULL";
	static const char by_call[] = "SELECT count(*) FROM messages m"
	    " WHERE m.alert_id = ?1 AND m.channel = 'voice' AND m.state = 3"
	    " AND m.recipient_id NOT IN (SELECT recipient_id FROM messages"
	    " WHERE alert_id = ?1 AND channel = 'sms' AND state IN (2, 3) AND"
	    " recipient_id IS NOT NULL)";
	/* Of the old one's kind and priority (a warning's: 3). */
	static const char ins[] = "INSERT INTO alerts (kind, priority,"
	    " text_bn, text_en, starts_at, created_at, token_id, channels,"
	    " escalate) SELECT kind, priority, ?1, ?2, ?3, ?3, nullif(?4, 0),"
	    " ?5, 0 FROM alerts WHERE id = ?6";
	static const char kind[] = "SELECT kind = 'warning', priority"
	    " FROM alerts WHERE id = ?1";
	static const char areas[] = "INSERT INTO alert_areas (alert_id, code)"
	    " SELECT ?2, code FROM alert_areas WHERE alert_id = ?1";
	/* Language as the fan-out picks it: the person's, if that text
	 * exists. */
	static const char sms[] = "INSERT INTO messages (alert_id,"
	    " recipient_id, union_code, lang, channel, priority, next_at,"
	    " parts) SELECT ?2, m.recipient_id, m.union_code,"
	    " CASE WHEN (r.lang = 'en' AND ?5 > 0) OR ?4 = 0 THEN 'en'"
	    " ELSE 'bn' END, 'sms', ?6, ?3,"
	    " CASE WHEN (r.lang = 'en' AND ?5 > 0) OR ?4 = 0 THEN ?5"
	    " ELSE ?4 END FROM messages m JOIN recipients r ON"
	    " r.id = m.recipient_id WHERE m.alert_id = ?1 AND"
	    " m.channel = 'sms' AND m.state IN (2, 3)";
	static const char call[] = "INSERT INTO messages (alert_id,"
	    " recipient_id, union_code, lang, channel, priority, next_at,"
	    " parts) SELECT ?2, m.recipient_id, m.union_code,"
	    " CASE WHEN (r.lang = 'en' AND ?5 > 0) OR ?4 = 0 THEN 'en'"
	    " ELSE 'bn' END, 'voice', ?6, ?3, 0 FROM messages m JOIN"
	    " recipients r ON r.id = m.recipient_id WHERE m.alert_id = ?1"
	    " AND m.channel = 'voice' AND m.state = 3 AND m.recipient_id"
	    " NOT IN (SELECT recipient_id FROM messages WHERE alert_id = ?1"
	    " AND channel = 'sms' AND state IN (2, 3) AND recipient_id IS NOT"
	    " NULL)";
	static const char count[] = "UPDATE alerts SET messages = ?2"
	    " WHERE id = ?1";
	static const char link[] = "UPDATE alerts SET all_clear_id = ?2"
	    " WHERE id = ?1";
	char		 sbn[256], sen[256];
	int64_t		 nsms = 0, ncall = 0, now = store_now();
	sqlite3_stmt	*st;
	int		 i, warning = 1, prio = PRIO_WARNING;

	memset(made, 0, sizeof(*made));
	for (i = 0; i < 2; i++) {
		if ((st = store_prepare(s, i == 0 ? by_sms : by_call)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, old);
		if (sqlite3_step(st) == SQLITE_ROW)
			*(i == 0 ? &nsms : &ncall) = sqlite3_column_int64(st,
			    0);
		sqlite3_reset(st);
	}
	if (nsms + ncall == 0) {
		log_info("alert=%lld all-clear: nobody was reached",
		    (long long)old);
		return 0;
	}
	if ((st = store_prepare(s, kind)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, old);
	if (sqlite3_step(st) == SQLITE_ROW) {
		warning = sqlite3_column_int(st, 0);
		prio = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (bn == NULL && en == NULL) {
		if (warning) {
			snprintf(sbn, sizeof(sbn), "সতর্কতা প্রত্যাহার: "
			    "সতর্কবার্তা #%lld প্রত্যাহার করা হয়েছে।",
			    (long long)old);
			snprintf(sen, sizeof(sen), "All clear: warning #%lld "
			    "has been withdrawn.", (long long)old);
		} else {
			snprintf(sbn, sizeof(sbn), "বিজ্ঞপ্তি #%lld প্রত্যাহার "
			    "করা হয়েছে।", (long long)old);
			snprintf(sen, sizeof(sen), "Notice #%lld has been "
			    "withdrawn.", (long long)old);
		}
		bn = sbn;
		en = sen;
	}
	if (bn != NULL)
		sms_measure(bn, &made->bn);
	if (en != NULL)
		sms_measure(en, &made->en);

	if ((st = store_prepare(s, ins)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, bn, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, en, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, token_id);
	sqlite3_bind_text(st, 5, nsms == 0 ? "voice" : ncall == 0 ? "sms" :
	    "sms,voice", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, old);
	if (camp_step(s, st, "all-clear: insert") == -1)
		return -1;
	made->id = sqlite3_last_insert_rowid(store_db(s));
	if ((st = store_prepare(s, areas)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, old);
	sqlite3_bind_int64(st, 2, made->id);
	if (camp_step(s, st, "all-clear: areas") == -1)
		return -1;
	for (i = 0; i < 2; i++) {
		if ((st = store_prepare(s, i == 0 ? sms : call)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, old);
		sqlite3_bind_int64(st, 2, made->id);
		sqlite3_bind_int64(st, 3, now * 1000);
		sqlite3_bind_int(st, 4, bn != NULL ? made->bn.parts : 0);
		sqlite3_bind_int(st, 5, en != NULL ? made->en.parts : 0);
		sqlite3_bind_int(st, 6, prio);
		if (camp_step(s, st, "all-clear: messages") == -1)
			return -1;
		made->messages += sqlite3_changes(store_db(s));
		if (i == 1)
			made->voice = sqlite3_changes(store_db(s));
	}
	if ((st = store_prepare(s, count)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, made->id);
	sqlite3_bind_int64(st, 2, made->messages);
	if (camp_step(s, st, "all-clear: count") == -1)
		return -1;
	if ((st = store_prepare(s, link)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, old);
	sqlite3_bind_int64(st, 2, made->id);
	if (camp_step(s, st, "all-clear: link") == -1)
		return -1;
	log_info("alert=%lld all-clear alert=%lld: %lld messages (%lld calls)",
	    (long long)old, (long long)made->id, (long long)made->messages,
	    (long long)made->voice);
	return 0;
}
