/*
 * relief-dist.c: relief distributions, their entitlements and one-time
 * codes, and their status.
 *
 * A distribution (union, programme, item, quantity each, place, time)
 * issues one entitlement per beneficiary, each with a 6-digit code drawn
 * from getrandom(2) by rejection sampling (uniform, no modulo bias),
 * unique within the distribution and never equal to another pending code
 * of the same number.  The code is bound to the beneficiary's number
 * (relief.c checks it on every receipt).  Every beneficiary gets a notice
 * SMS (when, where, what, how much, the code, how to answer) through the
 * outbox at relief priority, under one relief_notice alert so its
 * delivery is counted like any alert's.  Also the masked number a
 * social-audit report shows in place of a beneficiary's
 * (relief_msisdn_mask).
 */
#include "config.h"

#include <sys/random.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "areas.h"
#include "campaigns.h"
#include "log.h"
#include "msisdn.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

#define RELIEF_DHAKA	(6 * 3600)	/* Asia/Dhaka: UTC+6, no DST */
#define RELIEF_MAX_ROWS	100		/* bad beneficiary rows listed */
#define RELIEF_CODE_SPACE 1000000U
/* The largest multiple of 10^6 that fits 32 bits: draws above it are
 * thrown away, so every code is equally likely. */
#define RELIEF_CODE_LIMIT 4294000000U

/* --- codes ------------------------------------------------------------- */

int
relief_code_new(char out[RELIEF_CODE_LEN + 1])
{
	uint32_t	 v;
	ssize_t		 n;

	do {
		n = getrandom(&v, sizeof(v), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(v)) {
			log_warn("%s: getrandom", __func__);
			return -1;
		}
	} while (n != (ssize_t)sizeof(v) || v >= RELIEF_CODE_LIMIT);
	snprintf(out, RELIEF_CODE_LEN + 1, "%06u", v % RELIEF_CODE_SPACE);
	return 0;
}

void
relief_msisdn_mask(const char *m, char *out, size_t len)
{
	size_t	 n = strlen(m), i;
	char	 buf[MSISDN_MAX + 8];

	/* +88017 XXXX 0001: the operator and the last four digits. */
	if (n < 10 || n >= sizeof(buf)) {
		snprintf(out, len, "%s", n < 10 ? "XXXX" : "?");
		return;
	}
	memcpy(buf, m, n + 1);
	for (i = 6; i + 4 < n; i++)
		buf[i] = 'X';
	snprintf(out, len, "%s", buf);
}

/* --- distributions ------------------------------------------------------ */

void
relief_req_clear(struct relief_req *r)
{
	free(r->programme);
	free(r->item);
	free(r->unit);
	free(r->place);
	memset(r, 0, sizeof(*r));
}

