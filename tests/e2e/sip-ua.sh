#!/usr/bin/env bash
# sip-ua.sh: the SIP user agent (ivr/sip.c) against real SIPp, through the
# tests/sipua harness (one line per event on stdout).  Inbound over UDP:
# a call answered and hung up by the caller, one hung up by us after a
# timer, CANCEL while it rings, a 200 never acknowledged (T1 shortened
# with -1: BYE and "noack" after 64*T1), re-INVITE, OPTIONS, no common
# codec (488), refused by the application (486), max_calls and the
# per-source rate (503), trunk_only (403), a malformed corpus (status
# codes or silence) and 3000 random mutations over UDP and TCP (a call
# still works afterwards), an INVITE retransmitted after our 200 (the 200
# again, no second call); inbound over TCP;
# outbound through a SIPp "trunk": answered then hung up by the far end,
# busy (486), ringing until our ring timeout (CANCEL, 487), a 401 digest
# challenge, the channel cap; REGISTER with digest; behind a
# record-routing Kamailio when it is installed.  Every harness must exit
# 0 at SIGTERM: under ASan a leak or an error would change that.
set -u
. "$top_srcdir/tests/lib/common.sh"
command -v sipp >/dev/null 2>&1 ||
    skip_all "sipp is not installed (apt-get install sip-tester)"
command -v python3 >/dev/null 2>&1 || skip_all "python3 is not installed"
UA=$top_builddir/tests/sipua
[ -x "$UA" ] || skip_all "tests/sipua is not built (make check builds it)"
sk_tmpdir
SC=$top_srcdir/tests/sipp
T=$SK_TMP
cd "$T" || bail "cannot cd to $T"

# ua_start NAME [OPTION...]: the harness in the background; sets UA_PID,
# UA_PORT and UA_OUT (its stdout and stderr).
ua_start() {
	local name=$1
	shift
	UA_OUT=$T/ua-$name.out
	sk_spawn "ua-$name" "$UA_OUT" "$UA" "$@"
	UA_PID=$SK_PID
	if ! sk_wait_until 10 "$UA_PID" -- grep -q '^port ' "$UA_OUT"; then
		diag "$(cat "$UA_OUT")"
		return 1
	fi
	UA_PORT=$(awk '/^port / { print $2; exit }' "$UA_OUT")
}

# ua_stop: SIGTERM, then its exit status in UA_RC (ASan turns leaks and
# errors into a non-zero status).
ua_stop() {
	kill -TERM "$UA_PID" 2>/dev/null
	if sk_wait_exit "$UA_PID" 15; then
		wait "$UA_PID" 2>/dev/null && UA_RC=0 || UA_RC=$?
	else
		UA_RC=timeout
		kill -KILL "$UA_PID" 2>/dev/null
	fi
	if [ "$UA_RC" != 0 ]; then
		diag "$(grep -v '^port ' "$UA_OUT" | tail -n 30)"
	fi
}

# ua_has PATTERN: the harness printed a line matching PATTERN (ERE).
ua_has() { grep -Eq -- "$1" "$UA_OUT"; }
# ua_count PATTERN
ua_count() { grep -Ec -- "$1" "$UA_OUT" || true; }
# ua_wait PATTERN [TIMEOUT]
ua_wait() { sk_wait_until "${2:-10}" "$UA_PID" -- ua_has "$1"; }

# sipp_run NAME SCENARIO [ARGS...]: one SIPp call from a free local port,
# bounded; its errors are printed when it fails.
sipp_run() {
	local name=$1 sf=$2 port rc
	shift 2
	port=$(sk_ports 1) || return 1
	port=${port%% *}
	timeout 60 sipp -sf "$sf" -i 127.0.0.1 -p "$port" -m 1 -nostdin \
	    -trace_err -error_file "$T/sipp-$name.err" -timeout 45 "$@" \
	    >"$T/sipp-$name.log" 2>&1 && rc=0 || rc=$?
	if [ "$rc" != 0 ]; then
		echo "sipp $name: exit $rc"
		tail -n 20 "$T/sipp-$name.err" "$T/sipp-$name.log" 2>/dev/null
	fi
	return "$rc"
}

