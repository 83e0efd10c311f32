/*
 * api-relief.c: relief distributions over HTTP (docs/api.md "Relief"):
 *
 *	POST /api/v1/distributions		create, notify (official)
 *	GET  /api/v1/distributions/{id}		counts and notice delivery
 *	POST /api/v1/distributions/{id}/receipts an officer's hand-over
 *	GET  /api/v1/unions/{code}/relief	report, JSON or CSV
 *	GET  /api/v1/unions/{code}/receipts/verify  recompute the chain
 *
 * Every handler checks the union against the token's scope; changes are
 * one transaction with their audit row.  The report never shows a code,
 * and shows numbers masked (+88017XXXX0001): it is meant to be read out
 * at a social audit.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "api.h"
#include "areas.h"
#include "campaigns.h"
#include "conf.h"
#include "csv.h"
#include "log.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

#define RELIEF_NOTE_MAX	500		/* bytes of an officer's note */

/* The distribution's union, in the token's scope; else replied. */
static int
api_relief_dist(struct http_req *r, int64_t id, char uc[33])
{
	switch (relief_dist_union(r->gw->store, id, uc)) {
	case 0:
		return http_scope(r, uc);
	case 1:
		http_reply_error(r, 404, "E_NOT_FOUND", "no distribution %lld",
		    (long long)id);
		return -1;
	default:
		http_reply_error(r, 500, "E_INTERNAL", "store error");
		return -1;
	}
}

/* {code} of the path: a union in the token's scope; else replied. */
static int
api_relief_union(struct http_req *r, const char *code)
{
	struct area	 a;
	int		 rc;

	if (http_scope(r, code) == -1)
		return -1;
	if ((rc = area_get(r->gw->store, code, &a)) != 0) {
		http_reply_error(r, rc == 1 ? 404 : 500, rc == 1 ?
		    "E_NOT_FOUND" : "E_INTERNAL", "area %s", code);
		return -1;
	}
	rc = a.level;
	area_clear(&a);
	if (rc != AREA_UNION) {
		http_reply_error(r, 422, "E_NOT_UNION", "%s is not a union "
		    "(level %s): relief is accounted per union", code,
		    area_level_name(rc));
		return -1;
	}
	return 0;
}

void
api_distributions_create(struct http_req *r)
{
	struct relief_req	 req;
	struct relief_made	 made;
	const char		*code;
	char			 msg[512];
	json_t			*j, *rows = NULL, *e;
	int			 status, rc;

	if ((j = http_body_json(r)) == NULL)
		return;
	if (relief_dist_parse(j, store_now(), &req, &status, &code, msg,
	    sizeof(msg)) == -1) {
		http_reply_error(r, status, code, "%s", msg);
		goto done;
	}
	if (http_scope(r, req.union_code) == -1)
		goto done;
	if (store_tx_begin(r->gw->store) == -1) {
		http_reply_error(r, 503, "E_UNAVAILABLE", "store busy");
		goto done;
	}
	rc = relief_dist_create(r->gw->store, &req, r->tok.id,
	    r->gw->conf->max_parts, &made, &status, &code, msg, sizeof(msg),
	    &rows);
	if (rc != 0) {
		store_tx_rollback(r->gw->store);
		if (rc == -1)
			http_reply_error(r, 500, "E_INTERNAL", "the store "
			    "failed; nothing was created");
		else if (rows != NULL) {
			e = json_pack("{s:s,s:s,s:O,s:I}", "code", code,
			    "message", msg, "rows", rows, "rejected",
			    (json_int_t)json_array_size(rows));
			http_reply_json(r, status, json_pack("{s:o}", "error",
			    e));
		} else
			http_reply_error(r, status, code, "%s", msg);
		goto done;
	}
	if (api_commit_audited(r, "relief.create", req.union_code, json_pack(
	    "{s:I,s:s,s:s,s:I,s:I,s:I}", "id", (json_int_t)made.id,
	    "programme", req.programme, "item", req.item, "quantity",
	    (json_int_t)req.quantity, "entitlements",
	    (json_int_t)made.entitlements, "alert_id",
	    (json_int_t)made.alert_id)) == -1)
		goto done;
	dispatch_kick(r->gw->dispatch);
	http_reply_json(r, 201, json_pack("{s:I,s:s,s:I,s:I,s:{s:o,s:o}}",
	    "id", (json_int_t)made.id, "union", req.union_code,
	    "entitlements", (json_int_t)made.entitlements, "alert_id",
	    (json_int_t)made.alert_id, "sms", "bn", api_sms_len(&made.bn),
	    "en", api_sms_len(&made.en)));
done:
	json_decref(rows);
	relief_req_clear(&req);
	json_decref(j);
}

