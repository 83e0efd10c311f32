#!/bin/bash
# bench/dlr.sh: delivery-report intake.  wrk sends N signed DLR callbacks
# (DLR 8 then DLR 1 for N/2 submitted messages) to sanketd's /kannel/dlr,
# each verified (source, HMAC, age) and applied to the message through
# group commit; the anchor is the same wrk, same connections, same URL
# shapes, against the callback listener's no-op /healthz, in the same run.
# Afterwards the database must show every message delivered.
#
#	bench/dlr.sh [N] [CONNECTIONS] [BUILDDIR]	(default 200000, 32)
#
# Prints both rates, the ratio (the cost of durable state updates), and
# checks the target of 10,000 DLRs/s.
set -eu

n=${1:-200000}
conns=${2:-32}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${3:-$srcdir/build/release}
. "$srcdir/bench/lib.sh"
bench_setup "$builddir" wrk
sk_write_conf
msgs=$((n / 2))

# N/2 messages, submitted to a Kannel that answered 202: made with the API,
# then marked submitted on the stopped database.
sk_start_sanketd >&2
sk_admin_token >&2
bench_recipients "$msgs" 11
curl -fsS -H "Authorization: Bearer $SANKET_TOKEN" \
    -d '{"kind":"warning","areas":["10","20","40"],"text_en":"bench"}' \
    "$SANKET_URL/api/v1/alerts" >/dev/null
sk_stop_sanketd >&2
sqlite3 "$SK_TMP/sanket.db" "UPDATE messages SET state = 2, attempts = 1, submitted_at = 1"
sk_start_sanketd >&2

secret=$(sed -n 's/^callback_secret *= *//p' "$SANKET_CONF")
python3 - "$SK_TMP/sanket.db" "$secret" "$SK_TMP" <<'PY'
import sys, time, hmac, hashlib, sqlite3
db, secret, tmp = sys.argv[1:4]
t = int(time.time())
ids = [r[0] for r in sqlite3.connect(db).execute("SELECT id FROM messages ORDER BY id")]
with open(tmp + "/dlr.txt", "w") as d, open(tmp + "/noop.txt", "w") as o:
    for s in (8, 1):
        for i in ids:
            h = hmac.new(secret.encode(), b"dlr:%d:1:%d" % (i, t), hashlib.sha256).hexdigest()[:32]
            q = "m=%d&a=1&t=%d&h=%s&s=%d" % (i, t, h, s)
            d.write("/kannel/dlr?" + q + "\n")
            o.write("/healthz?" + q + "\n")
PY
cat >"$SK_TMP/paths.lua" <<'LUA'
local threads = {}
function setup(thread) thread:set("id", #threads); table.insert(threads, thread) end
function init(args)
	paths = {}
	local i = 0
	for line in io.lines(args[1]) do
		if i % tonumber(args[2]) == id then paths[#paths + 1] = line end
		i = i + 1
	end
	n, done = 0, 0
end
request = function()
	n = n + 1
	if n > #paths then n = #paths end
	return wrk.format("GET", paths[n])
end
response = function(status)
	if status ~= 200 then errors = (errors or 0) + 1 end
	done = done + 1
	if done >= #paths then wrk.thread:stop() end
end
LUA
# run FILE: wrk over every path once; prints the seconds it took.
run() {
	local t0 t1 pid
	t0=$(date +%s.%N)
	wrk -t 2 -c "$conns" -d 300s -s "$SK_TMP/paths.lua" \
	    "http://127.0.0.1:$SK_CB_PORT/" -- "$1" 2 >"$SK_TMP/wrk.out" 2>&1 &
	pid=$!
	while [ "$(grep -c "route=\"$2\",status=\"200\"" <(curl -s "$SANKET_URL/metrics") )" = 0 ] ||
	    [ "$(curl -s "$SANKET_URL/metrics" | sed -n "s/^sanket_http_requests_total{route=\"$2\",status=\"200\"} //p")" -lt "$n" ]; do
		sleep 0.1	# each scrape costs sanketd count(*) queries
	done
	t1=$(date +%s.%N)
	kill -INT "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	echo "$t1 - $t0" | bc -l
}
t_noop=$(run "$SK_TMP/noop.txt" cb_healthz)
t_dlr=$(run "$SK_TMP/dlr.txt" kannel_dlr)
sleep 0.1
delivered=$(sqlite3 "$SK_TMP/sanket.db" "SELECT count(*) FROM messages WHERE state = 3 AND dlr = 1")

printf 'bench/dlr: %d delivery reports (DLR 8 then 1 for %d messages), %d connections\n' "$n" "$msgs" "$conns"
printf '  anchor  wrk -> /healthz (no-op)        %6.2f s  %7.0f req/s\n' "$t_noop" "$(echo "$n / $t_noop" | bc -l)"
printf '  sanket  wrk -> /kannel/dlr (durable)   %6.2f s  %7.0f DLR/s (target >= 10000)\n' "$t_dlr" "$(echo "$n / $t_dlr" | bc -l)"
printf '  ratio sanket / no-op: %.2f\n' "$(echo "$t_noop / $t_dlr" | bc -l)"
printf '  delivered in the database: %d of %d\n' "$delivered" "$msgs"