# sipp_bg NAME SCENARIO [ARGS...]: SIPp in the background (a UAS on
# SIPP_PORT, or a long call); SIPP_PID.
sipp_bg() {
	local name=$1 sf=$2
	shift 2
	SIPP_PORT=$(sk_ports 1) || return 1
	SIPP_PORT=${SIPP_PORT%% *}
	sk_spawn "sipp-$name" "$T/sipp-$name.log" timeout 60 sipp -sf "$sf" \
	    -i 127.0.0.1 -p "$SIPP_PORT" -m 1 -nostdin -trace_err \
	    -error_file "$T/sipp-$name.err" -timeout 45 "$@"
	SIPP_PID=$SK_PID
}

# sipp_bg_rc NAME [TIMEOUT]: wait for the background SIPp; its exit
# status in SIPP_RC.
sipp_bg_rc() {
	if sk_wait_exit "$SIPP_PID" "${2:-30}"; then
		wait "$SIPP_PID" 2>/dev/null && SIPP_RC=0 || SIPP_RC=$?
	else
		SIPP_RC=timeout
		sk_kill "$SIPP_PID" 2
	fi
	[ "$SIPP_RC" = 0 ] || diag "$(tail -n 20 "$T/sipp-$1.err" \
	    "$T/sipp-$1.log" 2>/dev/null)"
}

# reject CODE FMT: the reject template for one expected final response.
reject() {
	sed -e "s/@CODE@/$1/g" -e "s/@FMT@/$2/" "$SC/ua-uac-reject.xml" \
	    >"$T/reject-$1.xml"
	echo "$T/reject-$1.xml"
}

# --- inbound over UDP: answered, caller hangs up -------------------------------
require "harness listens on a free port" ua_start main
ok "SIPp call answered, caller hangs up after 300 ms" \
    sipp_run bye "$SC/ua-uac-bye.xml" "127.0.0.1:$UA_PORT" -d 300
ua_wait '^ended .* remote 0$'
CID=$(awk '/^invite / { print $2; exit }' "$UA_OUT")
is "$(grep -E '^(invite|up|ended) ' "$UA_OUT" | sed 's/:[0-9]*$/:P/')" \
    "invite $CID 8801711000001
up $CID PCMU 127.0.0.1:P
ended $CID remote 0" "events: invite, up (PCMU), ended remote"

ok "the same over TCP (sipp -t t1)" \
    sipp_run tcp "$SC/ua-uac-bye.xml" "127.0.0.1:$UA_PORT" -t t1 -d 300
ua_wait '^ended .* remote 0$'
is "$(ua_count '^ended .* remote 0$')" 2 "TCP call ended by the caller's BYE"

ok "OPTIONS: 200 with Allow" \
    sipp_run options "$SC/ua-uac-options.xml" "127.0.0.1:$UA_PORT"
ok "re-INVITE: 200 with the same session, version 2, PCMA" \
    sipp_run reinvite "$SC/ua-uac-reinvite.xml" "127.0.0.1:$UA_PORT"
ua_wait '^ended .* remote 0$'
ok "cb->reinvite with the new codec" ua_has '^reinvite [^ ]+ PCMA$'
ok "no common codec (G.729 only): 488" \
    sipp_run r488 "$(reject 488 '18')" "127.0.0.1:$UA_PORT"

