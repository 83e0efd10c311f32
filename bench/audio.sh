#!/bin/bash
# bench/audio.sh: prepare a 60-second 44.1 kHz stereo MP3 spot to 8 kHz
# mu-law with loudness normalisation (`sanket audio prepare`: decode,
# downmix, resample, measure loudness and true peak, gain, limiter check,
# G.711, measure again, cache file) and compare with the anchor: sox doing
# decode + downmix + resample + fixed gain + mu-law on the same file, in
# the same run.  sox measures no loudness, so sanket does strictly more.
#
#	bench/audio.sh [RUNS] [BUILDDIR]	(default 7 runs, build/release)
#
# The two alternate, RUNS times each.  Prints, for each, the median and the
# best wall time and CPU time (user + sys, all threads: sanket resamples on
# a second thread, sox uses one), the ratios sanket / sox of each with
# PASS or MISS against the target (<= 1.00), the peak RSS of each (GNU
# time) and the load average before and after.  On a shared machine the
# wall time includes waiting for a core: read the best runs' ratio too.
# Not a test: run by hand, record the figures in docs/PERFORMANCE.md.
set -eu

runs=${1:-7}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${2:-$srcdir/build/release}
bash "$srcdir/scripts/deps.sh" >&2
bash "$srcdir/scripts/build.sh" "$builddir" >&2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sanket-bench-audio.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# A spot-like source: a chord with tremolo over pink noise, 60 s, 44.1 kHz
# stereo, 128 kbit/s MP3 (lame).
sox -n -r 44100 -c 2 -b 16 "$tmp/src.wav" synth 60 sine 220 sine 330 \
    sine 440 pinknoise tremolo 4 40 vol 0.25 2>/dev/null
lame --quiet -b 128 "$tmp/src.wav" "$tmp/spot.mp3"
size=$(du -h "$tmp/spot.mp3" | cut -f1)

# once NAME CMD...: runs CMD once; appends its wall time to $tmp/NAME.wall,
# its CPU time (user + sys) to $tmp/NAME.cpu, its peak RSS (KB) to
# $tmp/NAME.rss.
once() {
	local name=$1 t u s rss
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" ||
	    { cat "$tmp/err" >&2; exit 1; }
	read -r t u s rss <"$tmp/time"
	echo "$t" >>"$tmp/$name.wall"
	echo "$u + $s" | bc -l >>"$tmp/$name.cpu"
	echo "$rss" >>"$tmp/$name.rss"
}
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
best() { sort -n "$1" | head -1; }
# verdict A B: "A / B = R PASS|MISS"
verdict() {
	awk -v a="$1" -v b="$2" 'BEGIN { r = a / b;
	    printf "%.2f %s", r, r <= 1.0 ? "PASS" : "MISS" }'
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# Interleave warm-ups so both read the file from the page cache.
"$builddir/sanket" audio prepare "$tmp/spot.mp3" -o "$tmp/warm.sau" >/dev/null
sox -D "$tmp/spot.mp3" -e u-law "$tmp/warm.wav" remix - gain -3 rate 8000

# Alternate the two, so a machine shared with other work loads both alike.
for ((i = 0; i < runs; i++)); do
	once sox sox -D "$tmp/spot.mp3" -e u-law "$tmp/sox.wav" remix - gain -3 rate 8000
	once sanket "$builddir/sanket" audio prepare "$tmp/spot.mp3" -o "$tmp/out.sau"
done
for n in sox sanket; do
	printf -v "T_$n" '%s' "$(median "$tmp/$n.wall")"
	printf -v "C_$n" '%s' "$(median "$tmp/$n.cpu")"
	printf -v "BT_$n" '%s' "$(best "$tmp/$n.wall")"
	printf -v "BC_$n" '%s' "$(best "$tmp/$n.cpu")"
	printf -v "RSS_$n" '%s' "$(sort -n "$tmp/$n.rss" | tail -1)"
done
"$builddir/sanket" audio prepare "$tmp/spot.mp3" -o "$tmp/out.sau" >"$tmp/report"

printf 'bench/audio: 60 s 44.1 kHz stereo MP3 (%s) -> 8 kHz mu-law, %s, %d cores, %d runs each\n' \
    "$size" "$(uname -m)" "$(nproc)" "$runs"
printf '  load average before %s, after %s\n' "$load_before" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '                                              wall median/best   cpu median/best   peak RSS\n'
printf '  anchor  sox decode+remix+gain+rate+u-law    %5.3f / %5.3f s    %5.3f / %5.3f s   %5.1f MB\n' \
    "$T_sox" "$BT_sox" "$C_sox" "$BC_sox" "$(echo "$RSS_sox / 1024" | bc -l)"
printf '  sanket  audio prepare (+ loudness, TP)      %5.3f / %5.3f s    %5.3f / %5.3f s   %5.1f MB\n' \
    "$T_sanket" "$BT_sanket" "$C_sanket" "$BC_sanket" \
    "$(echo "$RSS_sanket / 1024" | bc -l)"
printf '  ratio sanket / sox, target <= 1.00:\n'
printf '    wall: median %s, best %s\n' "$(verdict "$T_sanket" "$T_sox")" \
    "$(verdict "$BT_sanket" "$BT_sox")"
printf '    cpu:  median %s, best %s\n' "$(verdict "$C_sanket" "$C_sox")" \
    "$(verdict "$BC_sanket" "$BC_sox")"
sed 's/^/  | /' "$tmp/report"
