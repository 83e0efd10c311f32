#!/usr/bin/env bash
# voice-baresip.sh: the hotline with a real softphone as the caller.
# baresip (headless: aufile source of silence, no sound card, ctrl_tcp for
# commands and events, sndfile dumping what it decodes) calls sanketd from
# a registered recipient's number and keys a relief receipt by RFC 4733
# events, one /sndcode per key.  The keys are timed from ctrl_tcp's events
# (CALL_ESTABLISHED, then CALL_RTPESTAB: sanketd's audio arrives), 3 s of
# greeting, then short gaps; the hang-up waits for the receipt in the
# database.  Every wait is bounded.
#
#	baresip's INVITE is answered; the call is established
#	sanketd takes baresip's RTP (none counted as from a wrong source)
#	6, code, #, 1 -> received in full, channel ivr, one receipt by the
#	    caller; the union's chain verifies
#	the call record (GET /api/v1/calls): caller, keys, result receipt
#	what baresip decoded is the greeting: normalised cross-correlation
#	    of 1 s of it with the prepared prompt > 0.9
set -u
. "$top_srcdir/tests/lib/common.sh"
command -v baresip >/dev/null 2>&1 || skip_all "baresip is not installed"
BS_MODULES=${BS_MODULES:-/usr/lib/baresip/modules}
for m in g711 aufile sndfile ctrl_tcp menu account; do
	[ -r "$BS_MODULES/$m.so" ] || skip_all "baresip module $m is missing"
done
sk_tmpdir
T=$SK_TMP
U=20224510		# Ali Akbar Deil, Kutubdia
CALLER=+8801711000001

require "config written" sk_write_conf
require "voice configured, prompts rendered" sk_voice_conf
require "sanketd starts with voice" sk_start_sanketd
require "admin token" sk_admin_token
require "SIP is up" grep -q 'voice: SIP on' "$T/sanketd.log"

sk_req POST /api/v1/areas --data-binary @"$top_srcdir/etc/sample/areas.csv"
require "sample areas imported" test "$CODE" = 200
printf 'msisdn,union,lang,channel,programmes\n01711000001,%s,bn,voice,VGF\n' \
    "$U" >"$T/recipients.csv"
sk_req POST /api/v1/recipients --data-binary @"$T/recipients.csv"
is "$CODE:$(sk_jq .created)" "200:1" "the caller is a recipient"
AT=$(($(date +%s) + 86400))
sk_req POST /api/v1/distributions -H 'Content-Type: application/json' -d \
    "{\"union\":\"$U\",\"programme\":\"VGF\",\"item\":\"rice\",\"unit\":\"kg\",
      \"quantity\":30,\"place\":\"UP office\",\"at\":$AT}"
is "$CODE:$(sk_jq .entitlements)" "201:1" "a VGF distribution, 1 code"
C=$(sk_db "SELECT code FROM entitlements WHERE msisdn = '$CALLER'")
require "the caller's code ($C)" test "${#C}" = 6

# --- baresip ----------------------------------------------------------------
# Its own config directory; every port free now.  The source is 60 s of
# silence: aufile ends the call when its WAV ends.  net_interface: left to
# itself baresip puts its default interface's address in c= while its RTP
# to 127.0.0.1 leaves from 127.0.0.1, and sanketd drops RTP from any
# address but the SDP's (wrong_source): no keys would be heard.
B=$T/baresip
mkdir -p "$B/rec"
read -r BS_SIP BS_CTRL BS_CONS <<<"$(sk_ports 3)"
"$SK_PYTHON" - "$B/silence.wav" <<'PY'
import sys, wave
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1)
w.setsampwidth(2)
w.setframerate(8000)
w.writeframes(b"\0\0" * 8000 * 60)
w.close()
PY
cat >"$B/config" <<EOF
poll_method		epoll
net_interface		127.0.0.1
sip_listen		127.0.0.1:$BS_SIP
sip_trans_def		udp
call_local_timeout	30
call_max_calls		1
audio_source		aufile,$B/silence.wav
audio_player		aufile,/dev/null
audio_alert		aufile,/dev/null
ausrc_format		s16
auplay_format		s16
audio_buffer		20-160
rtp_stats		yes
statmode_default	off
module_path		$BS_MODULES
module			g711.so
module			aufile.so
module			sndfile.so
module			cons.so
module_tmp		account.so
module_app		menu.so
module_app		ctrl_tcp.so
cons_listen		127.0.0.1:$BS_CONS
ctrl_tcp_listen		127.0.0.1:$BS_CTRL
snd_path		$B/rec
EOF
echo "<sip:$CALLER@127.0.0.1>;regint=0" >"$B/accounts"
: >"$B/contacts"

