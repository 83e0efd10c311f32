/*
 * calls.c: call records (CDRs), one row per SIP call, hotline or callout,
 * and the list behind GET /api/v1/calls.
 *
 * calls_record() writes the row once, when the call is over, inside the
 * caller's transaction or group-commit batch, so a callout's record
 * commits together with what the call did (a confirmation, a receipt, a
 * grievance).  It checks what the schema's CHECKs would refuse before
 * touching the store, so a bad record is a logged -1, never a half-done
 * batch.
 *
 * outcome says how the call went as a whole (answered, busy, no_answer,
 * rejected, failed, no_ack), end_reason who or what ended it
 * (ivr_call_end_name(): local, remote, busy, ..., rtp_timeout), result
 * what the script made of it (confirmed, receipt, grievance, ...).
 *
 * Scope, as for inbound messages and grievances: a token with a scope
 * sees calls whose union lies inside it (the union's materialised path
 * starts with the scope's path, areas.h); a call without a union (an
 * unregistered caller, a number that did not parse) belongs to national
 * tokens only.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "campaigns.h"
#include "log.h"
#include "msisdn.h"
#include "store.h"
#include "xmalloc.h"

static const char *const call_outcomes[] = {
	"answered", "busy", "no_answer", "rejected", "failed", "no_ack", NULL
};

static int
calls_one_of(const char *v, const char *const *names)
{
	if (v == NULL)
		return 0;
	for (; *names != NULL; names++)
		if (strcmp(v, *names) == 0)
			return 1;
	return 0;
}

/* NULL when c is a record the table takes, else what is wrong. */
static const char *
calls_invalid(const struct call_rec *c)
{
	static const char *const dirs[] = { "in", "out", NULL };
	static const char *const scripts[] = { "hotline", "callout", NULL };

	if (c->call_id == NULL || *c->call_id == '\0')
		return "no Call-ID";
	if (c->peer == NULL)
		return "no peer";
	if (!calls_one_of(c->direction, dirs))
		return "direction is not in or out";
	if (!calls_one_of(c->script, scripts))
		return "script is not hotline or callout";
	if (!calls_one_of(c->outcome, call_outcomes))
		return "unknown outcome";
	if (c->started_at <= 0 || c->ended_at <= 0)
		return "no start or end time";
	if (c->answered_at < 0 || c->played_ms < 0)
		return "negative time";
	return NULL;
}

