#!/bin/bash
# bench/sms.sh: end-to-end SMS rate.  sanketd broadcasts one alert to N
# recipients through real Kannel (bearerbox + smsbox + fakesmsc); the
# anchor is the raw chain: ApacheBench (keep-alive, the same concurrency as
# sanket's [kannel] window) hitting smsbox's sendsms directly with the same
# Bangla text, coding, DLR mask and a dlr-url, on the same Kannel in the
# same run.  Both are timed until fakesmsc has received every message.
#
#	bench/sms.sh [N] [WINDOW] [BUILDDIR] [RAWCONN] [ROUNDS]
#
# Defaults: 20000 messages, window 32, build/release, the raw chain on as
# many connections as the window (RAWCONN sets another number, to compare
# each side at its own best concurrency), 3 rounds.  Each round runs the
# raw chain and then one alert (to the same N recipients), so the noise of
# this 2-core machine (Kannel's own rate moves by +-30 % between runs) hits
# both sides; the ratio reported is the median of the rounds' ratios.
#
# Prints both rates in messages/s and the ratio sanket/raw (target >= 0.9).
set -eu

n=${1:-20000}
window=${2:-32}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${3:-$srcdir/build/release}
rawconn=${4:-$window}
rounds=${5:-3}
. "$srcdir/bench/lib.sh"
bench_setup "$builddir" wrk
sk_start_kannel >&2 || { echo "Kannel did not start" >&2; exit 1; }
sk_conf_set kannel rate 100000
sk_conf_set kannel window "$window"
sk_conf_set kannel queue_limit 1000000
[ -z "${SK_BENCH_DLR_MASK:-}" ] || sk_conf_set kannel dlr_mask "$SK_BENCH_DLR_MASK"
[ -z "${SK_BENCH_COMMIT_MS:-}" ] || sk_conf_set gateway commit_interval_ms "$SK_BENCH_COMMIT_MS"
sk_start_sanketd >&2 || { echo "sanketd did not start" >&2; exit 1; }
sk_admin_token >&2
bench_recipients "$n" 7

text='ঘূর্ণিঝড় সতর্কতা: ১০ নম্বর মহাবিপদ সংকেত। এখনই আশ্রয়কেন্দ্রে যান।'
got() { grep -c 'Got message' "$SK_FAKESMSC_LOG" 2>/dev/null || true; }
now() { date +%s.%N; }
# CPU seconds used so far by bearerbox + smsbox, and by sanketd.
kcpu() { cat "/proc/$SK_BEARERBOX_PID/stat" "/proc/$SK_SMSBOX_PID/stat" | awk '{ s += $14 + $15 } END { print s / 100 }'; }
scpu() { awk '{ print ($14 + $15) / 100 }' "/proc/$SK_SANKETD_PID/stat"; }
# wait_for COUNT: until fakesmsc has COUNT messages (at most 300 s).
wait_for() {
	local end=$(($(date +%s) + 300))
	while [ "$(got)" -lt "$1" ]; do
		[ "$(date +%s)" -lt "$end" ] || { echo "timed out at $(got) of $1" >&2; exit 1; }
		sleep 0.05
	done
}

# --- anchor: wrk -> smsbox sendsms ----------------------------------------------
# The same traffic sanket sends: one request per recipient (the same numbers,
# normalised as sanket does), the same text and coding, and a dlr-url of the
# same shape per message (query m, a, t, h, s=%d) pointing at a no-op
# endpoint, over WINDOW keep-alive connections.
user=$(sed -n 's/^username *= *//p' "$SANKET_CONF" | head -n 1)
pass=$(sed -n 's/^password *= *//p' "$SANKET_CONF" | head -n 1)
sqlite3 "$SK_TMP/sanket.db" "SELECT substr(msisdn, 2) FROM recipients" >"$SK_TMP/to.txt"
python3 - "$SK_TMP/to.txt" "$SK_TMP/paths.txt" "$user" "$pass" "$text" "$SK_CB_PORT" <<'PY'
import sys, time, secrets, urllib.parse as up
numbers, out, user, pw, text, port = sys.argv[1:7]
t = int(time.time())
with open(numbers) as f, open(out, "w") as o:
    for i, to in enumerate(x.strip() for x in f):
        dlr = "http://127.0.0.1:%s/healthz?m=%d&a=1&t=%d&h=%s&s=%%d" % (port, i + 1, t, secrets.token_hex(16))
        q = up.urlencode({"username": user, "password": pw, "from": "16000", "to": to, "text": text,
            "charset": "UTF-8", "coding": "2", "priority": "3", "dlr-mask": "31", "dlr-url": dlr},
            quote_via=up.quote)
        o.write("/cgi-bin/sendsms?" + q + "\n")
