#!/usr/bin/env bash
# campaign.sh: an awareness campaign aired through a SIP trunk played by
# SIPp, on the test clock ([gateway] test_clock; POST /api/v1/clock).
#
#	bad requests: empty window, across midnight, at night, start after
#	    end, a cap of zero, an unknown spot, areas out of scope -> 4xx,
#	    and nothing created
#	the campaign (6 people, one window 10:00-10:01 Asia/Dhaka a day, one
#	    airing each, two days): before 10:00 nobody is called ("off_air");
#	    at 10:00 calls go out paced (not all at once); the SIPp trunk
#	    answers and hears the spot (played_ms > 0)
#	the window ends: no call starts after 10:01; "off_air", next_on_air
#	    the next day's 10:00; kill -9 mid-window and a restart never
#	    calls anyone twice (a call under way counts as aired)
#	the next day's window: the rest are called; every call started
#	    inside a window; each person heard it exactly once; reach per
#	    union adds up; cancel afterwards: 409 (over)
set -u
. "$top_srcdir/tests/lib/common.sh"
command -v sipp >/dev/null 2>&1 || skip_all "sipp (sip-tester) is not installed"
command -v sox >/dev/null 2>&1 || skip_all "sox is not installed"
[ -f /usr/share/sip-tester/dtmf_2833_1.pcap ] ||
    skip_all "SIPp's RFC 2833 pcaps are not installed"
sk_tmpdir
T=$SK_TMP

TRUNK=$(sk_ports 1)
TRUNK=${TRUNK% }
require "config written" sk_write_conf
require "voice configured, prompts rendered" sk_voice_conf
sk_conf_set gateway test_clock yes
sk_conf_set sip trunk "127.0.0.1:$TRUNK"
sk_conf_set sip channels 4
sk_conf_set ivr callout_attempts 1
require "sanketd starts with a trunk and the test clock" sk_start_sanketd
require "admin token" sk_admin_token

sk_req POST /api/v1/areas --data-binary @"$top_srcdir/etc/sample/areas.csv"
require "sample areas imported" test "$CODE" = 200
cat >"$T/recipients.csv" <<'EOF'
msisdn,union,lang,channel,programmes
01711000001,20224510,bn,voice,
01711000002,20224510,en,both,
01711000003,20224510,bn,sms,
01711000004,20224510,bn,voice,
01711000005,20224520,bn,voice,
01711000006,20224520,en,sms,
01711000007,10096510,bn,voice,
EOF
sk_req POST /api/v1/recipients --data-binary @"$T/recipients.csv"
is "$CODE:$(sk_jq .created)" "200:7" "7 recipients, 6 in Kutubdia"
sox -n -r 8000 -c 1 -b 16 "$T/spot.wav" synth 2 sine 400 vol 0.3
sk_req POST "/api/v1/spots?name=prep" --data-binary @"$T/spot.wav"
require "a 2 s spot uploaded" test "$CODE" = 201
SPOT=$(sk_jq .id)
ln -sfn /usr/share/sip-tester "$T/pcap"

# The test clock: local (Asia/Dhaka) instants of tomorrow.
D=$(TZ=Asia/Dhaka date -d tomorrow +%F)
at() {	# at HH:MM[:SS] [DAYS]: epoch seconds, DAYS after tomorrow
	echo $(($(TZ=Asia/Dhaka date -d "$D $1" +%s) + ${2:-0} * 86400))
}
clock() {	# clock HH:MM:SS [DAYS]: move the daemon's clock there
	local want
	want=$(($(at "$1" "${2:-0}") * 1000))
	sk_req POST /api/v1/clock -d "{\"offset_ms\": $((want - $(date +%s%3N)))}"
	[ "$CODE" = 200 ]
}
# none_within S CMD...: CMD does not come true within S seconds.
# shellcheck disable=SC2317 # through ok
none_within() { ! sk_wait_until "$@"; }
taken() { sk_db "SELECT count(*) FROM campaign_contacts WHERE campaign_id = $CID AND state <> 0"; }
# shellcheck disable=SC2317 # through sk_wait_until
taken_above() { [ "$(taken)" -gt "$1" ]; }
calls() { sk_db "SELECT count(*) FROM calls WHERE campaign_id = $CID"; }
# shellcheck disable=SC2317 # through sk_wait_until
calls_at_least() { [ "$(calls)" -ge "$1" ]; }
campaign() {	# campaign EXTRA-JSON: POST one; CODE, BODY
	sk_req POST /api/v1/campaigns -d "{\"name\":\"Cyclone preparedness\",
	    \"spots\":[$SPOT],\"areas\":[\"202245\"],
	    \"starts_at\":$(at 09:00),\"ends_at\":$(at 21:00 1)$1}"
}
require "the clock moves to 09:59:50 tomorrow" clock 09:59:50

