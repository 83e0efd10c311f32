/*
 * test_auth.c: tokens (format, hashing, revocation), roles, and the area
 * scope rule: a token acts on its area and everything under it only.
 */
#include "config.h"

#include "auth.h"
#include "tap.h"
#include "test_fixture.h"

int
main(void)
{
	struct store	*s = fixture_open();
	struct token	 t;
	char		 err[256], *nat = NULL, *upz = NULL, *x = NULL;
	int64_t		 id, n = -1;
	size_t		 i;

	is_int(auth_role_parse("admin"), ROLE_ADMIN, "role admin");
	is_int(auth_role_parse("official"), ROLE_OFFICIAL, "role official");
	is_int(auth_role_parse("auditor"), ROLE_AUDITOR, "role auditor");
	is_int(auth_role_parse("root"), -1, "unknown role");

	ok(auth_token_create(s, ROLE_ADMIN, NULL, "boot", &nat, &id, err,
	    sizeof(err)) == 0, "national admin token");
	ok(nat && strlen(nat) == TOKEN_LEN && strncmp(nat, "sk_", 3) == 0,
	    "token looks like sk_ + 40 hex");
	store_int64(s, "SELECT count(*) FROM tokens WHERE length(hash) = 32",
	    &n);
	is_int(n, 1, "stored as a 32-byte hash");
	{
		sqlite3_stmt	*st;
		int		 plain = 0;

		sqlite3_prepare_v2(store_db(s), "SELECT count(*) FROM tokens "
		    "WHERE instr(hash, ?1) OR name = ?1", -1, &st, NULL);
		sqlite3_bind_text(st, 1, nat + 3, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			plain = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		is_int(plain, 0, "the secret itself is not stored");
	}
	ok(auth_token_create(s, ROLE_OFFICIAL, "202245", "Kutubdia PIO", &upz,
	    &id, err, sizeof(err)) == 0, "upazila-scoped official token");
	ok(auth_token_create(s, ROLE_OFFICIAL, "999", "", &x, &id, err,
	    sizeof(err)) == -1 && strstr(err, "unknown area"), "scope must "
	    "exist: %s", err);
	ok(strcmp(nat, upz) != 0, "tokens differ");

	is_int(auth_token_check(s, nat, &t), 0, "national token valid");
	is_int(t.role, ROLE_ADMIN, "its role");
	is_str(t.scope, "", "its scope is national");
	is_int(auth_token_check(s, upz, &t), 0, "scoped token valid");
	is_str(t.scope, "202245", "its scope");
	is_str(t.name, "Kutubdia PIO", "its name");

	{
		const char *inval[] = { "", "sk_", "Bearer x", "sk_XYZ",
		    "sk_0000000000000000000000000000000000000000",
		    "sk_000000000000000000000000000000000000000G" };
		for (i = 0; i < sizeof(inval) / sizeof(inval[0]); i++)
			is_int(auth_token_check(s, inval[i], &t), 1,
			    "refused token \"%s\"", inval[i]);
	}
	{
		char	 alt[TOKEN_LEN + 1];

		memcpy(alt, nat, sizeof(alt));
		alt[TOKEN_LEN - 1] = alt[TOKEN_LEN - 1] == 'a' ? 'b' : 'a';
		is_int(auth_token_check(s, alt, &t), 1, "one digit off "
		    "refused");
	}

	auth_token_check(s, upz, &t);
	is_int(auth_scope_allows(s, &t, "202245"), 1, "scope allows itself");
	is_int(auth_scope_allows(s, &t, "20224510"), 1, "and its union");
	is_int(auth_scope_allows(s, &t, "20229010"), 0, "not a sibling "
	    "upazila's union");
	is_int(auth_scope_allows(s, &t, "2022"), 0, "not its district");
	is_int(auth_scope_allows(s, &t, "10096510"), 0, "not another "
	    "division");
	is_int(auth_scope_allows(s, &t, "nope"), -1, "unknown area");
	auth_token_check(s, nat, &t);
	is_int(auth_scope_allows(s, &t, "10096510"), 1, "national allows "
	    "any area");
	is_int(auth_scope_allows(s, &t, "nope"), -1, "national: unknown "
	    "area");

	ok(sqlite3_exec(store_db(s), "UPDATE tokens SET revoked_at = 1 WHERE "
	    "scope = '202245'", NULL, NULL, NULL) == SQLITE_OK, "revoke");
	is_int(auth_token_check(s, upz, &t), 1, "revoked token refused");

	ok(audit_log(s, 1, "test.action", "202245", "{\"k\":1}") == 0,
	    "audit row");
	ok(audit_log(s, 0, "token.create", NULL, NULL) == 0, "local audit "
	    "row");
	n = -1;
	store_int64(s, "SELECT count(*) FROM audit WHERE token_id IS NULL AND "
	    "action = 'token.create' AND detail = '{}'", &n);
	is_int(n, 1, "local action has no token id");

	free(nat);
	free(upz);
	free(x);
	fixture_close(s);
	return done_testing();
}