PY
cat >"$SK_TMP/anchor.lua" <<'LUA'
local paths, share, done = {}, 0, 0
local threads = {}
function setup(thread)
	thread:set("id", #threads)
	table.insert(threads, thread)
end
function init(args)
	local all = {}
	for line in io.lines(args[1]) do all[#all + 1] = line end
	-- thread i takes every nth path
	for i = id + 1, #all, tonumber(args[2]) do paths[#paths + 1] = all[i] end
	share = #paths
	n = 0
end
request = function()
	n = n + 1
	if n > share then n = share end
	return wrk.format("GET", paths[n])
end
response = function(status)
	done = done + 1
	if done >= share then wrk.thread:stop() end
end
LUA
body=$(printf '{"kind":"warning","areas":["10","20","40"],"text_bn":"%s","text_en":"%s"}' "$text" "$text")
ratios=""
printf 'bench/sms: %d messages, window %d, Bangla (UCS-2, 1 part), DLR mask 31, %d rounds\n' "$n" "$window" "$rounds"
for r in $(seq 1 "$rounds"); do
	base=$(got)
	k0=$(kcpu); s0=$(scpu)
	t0=$(now)
	# wrk waits out its -d even after every thread stopped: stop it ourselves.
	wrk -t 2 -c "$rawconn" -d 300s -s "$SK_TMP/anchor.lua" \
	    "http://127.0.0.1:$SK_SENDSMS_PORT/" -- "$SK_TMP/paths.txt" 2 >"$SK_TMP/wrk.out" 2>&1 &
	wrkpid=$!
	wait_for $((base + n))
	kill -INT "$wrkpid" 2>/dev/null || true
	wait "$wrkpid" 2>/dev/null || true
	t_raw=$(echo "$(now) - $t0" | bc -l)
	k_raw=$(echo "$(kcpu) - $k0" | bc -l); s_raw=$(echo "$(scpu) - $s0" | bc -l)
	grep -q "Non-2xx" "$SK_TMP/wrk.out" && { echo "wrk saw errors:" >&2; cat "$SK_TMP/wrk.out" >&2; exit 1; }

	base=$(got)
	k0=$(kcpu); s0=$(scpu)
	t0=$(now)
	curl -fsS -H "Authorization: Bearer $SANKET_TOKEN" -d "$body" "$SANKET_URL/api/v1/alerts" >"$SK_TMP/alert.json"
	wait_for $((base + n))
	t_sanket=$(echo "$(now) - $t0" | bc -l)
	k_sanket=$(echo "$(kcpu) - $k0" | bc -l); s_sanket=$(echo "$(scpu) - $s0" | bc -l)
	ratio=$(echo "$t_raw / $t_sanket" | bc -l)
	ratios="$ratios $ratio"
	printf '  round %d: raw (wrk -c %d -> smsbox -> fakesmsc) %7.0f msg/s, sanket (alert -> dispatch -> fakesmsc) %7.0f msg/s, ratio %.2f\n' \
	    "$r" "$rawconn" "$(echo "$n / $t_raw" | bc -l)" "$(echo "$n / $t_sanket" | bc -l)" "$ratio"
	printf '           CPU seconds (Kannel / sanketd): raw %.2f / %.2f, sanket %.2f / %.2f\n' \
	    "$k_raw" "$s_raw" "$k_sanket" "$s_sanket"
done
median=$(printf '%s\n' $ratios | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
printf '  ratio sanket / raw, median of %d rounds: %.2f (target >= 0.90)\n' "$rounds" "$median"
[ -z "${SK_BENCH_METRICS:-}" ] || curl -s "$SANKET_URL/metrics" | grep -E 'dlr|healthz|sms_total' >&2
printf '  sanketd CPU: %.2f s user+system\n' \
    "$(awk '{ print ($14 + $15) / 100 }' "/proc/$SK_SANKETD_PID/stat")"
printf '  sanketd peak RSS: %.1f MB\n' \
    "$(awk '/VmHWM/ { print $2 / 1024 }' "/proc/$SK_SANKETD_PID/status")"