python3 "$SC/ua-malformed.py" "$UA_PORT" >"$T/malformed.out" 2>&1
want="garbage -
empty -
nul-bytes -
content-length-too-big 400
content-length-not-a-number 488
no-call-id -
no-via -
no-max-forwards 400
cseq-mismatch 400
bad-request-line -
sip-3.0 400
unknown-method 501
require-unknown 420
max-forwards-0 483
text-body 415
bad-sdp 400
huge-sdp 400
no-sdp 488
bye-unknown-dialog 481
ack-unknown -
stray-response -"
is "$(cat "$T/malformed.out")" "$want" \
    "malformed corpus: 400 when answerable, else silence; 4xx/5xx per check"
ok "3000 random mutations over UDP and TCP (seed 42)" \
    python3 "$SC/ua-malformed.py" "$UA_PORT" --mutate 3000 42
ok "harness survived them" sk_alive "$UA_PID"
ok "still answers a call after the corpus" \
    sipp_run after "$SC/ua-uac-bye.xml" "127.0.0.1:$UA_PORT" -d 100
kill -USR1 "$UA_PID"
ua_wait '^stats '
like "$(grep '^stats ' "$UA_OUT" | head -n 1)" ' bad=(9|[1-9][0-9]+) ' \
    "the unparsable ones are counted in bad_messages"
ua_stop
is "$UA_RC" 0 "harness exits 0 (no leak, no sanitizer error)"

# An INVITE retransmitted after our 200 (the 200 was "lost"): the same
# 200 again, no second call (RFC 3261 13.3.1.4).
rexmit() {
	python3 - "$UA_PORT" <<'EOF'
import re, socket, sys
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
me = s.getsockname()[1]
s.settimeout(2)
sdp = ("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
       "t=0 0\r\nm=audio 6000 RTP/AVP 0\r\n")
def msg(method, totag="", cseq=1, body=""):
    return ("%s sip:hotline@127.0.0.1:%d SIP/2.0\r\n"
            "Via: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKrx%s\r\n"
            "From: <sip:8801711000009@127.0.0.1>;tag=rx1\r\n"
            "To: <sip:hotline@127.0.0.1>%s\r\nCall-ID: rexmit@127.0.0.1\r\n"
            "CSeq: %d %s\r\nMax-Forwards: 70\r\n"
            "Contact: <sip:8801711000009@127.0.0.1:%d>\r\n%s"
            "Content-Length: %d\r\n\r\n%s" % (
                method, port, me, method if method == "BYE" else "", totag,
                cseq, method, me, "Content-Type: application/sdp\r\n"
                if body else "", len(body), body)).encode()
def final():
    while True:
        r = s.recv(65535).decode()
        code = r.split(" ", 2)[1]
        if code != "100":
            return code, re.search(r"^To:.*;tag=([^;\r]+)", r, re.M).group(1)
s.sendto(msg("INVITE", body=sdp), ("127.0.0.1", port))
c1, t1 = final()
s.sendto(msg("INVITE", body=sdp), ("127.0.0.1", port))
c2, t2 = final()
tag = ";tag=" + t1
s.sendto(msg("ACK", tag), ("127.0.0.1", port))
s.sendto(msg("BYE", tag, 2), ("127.0.0.1", port))
c3, _ = final()
print(c1, c2, "same-tag" if t1 == t2 else "other-tag", c3)
EOF
}
require "harness for a retransmitted INVITE" ua_start rexmit
is "$(rexmit 2>&1)" "200 200 same-tag 200" \
    "INVITE again after our 200: the same 200, then ACK and BYE work"
is "$(ua_count '^invite ')" 1 "one call, not two"
ok "it ended remote" ua_wait '^ended [^ ]+ remote 0$'
ua_stop
is "$UA_RC" 0 "harness exits 0"

# --- we hang up -------------------------------------------------------------------
require "harness with -H 300" ua_start hangup -H 300
ok "caller waits for our BYE" \
    sipp_run waitbye "$SC/ua-uac-wait-bye.xml" "127.0.0.1:$UA_PORT"
ok "ended local 0" ua_wait '^ended .* local 0$'
ok "and over TCP" \
    sipp_run waitbye-tcp "$SC/ua-uac-wait-bye.xml" "127.0.0.1:$UA_PORT" -t t1
