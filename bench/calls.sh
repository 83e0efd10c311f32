#!/usr/bin/env bash
# bench/calls.sh: how many hotline calls sanketd carries at once, and how
# fast it sets them up.
#
#	bench/calls.sh [STEPS] [HOLD_S] [BUILDDIR]
#
# Concurrency: for each N in STEPS (default "100 250 500 1000"), SIPp
# (tests/sipp/hotline.xml) places N calls to the hotline at 100 calls/s,
# each staying HOLD_S seconds (default 30) and listening: every call's SDP
# points at bench/rtpsink, which measures what the callers receive:
# inter-arrival deviation from 20 ms (p50/p99/max), frames lost.  sanketd's
# CPU comes from /proc.  A step passes with p99 <= 2 ms, no lost frame and
# no failed call; the largest passing N is reported.
#
# Set-up rate: SIPp places 2,000 one-second calls at 100, then 200 calls/s;
# the rate it sustained with no failed call.
#
# sanketd runs at SCHED_FIFO priority 10 (chrt), as an IVR is deployed
# (Asterisk's -p); BENCH_RT=0 runs it at normal priority.
#
# Anchor: published Asterisk figures, about 1,600 concurrent G.711 calls on
# a 4-core Xeon E5506 (SoftBCom 2014, ../shared/recipes/voice.md section
# 9.2), i.e. 400 calls per core; the ratio printed is (N / cores here) /
# 400.  Not re-measured here: Asterisk is not in Debian 12.
set -eu
srcdir=$(cd "$(dirname "$0")/.." && pwd)
. "$srcdir/bench/lib.sh"
STEPS=${1:-"100 250 500 1000"}
HOLD=${2:-30}
bench_setup "${3:-$srcdir/build/release}"
T=$SK_TMP
SINK=$T/rtpsink
cc -O2 -Wall -o "$SINK" "$srcdir/bench/rtpsink.c"
CORES=$(nproc)

max=0
for n in $STEPS; do [ "$n" -gt "$max" ] && max=$n; done
sk_write_conf
sk_voice_conf >&2
sk_conf_set sip rtp_ports "$(sk_rtp_block $((2 * max + 64)))"
sk_conf_set sip max_calls $((max + 100))
sk_conf_set sip rate_per_source 0
sk_conf_set sip rtp_timeout 0
sk_start_sanketd
PID=$SK_SANKETD_PID
# Like Asterisk's -p: media wants its deadlines met before the load
# generator's.  BENCH_RT=0 measures at the normal priority.
if [ "${BENCH_RT:-1}" = 1 ] && command -v chrt >/dev/null; then
	chrt -f -p 10 "$PID" >&2 && echo "# sanketd at SCHED_FIFO 10 (BENCH_RT=0 for normal)"
else
	echo "# sanketd at normal priority"
fi

cpu() {	# user+system clock ticks of sanketd
	awk '{ print $14 + $15 }' "/proc/$PID/stat"
}

# run NAME CALLS RATE HOLD_MS: SIPp places the calls; sets FAILED, OK_CALLS
run() {
	local name=$1 calls=$2 rate=$3 hold=$4 port
	port=$(sk_ports 1)
	sed "s/@HOLD_MS@/$hold/g" "$srcdir/tests/sipp/hotline.xml" >"$T/$name.xml"
	printf 'SEQUENTIAL\n%s;+8801711999999;\n' "$(cat "$T/sink.port")" \
	    >"$T/$name.csv"
	(cd "$T" && timeout $((hold / 1000 + calls / rate + 120)) sipp \
	    -sf "$name.xml" -inf "$name.csv" "127.0.0.1:$SK_SIP_PORT" \
	    -i 127.0.0.1 -p "${port% }" -r "$rate" -l "$calls" -m "$calls" \
	    -nostdin -trace_screen -timeout $((hold / 1000 + calls / rate + 60)) \
	    >"$name.out" 2>&1) || true
	FAILED=$(awk -F'|' '/Failed call/ { gsub(/ /, "", $3); print $3 }' \
	    "$T"/"$name"_*_screen.log | tail -n 1)
	OK_CALLS=$(awk -F'|' '/Successful call/ { gsub(/ /, "", $3); print $3 }' \
	    "$T"/"$name"_*_screen.log | tail -n 1)
	FAILED=${FAILED:-$calls}
	OK_CALLS=${OK_CALLS:-0}
}

echo "# concurrent hotline calls, each ${HOLD} s, $CORES cores"
printf '%6s %8s %8s %8s %8s %8s %9s %9s\n' N ok failed p50_ms p99_ms \
    max_ms lost cpu_%
best=0
for n in $STEPS; do
	dur=$((HOLD + n / 100 + 8))
	rm -f "$T/sink.port"
	"$SINK" "$T/sink.port" "$dur" "$T/sink-$n.json" &
	spid=$!
	sk_wait_until 5 "$spid" -- test -s "$T/sink.port"
	c0=$(cpu)
	t0=$(date +%s%N)
	run "c$n" "$n" 100 $((HOLD * 1000))
	c1=$(cpu)
	t1=$(date +%s%N)
	wait "$spid" || true
	cpu_pct=$(awk -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" \
	    -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", 100 * c / hz / (ns / 1e9) }')
	read -r p50 p99 mx lost < <(jq -r '"\(.p50_ms) \(.p99_ms) \(.max_ms) \(.lost)"' \
	    "$T/sink-$n.json")
	printf '%6s %8s %8s %8s %8s %8s %9s %9s\n' "$n" "$OK_CALLS" "$FAILED" \
	    "$p50" "$p99" "$mx" "$lost" "$cpu_pct"
	if [ "$FAILED" = 0 ] && [ "$lost" = 0 ] &&
	    awk -v p="$p99" 'BEGIN { exit !(p <= 2) }'; then
		best=$n
	fi
done

echo "# call set-up rate: 2000 calls of 1 s"
printf '%6s %8s %8s\n' rate ok failed
best_rate=0
for r in 100 200; do
	rm -f "$T/sink.port"
	"$SINK" "$T/sink.port" $((2000 / r + 10)) /dev/null &
	spid=$!
	sk_wait_until 5 "$spid" -- test -s "$T/sink.port"
	run "r$r" 2000 "$r" 1000
	wait "$spid" || true
	printf '%6s %8s %8s\n' "$r" "$OK_CALLS" "$FAILED"
	[ "$FAILED" = 0 ] && best_rate=$r
done

echo
echo "largest N with p99 <= 2 ms, no loss, no failed call: $best (target >= 1000)"
echo "call set-up rate sustained: $best_rate calls/s (target >= 100)"
awk -v n="$best" -v c="$CORES" 'BEGIN {
	printf "ratio to Asterisk (400 calls/core, published): %.2f\n", (n / c) / 400 }'
