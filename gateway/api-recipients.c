/*
 * api-recipients.c: POST /api/v1/recipients (CSV, row-level errors) and
 * GET /api/v1/recipients/{msisdn}.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "msisdn.h"
#include "recipients.h"
#include "store.h"
#include "xmalloc.h"

void
api_recipients_import(struct http_req *r)
{
	struct import_report	*rep;
	const char		*body;
	size_t			 len;
	int64_t			 first;
	json_t			*j;
	int			 dry, rc;

	if ((dry = http_query_flag(r, "dry_run")) == -1)
		return;
	if ((first = http_query_int(r, "first_row", 0, INT64_C(1) << 40))
	    == -1)
		return;
	body = http_body(r, &len);
	rep = xcalloc(1, sizeof(*rep));
	rc = recipient_import(r->gw->store, r->tok.scope, body, len,
	    (size_t)first, dry, rep);
	if (rc == -2)
		http_reply_error(r, 500, "E_INTERNAL", "the store failed; "
		    "nothing was changed");
	else if (rc == -1)
		http_reply_error(r, 400, "E_BAD_CSV", "%s; nothing was "
		    "imported", rep->fatal);
	else {
		j = http_report_json(rep, dry);
		if (dry || api_commit_audited(r, "recipients.import",
		    r->tok.scope, json_pack("{s:I,s:I,s:I,s:I}",
		    "rows", (json_int_t)rep->rows,
		    "created", (json_int_t)rep->created,
		    "updated", (json_int_t)rep->updated,
		    "rejected", (json_int_t)rep->rejected)) == 0)
			http_reply_json(r, 200, j);
		else
			json_decref(j);
	}
	free(rep);
}

void
api_recipients_get(struct http_req *r)
{
	struct recipient	 rec;
	char			 norm[MSISDN_MAX], *p, *save = NULL;
	const char		*why;
	json_t			*progs;
	int			 rc;

	if (msisdn_normalise(r->params[0], norm, &why) == -1) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "%s: %s", why,
		    r->params[0]);
		return;
	}
	if ((rc = recipient_get(r->gw->store, norm, &rec)) != 0) {
		if (rc == 1)
			http_reply_error(r, 404, "E_NOT_FOUND", "no recipient "
			    "%s", norm);
		else
			http_reply_error(r, 500, "E_INTERNAL", "store error");
		return;
	}
	if (http_scope(r, rec.union_code) == -1)
		return;
	progs = json_array();
	for (p = strtok_r(rec.programmes, ";", &save); p != NULL;
	    p = strtok_r(NULL, ";", &save))
		json_array_append_new(progs, json_string(p));
	http_reply_json(r, 200, json_pack("{s:s,s:s,s:s,s:s,s:o,s:b,s:I,s:I}",
	    "msisdn", rec.msisdn, "union", rec.union_code, "lang", rec.lang,
	    "channel", rec.channel, "programmes", progs,
	    "opted_out", rec.opted_out, "created_at",
	    (json_int_t)rec.created_at, "updated_at",
	    (json_int_t)rec.updated_at));
}