ua_stop
is "$UA_RC" 0 "harness exits 0"

# --- CANCEL while ringing -----------------------------------------------------------
require "harness that rings for 2 s (-d 2000)" ua_start ring -d 2000
ok "CANCEL after 180: 200 for the CANCEL, 487 for the INVITE" \
    sipp_run cancel "$SC/ua-uac-cancel.xml" "127.0.0.1:$UA_PORT"
ok "ended remote 0" ua_wait '^ended .* remote 0$'
is "$(ua_count '^(up|answer-failed) ')" 0 "never answered, not up"
ua_stop
is "$UA_RC" 0 "harness exits 0"

# --- the 200 is never acknowledged -----------------------------------------------------
require "harness with T1 = 50 ms (-1 50)" ua_start noack -1 50
start=$(sk_now_ms)
ok "caller never ACKs: 200 retransmitted, then BYE" \
    sipp_run noack "$SC/ua-uac-noack.xml" "127.0.0.1:$UA_PORT"
ok "ended noack 0" ua_wait '^ended .* noack 0$' 10
took=$(($(sk_now_ms) - start))
ok "after about 64*T1 = 3.2 s (took ${took} ms)" \
    test "$took" -ge 3000 -a "$took" -lt 9000
kill -USR1 "$UA_PID"
ua_wait '^stats '
like "$(grep '^stats ' "$UA_OUT")" ' rtx=([5-9]|[1-9][0-9]+) ' \
    "the 200 was retransmitted (T1 doubling)"
ua_stop
is "$UA_RC" 0 "harness exits 0"

# --- refusals: by the application, max_calls, rate, trunk_only -----------------------
require "harness refusing with 486 (-r 486)" ua_start busy -r 486
ok "application refuses: 486" \
    sipp_run r486 "$(reject 486 '0')" "127.0.0.1:$UA_PORT"
is "$(ua_count '^ended ')" 0 "no cb->ended for a refused INVITE"
ua_stop
is "$UA_RC" 0 "harness exits 0"

require "harness with max_calls 1 (-m 1)" ua_start max -m 1
sipp_bg hold "$SC/ua-uac-bye.xml" "127.0.0.1:$UA_PORT" -d 2000
ua_wait '^up '
ok "second call while the first is up: 503" \
    sipp_run r503 "$(reject 503 '0')" "127.0.0.1:$UA_PORT"
sipp_bg_rc hold
is "$SIPP_RC" 0 "the first call went on and ended normally"
ua_stop
is "$UA_RC" 0 "harness exits 0"

require "harness with rate 1/s per source (-R 1)" ua_start rate -R 1
ok "first INVITE from 127.0.0.1 is taken" \
    sipp_run rate1 "$SC/ua-uac-bye.xml" "127.0.0.1:$UA_PORT" -d 10
ok "the next one within the second: 503" \
    sipp_run rate2 "$(reject 503 '0')" "127.0.0.1:$UA_PORT"
ua_stop
is "$UA_RC" 0 "harness exits 0"

require "harness with trunk_only, trunk 127.0.0.2" \
    ua_start trunkonly -T -t 127.0.0.2:5060
ok "INVITE from 127.0.0.1: 403" \
    sipp_run r403 "$(reject 403 '0')" "127.0.0.1:$UA_PORT"
ua_stop
is "$UA_RC" 0 "harness exits 0"

# --- outbound through a SIPp "trunk" ----------------------------------------------
# udp_bound PORT: something listens on 127.0.0.1:PORT (UDP).
udp_bound() {
	grep -q "^ *[0-9]*: 0100007F:$(printf '%04X' "$1") " /proc/net/udp
}

