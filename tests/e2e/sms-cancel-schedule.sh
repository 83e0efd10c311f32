#!/usr/bin/env bash
# sms-cancel-schedule.sh: stopping and timing alerts, at a low [kannel]
# rate (20/s) through real Kannel.
#  - cancel mid-broadcast: the answer's "stopped" plus what fakesmsc
#    received is the whole alert; after the cancel at most the window of
#    in-flight requests still arrives, then nothing; a second cancel 409.
#  - scheduled start (starts_at 3 s ahead, RFC 3339 with +06:00): status
#    "scheduled" and nothing at fakesmsc before then, everything after.
#  - expiry (expires_at 2 s ahead; 200 messages would need 10 s): sending
#    stops at expires_at, status "expired", the rest counted as expired
#    (totals and metrics), nothing after.
set -u
. "$top_srcdir/tests/lib/common.sh"

sk_need_kannel_suite

RATE=20
WINDOW=10
N_A=500		# cancelled, Kutubdia (202245)
N_B=20		# scheduled, union 20229010
N_C=200		# expires, union 40878630
T_A='Cancel test: evacuation drill at the school today.'
T_B='Scheduled: shelter inspection starts now.'
T_C='Expiring: relief boats leave at noon, be at the jetty.'

sk_start_sms "$RATE" "$WINDOW"
sk_import_split_recipients 21 "$N_A" 20229010 "$N_B" 40878630 "$N_C"

# count TEXT: messages with TEXT fakesmsc printed so far.
count() {
	# shellcheck disable=SC2046 # one argument per log file
	grep -hcF -- "$1>" $(sk_fake_logs) 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'
}
# shellcheck disable=SC2317 # called through sk_wait_until
count_at_least() { [ "$(count "$1")" -ge "$2" ]; }
# arrivals TEXT: epoch seconds of each fakesmsc line with TEXT.
arrivals() {
	# shellcheck disable=SC2046
	grep -hF -- "$1>" $(sk_fake_logs) | cut -c1-19 | while read -r d t; do
		date -d "$d $t" +%s
	done
}
# quiet_for SECONDS TEXT N: the count of TEXT stays N for SECONDS (a
# bounded watch: fails as soon as one more arrives).
# shellcheck disable=SC2317 # called through ok
quiet_for() {
	! sk_wait_until "$1" "" -- count_at_least "$2" $(($3 + 1))
}
# post JSON: POST /api/v1/alerts; sets AID.
post() {
	sk_req POST /api/v1/alerts -d "$1"
	AID=$(sk_jq .id)
}

# --- cancel mid-broadcast ------------------------------------------------------
post "{\"kind\":\"warning\",\"areas\":[\"202245\"],\"text_en\":\"$T_A\"}"
is "$CODE:$(sk_jq .messages)" "201:$N_A" "alert A: $N_A messages"
A=$AID
require "alert A is going out" sk_wait_until 20 "$SK_SANKETD_PID" -- count_at_least "$T_A" 40
sk_req POST "/api/v1/alerts/$A/cancel"
c_cancel=$(count "$T_A")
is "$CODE:$(sk_jq .status):$(sk_jq .id)" "200:cancelled:$A" "cancel: 200, cancelled"
stopped=$(sk_jq .stopped)
ok "cancel stopped the queued messages ($stopped of $N_A)" \
    test "$stopped" -gt $((N_A / 2)) -a "$stopped" -lt "$N_A"
ok "alert A settles" sk_wait_until 10 "" -- sk_alert_settled "$A"
ok "fakesmsc gets the in-flight rest" sk_wait_until 10 "" -- \
    count_at_least "$T_A" $((N_A - stopped))
ok "then nothing more arrives for 2 s" quiet_for 2 "$T_A" $((N_A - stopped))
got=$(count "$T_A")
is "$((got + stopped))" "$N_A" "stopped + received by fakesmsc = $N_A"
ok "after the cancel answer at most the window arrived ($((got - c_cancel)) <= $WINDOW)" \
    test $((got - c_cancel)) -le "$WINDOW"
sk_req GET "/api/v1/alerts/$A"
is "$(sk_jq .status)" cancelled "status cancelled"
is "$(sk_jq .totals.cancelled)" "$stopped" "totals.cancelled = stopped"
is "$(sk_jq '.totals.queued + .totals.submitting')" 0 "nothing queued or in flight"
is "$(sk_jq '.totals.submitted + .totals.no_report + .totals.delivered + .totals.failed')" \
    "$got" "the rest was handed to Kannel"
