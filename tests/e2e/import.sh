#!/usr/bin/env bash
# import.sh: what an operator does on day one, through the sanket CLI:
# bootstrap a token, import areas (the sample coast, and the full national
# list from ../shared/data/bd-geo when it is there), import recipients in
# parts with row errors reported in file numbering, and the CLI's exit
# codes and --json output.
set -u
. "$top_srcdir/tests/lib/common.sh"
sk_tmpdir
sk_start_sanketd || bail "sanketd did not start"
ok "token create -c bootstraps the first admin" sk_admin_token
SK=$top_builddir/sanket
S=$top_srcdir/etc/sample
count() { sqlite3 "$SK_TMP/sanket.db" "$1"; }

# run CMD...: sets OUT (stdout), ERR (stderr), RC.
run() {
	OUT=$("$@" 2>"$SK_TMP/err") && RC=0 || RC=$?
	ERR=$(cat "$SK_TMP/err")
}

# --- areas -------------------------------------------------------------------
run "$SK" areas import --dry-run "$S/areas.csv"
is "$RC:$(count 'SELECT count(*) FROM areas')" "0:0" "areas --dry-run: exit 0, nothing written"
run "$SK" areas import "$S/areas.csv"
is "$RC" 0 "areas import: exit 0"
nareas=$(($(wc -l <"$S/areas.csv") - 1))
like "$OUT" "$nareas rows, $nareas created" "reports rows and created"
printf 'code,parent,level,name_en,name_bn\n30,,division,Dhaka,ঢাকা\n3026,77,district,Dhaka,ঢাকা\n3027,30,union,Savar,সাভার\n' >"$SK_TMP/bad-areas.csv"
run "$SK" areas import "$SK_TMP/bad-areas.csv"
is "$RC" 1 "bad area file: exit 1"
like "$ERR" "row 3 \(parent\): unknown parent 77" "names row 3 and its field"
like "$ERR" "row 4 \(parent\): the parent of a union must be a upazila" "and row 4"
is "$(count "SELECT count(*) FROM areas WHERE code LIKE '30%'")" 0 "nothing of the bad file imported"
run "$SK" --json areas show 202245
is "$RC" 0 "areas show --json"
is "$(printf '%s' "$OUT" | jq -r .name_en)" Kutubdia "one JSON object with the area"

# --- recipients ----------------------------------------------------------------
run "$SK" recipients import "$S/recipients.csv"
is "$RC" 0 "sample recipients import: exit 0"
nrec=$(count 'SELECT count(*) FROM recipients')
like "$OUT" "rows, $nrec created" "all stored ($nrec)"
run "$SK" recipients show 01711000001
is "$RC" 0 "recipients show"
like "$OUT" '\+8801711000001' "shows the E.164 number"

# A file with a BOM, CRLF, quoted fields, a blank line and bad rows, sent
# in parts of 3 rows: errors must carry the file's row numbers.
printf '\xef\xbb\xbfmsisdn,union,lang,channel,programmes\r\n' >"$SK_TMP/r.csv"
{
	printf '01811000101,20224510,bn,sms,VGF\r\n'		# 2
	printf '"+880 1811-000102",20224510,en,voice,"VGF,GR"\r\n'	# 3
	printf '\r\n'						# 4 blank
	printf '01811000104,20224510,bn,sms,\r\n'		# 5
	printf '0255000000,20224510,bn,sms,\r\n'		# 6 landline
	printf '01811000107,99999999,bn,sms,\r\n'		# 7 unknown union
	printf '01811000108,20224510,bn,sms,\r\n'		# 8
	printf '০১৮১১০০০১০৯,20224510,bn,both,\r\n'		# 9 Bangla digits
	printf '01811000110,20224510,xx,sms,\r\n'		# 10 bad lang
} >>"$SK_TMP/r.csv"
before=$(count 'SELECT count(*) FROM recipients')
run "$SK" recipients import --batch 3 "$SK_TMP/r.csv"
is "$RC" 1 "rows rejected: exit 1"
like "$ERR" "row 6 \(msisdn\): not a mobile number" "landline reported on file row 6"
like "$ERR" "row 7 \(union\): unknown union 99999999" "unknown union on row 7"
like "$ERR" "row 10 \(lang\)" "bad lang on row 10, across parts"
is "$(($(count 'SELECT count(*) FROM recipients') - before))" 5 "the 5 good rows are imported"
is "$(count "SELECT programmes FROM recipients WHERE msisdn = '+8801811000102'")" "VGF;GR" "quoted programme list"
is "$(count "SELECT count(*) FROM recipients WHERE msisdn = '+8801811000109'")" 1 "Bangla digits normalised"
run "$SK" --json recipients import --batch 3 "$SK_TMP/r.csv"
is "$(printf '%s' "$OUT" | jq -r '.unchanged')" 5 "--json: one object; re-import leaves 5 unchanged"
is "$(printf '%s' "$OUT" | jq -r '.rejected')" 3 "and counts 3 rejected"
run "$SK" recipients import --dry-run - <"$S/recipients.csv"
is "$RC" 0 "import from stdin, --dry-run"

