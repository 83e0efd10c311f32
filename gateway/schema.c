/*
 * schema.c: numbered schema migrations.  store_migrations[i] brings the
 * database from PRAGMA user_version i to i + 1; each runs in its own
 * transaction.  Never edit a migration that has shipped: append a new one.
 *
 * Conventions: times are INTEGER seconds since the epoch (UTC) unless the
 * column says _ms; area codes are TEXT (BBS geocodes); msisdn is E.164.
 */
#include "config.h"

#include "store.h"

const char *const store_migrations[] = {
	/* 1: areas, recipients, tokens, audit log */
	"CREATE TABLE areas ("
	"  code TEXT PRIMARY KEY,"
	"  parent TEXT REFERENCES areas(code),"
	"  level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 4),"
	"  name_en TEXT NOT NULL,"
	"  name_bn TEXT NOT NULL,"
	"  path TEXT NOT NULL UNIQUE,"		/* "/10/1004/100409/" */
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE INDEX areas_parent ON areas(parent);"
	"CREATE INDEX areas_level_path ON areas(level, path);"
	"CREATE TABLE recipients ("
	"  id INTEGER PRIMARY KEY,"
	"  msisdn TEXT NOT NULL UNIQUE,"
	"  union_code TEXT NOT NULL REFERENCES areas(code),"
	"  lang TEXT NOT NULL CHECK (lang IN ('bn', 'en')),"
	"  channel TEXT NOT NULL CHECK (channel IN ('sms', 'voice', 'both')),"
	"  programmes TEXT NOT NULL DEFAULT '',"	/* "VGF;GR" */
	"  opted_out INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE INDEX recipients_union ON recipients(union_code);"
	"CREATE TABLE tokens ("
	"  id INTEGER PRIMARY KEY,"
	"  hash BLOB NOT NULL UNIQUE,"		/* SHA-256 of the token */
	"  role TEXT NOT NULL CHECK (role IN ('admin', 'official', 'auditor')),"
	"  scope TEXT REFERENCES areas(code),"	/* NULL = national */
	"  name TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  revoked_at INTEGER"
	");"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at_ms INTEGER NOT NULL,"
	"  token_id INTEGER,"			/* NULL = local, on the file */
	"  action TEXT NOT NULL,"		/* "areas.import" */
	"  areas TEXT NOT NULL DEFAULT '',"	/* codes acted on */
	"  detail TEXT NOT NULL DEFAULT '{}'"	/* JSON */
	");"
	"CREATE INDEX audit_at ON audit(at_ms);",
};

const int store_nmigrations =
    sizeof(store_migrations) / sizeof(store_migrations[0]);
