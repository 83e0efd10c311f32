/*
 * api-grievances.c: GET /api/v1/grievances (JSON, or ?format=csv for the
 * national Grievance Redress System) and POST
 * /api/v1/grievances/{id}/resolve (docs/api.md "Grievances").
 *
 * The list is read by every role inside its scope (auditors included);
 * resolving is for admins and officials (the route table says so) and
 * only inside the token's scope.  A resolve is one transaction: the state
 * change, the resolution SMS in the outbox and the audit row commit
 * together or not at all; the dispatcher is kicked after the commit.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "campaigns.h"
#include "conf.h"
#include "log.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

#define GRIEVANCE_LIMIT_DEF	100
#define GRIEVANCE_LIMIT_MAX	500
#define GRIEVANCE_CSV_DEF	10000
#define GRIEVANCE_CSV_MAX	100000

void
api_grievances_list(struct http_req *r)
{
	struct grievance_filter	 f;
	const char		*status, *format;
	json_t			*list;
	char			*csv;
	size_t			 len;
	int64_t			 limit;
	int			 as_csv = 0;

	memset(&f, 0, sizeof(f));
	if ((format = http_query(r, "format")) != NULL) {
		if (strcmp(format, "csv") == 0)
			as_csv = 1;
		else if (strcmp(format, "json") != 0) {
			http_reply_error(r, 400, "E_BAD_REQUEST", "format must "
			    "be json or csv");
			return;
		}
	}
	status = http_query(r, "status");
	if (status == NULL || strcmp(status, "open") == 0)
		f.status = GRIEVANCE_OPEN;
	else if (strcmp(status, "resolved") == 0)
		f.status = GRIEVANCE_RESOLVED;
	else if (strcmp(status, "all") == 0)
		f.status = GRIEVANCE_ALL;
	else {
		http_reply_error(r, 400, "E_BAD_REQUEST", "status must be "
		    "open, resolved or all");
		return;
	}
	if ((f.area = http_query(r, "union")) != NULL &&
	    http_scope(r, f.area) == -1)
		return;
	if ((f.since = http_query_int(r, "since", 0, INT64_MAX)) == -1)
		return;
	if ((limit = http_query_int(r, "limit", as_csv ? GRIEVANCE_CSV_DEF :
	    GRIEVANCE_LIMIT_DEF, as_csv ? GRIEVANCE_CSV_MAX :
	    GRIEVANCE_LIMIT_MAX)) == -1)
		return;
	if (limit == 0) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "limit must be 1 or "
		    "more");
		return;
	}
	f.limit = (int)limit;

	if (as_csv) {
		if ((csv = grievance_csv(r->gw->store, &r->tok, &f, &len)) ==
		    NULL) {
			http_reply_error(r, 500, "E_INTERNAL", "store error");
			return;
		}
		http_reply_text(r, 200, "text/csv; charset=utf-8", csv, len);
		free(csv);
		return;
	}
	if ((list = grievance_list(r->gw->store, &r->tok, &f)) == NULL) {
		http_reply_error(r, 500, "E_INTERNAL", "store error");
		return;
	}
	http_reply_json(r, 200, json_pack("{s:I,s:o}", "count",
	    (json_int_t)json_array_size(list), "grievances", list));
}

/*
 * The note of a resolve body: {"note": "..."} and nothing else, clean,
 * 1..GRIEVANCE_NOTE_MAX characters.  Caller frees; NULL after a reply.
 */
static char *
api_grievance_note(struct http_req *r, json_t *j)
{
	const char	*key, *raw, *why = NULL;
	json_t		*v;
	char		*note;
	size_t		 n;

	json_object_foreach(j, key, v) {
		if (strcmp(key, "note") != 0) {
			http_reply_error(r, 400, "E_BAD_JSON", "unknown "
			    "member \"%.40s\": the body is {\"note\": TEXT} "
			    "and nothing else", key);
			return NULL;
		}
	}
	if (!json_is_string(v = json_object_get(j, "note"))) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "note is required: "
		    "a string of 1 to %d characters", GRIEVANCE_NOTE_MAX);
		return NULL;
	}
	raw = json_string_value(v);
	n = json_string_length(v);
	if (memchr(raw, '\0', n) != NULL ||
	    (note = text_clean(raw, n, &why)) == NULL) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "note: %s",
		    why != NULL ? why : "NUL byte");
		return NULL;
	}
	n = text_codepoints(note);
	if (n == 0 || n > GRIEVANCE_NOTE_MAX) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "note must be 1 to "
		    "%d characters (got %zu)", GRIEVANCE_NOTE_MAX, n);
		free(note);
		return NULL;
	}
	return note;
}

void
api_grievances_resolve(struct http_req *r)
{
	struct grievance_resolved	 g;
	struct store			*s = r->gw->store;
	int64_t				 id;
	json_t				*j;
	char				*note = NULL;
	int				 rc;

	if ((id = http_param_id(r, 0, "grievance")) == -1)
		return;
	if ((j = http_body_json(r)) == NULL)
		return;
	if ((note = api_grievance_note(r, j)) == NULL)
		goto done;
	if (store_tx_begin(s) == -1) {
		http_reply_error(r, 503, "E_UNAVAILABLE", "store busy");
		goto done;
	}
	rc = grievance_resolve(s, id, &r->tok, note, r->gw->conf->max_parts,
	    &g);
	if (rc != GRIEVANCE_RESOLVE_OK) {
		store_tx_rollback(s);
		switch (rc) {
		case GRIEVANCE_RESOLVE_UNKNOWN:
			http_reply_error(r, 404, "E_NOT_FOUND", "no grievance "
			    "%lld", (long long)id);
			break;
		case GRIEVANCE_RESOLVE_SCOPE:
			http_reply_error(r, 403, "E_SCOPE", "grievance %lld is "
			    "outside the scope of this token", (long long)id);
			break;
		case GRIEVANCE_RESOLVE_DONE:
			http_reply_error(r, 409, "E_CONFLICT", "grievance %lld "
			    "is already resolved; nothing was sent",
			    (long long)id);
			break;
		default:
			http_reply_error(r, 500, "E_INTERNAL", "the store "
			    "failed; nothing was changed");
			break;
		}
		goto done;
	}
	if (api_commit_audited(r, "grievance.resolve", g.union_code,
	    json_pack("{s:I,s:I,s:i,s:b}", "id", (json_int_t)id, "message_id",
	    (json_int_t)g.message_id, "note_chars",
	    (int)text_codepoints(note), "sms_truncated", g.truncated)) == -1)
		goto done;
	dispatch_kick(r->gw->dispatch);
	http_reply_json(r, 200, json_pack("{s:I,s:s,s:s,s:I,s:{s:s,s:s,s:I,"
	    "s:i,s:b}}", "id", (json_int_t)id, "status", "resolved",
	    "resolution", note, "message_id", (json_int_t)g.message_id, "sms",
	    "lang", g.lang, "encoding", sms_coding_name(g.sms.coding), "chars",
	    (json_int_t)g.sms.chars, "parts", g.sms.parts, "truncated",
	    g.truncated));
done:
	free(note);
	json_decref(j);
}
