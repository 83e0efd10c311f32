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

	/*
	 * 2: alerts and their messages (one row per recipient x alert x
	 * channel).  Message state: 0 queued, 1 submitting, 2 submitted,
	 * 3 delivered, 4 failed, 5 cancelled, 6 expired (campaigns/dispatch.c
	 * draws the machine).  Times in ms.  The partial index holds only
	 * queued rows, so the dispatcher's "next due by priority" is a short
	 * range scan however large the history grows.
	 */
	"CREATE TABLE alerts ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK (kind IN ('warning', 'relief_notice',"
	"    'awareness')),"
	"  priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 3),"
	"  text_bn TEXT,"
	"  text_en TEXT,"
	"  channels TEXT NOT NULL DEFAULT 'sms',"
	"  confirm_within INTEGER,"		/* seconds */
	"  starts_at INTEGER NOT NULL,"		/* seconds */
	"  expires_at INTEGER,"			/* seconds */
	"  cancelled_at INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  token_id INTEGER,"
	"  messages INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE TABLE alert_areas ("
	"  alert_id INTEGER NOT NULL REFERENCES alerts(id),"
	"  code TEXT NOT NULL REFERENCES areas(code),"
	"  PRIMARY KEY (alert_id, code)"
	") WITHOUT ROWID;"
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY,"
	"  alert_id INTEGER NOT NULL REFERENCES alerts(id),"
	"  recipient_id INTEGER NOT NULL,"	/* its msisdn at send time */
	"  union_code TEXT NOT NULL,"
	"  lang TEXT NOT NULL,"			/* of the text sent */
	"  channel TEXT NOT NULL DEFAULT 'sms',"
	"  priority INTEGER NOT NULL,"
	"  state INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL,"		/* ms: due */
	"  parts INTEGER NOT NULL,"
	"  dlr INTEGER,"			/* last Kannel DLR status */
	"  reason TEXT,"
	"  submitted_at INTEGER,"		/* ms */
	"  done_at INTEGER,"			/* ms */
	"  confirmed_at INTEGER"		/* ms */
	");"
	"CREATE INDEX messages_due ON messages(priority, next_at)"
	"  WHERE state = 0;"
	"CREATE INDEX messages_alert ON messages(alert_id, union_code, state,"
	"  parts);"
	/* Fan-out reads recipients union by union: cover what it needs, so
	 * a national alert reads one index in order, not a million rows. */
	"DROP INDEX recipients_union;"
	"CREATE INDEX recipients_union ON recipients(union_code, opted_out,"
	"  lang);",

	/*
	 * 3: voice spots (audio/, POST /api/v1/spots): the upload as it came
	 * and its prepared G.711 cache, paths relative to the database's
	 * directory, with what was measured.  Loudness in LUFS, peak in dBTP.
	 */
	"CREATE TABLE spots ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  scope TEXT REFERENCES areas(code),"	/* NULL = national */
	"  token_id INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  source_sha256 TEXT NOT NULL,"
	"  source_format TEXT NOT NULL,"	/* "MP3/MPEG_LAYER_III" */
	"  source_rate INTEGER NOT NULL,"
	"  source_channels INTEGER NOT NULL,"
	"  source_bytes INTEGER NOT NULL,"
	"  source_seconds REAL NOT NULL,"
	"  clipped REAL NOT NULL DEFAULT 0,"	/* share at full scale */
	"  codec TEXT NOT NULL CHECK (codec IN ('ulaw', 'alaw')),"
	"  frames INTEGER NOT NULL,"		/* of 20 ms */
	"  seconds REAL NOT NULL,"
	"  target_lufs REAL NOT NULL,"
	"  lufs_before REAL NOT NULL,"
	"  lufs_after REAL NOT NULL,"
	"  true_peak REAL NOT NULL,"
	"  gain_db REAL NOT NULL,"
	"  original_path TEXT NOT NULL,"
	"  cache_path TEXT NOT NULL"
	");",
};

const int store_nmigrations =
    sizeof(store_migrations) / sizeof(store_migrations[0]);
