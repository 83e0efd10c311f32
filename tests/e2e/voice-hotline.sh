#!/usr/bin/env bash
# voice-hotline.sh: the hotline as callers use it.  SIPp places each call
# (tests/sipp/hotline.xml) and tests/lib/rtppeer.py is the caller's media:
# it presses keys (RFC 4733 events, or in-band tones from tests/dtmfgen
# in the RTP audio) and records what sanketd plays.  Prompts are the
# shipped menu's, rendered by scripts/prompts.sh.
#
#	relief by RFC 4733 keys: 6, code, #, 1 -> receipt, channel ivr,
#	    the union's chain verifies; the caller heard the greeting as
#	    prepared (frame for frame)
#	relief by in-band tones: 6, code, #, 2, quantity, # -> short
#	relief with someone else's code -> refused, nothing recorded
#	grievance: 7, speak, # -> a grievance with a playable WAV of about
#	    the right length; hanging up mid-recording still lodges it
#	spot: 8 -> the newest spot, frame for frame, played to its end
#	warning: 4 -> the latest warning, spoken; an unregistered caller
#	    keys the union code first
#	a caller whose RTP stops is hung up after rtp_timeout
#	every call has its call record (GET /api/v1/calls, sanket calls)
#	garbage on the SIP port: sanketd keeps answering calls
set -u
. "$top_srcdir/tests/lib/common.sh"
command -v sipp >/dev/null 2>&1 || skip_all "sipp (sip-tester) is not installed"
command -v sox >/dev/null 2>&1 || skip_all "sox is not installed"
sk_tmpdir
T=$SK_TMP
U=20224510		# Ali Akbar Deil, Kutubdia
SK=$top_builddir/sanket

require "config written" sk_write_conf
require "voice configured, prompts rendered" sk_voice_conf
sk_conf_set sip rtp_timeout 3
require "sanketd starts with voice" sk_start_sanketd
require "admin token" sk_admin_token
require "SIP is up" grep -q 'voice: SIP on' "$T/sanketd.log"

sk_req POST /api/v1/areas --data-binary @"$top_srcdir/etc/sample/areas.csv"
require "sample areas imported" test "$CODE" = 200
cat >"$T/recipients.csv" <<'EOF'
msisdn,union,lang,channel,programmes
01711000001,20224510,bn,voice,VGF
01711000002,20224510,bn,voice,VGF
01711000003,20224510,bn,both,VGF
EOF
sk_req POST /api/v1/recipients --data-binary @"$T/recipients.csv"
is "$CODE:$(sk_jq .created)" "200:3" "3 recipients"

AT=$(($(date +%s) + 86400))
sk_req POST /api/v1/distributions -H 'Content-Type: application/json' -d \
    "{\"union\":\"$U\",\"programme\":\"VGF\",\"item\":\"rice\",\"unit\":\"kg\",
      \"quantity\":30,\"place\":\"UP office\",\"at\":$AT}"
is "$CODE:$(sk_jq .entitlements)" "201:3" "a VGF distribution, 3 codes"
code_of() { sk_db "SELECT code FROM entitlements WHERE msisdn = '$1'"; }
C1=$(code_of +8801711000001)
C2=$(code_of +8801711000002)
C3=$(code_of +8801711000003)

# call NAME CALLER HOLD_MS DIGITS [INBAND_FILE INBAND_AT]: one call; sets
# SIPP_RC.  DIGITS as rtppeer.py --digits ("1.0:6,3.0:123456#").
call() {
	local name=$1 caller=$2 hold=$3 digits=$4 inband=${5:-} at=${6:-1}
	local port rtp_pid
	port=$(sk_ports 1)
	"$SK_PYTHON" "$top_srcdir/tests/lib/rtppeer.py" \
	    --port-file "$T/$name.port" --out "$T/$name.ul" \
	    --summary "$T/$name.json" --digits "$digits" \
	    ${inband:+--inband "$inband" --inband-at "$at"} ${RTP_EXTRA:-} \
	    --duration $((hold / 1000 + 5)) >"$T/$name.rtp.log" 2>&1 &
	rtp_pid=$!
	sk_wait_until 5 "$rtp_pid" -- test -s "$T/$name.port"
	printf 'SEQUENTIAL\n%s;%s;\n' "$(cat "$T/$name.port")" "$caller" \
	    >"$T/$name.csv"
	sed "s/@HOLD_MS@/$hold/g" "$top_srcdir/tests/sipp/hotline.xml" \
	    >"$T/$name.xml"
	(cd "$T" && timeout $((hold / 1000 + 40)) sipp -sf "$name.xml" \
	    -inf "$name.csv" "127.0.0.1:$SK_SIP_PORT" -i 127.0.0.1 \
	    -p "${port% }" -m 1 -nostdin -timeout $((hold / 1000 + 30)) \
	    >"$name.sipp.log" 2>&1)
	SIPP_RC=$?
	wait "$rtp_pid" 2>/dev/null
	[ "$SIPP_RC" = 0 ] || diag "$(tail -n 20 "$T/$name.sipp.log")"
}