void
api_distributions_get(struct http_req *r)
{
	int64_t	 id;
	char	 uc[33];
	json_t	*o;

	if ((id = http_param_id(r, 0, "distribution")) == -1 ||
	    api_relief_dist(r, id, uc) == -1)
		return;
	if ((o = relief_dist_status(r->gw->store, id,
	    r->gw->conf->dlr_timeout)) == NULL) {
		http_reply_error(r, 500, "E_INTERNAL", "store error");
		return;
	}
	http_reply_json(r, 200, o);
}

static json_t *
api_receipt_json(const struct receipt_out *o, int repeat)
{
	json_t	*j;

	j = json_pack("{s:s,s:b,s:I,s:I,s:s,s:I,s:I,s:s,s:s,s:s}",
	    "outcome", repeat ? "repeat" : "recorded", "repeat", repeat,
	    "distribution", (json_int_t)o->distribution_id,
	    "entitlement", (json_int_t)o->entitlement_id,
	    "state", o->state, "entitled", (json_int_t)o->entitled,
	    "received", (json_int_t)o->received, "item", o->item,
	    "unit", o->unit, "union", o->union_code);
	if (o->receipt_id)
		json_object_set_new(j, "receipt", json_integer(o->receipt_id));
	if (o->grievance_id)
		json_object_set_new(j, "grievance",
		    json_integer(o->grievance_id));
	return j;
}