# dial NAME SCENARIO [HARNESS OPTION...]: a SIPp UAS as the trunk, then a
# harness dialling 8801711000010 through it.
dial() {
	local name=$1 sf=$2
	shift 2
	sipp_bg "$name" "$sf"
	sk_wait_until 10 "$SIPP_PID" -- udp_bound "$SIPP_PORT" || return 1
	ua_start "$name" -t "127.0.0.1:$SIPP_PORT" -D 8801711000010 "$@"
}

require "dial a trunk that answers, then hangs up" \
    dial answer "$SC/ua-uas-answer.xml"
ok "up with the trunk's codec (PCMA)" \
    ua_wait '^up [^ ]+ PCMA 127\.0\.0\.1:[0-9]+$'
ok "ended remote 0 (the trunk's BYE)" ua_wait '^ended [^ ]+ remote 0$'
sipp_bg_rc answer
is "$SIPP_RC" 0 "the trunk saw our offer (0 8 101), our ACK, our 200 to BYE"
is "$(awk '/^dial / { print $2 }' "$UA_OUT")" \
    "$(awk '/^up / { print $2 }' "$UA_OUT")" "the call dialled is the call up"
ua_stop
is "$UA_RC" 0 "harness exits 0"

require "dial a busy trunk" dial busy "$SC/ua-uas-busy.xml"
ok "ended busy 486" ua_wait '^ended [^ ]+ busy 486$'
sipp_bg_rc busy
is "$SIPP_RC" 0 "the trunk got the ACK for its 486"
ua_stop
is "$UA_RC" 0 "harness exits 0"

require "dial a trunk that only rings, ring timeout 1 s" \
    dial ring "$SC/ua-uas-ring.xml" -w 1
ok "ended noanswer 487" ua_wait '^ended [^ ]+ noanswer 487$'
sipp_bg_rc ring
is "$SIPP_RC" 0 "the trunk got our CANCEL and the ACK for its 487"
ua_stop
is "$UA_RC" 0 "harness exits 0"

require "dial a trunk that asks for digest credentials" \
    dial auth "$SC/ua-uas-auth.xml" -u alice -p secret -H 300
ok "up after the 401 and a second INVITE with credentials" ua_wait '^up '
ok "ended local 0 (our BYE after 300 ms)" ua_wait '^ended [^ ]+ local 0$'
sipp_bg_rc auth
is "$SIPP_RC" 0 "the trunk verified the credentials, got ACK and BYE"
ua_stop
is "$UA_RC" 0 "harness exits 0"

require "the same with a wrong password" \
    dial badauth "$SC/ua-uas-auth.xml" -u alice -p wrong
ok "ended rejected 403 (no second try)" \
    ua_wait '^ended [^ ]+ rejected 403$'
sipp_bg_rc badauth
ua_stop
is "$UA_RC" 0 "harness exits 0"

require "one channel, two dials" \
    dial channels "$SC/ua-uas-busy.xml" -c 1 -K 2
ok "the second dial is refused at once" ua_has '^dial-failed 8801711000010$'
is "$(ua_count '^dial [^ ]+ ')" 1 "only one call placed"
ua_wait '^ended [^ ]+ busy 486$'
sipp_bg_rc channels
ua_stop
is "$UA_RC" 0 "harness exits 0"

# --- REGISTER ----------------------------------------------------------------------
sipp_bg register "$SC/ua-uas-register.xml"
sk_wait_until 10 "$SIPP_PID" -- udp_bound "$SIPP_PORT"
require "harness registering with the trunk (-g 60)" \
    ua_start register -t "127.0.0.1:$SIPP_PORT" -u alice -p secret -g 60
ok "registered after the 401 challenge" ua_wait '^registered 1$'
sipp_bg_rc register
is "$SIPP_RC" 0 "the registrar verified the credentials"
ua_stop
is "$UA_RC" 0 "harness exits 0"

# --- behind a record-routing proxy (Kamailio) ------------------------------------------
if ! command -v kamailio >/dev/null 2>&1; then
	skip "Kamailio is not installed" 13
	done_testing
