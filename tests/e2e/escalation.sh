#!/usr/bin/env bash
# escalation.sh: a warning that is not confirmed by SMS is called
# (docs/escalation.md), end to end: real Kannel (bearerbox, smsbox,
# fakesmsc) for the SMS and the replies, SIPp as the SIP trunk that
# answers the call-outs and presses 1, the test clock to end the window.
#
#	a warning with a 10-minute window to 5 people in two unions
#	    5's SMS is refused by Kannel (a black-list): called at once
#	    1 and 2 confirm by SMS reply: never called
#	    3 and 4 say nothing: called once the window is over (the clock
#	    moved 10 minutes on), answer and press 1
#	the status: per union who was reached by SMS, who by a call, how
#	    many escalated and confirmed, nobody unreached; one call each,
#	    call records, sanket_escalations_total
#	a warning cancelled while its call rings: the call is hung up at
#	    once (CANCEL), its record written, the message cancelled
set -u
. "$top_srcdir/tests/lib/common.sh"
command -v sipp >/dev/null 2>&1 || skip_all "sipp (sip-tester) is not installed"
[ -f /usr/share/sip-tester/dtmf_2833_1.pcap ] ||
    skip_all "SIPp's RFC 2833 pcaps are not installed"
sk_need_kannel_suite
T=$SK_TMP
U1=20224510
U2=20224520

TRUNK=$(sk_ports 1)
TRUNK=${TRUNK% }
# Kannel refuses number ...05 (smsbox answers 400 "denied by white-
# and/or black-lists"): a permanent failure for sanketd.
require "Kannel starts" sk_start_kannel
require "Kannel stops to be reconfigured" sk_stop_kannel
awk '{ print } /^group *= *sendsms-user/ { print "black-list-regex = \"000005$\"" }' \
    "$SK_KANNEL_DIR/kannel.conf" >"$T/kannel.conf.new" &&
    mv "$T/kannel.conf.new" "$SK_KANNEL_DIR/kannel.conf"
require "Kannel restarts with a black-list" sk_restart_kannel
require "voice configured, prompts rendered" sk_voice_conf
sk_conf_set gateway test_clock yes
sk_conf_set sip trunk "127.0.0.1:$TRUNK"
sk_conf_set sip channels 4
sk_conf_set sip ring_timeout 30
sk_conf_set ivr callout_attempts 2
sk_conf_set ivr callout_interval 1
require "sanketd starts with a trunk and the test clock" sk_start_sanketd
require "admin token" sk_admin_token

sk_req POST /api/v1/areas --data-binary @"$top_srcdir/etc/sample/areas.csv"
require "sample areas imported" test "$CODE" = 200
cat >"$T/recipients.csv" <<EOF
msisdn,union,lang,channel,programmes
01711000001,$U1,en,sms,
01711000002,$U1,bn,sms,
01711000003,$U1,en,sms,
01711000004,$U2,bn,sms,
01711000005,$U2,en,sms,
01711000006,10096510,bn,voice,
EOF
sk_req POST /api/v1/recipients --data-binary @"$T/recipients.csv"
is "$CODE:$(sk_jq .created)" "200:6" "6 recipients: 5 on SMS in Kutubdia, 1 on voice"
ln -sfn /usr/share/sip-tester "$T/pcap"

# trunk SCENARIO CALLS: SIPp plays the trunk for CALLS call-outs (in the
# background); TRUNK_PID.
trunk() {
	(cd "$T" && exec timeout 150 sipp -sf "$top_srcdir/tests/sipp/$1.xml" \
	    -i 127.0.0.1 -p "$TRUNK" -mi 127.0.0.1 -m "$2" -nostdin \
	    -timeout 140 >"$T/$1.sipp.log" 2>&1) &
	TRUNK_PID=$!
}
q() { sk_db "$1"; }
# calls ALERT: the recipients (last digit) with a voice row, in order.
calls() {
	q "SELECT group_concat(d, '') FROM (SELECT substr(r.msisdn, -1) AS d
	    FROM messages m JOIN recipients r ON r.id = m.recipient_id
	    WHERE m.alert_id = $1 AND m.channel = 'voice' ORDER BY d)"
}
answered() {	# answered ALERT N: N voice rows delivered
	[ "$(q "SELECT count(*) FROM messages WHERE alert_id = $1 AND
	    channel = 'voice' AND state = 3")" = "$2" ]
}
sms_settled() {	# sms_settled ALERT: 4 delivered, 1 failed
	[ "$(q "SELECT count(*) FROM messages WHERE alert_id = $1 AND
	    channel = 'sms' AND state IN (3, 4)")" = 5 ]
}

trunk callout-answer 3
sk_req POST /api/v1/alerts -H 'Content-Type: application/json' -d \
    "{\"kind\":\"warning\",\"areas\":[\"202245\"],\"confirm_within\":600,
      \"text_bn\":\"ঘূর্ণিঝড় সতর্কতা\",\"text_en\":\"Cyclone warning\"}"
is "$CODE:$(sk_jq .messages):$(sk_jq .escalate)" "201:5:true" \
    "a warning with a window: 5 SMS, escalates by default"
A=$(sk_jq .id)
ok "the SMS settle: 4 delivered, 1 refused" \
    sk_wait_until 30 "$SK_SANKETD_PID" -- sms_settled "$A"
