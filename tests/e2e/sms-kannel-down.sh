#!/usr/bin/env bash
# sms-kannel-down.sh: Kannel outages lose nothing.
#  - bearerbox stopped (SIGTERM: smsbox and fakesmsc exit too) in the
#    middle of a broadcast at [kannel] rate 100/s, for a few seconds, then
#    started again on the same ports: no message fails, every recipient
#    gets the warning at least once, the alert settles; /metrics counts
#    kannel_down outcomes and /healthz follows Kannel.
#  - smsbox killed (-9) mid-broadcast, bearerbox left running, smsbox
#    started again: the same.
#  - a broadcast posted while Kannel is not running at all stays queued
#    (nothing failed) and goes out once Kannel starts.
set -u
. "$top_srcdir/tests/lib/common.sh"

sk_need_kannel_suite

RATE=100
WINDOW=10
N_A=800		# Teknaf (202290): bearerbox stopped mid-way
N_B=200		# union 40870410: Kannel down before the POST
N_C=500		# Kutubdia (202245): smsbox killed mid-way
T_A='Outage test A: cyclone signal 8, secure your boats.'
T_B='Outage test B: shelters are open in Assasuni.'
T_C='Outage test C: storm surge expected tonight.'

sk_start_sms "$RATE" "$WINDOW"
sk_gen_recipients $((N_A + N_B + N_C)) 41 20229010 20229020 20229030 20229040 \
    20229050 20229060 |
    awk -F, -v OFS=, -v a="$N_A" -v b="$N_B" '
	NR > 1 + a + b { $2 = "202245" (NR % 6 + 1) "0" }
	NR > 1 + a && NR <= 1 + a + b { $2 = "40870410" }
	{ print }' >"$SK_TMP/recipients.csv"
sk_req POST /api/v1/recipients --data-binary @"$SK_TMP/recipients.csv"
is "$CODE:$(sk_jq .created)" "200:$((N_A + N_B + N_C))" "recipients imported"

# shellcheck disable=SC2317 # called through sk_wait_until
healthz_is() { [ "$(sk_healthz_field kannel)" = "$1" ]; }
down() { sk_metric 'sanket_sms_total{outcome="kannel_down"}'; }
# shellcheck disable=SC2317
down_at_least() { [ "$(down)" -ge "$1" ]; }
count() {
	# shellcheck disable=SC2046 # one argument per log file
	grep -hcF -- "$1>" $(sk_fake_logs) 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'
}
# shellcheck disable=SC2317
count_at_least() { [ "$(count "$1")" -ge "$2" ]; }
# served TEXT UNIONS-SQL-PATTERN: "missing duplicates" of the numbers that
# should have TEXT.
served() {
	sk_db "SELECT msisdn FROM recipients WHERE union_code LIKE '$2'
	    ORDER BY msisdn" >"$SK_TMP/want.nums"
	sk_fake_msgs | awk -F'\t' -v t="$1" '$2 == t { print $1 }' | sort >"$SK_TMP/got.all"
	sort -u "$SK_TMP/got.all" >"$SK_TMP/got.nums"
	echo "$(comm -23 "$SK_TMP/want.nums" "$SK_TMP/got.nums" | wc -l)" \
	    "$(($(wc -l <"$SK_TMP/got.all") - $(wc -l <"$SK_TMP/got.nums")))"
}
# check_alert ID N NAME: settled, nothing failed, every message handed to
# Kannel; diag the delivered count.
check_alert() {
	ok "$3: settles" sk_wait_until 30 "$SK_SANKETD_PID" -- sk_alert_settled "$1"
	sk_req GET "/api/v1/alerts/$1"
	is "$(sk_jq '[.status, .totals.failed, .totals.queued, .totals.submitting] | join(" ")')" \
	    "done 0 0 0" "$3: done, 0 failed"
	is "$(sk_jq '.totals.submitted + .totals.no_report + .totals.delivered')" "$2" \
	    "$3: all $2 accepted by Kannel"
	diag "$3: $(sk_jq .totals.delivered) delivered (DLR 1); DLRs pending in bearerbox are lost when it stops"
}

# --- bearerbox stopped mid-broadcast ------------------------------------------
ok "/healthz: kannel up" sk_wait_until 10 "" -- healthz_is up
sk_req POST /api/v1/alerts -d "{\"kind\":\"warning\",\"areas\":[\"202290\"],\"text_en\":\"$T_A\"}"
is "$CODE:$(sk_jq .messages)" "201:$N_A" "alert A: $N_A messages"
A=$(sk_jq .id)
require "alert A is going out" sk_wait_until 20 "$SK_SANKETD_PID" -- count_at_least "$T_A" 150
t0=$(sk_now_ms)
ok "SIGTERM to bearerbox: bearerbox, smsbox and fakesmsc exit" sk_stop_kannel 10
diag "Kannel stopped after $(count "$T_A") of alert A, in $(($(sk_now_ms) - t0)) ms"
ok "sanketd sees sendsms refused (kannel_down outcomes)" \
    sk_wait_until 10 "$SK_SANKETD_PID" -- down_at_least 1
