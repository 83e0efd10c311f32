/*
 * api-calls.c: GET /api/v1/calls, the call records (docs/api.md
 * "Calls").
 *
 *	GET /api/v1/calls?since=&after=&limit=&direction=&alert=&msisdn=
 *
 * Read by every role inside its scope (calls.c says what a scoped token
 * sees).  since is epoch seconds, after an id cursor, limit 1-1000
 * (default 100), as for GET /api/v1/inbound.  Parse -> validate -> one
 * query -> one reply; a bad parameter is 400 E_BAD_REQUEST and nothing
 * is read.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "api.h"
#include "campaigns.h"
#include "msisdn.h"
#include "store.h"

void
api_calls_list(struct http_req *r)
{
	struct calls_filter	 f;
	const char		*dir, *num, *why;
	char			 msisdn[MSISDN_MAX];
	json_t			*o;
	int64_t			 limit;

	memset(&f, 0, sizeof(f));
	if ((f.since = http_query_int(r, "since", 0, INT64_MAX / 1000)) ==
	    -1 || (f.after = http_query_int(r, "after", 0, INT64_MAX)) == -1 ||
	    (f.alert_id = http_query_int(r, "alert", 0, INT64_MAX)) == -1 ||
	    (limit = http_query_int(r, "limit", CALLS_LIMIT_DEF,
	    CALLS_LIMIT_MAX)) == -1)
		return;
	if (limit == 0) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "limit must be 1 or "
		    "more");
		return;
	}
	f.limit = (int)limit;
	if ((dir = http_query(r, "direction")) != NULL) {
		if (strcmp(dir, "in") != 0 && strcmp(dir, "out") != 0) {
			http_reply_error(r, 400, "E_BAD_REQUEST", "direction "
			    "must be in or out");
			return;
		}
		f.direction = dir;
	}
	if ((num = http_query(r, "msisdn")) != NULL) {
		if (msisdn_normalise(num, msisdn, &why) == -1) {
			http_reply_error(r, 400, "E_BAD_REQUEST", "msisdn: %s",
			    why);
			return;
		}
		f.msisdn = msisdn;
	}
	if ((o = calls_list(r->gw->store, &r->tok, &f)) == NULL) {
		http_reply_error(r, 500, "E_INTERNAL", "store error");
		return;
	}
	http_reply_json(r, 200, o);
}