fi
KMOD=${SK_KAMAILIO_MODULES:-/usr/lib/x86_64-linux-gnu/kamailio/modules}

# kam_start TARGET_PORT: a stateful, record-routing relay on KAM_PORT that
# sends every new request to 127.0.0.1:TARGET_PORT and logs each request
# it relays ("relay METHOD from IP:PORT").
kam_start() {
	KAM_PORT=$(sk_ports 1) || return 1
	KAM_PORT=${KAM_PORT%% *}
	mkdir -p "$T/kam"
	sed -e "s|@PORT@|$KAM_PORT|" -e "s|@TARGET@|$1|" -e "s|@MPATH@|$KMOD|" \
	    >"$T/kam/kamailio.cfg" <<'EOF'
#!KAMAILIO
debug=2
log_stderror=yes
fork=yes
children=1
listen=udp:127.0.0.1:@PORT@
mpath="@MPATH@/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "maxfwd.so"
loadmodule "pv.so"
loadmodule "siputils.so"
loadmodule "textops.so"
loadmodule "xlog.so"
request_route {
	xlog("L_NOTICE", "relay $rm from $si:$sp\n");
	if (!mf_process_maxfwd_header("10")) {
		sl_send_reply("483", "Too Many Hops");
		exit;
	}
	if (has_totag()) {
		if (loose_route()) {
			t_relay();
			exit;
		}
		if (is_method("ACK")) {
			if (t_check_trans()) {
				t_relay();
			}
			exit;
		}
		sl_send_reply("404", "Not Here");
		exit;
	}
	if (is_method("INVITE")) {
		record_route();
	}
	$du = "sip:127.0.0.1:@TARGET@";
	if (!t_relay()) {
		sl_reply_error();
	}
}
EOF
	if ! kamailio -c -f "$T/kam/kamailio.cfg" >"$T/kam/check.log" 2>&1; then
		cat "$T/kam/check.log"
		return 1
	fi
	sk_spawn kamailio "$T/kam/kam.log" kamailio -f "$T/kam/kamailio.cfg" \
	    -P "$T/kam/kam.pid" -w "$T/kam" -DD -E
	KAM_PID=$SK_PID
	sk_wait_until 10 "$KAM_PID" -- udp_bound "$KAM_PORT"
}

require "harness with -H 300 behind Kamailio" ua_start proxied -H 300
require "Kamailio relays to it" kam_start "$UA_PORT"
ok "call through the proxy, we hang up" \
    sipp_run proxied "$SC/ua-uac-wait-bye.xml" "127.0.0.1:$KAM_PORT"
ok "ended local 0" ua_wait '^ended [^ ]+ local 0$'
ok "our BYE went through the proxy (Route from Record-Route)" \
    grep -q "relay BYE from 127.0.0.1:$UA_PORT" "$T/kam/kam.log"
ok "the caller's ACK came through the proxy too" \
    grep -q "relay ACK from 127.0.0.1" "$T/kam/kam.log"
ua_stop
is "$UA_RC" 0 "harness exits 0"
sk_kill "$KAM_PID" 5

sipp_bg ptrunk "$SC/ua-uas-answer.xml"
sk_wait_until 10 "$SIPP_PID" -- udp_bound "$SIPP_PORT"
require "Kamailio in front of the SIPp trunk" kam_start "$SIPP_PORT"
require "harness dialling through the proxy" \
    ua_start pdial -t "127.0.0.1:$KAM_PORT" -D 8801711000010
ok "up, then ended remote 0" ua_wait '^ended [^ ]+ remote 0$'
ok "our ACK for the 200 followed the reversed route set" \
    grep -q "relay ACK from 127.0.0.1:$UA_PORT" "$T/kam/kam.log"
sipp_bg_rc ptrunk
is "$SIPP_RC" 0 "the trunk behind the proxy saw the whole call"
ua_stop
is "$UA_RC" 0 "harness exits 0"
sk_kill "$KAM_PID" 5

done_testing
