/*
 * api-areas.c: POST /api/v1/areas (CSV import, all or nothing) and
 * GET /api/v1/areas/{code}.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "api.h"
#include "areas.h"
#include "store.h"

void
api_areas_import(struct http_req *r)
{
	struct import_report	 rep;
	const char		*body;
	size_t			 len;
	json_t			*j;
	int			 dry, rc;

	if ((dry = http_query_flag(r, "dry_run")) == -1)
		return;
	body = http_body(r, &len);
	rc = area_import(r->gw->store, body, len, dry, &rep);
	if (rc == -2) {
		http_reply_error(r, 500, "E_INTERNAL", "the store failed; "
		    "nothing was changed");
		return;
	}
	if (rc == -1 && rep.fatal[0] != '\0') {
		http_reply_error(r, 400, "E_BAD_CSV", "%s", rep.fatal);
		return;
	}
	j = http_report_json(&rep, dry);
	if (rc == -1) {
		char	 msg[128];
		json_t	*e;

		snprintf(msg, sizeof(msg), "area import refused: %zu of %zu "
		    "rows invalid; nothing was imported", rep.rejected,
		    rep.rows);
		e = json_pack("{s:s,s:s}", "code", "E_ROWS", "message", msg);

		json_object_set(e, "rows", json_object_get(j, "errors"));
		json_object_set(e, "rejected", json_object_get(j, "rejected"));
		json_decref(j);
		http_reply_json(r, 422, json_pack("{s:o}", "error", e));
		return;
	}
	if (!dry && api_commit_audited(r, "areas.import", "",
	    json_pack("{s:I,s:I,s:I}", "rows", (json_int_t)rep.rows,
	    "created", (json_int_t)rep.created, "updated",
	    (json_int_t)rep.updated)) == -1) {
		json_decref(j);
		return;
	}
	http_reply_json(r, 200, j);
}

void
api_areas_get(struct http_req *r)
{
	static const char kids[] = "SELECT code, level, name_en, name_bn"
	    " FROM areas WHERE parent = ?1 ORDER BY code";
	struct area	 a;
	sqlite3_stmt	*st;
	json_t		*children, *j;
	int64_t		 unions;
	int		 rc;

	if (http_scope(r, r->params[0]) == -1)
		return;
	if ((rc = area_get(r->gw->store, r->params[0], &a)) != 0) {
		http_reply_error(r, rc == 1 ? 404 : 500, rc == 1 ?
		    "E_NOT_FOUND" : "E_INTERNAL", "area %s", r->params[0]);
		return;
	}
	unions = area_union_count(r->gw->store, a.code);
	children = json_array();
	if ((st = store_prepare(r->gw->store, kids)) != NULL) {
		sqlite3_bind_text(st, 1, a.code, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(children, json_pack(
			    "{s:s,s:s,s:s,s:s}",
			    "code", sqlite3_column_text(st, 0),
			    "level", area_level_name(sqlite3_column_int(st,
			    1)), "name_en", sqlite3_column_text(st, 2),
			    "name_bn", sqlite3_column_text(st, 3)));
		sqlite3_reset(st);
	}
	j = json_pack("{s:s,s:s?,s:s,s:s,s:s,s:I,s:o}", "code", a.code,
	    "parent", a.parent[0] ? a.parent : NULL,
	    "level", area_level_name(a.level), "name_en", a.name_en,
	    "name_bn", a.name_bn, "unions", (json_int_t)unions,
	    "children", children);
	area_clear(&a);
	http_reply_json(r, 200, j);
}