# --- status, errors, exit codes ---------------------------------------------
run "$SK" status
is "$RC" 0 "status: exit 0"
like "$OUT" "union" "status lists areas per level"
run env -u SANKET_TOKEN "$SK" status
is "$RC" 1 "no token: exit 1"
like "$ERR" "E_UNAUTHORIZED" "says unauthorized"
run "$SK" frobnicate
is "$RC" 2 "unknown command: exit 2"
run "$SK" recipients import
is "$RC" 2 "missing file: exit 2"
port=$(sk_ports 1 | tr -d ' \n')
run "$SK" --url "http://127.0.0.1:$port" status
is "$RC" 1 "daemon not running: exit 1"
like "$ERR" "cannot reach sanketd" "says it cannot reach sanketd"
run "$SK" token create --role official --scope 202245 --name "Kutubdia PIO"
is "$RC" 0 "token create through the API"
like "$OUT" '^sk_[0-9a-f]{40}$' "prints the token alone"
OFF=$OUT
run "$SK" --token "$OFF" areas import "$S/areas.csv"
is "$RC" 1 "official cannot import areas"
like "$ERR" "E_FORBIDDEN" "E_FORBIDDEN"

# --- the national list (../shared/data/bd-geo) ------------------------------------
geo=$top_srcdir/../shared/data/bd-geo
if [ -r "$geo/unions.csv" ]; then
	# A second daemon on its own database: the national codes are not
	# the sample's BBS codes.
	mkdir "$SK_TMP/geo"
	read -r p1 p2 <<<"$(sk_ports 2 | tr '\n' ' ')"
	printf '[gateway]\nlisten = 127.0.0.1:%s\ncallback_listen = 127.0.0.1:%s\ndatabase = %s/geo/sanket.db\n' \
	    "$p1" "$p2" "$SK_TMP" >"$SK_TMP/geo/sanket.conf"
	SANKET_CONF=$SK_TMP/geo/sanket.conf
	sk_start_sanketd "$SANKET_CONF" || bail "second sanketd did not start"
	sk_admin_token "$SANKET_CONF"
	run "$SK" areas import --bd-geo "$geo"
	is "$RC" 0 "bd-geo national list imports"
	total=$(($(wc -l <"$geo/divisions.csv") + $(wc -l <"$geo/districts.csv") + $(wc -l <"$geo/upazilas.csv") + $(wc -l <"$geo/unions.csv")))
	is "$(sqlite3 "${SANKET_CONF%/*}/sanket.db" 'SELECT count(*) FROM areas')" "$total" "every division, district, upazila and union ($total)"
	is "$(sqlite3 "${SANKET_CONF%/*}/sanket.db" 'SELECT count(*) FROM areas WHERE level = 4')" "$(wc -l <"$geo/unions.csv")" "all unions"
	run "$SK" --json areas show 01
	like "$(printf '%s' "$OUT" | jq -r .unions)" '^[1-9][0-9]{2,}$' "a division resolves to its hundreds of unions"
	run "$SK" areas import --bd-geo "$geo"
	like "$OUT" "$total unchanged" "re-import changes nothing"
else
	skip "no ../shared/data/bd-geo here" 5
fi
done_testing
