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

	/*
	 * 4: replies and relief (campaigns/inbound.c, relief.c,
	 * grievance.c).
	 *
	 * messages is rebuilt: a message no longer needs an alert or a
	 * registered recipient (answers to replies, relief notices with
	 * their code, grievance resolutions carry their own msisdn and
	 * text), and a warning's rows carry its confirmation window so a
	 * "confirm" finds the latest open one through a small partial index.
	 *
	 * receipts is append-only (triggers) and hash-chained per union:
	 * hash = SHA-256 over the previous entry's hash and this entry's
	 * content (campaigns/relief-chain.c defines the exact bytes).  The
	 * triggers stop the application, not someone with the file: that
	 * is what the chain is for.
	 */
	"CREATE TABLE messages4 ("
	"  id INTEGER PRIMARY KEY,"
	"  alert_id INTEGER REFERENCES alerts(id),"	/* NULL: origin */
	"  recipient_id INTEGER,"		/* NULL: unregistered */
	"  union_code TEXT,"
	"  lang TEXT NOT NULL,"
	"  channel TEXT NOT NULL DEFAULT 'sms',"
	"  priority INTEGER NOT NULL,"
	"  state INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL,"
	"  parts INTEGER NOT NULL,"
	"  dlr INTEGER,"
	"  reason TEXT,"
	"  submitted_at INTEGER,"
	"  done_at INTEGER,"
	"  confirmed_at INTEGER,"
	"  confirm_ms INTEGER,"			/* window from submission */
	"  origin TEXT NOT NULL DEFAULT 'alert' CHECK (origin IN ('alert',"
	"    'reply', 'relief', 'grievance')),"
	"  msisdn TEXT,"			/* NULL: the recipient's */
	"  text TEXT"				/* NULL: the alert's, in lang */
	");"
	"INSERT INTO messages4 (id, alert_id, recipient_id, union_code, lang,"
	"  channel, priority, state, attempts, next_at, parts, dlr, reason,"
	"  submitted_at, done_at, confirmed_at, confirm_ms)"
	"  SELECT m.id, m.alert_id, m.recipient_id, m.union_code, m.lang,"
	"  m.channel, m.priority, m.state, m.attempts, m.next_at, m.parts,"
	"  m.dlr, m.reason, m.submitted_at, m.done_at, m.confirmed_at,"
	"  CASE WHEN a.kind = 'warning' THEN a.confirm_within * 1000 END"
	"  FROM messages m JOIN alerts a ON a.id = m.alert_id;"
	"DROP TABLE messages;"
	"ALTER TABLE messages4 RENAME TO messages;"
	"CREATE INDEX messages_due ON messages(priority, next_at)"
	"  WHERE state = 0;"
	"CREATE INDEX messages_alert ON messages(alert_id, union_code, state,"
	"  parts);"
	"CREATE INDEX messages_confirm ON messages(recipient_id)"
	"  WHERE confirm_ms IS NOT NULL;"

	/* Every MO as it came (text: the bytes Kannel passed, perhaps not
	 * UTF-8), then what it meant and what was done. */
	"CREATE TABLE inbound ("
	"  id INTEGER PRIMARY KEY,"
	"  at_ms INTEGER NOT NULL,"
	"  kannel_id TEXT,"			/* %I: a retried callback */
	"  sender TEXT NOT NULL,"		/* %p as given */
	"  msisdn TEXT,"			/* E.164; NULL: not a number */
	"  to_addr TEXT,"			/* %P */
	"  smsc TEXT,"				/* %i */
	"  coding INTEGER,"			/* %c */
	"  charset TEXT,"			/* %C */
	"  text BLOB NOT NULL,"
	"  recipient_id INTEGER,"
	"  union_code TEXT,"
	"  lang TEXT,"				/* of the answer */
	"  intent TEXT,"			/* NULL until parsed */
	"  arg TEXT,"
	"  outcome TEXT,"			/* what was done */
	"  duplicate_of INTEGER,"
	"  reply_id INTEGER"			/* messages.id */
	");"
	"CREATE INDEX inbound_kannel ON inbound(kannel_id)"
	"  WHERE kannel_id IS NOT NULL;"
	"CREATE INDEX inbound_msisdn ON inbound(msisdn, at_ms);"
	"CREATE INDEX inbound_at ON inbound(at_ms);"

	"CREATE TABLE distributions ("
	"  id INTEGER PRIMARY KEY,"
	"  union_code TEXT NOT NULL REFERENCES areas(code),"
	"  programme TEXT NOT NULL,"		/* "VGF", "GR", "OMS", "cash" */
	"  item TEXT NOT NULL,"			/* "rice" */
	"  unit TEXT NOT NULL DEFAULT '',"	/* "kg" */
	"  quantity INTEGER NOT NULL CHECK (quantity > 0),"	/* each */
	"  place TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"		/* hand-out time, s */
	"  alert_id INTEGER REFERENCES alerts(id),"	/* the notice */
	"  token_id INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  entitlements INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX distributions_union ON distributions(union_code);"
	"CREATE TABLE entitlements ("
	"  id INTEGER PRIMARY KEY,"
	"  distribution_id INTEGER NOT NULL REFERENCES distributions(id),"
	"  recipient_id INTEGER NOT NULL REFERENCES recipients(id),"
	"  msisdn TEXT NOT NULL,"		/* the owner, bound at issue */
	"  code TEXT NOT NULL,"			/* 6 digits, CSPRNG */
	"  quantity INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN"
	"    ('pending', 'received', 'short', 'disputed')),"
	"  received_qty INTEGER,"
	"  received_at INTEGER,"		/* ms */
	"  channel TEXT,"			/* sms, api, ivr */
	"  message_id INTEGER,"			/* the notice */
	"  UNIQUE (distribution_id, code),"
	"  UNIQUE (distribution_id, recipient_id)"
	");"
	"CREATE INDEX entitlements_code ON entitlements(code);"
	"CREATE TABLE receipts ("
	"  id INTEGER PRIMARY KEY,"
	"  union_code TEXT NOT NULL,"
	"  seq INTEGER NOT NULL,"		/* 1, 2, ... per union */
	"  distribution_id INTEGER NOT NULL,"
	"  entitlement_id INTEGER NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('received', 'disputed')),"
	"  quantity INTEGER,"			/* received */
	"  channel TEXT NOT NULL CHECK (channel IN ('sms', 'api', 'ivr')),"
	"  actor TEXT NOT NULL,"		/* msisdn, or "token:ID" */
	"  at_ms INTEGER NOT NULL,"
	"  raw TEXT NOT NULL,"			/* text, keys, officer's note */
	"  prev_hash TEXT NOT NULL,"		/* hex; 64 zeros first */
	"  hash TEXT NOT NULL,"
	"  UNIQUE (union_code, seq)"
	");"
	"CREATE TRIGGER receipts_no_update BEFORE UPDATE ON receipts"
	"  BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;"
	"CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts"
	"  BEGIN SELECT RAISE(ABORT, 'receipts are append-only'); END;"
	/* Codes tried by a number that does not own them, or unknown. */
	"CREATE TABLE code_attempts ("
	"  id INTEGER PRIMARY KEY,"
	"  at_ms INTEGER NOT NULL,"
	"  msisdn TEXT NOT NULL,"
	"  code TEXT NOT NULL,"
	"  channel TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"		/* "not_owner", "unknown" */
	"  entitlement_id INTEGER"
	");"
	"CREATE INDEX code_attempts_msisdn ON code_attempts(msisdn, at_ms);"

	"CREATE TABLE grievances ("
	"  id INTEGER PRIMARY KEY,"
	"  union_code TEXT,"			/* NULL: unregistered sender */
	"  msisdn TEXT NOT NULL,"
	"  recipient_id INTEGER,"
	"  channel TEXT NOT NULL CHECK (channel IN ('sms', 'ivr', 'api')),"
	"  category TEXT NOT NULL DEFAULT 'general',"	/* "relief" */
	"  text TEXT NOT NULL,"
	"  lang TEXT NOT NULL DEFAULT 'bn',"
	"  entitlement_id INTEGER REFERENCES entitlements(id),"
	"  inbound_id INTEGER REFERENCES inbound(id),"
	"  recording TEXT,"			/* WAV path, voice */
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open',"
	"    'resolved')),"
	"  created_at INTEGER NOT NULL,"	/* s */
	"  resolved_at INTEGER,"
	"  resolution TEXT,"
	"  resolved_by INTEGER,"		/* token id */
	"  message_id INTEGER"			/* the resolution SMS */
	");"
	"CREATE INDEX grievances_union ON grievances(union_code, status);",

	/*
	 * 5: call records (campaigns/calls.c, GET /api/v1/calls): one row
	 * per SIP call, hotline or callout, written once when it ends.
	 * Times in ms.  outcome is how the call went as a whole, end_reason
	 * who or what ended it (ivr_call_end_name), result the script's
	 * verdict ("confirmed", "receipt", "grievance", ...).
	 */
	"CREATE TABLE calls ("
	"  id INTEGER PRIMARY KEY,"
	"  call_id TEXT NOT NULL,"		/* SIP Call-ID */
	"  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),"
	"  msisdn TEXT,"			/* E.164; NULL: not a number */
	"  peer TEXT NOT NULL,"			/* SIP user part as given */
	"  recipient_id INTEGER,"
	"  union_code TEXT,"
	"  alert_id INTEGER,"
	"  message_id INTEGER,"			/* the callout's voice row */
	"  script TEXT NOT NULL CHECK (script IN ('hotline', 'callout')),"
	"  started_at INTEGER NOT NULL,"
	"  answered_at INTEGER,"		/* NULL: never answered */
	"  ended_at INTEGER NOT NULL,"
	"  outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'busy',"
	"    'no_answer', 'rejected', 'failed', 'no_ack')),"
	"  end_reason TEXT,"			/* ivr_call_end_name() */
	"  sip_code INTEGER,"
	"  digits TEXT NOT NULL DEFAULT '',"
	"  result TEXT NOT NULL DEFAULT '',"
	"  played_ms INTEGER NOT NULL DEFAULT 0,"
	"  played_full INTEGER NOT NULL DEFAULT 0,"	/* 1: played out */
	"  clip TEXT,"				/* path or "alert:N" */
	"  recording TEXT,"			/* WAV path */
	"  grievance_id INTEGER"
	");"
	"CREATE INDEX calls_started ON calls(started_at);"
	"CREATE INDEX calls_alert ON calls(alert_id);",

	/*
	 * 6: voice messages (ivr/voice.c).  An alert on the voice channel
	 * fans out into messages with channel 'voice' that the call-out
	 * dispatcher places as calls; the SMS dispatcher takes only 'sms'.
	 * The due index leads with the channel so each dispatcher scans its
	 * own rows.
	 */
	"DROP INDEX messages_due;"
	"CREATE INDEX messages_due ON messages(channel, priority, next_at)"
	"  WHERE state = 0;",

	/*
	 * 7: campaigns (campaigns/campaign.c, schedule.c, docs/campaigns.md) and
	 * the warning's follow-ups (campaigns/escalate.c).
	 *
	 * A campaign airs its spots to the recipients of its areas inside
	 * daily windows (Asia/Dhaka, "10:00-13:00,16:00-20:00") between
	 * starts_at and ends_at.  campaign_contacts is the plan: one row per
	 * person, ord its place in the even spread, next_at when its next
	 * airing is due.  Contact state: 0 waiting, 1 calling (claimed, the
	 * claim committed before the call is placed), 2 done (every airing
	 * made or given up), 3 stopped (cancelled, flight over, budget).
	 * aired counts answered airings; slot the airings used up (answered
	 * or given up); attempts the calls for the current one.
	 *
	 * Escalation: an SMS row of a warning with a confirmation window
	 * that failed, or was not confirmed in time, gets a voice row of the
	 * same alert; escalated_at marks the SMS row so it happens once.
	 * The partial index holds only the rows that may still escalate.
	 */
	"CREATE TABLE campaigns ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  channels TEXT NOT NULL,"		/* "call,hotline,sms" */
	"  starts_at INTEGER NOT NULL,"		/* s: the flight */
	"  ends_at INTEGER NOT NULL,"
	"  windows TEXT NOT NULL,"		/* "10:00-13:00,16:00-20:00" */
	"  per_day INTEGER NOT NULL CHECK (per_day > 0),"
	"  per_week INTEGER NOT NULL CHECK (per_week > 0),"
	"  airings INTEGER NOT NULL DEFAULT 1 CHECK (airings > 0),"
	"  budget INTEGER,"			/* calls; NULL: none */
	"  placed INTEGER NOT NULL DEFAULT 0,"	/* calls placed so far */
	"  audience INTEGER NOT NULL DEFAULT 0,"
	"  alert_id INTEGER REFERENCES alerts(id),"	/* the SMS teaser */
	"  token_id INTEGER,"
	"  created_at INTEGER NOT NULL,"
	"  cancelled_at INTEGER"
	");"
	"CREATE TABLE campaign_areas ("
	"  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
	"  code TEXT NOT NULL REFERENCES areas(code),"
	"  PRIMARY KEY (campaign_id, code)"
	") WITHOUT ROWID;"
	"CREATE TABLE campaign_spots ("
	"  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
	"  spot_id INTEGER NOT NULL REFERENCES spots(id),"
	"  weight INTEGER NOT NULL CHECK (weight > 0),"
	"  PRIMARY KEY (campaign_id, spot_id)"
	") WITHOUT ROWID;"
	"CREATE TABLE campaign_contacts ("
	"  campaign_id INTEGER NOT NULL,"
	"  recipient_id INTEGER NOT NULL,"
	"  ord INTEGER NOT NULL,"
	"  union_code TEXT NOT NULL,"
	"  state INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL,"		/* ms */
	"  slot INTEGER NOT NULL DEFAULT 0,"
	"  aired INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  last_aired_at INTEGER,"		/* ms */
	"  PRIMARY KEY (campaign_id, recipient_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX campaign_due ON campaign_contacts(campaign_id, next_at)"
	"  WHERE state = 0;"
	"ALTER TABLE calls ADD COLUMN campaign_id INTEGER;"
	"ALTER TABLE calls ADD COLUMN spot_id INTEGER;"
	"CREATE INDEX calls_campaign ON calls(campaign_id, union_code)"
	"  WHERE campaign_id IS NOT NULL;"

	"ALTER TABLE alerts ADD COLUMN escalate INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE alerts ADD COLUMN supersedes INTEGER;"	/* alert id */
	"ALTER TABLE alerts ADD COLUMN superseded_by INTEGER;"
	"ALTER TABLE alerts ADD COLUMN all_clear_id INTEGER;"	/* alert id */
	"ALTER TABLE messages ADD COLUMN escalated_at INTEGER;"	/* ms */
	"CREATE INDEX messages_escalate ON messages(alert_id, state,"
	"  submitted_at) WHERE confirm_ms IS NOT NULL AND channel = 'sms'"
	"  AND confirmed_at IS NULL AND escalated_at IS NULL;",

	/*
	 * 8: a campaign's status without reading its contacts or its calls
	 * (campaigns/campaign.c), so an officer's look at a campaign of a
	 * million people costs the event loop a few hundred rows.
	 *
	 * campaigns.pending counts the contacts still WAITING or CALLING
	 * (campaign-run.c keeps it as rows move to DONE or STOPPED).  A
	 * cancelled or finished campaign's waiting contacts are STOPPED a
	 * few dozen at a time by camp_sweep, not in one statement that
	 * would hold the loop for seconds; swept_at marks it done.
	 * campaign_unions holds each union's audience (written by the plan)
	 * and the people reached there; campaign_reach the call counters per
	 * union and spot ('' and 0: not known).  The trigger keeps both from
	 * the call records as they are written: a person counts as reached
	 * once per campaign (in the union of the first call that reached
	 * them) and once per spot, campaign_heard remembering whom (spot_id
	 * -1: any spot).  The rest of the statement fills all three for the
	 * campaigns already there, from the same rows the status read before.
	 */
	"ALTER TABLE campaigns ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE campaigns ADD COLUMN swept_at INTEGER;"	/* ms */
	"CREATE TABLE campaign_unions ("
	"  campaign_id INTEGER NOT NULL,"
	"  union_code TEXT NOT NULL,"
	"  audience INTEGER NOT NULL DEFAULT 0,"
	"  reached INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (campaign_id, union_code)"
	") WITHOUT ROWID;"
	"CREATE TABLE campaign_reach ("
	"  campaign_id INTEGER NOT NULL,"
	"  union_code TEXT NOT NULL,"
	"  spot_id INTEGER NOT NULL,"
	"  placed INTEGER NOT NULL DEFAULT 0,"		/* outbound calls */
	"  answered INTEGER NOT NULL DEFAULT 0,"
	"  reached INTEGER NOT NULL DEFAULT 0,"		/* people, per spot */
	"  full INTEGER NOT NULL DEFAULT 0,"		/* played to the end */
	"  listen_n INTEGER NOT NULL DEFAULT 0,"	/* answered, timed */
	"  listen_sum REAL NOT NULL DEFAULT 0,"		/* their shares */
	"  hotline_plays INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (campaign_id, union_code, spot_id)"
	") WITHOUT ROWID;"
	"CREATE TABLE campaign_heard ("
	"  campaign_id INTEGER NOT NULL,"
	"  who TEXT NOT NULL,"				/* msisdn, else peer */
	"  spot_id INTEGER NOT NULL,"
	"  PRIMARY KEY (campaign_id, who, spot_id)"
	") WITHOUT ROWID;"
	"CREATE TRIGGER calls_campaign_reach AFTER INSERT ON calls"
	"  WHEN NEW.campaign_id IS NOT NULL BEGIN"
	"  INSERT INTO campaign_reach (campaign_id, union_code, spot_id,"
	"    placed, answered, reached, full, listen_n, listen_sum,"
	"    hotline_plays)"
	"  SELECT NEW.campaign_id, coalesce(NEW.union_code, ''),"
	"    coalesce(NEW.spot_id, 0), NEW.direction = 'out',"
	"    NEW.direction = 'out' AND NEW.answered_at IS NOT NULL,"
	"    NEW.answered_at IS NOT NULL AND NEW.played_ms > 0 AND NOT EXISTS"
	"    (SELECT 1 FROM campaign_heard h WHERE"
	"    h.campaign_id = NEW.campaign_id AND"
	"    h.who = coalesce(NEW.msisdn, NEW.peer) AND"
	"    h.spot_id = coalesce(NEW.spot_id, 0)),"
	"    NEW.played_full != 0,"
	"    NEW.answered_at IS NOT NULL AND coalesce(sp.seconds, 0) > 0,"
	"    CASE WHEN NEW.answered_at IS NOT NULL AND sp.seconds > 0 THEN"
	"    min(1.0, NEW.played_ms / (sp.seconds * 1000.0)) ELSE 0 END,"
	"    NEW.direction = 'in'"
	"  FROM (SELECT 1) LEFT JOIN spots sp ON sp.id = NEW.spot_id WHERE 1"
	"  ON CONFLICT DO UPDATE SET placed = placed + excluded.placed,"
	"    answered = answered + excluded.answered,"
	"    reached = reached + excluded.reached, full = full + excluded.full,"
	"    listen_n = listen_n + excluded.listen_n,"
	"    listen_sum = listen_sum + excluded.listen_sum,"
	"    hotline_plays = hotline_plays + excluded.hotline_plays;"
	"  INSERT INTO campaign_unions (campaign_id, union_code, reached)"
	"  SELECT NEW.campaign_id, coalesce(NEW.union_code, ''),"
	"    NEW.answered_at IS NOT NULL AND NEW.played_ms > 0 AND NOT EXISTS"
	"    (SELECT 1 FROM campaign_heard h WHERE"
	"    h.campaign_id = NEW.campaign_id AND"
	"    h.who = coalesce(NEW.msisdn, NEW.peer) AND h.spot_id = -1)"
	"  WHERE 1 ON CONFLICT DO UPDATE SET reached = reached + excluded.reached;"
	"  INSERT OR IGNORE INTO campaign_heard (campaign_id, who, spot_id)"
	"  SELECT NEW.campaign_id, coalesce(NEW.msisdn, NEW.peer), s.column1"
	"  FROM (VALUES (-1), (coalesce(NEW.spot_id, 0))) s"
	"  WHERE NEW.answered_at IS NOT NULL AND NEW.played_ms > 0;"
	"  END;"
	/* The campaigns already there. */
	"UPDATE campaigns SET pending = (SELECT count(*) FROM"
	"  campaign_contacts cc WHERE cc.campaign_id = campaigns.id AND"
	"  cc.state IN (0, 1));"
	"INSERT INTO campaign_unions (campaign_id, union_code, audience)"
	"  SELECT campaign_id, union_code, count(*) FROM campaign_contacts"
	"  GROUP BY campaign_id, union_code;"
	"INSERT INTO campaign_reach SELECT c.campaign_id,"
	"  coalesce(c.union_code, ''), coalesce(c.spot_id, 0),"
	"  sum(c.direction = 'out'),"
	"  sum(c.direction = 'out' AND c.answered_at IS NOT NULL),"
	"  count(DISTINCT CASE WHEN c.answered_at IS NOT NULL AND"
	"  c.played_ms > 0 THEN coalesce(c.msisdn, c.peer) END),"
	"  sum(c.played_full != 0),"
	"  sum(c.answered_at IS NOT NULL AND coalesce(sp.seconds, 0) > 0),"
	"  total(CASE WHEN c.answered_at IS NOT NULL AND sp.seconds > 0 THEN"
	"  min(1.0, c.played_ms / (sp.seconds * 1000.0)) END),"
	"  sum(c.direction = 'in')"
	"  FROM calls c LEFT JOIN spots sp ON sp.id = c.spot_id"
	"  WHERE c.campaign_id IS NOT NULL GROUP BY 1, 2, 3;"
	"INSERT INTO campaign_unions (campaign_id, union_code, reached)"
	"  SELECT * FROM (SELECT campaign_id, coalesce(union_code, ''),"
	"  count(DISTINCT CASE WHEN answered_at IS NOT NULL AND played_ms > 0"
	"  THEN coalesce(msisdn, peer) END) FROM calls"
	"  WHERE campaign_id IS NOT NULL GROUP BY 1, 2) WHERE 1"
	"  ON CONFLICT DO UPDATE SET reached = excluded.reached;"
	"INSERT OR IGNORE INTO campaign_heard (campaign_id, who, spot_id)"
	"  SELECT campaign_id, coalesce(msisdn, peer), coalesce(spot_id, 0)"
	"  FROM calls WHERE campaign_id IS NOT NULL AND"
	"  answered_at IS NOT NULL AND played_ms > 0 UNION"
	"  SELECT campaign_id, coalesce(msisdn, peer), -1 FROM calls"
	"  WHERE campaign_id IS NOT NULL AND answered_at IS NOT NULL AND"
	"  played_ms > 0;",

	/*
	 * 9: messages rebuilt, as it was, but for two things that cost every
	 * inserted message (bench/mo.sh: an answer's insert took twice an
	 * inbound row's).
	 *
	 * The CHECK on origin is written as comparisons.  "origin IN (four
	 * strings)" in a CHECK made SQLite build and drop a temporary b-tree
	 * for every row (a constant IN list of more than two is a table, and
	 * in a CHECK it is not built once per statement).
	 *
	 * messages_alert (the per-alert, per-union status index) holds
	 * alerts' messages only.  Answers to replies, relief notices and
	 * grievance resolutions (alert_id NULL) were entries too, at the
	 * index's NULL end: one more index insert and page per answer, for
	 * no query (every query on it says alert_id = ?, which a partial
	 * index on alert_id IS NOT NULL serves).
	 */
	"CREATE TABLE messages8 ("
	"  id INTEGER PRIMARY KEY,"
	"  alert_id INTEGER REFERENCES alerts(id),"
	"  recipient_id INTEGER,"
	"  union_code TEXT,"
	"  lang TEXT NOT NULL,"
	"  channel TEXT NOT NULL DEFAULT 'sms',"
	"  priority INTEGER NOT NULL,"
	"  state INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL,"
	"  parts INTEGER NOT NULL,"
	"  dlr INTEGER,"
	"  reason TEXT,"
	"  submitted_at INTEGER,"
	"  done_at INTEGER,"
	"  confirmed_at INTEGER,"
	"  confirm_ms INTEGER,"
	"  origin TEXT NOT NULL DEFAULT 'alert' CHECK (origin = 'alert' OR"
	"    origin = 'reply' OR origin = 'relief' OR origin = 'grievance'),"
	"  msisdn TEXT,"
	"  text TEXT,"
	"  escalated_at INTEGER"
	");"
	"INSERT INTO messages8 (id, alert_id, recipient_id, union_code, lang,"
	"  channel, priority, state, attempts, next_at, parts, dlr, reason,"
	"  submitted_at, done_at, confirmed_at, confirm_ms, origin, msisdn,"
	"  text, escalated_at)"
	"  SELECT id, alert_id, recipient_id, union_code, lang, channel,"
	"  priority, state, attempts, next_at, parts, dlr, reason,"
	"  submitted_at, done_at, confirmed_at, confirm_ms, origin, msisdn,"
	"  text, escalated_at FROM messages;"
	"DROP TABLE messages;"
	"ALTER TABLE messages8 RENAME TO messages;"
	"CREATE INDEX messages_due ON messages(channel, priority, next_at)"
	"  WHERE state = 0;"
	"CREATE INDEX messages_alert ON messages(alert_id, union_code, state,"
	"  parts) WHERE alert_id IS NOT NULL;"
	"CREATE INDEX messages_confirm ON messages(recipient_id)"
	"  WHERE confirm_ms IS NOT NULL;"
	"CREATE INDEX messages_escalate ON messages(alert_id, state,"
	"  submitted_at) WHERE confirm_ms IS NOT NULL AND channel = 'sms'"
	"  AND confirmed_at IS NULL AND escalated_at IS NULL;",
};

const int store_nmigrations =
    sizeof(store_migrations) / sizeof(store_migrations[0]);