void
api_receipts_create(struct http_req *r)
{
	struct receipt_in	 in;
	struct receipt_out	 out;
	json_t			*j, *code = NULL, *ent = NULL, *qty = NULL;
	json_t			*note = NULL;
	const char		*kind = "received", *why = NULL;
	char			*nt = NULL, actor[32], uc[33];
	int64_t			 id;

	if ((id = http_param_id(r, 0, "distribution")) == -1 ||
	    api_relief_dist(r, id, uc) == -1)
		return;
	if ((j = http_body_json(r)) == NULL)
		return;
	memset(&in, 0, sizeof(in));
	if (json_unpack(j, "{s?o,s?o,s?o,s?o,s?s!}", "code", &code,
	    "entitlement", &ent, "qty", &qty, "note", &note, "kind",
	    &kind) == -1) {
		http_reply_error(r, 400, "E_BAD_JSON", "expected {code or "
		    "entitlement, [qty, note, kind]} and nothing else");
		goto done;
	}
	if ((code == NULL) == (ent == NULL)) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "give code or "
		    "entitlement (one of them)");
		goto done;
	}
	if (code != NULL && (!json_is_string(code) ||
	    json_string_length(code) != RELIEF_CODE_LEN ||
	    strspn(json_string_value(code), "0123456789") !=
	    RELIEF_CODE_LEN)) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "code is a string of "
		    "%d digits", RELIEF_CODE_LEN);
		goto done;
	}
	if (ent != NULL && (!json_is_integer(ent) ||
	    json_integer_value(ent) <= 0)) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "entitlement is a "
		    "positive integer (an entitlement id)");
		goto done;
	}
	if (strcmp(kind, "received") == 0)
		in.kind = RECEIPT_RECEIVED;
	else if (strcmp(kind, "disputed") == 0)
		in.kind = RECEIPT_DISPUTED;
	else {
		http_reply_error(r, 400, "E_BAD_REQUEST", "kind is received "
		    "or disputed");
		goto done;
	}
	if (qty != NULL && (!json_is_integer(qty) ||
	    json_integer_value(qty) <= 0 || json_integer_value(qty) >
	    1000000 || in.kind != RECEIPT_RECEIVED)) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "qty is a whole "
		    "number of units received, at least 1 (leave it out for "
		    "in full; nothing received is kind disputed)");
		goto done;
	}
	if (note != NULL) {
		if (!json_is_string(note) || (nt = text_clean(
		    json_string_value(note), json_string_length(note), &why))
		    == NULL || strlen(nt) > RELIEF_NOTE_MAX) {
			http_reply_error(r, 400, "E_BAD_REQUEST", "note is "
			    "text of at most %d bytes%s%s", RELIEF_NOTE_MAX,
			    why ? ": " : "", why ? why : "");
			goto done;
		}
	}
	snprintf(actor, sizeof(actor), "token:%lld", (long long)r->tok.id);
	in.code = code != NULL ? json_string_value(code) : NULL;
	in.entitlement_id = ent != NULL ? json_integer_value(ent) : 0;
	in.distribution_id = id;
	in.qty = qty != NULL ? (long)json_integer_value(qty) : 0;
	in.channel = "api";
	in.actor = actor;
	in.raw = nt != NULL ? nt : "";
	in.note = nt;
	in.wrong_codes = r->gw->conf->wrong_codes;
	in.wrong_window = r->gw->conf->wrong_code_window;
	in.now_ms = store_now_ms();

	if (store_tx_begin(r->gw->store) == -1) {
		http_reply_error(r, 503, "E_UNAVAILABLE", "store busy");
		goto done;
	}
	switch (relief_receipt(r->gw->store, &in, &out)) {
	case RECEIPT_OK:
		if (api_commit_audited(r, kind[0] == 'r' ? "relief.receipt" :
		    "relief.dispute", uc, json_pack("{s:I,s:I,s:I,s:s,s:I}",
		    "distribution", (json_int_t)id, "entitlement",
		    (json_int_t)out.entitlement_id, "receipt",
		    (json_int_t)out.receipt_id, "state", out.state,
		    "received", (json_int_t)out.received)) == -1)
			break;
		http_reply_json(r, 201, api_receipt_json(&out, 0));
		break;
	case RECEIPT_REPEAT:
		store_tx_rollback(r->gw->store);
		http_reply_json(r, 200, api_receipt_json(&out, 1));
		break;
	case RECEIPT_UNKNOWN_CODE:
		store_tx_rollback(r->gw->store);
		http_reply_error(r, 404, "E_UNKNOWN_CODE", "no such %s in "
		    "distribution %lld", in.code != NULL ? "code" :
		    "entitlement", (long long)id);
		break;
	case RECEIPT_TOO_MUCH:
		store_tx_rollback(r->gw->store);
		http_reply_error(r, 422, "E_TOO_MUCH", "qty %ld is more than "
		    "the %ld %s entitled", in.qty, out.entitled,
		    out.unit[0] ? out.unit : "units");
		break;
	default:
		store_tx_rollback(r->gw->store);
		http_reply_error(r, 500, "E_INTERNAL", "the store failed; "
		    "nothing was recorded");
		break;
	}
done:
	free(nt);
	json_decref(j);
}

/* --- the report --------------------------------------------------------- */

