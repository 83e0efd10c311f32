#!/usr/bin/env bash
# spots.sh: audio as an official handles it.  Locally: `sanket audio
# prepare` on generated files (WAV, MP3, a spot with intro and ducked bed,
# Bangla TTS), `-o x.wav` gives a playable 8 kHz G.711 WAV, `audio info`,
# the error codes and exit statuses for bad input.  Through sanketd:
# POST /api/v1/spots stores the original and the prepared cache with a
# row and an audit entry, GET /api/v1/spots/{id}, roles and scope, and
# refused uploads (junk, silence, empty) that leave neither row nor file.
# `sanket spot upload|show` over the same API.
set -u
. "$top_srcdir/tests/lib/common.sh"
command -v sox >/dev/null 2>&1 || skip_all "sox is not installed"
sk_tmpdir
SK=$top_builddir/sanket
T=$SK_TMP
count() { sqlite3 "$T/sanket.db" "$1"; }
run() {
	OUT=$("$@" 2>"$T/err") && RC=0 || RC=$?
	ERR=$(cat "$T/err")
}
jqo() { printf '%s' "$OUT" | jq -r "$1"; }
near() {	# near GOT WANT TOL
	awk -v g="$1" -v w="$2" -v t="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= t) }'
}

# --- generated sources --------------------------------------------------------
sox -n -r 44100 -c 2 -b 16 "$T/voice.wav" synth 4 sine 300-900 tremolo 3 60 vol 0.2
sox -n -r 48000 -c 2 -b 16 "$T/jingle.wav" synth 2 sine 660 vol 0.5
sox -n -r 22050 -c 1 -b 16 "$T/bed.wav" synth 1.5 pinknoise vol 0.3
sox -n -r 16000 -c 1 -b 16 "$T/silence.wav" trim 0 2
printf 'this is not audio\n' >"$T/notes.wav"
: >"$T/empty.mp3"
have_lame=0
if command -v lame >/dev/null 2>&1; then
	lame --quiet "$T/voice.wav" "$T/voice.mp3" && have_lame=1
fi

# --- sanket audio prepare (local) -----------------------------------------------
run "$SK" audio prepare "$T/voice.wav"
is "$RC" 0 "prepare a WAV: exit 0"
ok "default output: voice.sau next to the input" test -s "$T/voice.sau"
like "$OUT" "loudness +-?[0-9.]+ LUFS before, -19.0 LUFS after" "prints loudness before and after"
like "$OUT" "duration +4.00 s" "prints the duration"
run "$SK" --json audio prepare "$T/voice.wav" -o "$T/v.sau" --target -16 --format alaw
is "$RC" 0 "--json --target -16 --format alaw"
ok "loudness after within 0.5 LU of -16 ($(jqo .lufs_after))" near "$(jqo .lufs_after)" -16 0.5
ok "true peak under -1 dBTP ($(jqo .true_peak))" awk -v p="$(jqo .true_peak)" 'BEGIN { exit !(p <= -1) }'
is "$(jqo .codec):$(jqo .frames)" "alaw:200" "A-law, 200 frames of 20 ms for 4 s"
is "$(jqo .source.channels):$(jqo .source.rate)" "2:44100" "source described"
run "$SK" --json audio info "$T/v.sau"
is "$RC:$(jqo .codec):$(jqo .frames)" "0:alaw:200" "audio info reads the cache header"
is "$(stat -c %s "$T/v.sau")" $((128 + 200 * 160)) "cache = 128-byte header + 200 x 160 bytes"
run "$SK" audio prepare "$T/voice.wav" -o "$T/listen.wav"
is "$RC" 0 "-o x.wav: a playable WAV"
is "$(soxi -r "$T/listen.wav"):$(soxi -c "$T/listen.wav"):$(soxi -e "$T/listen.wav")" \
    "8000:1:u-law" "8 kHz mono mu-law WAV"
run "$SK" audio info "$T/listen.wav"
like "$OUT" "WAV ULAW, 8000 Hz, 1 channel" "audio info on any audio file"
if [ "$have_lame" = 1 ]; then
	run "$SK" --json audio prepare "$T/voice.mp3" -o "$T/mp3.sau"
	is "$RC:$(jqo .source.container)" "0:MP3" "an MP3 prepares"
	ok "MP3 loudness on target" near "$(jqo .lufs_after)" -19 0.5
