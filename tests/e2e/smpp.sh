#!/bin/bash
# smpp.sh: Kannel's real SMPP client bound to our SMPP 3.4 simulator
# (tests/smsc/smppsim.py), no fake SMSC (SK_SMSC=smpp).  sendsms goes
# straight to smsbox with dlr-mask=31 and a dlr-url pointing at a tiny HTTP
# sink started here (so this does not depend on sanketd's DLR endpoint).
# The recipient's last digits choose the outcome at the simulator:
#	...1  DLR 8 and 1		...2  DLR 8 and 2
#	...4  DLR 8, 4, then 1		...16 DLR 16 (submit_sm_resp 0x45)
# Bangla (coding=2&charset=UTF-8) and GSM text must arrive byte-exact at
# the simulator, and a 3-part Bangla text as 3 concatenated parts.
set -eu
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"

[ -x "$top_builddir/sanket" ] || skip_all "sanket not built"
sk_have_kannel || skip_all "Kannel not installed (scripts/deps.sh)"
command -v "$SK_PYTHON" >/dev/null || skip_all "python3 not installed"
command -v jq >/dev/null || skip_all "jq not installed"
sk_tmpdir

# --- the dlr-url sink: one line per request, the path and query ------------
cat >"$SK_TMP/dlrsink.py" <<'EOF'
import http.server, sys, threading
lock = threading.Lock()
log = open(sys.argv[2], "a", buffering=1)
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with lock:
            log.write(self.path + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"OK")
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
SINK_PORT=$(sk_ports 1)
SINK_PORT=${SINK_PORT%% *}
DLR_LOG=$SK_TMP/dlr.log
: >"$DLR_LOG"
sk_spawn dlrsink "$SK_TMP/dlrsink.log" "$SK_PYTHON" "$SK_TMP/dlrsink.py" \
    "$SINK_PORT" "$DLR_LOG"
require "DLR sink answers" sk_wait_http "http://127.0.0.1:$SINK_PORT/ready" 10 "$SK_PID"

require "SMPP simulator starts" sk_start_smppsim
SK_SMSC=smpp
export SK_SMSC
require "bearerbox binds to the simulator, smsbox starts" sk_start_kannel

# shellcheck disable=SC2317 # called through ok
no_fake_smsc() {
	! grep -Eq '^[[:space:]]*smsc[[:space:]]*=[[:space:]]*"?fake' \
	    "$SK_KANNEL_DIR/kannel.conf" &&
	    grep -q '^smsc = smpp' "$SK_KANNEL_DIR/kannel.conf"
}
ok "kannel.conf: SMPP smsc group, no fake SMSC" no_fake_smsc
ok "simulator saw a bind_transceiver with the configured system_id" \
    grep -q "bind_transceiver system_id '$SK_SMPP_SYSTEM_ID'.*status 0x00" \
    "$SK_SMPPSIM_LOG"

user=$(sed -n 's/^username *= *//p' "$SANKET_CONF")
pass=$(sed -n 's/^password *= *//p' "$SANKET_CONF")

# sendsms TO ID TEXT [CURL-ARGS...]: MT with dlr-mask 31; its DLRs reach the
# sink as /dlr?id=ID&status=%d&...
sendsms() {
	local to=$1 id=$2 text=$3
	shift 3
	curl -sS --max-time 10 -G \
	    "http://127.0.0.1:$SK_SENDSMS_PORT/cgi-bin/sendsms" \
	    --data-urlencode "username=$user" --data-urlencode "password=$pass" \
	    --data-urlencode "to=$to" --data-urlencode "from=16000" \
	    --data-urlencode "text=$text" --data-urlencode "dlr-mask=31" \
	    --data-urlencode "dlr-url=http://127.0.0.1:$SINK_PORT/dlr?id=$id&status=%d&fid=%F&answer=%A" \
	    "$@" 2>&1 || true
}

# statuses ID: the DLR values of ID in arrival order, space-separated.
statuses() {
	sed -n "s|^/dlr?id=$1&status=\\([0-9]*\\)&.*|\\1|p" "$DLR_LOG" |
	    tr '\n' ' ' | sed 's/ $//'
}
# shellcheck disable=SC2317 # called through sk_wait_until
has_status() {
	case " $(statuses "$1") " in *" $2 "*) return 0 ;; esac
	return 1
}
# sorted ID: its DLR values, sorted numerically.
sorted() {
	statuses "$1" | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//'
}
# mt TO [FIELD]: the simulator's JSON lines for TO (one per part), or FIELD
# of each.
mt() {
	jq -r --arg to "$1" "select(.to == \$to) | ${2:-.}" "$SK_SMPPSIM_OUT" 2>/dev/null
}
# shellcheck disable=SC2317 # called through sk_wait_until
mt_count_is() {
	[ "$(mt "$1" .part | wc -l)" -eq "$2" ]
}

GSM='Cyclone signal 10 @ Khulna_Barisal: 50% {evacuate} [now] ~ €5 £'
BN='ঘূর্ণিঝড় সতর্কতা ১০ নম্বর মহাবিপদ সংকেত'
# 150 Bangla code points: 3 UCS-2 parts of 67 + 67 + 16.
LONG=$BN$BN$BN'। আশ্রয়কেন্দ্রে যান এখনই।'
while [ "${#LONG}" -lt 150 ]; do LONG="$LONG।"; done
LONG=${LONG:0:150}

