/*
 * alert.c: alerts: validation, fan-out, cancel, status; and the small
 * helpers the other campaigns files share (camp_step, camp_col,
 * camp_time_parse: campaigns.h).
 *
 * Fan-out is set-based: the target areas are resolved to their unions into
 * a temporary table (one indexed range query per area, duplicates dropped
 * by its key), then one INSERT ... SELECT writes a message for every
 * recipient of those unions.  No recipient row passes through C, so an
 * alert to a million people costs one statement, not a million.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#include "areas.h"
#include "campaigns.h"
#include "log.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

static const char *const msg_states[MSG_NSTATES] = {
	"queued", "submitting", "submitted", "delivered", "failed",
	"cancelled", "expired"
};

const char *
camp_msg_state_name(int s)
{
	return s >= 0 && s < MSG_NSTATES ? msg_states[s] : "unknown";
}

void
camp_alert_req_clear(struct alert_req *r)
{
	free(r->areas);
	free(r->text_bn);
	free(r->text_en);
	memset(r, 0, sizeof(*r));
}

int
camp_areas_parse(json_t *areas, const char ***out, size_t *n, char *msg,
    size_t msglen)
{
	json_t	*v;
	size_t	 i;

	*n = 0;
	if (!json_is_array(areas) || json_array_size(areas) == 0 ||
	    json_array_size(areas) > ALERT_MAX_AREAS) {
		snprintf(msg, msglen, "areas must be a list of 1-%d area codes",
		    ALERT_MAX_AREAS);
		return -1;
	}
	*out = xreallocarray(NULL, json_array_size(areas), sizeof(char *));
	json_array_foreach(areas, i, v) {
		if (!json_is_string(v) || !area_code_valid(json_string_value(v))) {
			snprintf(msg, msglen, "areas[%zu] is not an area code",
			    i);
			return -1;
		}
		(*out)[(*n)++] = json_string_value(v);
	}
	return 0;
}

/* Epoch seconds, or RFC 3339 ("2026-11-22T18:00:00+06:00", "...Z"). */
int
camp_time_parse(json_t *v, int64_t *out)
{
	const char	*s;
	struct tm	 tm;
	int		 n = 0, oh = 0, om = 0, sign = 1;
	char		 z[2];

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return *out >= 0 ? 0 : -1;
	}
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -1;
	s += n;
	if (*s == '.')				/* fractions: ignored */
		for (s++; *s >= '0' && *s <= '9'; s++)
			;
	if (sscanf(s, "%1[Zz]%n", z, &n) == 1 && s[n] == '\0')
		;
	else if ((*s == '+' || *s == '-') && sscanf(s + 1, "%2d:%2d%n", &oh,
	    &om, &n) == 2 && s[1 + n] == '\0')
		sign = *s == '-' ? -1 : 1;
	else
		return -1;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60 || oh > 14 || om > 59)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (int64_t)timegm(&tm) - sign * (oh * 3600 + om * 60);
	return 0;
}

/*
 * Alert text: NFC (one encoding of ড় য় ঢ়), no control characters but
 * newlines, trimmed, non-empty.  NULL with msg filled if refused.
 */
char *
camp_text(const char *field, const char *in, char *msg, size_t msglen)
{
	const unsigned char	*p;
	char			*nfc, *start, *end, *out;

	if ((nfc = (char *)utf8proc_NFC((const utf8proc_uint8_t *)in))
	    == NULL) {
		snprintf(msg, msglen, "%s is not valid UTF-8", field);
		return NULL;
	}
	for (p = (const unsigned char *)nfc; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\n' && *p != '\r' && *p != '\t') ||
		    *p == 0x7f) {
			snprintf(msg, msglen, "%s has a control character",
			    field);
			free(nfc);
			return NULL;
		}
	for (start = nfc; *start == ' ' || *start == '\n' || *start == '\r' ||
	    *start == '\t'; start++)
		;
	end = start + strlen(start);
	while (end > start && (end[-1] == ' ' || end[-1] == '\n' ||
	    end[-1] == '\r' || end[-1] == '\t'))
		end--;
	if (end == start) {
		snprintf(msg, msglen, "%s is empty", field);
		free(nfc);
		return NULL;
	}
	out = xstrndup(start, end - start);
	free(nfc);
	return out;
}

