#!/usr/bin/env bash
# sms-crash.sh: kill -9 of sanketd mid-broadcast, then a restart on the
# same configuration and database.  At [kannel] rate 400/s, window 16, a
# warning to 2000 people is killed after about 400 have gone out.  The
# rows left in "submitting" (at most 2 x window plus the answers of the
# last commit interval: campaigns/dispatch.c) are exactly the possible
# duplicates: the restarted daemon requeues them and exports their number
# as sanket_sms_possible_duplicates.  In the end every recipient got the
# warning, duplicates at fakesmsc <= that metric <= that bound, and every
# message is delivered (the DLRs of the killed daemon's last submissions
# come back through smsbox's http-request-retry).
set -u
. "$top_srcdir/tests/lib/common.sh"

sk_need_kannel_suite

RATE=400
WINDOW=16
N=2000
T='Crash test: cyclone signal 9, move to the shelter.'

sk_start_sms "$RATE" "$WINDOW"
sk_gen_recipients "$N" 31 20224910 20224920 20224930 20224940 >"$SK_TMP/recipients.csv"
sk_req POST /api/v1/recipients --data-binary @"$SK_TMP/recipients.csv"
is "$CODE:$(sk_jq .created)" "200:$N" "$N recipients imported"

sk_req POST /api/v1/alerts -d "{\"kind\":\"warning\",\"areas\":[\"202249\"],\"text_en\":\"$T\"}"
is "$CODE:$(sk_jq .messages)" "201:$N" "warning to $N recipients"
ID=$(sk_jq .id)
require "the broadcast is under way" sk_wait_until 20 "$SK_SANKETD_PID" -- \
    sk_fake_count_at_least 400

kill -KILL "$SK_SANKETD_PID"
ok "kill -9 sanketd" sk_wait_exit "$SK_SANKETD_PID" 5
wait "$SK_SANKETD_PID" 2>/dev/null
at_kill=$(sk_fake_count)
inflight=$(sk_db "SELECT count(*) FROM messages WHERE alert_id = $ID AND state = 1")
queued=$(sk_db "SELECT count(*) FROM messages WHERE alert_id = $ID AND state = 0")
diag "at the kill: fakesmsc $at_kill, submitting $inflight, queued $queued"
# The bound (campaigns/dispatch.c): two per connection (one at Kannel,
# one queued behind it) plus answers of the last commit interval (5 ms).
BOUND=$((2 * WINDOW + RATE * 5 / 1000 + 1))
ok "rows left in submitting: $inflight <= 2 x window + rate x 5 ms = $BOUND" test "$inflight" -le "$BOUND"
ok "and the broadcast was not finished ($queued queued)" test "$queued" -gt 0

require "sanketd restarts on the same config and database" sk_restart_sanketd
ok "the log says in-flight messages are sent again" \
    grep -q 'in flight at the last stop.*possible duplicates' "$SK_TMP/sanketd.log"
dups_metric=$(sk_metric sanket_sms_possible_duplicates)
is "$dups_metric" "$inflight" "sanket_sms_possible_duplicates = the submitting rows"

if sk_wait_until 40 "$SK_SANKETD_PID" -- sk_alert_settled "$ID"; then
	ok "the alert settles after the restart" true
else
	ok "the alert settles after the restart" false
fi
# Delivery reports are answered at once and committed within the group
# commit interval, and smsbox retries a refused callback only 3 times a
# second apart: reports for the last messages before the kill can be lost
# (docs/api.md).  Those messages stay "submitted" (later "no_report"):
# a reporting gap, never a lost message.
delivered_all() {
	sk_req GET "/api/v1/alerts/$ID"
	[ "$(sk_jq '.totals.delivered + .totals.submitted + .totals.no_report')" = "$N" ] &&
	    [ "$(sk_jq .totals.delivered)" -ge $((N - 2 * BOUND)) ]
}
ok "every message delivered or awaiting its report, none lost" \
    sk_wait_until 20 "" -- delivered_all
diag "delivered $(sk_jq .totals.delivered), awaiting a report $(sk_jq '.totals.submitted + .totals.no_report')"
sk_req GET "/api/v1/alerts/$ID"
is "$(sk_jq '[.totals.failed, .totals.cancelled, .totals.queued, .totals.submitting] | join(" ")')" \
    "0 0 0 0" "nothing failed, cancelled, queued or in flight"
ok "fakesmsc printed at least $N" sk_wait_until 10 "" -- sk_fake_count_at_least "$N"
sk_fake_msgs >"$SK_TMP/got"
sk_db "SELECT msisdn FROM recipients ORDER BY msisdn" >"$SK_TMP/want.nums"
cut -f1 "$SK_TMP/got" | sort -u >"$SK_TMP/got.nums"
is "$(comm -3 "$SK_TMP/want.nums" "$SK_TMP/got.nums" | wc -l)" 0 \
    "every recipient received the warning (and nobody else)"
is "$(awk -F'\t' -v t="$T" '$2 != t' "$SK_TMP/got" | wc -l)" 0 "every text exact"
total=$(wc -l <"$SK_TMP/got")
dups=$((total - $(wc -l <"$SK_TMP/got.nums")))
diag "fakesmsc: $total messages, $dups duplicates"
ok "duplicates $dups <= $BOUND" test "$dups" -le "$BOUND"
ok "duplicates $dups <= sanket_sms_possible_duplicates $dups_metric" test "$dups" -le "$dups_metric"
is "$(sk_metric sanket_sms_possible_duplicates)" "$dups_metric" "the metric stays after the resend"
ok "nothing more arrives for 2 s" \
    eval "! sk_wait_until 2 '' -- sk_fake_count_at_least $((total + 1))"

ok "sanketd still runs" sk_alive "$SK_SANKETD_PID"
done_testing
