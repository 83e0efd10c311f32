# shellcheck shell=bash
# common.sh: helpers for the end-to-end scenarios in tests/e2e/ (bash).
#
#	. "$top_srcdir/tests/lib/common.sh"
#	sk_tmpdir			# private dir, cleaned (and processes
#					# killed) on exit
#	sk_start_kannel			# optional: real bearerbox/smsbox/fakesmsc
#					# (SK_SMSC=smpp: an SMPP link to
#					# tests/smsc/smppsim.py instead)
#	sk_start_sanketd		# sanketd on free ports, SANKET_URL
#	sk_admin_token			# SANKET_TOKEN
#	ok "name" curl -fsS "$SANKET_URL/healthz"
#	is "$got" "$want" "name"
#	done_testing
#
# TAP: ok, require, is, like, skip, skip_all, diag, plan, bail,
# done_testing.
# Every wait is bounded (polling every 100 ms, never a fixed sleep); when a
# start fails the logs are printed as TAP comments instead of hanging.
# Every process started through sk_spawn runs in its own process group and
# is killed (TERM, then KILL) when the script exits, however it exits.
#
# Environment: top_srcdir and top_builddir (set by `make check`; when unset
# they default to this checkout and its build/asan, else build/release).
# SK_KEEP=1 keeps the temporary directory.  SK_VERBOSE=1 traces waits.

# --- locations --------------------------------------------------------------

if [ -z "${top_srcdir:-}" ]; then
	top_srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fi
if [ -z "${top_builddir:-}" ]; then
	if [ -x "$top_srcdir/build/asan/sanketd" ]; then
		top_builddir=$top_srcdir/build/asan
	else
		top_builddir=$top_srcdir/build/release
	fi
fi
export top_srcdir top_builddir

SK_BEARERBOX=${SK_BEARERBOX:-/usr/sbin/bearerbox}
SK_SMSBOX=${SK_SMSBOX:-/usr/sbin/smsbox}
SK_FAKESMSC=${SK_FAKESMSC:-/usr/lib/kannel/test/fakesmsc}
SK_PYTHON=${SK_PYTHON:-python3}
SK_SMPPSIM=${SK_SMPPSIM:-$top_srcdir/tests/smsc/smppsim.py}

# --- TAP ----------------------------------------------------------------------

SK_OK=1			# the last check passed
sk_n=0			# tests run
sk_failed=0		# tests failed
sk_planned=""		# the plan, when printed first

plan() {
	sk_planned=$1
	echo "1..$1"
}

diag() {
	local line
	printf '%s\n' "$@" | while IFS= read -r line; do
		printf '# %s\n' "$line"
	done
}

# The checks (ok, is, like) return 0 even when the check fails, so that a
# script under `set -e` goes on to its next check; SK_OK says how the last
# one went (1 passed, 0 failed).  `require` stops the script instead.

# ok NAME CMD [ARGS...]: run CMD (in this shell, so a function may set
# variables), pass when it exits 0.  CMD's output is kept aside and shown
# as comments when it fails.
ok() {
	local name=$1 out rc
	shift
	out=${SK_TMP:-${TMPDIR:-/tmp}}/.ok.$$.out
	"$@" >"$out" 2>&1 && rc=0 || rc=$?
	sk_n=$((sk_n + 1))
	if [ "$rc" = 0 ]; then
		echo "ok $sk_n - $name"
		SK_OK=1
	else
		echo "not ok $sk_n - $name"
		sk_failed=$((sk_failed + 1))
		SK_OK=0
		diag "command: $*" "exit $rc"
		[ ! -s "$out" ] || diag "$(tail -n 40 "$out")"
	fi
	rm -f "$out"
	return 0
}

# require NAME CMD [ARGS...]: ok, and when it fails end the script there
# (the tests after it depend on it).
require() {
	ok "$@"
	if [ "$SK_OK" = 0 ]; then
		diag "required check failed: stopping here"
		done_testing
	fi
}