/*
 * escalate and supersedes (docs/escalation.md).  A warning with a
 * confirmation window on the SMS channel escalates unless told not to;
 * asking for escalation where nothing could escalate is an error, not a
 * silent no.
 */
static int
camp_alert_parse_followup(struct alert_req *r, json_t *esc,
    json_int_t supersedes, char *msg, size_t msglen)
{
	if (esc != NULL && !json_is_boolean(esc)) {
		snprintf(msg, msglen, "escalate must be true or false");
		return -1;
	}
	if (esc != NULL && json_is_true(esc) && (strcmp(r->kind, "warning")
	    != 0 || r->confirm_within == 0 || !(r->channels & ALERT_SMS))) {
		snprintf(msg, msglen, "escalate needs a warning with "
		    "confirm_within on the sms channel");
		return -1;
	}
	if (esc != NULL)
		r->escalate = json_is_true(esc);
	else
		r->escalate = strcmp(r->kind, "warning") == 0 &&
		    r->confirm_within > 0 && (r->channels & ALERT_SMS);
	if (supersedes < 0 || supersedes > INT64_MAX / 2) {
		snprintf(msg, msglen, "supersedes must be an alert id");
		return -1;
	}
	r->supersedes = supersedes;
	return 0;
}

int
camp_alert_parse(json_t *j, int max_parts, int64_t now, struct alert_req *r,
    int *status, const char **code, char *msg, size_t msglen)
{
	json_t		*areas = NULL, *channels = NULL, *tbn = NULL, *ten = NULL;
	json_t		*starts = NULL, *expires = NULL, *prio = NULL, *v;
	json_t		*esc = NULL;
	json_int_t	 confirm = 0, supersedes = 0;
	struct sms_len	 l;
	const char	*kind, *ch;
	size_t		 i;

	memset(r, 0, sizeof(*r));
	*status = 400;
	*code = "E_BAD_REQUEST";
	if (json_unpack(j, "{s:s,s?o,s:o,s?o,s?o,s?o,s?I,s?o,s?o,s?o,s?I!}",
	    "kind", &kind, "priority", &prio, "areas", &areas,
	    "text_bn", &tbn, "text_en", &ten, "channels", &channels,
	    "confirm_within", &confirm, "starts_at", &starts,
	    "expires_at", &expires, "escalate", &esc,
	    "supersedes", &supersedes) == -1) {
		*code = "E_BAD_JSON";
		snprintf(msg, msglen, "expected {kind, areas, text_bn and/or "
		    "text_en, [priority, channels, confirm_within, starts_at,"
		    " expires_at, escalate, supersedes]} with the right types "
		    "and nothing else");
		return -1;
	}
	if (strcmp(kind, "warning") != 0 && strcmp(kind, "relief_notice") != 0
	    && strcmp(kind, "awareness") != 0) {
		snprintf(msg, msglen, "kind must be warning, relief_notice or "
		    "awareness");
		return -1;
	}
	r->kind = kind;
	if (prio != NULL && !json_is_integer(prio)) {
		*code = "E_BAD_JSON";
		snprintf(msg, msglen, "priority must be an integer 0-3");
		return -1;
	}
	if (prio != NULL && (json_integer_value(prio) < 0 ||
	    json_integer_value(prio) > 3)) {
		snprintf(msg, msglen, "priority must be 0-3");
		return -1;
	}
	r->priority = prio != NULL ? (int)json_integer_value(prio) :
	    strcmp(kind, "warning") == 0 ? 3 :
	    strcmp(kind, "relief_notice") == 0 ? 2 : 0;
	if (camp_areas_parse(areas, &r->areas, &r->nareas, msg, msglen) == -1)
		goto fail;
	if (channels != NULL) {
		if (!json_is_array(channels) || json_array_size(channels) == 0)
			goto badchan;
		json_array_foreach(channels, i, v) {
			ch = json_string_value(v);
			if (ch != NULL && strcmp(ch, "sms") == 0)
				r->channels |= ALERT_SMS;
			else if (ch != NULL && strcmp(ch, "voice") == 0)
				r->channels |= ALERT_VOICE;
			else
				goto badchan;
		}
	} else
		r->channels = ALERT_SMS;
	if ((tbn != NULL && !json_is_string(tbn)) ||
	    (ten != NULL && !json_is_string(ten))) {
		snprintf(msg, msglen, "text_bn and text_en are strings");
		goto fail;
	}
	if (tbn == NULL && ten == NULL) {
		snprintf(msg, msglen, "give text_bn, text_en or both");
		goto fail;
	}
	if (tbn != NULL && (r->text_bn = camp_text("text_bn",
	    json_string_value(tbn), msg, msglen)) == NULL)
		goto fail;
	if (ten != NULL && (r->text_en = camp_text("text_en",
	    json_string_value(ten), msg, msglen)) == NULL)
		goto fail;
	if ((r->text_bn && (sms_measure(r->text_bn, &l) == -1 ||
	    l.parts > max_parts)) || (r->text_en && (sms_measure(r->text_en,
	    &l) == -1 || l.parts > max_parts))) {
		*code = "E_TOO_LONG";
		snprintf(msg, msglen, "a text needs %d SMS parts (%s, %zu "
		    "characters); the limit is %d ([kannel] max_parts)",
		    l.parts, sms_coding_name(l.coding), l.chars, max_parts);
		goto fail;
	}
	if (confirm < 0 || confirm > 30 * 86400) {
		snprintf(msg, msglen, "confirm_within must be 0-2592000 "
		    "seconds");
		goto fail;
	}
	r->confirm_within = confirm;
	if (camp_alert_parse_followup(r, esc, supersedes, msg, msglen) == -1)
		goto fail;
	r->starts_at = now;
	if (starts != NULL && camp_time_parse(starts, &r->starts_at) == -1) {
		snprintf(msg, msglen, "starts_at is not epoch seconds or RFC "
		    "3339 time");
		goto fail;
	}
	if (r->starts_at < now)
		r->starts_at = now;
	if (expires != NULL) {
		if (camp_time_parse(expires, &r->expires_at) == -1) {
			snprintf(msg, msglen, "expires_at is not epoch seconds "
			    "or RFC 3339 time");
			goto fail;
		}
		if (r->expires_at <= now || r->expires_at <= r->starts_at) {
			snprintf(msg, msglen, "expires_at must be in the future"
			    " and after starts_at");
			goto fail;
		}
	}
	return 0;
badchan:
	snprintf(msg, msglen, "channels must be a list of \"sms\" and "
	    "\"voice\"");
fail:
	camp_alert_req_clear(r);
	return -1;
}

