/*
 * auth.c: see auth.h.
 */
#include "config.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "auth.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

static const char *const roles[] = { NULL, "admin", "official", "auditor" };

const char *
auth_role_name(int r)
{
	if (r < ROLE_ADMIN || r > ROLE_AUDITOR)
		return "none";
	return roles[r];
}

int
auth_role_parse(const char *s)
{
	int	 i;

	for (i = ROLE_ADMIN; i <= ROLE_AUDITOR; i++)
		if (strcmp(s, roles[i]) == 0)
			return i;
	return -1;
}

static void
auth_hash(const char *secret, unsigned char out[32])
{
	unsigned int	 len = 32;

	if (EVP_Digest(secret, strlen(secret), out, &len, EVP_sha256(), NULL)
	    != 1)
		fatalx("%s: EVP_Digest", __func__);
}

int
auth_token_create(struct store *s, int role, const char *scope,
    const char *name, char **secret, int64_t *id, char *err, size_t errlen)
{
	static const char sql[] = "INSERT INTO tokens (hash, role, scope,"
	    " name, created_at) VALUES (?1, ?2, nullif(?3, ''), ?4, ?5)";
	unsigned char	 rnd[20], h[32];
	struct area	 a;
	sqlite3_stmt	*st;
	char		*tok;
	size_t		 i;
	int		 rc;

	*secret = NULL;
	if (role < ROLE_ADMIN || role > ROLE_AUDITOR) {
		snprintf(err, errlen, "unknown role");
		return -1;
	}
	if (scope == NULL)
		scope = "";
	if (scope[0] != '\0') {
		if ((rc = area_get(s, scope, &a)) != 0) {
			snprintf(err, errlen, rc == 1 ? "unknown area %s" :
			    "store error looking up %s", scope);
			return -1;
		}
		area_clear(&a);
	}
	if (name == NULL)
		name = "";
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		snprintf(err, errlen, "getrandom failed");
		return -1;
	}
	tok = xmalloc(TOKEN_LEN + 1);
	memcpy(tok, "sk_", 3);
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(tok + 3 + 2 * i, 3, "%02x", rnd[i]);
	auth_hash(tok, h);
	if ((st = store_prepare(s, sql)) == NULL)
		goto fail;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_STATIC);
	sqlite3_bind_text(st, 2, roles[role], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, store_now());
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		goto fail;
	*id = sqlite3_last_insert_rowid(store_db(s));
	*secret = tok;
	return 0;
fail:
	snprintf(err, errlen, "store: %s", sqlite3_errmsg(store_db(s)));
	free(tok);
	return -1;
}

int
auth_token_check(struct store *s, const char *secret, struct token *t)
{
	static const char sql[] = "SELECT id, role, coalesce(scope, ''),"
	    " name FROM tokens WHERE hash = ?1 AND revoked_at IS NULL";
	unsigned char	 h[32];
	sqlite3_stmt	*st;
	size_t		 i;
	int		 rc;

	memset(t, 0, sizeof(*t));
	if (strlen(secret) != TOKEN_LEN || strncmp(secret, "sk_", 3) != 0)
		return 1;
	for (i = 3; i < TOKEN_LEN; i++)
		if (!((secret[i] >= '0' && secret[i] <= '9') ||
		    (secret[i] >= 'a' && secret[i] <= 'f')))
			return 1;
	auth_hash(secret, h);
	if ((st = store_prepare(s, sql)) == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, h, sizeof(h), SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t->id = sqlite3_column_int64(st, 0);
		t->role = auth_role_parse((const char *)
		    sqlite3_column_text(st, 1));
		strlcpy_sk(t->scope, (const char *)sqlite3_column_text(st, 2),
		    sizeof(t->scope));
		strlcpy_sk(t->name, (const char *)sqlite3_column_text(st, 3),
		    sizeof(t->name));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	log_warnx("%s: %s", __func__, sqlite3_errmsg(store_db(s)));
	return -1;
}

int
auth_scope_allows(struct store *s, const struct token *t, const char *code)
{
	struct area	 a;
	int		 rc;

	if (t->scope[0] == '\0') {
		if ((rc = area_get(s, code, &a)) == 0)
			area_clear(&a);
		return rc == 0 ? 1 : -1;
	}
	return area_contains(s, t->scope, code);
}

int
audit_log(struct store *s, int64_t token_id, const char *action,
    const char *areas, const char *detail)
{
	static const char sql[] = "INSERT INTO audit (at_ms, token_id,"
	    " action, areas, detail) VALUES (?1, nullif(?2, 0), ?3, ?4, ?5)";
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_prepare(s, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, store_now_ms());
	sqlite3_bind_int64(st, 2, token_id);
	sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, areas ? areas : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, detail ? detail : "{}", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("%s: %s", __func__, sqlite3_errmsg(store_db(s)));
		return -1;
	}
	return 0;
}