sk_spawn baresip "$T/baresip.log" baresip -f "$B" -t 90
BS_PID=$SK_PID
require "baresip takes commands (ctrl_tcp)" \
    sk_wait_until 10 "$BS_PID" -- sk_tcp_open "$BS_CTRL"

# The caller: dial, wait for CALL_ESTABLISHED and CALL_RTPESTAB (the
# first RTP from sanketd), hear 3 s of the greeting, then 6, the code and # (one key each), then 1; then wait for
# $B/hangup (the test has seen the receipt) and hang up.  Every wait is
# bounded.  Events and replies go to $B/events.log.
"$SK_PYTHON" - "$BS_CTRL" "sip:1090@127.0.0.1:$SK_SIP_PORT" "6" "$C#" "1" \
    "$B" >"$T/caller.log" 2>&1 <<'PY' &
import json, os, socket, sys, time

port, uri, k1, code, k3, bdir = sys.argv[1:7]
s = socket.create_connection(("127.0.0.1", int(port)), timeout=5)
s.settimeout(0.1)
buf = b""
seen = []			# events read, not yet waited for
ev = open(os.path.join(bdir, "events.log"), "w")

def send(cmd, params=""):
    m = json.dumps({"command": cmd, "params": params,
                    "token": cmd}).encode()
    s.sendall(b"%d:%s," % (len(m), m))
    print("sent", cmd, params, flush=True)

def pump(until):
    """Read netstrings until `until` seconds (monotonic); return events."""
    global buf
    out = []
    while True:
        while b":" in buf:
            n, _, rest = buf.partition(b":")
            n = int(n)
            if len(rest) < n + 1:
                break
            msg, buf = rest[:n], rest[n + 1:]
            ev.write(msg.decode(errors="replace") + "\n")
            ev.flush()
            try:
                out.append(json.loads(msg))
            except ValueError:
                pass
        if out or time.monotonic() >= until:
            return out
        try:
            d = s.recv(4096)
        except socket.timeout:
            continue
        if not d:
            raise SystemExit("ctrl_tcp closed")
        buf += d

def wait_event(kind, secs):
    end = time.monotonic() + secs
    while True:
        while seen:
            m = seen.pop(0)
            if m.get("event") and m.get("type") == kind:
                return m
        if time.monotonic() >= end:
            raise SystemExit("no %s within %d s" % (kind, secs))
        seen.extend(pump(end))

def pause(secs):	# keep reading (events are logged) for secs
    end = time.monotonic() + secs
    while time.monotonic() < end:
        seen.extend(pump(end))

def caller():
    send("dial", uri)
    wait_event("CALL_ESTABLISHED", 10)
    print("established", flush=True)
    wait_event("CALL_RTPESTAB", 5)	# sanketd's RTP arrives
    pause(3.0)		# the greeting plays
    send("sndcode", k1)
    pause(2.0)		# the code prompt starts
    for d in code:
        send("sndcode", d)
        pause(0.3)
    pause(1.5)		# the outcome prompt starts
    send("sndcode", k3)
    print("keys sent", flush=True)
    end = time.monotonic() + 20
    while not os.path.exists(os.path.join(bdir, "hangup")):
        if time.monotonic() >= end:
            print("no go-ahead to hang up", flush=True)
            break
        pause(0.1)
    send("hangup")
    wait_event("CALL_CLOSED", 10)
    print("closed", flush=True)

try:
    caller()
finally:		# whatever happened, baresip goes away
    try:
        send("hangup")
        send("quit")
        pause(0.5)
    except (OSError, SystemExit):
        pass
PY
CALLER_PID=$!

# shellcheck disable=SC2317 # called through sk_wait_until
received() {
	test "$(sk_db "SELECT state FROM entitlements WHERE code = '$C'")" = received
}
ok "baresip's call is established" sk_wait_until 15 "$CALLER_PID" -- \
    grep -q '^established' "$T/caller.log"
ok "the keys are sent" sk_wait_until 20 "$CALLER_PID" -- \
    grep -q '^keys sent' "$T/caller.log"
ok "sanketd records the receipt" sk_wait_until 10 "" -- received
touch "$B/hangup"
ok "baresip hangs up; the call is closed" sk_wait_until 15 "" -- \
    grep -q '^closed' "$T/caller.log"
sk_wait_exit "$CALLER_PID" 5 || kill "$CALLER_PID" 2>/dev/null
wait "$CALLER_PID" 2>/dev/null
sk_wait_exit "$BS_PID" 10 || sk_kill "$BS_PID"
[ "$SK_OK" = 1 ] || diag "$(cat "$T/caller.log")" "$(tail -n 40 "$T/baresip.log")"