int
camp_step(struct store *s, sqlite3_stmt *st, const char *what)
{
	int	 rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		log_warnx("%s: %s", what, sqlite3_errmsg(store_db(s)));
		return -1;
	}
	return 0;
}

void
camp_col(sqlite3_stmt *st, int col, char *out, size_t len)
{
	const unsigned char	*p = sqlite3_column_text(st, col);

	snprintf(out, len, "%s", p != NULL ? (const char *)p : "");
}

int
camp_unions_resolve(struct store *s, const char *const *areas, size_t n)
{
	static const char tmp[] = "CREATE TEMP TABLE IF NOT EXISTS"
	    " fanout_unions (code TEXT PRIMARY KEY) WITHOUT ROWID";
	static const char clear[] = "DELETE FROM temp.fanout_unions";
	static const char unions[] = "INSERT OR IGNORE INTO"
	    " temp.fanout_unions SELECT u.code FROM areas a, areas u"
	    " WHERE a.code = ?1 AND u.level = 4 AND u.path >= a.path AND"
	    " u.path < substr(a.path, 1, length(a.path) - 1) || '0'";
	sqlite3_stmt	*st;
	size_t		 i;

	if ((st = store_prepare(s, tmp)) == NULL ||
	    camp_step(s, st, "fan-out: temp table") == -1 ||
	    (st = store_prepare(s, clear)) == NULL ||
	    camp_step(s, st, "fan-out: temp clear") == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if ((st = store_prepare(s, unions)) == NULL)
			return -1;
		sqlite3_bind_text(st, 1, areas[i], -1, SQLITE_STATIC);
		if (camp_step(s, st, "fan-out: unions") == -1)
			return -1;
	}
	return 0;
}

