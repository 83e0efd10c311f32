/*
 * api-inbound.c: Kannel's MO callback (GET /kannel/mo on the callback
 * listener) and the inbound list (GET /api/v1/inbound).
 *
 * /kannel/mo is the get-url of the sms-service that `sanket
 * kannel-config` prints:
 *
 *	/kannel/mo?secret=S&from=%p&to=%P&text=%a&coding=%c&charset=%C
 *	    &smsc=%i&id=%I&ts=%T
 *
 * A callback is accepted only from an address in [kannel] callback_allow
 * and with the secret (compared in constant time); a refused one is
 * counted and changes nothing.  An accepted one is answered 200 with an
 * empty body once its row has committed (inbound.c does the work), so
 * Kannel's "accepted" means stored; a 503 (store failure) lets Kannel's
 * http-request-retry try again.
 */
#include "config.h"

#include <event2/http.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "campaigns.h"
#include "conf.h"
#include "log.h"
#include "msisdn.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

#define MO_TEXT_MAX	(64 * 1024)	/* bytes kept of one MO */

/* The exact bytes of the text parameter (NULs and all); caller frees. */
static char *
api_mo_text(struct http_req *r, size_t *len)
{
	const char	*q, *p, *end;
	char		*enc, *dec;

	q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(r->req));
	*len = 0;
	for (p = q; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "&");
		if (strncmp(p, "text=", 5) != 0)
			continue;
		enc = xstrndup(p + 5, (size_t)(end - p - 5));
		dec = evhttp_uridecode(enc, 1, len);
		free(enc);
		return dec;
	}
	return NULL;
}

static void
api_mo_reply_cb(void *arg)
{
	http_send_later(arg, 200, "text/plain", "", 0);
}

void
api_kannel_mo(struct http_req *r)
{
	const struct conf *cf = r->gw->conf;
	struct mo_in	 in;
	struct mo_result res;
	const char	*secret, *coding;
	char		*text;
	size_t		 len;

	secret = http_query(r, "secret");
	if (!api_source_allowed(r)) {
		inbound_forged();
		http_reply_error(r, 403, "E_FORBIDDEN", "source address not "
		    "in [kannel] callback_allow");
		return;
	}
	if (cf->callback_secret[0] == '\0' || secret == NULL ||
	    strlen(secret) != strlen(cf->callback_secret) ||
	    CRYPTO_memcmp(secret, cf->callback_secret, strlen(secret)) != 0) {
		inbound_forged();
		log_warnx("mo: refused a callback with a wrong or missing "
		    "secret");
		http_reply_error(r, 403, "E_FORBIDDEN", "wrong or missing "
		    "secret");
		return;
	}
	memset(&in, 0, sizeof(in));
	in.sender = http_query(r, "from");
	if (in.sender == NULL || *in.sender == '\0') {
		http_reply_error(r, 400, "E_BAD_REQUEST", "from is missing");
		return;
	}
	if (strlen(in.sender) > 64) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "from is too long");
		return;
	}
	if ((text = api_mo_text(r, &len)) == NULL) {
		text = xstrdup("");
		len = 0;
	}
	if (len > MO_TEXT_MAX)
		len = MO_TEXT_MAX;	/* the parser reads 8 KiB at most */
	in.text = text;
	in.len = len;
	in.to = http_query(r, "to");
	in.kannel_id = http_query(r, "id");
	in.smsc = http_query(r, "smsc");
	in.charset = http_query(r, "charset");
	/* %c: 0 (GSM 7-bit), 1 (8-bit), 2 (UCS-2); anything else unknown. */
	coding = http_query(r, "coding");
	in.coding = coding != NULL && coding[0] >= '0' && coding[0] <= '2' &&
	    coding[1] == '\0' ? coding[0] - '0' : -1;
	in.now_ms = store_now_ms();
	if (inbound_handle(r->gw->store, cf, &in, &res) == -1) {
		http_reply_error(r, 503, "E_UNAVAILABLE", "could not store the "
		    "message; retry");
		free(text);
		return;
	}
	free(text);
	if (res.reply_id != 0)
		dispatch_kick(r->gw->dispatch);
	store_batch_after(r->gw->store, api_mo_reply_cb, http_defer(r, 200));
}

/* --- GET /api/v1/inbound ----------------------------------------------- */