/* A cleaned text field of 1..max bytes (0..max if optional). */
static int
relief_field(json_t *v, const char *name, size_t max, int optional,
    char **out, char *msg, size_t msglen)
{
	const char	*s, *why = NULL;

	*out = NULL;
	if (v == NULL && optional) {
		*out = xstrdup("");
		return 0;
	}
	if (!json_is_string(v)) {
		snprintf(msg, msglen, "%s must be a string", name);
		return -1;
	}
	s = json_string_value(v);
	if ((*out = text_clean(s, json_string_length(v), &why)) == NULL) {
		snprintf(msg, msglen, "%s: %s", name, why != NULL ? why :
		    "not valid UTF-8");
		return -1;
	}
	if ((**out == '\0' && !optional) || strlen(*out) > max) {
		snprintf(msg, msglen, "%s must be 1-%zu bytes of text", name,
		    max);
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
relief_dist_parse(json_t *j, int64_t now, struct relief_req *r,
    int *status, const char **code, char *msg, size_t msglen)
{
	json_t		*prog = NULL, *item = NULL, *unit = NULL, *place = NULL;
	json_t		*qty = NULL, *at = NULL, *ben = NULL;
	const char	*u = NULL;
	const char	*p;

	memset(r, 0, sizeof(*r));
	*status = 400;
	*code = "E_BAD_JSON";
	if (json_unpack(j, "{s:s,s:o,s:o,s?o,s:o,s:o,s:o,s?o!}",
	    "union", &u, "programme", &prog, "item", &item, "unit", &unit,
	    "quantity", &qty, "place", &place, "at", &at,
	    "beneficiaries", &ben) == -1) {
		snprintf(msg, msglen, "expected {union, programme, item, "
		    "quantity, place, at, [unit, beneficiaries]} and nothing "
		    "else");
		return -1;
	}
	*code = "E_BAD_REQUEST";
	if (!area_code_valid(u)) {
		snprintf(msg, msglen, "union is not an area code");
		return -1;
	}
	r->union_code = u;
	if (relief_field(prog, "programme", 31, 0, &r->programme, msg,
	    msglen) == -1 || relief_field(item, "item", 63, 0, &r->item, msg,
	    msglen) == -1 || relief_field(unit, "unit", 15, 1, &r->unit, msg,
	    msglen) == -1 || relief_field(place, "place", 200, 0, &r->place,
	    msg, msglen) == -1)
		goto fail;
	for (p = r->programme; *p != '\0'; p++)
		if (*p == ';' || *p == ',' || *p == '|') {
			snprintf(msg, msglen, "programme is one name (no ; , "
			    "or |)");
			goto fail;
		}
	if (!json_is_integer(qty) || json_integer_value(qty) <= 0 ||
	    json_integer_value(qty) > 1000000) {
		snprintf(msg, msglen, "quantity must be a whole number "
		    "1-1000000 (per beneficiary)");
		goto fail;
	}
	r->quantity = (long)json_integer_value(qty);
	if (camp_time_parse(at, &r->at) == -1) {
		snprintf(msg, msglen, "at is not epoch seconds or RFC 3339 "
		    "time");
		goto fail;
	}
	if (r->at < now - 86400 || r->at > now + 366 * 86400) {
		*status = 422;
		*code = "E_INVALID";
		snprintf(msg, msglen, "at must be between a day ago and a year "
		    "ahead");
		goto fail;
	}
	if (ben != NULL && !json_is_null(ben)) {
		if (!json_is_array(ben) || json_array_size(ben) >
		    RELIEF_MAX_BENEFICIARIES) {
			snprintf(msg, msglen, "beneficiaries must be a list of "
			    "at most %d numbers", RELIEF_MAX_BENEFICIARIES);
			goto fail;
		}
		r->beneficiaries = ben;
	}
	return 0;
fail:
	relief_req_clear(r);
	return -1;
}

/*
 * The notice in lang with code (or "{code}" for the alert's template).
 * Times are Dhaka's.  Caller frees.
 */
static char *
relief_notice(const struct relief_req *r, const char *lang, const char *code)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	 tm;
	time_t		 t = (time_t)(r->at + RELIEF_DHAKA);
	char		 when[64], amount[64], bnwhen[192], bn[192], *out;

	gmtime_r(&t, &tm);
	snprintf(amount, sizeof(amount), "%ld%s%s", r->quantity,
	    r->unit[0] != '\0' ? " " : "", r->unit);
	if (strcmp(lang, "en") == 0) {
		snprintf(when, sizeof(when), "%d %s %02d:%02d", tm.tm_mday,
		    mon[tm.tm_mon], tm.tm_hour, tm.tm_min);
		xasprintf(&out, "Relief (%s): %s %s on %s at %s. Your code: "
		    "%s. When you get it, reply RCV %s (got less? RCV %s and "
		    "the amount). Not received: NO %s", r->programme, amount,
		    r->item, when, r->place, code, code, code, code);
		return out;
	}
	snprintf(when, sizeof(when), "%02d/%02d %02d:%02d", tm.tm_mday,
	    tm.tm_mon + 1, tm.tm_hour, tm.tm_min);
	text_bn_digits(when, bnwhen, sizeof(bnwhen));
	text_bn_digits(amount, bn, sizeof(bn));
	xasprintf(&out, "ত্রাণ (%s): %s %s, %s, %s। আপনার কোড %s। পেলে "
	    "লিখুন: পেয়েছি %s (কম পেলে শেষে পরিমাণ)। না পেলে: পাইনি %s",
	    r->programme, r->item, bn, bnwhen, r->place, code, code, code);
	return out;
}

struct relief_benef {
	int64_t		 rid;
	char		 msisdn[MSISDN_MAX];
	char		 lang[3];
};

static int
relief_benef_cmp(const void *a, const void *b)
{
	const struct relief_benef *x = a, *y = b;

	return x->rid < y->rid ? -1 : x->rid > y->rid;
}

/* Add a bad-row object (at most RELIEF_MAX_ROWS kept). */
static void
relief_row_bad(json_t *rows, size_t *nbad, size_t row, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
relief_row_bad(json_t *rows, size_t *nbad, size_t row, const char *fmt, ...)
{
	char	 msg[160];
	va_list	 ap;

	if ((*nbad)++ >= RELIEF_MAX_ROWS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(rows, json_pack("{s:I,s:s,s:s}", "row",
	    (json_int_t)row, "field", "beneficiaries", "message", msg));
}

/*
 * The beneficiaries: the union's recipients in the programme, or the
 * listed numbers (each a recipient of the union).  0 (*list, *n), 1 some
 * rows are bad (*rows), -1 store error.
 */
static int
relief_benef_resolve(struct store *s, const struct relief_req *r,
    struct relief_benef **list, size_t *n, json_t **rows, size_t *nbad)
{
	static const char byprog[] = "SELECT id, msisdn, lang FROM recipients"
	    " WHERE union_code = ?1 AND instr(';' || upper(programmes) || ';',"
	    " ';' || upper(?2) || ';') > 0 ORDER BY id";
	static const char bynum[] = "SELECT id, union_code, lang"
	    " FROM recipients WHERE msisdn = ?1";
	struct relief_benef	*b = NULL;
	sqlite3_stmt		*st;
	json_t			*v;
	const char		*why, *uc;
	char			 m[MSISDN_MAX];
	size_t			 cap = 0, i, o;
	int			 rc;

	*list = NULL;
	*n = *nbad = 0;
	*rows = json_array();
	if (r->beneficiaries == NULL) {
		if ((st = store_prepare(s, byprog)) == NULL)
			return -1;
		sqlite3_bind_text(st, 1, r->union_code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, r->programme, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
		    *n < RELIEF_MAX_BENEFICIARIES) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 256;
				b = xreallocarray(b, cap, sizeof(*b));
			}
			b[*n].rid = sqlite3_column_int64(st, 0);
			camp_col(st, 1, b[*n].msisdn, sizeof(b[*n].msisdn));
			camp_col(st, 2, b[*n].lang, sizeof(b[*n].lang));
			(*n)++;
		}
		sqlite3_reset(st);
		*list = b;
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return -1;
		return 0;
	}
	json_array_foreach(r->beneficiaries, i, v) {
		if (!json_is_string(v)) {
			relief_row_bad(*rows, nbad, i + 1, "not a string");
			continue;
		}
		if (msisdn_normalise(json_string_value(v), m, &why) == -1) {
			relief_row_bad(*rows, nbad, i + 1, "%s", why);
			continue;
		}
		if ((st = store_prepare(s, bynum)) == NULL)
			goto fail;
		sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			relief_row_bad(*rows, nbad, i + 1, "%s is not a "
			    "registered recipient", m);
		else if (rc == SQLITE_ROW) {
			uc = (const char *)sqlite3_column_text(st, 1);
			if (uc == NULL || strcmp(uc, r->union_code) != 0)
				relief_row_bad(*rows, nbad, i + 1, "%s is "
				    "registered in union %s, not %s", m,
				    uc != NULL ? uc : "?", r->union_code);
			else {
				if (*n == cap) {
					cap = cap ? cap * 2 : 256;
					b = xreallocarray(b, cap, sizeof(*b));
				}
				b[*n].rid = sqlite3_column_int64(st, 0);
				snprintf(b[*n].msisdn, sizeof(b[*n].msisdn),
				    "%s", m);
				camp_col(st, 2, b[*n].lang,
				    sizeof(b[*n].lang));
				(*n)++;
			}
		}
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			goto fail;
	}
	/* One entitlement per person, however often listed. */
	if (*n > 1) {
		qsort(b, *n, sizeof(*b), relief_benef_cmp);
		for (i = 1, o = 1; i < *n; i++)
			if (b[i].rid != b[o - 1].rid)
				b[o++] = b[i];
		*n = o;
	}
	*list = b;
	return *nbad > 0 ? 1 : 0;
fail:
	*list = b;
	return -1;
}

/* A code for msisdn: not in used[] (this distribution) nor pending. */
static int
relief_code_pick(struct store *s, unsigned char *used, const char *msisdn,
    char code[RELIEF_CODE_LEN + 1])
{
	static const char pending[] = "SELECT 1 FROM entitlements"
	    " WHERE code = ?1 AND msisdn = ?2 AND state = 'pending' LIMIT 1";
	sqlite3_stmt	*st;
	unsigned long	 v;
	int		 rc, tries;

	for (tries = 0; tries < 1000; tries++) {
		if (relief_code_new(code) == -1)
			return -1;
		v = strtoul(code, NULL, 10);
		if (used[v >> 3] & (1U << (v & 7)))
			continue;
		if ((st = store_prepare(s, pending)) == NULL)
			return -1;
		sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, msisdn, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_ROW)
			continue;
		if (rc != SQLITE_DONE)
			return -1;
		used[v >> 3] |= 1U << (v & 7);
		return 0;
	}
	log_warnx("%s: no free code after 1000 draws", __func__);
	return -1;
}

