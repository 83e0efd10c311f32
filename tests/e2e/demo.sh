#!/bin/bash
# demo.sh: `scripts/demo.sh --check` (the README's "run sanket" command)
# starts Kannel and sanketd on the usual ports, bootstraps a token, imports
# the sample data, answers, and stops cleanly.  Skipped when one of those
# fixed ports is already in use (a running demo, a CI neighbour).
set -eu
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"

if [ ! -x "$top_builddir/sanketd" ] || [ ! -x "$top_builddir/sanket" ]; then
	skip_all "sanketd or sanket not built"
fi
sk_have_kannel || skip_all "Kannel not installed (scripts/deps.sh)"
for p in 8080 8081 13000 13001 13010 13013; do
	if sk_tcp_open "$p"; then
		skip_all "port $p is in use"
	fi
done
sk_tmpdir
state=$SK_TMP/demo

# shellcheck disable=SC2317 # called through ok
run_demo() {
	timeout --kill-after=10 120 bash "$top_srcdir/scripts/demo.sh" --check \
	    --state "$state" --builddir "$top_builddir" \
	    >"$SK_TMP/demo.out" 2>&1 || { tail -n 40 "$SK_TMP/demo.out"; return 1; }
}
t0=$(sk_now_ms)
require "scripts/demo.sh --check succeeds" run_demo
diag "demo --check took $(($(sk_now_ms) - t0)) ms"
ok "demo prints what to type next" grep -q 'export SANKET_URL=' "$SK_TMP/demo.out"
ok "admin token saved" test -s "$state/admin.token"
is "$(stat -c %a "$state/admin.token" 2>/dev/null)" 600 "admin token is mode 600"
is "$(sqlite3 "$state/sanket.db" 'PRAGMA integrity_check' 2>&1)" ok \
    "demo database intact after the stop"
ok "no box left on the demo ports" sh -c '! (exec 3<>/dev/tcp/127.0.0.1/13000) 2>/dev/null && ! (exec 3<>/dev/tcp/127.0.0.1/8080) 2>/dev/null'

# A second run reuses the token and the data (imports are upserts).
token=$(cat "$state/admin.token" 2>/dev/null || true)
ok "scripts/demo.sh --check succeeds again" run_demo
is "$(cat "$state/admin.token" 2>/dev/null)" "$token" "second run reuses the admin token"

done_testing
