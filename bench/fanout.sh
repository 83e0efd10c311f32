#!/bin/bash
# bench/fanout.sh: queue one alert to N recipients (default 1,000,000):
# the time POST /api/v1/alerts takes to validate, resolve the areas to
# their unions and write one message row per recipient (target <= 3 s),
# and sanketd's peak RSS (target <= 64 MB).  The anchor is SQLite's own
# limit for the same rows: the same INSERT ... SELECT run by the sqlite3
# shell on a copy of the same database, in the same run.
#
#	bench/fanout.sh [N] [BUILDDIR]		(default 1000000, build/release)
set -eu

n=${1:-1000000}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${2:-$srcdir/build/release}
. "$srcdir/bench/lib.sh"
bench_setup "$builddir"
sk_write_conf		# sendsms_url points at a closed port: nothing leaves
sk_start_sanketd >&2
sk_admin_token >&2
bench_recipients "$n" 3
sqlite3 "$SK_TMP/sanket.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null

# anchor: the fan-out statement alone, in the sqlite3 shell, on a copy
sk_stop_sanketd >&2
cp "$SK_TMP/sanket.db" "$SK_TMP/anchor.db"
sk_start_sanketd >&2
t0=$(date +%s.%N)
sqlite3 "$SK_TMP/anchor.db" >/dev/null <<'SQL'
PRAGMA cache_size = -32768;
INSERT INTO alerts (kind, priority, text_en, starts_at, created_at) VALUES ('warning', 3, 'x', 0, 0);
CREATE TEMP TABLE fu (code TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO fu SELECT code FROM areas WHERE level = 4;
INSERT INTO messages (alert_id, recipient_id, union_code, lang, channel, priority, next_at, parts)
  SELECT 1, r.id, r.union_code, CASE WHEN r.lang = 'en' THEN 'en' ELSE 'bn' END, 'sms', 3, 0, 1
  FROM recipients r WHERE r.union_code IN (SELECT code FROM fu);
SQL
t_anchor=$(echo "$(date +%s.%N) - $t0" | bc -l)

t0=$(date +%s.%N)
curl -fsS -H "Authorization: Bearer $SANKET_TOKEN" \
    -d '{"kind":"warning","areas":["10","20","40"],"text_bn":"ঘূর্ণিঝড় সতর্কতা: ১০ নম্বর মহাবিপদ সংকেত।","text_en":"Cyclone warning: great danger signal 10."}' \
    "$SANKET_URL/api/v1/alerts" >"$SK_TMP/alert.json"
t_sanket=$(echo "$(date +%s.%N) - $t0" | bc -l)
queued=$(sed -n 's/.*"messages":\([0-9]*\).*/\1/p' "$SK_TMP/alert.json")
rss=$(awk '/VmHWM/ { print $2 / 1024 }' "/proc/$SK_SANKETD_PID/status")

printf 'bench/fanout: one alert to %d recipients (3 divisions, %s unions)\n' "$n" \
    "$(sqlite3 "$SK_TMP/sanket.db" 'SELECT count(*) FROM areas WHERE level = 4')"
printf '  anchor  sqlite3 shell, the INSERT ... SELECT alone   %5.2f s\n' "$t_anchor"
printf '  sanket  POST /api/v1/alerts (validate, resolve, fan out, audit, commit)  %5.2f s  (target <= 3 s), %s messages\n' "$t_sanket" "$queued"
printf '  ratio sanket / anchor: %.2f\n' "$(echo "$t_anchor / $t_sanket" | bc -l)"
printf '  sanketd peak RSS: %.1f MB (target <= 64 MB; sanketd restarted after the import)\n' "$rss"