# contains CAPTURE CACHE FRAMES: the capture holds FRAMES consecutive
# frames of the cache file's stream, starting with its first.
contains() {
	"$SK_PYTHON" - "$@" <<'PY'
import sys
cap = open(sys.argv[1], "rb").read()
c = open(sys.argv[2], "rb").read()
assert c[:4] == b"SKAU", "not a cache file"
want = c[128:128 + 160 * int(sys.argv[3])]
sys.exit(0 if len(want) == 160 * int(sys.argv[3]) and want in cap else 1)
PY
}

cdr() {	# cdr COLUMNS: the newest call record
	sk_db "SELECT $1 FROM calls ORDER BY id DESC LIMIT 1"
}

# --- relief by RFC 4733 ---------------------------------------------------------
call relief4733 +8801711000001 12000 "1.0:6,3.5:$C1#,7.5:1"
is "$SIPP_RC" 0 "hotline call (RFC 4733 keys) completes"
is "$(sk_db "SELECT state || ':' || channel || ':' || received_qty FROM entitlements WHERE code = '$C1'")" \
    "received:ivr:30" "keypad 6, code, #, 1: received in full, channel ivr"
is "$(sk_db "SELECT count(*) FROM receipts WHERE channel = 'ivr' AND actor = '+8801711000001'")" \
    1 "one receipt in the union's chain"
sk_req GET "/api/v1/unions/$U/receipts/verify"
is "$(sk_jq .ok)" true "the union's chain verifies"
is "$(cdr "direction || ':' || script || ':' || outcome || ':' || digits || ':' || result")" \
    "in:hotline:answered:6$C1#1:receipt" "call record: keys and result"
ok "the caller heard the greeting as prepared (first 25 frames)" \
    contains "$T/relief4733.ul" "$T/prompts/greeting.sau" 25
is "$(jq -r '.gaps' "$T/relief4733.json")" 0 "no sequence gaps in what sanketd sent"

# --- relief by in-band tones, a short hand-out ----------------------------------
"$top_builddir/tests/dtmfgen" "6..........$C2#..........2..........18#" "$T/ib.ul"
require "in-band tones generated" test -s "$T/ib.ul"
call inband +8801711000002 14000 "" "$T/ib.ul" 1.0
is "$SIPP_RC" 0 "hotline call (in-band tones) completes"
is "$(sk_db "SELECT state || ':' || channel || ':' || received_qty FROM entitlements WHERE code = '$C2'")" \
    "short:ivr:18" "in-band 6, code, #, 2, 18#: short, 18 of 30"

# --- someone else's code --------------------------------------------------------
call foreign +8801711000003 9000 "1.0:6,3.5:$C1#,7.0:1"
is "$(cdr "result")" "receipt_refused" "someone else's code is refused"
is "$(sk_db "SELECT count(*) FROM receipts")" 2 "and nothing is recorded"
is "$(sk_db "SELECT state FROM entitlements WHERE code = '$C3'")" pending \
    "the caller's own entitlement is untouched"

# --- grievance -------------------------------------------------------------------
sox -n -r 8000 -c 1 -e u-law -t raw "$T/speech.ul" synth 3 sine 300-600 vol 0.5
# 7 at 1 s: the grievance prompt (about 6.5 s) and the beep, then the
# caller speaks (3 s of tone from 9.5 s) and presses # at 13.5 s.
call griev +8801711000003 16000 "1.0:7,13.5:#" "$T/speech.ul" 9.5
G=$(sk_db "SELECT id || ':' || channel || ':' || (recording IS NOT NULL) FROM grievances ORDER BY id DESC LIMIT 1")
like "$G" '^[0-9]+:ivr:1$' "7, speak, #: a grievance with a recording ($G)"
WAV=$(sk_db "SELECT recording FROM grievances ORDER BY id DESC LIMIT 1")
DUR=$(soxi -D "$WAV" 2>/dev/null || echo 0)
ok "the recording is a playable WAV of a few seconds ($DUR s)" \
    awk -v d="$DUR" 'BEGIN { exit !(d >= 3 && d <= 7) }'