ok "/healthz: kannel down" sk_wait_until 10 "" -- healthz_is down
ok "it keeps probing, with backoff (3 refusals)" \
    sk_wait_until 15 "$SK_SANKETD_PID" -- down_at_least 3
diag "Kannel down for $(($(sk_now_ms) - t0)) ms"
sk_req GET "/api/v1/alerts/$A"
is "$(sk_jq .totals.failed):$(sk_metric 'sanket_sms_total{outcome="failed"}')" "0:0" \
    "during the outage nothing failed"
ok "and alert A waits in the queue ($(sk_jq .totals.queued) queued)" test "$(sk_jq .totals.queued)" -gt 0
require "Kannel starts again on the same ports" sk_restart_kannel
ok "/healthz: kannel up again" sk_wait_until 10 "" -- healthz_is up
check_alert "$A" "$N_A" "alert A"
ok "fakesmsc got at least $N_A of alert A" sk_wait_until 10 "" -- count_at_least "$T_A" "$N_A"
read -r missing dups < <(served "$T_A" '202290%')
is "$missing" 0 "alert A: every recipient got it (duplicates: $dups)"
ok "alert A: duplicates ($dups) <= window" test "$dups" -le "$WINDOW"

# --- smsbox killed mid-broadcast ----------------------------------------------------
sk_req POST /api/v1/alerts -d "{\"kind\":\"warning\",\"areas\":[\"202245\"],\"text_en\":\"$T_C\"}"
is "$CODE:$(sk_jq .messages)" "201:$N_C" "alert C: $N_C messages"
C=$(sk_jq .id)
require "alert C is going out" sk_wait_until 20 "$SK_SANKETD_PID" -- count_at_least "$T_C" 100
d0=$(down)
kill -KILL "$SK_SMSBOX_PID"
ok "kill -9 smsbox" sk_wait_exit "$SK_SMSBOX_PID" 5
{ wait "$SK_SMSBOX_PID"; } 2>/dev/null
ok "sendsms refused: kannel_down outcomes" sk_wait_until 10 "$SK_SANKETD_PID" -- \
    down_at_least $((d0 + 2))
sk_spawn smsbox "$SK_KANNEL_DIR/smsbox-2.out" "$SK_SMSBOX" -v 1 "$SK_KANNEL_DIR/kannel.conf"
SK_SMSBOX_PID=$SK_PID
require "smsbox starts again" sk_wait_until 20 "$SK_SMSBOX_PID" -- sk_tcp_open "$SK_SENDSMS_PORT"
check_alert "$C" "$N_C" "alert C"
ok "fakesmsc got at least $N_C of alert C" sk_wait_until 10 "" -- count_at_least "$T_C" "$N_C"
read -r missing dups < <(served "$T_C" '202245%')
is "$missing" 0 "alert C: every recipient got it (duplicates: $dups)"
ok "alert C: duplicates ($dups) <= window" test "$dups" -le "$WINDOW"

# --- Kannel not running at all when the alert is posted ------------------------------
ok "Kannel stopped again" sk_stop_kannel 10
ok "/healthz: kannel down" sk_wait_until 10 "" -- healthz_is down
d0=$(down)
sk_req POST /api/v1/alerts -d "{\"kind\":\"warning\",\"areas\":[\"40870410\"],\"text_en\":\"$T_B\"}"
is "$CODE:$(sk_jq .messages)" "201:$N_B" "alert B posted while Kannel is down"
B=$(sk_jq .id)
ok "sendsms refused: kannel_down outcomes" sk_wait_until 10 "$SK_SANKETD_PID" -- \
    down_at_least $((d0 + 2))
sk_req GET "/api/v1/alerts/$B"
is "$(sk_jq '[.status, .totals.failed, .totals.queued + .totals.submitting] | join(" ")')" \
    "sending 0 $N_B" "alert B: sending, nothing failed, all still queued"
require "Kannel starts" sk_restart_kannel
check_alert "$B" "$N_B" "alert B"
ok "fakesmsc got all of alert B" sk_wait_until 10 "" -- count_at_least "$T_B" "$N_B"
read -r missing dups < <(served "$T_B" '40870410')
is "$missing:$dups" 0:0 "alert B: every recipient got it once"
ok "alert B: all delivered (DLR 1)" sk_wait_until 10 "" -- sk_alert_total_is "$B" delivered "$N_B"

is "$(sk_metric 'sanket_sms_total{outcome="failed"}')" 0 "metrics: nothing failed in all"
ok "metrics: kannel_down outcomes counted ($(down))" test "$(down)" -gt 0
ok "sanketd still runs" sk_alive "$SK_SANKETD_PID"
done_testing
