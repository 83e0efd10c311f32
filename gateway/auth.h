/*
 * auth.h: bearer tokens, roles, area scope, and the audit log.
 *
 * A token is "sk_" + 40 hex digits from getrandom(2); only its SHA-256 is
 * stored, so a stolen database yields no usable token.  Roles: admin (all,
 * including areas and tokens), official (acts on recipients and alerts in
 * its scope), auditor (reads).  Scope is an area code: the token acts on
 * that area and everything under it; no scope = national.
 *
 * Every state-changing request writes one audit row (who, what, when, on
 * which areas) in the same transaction as the change.
 */
#ifndef SK_AUTH_H
#define SK_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "areas.h"

enum role {
	ROLE_ADMIN = 1,
	ROLE_OFFICIAL = 2,
	ROLE_AUDITOR = 3
};

#define TOKEN_LEN	43	/* "sk_" + 40 hex */

struct store;

struct token {
	int64_t		 id;
	int		 role;
	char		 scope[AREA_CODE_MAX];	/* "" = national */
	char		 name[64];
};

const char	*auth_role_name(int);
int		 auth_role_parse(const char *);	/* -1 if unknown */

/*
 * Create a token.  scope NULL or "" = national; otherwise must be an
 * existing area.  On success *secret is the token (caller frees; shown
 * once, never stored) and *id its row.  0, or -1 with err filled.
 */
int	auth_token_create(struct store *, int role, const char *scope,
	    const char *name, char **secret, int64_t *id, char *err,
	    size_t errlen);
/* 0 valid (t filled), 1 unknown or revoked, -1 store error. */
int	auth_token_check(struct store *, const char *secret, struct token *t);
/* 1 if t may act on area code, 0 if not, -1 unknown area or error. */
int	auth_scope_allows(struct store *, const struct token *,
	    const char *code);

/* Append to the audit log.  token_id 0 = local (CLI on the file). */
int	audit_log(struct store *, int64_t token_id, const char *action,
	    const char *areas, const char *detail_json);

#endif
