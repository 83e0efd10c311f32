#!/usr/bin/env bash
# prompts.sh: scripts/prompts.sh renders the IVR prompts with the built
# sanket.  Every stock prompt the IVR scripts name and every prompt the
# shipped menu (etc/ivr-menu.conf) references ends up as a cache file that
# `sanket audio info` reads, in Bangla and in English; the beep is a
# 0.4 s tone; a second run renders nothing; a text file edited later
# re-renders what the script wrote but keeps a file an operator dropped
# in; a bad line fails alone; usage errors exit 2.
set -u
. "$top_srcdir/tests/lib/common.sh"
command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
command -v sha256sum >/dev/null 2>&1 || skip_all "sha256sum is not installed"
sk_tmpdir
SK=$top_builddir/sanket
T=$SK_TMP
PR=$top_srcdir/scripts/prompts.sh
run() {
	OUT=$("$@" 2>"$T/err") && RC=0 || RC=$?
	ERR=$(cat "$T/err")
}

# The stock prompts by their exact names (ivr.h enum ivr_stock).
stock="beep invalid goodbye no-warning no-spot enter-union unknown-union
    enter-code outcome quantity receipt-ok receipt-refused receipt-limit
    grievance-ok confirm confirmed error"
# What the shipped menu references: its uncommented prompt lines.
menu=$(sed -n 's/^[a-z_]* *= *prompts\/\(.*\)$/\1/p' \
    "$top_srcdir/etc/ivr-menu.conf")
like "$(echo "$menu" | wc -l)" '^1[0-9]$' "the menu names 10-19 prompts"
is "$(echo "$menu" | grep -vc '\.sau$')" 0 "every menu prompt is a .sau"

# check_dir DIR LANG: every name present and readable.
check_dir() {
	local d=$1 lang=$2 name f bad=0 missing=""
	for name in $stock ${menu//.sau/}; do
		f=$d/$name.sau
		if ! [ -s "$f" ]; then
			missing="$missing $name"
			continue
		fi
		run "$SK" --json audio info "$f"
		if [ "$RC" != 0 ] || [ "$(printf '%s' "$OUT" | jq -r \
		    '.kind == "cache" and .seconds > 0')" != true ]; then
			diag "$name: rc=$RC $OUT $ERR"
			bad=$((bad + 1))
		fi
	done
	is "$missing" "" "$lang: every stock and menu prompt exists"
	is "$bad" 0 "$lang: sanket audio info reads each as a cache file"
}

# --- Bangla, the default --------------------------------------------------------
run "$PR" --sanket "$SK" "$T/bn"
is "$RC" 0 "bn: exit 0"
like "$OUT" 'prompts: [0-9]+ rendered, 0 kept, 0 failed' "bn: the summary"
like "$OUT" 'rendered  beep\.sau \(tone' "bn: the beep is a tone"
like "$OUT" 'rendered  greeting\.sau \(tts bn\)' "bn: greeting by TTS"
check_dir "$T/bn" bn
run "$SK" --json audio info "$T/bn/beep.sau"
is "$(printf '%s' "$OUT" | jq -r '.frames')" 20 "beep: 0.4 s (20 frames)"
run "$SK" --json audio info "$T/bn/greeting.sau"
ok "greeting: longer than 10 s (it lists the options)" \
    test "$(printf '%s' "$OUT" | jq -r '.seconds > 10')" = true

# --- a second run renders nothing ------------------------------------------------
n=$(find "$T/bn" -name '*.sau' | wc -l)
run "$PR" --sanket "$SK" "$T/bn"
is "$RC" 0 "again: exit 0"
like "$OUT" "prompts: 0 rendered, $n kept, 0 failed" "again: all kept"

# --- the text edited later: ours re-rendered, a dropped-in file kept ------------
cp "$top_srcdir/etc/prompts-bn.txt" "$T/bn.txt"
cp "$T/bn/goodbye.sau" "$T/bn/error.sau"	# "a recording"
sum=$(sha256sum "$T/bn/error.sau")
touch -d '+1 minute' "$T/bn.txt"
run "$PR" --sanket "$SK" --text "$T/bn.txt" "$T/bn"
is "$RC" 0 "edited text: exit 0"
like "$OUT" "prompts: $((n - 1)) rendered, 1 kept, 0 failed" \
    "edited text: everything re-rendered but the recording"
like "$OUT" 'kept      error\.sau \(not rendered here' "the recording says why"
is "$(sha256sum "$T/bn/error.sau")" "$sum" "the recording is untouched"
rm "$T/bn/error.sau"
run "$PR" --sanket "$SK" --text "$T/bn.txt" "$T/bn"
like "$OUT" 'rendered  error\.sau' "deleted: rendered again"

# --- English ------------------------------------------------------------------
run "$PR" --lang en --sanket "$SK" "$T/en"
is "$RC" 0 "en: exit 0"
like "$OUT" 'rendered  greeting\.sau \(tts en\)' "en: greeting by TTS"
check_dir "$T/en" en
is "$(cut -f1 "$top_srcdir/etc/prompts-bn.txt" | grep -v '^#' | grep . |
    sort)" "$(cut -f1 "$top_srcdir/etc/prompts-en.txt" | grep -v '^#' |
    grep . | sort)" "bn and en name the same prompts"

# --- a bad line fails alone -----------------------------------------------------
printf 'good\tঠিক আছে।\nno tab here\nBad_Name\tx\nempty\t\n' >"$T/bad.txt"
run "$PR" --sanket "$SK" --text "$T/bad.txt" "$T/bad"
is "$RC" 1 "bad lines: exit 1"
like "$OUT" 'prompts: 1 rendered, 0 kept, 3 failed' "the good line is rendered"
like "$ERR" 'bad\.txt:2: not NAME<TAB>text' "the bad line is named"
ok "good.sau written" test -s "$T/bad/good.sau"

# --- usage ----------------------------------------------------------------------
run "$PR" --sanket "$SK"
is "$RC" 2 "no DIR: exit 2"
run "$PR" --lang fr --sanket "$SK" "$T/x"
is "$RC" 2 "--lang fr: exit 2"
run "$PR" --sanket "$T/no-such-sanket" "$T/x"
is "$RC" 2 "no sanket: exit 2"

done_testing
