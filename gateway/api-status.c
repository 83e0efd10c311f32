/*
 * api-status.c: GET /healthz, /metrics, /api/v1/status, /api/v1/audit.
 */
#include "config.h"

#include <event2/buffer.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "areas.h"
#include "campaigns.h"
#include "conf.h"
#include "gateway.h"
#include "log.h"
#include "metrics.h"
#include "store.h"

static const char *
api_kannel_state(struct http_req *r)
{
	return r->gw->kannel_up < 0 ? "unknown" :
	    r->gw->kannel_up ? "up" : "down";
}

void
api_healthz(struct http_req *r)
{
	int	 v = store_version(r->gw->store);

	http_reply_json(r, v < 0 ? 503 : 200, json_pack("{s:s,s:s,s:i,s:s}",
	    "status", v < 0 ? "unavailable" : "ok", "version",
	    PACKAGE_VERSION, "schema", v, "kannel", api_kannel_state(r)));
}

void
api_metrics(struct http_req *r)
{
	struct evbuffer	*b = evbuffer_new();
	size_t		 len;

	metrics_write(r->gw->metrics, r->gw, b);
	len = evbuffer_get_length(b);
	http_reply_text(r, 200, "text/plain; version=0.0.4",
	    (const char *)evbuffer_pullup(b, -1), len);
	evbuffer_free(b);
}

void
api_status(struct http_req *r)
{
	static const char sql[] = "SELECT level, count(*) FROM areas"
	    " GROUP BY level";
	sqlite3_stmt	*st;
	json_t		*areas = json_object();
	int64_t		 nrec = -1;
	int		 l;

	for (l = AREA_DIVISION; l <= AREA_UNION; l++)
		json_object_set_new(areas, area_level_name(l),
		    json_integer(0));
	if ((st = store_prepare(r->gw->store, sql)) != NULL) {
		while (sqlite3_step(st) == SQLITE_ROW)
			json_object_set_new(areas, area_level_name(
			    sqlite3_column_int(st, 0)), json_integer(
			    sqlite3_column_int64(st, 1)));
		sqlite3_reset(st);
	}
	store_int64(r->gw->store, "SELECT count(*) FROM recipients", &nrec);
	http_reply_json(r, 200, json_pack(
	    "{s:s,s:i,s:I,s:o,s:I,s:s,s:{s:I,s:s,s:s?}}",
	    "version", PACKAGE_VERSION,
	    "schema", store_version(r->gw->store),
	    "uptime", (json_int_t)(time(NULL) - r->gw->started),
	    "areas", areas, "recipients", (json_int_t)nrec,
	    "kannel", api_kannel_state(r),
	    "token", "id", (json_int_t)r->tok.id, "role",
	    auth_role_name(r->tok.role), "scope",
	    r->tok.scope[0] ? r->tok.scope : NULL));
}

void
api_audit_list(struct http_req *r)
{
	static const char sql[] = "SELECT id, at_ms, token_id, action, areas,"
	    " detail FROM audit WHERE at_ms >= ?1 ORDER BY id LIMIT ?2";
	sqlite3_stmt	*st;
	json_t		*list, *detail;
	int64_t		 since, limit;

	if ((since = http_query_int(r, "since", 0, INT64_MAX)) == -1 ||
	    (limit = http_query_int(r, "limit", 100, 1000)) == -1)
		return;
	if ((st = store_prepare(r->gw->store, sql)) == NULL) {
		http_reply_error(r, 500, "E_INTERNAL", "store error");
		return;
	}
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, limit);
	list = json_array();
	while (sqlite3_step(st) == SQLITE_ROW) {
		detail = json_loads((const char *)sqlite3_column_text(st, 5),
		    0, NULL);
		json_array_append_new(list, json_pack(
		    "{s:I,s:I,s:o,s:s,s:s,s:o}",
		    "id", (json_int_t)sqlite3_column_int64(st, 0),
		    "at_ms", (json_int_t)sqlite3_column_int64(st, 1),
		    "token_id", sqlite3_column_type(st, 2) == SQLITE_NULL ?
		    json_null() : json_integer(sqlite3_column_int64(st, 2)),
		    "action", sqlite3_column_text(st, 3),
		    "areas", sqlite3_column_text(st, 4),
		    "detail", detail ? detail : json_object()));
	}
	sqlite3_reset(st);
	http_reply_json(r, 200, json_pack("{s:o}", "entries", list));
}

/*
 * GET/POST /api/v1/clock: the daemon's clock, and with [gateway]
 * test_clock = yes, a way to move it: {"offset_ms": N} sets the offset
 * from real time, {"advance_ms": N} adds to it.  Without test_clock the
 * route does not exist (404), so a production daemon cannot be moved.
 */
void
api_clock(struct http_req *r)
{
	json_t		*j;
	json_int_t	 off = 0, adv = 0;
	int		 has_off;

	if (!r->gw->conf->test_clock) {
		http_reply_error(r, 404, "E_NOT_FOUND", "no such route "
		    "([gateway] test_clock is off)");
		return;
	}
	if (evhttp_request_get_command(r->req) == EVHTTP_REQ_POST) {
		if ((j = http_body_json(r)) == NULL)
			return;
		if (json_unpack(j, "{s?I,s?I!}", "offset_ms", &off,
		    "advance_ms", &adv) == -1 ||
		    (json_object_get(j, "offset_ms") != NULL) +
		    (json_object_get(j, "advance_ms") != NULL) != 1) {
			json_decref(j);
			http_reply_error(r, 400, "E_BAD_JSON", "expected "
			    "{\"offset_ms\": N} or {\"advance_ms\": N}");
			return;
		}
		has_off = json_object_get(j, "offset_ms") != NULL;
		json_decref(j);
		store_clock_set(has_off ? off : store_clock_get() + adv);
		log_warnx("test clock: offset now %lld ms",
		    (long long)store_clock_get());
		/* Due work may have moved into the present. */
		dispatch_kick(r->gw->dispatch);
		voice_kick(r->gw->voice);
	}
	http_reply_json(r, 200, json_pack("{s:I,s:I}", "now_ms",
	    (json_int_t)store_now_ms(), "offset_ms",
	    (json_int_t)store_clock_get()));
}
