#!/bin/bash
# bench/broadcast.sh: one whole broadcast, start to finish: an alert to N
# recipients (default 1,000,000) through real bearerbox + smsbox +
# fakesmsc, until fakesmsc has every message and the delivery reports are
# in.  Measures sanketd's peak RSS over the whole broadcast (target
# <= 64 MB), the time to queue, the sustained rate, and the peak RSS of
# bearerbox and smsbox for scale.  The anchor is sanketd itself on the
# same database before the alert (recipients loaded, nothing queued): the
# ratio says what one broadcast of N adds.
#
#	bench/broadcast.sh [N] [WINDOW] [BUILDDIR]
#
# Defaults: 1000000, window 64, build/release.  Takes N / rate seconds
# (about 10 minutes for a million on 2 cores).
set -eu

n=${1:-1000000}
window=${2:-64}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${3:-$srcdir/build/release}
. "$srcdir/bench/lib.sh"
bench_setup "$builddir"
sk_start_kannel >&2 || { echo "Kannel did not start" >&2; exit 1; }
sk_conf_set kannel rate 100000
sk_conf_set kannel window "$window"
sk_start_sanketd >&2 || { echo "sanketd did not start" >&2; exit 1; }
sk_admin_token >&2
bench_recipients "$n" 11
rm -f "$SK_TMP/r.csv"

# The anchor: a fresh sanketd on the loaded database, warmed by a status
# call that reads the recipients.
sk_stop_sanketd >&2
sk_restart_sanketd >&2
curl -fsS -H "Authorization: Bearer $SANKET_TOKEN" "$SANKET_URL/api/v1/status" >/dev/null
rss() { awk '/VmHWM/ { print $2 / 1024 }' "/proc/$1/status"; }
idle=$(rss "$SK_SANKETD_PID")

got() { grep -c 'Got message' "$SK_FAKESMSC_LOG" 2>/dev/null || true; }
now() { date +%s.%N; }
text='ঘূর্ণিঝড় সতর্কতা: ১০ নম্বর মহাবিপদ সংকেত। এখনই আশ্রয়কেন্দ্রে যান।'
body=$(printf '{"kind":"warning","areas":["10","20","40"],"text_bn":"%s","text_en":"Cyclone warning: signal 10. Go to the shelter now."}' "$text")
t0=$(now)
curl -fsS -H "Authorization: Bearer $SANKET_TOKEN" -d "$body" "$SANKET_URL/api/v1/alerts" >"$SK_TMP/alert.json"
t_queue=$(echo "$(now) - $t0" | bc -l)
id=$(jq -r .id "$SK_TMP/alert.json")
queued=$(jq -r .messages "$SK_TMP/alert.json")
[ "$queued" = "$n" ] || { echo "queued $queued of $n" >&2; exit 1; }

end=$(($(date +%s) + n / 200 + 120))
while [ "$(got)" -lt "$n" ]; do
	[ "$(date +%s)" -lt "$end" ] || { echo "timed out at $(got) of $n" >&2; exit 1; }
	sleep 2
done
t_sent=$(echo "$(now) - $t0" | bc -l)
# The delivery reports: every message delivered in the database.
end=$(($(date +%s) + 300))
while :; do
	left=$(sqlite3 "$SK_TMP/sanket.db" "SELECT count(*) FROM messages WHERE alert_id = $id AND state <> 3")
	[ "$left" = 0 ] && break
	[ "$(date +%s)" -lt "$end" ] || { echo "$left messages without a delivery report" >&2; exit 1; }
	sleep 2
done
t_done=$(echo "$(now) - $t0" | bc -l)

printf 'bench/broadcast: one alert to %d recipients, window %d, real Kannel + fakesmsc\n' "$n" "$window"
printf '  queued (POST /api/v1/alerts)    %8.2f s\n' "$t_queue"
printf '  all at fakesmsc                 %8.2f s  %6.0f msg/s\n' "$t_sent" "$(echo "$n / $t_sent" | bc -l)"
printf '  all delivered (DLR 1 stored)    %8.2f s\n' "$t_done"
printf '  sanketd peak RSS: %.1f MB over the broadcast (target <= 64); anchor, idle on the same database: %.1f MB; ratio %.2f\n' \
    "$(rss "$SK_SANKETD_PID")" "$idle" "$(echo "$(rss "$SK_SANKETD_PID") / $idle" | bc -l)"
printf '  for scale: bearerbox %.1f MB, smsbox %.1f MB peak RSS\n' \
    "$(rss "$SK_BEARERBOX_PID")" "$(rss "$SK_SMSBOX_PID")"