# --- bad requests ------------------------------------------------------------------
refused() {	# refused EXTRA STATUS PATTERN WHAT
	campaign "$1"
	is "$CODE" "$2" "refused: $4 ($2)"
	like "$(sk_jq .error.message)" "$3" "... the message says why"
}
refused ',"windows":"10:00-10:00"' 400 empty "an empty window"
refused ',"windows":"20:00-02:00"' 400 "crosses midnight" "a window across midnight"
refused ',"windows":"23:00-23:30"' 400 "outside 08:00-21:00" "a window at night"
refused ',"per_day":0' 400 "cap of zero" "a cap of zero"
sk_req POST /api/v1/campaigns -d "{\"name\":\"x\",\"spots\":[$SPOT],
    \"areas\":[\"202245\"],\"starts_at\":$(at 10:00 3),\"ends_at\":$(at 21:00 1)}"
is "$CODE" 400 "refused: starts after it ends"
sk_req POST /api/v1/campaigns -d "{\"name\":\"x\",\"spots\":[999],
    \"areas\":[\"202245\"],\"ends_at\":$(at 21:00 1)}"
is "$CODE:$(sk_jq .error.code)" "422:E_UNKNOWN_SPOT" "refused: an unknown spot"
sk_req POST /api/v1/tokens -d '{"role":"official","scope":"100965","name":"manpura"}'
MANPURA=$(sk_jq .token)
SK_REQ_TOKEN=$MANPURA campaign ""
is "$CODE" 403 "refused: Kutubdia is outside a Manpura official's scope"
is "$(sk_db 'SELECT count(*) FROM campaigns')" 0 "nothing was created"

# --- created before the window -----------------------------------------------------------
(cd "$T" && exec timeout 300 sipp -sf "$top_srcdir/tests/sipp/callout-answer.xml" \
    -i 127.0.0.1 -p "$TRUNK" -mi 127.0.0.1 -m 6 -nostdin -timeout 280 \
    >"$T/trunk.sipp.log" 2>&1) &
TRUNK_PID=$!
campaign ',"windows":"10:00-10:01","per_day":1,"per_week":7,"channels":["call","hotline"]'
is "$CODE:$(sk_jq .audience):$(sk_jq .planned)" "201:6:6" "created: 6 people, 6 airings planned"
CID=$(sk_jq .id)
is "$(sk_jq .status):$(sk_jq .first_airing)" "off_air:$(at 10:00)" \
    "09:59:50: off air, the first airing at 10:00"
ok "nobody is called before the window (3 s)" \
    none_within 3 "" -- calls_at_least 1

# --- on air: paced -------------------------------------------------------------------------
require "the clock moves to 10:00:00" clock 10:00:00
sk_req GET "/api/v1/campaigns/$CID"
is "$(sk_jq .status)" on_air "10:00: on air"
ok "the first calls are placed and answered" sk_wait_until 30 "" -- calls_at_least 2
n3=$(sk_db "SELECT count(*) FROM campaign_contacts WHERE campaign_id = $CID AND state <> 0")
ok "paced: 6 people over a 60 s window are not all called at once ($n3 taken)" \
    test "$n3" -lt 6

