/*
 * cmd-token.c: `sanket token create --role admin|official|auditor
 * [--scope CODE] [--name NAME]`.
 *
 * Without -c it asks the daemon: POST /api/v1/tokens (an admin token
 * creates tokens inside its own scope).  With -c FILE it works on the
 * database named by the configuration directly: conf_load, store_open,
 * then auth_token_create() and audit_log() (token 0 = local, action
 * "token.create") in one transaction.  That is how the first admin token
 * is made, before any token exists; it needs write access to the database
 * file, which is the access control.
 *
 * Either way the new token is printed alone on stdout (one line, for
 * `TOKEN=$(sanket token create ...)`), or with --json as
 * {"id":..,"token":..,"role":..,"scope":..,"name":..}.  It is shown once: only its
 * hash is stored.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "auth.h"
#include "conf.h"
#include "sanket.h"
#include "store.h"
#include "xmalloc.h"

static int	cmd_token_exec(struct sk_ctx *, const struct cmd_entry *, int,
		    char **);

const struct cmd_entry cmd_token_entry = {
	"token",
	"token create --role admin|official|auditor [--scope CODE] "
	"[--name NAME]\n"
	"token create --role admin [--name NAME] -c FILE   (local bootstrap)",
	"create an API token (with -c: directly in the database)",
	cmd_token_exec
};

#define OPT_ROLE	0x2001
#define OPT_SCOPE	0x2002
#define OPT_NAME	0x2003

static const struct option cmd_token_opts[] = {
	{ "role", required_argument, NULL, OPT_ROLE },
	{ "scope", required_argument, NULL, OPT_SCOPE },
	{ "name", required_argument, NULL, OPT_NAME },
	{ NULL, 0, NULL, 0 }
};

static void
cmd_token_print(struct sk_ctx *ctx, json_int_t id, const char *secret,
    const char *role, const char *scope, const char *name)
{
	json_t	*o;

	if (ctx->json) {
		o = json_pack("{s:I, s:s, s:s, s:s?, s:s}", "id", id, "token",
		    secret, "role", role, "scope",
		    scope != NULL && *scope != '\0' ? scope : NULL, "name",
		    name != NULL ? name : "");
		sk_json_print(o);
		json_decref(o);
	} else
		printf("%s\n", secret);
}

/* On the database file itself: the bootstrap for the first admin. */
static int
cmd_token_local(struct sk_ctx *ctx, int role, const char *scope,
    const char *name)
{
	struct conf	*c;
	struct store	*st = NULL;
	char		 err[512], *secret = NULL, *detail = NULL;
	int64_t		 id;
	json_t		*d;
	int		 rc = SK_EXIT_FAIL;

	if ((c = sk_conf(ctx)) == NULL)
		return SK_EXIT_FAIL;
	if ((st = store_open(c->database, err, sizeof(err))) == NULL)
		return sk_fail(ctx, "E_STORE", "%s", err);
	if (store_tx_begin(st) == -1) {
		rc = sk_fail(ctx, "E_STORE", "%s: cannot begin a transaction",
		    c->database);
		goto out;
	}
	if (auth_token_create(st, role, scope, name, &secret, &id, err,
	    sizeof(err)) == -1) {
		store_tx_rollback(st);
		rc = sk_fail(ctx, "E_TOKEN", "%s", err);
		goto out;
	}
	d = json_pack("{s:I, s:s, s:s?, s:s?}", "id", (json_int_t)id, "role",
	    auth_role_name(role), "scope", scope, "name", name);
	detail = json_dumps(d, JSON_COMPACT);
	json_decref(d);
	if (audit_log(st, 0, "token.create", scope, detail) == -1 ||
	    store_tx_commit(st) == -1) {
		store_tx_rollback(st);
		rc = sk_fail(ctx, "E_STORE", "%s: cannot record the token",
		    c->database);
		goto out;
	}
	cmd_token_print(ctx, id, secret, auth_role_name(role), scope, name);
	rc = SK_EXIT_OK;
out:
	if (secret != NULL) {
		explicit_bzero(secret, strlen(secret));
		free(secret);
	}
	free(detail);
	store_close(st);
	return rc;
}

static int
cmd_token_answer(struct sk_ctx *ctx, json_t *o, void *arg)
{
	json_t	*tok = json_object_get(o, "token");

	if (!json_is_string(tok))
		return sk_fail(ctx, "E_PROTOCOL", "the answer holds no token");
	printf("%s\n", json_string_value(tok));
	return SK_EXIT_OK;
}

/* Through the API. */
static int
cmd_token_remote(struct sk_ctx *ctx, int role, const char *scope,
    const char *name)
{
	json_t	*req;

	req = json_pack("{s:s, s:s*, s:s*}", "role", auth_role_name(role),
	    "scope", scope, "name", name);
	return sk_post_json(ctx, "/api/v1/tokens", req, "token",
	    cmd_token_answer, NULL);
}

static int
cmd_token_exec(struct sk_ctx *ctx, const struct cmd_entry *entry, int argc,
    char **argv)
{
	const char	*scope = NULL, *name = NULL, *rolestr = NULL;
	int		 ch, role;

	while ((ch = sk_getopt(ctx, entry, argc, argv, "", cmd_token_opts))
	    != -1) {
		switch (ch) {
		case OPT_ROLE:
			rolestr = optarg;
			break;
		case OPT_SCOPE:
			scope = optarg;
			break;
		case OPT_NAME:
			name = optarg;
			break;
		default:
			return sk_getopt_exit(ch);
		}
	}
	/* Operands after getopt's permutation: the verb, nothing else. */
	if (optind >= argc)
		return sk_usage(ctx, entry, "token: create what?");
	if (strcmp(argv[optind], "create") != 0)
		return sk_usage(ctx, entry, "token: unknown verb %s",
		    argv[optind]);
	if (optind + 1 != argc)
		return sk_usage(ctx, entry, "unexpected argument: %s",
		    argv[optind + 1]);
	if (rolestr == NULL)
		return sk_usage(ctx, entry, "token create needs --role");
	if ((role = auth_role_parse(rolestr)) == -1)
		return sk_usage(ctx, entry, "--role: \"%s\" is not admin, "
		    "official or auditor", rolestr);
	if (scope != NULL && *scope == '\0')
		scope = NULL;
	if (ctx->conf_path != NULL)
		return cmd_token_local(ctx, role, scope, name);
	return cmd_token_remote(ctx, role, scope, name);
}