t0=$(sk_now_ms)
like "$(sendsms 8801711000001 d1 "$GSM")" "Accepted for delivery" "sendsms to ...1 accepted"
like "$(sendsms 8801711000002 d2 "undelivered test")" "Accepted for delivery" "sendsms to ...2 accepted"
like "$(sendsms 8801711000004 d4 "enroute test")" "Accepted for delivery" "sendsms to ...4 accepted"
like "$(sendsms 8801711000016 d16 "rejected test")" "Accepted for delivery" "sendsms to ...16 accepted"
like "$(sendsms 8801711000011 bn "$BN" --data-urlencode coding=2 --data-urlencode charset=UTF-8)" \
    "Accepted for delivery" "sendsms Bangla accepted"
like "$(sendsms 8801711000021 long "$LONG" --data-urlencode coding=2 --data-urlencode charset=UTF-8)" \
    "Accepted for delivery" "sendsms 3-part Bangla accepted"

# --- DLRs -----------------------------------------------------------------------
ok "...1: DLR 1 arrives" sk_wait_until 15 "" -- has_status d1 1
ok "...1: DLR 8 arrives" sk_wait_until 5 "" -- has_status d1 8
is "$(sorted d1)" "1 8" "...1: DLRs are 8 and 1"

ok "...2: DLR 2 arrives" sk_wait_until 15 "" -- has_status d2 2
ok "...2: DLR 8 arrives" sk_wait_until 5 "" -- has_status d2 8
is "$(sorted d2)" "2 8" "...2: DLRs are 8 and 2"

ok "...4: DLR 1 arrives" sk_wait_until 15 "" -- has_status d4 1
ok "...4: DLR 8 arrives" sk_wait_until 5 "" -- has_status d4 8
is "$(statuses d4 | tr ' ' '\n' | grep -v '^8$' | tr '\n' ' ' | sed 's/ $//')" \
    "4 1" "...4: DLR 4, then 1"

ok "...16: DLR 16 arrives" sk_wait_until 15 "" -- has_status d16 16
is "$(sorted d16)" "16" "...16: DLR 16 only"
like "$(grep '^/dlr?id=d16&' "$DLR_LOG" | head -n 1)" "answer=NACK%2F0x00000045" \
    "...16: %A carries the SMSC's 0x45"
like "$(grep '^/dlr?id=d1&status=1&' "$DLR_LOG" | head -n 1)" \
    "stat%3ADELIVRD" "...1: %A carries the receipt text"
fid=$(mt 8801711000001 .id | head -n 1)
like "$(grep '^/dlr?id=d1&status=1&' "$DLR_LOG" | head -n 1)" "fid=$fid&" \
    "...1: %F is the simulator's message id ($fid)"
diag "DLRs in $(($(sk_now_ms) - t0)) ms"

# --- text at the simulator -----------------------------------------------------
is "$(mt 8801711000001 .text)" "$GSM" "GSM 7-bit text arrives exact (incl. @ _ { } [ ] ~ €)"
is "$(mt 8801711000001 .coding)" "0" "GSM text: data_coding 0"
ok "Bangla reaches the simulator" sk_wait_until 10 "" -- mt_count_is 8801711000011 1
is "$(mt 8801711000011 .text)" "$BN" "Bangla text arrives byte-exact"
is "$(mt 8801711000011 .coding)" "8" "Bangla: data_coding 8 (UCS-2)"
is "$(mt 8801711000011 .hex)" \
    "$(printf '%s' "$BN" | iconv -f UTF-8 -t UTF-16BE | od -An -tx1 | tr -d ' \n')" \
    "Bangla: the payload is the UTF-16BE of the text"

ok "3-part Bangla: 3 parts reach the simulator" sk_wait_until 10 "" -- mt_count_is 8801711000021 3
is "$(mt 8801711000021 '"\(.part)/\(.parts)"' | sort | tr '\n' ' ')" "1/3 2/3 3/3 " \
    "3-part Bangla: parts 1/3, 2/3, 3/3"
is "$(mt 8801711000021 .ref | sort -u | wc -l)" "1" "3-part Bangla: one concatenation ref"
is "$(mt 8801711000021 '.text | length' | tr '\n' ' ')" "67 67 16 " \
    "3-part Bangla: 67 + 67 + 16 characters"
is "$(mt 8801711000021 'select(.full) | .full')" "$LONG" \
    "3-part Bangla: the joined parts are the text, byte-exact"
ok "3-part Bangla: DLR 1 (Kannel asks for a receipt on part 1 only)" \
    sk_wait_until 15 "" -- has_status long 1
diag "3-part DLRs: $(statuses long); registered_delivery per part: $(mt 8801711000021 .regd | tr '\n' ' ')"

# --- shutdown -------------------------------------------------------------------
# SIGTERM to the simulator while bound: it unbinds Kannel and exits 0.
kill -TERM "$SK_SMPPSIM_PID"
if sk_wait_exit "$SK_SMPPSIM_PID" 5; then
	wait "$SK_SMPPSIM_PID" 2>/dev/null && rc=0 || rc=$?
else
	rc=timeout
fi
is "$rc" 0 "simulator exits 0 on SIGTERM"
ok "simulator unbound Kannel before exiting" grep -q 'unbind_resp' "$SK_SMPPSIM_LOG"
ok "SIGTERM to bearerbox stops bearerbox and smsbox" sk_stop_kannel 10

done_testing