/* Epoch seconds as Dhaka time, "2026-11-24T10:00:00+06:00". */
static void
api_relief_time(int64_t t, char *buf, size_t len)
{
	time_t		 d = (time_t)(t + 6 * 3600);
	struct tm	 tm;

	gmtime_r(&d, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S+06:00", &tm);
}

/*
 * Per distribution: entitled, notified, received in full and short (with
 * the shortfall), disputed, pending, settled entitlements by channel.
 * With list, the beneficiaries too (masked numbers, never the codes).
 */
static json_t *
api_relief_report(struct store *s, const char *uc, int list)
{
	static const char dists[] = "SELECT id, programme, item, unit,"
	    " quantity, place, at, alert_id, created_at FROM distributions"
	    " WHERE union_code = ?1 ORDER BY id";
	static const char counts[] = "SELECT e.distribution_id, count(*),"
	    " sum(e.state = 'received'), sum(e.state = 'short'),"
	    " sum(CASE WHEN e.state = 'short' THEN e.quantity - e.received_qty"
	    " ELSE 0 END), sum(e.state = 'disputed'), sum(e.state = 'pending'),"
	    " sum(coalesce(e.received_qty, 0)), sum(e.channel = 'sms'),"
	    " sum(e.channel = 'api'), sum(e.channel = 'ivr')"
	    " FROM distributions d JOIN entitlements e"
	    " ON e.distribution_id = d.id WHERE d.union_code = ?1"
	    " GROUP BY e.distribution_id";
	static const char notified[] = "SELECT e.distribution_id, count(*)"
	    " FROM distributions d JOIN entitlements e"
	    " ON e.distribution_id = d.id JOIN messages m"
	    " ON m.id = e.message_id"
	    " WHERE d.union_code = ?1 AND m.state IN (2, 3)"
	    " GROUP BY e.distribution_id";
	static const char people[] = "SELECT e.distribution_id, e.msisdn,"
	    " e.state, e.quantity, e.received_qty, e.channel, e.received_at"
	    " FROM distributions d JOIN entitlements e"
	    " ON e.distribution_id = d.id WHERE d.union_code = ?1"
	    " ORDER BY e.distribution_id, e.id";
	static const char *const keys[] = { "entitled", "received_full",
	    "received_short", "shortfall", "disputed", "pending",
	    "received_units" };
	sqlite3_stmt	*st;
	json_t		*o, *list_d, *byid, *d, *tot, *ben;
	char		 idk[24], mask[32];
	size_t		 i;
	int		 rc;

	list_d = json_array();
	byid = json_object();
	tot = json_object();
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		json_object_set_new(tot, keys[i], json_integer(0));
	json_object_set_new(tot, "notified", json_integer(0));
	json_object_set_new(tot, "by_channel", json_pack("{s:i,s:i,s:i}",
	    "sms", 0, "api", 0, "ivr", 0));

	if ((st = store_prepare(s, dists)) == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, uc, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		d = json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:I,s:I,s:I}",
		    "id", (json_int_t)sqlite3_column_int64(st, 0),
		    "programme", (const char *)sqlite3_column_text(st, 1),
		    "item", (const char *)sqlite3_column_text(st, 2),
		    "unit", (const char *)sqlite3_column_text(st, 3),
		    "quantity", (json_int_t)sqlite3_column_int64(st, 4),
		    "place", (const char *)sqlite3_column_text(st, 5),
		    "at", (json_int_t)sqlite3_column_int64(st, 6),
		    "alert_id", (json_int_t)sqlite3_column_int64(st, 7),
		    "created_at", (json_int_t)sqlite3_column_int64(st, 8));
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			json_object_set_new(d, keys[i], json_integer(0));
		json_object_set_new(d, "notified", json_integer(0));
		json_object_set_new(d, "by_channel", json_pack(
		    "{s:i,s:i,s:i}", "sms", 0, "api", 0, "ivr", 0));
		snprintf(idk, sizeof(idk), "%lld",
		    (long long)sqlite3_column_int64(st, 0));
		json_object_set(byid, idk, d);
		json_array_append_new(list_d, d);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto fail;

	if ((st = store_prepare(s, counts)) == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, uc, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t	*bc, *tbc;

		snprintf(idk, sizeof(idk), "%lld",
		    (long long)sqlite3_column_int64(st, 0));
		if ((d = json_object_get(byid, idk)) == NULL)
			continue;
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			json_int_t v = sqlite3_column_int64(st, (int)i + 1);

			json_object_set_new(d, keys[i], json_integer(v));
			json_object_set_new(tot, keys[i], json_integer(v +
			    json_integer_value(json_object_get(tot,
			    keys[i]))));
		}
		bc = json_object_get(d, "by_channel");
		tbc = json_object_get(tot, "by_channel");
		for (i = 0; i < 3; i++) {
			static const char *const ch[] = { "sms", "api", "ivr" };
			json_int_t v = sqlite3_column_int64(st, 8 + (int)i);

			json_object_set_new(bc, ch[i], json_integer(v));
			json_object_set_new(tbc, ch[i], json_integer(v +
			    json_integer_value(json_object_get(tbc, ch[i]))));
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto fail;

	if ((st = store_prepare(s, notified)) == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, uc, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_int_t v = sqlite3_column_int64(st, 1);

		snprintf(idk, sizeof(idk), "%lld",
		    (long long)sqlite3_column_int64(st, 0));
		if ((d = json_object_get(byid, idk)) == NULL)
			continue;
		json_object_set_new(d, "notified", json_integer(v));
		json_object_set_new(tot, "notified", json_integer(v +
		    json_integer_value(json_object_get(tot, "notified"))));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto fail;

	o = json_pack("{s:s,s:o,s:o}", "union", uc, "distributions", list_d,
	    "totals", tot);
	json_decref(byid);
	if (!list)
		return o;
	ben = json_array();
	json_object_set_new(o, "beneficiaries", ben);
	if ((st = store_prepare(s, people)) == NULL) {
		json_decref(o);
		return NULL;
	}
	sqlite3_bind_text(st, 1, uc, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		relief_msisdn_mask((const char *)sqlite3_column_text(st, 1),
		    mask, sizeof(mask));
		json_array_append_new(ben, json_pack(
		    "{s:I,s:s,s:s,s:I,s:o,s:o,s:o}",
		    "distribution", (json_int_t)sqlite3_column_int64(st, 0),
		    "msisdn", mask,
		    "state", (const char *)sqlite3_column_text(st, 2),
		    "entitled", (json_int_t)sqlite3_column_int64(st, 3),
		    "received", sqlite3_column_type(st, 4) == SQLITE_NULL ?
		    json_null() : json_integer(sqlite3_column_int64(st, 4)),
		    "channel", sqlite3_column_type(st, 5) == SQLITE_NULL ?
		    json_null() : json_string((const char *)
		    sqlite3_column_text(st, 5)),
		    "received_at", sqlite3_column_type(st, 6) == SQLITE_NULL ?
		    json_null() : json_integer(sqlite3_column_int64(st, 6))));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(o);
		return NULL;
	}
	return o;
fail:
	json_decref(list_d);
	json_decref(byid);
	json_decref(tot);
	return NULL;
}

/*
 * A CSV cell: a text that a spreadsheet would run as a formula (= + - @
 * tab, CR first) gets a leading apostrophe (OWASP "CSV injection").
 */
static char *
api_csv_cell(const char *s)
{
	char	*out;

	if (s == NULL)
		return xstrdup("");
	if (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' ||
	    *s == '\r') {
		xasprintf(&out, "'%s", s);
		return out;
	}
	return xstrdup(s);
}

static void
api_csv_row(struct evbuffer *b, char **f, size_t n)
{
	char	*line;
	size_t	 len, i;

	line = csv_format_row(f, n, &len);
	evbuffer_add(b, line, len);
	free(line);
	for (i = 0; i < n; i++) {
		free(f[i]);
		f[i] = NULL;
	}
}

static char *
api_csv_int(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);
	char	*s;

	if (!json_is_integer(v))
		return xstrdup("");
	xasprintf(&s, "%lld", (long long)json_integer_value(v));
	return s;
}

static char *
api_csv_str(json_t *o, const char *key)
{
	return api_csv_cell(json_string_value(json_object_get(o, key)));
}

/* The report as CSV: one row per distribution, or per beneficiary. */
static struct evbuffer *
api_relief_csv(json_t *rep, int list)
{
	static const char *const dhead[] = { "union", "distribution",
	    "programme", "item", "unit", "quantity", "place", "at", "entitled",
	    "notified", "received_full", "received_short", "shortfall",
	    "disputed", "pending", "received_units", "sms", "api", "ivr" };
	static const char *const bhead[] = { "union", "distribution",
	    "programme", "item", "unit", "msisdn", "state", "entitled",
	    "received", "channel", "received_at" };
	struct evbuffer	*b = evbuffer_new();
	char		*f[20], t[40];
	const char	*uc = json_string_value(json_object_get(rep, "union"));
	json_t		*d, *bc, *byid, *x;
	size_t		 i, n;

	if (b == NULL)
		fatalx("%s: evbuffer_new", __func__);
	if (!list) {
		for (n = 0; n < sizeof(dhead) / sizeof(dhead[0]); n++)
			f[n] = xstrdup(dhead[n]);
		api_csv_row(b, f, n);
		json_array_foreach(json_object_get(rep, "distributions"), i,
		    d) {
			n = 0;
			f[n++] = api_csv_cell(uc);
			f[n++] = api_csv_int(d, "id");
			f[n++] = api_csv_str(d, "programme");
			f[n++] = api_csv_str(d, "item");
			f[n++] = api_csv_str(d, "unit");
			f[n++] = api_csv_int(d, "quantity");
			f[n++] = api_csv_str(d, "place");
			api_relief_time(json_integer_value(json_object_get(d,
			    "at")), t, sizeof(t));
			f[n++] = xstrdup(t);
			f[n++] = api_csv_int(d, "entitled");
			f[n++] = api_csv_int(d, "notified");
			f[n++] = api_csv_int(d, "received_full");
			f[n++] = api_csv_int(d, "received_short");
			f[n++] = api_csv_int(d, "shortfall");
			f[n++] = api_csv_int(d, "disputed");
			f[n++] = api_csv_int(d, "pending");
			f[n++] = api_csv_int(d, "received_units");
			bc = json_object_get(d, "by_channel");
			f[n++] = api_csv_int(bc, "sms");
			f[n++] = api_csv_int(bc, "api");
			f[n++] = api_csv_int(bc, "ivr");
			api_csv_row(b, f, n);
		}
		return b;
	}
	for (n = 0; n < sizeof(bhead) / sizeof(bhead[0]); n++)
		f[n] = xstrdup(bhead[n]);
	api_csv_row(b, f, n);
	byid = json_object();
	json_array_foreach(json_object_get(rep, "distributions"), i, d) {
		snprintf(t, sizeof(t), "%lld", (long long)json_integer_value(
		    json_object_get(d, "id")));
		json_object_set(byid, t, d);
	}
	json_array_foreach(json_object_get(rep, "beneficiaries"), i, x) {
		snprintf(t, sizeof(t), "%lld", (long long)json_integer_value(
		    json_object_get(x, "distribution")));
		d = json_object_get(byid, t);
		n = 0;
		f[n++] = api_csv_cell(uc);
		f[n++] = xstrdup(t);
		f[n++] = api_csv_str(d, "programme");
		f[n++] = api_csv_str(d, "item");
		f[n++] = api_csv_str(d, "unit");
		f[n++] = api_csv_str(x, "msisdn");
		f[n++] = api_csv_str(x, "state");
		f[n++] = api_csv_int(x, "entitled");
		f[n++] = api_csv_int(x, "received");
		f[n++] = api_csv_str(x, "channel");
		if (json_is_integer(json_object_get(x, "received_at"))) {
			api_relief_time(json_integer_value(json_object_get(x,
			    "received_at")) / 1000, t, sizeof(t));
			f[n++] = xstrdup(t);
		} else
			f[n++] = xstrdup("");
		api_csv_row(b, f, n);
	}
	json_decref(byid);
	return b;
}

void
api_union_relief(struct http_req *r)
{
	const char	*uc = r->params[0], *fmt = http_query(r, "format");
	struct evbuffer	*b;
	json_t		*rep;
	int		 csv = 0, list = 1;

	if (fmt != NULL && strcmp(fmt, "csv") == 0)
		csv = 1;
	else if (fmt != NULL && strcmp(fmt, "json") != 0) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "format is json or "
		    "csv");
		return;
	}
	if (http_query(r, "list") != NULL && (list = http_query_flag(r,
	    "list")) == -1)
		return;
	if (csv && http_query(r, "list") == NULL)
		list = 0;	/* CSV: the summary unless list=1 */
	if (api_relief_union(r, uc) == -1)
		return;
	if ((rep = api_relief_report(r->gw->store, uc, list)) == NULL) {
		http_reply_error(r, 500, "E_INTERNAL", "store error");
		return;
	}
	if (!csv) {
		http_reply_json(r, 200, rep);
		return;
	}
	b = api_relief_csv(rep, list);
	json_decref(rep);
	http_reply_text(r, 200, "text/csv; charset=utf-8",
	    (const char *)evbuffer_pullup(b, -1), evbuffer_get_length(b));
	evbuffer_free(b);
}

void
api_union_verify(struct http_req *r)
{
	const char	*uc = r->params[0];
	json_t		*o;

	if (api_relief_union(r, uc) == -1)
		return;
	if ((o = relief_verify(r->gw->store, uc)) == NULL) {
		http_reply_error(r, 500, "E_INTERNAL", "store error");
		return;
	}
	if (!json_is_true(json_object_get(o, "ok")))
		log_warnx("relief: the receipt chain of union %s is broken: %s",
		    uc, json_string_value(json_object_get(json_object_get(o,
		    "first_broken"), "message")));
	http_reply_json(r, 200, o);
}