int
relief_dist_create(struct store *s, const struct relief_req *r,
    int64_t token_id, int max_parts, struct relief_made *made, int *status,
    const char **code, char *msg, size_t msglen, json_t **rowsp)
{
	static const char alert[] = "INSERT INTO alerts (kind, priority,"
	    " text_bn, text_en, starts_at, created_at, token_id, messages)"
	    " VALUES ('relief_notice', ?1, ?2, ?3, ?4, ?4, nullif(?5, 0), ?6)";
	static const char area[] = "INSERT INTO alert_areas (alert_id, code)"
	    " VALUES (?1, ?2)";
	static const char dist[] = "INSERT INTO distributions (union_code,"
	    " programme, item, unit, quantity, place, at, alert_id, token_id,"
	    " created_at, entitlements) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	    " ?8, nullif(?9, 0), ?10, ?11)";
	static const char ent[] = "INSERT INTO entitlements (distribution_id,"
	    " recipient_id, msisdn, code, quantity, message_id) VALUES (?1, ?2,"
	    " ?3, ?4, ?5, ?6)";
	struct relief_benef	*b = NULL;
	struct outbox_msg	 om;
	struct area		 a;
	struct sms_len		 l;
	sqlite3_stmt		*st;
	json_t			*rows = NULL;
	unsigned char		*used = NULL;
	char			*tbn = NULL, *ten = NULL, *text;
	char			 c[RELIEF_CODE_LEN + 1];
	size_t			 n = 0, nbad = 0, i;
	int64_t			 now = store_now(), mid;
	int			 rc, ret = -1;

	memset(made, 0, sizeof(*made));
	if (rowsp != NULL)
		*rowsp = NULL;
	*status = 422;
	*code = "E_INVALID";
	if ((rc = area_get(s, r->union_code, &a)) == -1)
		return -1;
	if (rc == 1) {
		*status = 404;
		*code = "E_NOT_FOUND";
		snprintf(msg, msglen, "unknown area %s", r->union_code);
		return 1;
	}
	rc = a.level;
	area_clear(&a);
	if (rc != AREA_UNION) {
		*code = "E_NOT_UNION";
		snprintf(msg, msglen, "%s is not a union (level %s): relief "
		    "is distributed per union", r->union_code,
		    area_level_name(rc));
		return 1;
	}

	/* The notice's length: the same for every code (6 digits). */
	tbn = relief_notice(r, "bn", "000000");
	ten = relief_notice(r, "en", "000000");
	if (sms_measure(tbn, &made->bn) == -1 ||
	    sms_measure(ten, &made->en) == -1) {
		snprintf(msg, msglen, "the notice is not valid UTF-8");
		ret = 1;
		goto out;
	}
	if (made->bn.parts > max_parts || made->en.parts > max_parts) {
		l = made->bn.parts > max_parts ? made->bn : made->en;
		*code = "E_TOO_LONG";
		snprintf(msg, msglen, "the notice would need %d SMS parts (%s, "
		    "%zu characters); the limit is %d ([kannel] max_parts): "
		    "shorten place or item", l.parts, sms_coding_name(l.coding),
		    l.chars, max_parts);
		ret = 1;
		goto out;
	}
	free(tbn);
	free(ten);
	tbn = ten = NULL;

	if ((rc = relief_benef_resolve(s, r, &b, &n, &rows, &nbad)) == -1)
		goto out;
	if (rc == 1) {
		*code = "E_ROWS";
		snprintf(msg, msglen, "%zu of %zu beneficiaries are not "
		    "registered recipients of union %s; nothing was created",
		    nbad, json_array_size(r->beneficiaries), r->union_code);
		if (rowsp != NULL) {
			*rowsp = rows;
			rows = NULL;
		}
		ret = 1;
		goto out;
	}
	if (n == 0) {
		*code = "E_NO_BENEFICIARIES";
		if (r->beneficiaries != NULL)
			snprintf(msg, msglen, "the beneficiary list is empty");
		else
			snprintf(msg, msglen, "no recipient of union %s is "
			    "registered for programme %s", r->union_code,
			    r->programme);
		ret = 1;
		goto out;
	}

	/* The notice alert, its union, the distribution. */
	tbn = relief_notice(r, "bn", "{code}");
	ten = relief_notice(r, "en", "{code}");
	if ((st = store_prepare(s, alert)) == NULL)
		goto out;
	sqlite3_bind_int(st, 1, PRIO_RELIEF);
	sqlite3_bind_text(st, 2, tbn, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ten, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, token_id);
	sqlite3_bind_int64(st, 6, (int64_t)n);
	if (camp_step(s, st, "relief: insert notice alert") == -1)
		goto out;
	made->alert_id = sqlite3_last_insert_rowid(store_db(s));
	if ((st = store_prepare(s, area)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, made->alert_id);
	sqlite3_bind_text(st, 2, r->union_code, -1, SQLITE_STATIC);
	if (camp_step(s, st, "relief: insert alert area") == -1)
		goto out;
	if ((st = store_prepare(s, dist)) == NULL)
		goto out;
	sqlite3_bind_text(st, 1, r->union_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->programme, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->item, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, r->quantity);
	sqlite3_bind_text(st, 6, r->place, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, r->at);
	sqlite3_bind_int64(st, 8, made->alert_id);
	sqlite3_bind_int64(st, 9, token_id);
	sqlite3_bind_int64(st, 10, now);
	sqlite3_bind_int64(st, 11, (int64_t)n);
	if (camp_step(s, st, "relief: insert distribution") == -1)
		goto out;
	made->id = sqlite3_last_insert_rowid(store_db(s));

	/* Per beneficiary: a code, the notice SMS, the entitlement. */
	used = xcalloc(1, RELIEF_CODE_SPACE / 8 + 1);
	for (i = 0; i < n; i++) {
		if (relief_code_pick(s, used, b[i].msisdn, c) == -1)
			goto out;
		text = relief_notice(r, b[i].lang, c);
		memset(&om, 0, sizeof(om));
		om.alert_id = made->alert_id;
		om.recipient_id = b[i].rid;
		om.msisdn = b[i].msisdn;
		om.union_code = r->union_code;
		om.lang = b[i].lang;
		om.origin = "relief";
		om.priority = PRIO_RELIEF;
		om.text = text;
		mid = camp_outbox_add(s, &om);
		free(text);
		if (mid == -1)
			goto out;
		if ((st = store_prepare(s, ent)) == NULL)
			goto out;
		sqlite3_bind_int64(st, 1, made->id);
		sqlite3_bind_int64(st, 2, b[i].rid);
		sqlite3_bind_text(st, 3, b[i].msisdn, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, c, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, r->quantity);
		sqlite3_bind_int64(st, 6, mid);
		if (camp_step(s, st, "relief: insert entitlement") == -1)
			goto out;
	}
	made->entitlements = (int64_t)n;
	log_info("relief: distribution=%lld alert=%lld union=%s programme=%s "
	    "entitlements=%zu", (long long)made->id, (long long)made->alert_id,
	    r->union_code, r->programme, n);
	ret = 0;
out:
	free(used);
	free(b);
	free(tbn);
	free(ten);
	json_decref(rows);
	return ret;
}

