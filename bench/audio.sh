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
# The two alternate, RUNS times each.  Prints the median wall time and the
# median CPU time (user + sys: steadier when the machine is shared) of
# each, the ratios sanket / sox (target <= 1.0), and the peak RSS of each
# (GNU time).  Not a test: run by hand, record the figures in
# docs/PERFORMANCE.md.
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
	printf -v "RSS_$n" '%s' "$(sort -n "$tmp/$n.rss" | tail -1)"
done
"$builddir/sanket" audio prepare "$tmp/spot.mp3" -o "$tmp/out.sau" >"$tmp/report"

printf 'bench/audio: 60 s 44.1 kHz stereo MP3 (%s) -> 8 kHz mu-law, %s, %d cores, median of %d\n' \
    "$size" "$(uname -m)" "$(nproc)" "$runs"
printf '  anchor  sox decode+remix+gain+rate+u-law   wall %6.3f s  cpu %6.3f s  peak RSS %5.1f MB\n' \
    "$T_sox" "$C_sox" "$(echo "$RSS_sox / 1024" | bc -l)"
printf '  sanket  audio prepare (+ loudness, TP)     wall %6.3f s  cpu %6.3f s  peak RSS %5.1f MB\n' \
    "$T_sanket" "$C_sanket" "$(echo "$RSS_sanket / 1024" | bc -l)"
printf '  ratio sanket / sox: wall %.2f, cpu %.2f (target <= 1.00)\n' \
    "$(echo "$T_sanket / $T_sox" | bc -l)" "$(echo "$C_sanket / $C_sox" | bc -l)"
sed 's/^/  | /' "$tmp/report"
