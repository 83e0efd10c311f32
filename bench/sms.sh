#!/bin/bash
# bench/sms.sh: end-to-end SMS rate.  sanketd broadcasts one alert to N
# recipients through real Kannel (bearerbox + smsbox + fakesmsc); the
# anchor is the raw chain: ApacheBench (keep-alive, the same concurrency as
# sanket's [kannel] window) hitting smsbox's sendsms directly with the same
# Bangla text, coding, DLR mask and a dlr-url, on the same Kannel in the
# same run.  Both are timed until fakesmsc has received every message.
#
#	bench/sms.sh [N] [WINDOW] [BUILDDIR]	(default 20000, 32, build/release)
#
# Prints both rates in messages/s and the ratio sanket/raw (target >= 0.9).
set -eu

n=${1:-20000}
window=${2:-32}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${3:-$srcdir/build/release}
bash "$srcdir/scripts/deps.sh" >&2
command -v ab >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y apache2-utils >&2
bash "$srcdir/scripts/build.sh" "$builddir" >&2
make -C "$builddir" tests/freeport >&2

top_srcdir=$srcdir top_builddir=$builddir
. "$srcdir/tests/lib/common.sh"
sk_tmpdir
sk_start_kannel >&2 || { echo "Kannel did not start" >&2; exit 1; }
sk_conf_set kannel rate 100000
sk_conf_set kannel window "$window"
sk_conf_set kannel queue_limit 1000000
[ -z "${SK_BENCH_DLR_MASK:-}" ] || sk_conf_set kannel dlr_mask "$SK_BENCH_DLR_MASK"
[ -z "${SK_BENCH_COMMIT_MS:-}" ] || sk_conf_set gateway commit_interval_ms "$SK_BENCH_COMMIT_MS"
sk_start_sanketd >&2 || { echo "sanketd did not start" >&2; exit 1; }
sk_admin_token >&2
"$builddir/sanket" areas import "$srcdir/etc/sample/areas.csv" >/dev/null
bash "$srcdir/scripts/gen-recipients.sh" "$n" 7 >"$SK_TMP/r.csv"
"$builddir/sanket" recipients import "$SK_TMP/r.csv" >/dev/null

text='ঘূর্ণিঝড় সতর্কতা: ১০ নম্বর মহাবিপদ সংকেত। এখনই আশ্রয়কেন্দ্রে যান।'
got() { grep -c 'Got message' "$SK_FAKESMSC_LOG" 2>/dev/null || true; }
now() { date +%s.%N; }
# wait_for COUNT: until fakesmsc has COUNT messages (at most 300 s).
wait_for() {
	local end=$(($(date +%s) + 300))
	while [ "$(got)" -lt "$1" ]; do
		[ "$(date +%s)" -lt "$end" ] || { echo "timed out at $(got) of $1" >&2; exit 1; }
		sleep 0.05
	done
}

# --- anchor: ab -> smsbox sendsms ---------------------------------------------
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
user=$(sed -n 's/^username *= *//p' "$SANKET_CONF" | head -n 1)
pass=$(sed -n 's/^password *= *//p' "$SANKET_CONF" | head -n 1)
dlr="http://127.0.0.1:$SK_CB_PORT/healthz?s=%d"
url="http://127.0.0.1:$SK_SENDSMS_PORT/cgi-bin/sendsms?username=$user&password=$(enc "$pass")&from=16000&to=8801711000001&text=$(enc "$text")&coding=2&charset=UTF-8&priority=3&dlr-mask=31&dlr-url=$(enc "$dlr")"
base=$(got)
t0=$(now)
ab -q -k -c "$window" -n "$n" "$url" >"$SK_TMP/ab.out" 2>&1
wait_for $((base + n))
t_raw=$(echo "$(now) - $t0" | bc -l)
grep -q "Non-2xx responses" "$SK_TMP/ab.out" && { echo "ab saw errors:" >&2; cat "$SK_TMP/ab.out" >&2; exit 1; }

# --- sanket: one alert to N recipients ---------------------------------------------
base=$(got)
body=$(printf '{"kind":"warning","areas":["10","20","40"],"text_bn":"%s","text_en":"%s"}' "$text" "$text")
t0=$(now)
curl -fsS -H "Authorization: Bearer $SANKET_TOKEN" -d "$body" "$SANKET_URL/api/v1/alerts" >"$SK_TMP/alert.json"
wait_for $((base + n))
t_sanket=$(echo "$(now) - $t0" | bc -l)

printf 'bench/sms: %d messages, window %d, Bangla (UCS-2, 1 part), DLR mask 31\n' "$n" "$window"
printf '  anchor  ab -k -c %d -> smsbox -> fakesmsc  %7.2f s  %7.0f msg/s\n' \
    "$window" "$t_raw" "$(echo "$n / $t_raw" | bc -l)"
printf '  sanket  alert -> dispatch -> fakesmsc   %7.2f s  %7.0f msg/s\n' \
    "$t_sanket" "$(echo "$n / $t_sanket" | bc -l)"
printf '  ratio sanket / raw: %.2f (target >= 0.90)\n' \
    "$(echo "$t_raw / $t_sanket" | bc -l)"
[ -z "${SK_BENCH_METRICS:-}" ] || curl -s "$SANKET_URL/metrics" | grep -E 'dlr|healthz|sms_total' >&2
printf '  sanketd CPU: %.2f s user+system\n' \
    "$(awk '{ print ($14 + $15) / 100 }' "/proc/$SK_SANKETD_PID/stat")"
printf '  sanketd peak RSS: %.1f MB\n' \
    "$(awk '/VmHWM/ { print $2 / 1024 }' "/proc/$SK_SANKETD_PID/status")"