int64_t
calls_record(struct store *s, const struct call_rec *c)
{
	static const char ins[] = "INSERT INTO calls (call_id, direction,"
	    " msisdn, peer, recipient_id, union_code, alert_id, message_id,"
	    " script, started_at, answered_at, ended_at, outcome, end_reason,"
	    " sip_code, digits, result, played_ms, played_full, clip,"
	    " recording, grievance_id, campaign_id, spot_id) VALUES (?1, ?2,"
	    " ?3, ?4, nullif(?5, 0), ?6, nullif(?7, 0), nullif(?8, 0), ?9,"
	    " ?10, nullif(?11, 0), ?12, ?13, ?14, nullif(?15, 0), ?16, ?17,"
	    " ?18, ?19, ?20, ?21, nullif(?22, 0), nullif(?23, 0),"
	    " nullif(?24, 0))";
	sqlite3_stmt	*st;
	const char	*why, *msisdn = c->msisdn;
	char		 num[MSISDN_MAX];
	int64_t		 id;

	if ((why = calls_invalid(c)) != NULL) {
		log_warnx("%s: call=%s: %s; not recorded", __func__,
		    c->call_id != NULL ? c->call_id : "-", why);
		return -1;
	}
	if (msisdn == NULL && msisdn_normalise(c->peer, num, &why) == 0)
		msisdn = num;
	if (store_batch_op(s) == -1 || (st = store_prepare(s, ins)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, c->call_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, c->direction, -1, SQLITE_STATIC);
	if (msisdn != NULL)
		sqlite3_bind_text(st, 3, msisdn, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c->peer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, c->recipient_id);
	if (c->union_code != NULL && *c->union_code != '\0')
		sqlite3_bind_text(st, 6, c->union_code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, c->alert_id);
	sqlite3_bind_int64(st, 8, c->message_id);
	sqlite3_bind_text(st, 9, c->script, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, c->started_at);
	sqlite3_bind_int64(st, 11, c->answered_at);
	sqlite3_bind_int64(st, 12, c->ended_at);
	sqlite3_bind_text(st, 13, c->outcome, -1, SQLITE_STATIC);
	if (c->end_reason != NULL)
		sqlite3_bind_text(st, 14, c->end_reason, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 15, c->sip_code);
	sqlite3_bind_text(st, 16, c->digits != NULL ? c->digits : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 17, c->result != NULL ? c->result : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 18, c->played_ms);
	sqlite3_bind_int(st, 19, c->played_full ? 1 : 0);
	if (c->clip != NULL)
		sqlite3_bind_text(st, 20, c->clip, -1, SQLITE_STATIC);
	if (c->recording != NULL)
		sqlite3_bind_text(st, 21, c->recording, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 22, c->grievance_id);
	sqlite3_bind_int64(st, 23, c->campaign_id);
	sqlite3_bind_int64(st, 24, c->spot_id);
	if (camp_step(s, st, "calls: insert") == -1)
		return -1;
	id = sqlite3_last_insert_rowid(store_db(s));
	log_debug("call=%s cdr=%lld %s %s alert=%lld outcome=%s end=%s "
	    "result=%s", c->call_id, (long long)id, c->direction, c->script,
	    (long long)c->alert_id, c->outcome, c->end_reason != NULL ?
	    c->end_reason : "-", c->result != NULL && *c->result != '\0' ?
	    c->result : "-");
	return id;
}

/* --- the list ----------------------------------------------------------- */

enum {
	C_ID = 0, C_CALL_ID, C_DIR, C_MSISDN, C_PEER, C_RID, C_UNION, C_ALERT,
	C_MSG, C_SCRIPT, C_STARTED, C_ANSWERED, C_ENDED, C_OUTCOME, C_END,
	C_SIP, C_DIGITS, C_RESULT, C_PLAYED, C_FULL, C_CLIP, C_RECORDING,
	C_GRIEVANCE
};

/* A text column as JSON: null, or the string with any byte that is not
 * valid UTF-8 (a hostile peer's user part) shown as '?'. */
static json_t *
calls_str(sqlite3_stmt *st, int col)
{
	const char	*p;
	json_t		*j;
	char		*fixed;
	size_t		 i, n;

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return json_null();
	p = (const char *)sqlite3_column_text(st, col);
	n = (size_t)sqlite3_column_bytes(st, col);
	if ((j = json_stringn(p, n)) != NULL)
		return j;
	fixed = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		fixed[i] = (unsigned char)p[i] < 0x80 && p[i] != '\0' ? p[i] :
		    '?';
	j = json_stringn(fixed, n);
	free(fixed);
	return j;
}

static json_t *
calls_int(sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return json_null();
	return json_integer(sqlite3_column_int64(st, col));
}

static json_t *
calls_row_json(sqlite3_stmt *st)
{
	json_t	*o;
	int64_t	 started, answered, ended;

	started = sqlite3_column_int64(st, C_STARTED);
	ended = sqlite3_column_int64(st, C_ENDED);
	answered = sqlite3_column_type(st, C_ANSWERED) == SQLITE_NULL ? 0 :
	    sqlite3_column_int64(st, C_ANSWERED);
	o = json_pack("{s:I,s:o,s:o,s:o,s:o}",
	    "id", (json_int_t)sqlite3_column_int64(st, C_ID),
	    "call_id", calls_str(st, C_CALL_ID),
	    "direction", calls_str(st, C_DIR),
	    "msisdn", calls_str(st, C_MSISDN),
	    "peer", calls_str(st, C_PEER));
	json_object_set_new(o, "recipient_id", calls_int(st, C_RID));
	json_object_set_new(o, "union", calls_str(st, C_UNION));
	json_object_set_new(o, "alert_id", calls_int(st, C_ALERT));
	json_object_set_new(o, "message_id", calls_int(st, C_MSG));
	json_object_set_new(o, "script", calls_str(st, C_SCRIPT));
	json_object_set_new(o, "started_ms", json_integer(started));
	json_object_set_new(o, "answered_ms", calls_int(st, C_ANSWERED));
	json_object_set_new(o, "ended_ms", json_integer(ended));
	json_object_set_new(o, "talk_ms", json_integer(answered > 0 &&
	    ended > answered ? ended - answered : 0));
	json_object_set_new(o, "outcome", calls_str(st, C_OUTCOME));
	json_object_set_new(o, "end_reason", calls_str(st, C_END));
	json_object_set_new(o, "sip_code", calls_int(st, C_SIP));
	json_object_set_new(o, "digits", calls_str(st, C_DIGITS));
	json_object_set_new(o, "result", calls_str(st, C_RESULT));
	json_object_set_new(o, "played_ms", calls_int(st, C_PLAYED));
	json_object_set_new(o, "played_full", json_boolean(
	    sqlite3_column_int(st, C_FULL) != 0));
	json_object_set_new(o, "clip", calls_str(st, C_CLIP));
	json_object_set_new(o, "recording", calls_str(st, C_RECORDING));
	json_object_set_new(o, "grievance_id", calls_int(st, C_GRIEVANCE));
	return o;
}

json_t *
calls_list(struct store *s, const struct token *t,
    const struct calls_filter *f)
{
	static const char q[] = "SELECT c.id, c.call_id, c.direction,"
	    " c.msisdn, c.peer, c.recipient_id, c.union_code, c.alert_id,"
	    " c.message_id, c.script, c.started_at, c.answered_at,"
	    " c.ended_at, c.outcome, c.end_reason, c.sip_code, c.digits,"
	    " c.result, c.played_ms, c.played_full, c.clip, c.recording,"
	    " c.grievance_id FROM calls c"
	    " WHERE c.started_at >= ?1 AND c.id > ?2"
	    " AND (?3 IS NULL OR c.direction = ?3)"
	    " AND (?4 = 0 OR c.alert_id = ?4)"
	    " AND (?5 IS NULL OR c.msisdn = ?5)"
	    " AND (?6 IS NULL OR c.union_code IN (SELECT u.code"
	    " FROM areas s, areas u WHERE s.code = ?6 AND u.path >= s.path"
	    " AND u.path < substr(s.path, 1, length(s.path) - 1) || '0'))"
	    " ORDER BY c.id LIMIT ?7";
	sqlite3_stmt	*st;
	json_t		*list;
	int64_t		 last = 0;
	int		 limit, n = 0, rc;

	limit = f->limit > 0 ? f->limit : CALLS_LIMIT_DEF;
	if (limit > CALLS_LIMIT_MAX)
		limit = CALLS_LIMIT_MAX;
	if ((st = store_prepare(s, q)) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, f->since > 0 ? f->since * 1000 : 0);
	sqlite3_bind_int64(st, 2, f->after);
	if (f->direction != NULL)
		sqlite3_bind_text(st, 3, f->direction, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, f->alert_id);
	if (f->msisdn != NULL)
		sqlite3_bind_text(st, 5, f->msisdn, -1, SQLITE_TRANSIENT);
	if (t != NULL && t->scope[0] != '\0')
		sqlite3_bind_text(st, 6, t->scope, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 7, limit);
	list = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		last = sqlite3_column_int64(st, C_ID);
		json_array_append_new(list, calls_row_json(st));
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("%s: %s", __func__, sqlite3_errmsg(store_db(s)));
		json_decref(list);
		return NULL;
	}
	return json_pack("{s:o,s:i,s:o}", "calls", list, "count", n,
	    "next_after", n == limit ? json_integer(last) : json_null());
}
