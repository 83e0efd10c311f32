#!/usr/bin/env bash
# voice-callout.sh: warning call-outs through a SIP trunk played by SIPp.
#
#	a warning on ["voice"] for a union: all 3 of its recipients called
#	    (whatever channel they chose), all answer and press 1 (RFC 4733
#	    from SIPp's own pcap) -> confirmed, delivered, counted in the
#	    alert's per-union confirmed
#	["sms","voice"]: voice recipients are called, SMS ones get SMS only
#	busy (486) twice -> failed "busy" after callout_attempts = 2
#	ringing, no answer -> CANCEL after ring_timeout, retried, failed
#	    "no_answer"
#	each call has its record: outcome, digits, result, played
#	a cancelled alert's calls are stopped before they are made
set -u
. "$top_srcdir/tests/lib/common.sh"
command -v sipp >/dev/null 2>&1 || skip_all "sipp (sip-tester) is not installed"
[ -f /usr/share/sip-tester/dtmf_2833_1.pcap ] ||
    skip_all "SIPp's RFC 2833 pcaps are not installed"
sk_tmpdir
T=$SK_TMP
U=20224510
U2=20224520

TRUNK=$(sk_ports 1)
TRUNK=${TRUNK% }
require "config written" sk_write_conf
require "voice configured, prompts rendered" sk_voice_conf
sk_conf_set sip trunk "127.0.0.1:$TRUNK"
sk_conf_set sip channels 4
sk_conf_set sip ring_timeout 5
sk_conf_set ivr callout_attempts 2
sk_conf_set ivr callout_interval 1
require "sanketd starts with a trunk" sk_start_sanketd
require "admin token" sk_admin_token

sk_req POST /api/v1/areas --data-binary @"$top_srcdir/etc/sample/areas.csv"
require "sample areas imported" test "$CODE" = 200
cat >"$T/recipients.csv" <<'EOF'
msisdn,union,lang,channel,programmes
01711000001,20224510,bn,voice,
01711000002,20224510,en,both,
01711000003,20224510,bn,sms,
01711000004,20224520,bn,voice,
01711000005,10096510,bn,voice,
EOF
sk_req POST /api/v1/recipients --data-binary @"$T/recipients.csv"
is "$CODE:$(sk_jq .created)" "200:5" "5 recipients"
ln -sfn /usr/share/sip-tester "$T/pcap"

# trunk SCENARIO CALLS: SIPp plays the trunk for CALLS call-outs (in the
# background); TRUNK_PID.
trunk() {
	(cd "$T" && exec timeout 90 sipp -sf "$top_srcdir/tests/sipp/$1.xml" \
	    -i 127.0.0.1 -p "$TRUNK" -mi 127.0.0.1 -m "$2" -nostdin \
	    -timeout 80 >"$T/$1.sipp.log" 2>&1) &
	TRUNK_PID=$!
}
alert() {	# alert CHANNELS AREA: a warning with a confirmation window
	sk_req POST /api/v1/alerts -H 'Content-Type: application/json' -d \
	    "{\"kind\":\"warning\",\"areas\":[\"$2\"],\"channels\":$1,
	      \"confirm_within\":600,
	      \"text_bn\":\"ঘূর্ণিঝড় সতর্কতা\",\"text_en\":\"Cyclone warning\"}"
}
settled() {	# settled ALERT: no voice message queued or in a call
	[ "$(sk_db "SELECT count(*) FROM messages WHERE alert_id = $1 AND
	    channel = 'voice' AND state IN (0, 1)")" = 0 ]
}

# --- answered, confirmed by keypad -------------------------------------------------
trunk callout-answer 3
alert '["voice"]' "$U"
is "$CODE:$(sk_jq .calls)" "201:3" "a voice warning for the union: 3 calls"
A=$(sk_jq .id)
ok "the calls are made, answered and settled" sk_wait_until 60 "" -- settled "$A"
wait "$TRUNK_PID"
is "$?" 0 "the trunk (SIPp) saw 3 successful calls"
is "$(sk_db "SELECT group_concat(state || ':' || (confirmed_at IS NOT NULL), ',') FROM messages WHERE alert_id = $A")" \
    "3:1,3:1,3:1" "all delivered and confirmed by key 1"
sk_req GET "/api/v1/alerts/$A"
is "$(sk_jq '.totals.confirmed')" 3 "the alert counts 3 confirmed"
is "$(sk_db "SELECT count(*) FROM calls WHERE alert_id = $A AND direction = 'out' AND script = 'callout' AND outcome = 'answered' AND result = 'confirmed'")" \
    3 "call records: out, callout, answered, confirmed"
like "$(sk_db "SELECT min(digits) FROM calls WHERE alert_id = $A")" '^1' \
    "the key pressed is recorded"
ok "the warning was played (played_ms > 0)" \
    test "$(sk_db "SELECT min(played_ms) FROM calls WHERE alert_id = $A")" -gt 0

# --- both channels: each recipient on theirs -----------------------------------------
trunk callout-answer 2
alert '["sms","voice"]' "$U"
B=$(sk_jq .id)
is "$(sk_db "SELECT group_concat(x, ',') FROM (SELECT r.msisdn || ':' || m.channel AS x FROM messages m JOIN recipients r ON r.id = m.recipient_id WHERE m.alert_id = $B ORDER BY r.msisdn, m.channel)")" \
    "+8801711000001:voice,+8801711000002:sms,+8801711000002:voice,+8801711000003:sms" \
    "sms+voice: sms and both get SMS, voice and both get a call"
ok "the calls settle" sk_wait_until 60 "" -- settled "$B"
wait "$TRUNK_PID"

# --- busy, retried, then failed --------------------------------------------------------
trunk callout-busy 2
alert '["voice"]' "$U2"
C=$(sk_jq .id)
ok "busy twice settles" sk_wait_until 30 "" -- settled "$C"
wait "$TRUNK_PID"
is "$(sk_db "SELECT state || ':' || attempts || ':' || reason FROM messages WHERE alert_id = $C")" \
    "4:2:busy 486" "busy: called twice (callout_attempts 2), then failed"
is "$(sk_db "SELECT group_concat(outcome || ':' || sip_code, ',') FROM calls WHERE alert_id = $C")" \
    "busy:486,busy:486" "two call records, busy"

# --- ringing, nobody answers -----------------------------------------------------------
trunk callout-noanswer 2
alert '["voice"]' 10096510
D=$(sk_jq .id)
ok "no answer twice settles" sk_wait_until 40 "" -- settled "$D"
wait "$TRUNK_PID"
is "$?" 0 "the trunk saw the CANCELs (SIPp successful)"
like "$(sk_db "SELECT state || ':' || attempts || ':' || reason FROM messages WHERE alert_id = $D")" \
    '^4:2:no_answer' "no answer: CANCEL after ring_timeout, twice, failed"

# --- a cancelled alert is not called -----------------------------------------------------
sk_req POST /api/v1/alerts -H 'Content-Type: application/json' -d \
    "{\"kind\":\"warning\",\"areas\":[\"$U2\"],\"channels\":[\"voice\"],
      \"starts_at\":$(($(date +%s) + 60)),\"text_bn\":\"সতর্কতা\"}"
E=$(sk_jq .id)
sk_req POST "/api/v1/alerts/$E/cancel"
is "$CODE:$(sk_jq .stopped)" "200:1" "cancel a scheduled voice alert: 1 call stopped"
is "$(sk_db "SELECT state FROM messages WHERE alert_id = $E")" 5 \
    "its voice message is cancelled, never called"

done_testing