# --- what was recorded ----------------------------------------------------------
RX=$(sk_metric 'sanket_rtp_packets_total{dir="received"}')
is "$RX:$(sk_metric 'sanket_rtp_packets_total{dir="wrong_source"}')" \
    "$RX:0" "sanketd took baresip's RTP ($RX packets), none from a wrong source"
ok "... and that is the call's audio, not a handful" test "$RX" -gt 200
is "$(sk_db "SELECT state || ':' || channel || ':' || received_qty FROM entitlements WHERE code = '$C'")" \
    "received:ivr:30" "6, code, #, 1 from baresip: received in full, channel ivr"
is "$(sk_db "SELECT count(*) FROM receipts WHERE channel = 'ivr' AND actor = '$CALLER'")" \
    1 "one receipt by the caller"
sk_req GET "/api/v1/unions/$U/receipts/verify"
is "$(sk_jq .ok)" true "the union's chain verifies"

ok "the call record is written" sk_wait_until 10 "" -- \
    test "$(sk_db "SELECT count(*) FROM calls WHERE ended_at > 0")" = 1
sk_req GET "/api/v1/calls?limit=10"
is "$CODE:$(sk_jq '.calls | length')" "200:1" "GET /api/v1/calls: one call"
is "$(sk_jq '.calls[0] | [.direction, .script, .outcome, .msisdn, .union] | join(":")')" \
    "in:hotline:answered:$CALLER:$U" "call record: inbound hotline call from the caller"
like "$(sk_jq '.calls[0].peer')" "^\\$CALLER\$" "call record: peer is baresip's From user"
is "$(sk_jq '.calls[0] | [.digits, .result] | join(":")')" "6$C#1:receipt" \
    "call record: the keys and result receipt"

# --- what baresip heard ---------------------------------------------------------
# sndfile's dump of the decoded stream against the greeting as prepared
# (128-byte header, then u-law): find the lag on 10 ms energy blocks,
# refine it sample by sample, then the normalised cross-correlation of
# 1 s of the greeting (from 0.5 s in) with the capture at that lag.
DEC=$(find "$B/rec" -name '*-dec.wav' | head -n 1)
ok "baresip dumped what it decoded (${DEC##*/})" test -s "$DEC"
xcorr() {
	"$SK_PYTHON" - "$1" "$2" <<'PY'
import array, sys, wave
import warnings
warnings.simplefilter("ignore", DeprecationWarning)
import audioop

w = wave.open(sys.argv[1], "rb")
assert w.getsampwidth() == 2 and w.getnchannels() == 1, w.getparams()
assert w.getframerate() == 8000, w.getparams()
cap = array.array("h", w.readframes(w.getnframes()))
au = open(sys.argv[2], "rb").read()
assert au[:4] == b"SKAU", "not a cache file"
ref = array.array("h", audioop.ulaw2lin(au[128:128 + 8000 * 3], 2))
print("capture %.2f s, reference %.2f s" % (len(cap) / 8000, len(ref) / 8000))

B = 80					# 10 ms blocks
def env(x):
    return [sum(abs(v) for v in x[i:i + B]) for i in range(0, len(x) - B + 1, B)]
ce, re_ = env(cap[:8000 * 5]), env(ref[4000:12000])
def ncc(a, b):
    n = len(b)
    sa = sum(a[:n]); sb = sum(b)
    ma, mb = sa / n, sb / n
    num = sum((a[i] - ma) * (b[i] - mb) for i in range(n))
    da = sum((a[i] - ma) ** 2 for i in range(n))
    db = sum((b[i] - mb) ** 2 for i in range(n))
    return num / (da * db) ** 0.5 if da > 0 and db > 0 else 0.0
best = max(range(len(ce) - len(re_) + 1), key=lambda k: ncc(ce[k:], re_))
coarse = best * B - 4000		# capture index of the reference's 0
win = ref[4000:12000]
score, lag = -1.0, None
for l in range(coarse - 2 * B, coarse + 2 * B + 1):
    if l + 4000 < 0 or l + 12000 > len(cap):
        continue
    c = ncc(cap[l + 4000:l + 12000], win)
    if c > score:
        score, lag = c, l
print("greeting at sample %s of the capture, ncc %.4f" % (lag, score))
PY
}
XC=$(xcorr "$DEC" "$T/prompts/greeting.sau" 2>&1 | tail -n 1)
ok "baresip heard the greeting ($XC; want ncc > 0.9)" \
    awk -v c="${XC##* }" 'BEGIN { exit !(c + 0 > 0.9) }'

ok "sanketd is still running" sk_alive "$SK_SANKETD_PID"

done_testing