else
	skip "lame not installed" 2
fi
run "$SK" --json audio prepare "$T/voice.wav" --intro "$T/jingle.wav" --outro "$T/jingle.wav" \
    --bed "$T/bed.wav" --duck 18 -o "$T/spot.sau"
is "$RC:$(jqo .spot)" "0:true" "a spot: intro, voice, outro, ducked bed"
ok "spot longer than the voice ($(jqo .seconds) s)" awk -v s="$(jqo .seconds)" 'BEGIN { exit !(s > 6) }'
ok "spot on target" near "$(jqo .lufs_after)" -19 0.5
run "$SK" --json audio prepare --tts-bn "ঘূর্ণিঝড় সতর্কবার্তা। ৭ নম্বর বিপদ সংকেত।" -o "$T/tts.wav"
is "$RC:$(jqo .source.container)" "0:TTS" "Bangla TTS to a WAV"
ok "TTS speech lasts 1-10 s ($(jqo .seconds))" awk -v s="$(jqo .seconds)" 'BEGIN { exit !(s > 1 && s < 10) }'

# --- bad input: clear error, exit 1, nothing written ------------------------------
run "$SK" --json audio prepare "$T/notes.wav" -o "$T/bad.sau"
is "$RC:$(jqo .error.code)" "1:E_NOT_AUDIO" "text named .wav: E_NOT_AUDIO"
run "$SK" --json audio prepare "$T/empty.mp3" -o "$T/bad.sau"
is "$RC:$(jqo .error.code)" "1:E_EMPTY" "zero-length file: E_EMPTY"
run "$SK" --json audio prepare "$T/silence.wav" -o "$T/bad.sau"
is "$RC:$(jqo .error.code)" "1:E_SILENT" "silence: E_SILENT"
run "$SK" --json audio prepare "$T/voice.wav" --max-seconds 2 -o "$T/bad.sau"
is "$RC:$(jqo .error.code)" "1:E_TOO_LONG" "over --max-seconds: E_TOO_LONG"
run "$SK" --json audio prepare --tts-bn $'\xff\xfe' -o "$T/bad.sau"
is "$RC:$(jqo .error.code)" "1:E_BAD_TEXT" "invalid UTF-8 TTS text: E_BAD_TEXT"
run "$SK" audio prepare "$T/nonexistent.wav" -o "$T/bad.sau"
is "$RC" 1 "missing file: exit 1"
ok "no output and no temp file after refusals" sh -c "! ls '$T' | grep -q -e '^bad' -e '\.tmp\.'"
run "$SK" audio prepare "$T/voice.wav" --target loud
is "$RC" 2 "--target loud: usage, exit 2"
run "$SK" audio prepare "$T/voice.wav" --tts-en hi -o "$T/x.sau"
is "$RC" 2 "IN and --tts-en together: exit 2"
run "$SK" audio prepare --tts-en hi
is "$RC" 2 "TTS without -o: exit 2"

