#!/bin/bash
# prompts.sh: render the IVR prompts from their text into prepared audio.
#
#	scripts/prompts.sh [--lang bn|en] [--sanket PATH] [--text FILE]
#	    [-c sanket.conf] DIR
#
# Reads etc/prompts-LANG.txt (or --text FILE): one prompt per line,
# "NAME<TAB>text", blank lines and # comments skipped.  For each line it
# writes DIR/NAME.sau with `sanket audio prepare --tts-LANG TEXT`, only
# when DIR/NAME.sau is missing or older than the text file; the text
# "@beep" is a 0.4 s 1 kHz tone (written here as a G.711 WAV, then
# prepared like any recording), never speech.  -c passes a sanket.conf for
# its [audio] target_lufs.
#
# A recorded prompt replaces a rendered one: prepare it to the same name
# (`sanket audio prepare take3.wav -o DIR/NAME.sau`).  Being newer than
# the text file it is kept; and even when the text file is edited later it
# is kept, because DIR/.prompts-rendered lists the SHA-256 of every file
# this script wrote and only those are ever replaced.  To re-render one,
# delete its .sau and run the script again.
#
# One line per prompt says what was done (rendered, kept, FAILED); the
# exit status is 0 when every prompt is in place, 1 if any failed, 2 for
# bad usage.
set -u

usage() {
	echo "usage: scripts/prompts.sh [--lang bn|en] [--sanket PATH]" \
	    "[--text FILE] [-c sanket.conf] DIR" >&2
	exit 2
}

srcdir=$(cd "$(dirname "$0")/.." && pwd)
lang=bn
sanket=sanket
text=""
conf=""
dir=""
while [ $# -gt 0 ]; do
	case $1 in
	--lang) [ $# -ge 2 ] || usage; lang=$2; shift ;;
	--sanket) [ $# -ge 2 ] || usage; sanket=$2; shift ;;
	--text) [ $# -ge 2 ] || usage; text=$2; shift ;;
	-c|--config) [ $# -ge 2 ] || usage; conf=$2; shift ;;
	-h|--help) usage ;;
	-*) usage ;;
	*) [ -z "$dir" ] || usage; dir=$1 ;;
	esac
	shift
done
[ -n "$dir" ] || usage
case $lang in
bn|en) ;;
*) echo "prompts: --lang is bn or en" >&2; exit 2 ;;
esac
[ -n "$text" ] || text=$srcdir/etc/prompts-$lang.txt
if [ ! -r "$text" ]; then
	echo "prompts: cannot read $text" >&2
	exit 2
fi
if ! command -v "$sanket" >/dev/null 2>&1; then
	echo "prompts: no sanket at \"$sanket\" (--sanket PATH)" >&2
	exit 2
fi
mkdir -p "$dir" || exit 1
manifest=$dir/.prompts-rendered
touch "$manifest" || exit 1
copts=()
[ -n "$conf" ] && copts=(-c "$conf")

# Little-endian n in k bytes.
le() {
	local n=$1 k=$2
	while [ "$k" -gt 0 ]; do
		# shellcheck disable=SC2059
		printf "\\$(printf '%03o' $((n % 256)))"
		n=$((n / 256))
		k=$((k - 1))
	done
}

# The beep: 0.4 s of 1 kHz at half scale, 8 kHz G.711 u-law in a WAV
# (format 7): one period is 8 samples, 0 .707 1 .707 0 -.707 -1 -.707.
tone_wav() {
	local i=0
	{
		printf 'RIFF'; le 3250 4; printf 'WAVEfmt '; le 18 4
		le 7 2; le 1 2; le 8000 4; le 8000 4; le 1 2; le 8 2; le 0 2
		printf 'fact'; le 4 4; le 3200 4
		printf 'data'; le 3200 4
		while [ $i -lt 400 ]; do
			printf '\377\231\217\231\377\031\017\031'
			i=$((i + 1))
		done
	} >"$1"
}

sha() {
	sha256sum "$1" | cut -d' ' -f1
}

# 0 when DIR/NAME.sau is a file this script wrote (as it was written).
ours() {
	local name=$1 sum
	sum=$(sha "$dir/$name.sau") || return 1
	grep -qx "$name $sum" "$manifest"
}

remember() {
	local name=$1 sum tmp=$manifest.tmp
	sum=$(sha "$dir/$name.sau") || return 1
	{ grep -v "^$name " "$manifest"; echo "$name $sum"; } >"$tmp" &&
	    mv "$tmp" "$manifest"
}

rendered=0
kept=0
failed=0
lineno=0
# shellcheck disable=SC2094 # $text is only read
while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	case $line in
	''|'#'*) continue ;;
	esac
	name=${line%%	*}
	words=${line#*	}
	if [ "$name" = "$line" ] || [ -z "$words" ] ||
	    ! [[ $name =~ ^[a-z0-9][a-z0-9-]*$ ]]; then
		echo "prompts: $text:$lineno: not NAME<TAB>text" >&2
		failed=$((failed + 1))
		continue
	fi
	out=$dir/$name.sau
	if [ -e "$out" ] && ! [ "$out" -ot "$text" ]; then
		echo "kept      $name.sau (newer than the text)"
		kept=$((kept + 1))
		continue
	fi
	if [ -e "$out" ] && ! ours "$name"; then
		echo "kept      $name.sau (not rendered here: a recording;" \
		    "delete it to render the text)"
		kept=$((kept + 1))
		continue
	fi
	if [ "$words" = "@beep" ]; then
		tmp=$dir/.$name.tone.wav
		tone_wav "$tmp"
		err=$("$sanket" "${copts[@]}" audio prepare "$tmp" -o "$out" \
		    2>&1 >/dev/null) && rc=0 || rc=$?
		rm -f "$tmp"
		how="tone, 0.4 s 1 kHz"
	else
		err=$("$sanket" "${copts[@]}" audio prepare "--tts-$lang" \
		    "$words" -o "$out" 2>&1 >/dev/null) && rc=0 || rc=$?
		how="tts $lang"
	fi
	if [ "$rc" -ne 0 ]; then
		echo "FAILED    $name.sau: $err"
		failed=$((failed + 1))
		continue
	fi
	remember "$name"
	echo "rendered  $name.sau ($how)"
	rendered=$((rendered + 1))
done <"$text"

echo "prompts: $rendered rendered, $kept kept, $failed failed in $dir"
[ "$failed" -eq 0 ]