# is GOT WANT NAME
is() {
	sk_n=$((sk_n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $sk_n - $3"
		SK_OK=1
		return 0
	fi
	echo "not ok $sk_n - $3"
	sk_failed=$((sk_failed + 1))
	SK_OK=0
	diag "got:  '$1'" "want: '$2'"
	return 0
}

# like GOT EXTENDED-REGEX NAME
like() {
	sk_n=$((sk_n + 1))
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		echo "ok $sk_n - $3"
		SK_OK=1
		return 0
	fi
	echo "not ok $sk_n - $3"
	sk_failed=$((sk_failed + 1))
	SK_OK=0
	diag "got:  '$(printf '%s' "$1" | head -c 2000)'" "want match: /$2/"
	return 0
}

# skip REASON [COUNT]
skip() {
	local i count=${2:-1}
	for ((i = 0; i < count; i++)); do
		sk_n=$((sk_n + 1))
		echo "ok $sk_n # SKIP $1"
	done
}

# skip_all REASON: the whole script is skipped (only before any test).
skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# bail REASON: stop the whole script.
bail() {
	echo "Bail out! $*"
	exit 1
}

done_testing() {
	[ -n "$sk_planned" ] || echo "1..$sk_n"
	if [ "$sk_failed" -gt 0 ]; then
		diag "failed $sk_failed of $sk_n"
	fi
	exit 0
}

# --- time and waiting -------------------------------------------------------

sk_now_ms() { date +%s%3N; }

sk_trace() { [ -z "${SK_VERBOSE:-}" ] || diag "$*"; }

# sk_alive PID: the process exists and is not a zombie.
sk_alive() {
	local st
	[ -r "/proc/$1/stat" ] || return 1
	st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# sk_wait_exit PID TIMEOUT: wait until PID is gone (or a zombie).
sk_wait_exit() {
	local pid=$1 end
	end=$(($(sk_now_ms) + $2 * 1000))
	while sk_alive "$pid"; do
		[ "$(sk_now_ms)" -lt "$end" ] || return 1
		sleep 0.05
	done
	return 0
}

# sk_wait_until TIMEOUT [PID] -- CMD...: poll CMD every 100 ms until it
# exits 0.  Fails early when PID (if not empty) dies.
sk_wait_until() {
	local timeout=$1 pid=$2 end
	shift 3
	end=$(($(sk_now_ms) + timeout * 1000))
	while :; do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		if [ -n "$pid" ] && ! sk_alive "$pid"; then
			sk_trace "process $pid died while waiting for: $*"
			return 1
		fi
		[ "$(sk_now_ms)" -lt "$end" ] || {
			sk_trace "timed out after ${timeout}s waiting for: $*"
			return 1
		}
		sleep 0.1
	done
}

# sk_wait_http URL TIMEOUT [PID]: until URL answers 2xx.
sk_wait_http() {
	sk_wait_until "$2" "${3:-}" -- curl -fsS -o /dev/null --max-time 2 "$1"
}

# sk_wait_http_any URL TIMEOUT [PID]: until URL answers at all (any status).
sk_wait_http_any() {
	sk_wait_until "$2" "${3:-}" -- curl -sS -o /dev/null --max-time 2 "$1"
}

# sk_tcp_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
sk_tcp_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# --- temporary directory, processes, cleanup --------------------------------

SK_TMP=""
SK_PIDS=""

# sk_tmpdir: create $SK_TMP and install the cleanup trap.
sk_tmpdir() {
	SK_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sanket-e2e.XXXXXX")
	export SK_TMP
	trap sk_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM HUP
}

# sk_spawn NAME LOG CMD...: start CMD in the background in its own process
# group, output to LOG; sets SK_PID and records it for the cleanup.
sk_spawn() {
	local name=$1 log=$2
	shift 2
	# Non-interactive bash: the child is not a group leader, so setsid
	# execs CMD in place and $! is CMD's own pid (= its process group).
	setsid "$@" >"$log" 2>&1 </dev/null &
	SK_PID=$!
	SK_PIDS="$SK_PIDS $SK_PID"
	echo "$SK_PID" >"$SK_TMP/$name.pid"
	sk_trace "started $name pid $SK_PID: $*"
}

# sk_kill PID [TIMEOUT]: SIGTERM to PID's process group, wait, then SIGKILL.
# Returns 0 when it went away after SIGTERM.
sk_kill() {
	local pid=$1 timeout=${2:-5}
	sk_alive "$pid" || { wait "$pid" 2>/dev/null; return 0; }
	kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
	if sk_wait_exit "$pid" "$timeout"; then
		wait "$pid" 2>/dev/null
		return 0
	fi
	kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
	sk_wait_exit "$pid" 2
	wait "$pid" 2>/dev/null
	return 1
}

# Processes whose command line names our private directory (a box that
# re-spawned itself under a new pid, for instance).
sk_pids_in_tmp() {
	local d pid
	[ -n "$SK_TMP" ] || return 0
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		[ "$pid" != $$ ] || continue
		if tr '\0' ' ' 2>/dev/null <"$d/cmdline" | grep -qF -- "$SK_TMP/"; then
			echo "$pid"
		fi
	done
}

# sk_dump_logs: the tail of every log in $SK_TMP, as TAP comments.
sk_dump_logs() {
	local f
	[ -n "$SK_TMP" ] && [ -d "$SK_TMP" ] || return 0
	while IFS= read -r f; do
		[ -s "$f" ] || continue
		diag "----- ${f#"$SK_TMP"/} (last 30 lines)"
		diag "$(tail -n 30 "$f")"
	done < <(find "$SK_TMP" -type f \( -name '*.log' -o -name '*.out' \) | sort)
}

sk_cleanup() {
	local rc=$? pid
	trap - EXIT INT TERM HUP
	set +e
	if [ "$sk_failed" -gt 0 ] || [ "$rc" != 0 ]; then
		sk_dump_logs
	fi
	for pid in $SK_PIDS; do
		sk_alive "$pid" && kill -TERM -- "-$pid" 2>/dev/null
	done
	for pid in $SK_PIDS; do
		sk_wait_exit "$pid" 5 || kill -KILL -- "-$pid" 2>/dev/null
	done
	for pid in $(sk_pids_in_tmp); do
		kill -KILL "$pid" 2>/dev/null
	done
	wait 2>/dev/null
	if [ -n "$SK_TMP" ] && [ -d "$SK_TMP" ]; then
		if [ -n "${SK_KEEP:-}" ]; then
			echo "# kept $SK_TMP"
		else
			rm -rf "$SK_TMP"
		fi
	fi
	exit "$rc"
}

# --- ports and secrets ------------------------------------------------------

# sk_ports N: N free loopback ports, space-separated, on stdout.
sk_ports() {
	local fp=$top_builddir/tests/freeport out
	if [ ! -x "$fp" ]; then
		echo "$fp not built (make check builds it)" >&2
		return 1
	fi
	out=$("$fp" "$1") || return 1
	printf '%s\n' "$out" | tr '\n' ' '
}

# sk_hex N: N random bytes as hex.
sk_hex() {
	od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}

# --- sanketd ----------------------------------------------------------------

SANKET_CONF=""

# sk_write_conf: $SK_TMP/sanket.conf on free ports, the database in $SK_TMP,
# pointing at the Kannel of sk_start_kannel when one runs.  Sets
# SANKET_CONF, SK_API_PORT, SK_CB_PORT.  Callers may append keys to the
# existing sections with sk_conf_set.
sk_write_conf() {
	local ports
	ports=$(sk_ports 2) || return 1
	read -r SK_API_PORT SK_CB_PORT <<<"$ports"
	SANKET_CONF=$SK_TMP/sanket.conf
	export SANKET_CONF SK_API_PORT SK_CB_PORT
	{
		echo "# written by tests/lib/common.sh"
		echo "[gateway]"
		echo "listen = 127.0.0.1:$SK_API_PORT"
		echo "callback_listen = 127.0.0.1:$SK_CB_PORT"
		echo "database = $SK_TMP/sanket.db"
		echo "callback_url = http://127.0.0.1:$SK_CB_PORT"
		echo
		echo "[kannel]"
		echo "sendsms_url = http://127.0.0.1:${SK_SENDSMS_PORT:-13013}/cgi-bin/sendsms"
		echo "username = sanket"
		echo "password = ${SK_SENDSMS_PASSWORD:=$(sk_hex 8)}"
		echo "sender = 16000"
		echo "rate = 100"
		echo "window = 10"
		if [ -n "${SK_ADMIN_PORT:-}" ]; then
			echo "status_url = http://127.0.0.1:$SK_ADMIN_PORT/status.txt"
			echo "status_password = $SK_STATUS_PASSWORD"
			echo "status_interval = 1"
		fi
		echo "callback_secret = $(sk_hex 16)"
		echo
		echo "[sip]"
		echo "; voice tests turn it on (sk_voice_conf)"
		echo "enable = no"
	} >"$SANKET_CONF"
	export SK_SENDSMS_PASSWORD
}

# sk_voice_conf: turn voice on in $SANKET_CONF: SIP on a free loopback
# port (SK_SIP_PORT), RTP on a free block of 64 ports, the shipped hotline
# menu with the prompts scripts/prompts.sh renders (once per build tree,
# in $top_builddir/tests/prompts, under a lock, since espeak-ng under the
# sanitizers takes a minute), recordings in $SK_TMP/recordings.
sk_voice_conf() {
	local prompts=$top_builddir/tests/prompts rtp
	SK_SIP_PORT=$(sk_ports 1) || return 1
	SK_SIP_PORT=${SK_SIP_PORT% }
	export SK_SIP_PORT
	rtp=$(sk_rtp_block 64) || return 1
	mkdir -p "$prompts" || return 1
	(
		flock -w 300 9 || exit 1
		bash "$top_srcdir/scripts/prompts.sh" --sanket \
		    "$top_builddir/sanket" "$prompts" >"$SK_TMP/prompts.log" 2>&1
	) 9>"$prompts.lock" || { cat "$SK_TMP/prompts.log" >&2; return 1; }
	ln -sfn "$prompts" "$SK_TMP/prompts"
	# Menu prompts are relative to the menu's directory.
	mkdir -p "$SK_TMP/menu"
	cp "$top_srcdir/etc/ivr-menu.conf" "$SK_TMP/menu/ivr-menu.conf"
	ln -sfn "$prompts" "$SK_TMP/menu/prompts"
	sk_conf_set sip enable yes
	sk_conf_set sip listen "127.0.0.1:$SK_SIP_PORT"
	sk_conf_set sip rtp_ports "$rtp"
	sk_conf_set ivr prompts "$prompts"
	sk_conf_set ivr menu "$SK_TMP/menu/ivr-menu.conf"
	sk_conf_set ivr recordings "$SK_TMP/recordings"
}

# sk_rtp_block N: an even-started range of N loopback UDP ports that are
# free now ("LO-HI"), probed with python3.
sk_rtp_block() {
	"$SK_PYTHON" - "$1" <<'PY'
import random, socket, sys
n = int(sys.argv[1])
for _ in range(200):
    lo = random.randrange(20000, 60000 - n) & ~1
    socks = []
    try:
        for p in range(lo, lo + n):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            socks.append(s)
            s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    print("%d-%d" % (lo, lo + n - 1))
    sys.exit(0)
sys.exit(1)
PY
}

# sk_conf_set SECTION KEY VALUE: set KEY in [SECTION] of $SANKET_CONF
# (replaced when present, else added at the end of the section).
sk_conf_set() {
	local tmp=$SANKET_CONF.new
	awk -v s="[$1]" -v k="$2" -v v="$3" '
	function flush() { if (insec && !done) { print k " = " v; done = 1 } }
	/^[ \t]*\[/ { flush(); insec = ($0 == s); print; next }
	insec {
		key = $0
		sub(/[ \t]*=.*/, "", key)
		sub(/^[ \t]+/, "", key)
		if (key == k) {
			if (!done) print k " = " v
			done = 1
			next
		}
	}
	{ print }
	END { flush(); if (!done) { print ""; print s; print k " = " v } }
	' "$SANKET_CONF" >"$tmp" && mv "$tmp" "$SANKET_CONF"
}

# sk_start_sanketd [CONF]: start sanketd -d (foreground) on CONF (default:
# sk_write_conf's, written if missing), log in $SK_TMP/sanketd.log, wait
# for /healthz (20 s).  Sets SK_SANKETD_PID; exports SANKET_URL.
# shellcheck disable=SC2120 # CONF is optional
sk_start_sanketd() {
	local conf=${1:-}
	if [ -z "$conf" ]; then
		[ -f "$SANKET_CONF" ] || sk_write_conf || return 1
		conf=$SANKET_CONF
	fi
	if [ ! -x "$top_builddir/sanketd" ]; then
		echo "$top_builddir/sanketd not built" >&2
		return 1
	fi
	local port
	port=$(sed -n 's/^listen *= *[^:]*:\([0-9]*\).*/\1/p' "$conf" | head -n 1)
	SANKET_URL=http://127.0.0.1:$port
	export SANKET_URL
	sk_spawn sanketd "$SK_TMP/sanketd.log" "$top_builddir/sanketd" -d -c "$conf"
	SK_SANKETD_PID=$SK_PID
	if ! sk_wait_http "$SANKET_URL/healthz" 20 "$SK_SANKETD_PID"; then
		if sk_alive "$SK_SANKETD_PID"; then
			diag "sanketd did not answer $SANKET_URL/healthz within 20 s"
		else
			diag "sanketd exited before answering $SANKET_URL/healthz"
		fi
		diag "$(tail -n 40 "$SK_TMP/sanketd.log" 2>/dev/null)"
		return 1
	fi
	sk_trace "sanketd up at $SANKET_URL"
}

# sk_stop_sanketd [TIMEOUT]: SIGTERM, wait; sets SK_SANKETD_RC (the exit
# status, or "timeout").  Returns 0 when it exited in time.
sk_stop_sanketd() {
	local pid=$SK_SANKETD_PID timeout=${1:-5}
	export SK_SANKETD_RC=timeout
	kill -TERM "$pid" 2>/dev/null || true
	if ! sk_wait_exit "$pid" "$timeout"; then
		kill -KILL -- "-$pid" 2>/dev/null
		sk_wait_exit "$pid" 2
		wait "$pid" 2>/dev/null
		return 1
	fi
	wait "$pid" 2>/dev/null && SK_SANKETD_RC=0 || SK_SANKETD_RC=$?
	return 0
}

# sk_admin_token [CONF]: bootstrap an admin token on the database directly.
# shellcheck disable=SC2120 # CONF is optional
sk_admin_token() {
	local conf=${1:-$SANKET_CONF} out
	if ! out=$("$top_builddir/sanket" token create --role admin -c "$conf" 2>"$SK_TMP/token.err"); then
		diag "sanket token create failed:"
		diag "$(cat "$SK_TMP/token.err")"
		return 1
	fi
	SANKET_TOKEN=$(printf '%s\n' "$out" | tail -n 1)
	export SANKET_TOKEN
	[ -n "$SANKET_TOKEN" ]
}

# sk_start_sms RATE WINDOW: the SMS scenarios' common start, each step a
# required check: Kannel, sanketd at [kannel] rate RATE/s and window
# WINDOW, an admin token, the sample areas imported.
sk_start_sms() {
	require "Kannel starts" sk_start_kannel
	sk_conf_set kannel rate "$1"
	sk_conf_set kannel window "$2"
	require "sanketd starts (rate $1/s, window $2)" sk_start_sanketd
	require "admin token" sk_admin_token
	sk_req POST /api/v1/areas --data-binary @"$top_srcdir/etc/sample/areas.csv"
	require "sample areas imported" test "$CODE" = 200
}

# sk_import_split_recipients SEED N UNION_B NB UNION_C NC: import
# N + NB + NC recipients made by sk_gen_recipients with SEED, one file so no
# number repeats: the first N in Kutubdia's six unions (upazila 202245), the
# next NB moved to union UNION_B and the last NC to union UNION_C.  Checks
# that all were created.
sk_import_split_recipients() {
	local n=$2 nb=$4 nc=$6
	sk_gen_recipients $((n + nb + nc)) "$1" \
	    20224510 20224520 20224530 20224540 20224550 20224560 |
	    awk -F, -v OFS=, -v a="$n" -v b="$nb" -v ub="$3" -v uc="$5" '
		NR > 1 + a + b { $2 = uc }
		NR > 1 + a && NR <= 1 + a + b { $2 = ub }
		{ print }' >"$SK_TMP/recipients.csv"
	sk_req POST /api/v1/recipients --data-binary @"$SK_TMP/recipients.csv"
	is "$CODE:$(sk_jq .created)" "200:$((n + nb + nc))" "recipients imported"
}

# sk_healthz_field FIELD: a string field of GET /healthz ("" if none).
sk_healthz_field() {
	curl -sS --max-time 2 "$SANKET_URL/healthz" 2>/dev/null |
	    sed -n "s/.*\"$1\" *: *\"\([^\"]*\)\".*/\1/p"
}

# --- Kannel -----------------------------------------------------------------

# sk_have_kannel: bearerbox, smsbox and fakesmsc are installed.
sk_have_kannel() {
	[ -x "$SK_BEARERBOX" ] && [ -x "$SK_SMSBOX" ] && [ -x "$SK_FAKESMSC" ]
}

# sk_kannel_status: bearerbox's status.txt (fails when it does not answer).
sk_kannel_status() {
	curl -fsS --max-time 2 \
	    "http://127.0.0.1:$SK_ADMIN_PORT/status.txt?password=$SK_STATUS_PASSWORD"
}

sk_fake_online() {
	sk_kannel_status | grep -q 'FAKE.*(online'
}

# sk_smpp_online: bearerbox's SMPP link to the simulator is bound.
sk_smpp_online() {
	sk_kannel_status | grep -q 'SMPPSIM\[.*(online'
}

# sk_start_smppsim [ARGS...]: the SMPP 3.4 SMSC simulator
# (tests/smsc/smppsim.py, ARGS passed on) on a free port; waits until the
# port accepts (10 s).  Bind credentials SK_SMPP_SYSTEM_ID (default sanket)
# and SK_SMPP_PASSWORD (default random, 8 characters); SK_SMPP_MSG_ID_TYPE
# 0x00 (default, decimal ids) or 0x03 (hex ids).  Sets SK_SMPP_PORT,
# SK_SMPPSIM_PID, SK_SMPPSIM_LOG (its log) and SK_SMPPSIM_OUT (one JSON
# line per submit_sm: to, from, text, coding, parts, part, ref, id, ...).
# The recipient's last digits choose the outcome: ...16 rejected (DLR 16),
# ...2 undelivered (DLR 2), ...4 enroute then delivered (DLR 4, then 1),
# anything else delivered (DLR 1); DLR 8 for every accepted part.
# shellcheck disable=SC2120 # ARGS are optional
sk_start_smppsim() {
	local port idfmt
	if [ ! -r "$SK_SMPPSIM" ] || ! command -v "$SK_PYTHON" >/dev/null; then
		diag "$SK_PYTHON or $SK_SMPPSIM missing"
		return 1
	fi
	port=$(sk_ports 1) || return 1
	SK_SMPP_PORT=${port%% *}
	SK_SMPP_SYSTEM_ID=${SK_SMPP_SYSTEM_ID:-sanket}
	SK_SMPP_PASSWORD=${SK_SMPP_PASSWORD:-$(sk_hex 4)}
	SK_SMPP_MSG_ID_TYPE=${SK_SMPP_MSG_ID_TYPE:-0x00}
	case $SK_SMPP_MSG_ID_TYPE in
	0x00) idfmt=dec ;;
	0x03) idfmt=hex ;;
	*) diag "SK_SMPP_MSG_ID_TYPE must be 0x00 or 0x03"; return 1 ;;
	esac
	SK_SMPPSIM_LOG=$SK_TMP/smppsim.log
	SK_SMPPSIM_OUT=$SK_TMP/smppsim.out
	export SK_SMPP_PORT SK_SMPP_SYSTEM_ID SK_SMPP_PASSWORD \
	    SK_SMPP_MSG_ID_TYPE SK_SMPPSIM_LOG SK_SMPPSIM_OUT
	sk_spawn smppsim "$SK_TMP/smppsim-stderr.log" "$SK_PYTHON" "$SK_SMPPSIM" \
	    --log "$SK_SMPPSIM_LOG" --out "$SK_SMPPSIM_OUT" \
	    --system-id "$SK_SMPP_SYSTEM_ID" --password "$SK_SMPP_PASSWORD" \
	    --id-format "$idfmt" "$@" "$SK_SMPP_PORT"
	SK_SMPPSIM_PID=$SK_PID
	export SK_SMPPSIM_PID
	if ! sk_wait_until 10 "$SK_SMPPSIM_PID" -- sk_tcp_open "$SK_SMPP_PORT"; then
		diag "smppsim.py did not listen on $SK_SMPP_PORT"
		diag "$(tail -n 20 "$SK_TMP/smppsim-stderr.log" 2>/dev/null)"
		return 1
	fi
	sk_trace "smppsim up on $SK_SMPP_PORT"
}

# sk_kannel_write_conf DIR: DIR/kannel.conf from etc/kannel-local.conf.in
# (SK_ADMIN_PORT, SK_SMSBOX_PORT, SK_FAKE_PORT, SK_STATUS_PASSWORD,
# SK_ADMIN_PASSWORD) plus the groups `sanket kannel-config` prints for
# $SANKET_CONF.  With SK_SMSC=smpp the fake SMSC group is left out and
# etc/kannel-smpp.conf.in (SK_SMPP_PORT, SK_SMPP_SYSTEM_ID,
# SK_SMPP_PASSWORD, SK_SMPP_MSG_ID_TYPE) is added instead.
sk_kannel_write_conf() {
	local dir=$1 conf groups
	conf=$dir/kannel.conf
	sed -e "s|@DIR@|$dir|g" \
	    -e "s|@ADMIN_PORT@|$SK_ADMIN_PORT|g" \
	    -e "s|@SMSBOX_PORT@|$SK_SMSBOX_PORT|g" \
	    -e "s|@FAKE_PORT@|$SK_FAKE_PORT|g" \
	    -e "s|@STATUS_PASSWORD@|$SK_STATUS_PASSWORD|g" \
	    -e "s|@ADMIN_PASSWORD@|$SK_ADMIN_PASSWORD|g" \
	    "$top_srcdir/etc/kannel-local.conf.in" >"$conf.new"
	if [ "${SK_SMSC:-fake}" = smpp ]; then
		# Drop the paragraph that holds the fake SMSC group, so that
		# every MT goes to the SMPP link.
		awk 'BEGIN { RS = ""; ORS = "\n\n" }
		    !/(^|\n)[ \t]*smsc[ \t]*=[ \t]*"?fake/' \
		    "$conf.new" >"$conf.smpp"
		if grep -Eq '^[[:space:]]*smsc[[:space:]]*=[[:space:]]*"?fake' \
		    "$conf.smpp"; then
			diag "could not remove the fake SMSC group"
			return 1
		fi
		sed -e "s|@SMPP_PORT@|$SK_SMPP_PORT|g" \
		    -e "s|@SMPP_SYSTEM_ID@|${SK_SMPP_SYSTEM_ID:-sanket}|g" \
		    -e "s|@SMPP_PASSWORD@|${SK_SMPP_PASSWORD:-}|g" \
		    -e "s|@SMPP_MSG_ID_TYPE@|${SK_SMPP_MSG_ID_TYPE:-0x00}|g" \
		    "$top_srcdir/etc/kannel-smpp.conf.in" >>"$conf.smpp"
		mv "$conf.smpp" "$conf.new"
	fi
	# The smsbox, sendsms-user and sms-service groups come from sanket
	# itself, so the tests exercise what operators paste.
	if ! groups=$("$top_builddir/sanket" kannel-config -c "$SANKET_CONF" \
	    --bearerbox-port "$SK_SMSBOX_PORT" --log-dir "$dir" 2>"$dir/kannel-config.err"); then
		diag "sanket kannel-config failed: $(cat "$dir/kannel-config.err")"
		return 1
	fi
	printf '\n%s\n' "$groups" >>"$conf.new"
	mv "$conf.new" "$conf"
}

# sk_kannel_run DIR: start bearerbox, smsbox and fakesmsc (an MT sink, -m 0,
# printing every MT to DIR/fakesmsc.log) on DIR/kannel.conf and wait until
# each is ready (20 s each).  Sets SK_BEARERBOX_PID, SK_SMSBOX_PID,
# SK_FAKESMSC_PID, SK_FAKESMSC_LOG.  With SK_SMSC=smpp: no fakesmsc
# (SK_FAKESMSC_PID empty); waits until the SMPP link to the simulator is
# bound instead.
sk_kannel_run() {
	local dir=$1
	sk_spawn bearerbox "$dir/bearerbox.out" "$SK_BEARERBOX" -v 1 "$dir/kannel.conf"
	SK_BEARERBOX_PID=$SK_PID
	if ! sk_wait_until 20 "$SK_BEARERBOX_PID" -- sk_kannel_status; then
		diag "bearerbox did not come up (admin port $SK_ADMIN_PORT)"
		sk_dump_logs
		return 1
	fi
	sk_spawn smsbox "$dir/smsbox.out" "$SK_SMSBOX" -v 1 "$dir/kannel.conf"
	SK_SMSBOX_PID=$SK_PID
	if ! sk_wait_until 20 "$SK_SMSBOX_PID" -- sk_tcp_open "$SK_SENDSMS_PORT"; then
		diag "smsbox did not open sendsms port $SK_SENDSMS_PORT"
		sk_dump_logs
		return 1
	fi
	if [ "${SK_SMSC:-fake}" = smpp ]; then
		SK_FAKESMSC_PID="" SK_FAKESMSC_LOG=""
		if ! sk_wait_until 20 "$SK_BEARERBOX_PID" -- sk_smpp_online; then
			diag "bearerbox did not bind to the SMPP simulator on ${SK_SMPP_PORT:-?}"
			sk_dump_logs
			return 1
		fi
		export SK_BEARERBOX_PID SK_SMSBOX_PID SK_FAKESMSC_PID SK_FAKESMSC_LOG
		sk_trace "Kannel up (SMPP): admin $SK_ADMIN_PORT sendsms $SK_SENDSMS_PORT"
		return 0
	fi
	SK_FAKESMSC_LOG=$dir/fakesmsc.log
	sk_spawn fakesmsc "$SK_FAKESMSC_LOG" "$SK_FAKESMSC" -H 127.0.0.1 \
	    -r "$SK_FAKE_PORT" -m 0 "16000 8801711000001 text sink"
	SK_FAKESMSC_PID=$SK_PID
	if ! sk_wait_until 20 "$SK_FAKESMSC_PID" -- sk_fake_online; then
		diag "fakesmsc did not connect to the fake SMSC on $SK_FAKE_PORT"
		sk_dump_logs
		return 1
	fi
	export SK_BEARERBOX_PID SK_SMSBOX_PID SK_FAKESMSC_PID SK_FAKESMSC_LOG
	sk_trace "Kannel up: admin $SK_ADMIN_PORT sendsms $SK_SENDSMS_PORT"
}

# sk_start_kannel: bearerbox, smsbox and fakesmsc on free ports, state in
# $SK_TMP/kannel.  Writes sanket.conf first (so that its [kannel] section
# points here) unless it exists.  Sets SK_ADMIN_PORT, SK_SMSBOX_PORT,
# SK_FAKE_PORT, SK_SENDSMS_PORT, SK_STATUS_PASSWORD, SK_ADMIN_PASSWORD,
# SK_KANNEL_DIR and what sk_kannel_run sets.
# SK_SMSC=smpp: no fake SMSC; an SMPP smsc group (smsc-id SMPPSIM) bound to
# the simulator of sk_start_smppsim (started here unless SK_SMPPSIM_PID
# runs), so every sendsms goes there.
sk_start_kannel() {
	local ports try f pid
	sk_have_kannel || { diag "Kannel is not installed"; return 1; }
	if [ "${SK_SMSC:-fake}" = smpp ]; then
		if [ -z "${SK_SMPPSIM_PID:-}" ] || ! sk_alive "$SK_SMPPSIM_PID"; then
			# shellcheck disable=SC2119 # no simulator ARGS here
			sk_start_smppsim || return 1
		fi
	fi
	SK_STATUS_PASSWORD=$(sk_hex 8)
	SK_ADMIN_PASSWORD=$(sk_hex 8)
	SK_KANNEL_DIR=$SK_TMP/kannel
	export SK_STATUS_PASSWORD SK_ADMIN_PASSWORD SK_KANNEL_DIR
	mkdir -p "$SK_KANNEL_DIR"
	# A port may still be taken between tests/freeport and bearerbox's
	# bind (bearerbox then panics): up to 3 tries, each on new ports.
	for try in 1 2 3; do
		ports=$(sk_ports 4) || return 1
		read -r SK_ADMIN_PORT SK_SMSBOX_PORT SK_FAKE_PORT SK_SENDSMS_PORT <<<"$ports"
		export SK_ADMIN_PORT SK_SMSBOX_PORT SK_FAKE_PORT SK_SENDSMS_PORT
		if [ ! -f "$SANKET_CONF" ]; then
			sk_write_conf || return 1
		else
			sk_conf_set kannel sendsms_url \
			    "http://127.0.0.1:$SK_SENDSMS_PORT/cgi-bin/sendsms"
			! grep -q '^status_url' "$SANKET_CONF" ||
			    sk_conf_set kannel status_url \
			    "http://127.0.0.1:$SK_ADMIN_PORT/status.txt"
		fi
		sk_kannel_write_conf "$SK_KANNEL_DIR" || return 1
		SK_BEARERBOX_PID="" SK_SMSBOX_PID="" SK_FAKESMSC_PID=""
		sk_kannel_run "$SK_KANNEL_DIR" && return 0
		[ "$try" = 3 ] && break
		diag "Kannel did not start on ports $ports(try $try): trying new ones"
		for pid in $SK_FAKESMSC_PID $SK_SMSBOX_PID $SK_BEARERBOX_PID; do
			sk_kill "$pid" 5
		done
		# Kept for the log dump (*.log), not read as fakesmsc output.
		for f in bearerbox smsbox access fakesmsc; do
			[ ! -f "$SK_KANNEL_DIR/$f.log" ] ||
			    mv "$SK_KANNEL_DIR/$f.log" "$SK_KANNEL_DIR/$f.try$try.log"
		done
	done
	return 1
}

# sk_stop_kannel [TIMEOUT]: SIGTERM to bearerbox (smsbox and fakesmsc
# follow), wait for all three.  Returns 0 when all exited in time.
sk_stop_kannel() {
	local timeout=${1:-10} rc=0 pid
	kill -TERM "$SK_BEARERBOX_PID" 2>/dev/null || true
	for pid in $SK_BEARERBOX_PID $SK_SMSBOX_PID $SK_FAKESMSC_PID; do
		if ! sk_wait_exit "$pid" "$timeout"; then
			rc=1
			sk_kill "$pid" 2
		fi
		wait "$pid" 2>/dev/null
	done
	return "$rc"
}

# --- SMS scenarios (tests/e2e/sms-*.sh) ---------------------------------------
#
#	sk_req METHOD PATH [CURL-ARGS...]	# API call as $SANKET_TOKEN: CODE, BODY
#	sk_jq FILTER				# jq -r FILTER on BODY
#	sk_db SQL				# sqlite3 on sanketd's database
#	sk_metric NAME{LABELS}			# a /metrics sample's value (0 if none)
#	sk_gen_recipients N SEED UNION...	# recipients CSV over chosen unions
#	sk_fake_msgs				# every MT fakesmsc got, decoded
#	sk_fake_count				# how many (parts reassembled)
#	sk_restart_kannel			# Kannel again on the same ports
#	sk_restart_sanketd			# sanketd again on the same config
#	sk_dlr_sign ID ATTEMPT TS		# the h= of a dlr-url
#	sk_alert_settled ID			# nothing queued or in flight

# sk_req METHOD PATH [CURL-ARGS...]: METHOD $SANKET_URL/PATH with
# $SANKET_TOKEN (SK_REQ_TOKEN overrides; empty for none); sets CODE (the
# HTTP status, 000 when nothing answered) and BODY.
sk_req() {
	local m=$1 p=$2 t=${SK_REQ_TOKEN-${SANKET_TOKEN:-}} out
	shift 2
	out=$(curl -sS --max-time 20 -X "$m" -o - -w '\n%{http_code}' \
	    ${t:+-H "Authorization: Bearer $t"} "$@" "$SANKET_URL$p" 2>&1) || true
	CODE=${out##*$'\n'}
	BODY=${out%$'\n'*}
	[ "$CODE" != "$out" ] || BODY=""
}

# sk_jq FILTER: jq -r FILTER on $BODY (empty when BODY is not JSON).
sk_jq() {
	printf '%s' "$BODY" | jq -r "$1" 2>/dev/null
}

# sk_db SQL: a read on sanketd's database (the daemon keeps running).
sk_db() {
	sqlite3 -cmd '.timeout 5000' "$SK_TMP/sanket.db" "$1"
}

# sk_metric SAMPLE: the value of one /metrics sample, SAMPLE written as in
# the exposition (`sanket_sms_total{outcome="kannel_down"}`); 0 when absent.
sk_metric() {
	curl -sS --max-time 5 "$SANKET_URL/metrics" 2>/dev/null |
	    awk -v s="$1" 'index($0, s " ") == 1 { v = $2 } END { print v + 0 }'
}

# sk_gen_recipients N SEED UNION...: a recipients CSV (header and N rows,
# scripts/gen-recipients.sh: varied number forms, about 70 % bn, channels
# sms/voice/both) over the given union codes of etc/sample/areas.csv only.
sk_gen_recipients() {
	local n=$1 seed=$2 areas=$SK_TMP/.gen-areas.$$.csv
	shift 2
	{
		echo "code,parent,level,name_en,name_bn"
		printf '%s\n' "$@" | awk -F, 'NR == FNR { want[$1] = 1; next }
		    $3 == "union" && ($1 in want)' - "$top_srcdir/etc/sample/areas.csv"
	} >"$areas"
	if [ "$(($(wc -l <"$areas") - 1))" != "$#" ]; then
		echo "sk_gen_recipients: not all of $* are sample unions" >&2
		return 1
	fi
	SK_AREAS=$areas "$top_srcdir/scripts/gen-recipients.sh" "$n" "$seed"
	rm -f "$areas"
}

# sk_fake_logs: fakesmsc's output files, oldest first (sk_restart_kannel
# keeps the earlier ones as fakesmsc.log.1, .2, ...).
sk_fake_logs() {
	local d=${SK_KANNEL_DIR:-$SK_TMP/kannel} i=1
	while [ -f "$d/fakesmsc.log.$i" ]; do
		echo "$d/fakesmsc.log.$i"
		i=$((i + 1))
	done
	[ ! -f "$d/fakesmsc.log" ] || echo "$d/fakesmsc.log"
}

# sk_fake_msgs: every MT fakesmsc printed (`Got message N: <from to type
# data>`), one line per message in order of arrival: "+TO<TAB>TEXT" (E.164
# like sanketd's numbers; TEXT UTF-8 with \, tab and newline escaped as \\,
# \t, \n).  `ucs-2` payloads are URL-encoded UTF-16BE; concatenated parts
# (`udh 050003REFTOTALSEQ data PAYLOAD`) are joined by (to, ref) and the
# message counts when its last part arrives; a joined payload is UTF-16BE
# when every high byte is below 0x30 (Bangla 0x09xx, ASCII 0x00xx), else
# UTF-8 (GSM 7-bit text).  A part that never completes is not listed.
sk_fake_msgs() {
	# shellcheck disable=SC2046 # one argument per file; no spaces in SK_TMP
	"$SK_PYTHON" - $(sk_fake_logs) <<'EOF'
import re, sys, urllib.parse
pat = re.compile(rb'Got message \d+: <(\S+) (\S+) (\S+) (.*)>\s*$')
def unq(b):
    return urllib.parse.unquote_to_bytes(b.replace(b'+', b'%20'))
def esc(s):
    return s.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')
def text(raw):
    if len(raw) % 2 == 0 and all(c < 0x30 for c in raw[0::2]):
        try:
            return raw.decode('utf-16-be')
        except UnicodeDecodeError:
            pass
    return raw.decode('utf-8', 'replace')
out = sys.stdout
pending = {}
for path in sys.argv[1:]:
    with open(path, 'rb') as f:
        for line in f:
            m = pat.search(line)
            if not m:
                continue
            to, typ, data = m.group(2).decode(), m.group(3), m.group(4)
            to = '+' + to.lstrip('+')
            if typ == b'text':
                out.write(to + '\t' + esc(data.decode('utf-8', 'replace')) + '\n')
            elif typ == b'ucs-2':
                out.write(to + '\t' + esc(unq(data).decode('utf-16-be', 'replace')) + '\n')
            elif typ == b'udh':
                udh, _, rest = data.partition(b' ')
                _, _, payload = rest.partition(b' ')
                u = unq(udh)
                if len(u) >= 6 and u[1] == 0 and u[2] == 3:
                    key = (to, u[3], u[4])
                    parts = pending.setdefault(key, {})
                    parts[u[5]] = unq(payload)
                    if len(parts) == u[4]:
                        raw = b''.join(parts[i] for i in sorted(parts))
                        del pending[key]
                        out.write(to + '\t' + esc(text(raw)) + '\n')
                else:
                    out.write(to + '\t' + esc(text(unq(payload))) + '\n')
            else:
                out.write(to + '\t' + esc(unq(data).decode('utf-8', 'replace')) + '\n')
EOF
}

# sk_fake_count: the number of MTs fakesmsc printed, parts not joined (a
# fast count for polling; 0 before the first).
sk_fake_count() {
	local f n=0 c
	for f in $(sk_fake_logs); do
		c=$(grep -c 'Got message ' "$f" 2>/dev/null) || true
		n=$((n + ${c:-0}))
	done
	echo "$n"
}

# sk_fake_count_at_least N: fakesmsc printed N MTs or more (for polling).
sk_fake_count_at_least() {
	[ "$(sk_fake_count)" -ge "$1" ]
}

# sk_restart_kannel: start bearerbox, smsbox and fakesmsc again on the
# ports and kannel.conf of sk_start_kannel (after sk_stop_kannel, or once
# they died); the previous fakesmsc output is kept as fakesmsc.log.N for
# sk_fake_msgs.  The same waits as sk_kannel_run.
sk_restart_kannel() {
	local d=$SK_KANNEL_DIR i=1 pid
	for pid in ${SK_BEARERBOX_PID:-} ${SK_SMSBOX_PID:-} ${SK_FAKESMSC_PID:-}; do
		if sk_alive "$pid"; then
			echo "sk_restart_kannel: pid $pid still runs" >&2
			return 1
		fi
	done
	if [ -f "$d/fakesmsc.log" ]; then
		while [ -f "$d/fakesmsc.log.$i" ]; do i=$((i + 1)); done
		mv "$d/fakesmsc.log" "$d/fakesmsc.log.$i"
	fi
	for i in bearerbox smsbox; do
		[ ! -f "$d/$i.out" ] || cat "$d/$i.out" >>"$d/$i.out.old"
	done
	sk_kannel_run "$d"
}

# sk_restart_sanketd: start sanketd again on $SANKET_CONF (after
# sk_stop_sanketd or a kill); the previous log is appended to
# sanketd.log.old.  Sets SK_SANKETD_PID.
sk_restart_sanketd() {
	if [ -n "${SK_SANKETD_PID:-}" ] && sk_alive "$SK_SANKETD_PID"; then
		echo "sk_restart_sanketd: pid $SK_SANKETD_PID still runs" >&2
		return 1
	fi
	[ ! -f "$SK_TMP/sanketd.log" ] ||
	    cat "$SK_TMP/sanketd.log" >>"$SK_TMP/sanketd.log.old"
	# shellcheck disable=SC2119 # the configuration of sk_write_conf
	sk_start_sanketd
}

# sk_conf_get SECTION KEY: KEY's value in [SECTION] of $SANKET_CONF.
sk_conf_get() {
	awk -v s="[$1]" -v k="$2" '
	/^[ \t]*\[/ { insec = ($0 == s); next }
	insec {
		key = $0
		sub(/[ \t]*=.*/, "", key)
		sub(/^[ \t]+/, "", key)
		if (key == k) { v = $0; sub(/^[^=]*=[ \t]*/, "", v); print v; exit }
	}' "$SANKET_CONF"
}

# sk_dlr_sign ID ATTEMPT TS: the h= sanketd puts on a dlr-url (HMAC-SHA256
# of "dlr:ID:ATTEMPT:TS" keyed with [kannel] callback_secret, first 16
# bytes in hex).
sk_dlr_sign() {
	printf 'dlr:%s:%s:%s' "$1" "$2" "$3" |
	    openssl dgst -sha256 -hmac "$(sk_conf_get kannel callback_secret)" -r |
	    cut -c1-32
}

# sk_alert_settled ID: GET /api/v1/alerts/ID says settled (nothing queued
# or in flight).
sk_alert_settled() {
	local CODE BODY
	sk_req GET "/api/v1/alerts/$1"
	[ "$CODE" = 200 ] && [ "$(sk_jq .settled)" = true ]
}

# sk_alert_total ID KEY: totals.KEY of alert ID ("" when no answer).
sk_alert_total() {
	local CODE BODY
	sk_req GET "/api/v1/alerts/$1"
	[ "$CODE" = 200 ] && sk_jq ".totals.$2"
}

# sk_alert_total_is ID KEY N: totals.KEY of alert ID is N (for polling).
sk_alert_total_is() {
	[ "$(sk_alert_total "$1" "$2")" = "$3" ]
}

# sk_todo_is GOT WANT NAME REASON: `is` for a known, reported bug (TAP TODO):
# "not ok N - NAME # TODO REASON" when it fails, which does not fail the
# script (XFAIL); "ok N - NAME # TODO REASON" once it passes (XPASS: the
# bug is fixed, turn it into a plain `is`).
sk_todo_is() {
	sk_n=$((sk_n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $sk_n - $3 # TODO $4"
		SK_OK=1
		return 0
	fi
	echo "not ok $sk_n - $3 # TODO $4"
	SK_OK=0
	diag "got:  '$1'" "want: '$2'"
	return 0
}

# sk_todo_ok NAME REASON CMD [ARGS...]: `ok` for a known, reported bug.
sk_todo_ok() {
	local name=$1 reason=$2 rc
	shift 2
	"$@" >/dev/null 2>&1 && rc=0 || rc=$?
	sk_todo_is "$rc" 0 "$name" "$reason"
}

# sk_need_kannel_suite: skip the whole script (TAP "1..0 # SKIP") unless
# sanketd is built and Kannel, jq, sqlite3 and python3 are installed, then
# make the private temporary directory.  The opening of every scenario
# that drives real Kannel.
sk_need_kannel_suite() {
	[ -x "$top_builddir/sanketd" ] || skip_all "sanketd not built"
	sk_have_kannel || skip_all "Kannel not installed (scripts/deps.sh)"
	command -v jq >/dev/null || skip_all "jq not installed"
	command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
	command -v "$SK_PYTHON" >/dev/null || skip_all "python3 not installed"
	sk_tmpdir
}

# --- SMS replies (MO): tests/e2e/replies.sh, bench/mo.sh ------------------------
#
#	sk_mo FROM TEXT [COUNT]		# an MO through the real fakesmsc
#	sk_mo_ucs2 FROM TEXT [COUNT]	# the same, Bangla as UCS-2
#	sk_mo_http FROM TEXT [K=V|-K...]	# GET /kannel/mo as smsbox would
#	sk_mt_count TO			# whole MTs fakesmsc got for TO
#	sk_mt_last TO			# the text of the last of them
#	sk_wait_mt TO N [TIMEOUT]	# until TO has N MTs or more
#
# The fake SMSC serves one fakesmsc at a time, so sk_mo swaps the MT sink
# of sk_start_kannel for a fakesmsc that sends the MO(s) and then stays
# connected as the new sink: answers to the MO (and every later MT) are
# printed by it, and sk_fake_msgs / sk_fake_count read its output after
# the earlier sinks' (fakesmsc.log.N, as sk_restart_kannel keeps them).
# An MT that Kannel writes to the old sink in the instant it is stopped
# could be lost: wait for the answers you expect before the next sk_mo.

# sk_mo_number NUMBER: NUMBER as the SMSC gives it to Kannel (%p): digits,
# no '+' ("+8801711000001" -> "8801711000001").
sk_mo_number() {
	printf '%s' "${1#+}"
}

# sk_fake_queue_empty: bearerbox has no MT queued for the fake SMSC.
sk_fake_queue_empty() {
	sk_kannel_status | grep 'FAKE\[' | grep -q 'queued 0 msgs'
}

# sk_fake_offline: the fake SMSC has no fakesmsc connected.
sk_fake_offline() {
	local st
	st=$(sk_kannel_status) || return 1
	! printf '%s\n' "$st" | grep -q 'FAKE.*(online'
}

# sk_fake_sent N: the current fakesmsc has sent N MOs.
sk_fake_sent() {
	grep -q "fakesmsc: sent message $1\$" "$SK_FAKESMSC_LOG" 2>/dev/null
}

# sk_mo_raw FROM TYPE DATA [COUNT]: replace the MT sink by a fakesmsc
# that sends COUNT (default 1) MOs "FROM TO TYPE DATA" (TO = [kannel]
# sender of $SANKET_CONF, or 16000) 0.2 s apart and then stays as the
# sink.  Returns once it has sent them and the fake SMSC is online again
# (bounded: 10 s per step); fails, with the logs as comments, otherwise.
# Sets SK_FAKESMSC_PID and SK_FAKESMSC_LOG like sk_kannel_run.
sk_mo_raw() {
	local from to typ=$2 data=$3 count=${4:-1} d=$SK_KANNEL_DIR i=1
	from=$(sk_mo_number "$1")
	to=$(sk_conf_get kannel sender 2>/dev/null)
	to=${to:-16000}
	# Let the MTs already queued for the sink reach it first.
	sk_wait_until 10 "" -- sk_fake_queue_empty ||
	    diag "sk_mo: MTs still queued for the fake SMSC"
	if [ -n "${SK_FAKESMSC_PID:-}" ] && sk_alive "$SK_FAKESMSC_PID"; then
		sk_kill "$SK_FAKESMSC_PID" 5
	fi
	if ! sk_wait_until 10 "" -- sk_fake_offline; then
		diag "sk_mo: the fake SMSC still shows a client"
		return 1
	fi
	if [ -f "$d/fakesmsc.log" ]; then
		while [ -f "$d/fakesmsc.log.$i" ]; do i=$((i + 1)); done
		mv "$d/fakesmsc.log" "$d/fakesmsc.log.$i"
	fi
	SK_FAKESMSC_LOG=$d/fakesmsc.log
	sk_spawn fakesmsc "$SK_FAKESMSC_LOG" "$SK_FAKESMSC" -H 127.0.0.1 \
	    -r "$SK_FAKE_PORT" -i 0.2 -m "$count" "$from $to $typ $data"
	SK_FAKESMSC_PID=$SK_PID
	export SK_FAKESMSC_PID SK_FAKESMSC_LOG
	if ! sk_wait_until 10 "$SK_FAKESMSC_PID" -- sk_fake_sent "$count" ||
	    ! sk_wait_until 10 "$SK_FAKESMSC_PID" -- sk_fake_online; then
		diag "sk_mo: fakesmsc did not send $count MO from $from"
		diag "$(tail -n 10 "$SK_FAKESMSC_LOG" 2>/dev/null)"
		return 1
	fi
	sk_trace "MO x$count from $from ($typ): $data"
}

# sk_mo FROM TEXT [COUNT]: FROM texts TEXT (plain, GSM 7-bit: ASCII; Kannel
# squeezes repeated spaces) to the service number, COUNT times (default
# 1; each gets its own Kannel id).  See sk_mo_raw.
sk_mo() {
	sk_mo_raw "$1" text "$2" "${3:-1}"
}

# sk_mo_ucs2 FROM TEXT [COUNT]: TEXT (UTF-8, e.g. Bangla) sent as UCS-2:
# fakesmsc type ucs2 with the URL-encoded UTF-16BE bytes, as a handset
# sends Bangla.  smsbox's mo-recode hands it to sanketd as UTF-8.
sk_mo_ucs2() {
	local u
	u=$("$SK_PYTHON" -c 'import sys, urllib.parse
print(urllib.parse.quote(sys.argv[1].encode("utf-16-be")))' "$2") || return 1
	sk_mo_raw "$1" ucs2 "$u" "${3:-1}"
}

# sk_mo_http FROM TEXT [KEY=VALUE | -KEY]...: GET /kannel/mo on the
# callback listener from 127.0.0.1, shaped like smsbox's get-url (see
# `sanket kannel-config`): secret ([kannel] callback_secret), from (FROM
# without '+'), to (16000), text (TEXT's bytes, URL-encoded: invalid UTF-8
# passes as is), coding 0, charset UTF-8, smsc FAKE, id (a fresh UUID),
# ts (now).  KEY=VALUE sets or adds a parameter (VALUE's bytes encoded),
# -KEY leaves one out (-secret, -from).  Sets CODE (000: no answer), BODY
# and SK_MO_ID (the id sent, for a replay).
sk_mo_http() {
	local from=$1 text=$2 q out
	shift 2
	q=$("$SK_PYTHON" - "$(sk_conf_get kannel callback_secret)" \
	    "$(sk_mo_number "$from")" "$(sk_conf_get kannel sender)" "$text" "$@" <<'PY'
import os, sys, time, uuid, urllib.parse
secret, frm, to, text = sys.argv[1:5]
p = {"secret": secret, "from": frm, "to": to or "16000", "text": text,
     "coding": "0", "charset": "UTF-8", "smsc": "FAKE",
     "id": str(uuid.uuid4()), "ts": str(int(time.time()))}
for a in sys.argv[5:]:
    if a.startswith("-"):
        p.pop(a[1:], None)
    else:
        k, _, v = a.partition("=")
        p[k] = v
print(p.get("id", ""))
print("&".join(k + "=" + urllib.parse.quote_plus(os.fsencode(v), safe="")
    for k, v in p.items()))
PY
	) || return 1
	SK_MO_ID=${q%%$'\n'*}
	q=${q#*$'\n'}
	out=$(curl -sS --max-time 20 -o - -w '\n%{http_code}' \
	    "http://127.0.0.1:$SK_CB_PORT/kannel/mo?$q" 2>&1) || true
	CODE=${out##*$'\n'}
	BODY=${out%$'\n'*}
	[ "$CODE" != "$out" ] || BODY=""
	export SK_MO_ID
}

# sk_mt_count TO: how many whole MTs (parts joined) fakesmsc printed for
# TO (any form: +880..., 880...).
sk_mt_count() {
	local to
	to=+$(sk_mo_number "$1")
	sk_fake_msgs | awk -F'\t' -v t="$to" '$1 == t { n++ } END { print n + 0 }'
}

# sk_mt_last TO: the text (escaped as by sk_fake_msgs) of the last whole
# MT for TO; empty when none.
sk_mt_last() {
	local to
	to=+$(sk_mo_number "$1")
	sk_fake_msgs | awk -F'\t' -v t="$to" '$1 == t { m = $2 } END { printf "%s", m }'
}

# sk_mt_count_at_least TO N: for polling.
sk_mt_count_at_least() {
	[ "$(sk_mt_count "$1")" -ge "$2" ]
}

# sk_wait_mt TO N [TIMEOUT]: until fakesmsc has N or more whole MTs for
# TO (default 20 s); fails early when sanketd dies.
sk_wait_mt() {
	sk_wait_until "${3:-20}" "${SK_SANKETD_PID:-}" -- sk_mt_count_at_least "$1" "$2"
}
