#!/bin/bash
# daemon.sh: sanketd as a process: configuration check (-n) and its errors,
# start and /healthz, SIGHUP survived, SIGTERM exits 0 in time with an
# intact database, a database from a newer sanket refused.  No Kannel.
set -eu
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"

[ -x "$top_builddir/sanketd" ] || skip_all "sanketd not built"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
sk_tmpdir
sanketd=$top_builddir/sanketd

# --- sanketd -n -----------------------------------------------------------
sk_write_conf
out=$("$sanketd" -n -c "$SANKET_CONF" 2>&1) && rc=0 || rc=$?
is "$rc" 0 "-n on a good config exits 0"
like "$out" "configuration OK" "-n prints 'configuration OK'"

bad=$SK_TMP/unknown.conf
printf '[gateway]\nlisten = 127.0.0.1:0\ncolour = blue\n' >"$bad"
out=$("$sanketd" -n -c "$bad" 2>&1) && rc=0 || rc=$?
ok "unknown key: exit status is not 0 ($rc)" test "$rc" -ne 0
like "$out" "$bad:3:" "unknown key: message names FILE:LINE"
like "$out" "colour" "unknown key: message names the key"

bad=$SK_TMP/rate.conf
printf '# rate must be a number\n[kannel]\nrate = fast\n' >"$bad"
out=$("$sanketd" -n -c "$bad" 2>&1) && rc=0 || rc=$?
ok "rate = fast: exit status is not 0 ($rc)" test "$rc" -ne 0
like "$out" "$bad:3:" "rate = fast: message names FILE:LINE"

out=$("$sanketd" -n -c "$SK_TMP/missing.conf" 2>&1) && rc=0 || rc=$?
ok "missing config file: exit status is not 0" test "$rc" -ne 0
like "$out" "missing.conf" "missing config file: message names it"

# --- run, SIGHUP, SIGTERM -------------------------------------------------
require "sanketd starts and answers /healthz" sk_start_sanketd
body=$(curl -sS --max-time 5 "$SANKET_URL/healthz" 2>&1 || true)
like "$body" '"status" *: *"ok"' "/healthz says status ok"
like "$body" '"kannel" *: *"unknown"' "/healthz: kannel unknown without status_url"

kill -HUP "$SK_SANKETD_PID"
# A process killed by the signal is gone within a few polls.
# shellcheck disable=SC2317 # called through ok
alive_after_hup() {
	local i
	for i in 1 2 3 4 5; do
		sk_alive "$SK_SANKETD_PID" || return 1
		curl -fsS -o /dev/null --max-time 2 "$SANKET_URL/healthz" || return 1
		sleep 0.1
	done
}
ok "SIGHUP does not kill sanketd" alive_after_hup

t0=$(sk_now_ms)
if sk_stop_sanketd 5; then
	ok "SIGTERM: sanketd exits within 5 s ($(($(sk_now_ms) - t0)) ms)" true
else
	ok "SIGTERM: sanketd exits within 5 s" false
fi
is "$SK_SANKETD_RC" 0 "SIGTERM: exit status 0"

db=$SK_TMP/sanket.db
ok "database exists" test -s "$db"
is "$(sqlite3 "$db" 'PRAGMA integrity_check' 2>&1)" ok \
    "database passes integrity_check after SIGTERM"
ver=$(sqlite3 "$db" 'PRAGMA user_version' 2>&1)
like "$ver" '^[1-9][0-9]*$' "schema version recorded in user_version ($ver)"

# --- a database from the future -------------------------------------------
sqlite3 "$db" 'PRAGMA user_version = 999'
out=$(timeout 10 "$sanketd" -d -c "$SANKET_CONF" 2>&1) && rc=0 || rc=$?
ok "newer schema: sanketd refuses to start (exit $rc)" \
    test "$rc" -ne 0 -a "$rc" -ne 124
like "$out" '[Nn]ewer|999' "newer schema: message says so"
is "$(sqlite3 "$db" 'PRAGMA user_version')" 999 \
    "newer schema: database left untouched"

done_testing
