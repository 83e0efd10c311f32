/*
 * api-tokens.c: POST /api/v1/tokens.  An admin mints tokens for officials
 * and auditors; a new token's scope must lie inside the creator's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "store.h"

void
api_tokens_create(struct http_req *r)
{
	const char	*role_s, *scope = NULL, *name = "";
	char		 err[256], *secret = NULL;
	int64_t		 id;
	json_t		*j;
	int		 role;

	if ((j = http_body_json(r)) == NULL)
		return;
	if (json_unpack(j, "{s:s,s?s,s?s!}", "role", &role_s, "scope",
	    &scope, "name", &name) == -1) {
		http_reply_error(r, 400, "E_BAD_JSON", "expected {\"role\": "
		    "\"admin|official|auditor\", \"scope\": \"CODE\", "
		    "\"name\": \"...\"} and nothing else");
		goto done;
	}
	if ((role = auth_role_parse(role_s)) == -1) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "unknown role "
		    "\"%.32s\"", role_s);
		goto done;
	}
	if (strlen(name) > 63) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "name longer than "
		    "63 bytes");
		goto done;
	}
	if (scope != NULL && scope[0] != '\0') {
		if (http_scope(r, scope) == -1)
			goto done;
	} else if (r->tok.scope[0] != '\0') {
		http_reply_error(r, 403, "E_SCOPE", "a token scoped to %s "
		    "cannot create a national token", r->tok.scope);
		goto done;
	}
	if (store_tx_begin(r->gw->store) == -1) {
		http_reply_error(r, 500, "E_INTERNAL", "store busy");
		goto done;
	}
	if (auth_token_create(r->gw->store, role, scope, name, &secret, &id,
	    err, sizeof(err)) == -1) {
		store_tx_rollback(r->gw->store);
		http_reply_error(r, 400, "E_BAD_REQUEST", "%s", err);
		goto done;
	}
	if (api_commit_audited(r, "token.create", scope ? scope : "",
	    json_pack("{s:I,s:s,s:s}", "id", (json_int_t)id, "role",
	    auth_role_name(role), "name", name)) == -1)
		goto done;
	http_reply_json(r, 201, json_pack("{s:I,s:s,s:s,s:s?,s:s}", "id",
	    (json_int_t)id, "token", secret, "role", auth_role_name(role),
	    "scope", scope && scope[0] ? scope : NULL, "name", name));
done:
	free(secret);
	json_decref(j);
}