is "$(sk_jq '[.unions[].cancelled] | add')" "$stopped" "per union cancelled adds up"
like "$(sk_jq .cancelled_at)" '^[0-9]+$' "cancelled_at set"
sk_req POST "/api/v1/alerts/$A/cancel"
is "$CODE:$(sk_jq .error.code)" 409:E_STATE "cancel again: 409 E_STATE"
sk_req POST /api/v1/alerts/999999/cancel
is "$CODE" 404 "cancel an unknown alert: 404"
sk_req GET /api/v1/audit
is "$(sk_jq "[.entries[] | select(.action == \"alert.cancel\") | .detail.stopped] | join(\",\")")" \
    "$stopped" "one audit entry alert.cancel with the count stopped"

# --- scheduled start ----------------------------------------------------------------
starts=$(($(date +%s) + 3))
starts_rfc=$(TZ=Asia/Dhaka date -d "@$starts" +%Y-%m-%dT%H:%M:%S+06:00)
post "{\"kind\":\"relief_notice\",\"areas\":[\"20229010\"],\"text_en\":\"$T_B\",\"starts_at\":\"$starts_rfc\"}"
is "$CODE:$(sk_jq .status):$(sk_jq .messages)" "201:scheduled:$N_B" \
    "alert B with starts_at $starts_rfc: 201 scheduled"
B=$AID
sk_req GET "/api/v1/alerts/$B"
is "$(sk_jq .status):$(sk_jq .starts_at):$(sk_jq .totals.queued)" "scheduled:$starts:$N_B" \
    "GET: scheduled, starts_at as epoch, all queued"
# Counted inside the window only: a count taken after the loop may land
# after starts_at on a loaded machine, when B is rightly on its way.
early=0 seen=0
while [ "$(sk_now_ms)" -lt $((starts * 1000 - 200)) ]; do
	seen=$(count "$T_B")
	[ "$seen" = 0 ] || { early=1; break; }
	sleep 0.1
done
is "$early:$seen" 0:0 "nothing of alert B at fakesmsc before starts_at"
ok "after starts_at all of alert B arrives" sk_wait_until 15 "$SK_SANKETD_PID" -- \
    count_at_least "$T_B" "$N_B"
first=$(arrivals "$T_B" | sort -n | head -n 1)
ok "its first message arrived at or after starts_at ($first >= $starts)" test "$first" -ge "$starts"
ok "alert B: all delivered" sk_wait_until 10 "" -- sk_alert_total_is "$B" delivered "$N_B"
sk_req GET "/api/v1/alerts/$B"
is "$(sk_jq .status)" "done" "alert B done"

# --- expiry --------------------------------------------------------------------------
expires=$(($(date +%s) + 2))
post "{\"kind\":\"warning\",\"areas\":[\"40878630\"],\"text_en\":\"$T_C\",\"expires_at\":$expires}"
is "$CODE:$(sk_jq .status):$(sk_jq .messages)" "201:queued:$N_C" "alert C expiring in 2 s"
C=$AID
if sk_wait_until 30 "$SK_SANKETD_PID" -- sk_alert_settled "$C"; then
	ok "alert C settles ($(($(sk_now_ms) - expires * 1000)) ms after expires_at)" true
else
	ok "alert C settles" false
fi
sk_req GET "/api/v1/alerts/$C"
is "$(sk_jq .status)" expired "status expired"
xp=$(sk_jq .totals.expired)
ok "the unsent rest is counted as expired ($xp)" test "$xp" -gt $((N_C / 2)) -a "$xp" -lt "$N_C"
is "$(sk_jq '.totals.submitted + .totals.no_report + .totals.delivered + .totals.failed + .totals.expired')" \
    "$N_C" "sent + expired = $N_C"
is "$(sk_jq '[.unions[].expired] | add')" "$xp" "per union expired adds up"
ok "fakesmsc has what was sent" sk_wait_until 10 "" -- count_at_least "$T_C" $((N_C - xp))
ok "and nothing more for 2 s" quiet_for 2 "$T_C" $((N_C - xp))
is "$(count "$T_C")" $((N_C - xp)) "received + expired = $N_C"
last=$(arrivals "$T_C" | sort -n | tail -n 1)
ok "nothing arrived after expires_at ($last <= $expires)" test "${last:-0}" -le "$expires"
is "$(sk_metric 'sanket_sms_total{outcome="expired"}')" "$xp" "metrics: expired outcomes = totals.expired"
sk_req POST "/api/v1/alerts/$C/cancel"
is "$CODE:$(sk_jq .error.code)" 409:E_STATE "cancel an expired alert: 409 E_STATE"

ok "sanketd still runs" sk_alive "$SK_SANKETD_PID"
done_testing