int
relief_dist_union(struct store *s, int64_t id, char union_code[33])
{
	static const char sql[] = "SELECT union_code FROM distributions"
	    " WHERE id = ?1";
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_prepare(s, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		camp_col(st, 0, union_code, 33);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

json_t *
relief_dist_status(struct store *s, int64_t id, int dlr_timeout)
{
	static const char head[] = "SELECT union_code, programme, item, unit,"
	    " quantity, place, at, alert_id, token_id, created_at,"
	    " entitlements FROM distributions WHERE id = ?1";
	static const char states[] = "SELECT state, count(*),"
	    " sum(coalesce(received_qty, 0)) FROM entitlements"
	    " WHERE distribution_id = ?1 GROUP BY state";
	sqlite3_stmt	*st;
	json_t		*o, *byst, *notice;
	int64_t		 alert_id, units = 0;

	if ((st = store_prepare(s, head)) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return NULL;
	}
	alert_id = sqlite3_column_int64(st, 7);
	o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:s,s:I,s:I,s:I}",
	    "id", (json_int_t)id,
	    "union", (const char *)sqlite3_column_text(st, 0),
	    "programme", (const char *)sqlite3_column_text(st, 1),
	    "item", (const char *)sqlite3_column_text(st, 2),
	    "unit", (const char *)sqlite3_column_text(st, 3),
	    "quantity", (json_int_t)sqlite3_column_int64(st, 4),
	    "place", (const char *)sqlite3_column_text(st, 5),
	    "at", (json_int_t)sqlite3_column_int64(st, 6),
	    "created_at", (json_int_t)sqlite3_column_int64(st, 9),
	    "entitlements", (json_int_t)sqlite3_column_int64(st, 10));
	sqlite3_reset(st);
	if (o == NULL)
		return NULL;
	byst = json_pack("{s:i,s:i,s:i,s:i}", "pending", 0, "received", 0,
	    "short", 0, "disputed", 0);
	if ((st = store_prepare(s, states)) == NULL) {
		json_decref(byst);
		json_decref(o);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_object_set_new(byst, (const char *)sqlite3_column_text(st,
		    0), json_integer(sqlite3_column_int64(st, 1)));
		units += sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	json_object_set_new(o, "states", byst);
	json_object_set_new(o, "received_units", json_integer(units));
	json_object_set_new(o, "alert_id", alert_id ? json_integer(alert_id) :
	    json_null());
	if (alert_id && (notice = camp_alert_status(s, alert_id, dlr_timeout,
	    0)) != NULL) {
		json_object_set(o, "notice", json_object_get(notice, "totals"));
		json_decref(notice);
	} else
		json_object_set_new(o, "notice", json_null());
	return o;
}