/* The text for JSON: as is when valid UTF-8, else with U+FFFD. */
static json_t *
api_mo_json_text(const char *p, size_t n, int *valid)
{
	json_t	*j;
	char	*fixed;
	size_t	 i, o = 0;

	if (p == NULL || n == 0) {	/* SQLite gives NULL for x'' */
		*valid = 1;
		return json_string("");
	}
	if ((*valid = text_utf8_valid(p, n)) && memchr(p, '\0', n) == NULL)
		return json_stringn(p, n);
	fixed = xmalloc(n * 3 + 1);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c != 0 && c < 0x80)
			fixed[o++] = (char)c;
		else if (c != 0 && text_utf8_valid(p + i, 1))
			fixed[o++] = (char)c;
		else {
			/* Keep valid multibyte sequences whole. */
			size_t	 k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 :
			    c >= 0xc0 ? 2 : 1;

			if (k > 1 && i + k <= n && text_utf8_valid(p + i, k)) {
				memcpy(fixed + o, p + i, k);
				o += k;
				i += k - 1;
			} else {
				memcpy(fixed + o, "\xef\xbf\xbd", 3);
				o += 3;
			}
		}
	}
	j = json_stringn(fixed, o);
	free(fixed);
	*valid = 0;
	return j;
}

void
api_inbound_list(struct http_req *r)
{
	/* A scoped token sees the rows of registered senders in its
	 * areas; a national one sees all. */
	static const char q[] = "SELECT i.id, i.at_ms, i.sender, i.msisdn,"
	    " i.text, i.intent, i.arg, i.outcome, i.lang, i.union_code,"
	    " i.duplicate_of, i.reply_id, m.state, i.kannel_id"
	    " FROM inbound i LEFT JOIN messages m ON m.id = i.reply_id"
	    " WHERE (?1 IS NULL OR i.msisdn = ?1) AND i.at_ms >= ?2 AND"
	    " i.id > ?3 AND (?4 IS NULL OR i.union_code IN (SELECT u.code"
	    " FROM areas s, areas u WHERE s.code = ?4 AND u.path >= s.path"
	    " AND u.path < substr(s.path, 1, length(s.path) - 1) || '0'))"
	    " ORDER BY i.id LIMIT ?5";
	const char	*from = http_query(r, "from");
	char		 num[MSISDN_MAX];
	const char	*why;
	sqlite3_stmt	*st;
	json_t		*list, *o;
	int64_t		 since, after, limit, last = 0;
	int		 valid, n = 0, rc;

	if ((since = http_query_int(r, "since", 0, INT64_MAX / 1000)) == -1 ||
	    (after = http_query_int(r, "after", 0, INT64_MAX)) == -1 ||
	    (limit = http_query_int(r, "limit", 100, 1000)) == -1)
		return;
	if (from != NULL && msisdn_normalise(from, num, &why) == -1) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "from: %s", why);
		return;
	}
	if ((st = store_prepare(r->gw->store, q)) == NULL) {
		http_reply_error(r, 500, "E_INTERNAL", "store error");
		return;
	}
	if (from != NULL)
		sqlite3_bind_text(st, 1, num, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since * 1000);
	sqlite3_bind_int64(st, 3, after);
	if (r->tok.scope[0] != '\0')
		sqlite3_bind_text(st, 4, r->tok.scope, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, limit);
	list = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t	*t;

		t = api_mo_json_text(sqlite3_column_blob(st, 4),
		    (size_t)sqlite3_column_bytes(st, 4), &valid);
		last = sqlite3_column_int64(st, 0);
		o = json_pack("{s:I,s:I,s:s,s:o,s:o,s:b}", "id",
		    (json_int_t)last, "at", (json_int_t)
		    (sqlite3_column_int64(st, 1) / 1000), "sender",
		    (const char *)sqlite3_column_text(st, 2), "from",
		    sqlite3_column_type(st, 3) == SQLITE_NULL ? json_null() :
		    json_string((const char *)sqlite3_column_text(st, 3)),
		    "text", t, "text_valid", valid);
#define COLSTR(k, i) json_object_set_new(o, k, sqlite3_column_type(st, i) == \
		    SQLITE_NULL ? json_null() : json_string((const char *) \
		    sqlite3_column_text(st, i)))
		COLSTR("intent", 5);
		COLSTR("arg", 6);
		COLSTR("outcome", 7);
		COLSTR("lang", 8);
		COLSTR("union", 9);
		COLSTR("kannel_id", 13);
#undef COLSTR
		json_object_set_new(o, "duplicate_of",
		    sqlite3_column_type(st, 10) == SQLITE_NULL ? json_null() :
		    json_integer(sqlite3_column_int64(st, 10)));
		if (sqlite3_column_type(st, 11) != SQLITE_NULL)
			json_object_set_new(o, "reply", json_pack("{s:I,s:s}",
			    "id", (json_int_t)sqlite3_column_int64(st, 11),
			    "state", camp_msg_state_name(
			    sqlite3_column_int(st, 12))));
		else
			json_object_set_new(o, "reply", json_null());
		json_array_append_new(list, o);
		n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(list);
		http_reply_error(r, 500, "E_INTERNAL", "store error");
		return;
	}
	http_reply_json(r, 200, json_pack("{s:o,s:i,s:o}", "inbound", list,
	    "count", n, "next_after", n == limit ? json_integer(last) :
	    json_null()));
}