# --- the API ----------------------------------------------------------------------
sk_start_sanketd || bail "sanketd did not start"
sk_admin_token || bail "no admin token"
ADMIN=$SANKET_TOKEN
"$SK" areas import "$top_srcdir/etc/sample/areas.csv" >/dev/null
req() {	# req METHOD PATH TOKEN [curl args]: sets CODE, BODY
	local m=$1 p=$2 t=$3
	shift 3
	BODY=$(curl -sS --max-time 30 -X "$m" -o - -w '\n%{http_code}' \
	    ${t:+-H "Authorization: Bearer $t"} "$@" "$SANKET_URL$p")
	CODE=${BODY##*$'\n'}
	BODY=${BODY%$'\n'*}
}
jqb() { printf '%s' "$BODY" | jq -r "$1"; }

src=$T/voice.wav
[ "$have_lame" = 1 ] && src=$T/voice.mp3
req POST "/api/v1/spots?name=cyclone%20bn" "$ADMIN" --data-binary @"$src"
is "$CODE" 201 "POST /api/v1/spots: 201"
id=$(jqb .id)
is "$(jqb .name):$(jqb .codec)" "cyclone bn:ulaw" "named, mu-law by default"
ok "stored loudness on target ($(jqb .lufs_after))" near "$(jqb .lufs_after)" -19 0.5
is "$(jqb .source.sha256)" "$(sha256sum "$src" | cut -d' ' -f1)" "source SHA-256 recorded"
ok "original kept byte for byte" cmp "$src" "$T/$(jqb .original)"
ok "cache file next to the database" test -s "$T/$(jqb .cache)"
run "$SK" --json audio info "$T/$(jqb .cache)"
is "$(jqo .frames)" 200 "the stored cache is a valid cache file"
is "$(count "SELECT count(*) FROM audit WHERE action = 'spot.create'")" 1 "audited"
req GET "/api/v1/spots/$id" "$ADMIN"
is "$CODE:$(jqb .id):$(jqb .frames)" "200:$id:200" "GET /api/v1/spots/{id}"
req GET /api/v1/spots/999 "$ADMIN"
is "$CODE" 404 "unknown spot: 404"
req GET /api/v1/spots/abc "$ADMIN"
is "$CODE" 400 "bad id: 400"

before=$(count 'SELECT count(*) FROM spots')
req POST /api/v1/spots "$ADMIN" --data-binary @"$T/notes.wav"
is "$CODE:$(jqb .error.code)" "415:E_NOT_AUDIO" "junk upload: 415 E_NOT_AUDIO"
req POST /api/v1/spots "$ADMIN" --data-binary @"$T/silence.wav"
is "$CODE:$(jqb .error.code)" "422:E_SILENT" "silent upload: 422 E_SILENT"
req POST /api/v1/spots "$ADMIN" -H 'Content-Type: application/octet-stream' --data-binary ''
is "$CODE:$(jqb .error.code)" "400:E_EMPTY" "empty upload: 400 E_EMPTY"
head -c 30000 "$T/voice.wav" >"$T/cut.wav"
req POST /api/v1/spots "$ADMIN" --data-binary @"$T/cut.wav"
is "$CODE:$(jqb .error.code)" "400:E_TRUNCATED" "truncated upload: 400 E_TRUNCATED"
req POST "/api/v1/spots?format=gsm" "$ADMIN" --data-binary @"$src"
is "$CODE" 400 "unknown format: 400"
is "$(count 'SELECT count(*) FROM spots')" "$before" "refused uploads wrote no row"
is "$(ls "$T/spots" | wc -l)" 2 "and no file (one spot = two files)"

# --- roles and scope ------------------------------------------------------------------
req POST /api/v1/tokens "$ADMIN" -d '{"role":"official","scope":"202245"}'
OFF=$(jqb .token)
req POST /api/v1/tokens "$ADMIN" -d '{"role":"official","scope":"2022"}'
OFF2=$(jqb .token)
req POST /api/v1/tokens "$ADMIN" -d '{"role":"auditor"}'
AUD=$(jqb .token)
req POST "/api/v1/spots?name=kutubdia&format=alaw" "$OFF" --data-binary @"$T/voice.wav"
is "$CODE:$(jqb .scope):$(jqb .codec)" "201:202245:alaw" "an official uploads a spot in its scope"
sid=$(jqb .id)
req GET "/api/v1/spots/$sid" "$OFF2"
is "$CODE" 200 "the district official reads it"
req GET "/api/v1/spots/$sid" "$AUD"
is "$CODE" 200 "a national auditor reads it"
req POST /api/v1/tokens "$ADMIN" -d '{"role":"official","scope":"202290"}'
OFF3=$(jqb .token)
req GET "/api/v1/spots/$sid" "$OFF3"
is "$CODE" 403 "another upazila's official: 403"
req POST /api/v1/spots "$AUD" --data-binary @"$T/voice.wav"
is "$CODE" 403 "an auditor cannot upload"

# --- sanket spot upload | show ----------------------------------------------------------
run "$SK" spot upload "$T/voice.wav" --name "awareness"
is "$RC" 0 "sanket spot upload: exit 0"
like "$OUT" '^spot [0-9]+ "awareness": 4.00 s, -19.0 LUFS' "prints id, name, duration, loudness"
run "$SK" --json spot show "$sid"
is "$RC:$(jqo .name)" "0:kutubdia" "sanket spot show --json"
run "$SK" spot upload "$T/notes.wav"
is "$RC" 1 "uploading junk: exit 1"
like "$ERR" "E_NOT_AUDIO" "with the API's code"
done_testing