like "$(q "SELECT state || ':' || reason FROM messages WHERE alert_id = $A AND
    channel = 'sms' AND recipient_id = (SELECT id FROM recipients WHERE
    msisdn = '+8801711000005')")" '^4:kannel 4[0-9]{2}: .*black-lists' \
    "5's SMS: refused by Kannel (black-list)"
ok "5 is called at once and answers" \
    sk_wait_until 40 "$SK_SANKETD_PID" -- answered "$A" 1
is "$(calls "$A")" 5 "within the window only the failed SMS is called"

for n in 1 2; do
	require "$n got the warning" sk_wait_mt "+880171100000$n" 1
done
ok "1 confirms by SMS" sk_mo +8801711000001 "YES"
ok "1 gets the answer" sk_wait_mt +8801711000001 2
ok "2 confirms by SMS" sk_mo +8801711000002 "1"
ok "2 gets the answer" sk_wait_mt +8801711000002 2
is "$(q "SELECT count(*) FROM messages WHERE alert_id = $A AND
    channel = 'sms' AND confirmed_at IS NOT NULL")" 2 "2 SMS confirmed"
is "$(calls "$A")" 5 "still only 5 called (3 and 4 are inside the window)"

sk_req POST /api/v1/clock -H 'Content-Type: application/json' \
    -d '{"advance_ms": 600000}'
is "$CODE" 200 "the test clock moves 10 minutes on: the window is over"
ok "3 and 4 are called, answer and press 1" \
    sk_wait_until 60 "$SK_SANKETD_PID" -- answered "$A" 3
wait "$TRUNK_PID"
is "$?" 0 "the trunk (SIPp) saw 3 answered calls"
is "$(calls "$A")" 345 "called: 3, 4, 5; never 1 and 2 (confirmed by SMS)"
is "$(q "SELECT count(*) FROM messages WHERE alert_id = $A AND
    channel = 'voice' AND confirmed_at IS NOT NULL")" 3 \
    "the 3 calls are confirmed by key 1"
is "$(q "SELECT count(*) FROM calls WHERE alert_id = $A AND outcome =
    'answered' AND result = 'confirmed'")" 3 "3 call records: answered, confirmed"

sk_req GET "/api/v1/alerts/$A"
is "$(sk_jq '[.totals.reached_sms, .totals.reached_voice, .totals.escalated,
    .totals.unreached, .totals.confirmed] | map(tostring) | join(" ")')" \
    "4 3 3 0 5" "totals: reached 4 by SMS, 3 by call; 3 escalated; 0 unreached; 5 confirmed"
is "$(sk_jq "[.unions[] | select(.code == \"$U1\") | .reached_sms, .reached_voice,
    .escalated, .unreached, .confirmed] | map(tostring) | join(\" \")")" \
    "3 1 1 0 3" "$U1: 3 by SMS, 1 by call (3), 1 escalated, 3 confirmed"
is "$(sk_jq "[.unions[] | select(.code == \"$U2\") | .reached_sms, .reached_voice,
    .escalated, .unreached, .confirmed] | map(tostring) | join(\" \")")" \
    "1 2 2 0 2" "$U2: 1 by SMS, 2 by call (4, 5), 2 escalated, 2 confirmed"
is "$(sk_metric sanket_escalations_total)" 3 "sanket_escalations_total 3"

is "$(q "SELECT count(*) FROM messages WHERE alert_id = $A AND
    channel = 'sms' AND confirmed_at IS NULL AND escalated_at IS NULL")" 0 \
    "every SMS is confirmed or escalated: nothing left to escalate"
is "$(calls "$A")" 345 "each escalated once"

# --- cancelled while the call rings ------------------------------------------
trunk callout-noanswer 1
sk_req POST /api/v1/alerts -H 'Content-Type: application/json' -d \
    '{"kind":"warning","areas":["10096510"],"channels":["voice"],
      "text_en":"Tidal surge"}'
B=$(sk_jq .id)
is "$CODE:$(sk_jq .calls)" "201:1" "a voice warning for 6's union: 1 call"
ok "the call rings" sk_wait_until 20 "$SK_SANKETD_PID" -- \
    test "$(q "SELECT state FROM messages WHERE alert_id = $B")" = 1
sk_req POST "/api/v1/alerts/$B/cancel"
is "$CODE:$(sk_jq .status):$(sk_jq .all_clear)" "200:cancelled:null" \
    "cancel (no body): cancelled, no all-clear"
recorded() { [ "$(q "SELECT count(*) FROM calls WHERE alert_id = $B")" = 1 ]; }
ok "the ringing call is hung up at once and recorded" \
    sk_wait_until 10 "$SK_SANKETD_PID" -- recorded
is "$(q "SELECT state || ':' || attempts || ':' || reason FROM messages
    WHERE alert_id = $B")" '5:1:cancelled while ringing' \
    "its message: cancelled after 1 call, not retried"
like "$(q "SELECT outcome || ':' || (answered_at IS NULL) FROM calls
    WHERE alert_id = $B")" '^(no_answer|failed):1$' \
    "the call record: not answered"
wait "$TRUNK_PID"
is "$?" 0 "the trunk (SIPp) got the CANCEL"

done_testing