# --- kill -9 mid-window, restart -----------------------------------------------------------
# shellcheck disable=SC2317 # through sk_wait_until
calling() { [ "$(sk_db "SELECT count(*) FROM campaign_contacts WHERE campaign_id = $CID AND state = 1")" -ge 1 ]; }
require "a call is under way" sk_wait_until 45 "" -- calling
kill -9 "$SK_SANKETD_PID"
wait "$SK_SANKETD_PID" 2>/dev/null
under_way=$(sk_db "SELECT group_concat(recipient_id) FROM campaign_contacts WHERE campaign_id = $CID AND state = 1")
require "sanketd restarts" sk_restart_sanketd
require "the clock back at 10:00:40" clock 10:00:40
is "$(sk_db "SELECT group_concat(state || ':' || aired) FROM campaign_contacts WHERE campaign_id = $CID AND recipient_id IN ($under_way)")" \
    "$(echo "$under_way" | tr ',' '\n' | sed 's/.*/2:1/' | paste -sd,)" \
    "the calls under way at kill -9 count as aired after the restart (caps kept)"

# --- the window ends ----------------------------------------------------------------------
require "the clock moves past the window: 10:01:05" clock 10:01:05
sleep 1
before=$(taken)
ok "after 10:01 no new call is placed (4 s)" \
    none_within 4 "" -- taken_above "$before"
sk_req GET "/api/v1/campaigns/$CID"
is "$(sk_jq .status):$(sk_jq .next_on_air)" "off_air:$(at 10:00 1)" \
    "off air; next on air tomorrow 10:00"

# --- the next day ---------------------------------------------------------------------------
require "the clock moves to the next day's 10:00" clock 10:00:00 1
settled() { [ "$(sk_db "SELECT count(*) FROM campaign_contacts WHERE campaign_id = $CID AND state IN (0, 1)")" = 0 ]; }
ok "everyone is aired by the end of the second window" sk_wait_until 90 "" -- settled
kill "$TRUNK_PID" 2>/dev/null
wait "$TRUNK_PID" 2>/dev/null
is "$(sk_db "SELECT count(*) FROM calls WHERE campaign_id = $CID AND direction = 'out' AND
    ((started_at / 1000 + 21600) % 86400) NOT BETWEEN 36000 AND 36059")" 0 \
    "every call started inside 10:00-10:01 Asia/Dhaka"
is "$(sk_db "SELECT count(*) FROM (SELECT msisdn FROM calls WHERE campaign_id = $CID GROUP BY msisdn HAVING count(*) > 1)")" 0 \
    "nobody was called twice (one airing each, kill -9 included)"
is "$(sk_db "SELECT count(*) FROM campaign_contacts WHERE campaign_id = $CID AND state = 2")" 6 \
    "all 6 contacts done"
is "$(sk_db "SELECT count(*) FROM calls WHERE campaign_id = $CID AND msisdn = '+8801711000007'")" 0 \
    "nobody outside the areas is called"
is "$(sk_db "SELECT count(*) FROM calls WHERE campaign_id = $CID AND answered_at IS NOT NULL AND (played_ms = 0 OR spot_id <> $SPOT)")" 0 \
    "every answered call played the spot"
sk_req GET "/api/v1/campaigns/$CID"
is "$(sk_jq '[.unions[].audience] | add'):$(sk_jq .totals.audience)" 6:6 "per union audience adds up to 6"
is "$(sk_jq '[.unions[].placed] | add')" "$(sk_jq .totals.placed)" "per union calls add up"
is "$(sk_jq .totals.reached)" "$(sk_db "SELECT count(DISTINCT msisdn) FROM calls WHERE campaign_id = $CID AND answered_at IS NOT NULL AND played_ms > 0")" \
    "reached = distinct people who heard it"
ok "listen-through is a share in (0, 1]" \
    jq -e '.totals.listen_through > 0 and .totals.listen_through <= 1' <<<"$BODY"
is "$(sk_jq '.spots[0].id')" "$SPOT" "the spot's own line"
sk_req POST "/api/v1/campaigns/$CID/cancel"
is "$CODE" 200 "cancel while the flight runs: 200"
sk_req POST "/api/v1/campaigns/$CID/cancel"
is "$CODE" 409 "cancel again: 409"

done_testing