is "$(cdr "result || ':' || (recording IS NOT NULL) || ':' || (grievance_id > 0)")" \
    "grievance:1:1" "the call record names the recording and grievance"

call grievhang +8801711000003 12000 "1.0:7" "$T/speech.ul" 9.5
is "$(sk_db "SELECT count(*) FROM grievances WHERE channel = 'ivr'")" 2 \
    "hanging up mid-recording still lodges the grievance"

# --- spot ------------------------------------------------------------------------
sox -n -r 8000 -c 1 -b 16 "$T/spot.wav" synth 2 sine 500-900 vol 0.4
sk_req POST "/api/v1/spots?name=spot" --data-binary @"$T/spot.wav"
is "$CODE" 201 "a spot uploaded"
SPOT=$(sk_jq .id)
SPOTFILE=$T/$(sk_db "SELECT cache_path FROM spots WHERE id = $SPOT")
call spot +8801711000001 8000 "1.0:8"
ok "8: the caller heard the spot, frame for frame (all 100)" \
    contains "$T/spot.ul" "$SPOTFILE" 100
is "$(cdr "clip || ':' || played_full || ':' || played_ms")" \
    "spot:$SPOT:1:2000" "call record: the spot played to its end (2000 ms)"

# --- warning ---------------------------------------------------------------------
sk_req POST /api/v1/alerts -H 'Content-Type: application/json' -d \
    "{\"kind\":\"warning\",\"areas\":[\"$U\"],\"text_bn\":\"ঘূর্ণিঝড় সতর্কতা, সংকেত সাত\",\"text_en\":\"Cyclone warning signal 7\"}"
is "$CODE" 201 "a warning for the union"
W=$(sk_jq .id)
call warning +8801711000001 8000 "1.0:4"
is "$(cdr "clip || ':' || result")" "alert:$W:warning" \
    "4: the registered caller hears the warning for their union"
ok "the spoken warning is cached once per alert and language" \
    test -s "$T/voice/alert-$W-bn.sau"
ok "speech in both languages is rendered when the warning is created" \
    sk_wait_until 60 "" -- test -s "$T/voice/alert-$W-en.sau"
call warnunreg +8801900000000 10000 "1.0:4,3.5:$U#"
is "$(cdr "clip || ':' || union_code")" "alert:$W:$U" \
    "an unregistered caller keys the union code and hears it"

# --- a caller who vanishes --------------------------------------------------------
RTP_EXTRA="--mute-after 2" call vanish +8801711000001 20000 ""
is "$SIPP_RC" 0 "a caller whose phone goes silent gets sanketd's BYE"
is "$(cdr "end_reason || ':' || (ended_at - answered_at < 10000)")" "rtp_timeout:1" \
    "hung up after [sip] rtp_timeout (3 s), recorded as rtp_timeout"

# --- records ---------------------------------------------------------------------
sk_req GET "/api/v1/calls?limit=100"
is "$CODE" 200 "GET /api/v1/calls"
N=$(sk_db "SELECT count(*) FROM calls")
is "$(sk_jq '.calls | length')" "$N" "every call is listed ($N)"
OUT=$("$SK" calls list 2>&1)
like "$OUT" "hotline" "sanket calls list shows them"

# --- garbage on the SIP port --------------------------------------------------------
"$SK_PYTHON" - "$SK_SIP_PORT" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for m in (b"\x00" * 100, b"INVITE sip:x SIP/2.0\r\n\r\n", b"A" * 70000,
          b"OPTIONS sip:1090@127.0.0.1 SIP/2.0\r\nContent-Length: 99999\r\n\r\n"):
    try:
        s.sendto(m, ("127.0.0.1", int(sys.argv[1])))
    except OSError:
        pass
PY
call after +8801711000001 4000 ""
is "$SIPP_RC" 0 "after garbage on the SIP port, calls are still answered"
ok "sanketd is still running" sk_alive "$SK_SANKETD_PID"

done_testing