int
camp_alert_create(struct store *s, const struct alert_req *r,
    int64_t token_id, struct alert_made *made)
{
	static const char ins[] = "INSERT INTO alerts (kind, priority,"
	    " text_bn, text_en, confirm_within, starts_at, expires_at,"
	    " created_at, token_id, channels, escalate) VALUES (?1, ?2, ?3,"
	    " ?4, nullif(?5, 0), ?6, nullif(?7, 0), ?8, nullif(?9, 0), ?10,"
	    " ?11)";
	static const char area[] = "INSERT OR IGNORE INTO alert_areas"
	    " (alert_id, code) VALUES (?1, ?2)";
	/*
	 * Language: the recipient's if that text exists, else the other.
	 * Channel (?8): an alert on one channel reaches everyone on it; on
	 * both, each recipient gets the channel(s) they chose (sms, voice or
	 * both).  A voice message has no SMS parts.
	 */
	static const char fan[] = "INSERT INTO messages (alert_id,"
	    " recipient_id, union_code, lang, channel, priority,"
	    " next_at, parts, confirm_ms) SELECT ?1, r.id, r.union_code,"
	    " CASE WHEN (r.lang = 'en' AND ?5 > 0) OR ?4 = 0 THEN 'en'"
	    " ELSE 'bn' END, ?8, ?2, ?3,"
	    " CASE WHEN ?8 = 'voice' THEN 0"
	    " WHEN (r.lang = 'en' AND ?5 > 0) OR ?4 = 0 THEN ?5"
	    " ELSE ?4 END, ?7 FROM recipients r WHERE r.union_code IN"
	    " (SELECT code FROM temp.fanout_unions) AND (?6 = 0 OR"
	    " r.opted_out = 0) AND (?9 = 0 OR r.channel IN (?8, 'both'))";
	static const char count[] = "UPDATE alerts SET messages = ?2"
	    " WHERE id = ?1";
	sqlite3_stmt	*st;
	size_t		 i;
	int		 ch, chans;

	memset(made, 0, sizeof(*made));
	chans = r->channels != 0 ? r->channels : ALERT_SMS;
	if (r->text_bn)
		sms_measure(r->text_bn, &made->bn);
	if (r->text_en)
		sms_measure(r->text_en, &made->en);
	if ((st = store_prepare(s, ins)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, r->priority);
	sqlite3_bind_text(st, 3, r->text_bn, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->text_en, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, r->confirm_within);
	sqlite3_bind_int64(st, 6, r->starts_at);
	sqlite3_bind_int64(st, 7, r->expires_at);
	sqlite3_bind_int64(st, 8, store_now());
	sqlite3_bind_int64(st, 9, token_id);
	sqlite3_bind_text(st, 10, chans == ALERT_VOICE ? "voice" :
	    chans == ALERT_SMS ? "sms" : "sms,voice", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 11, r->escalate);
	if (camp_step(s, st, "alert: insert") == -1)
		return -1;
	made->id = sqlite3_last_insert_rowid(store_db(s));

	if (camp_unions_resolve(s, r->areas, r->nareas) == -1)
		return -1;
	for (i = 0; i < r->nareas; i++) {
		if ((st = store_prepare(s, area)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, made->id);
		sqlite3_bind_text(st, 2, r->areas[i], -1, SQLITE_STATIC);
		if (camp_step(s, st, "alert: alert area") == -1)
			return -1;
	}
	for (ch = 0; ch < 2; ch++) {
		if (!(chans & (ch == 0 ? ALERT_SMS : ALERT_VOICE)))
			continue;
		if ((st = store_prepare(s, fan)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, made->id);
		sqlite3_bind_int(st, 2, r->priority);
		sqlite3_bind_int64(st, 3, r->starts_at * 1000);
		sqlite3_bind_int(st, 4, r->text_bn ? made->bn.parts : 0);
		sqlite3_bind_int(st, 5, r->text_en ? made->en.parts : 0);
		sqlite3_bind_int(st, 6, strcmp(r->kind, "awareness") == 0);
		/* Only a warning is confirmed (DESIGN.md, "SMS replies"). */
		if (strcmp(r->kind, "warning") == 0 && r->confirm_within > 0)
			sqlite3_bind_int64(st, 7, r->confirm_within * 1000);
		sqlite3_bind_text(st, 8, ch == 0 ? "sms" : "voice", -1,
		    SQLITE_STATIC);
		sqlite3_bind_int(st, 9, chans == (ALERT_SMS | ALERT_VOICE));
		if (camp_step(s, st, "alert: fan-out") == -1)
			return -1;
		made->messages += sqlite3_changes(store_db(s));
		if (ch == 1)
			made->voice = sqlite3_changes(store_db(s));
	}
	if ((st = store_prepare(s, count)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, made->id);
	sqlite3_bind_int64(st, 2, made->messages);
	if (camp_step(s, st, "alert: count") == -1)
		return -1;
	log_info("alert=%lld created: kind=%s priority=%d areas=%zu "
	    "messages=%lld", (long long)made->id, r->kind, r->priority,
	    r->nareas, (long long)made->messages);
	return 0;
}

int
camp_alert_cancel(struct store *s, int64_t id, int64_t *stopped)
{
	static const char get[] = "SELECT cancelled_at IS NOT NULL, expires_at"
	    " IS NOT NULL AND expires_at <= ?2 FROM alerts WHERE id = ?1";
	static const char stop[] = "UPDATE messages SET state = 5, done_at = ?2"
	    " WHERE alert_id = ?1 AND state = 0";
	static const char mark[] = "UPDATE alerts SET cancelled_at = ?2"
	    " WHERE id = ?1";
	sqlite3_stmt	*st;
	int		 rc, cancelled, expired;

	*stopped = 0;
	if ((st = store_prepare(s, get)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, store_now());
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 1 : -1;
	}
	cancelled = sqlite3_column_int(st, 0);
	expired = sqlite3_column_int(st, 1);
	sqlite3_reset(st);
	if (cancelled || expired)
		return 2;
	if ((st = store_prepare(s, stop)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, store_now_ms());
	if (camp_step(s, st, "alert: cancel") == -1)
		return -1;
	*stopped = sqlite3_changes(store_db(s));
	if ((st = store_prepare(s, mark)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, store_now());
	if (camp_step(s, st, "alert: cancel mark") == -1)
		return -1;
	log_info("alert=%lld cancelled: %lld messages stopped", (long long)id,
	    (long long)*stopped);
	return 0;
}

/* Totals object with every state at 0. */
static json_t *
camp_totals_new(void)
{
	json_t	*t = json_object();
	int	 i;

	json_object_set_new(t, "messages", json_integer(0));
	for (i = 0; i < MSG_NSTATES; i++)
		json_object_set_new(t, msg_states[i], json_integer(0));
	json_object_set_new(t, "no_report", json_integer(0));
	json_object_set_new(t, "confirmed", json_integer(0));
	json_object_set_new(t, "parts", json_integer(0));
	json_object_set_new(t, "reached_sms", json_integer(0));
	json_object_set_new(t, "reached_voice", json_integer(0));
	json_object_set_new(t, "escalated", json_integer(0));
	json_object_set_new(t, "unreached", json_integer(0));
	return t;
}

static void
camp_totals_add(json_t *t, const char *key, json_int_t n)
{
	json_object_set_new(t, key, json_integer(json_integer_value(
	    json_object_get(t, key)) + n));
}

/* An alert id column: the id, or null. */
static json_t *
camp_col_id(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? json_null() :
	    json_integer(sqlite3_column_int64(st, col));
}

/*
 * Reach, counted in people, not rows (docs/escalation.md): reached_sms
 * (an SMS delivered), reached_voice (a call answered), escalated (the SMS
 * was handed to voice), unreached (nothing delivered, nothing queued or
 * in flight, and no escalation to come).  An SMS row may still escalate
 * while the alert escalates (live) and the row is not confirmed or
 * escalated yet.
 */
static void
camp_alert_reach(struct store *s, int64_t id, int live, json_t *totals,
    json_t *unions)
{
	static const char reach[] = "SELECT union_code, sum(sms), sum(voice),"
	    " sum(esc), sum(gone) FROM (SELECT min(union_code) AS union_code,"
	    " max(channel = 'sms' AND state = 3) AS sms,"
	    " max(channel = 'voice' AND state = 3) AS voice,"
	    " max(escalated_at IS NOT NULL) AS esc,"
	    " max(state = 3) = 0 AND max(state IN (0, 1)) = 0 AND"
	    " max(?2 AND channel = 'sms' AND state IN (2, 3, 4) AND"
	    " confirm_ms IS NOT NULL AND confirmed_at IS NULL AND"
	    " escalated_at IS NULL) = 0 AS gone"
	    " FROM messages WHERE alert_id = ?1 AND recipient_id IS NOT NULL"
	    " GROUP BY recipient_id) GROUP BY union_code";
	static const char *const keys[] = {
		"reached_sms", "reached_voice", "escalated", "unreached"
	};
	sqlite3_stmt	*st;
	json_t		*u;
	json_int_t	 n;
	int		 i;

	if ((st = store_prepare(s, reach)) == NULL)
		return;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, live);
	while (sqlite3_step(st) == SQLITE_ROW) {
		u = json_object_get(unions, (const char *)
		    sqlite3_column_text(st, 0));
		for (i = 0; i < 4; i++) {
			n = sqlite3_column_int64(st, 1 + i);
			if (u != NULL)
				camp_totals_add(u, keys[i], n);
			camp_totals_add(totals, keys[i], n);
		}
	}
	sqlite3_reset(st);
}

json_t *
camp_alert_status(struct store *s, int64_t id, int dlr_timeout,
    int with_unions)
{
	static const char head[] = "SELECT kind, priority, starts_at,"
	    " expires_at, cancelled_at, created_at, messages, confirm_within,"
	    " escalate, supersedes, superseded_by, all_clear_id"
	    " FROM alerts WHERE id = ?1";
	static const char areas[] = "SELECT code FROM alert_areas"
	    " WHERE alert_id = ?1 ORDER BY code";
	static const char groups[] = "SELECT union_code, state, count(*),"
	    " sum(parts) FROM messages WHERE alert_id = ?1"
	    " GROUP BY union_code, state";
	static const char late[] = "SELECT union_code, count(*) FROM messages"
	    " WHERE alert_id = ?1 AND state = 2 AND submitted_at < ?2"
	    " GROUP BY union_code";
	static const char conf[] = "SELECT union_code, count(*) FROM messages"
	    " WHERE alert_id = ?1 AND confirmed_at IS NOT NULL"
	    " GROUP BY union_code";
	static const char names[] = "SELECT name_en, name_bn FROM areas"
	    " WHERE code = ?1";
	sqlite3_stmt	*st;
	json_t		*o, *totals, *unions, *u, *alist;
	const char	*uc, *status;
	int64_t		 now = store_now(), starts, expires, cancelled;
	int64_t		 superseded;
	int		 escalate;
	int		 state, settled;
	json_int_t	 n, parts;
	const char	*k;

	if ((st = store_prepare(s, head)) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return NULL;
	}
	starts = sqlite3_column_int64(st, 2);
	expires = sqlite3_column_type(st, 3) == SQLITE_NULL ? 0 :
	    sqlite3_column_int64(st, 3);
	cancelled = sqlite3_column_type(st, 4) == SQLITE_NULL ? 0 :
	    sqlite3_column_int64(st, 4);
	o = json_pack("{s:I,s:s,s:i,s:I,s:o,s:o,s:I,s:o}", "id",
	    (json_int_t)id, "kind", sqlite3_column_text(st, 0),
	    "priority", sqlite3_column_int(st, 1), "starts_at",
	    (json_int_t)starts, "expires_at", expires ? json_integer(expires) :
	    json_null(), "cancelled_at", cancelled ? json_integer(cancelled) :
	    json_null(), "created_at",
	    (json_int_t)sqlite3_column_int64(st, 5), "confirm_within",
	    sqlite3_column_type(st, 7) == SQLITE_NULL ? json_null() :
	    json_integer(sqlite3_column_int64(st, 7)));
	escalate = sqlite3_column_int(st, 8);
	superseded = sqlite3_column_int64(st, 10);
	json_object_set_new(o, "escalate", json_boolean(escalate));
	json_object_set_new(o, "supersedes", camp_col_id(st, 9));
	json_object_set_new(o, "superseded_by", camp_col_id(st, 10));
	json_object_set_new(o, "all_clear_id", camp_col_id(st, 11));
	sqlite3_reset(st);

	alist = json_array();
	if ((st = store_prepare(s, areas)) != NULL) {
		sqlite3_bind_int64(st, 1, id);
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(alist, json_string((const char *)
			    sqlite3_column_text(st, 0)));
		sqlite3_reset(st);
	}
	json_object_set_new(o, "areas", alist);

	totals = camp_totals_new();
	unions = json_object();
	if ((st = store_prepare(s, groups)) != NULL) {
		sqlite3_bind_int64(st, 1, id);
		while (sqlite3_step(st) == SQLITE_ROW) {
			uc = (const char *)sqlite3_column_text(st, 0);
			state = sqlite3_column_int(st, 1);
			n = sqlite3_column_int64(st, 2);
			parts = sqlite3_column_int64(st, 3);
			if ((u = json_object_get(unions, uc)) == NULL) {
				u = camp_totals_new();
				json_object_set_new(unions, uc, u);
			}
			k = camp_msg_state_name(state);
			camp_totals_add(u, k, n);
			camp_totals_add(u, "messages", n);
			camp_totals_add(totals, k, n);
			camp_totals_add(totals, "messages", n);
			if (state == MSG_SUBMITTED || state == MSG_DELIVERED ||
			    state == MSG_FAILED) {
				camp_totals_add(u, "parts", parts);
				camp_totals_add(totals, "parts", parts);
			}
		}
		sqlite3_reset(st);
	}
	/* "No report": submitted long ago, no DLR since; moved out of
	 * "submitted" so the two never double count. */
	if ((st = store_prepare(s, late)) != NULL) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (now - dlr_timeout) * 1000);
		while (sqlite3_step(st) == SQLITE_ROW) {
			uc = (const char *)sqlite3_column_text(st, 0);
			n = sqlite3_column_int64(st, 1);
			if ((u = json_object_get(unions, uc)) != NULL) {
				camp_totals_add(u, "no_report", n);
				camp_totals_add(u, "submitted", -n);
			}
			camp_totals_add(totals, "no_report", n);
			camp_totals_add(totals, "submitted", -n);
		}
		sqlite3_reset(st);
	}
	if ((st = store_prepare(s, conf)) != NULL) {
		sqlite3_bind_int64(st, 1, id);
		while (sqlite3_step(st) == SQLITE_ROW) {
			uc = (const char *)sqlite3_column_text(st, 0);
			n = sqlite3_column_int64(st, 1);
			if ((u = json_object_get(unions, uc)) != NULL)
				camp_totals_add(u, "confirmed", n);
			camp_totals_add(totals, "confirmed", n);
		}
		sqlite3_reset(st);
	}

	camp_alert_reach(s, id, escalate && !cancelled && !superseded &&
	    (expires == 0 || expires > now), totals, unions);

	settled = json_integer_value(json_object_get(totals, "queued")) == 0 &&
	    json_integer_value(json_object_get(totals, "submitting")) == 0;
	if (cancelled)
		status = "cancelled";
	else if (superseded)
		status = "superseded";
	else if (expires && expires <= now)
		status = "expired";
	else if (starts > now)
		status = "scheduled";
	else
		status = settled ? "done" : "sending";
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "settled", json_boolean(settled));
	json_object_set_new(o, "totals", totals);
	if (with_unions) {
		json_t	*list = json_array();
		void	*iter;

		for (iter = json_object_iter(unions); iter != NULL;
		    iter = json_object_iter_next(unions, iter)) {
			u = json_object_iter_value(iter);
			json_object_set_new(u, "code", json_string(
			    json_object_iter_key(iter)));
			if ((st = store_prepare(s, names)) != NULL) {
				sqlite3_bind_text(st, 1,
				    json_object_iter_key(iter), -1,
				    SQLITE_STATIC);
				if (sqlite3_step(st) == SQLITE_ROW) {
					json_object_set_new(u, "name_en",
					    json_string((const char *)
					    sqlite3_column_text(st, 0)));
					json_object_set_new(u, "name_bn",
					    json_string((const char *)
					    sqlite3_column_text(st, 1)));
				}
				sqlite3_reset(st);
			}
			json_array_append(list, u);
		}
		json_object_set_new(o, "unions", list);
	}
	json_decref(unions);
	return o;
}

int
camp_visible(struct store *s, const char *exists, const char *outside,
    int64_t id, const struct token *t)
{
	sqlite3_stmt	*st;
	int		 rc, n;

	if ((st = store_prepare(s, exists)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return -1;
	if (t == NULL || t->scope[0] == '\0')
		return 1;
	if ((st = store_prepare(s, outside)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, t->scope, -1, SQLITE_STATIC);
	n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	return n == 0 ? 1 : n > 0 ? 0 : -1;
}

size_t
camp_visible_ids(struct store *s, const char *newest,
    int (*visible)(struct store *, int64_t, const struct token *),
    const struct token *t, int limit, int64_t **idsp)
{
	sqlite3_stmt	*st;
	int64_t		*ids = NULL, id;
	size_t		 n = 0, cap = 0;

	*idsp = NULL;
	if ((st = store_prepare(s, newest)) == NULL)
		return 0;
	while ((int)n < limit && sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		if (visible(s, id, t) != 1)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			ids = xreallocarray(ids, cap, sizeof(*ids));
		}
		ids[n++] = id;
	}
	sqlite3_reset(st);
	*idsp = ids;
	return n;
}

int
camp_alert_visible(struct store *s, int64_t id, const struct token *t)
{
	static const char exists[] = "SELECT 1 FROM alerts WHERE id = ?1";
	static const char outside[] = "SELECT count(*) FROM alert_areas aa,"
	    " areas a, areas sc WHERE aa.alert_id = ?1 AND a.code = aa.code"
	    " AND sc.code = ?2 AND substr(a.path, 1, length(sc.path))"
	    " != sc.path";

	return camp_visible(s, exists, outside, id, t);
}

json_t *
camp_alert_list(struct store *s, const struct token *t, int limit,
    int dlr_timeout)
{
	static const char sql[] = "SELECT id FROM alerts ORDER BY id DESC";
	json_t		*list = json_array(), *a;
	int64_t		*ids;
	size_t		 n, i;

	/* Collect the visible ids first, then build each status. */
	n = camp_visible_ids(s, sql, camp_alert_visible, t, limit, &ids);
	for (i = 0; i < n; i++) {
		if ((a = camp_alert_status(s, ids[i], dlr_timeout, 0)) != NULL)
			json_array_append_new(list, a);
	}
	free(ids);
	return list;
}
