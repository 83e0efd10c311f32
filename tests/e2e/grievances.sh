#!/usr/bin/env bash
# grievances.sh: grievances through the API and the CLI, with real Kannel
# (bearerbox, smsbox, fakesmsc) for the resolution SMS.
#
# Until GRS-by-SMS runs through /kannel/mo (the lead adds that case), the
# grievances are opened through grievance_open() itself, on sanketd's
# database, by the unit test's helper mode (`test_grievance open`): the
# same validation and insert as the SMS path.  Everything else is asserted
# through the API: list by union, upazila and district, the scope rule
# (403 outside the token's area, no union-less grievances for scoped
# tokens), status filters, the GRS CSV, an auditor reads but cannot
# resolve, resolve -> the complainant's SMS arrives at fakesmsc in their
# language, a second resolve is 409 and sends nothing, and bad input
# (ids, notes, SQL metacharacters) is refused without changing anything.
set -u
. "$top_srcdir/tests/lib/common.sh"

sk_need_kannel_suite

HELPER=$top_builddir/tests/unit/test_grievance
[ -x "$HELPER" ] || skip_all "tests/unit/test_grievance not built"

BN_NUM=+8801711000001	# Kutubdia / Ali Akbar Deil, bn
EN_NUM=+8801711000002	# Kutubdia / Barghop, en
MN_NUM=+8801711000003	# Bhola / Manpura / Dakshin Sakuchia, bn
ANON=+8801911000000	# not registered

require "Kannel starts (bearerbox, smsbox, fakesmsc)" sk_start_kannel
# 3 parts at most, so that a long resolution note has to be cut.
sk_conf_set kannel max_parts 3
require "sanketd starts (max_parts 3)" sk_start_sanketd
require "admin token" sk_admin_token
ADMIN=$SANKET_TOKEN
sk_req POST /api/v1/areas --data-binary @"$top_srcdir/etc/sample/areas.csv"
require "sample areas imported" test "$CODE" = 200
printf '%s\n' "msisdn,union,lang,channel,programmes" \
    "$BN_NUM,20224510,bn,sms,VGF" "$EN_NUM,20224520,en,sms," \
    "$MN_NUM,10096510,bn,sms," >"$SK_TMP/people.csv"
sk_req POST /api/v1/recipients --data-binary @"$SK_TMP/people.csv"
require "3 recipients" test "$CODE:$(sk_jq .created)" = "200:3"

# token ROLE SCOPE: a new token on stdout.
token() {
	SANKET_TOKEN=$ADMIN sk_req POST /api/v1/tokens \
	    -H 'Content-Type: application/json' \
	    --data "{\"role\":\"$1\",\"scope\":\"$2\",\"name\":\"e2e $1 $2\"}"
	sk_jq .token
}
KUT=$(token official 202245)
BHO=$(token official 1009)
AUD=$(token auditor 2022)
require "scoped tokens" test -n "$KUT" -a -n "$BHO" -a -n "$AUD" \
    -a "$KUT" != null -a "$AUD" != null

# open MSISDN UNION|- LANG TEXT: a grievance id on stdout.
open_g() {
	"$HELPER" open "$SK_TMP/sanket.db" "$@" 2>>"$SK_TMP/helper.log"
}
G1=$(open_g "$BN_NUM" 20224510 bn "চাল কম দেওয়া হয়েছে, ২০ কেজি")
G2=$(open_g "$EN_NUM" 20224520 en "Shelter \"B\" closed, no water")
G3=$(open_g "$MN_NUM" 10096510 bn "আশ্রয়কেন্দ্রে পানি নেই")
G4=$(open_g "$ANON" - bn "আমার নাম তালিকায় নেই")
G5=$(open_g "$BN_NUM" 20224510 bn "x'); DROP TABLE grievances; --")
require "5 grievances opened through grievance_open()" \
    test -n "$G1" -a -n "$G2" -a -n "$G3" -a -n "$G4" -a -n "$G5"
ok "invalid UTF-8 is refused by grievance_open()" \
    test "$(open_g "$BN_NUM" 20224510 bn $'\xff\xfe' || echo refused)" = refused

# ids GRIEVANCES-JSON: the ids, sorted, space-separated.
ids() { sk_jq '[.grievances[].id] | sort | map(tostring) | join(" ")'; }

# --- lists ---------------------------------------------------------------------
sk_req GET "/api/v1/grievances"
is "$CODE:$(sk_jq .count)" "200:5" "admin (national): all 5 open"
is "$(ids)" "$G1 $G2 $G3 $G4 $G5" "admin: the 5 ids"
sk_req GET "/api/v1/grievances?union=20224510"
is "$(ids)" "$G1 $G5" "by union 20224510"
sk_req GET "/api/v1/grievances?union=2022"
is "$(ids)" "$G1 $G2 $G5" "by district 2022: its unions"
is "$(sk_jq "[.grievances[] | select(.id == $G1)][0].union.name_bn")" \
    "আলী আকবর ডেইল" "union named in Bangla"
is "$(sk_jq "[.grievances[] | select(.id == $G1)][0].union.district.name_en")" \
    "Cox's Bazar" "with its district"
is "$(sk_jq "[.grievances[] | select(.id == $G5)][0].text")" \
    "x'); DROP TABLE grievances; --" "SQL metacharacters stored as text"
SK_REQ_TOKEN=$KUT sk_req GET "/api/v1/grievances?status=all"
is "$CODE:$(ids)" "200:$G1 $G2 $G5" "Kutubdia official: only Kutubdia's"
SK_REQ_TOKEN=$KUT sk_req GET "/api/v1/grievances?union=100965"
is "$CODE:$(sk_jq .error.code)" "403:E_SCOPE" "Kutubdia official asking for Manpura: 403"
SK_REQ_TOKEN=$BHO sk_req GET "/api/v1/grievances"
is "$(ids)" "$G3" "Bhola official: Manpura's; the union-less one is national only"
SK_REQ_TOKEN=$AUD sk_req GET "/api/v1/grievances?union=202245"
is "$CODE:$(ids)" "200:$G1 $G2 $G5" "auditor (Cox's Bazar) reads Kutubdia"
sk_req GET "/api/v1/grievances?union=99999999"
is "$CODE" 404 "unknown area: 404"
sk_req GET "/api/v1/grievances?union=a%27%20OR%201=1--"
is "$CODE:$(sk_jq .error.code)" "400:E_BAD_REQUEST" "SQL in union: 400"
sk_req GET "/api/v1/grievances?status=closed"
is "$CODE" 400 "unknown status: 400"
sk_req GET "/api/v1/grievances?limit=abc"
is "$CODE" 400 "bad limit: 400"
sk_req GET "/api/v1/grievances?since=$(($(date +%s) + 3600))"
is "$CODE:$(sk_jq .count)" "200:0" "since in the future: none"
sk_req GET "/api/v1/grievances?limit=2"
is "$(sk_jq .count)" 2 "limit 2"
SK_REQ_TOKEN="" sk_req GET "/api/v1/grievances"
is "$CODE" 401 "no token: 401"

# --- CSV for GRS ---------------------------------------------------------------
sk_req GET "/api/v1/grievances?union=2022&format=csv"
is "$CODE" 200 "CSV export: 200"
printf '%s' "$BODY" >"$SK_TMP/grs.csv"
is "$(head -c 3 "$SK_TMP/grs.csv" | xxd -p)" "efbbbf" "CSV starts with a UTF-8 BOM"
"$SK_PYTHON" - "$SK_TMP/grs.csv" >"$SK_TMP/grs.txt" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
print(len(rows))
for r in sorted(rows, key=lambda r: int(r["reference"].split("-")[1])):
    print("|".join([r["reference"], r["complainant_phone"], r["union"],
        r["upazila"], r["district"], r["division"], r["description"]]))
PY
is "$(head -n 1 "$SK_TMP/grs.txt")" 3 "CSV: 3 rows for the district"
like "$(cat "$SK_TMP/grs.txt")" \
    "SANKET-$G1\\|01711000001\\|আলী আকবর ডেইল\\|কুতুবদিয়া\\|কক্সবাজার\\|চট্টগ্রাম\\|চাল কম দেওয়া হয়েছে, ২০ কেজি" \
    "CSV: Bangla address, local phone, the comma inside the text"
like "$(cat "$SK_TMP/grs.txt")" "SANKET-$G2\\|.*\\|Shelter \"B\" closed, no water" \
    "CSV: quotes survive"

# --- resolve -------------------------------------------------------------------
body() { jq -cn --arg n "$1" '{note: $n}'; }
SK_REQ_TOKEN=$AUD sk_req POST "/api/v1/grievances/$G1/resolve" \
    -H 'Content-Type: application/json' --data "$(body done)"
is "$CODE:$(sk_jq .error.code)" "403:E_FORBIDDEN" "auditor cannot resolve: 403"
SK_REQ_TOKEN=$BHO sk_req POST "/api/v1/grievances/$G1/resolve" \
    -H 'Content-Type: application/json' --data "$(body done)"
is "$CODE:$(sk_jq .error.code)" "403:E_SCOPE" "Bhola official on Kutubdia's: 403"
SK_REQ_TOKEN=$KUT sk_req POST "/api/v1/grievances/$G4/resolve" \
    -H 'Content-Type: application/json' --data "$(body done)"
is "$CODE:$(sk_jq .error.code)" "403:E_SCOPE" "scoped official on a union-less one: 403"
sk_req POST "/api/v1/grievances/99999/resolve" \
    -H 'Content-Type: application/json' --data "$(body done)"
is "$CODE" 404 "unknown grievance: 404"

# Bad input: each refused, nothing changes.
before=$(sk_db "SELECT group_concat(id || status || ifnull(resolution, ''), ',') FROM grievances")
msgs_before=$(sk_db "SELECT count(*) FROM messages")
bad() {	# NAME PATH BODY WANT-STATUS
	SK_REQ_TOKEN=$KUT sk_req POST "$2" -H 'Content-Type: application/json' \
	    --data-binary "$3"
	like "$CODE" "$4" "$1: $CODE"
}
bad "non-numeric id" "/api/v1/grievances/abc/resolve" "$(body done)" '^404$'
bad "id with SQL" "/api/v1/grievances/1%20OR%201=1/resolve" "$(body done)" '^404$'
bad "zero id" "/api/v1/grievances/0/resolve" "$(body done)" '^404$'
bad "huge id" "/api/v1/grievances/99999999999999999999999/resolve" "$(body done)" '^404$'
bad "missing note" "/api/v1/grievances/$G1/resolve" '{}' '^400$'
bad "empty note" "/api/v1/grievances/$G1/resolve" "$(body '  ')" '^400$'
bad "note not a string" "/api/v1/grievances/$G1/resolve" '{"note":42}' '^400$'
bad "note of 501 characters" "/api/v1/grievances/$G1/resolve" \
    "$(body "$(printf 'ক%.0s' $(seq 501))")" '^400$'
bad "unknown member" "/api/v1/grievances/$G1/resolve" '{"note":"x","status":"open"}' '^400$'
printf '{"note":"bad \xff\xfe utf-8"}' >"$SK_TMP/bad.json"
bad "invalid UTF-8 note" "/api/v1/grievances/$G1/resolve" @"$SK_TMP/bad.json" '^400$'
bad "not JSON" "/api/v1/grievances/$G1/resolve" "note=done" '^400$'
is "$(sk_db "SELECT group_concat(id || status || ifnull(resolution, ''), ',') FROM grievances")" \
    "$before" "bad input changed no grievance"
is "$(sk_db "SELECT count(*) FROM messages")" "$msgs_before" "and queued no SMS"

# Bangla complainant, Kutubdia official.
NOTE_BN="৩০ কেজি চাল বুঝিয়ে দেওয়া হয়েছে; x'); DROP TABLE messages; --"
SK_REQ_TOKEN=$KUT sk_req POST "/api/v1/grievances/$G1/resolve" \
    -H 'Content-Type: application/json' --data "$(body "$NOTE_BN")"
is "$CODE:$(sk_jq .status):$(sk_jq .sms.lang)" "200:resolved:bn" "resolve (Bangla): 200"
MSG1=$(sk_jq .message_id)
ok "Bangla resolution SMS arrives at fakesmsc" sk_wait_mt "$BN_NUM" 1
G1_BN=$("$SK_PYTHON" -c 'import sys
print("".join(chr(0x09e6 + int(c)) for c in sys.argv[1]))' "$G1")
is "$(sk_mt_last "$BN_NUM")" "আপনার অভিযোগ নং $G1_BN নিষ্পত্তি হয়েছে: $NOTE_BN" \
    "the Bangla text, exact"
is "$(sk_db "SELECT origin || ' ' || priority FROM messages WHERE id = $MSG1")" \
    "grievance 2" "message: origin grievance, reply priority"
is "$(sk_db "SELECT count(*) FROM audit WHERE action = 'grievance.resolve' AND areas = '20224510'")" \
    1 "one audit row, with the union"

# English complainant, through the CLI.
out=$(SANKET_TOKEN=$KUT "$top_builddir/sanket" grievance resolve "$G2" \
    --note "Water truck sent to shelter B" 2>&1) && rc=0 || rc=$?
is "$rc" 0 "sanket grievance resolve: exit 0"
like "$out" "grievance $G2 resolved: SMS [0-9]+ queued \\(en, gsm7, 1 part\\)" \
    "sanket grievance resolve: the summary"
ok "English resolution SMS arrives at fakesmsc" sk_wait_mt "$EN_NUM" 1
is "$(sk_mt_last "$EN_NUM")" \
    "Your complaint #$G2 has been resolved: Water truck sent to shelter B" \
    "the English text, exact"

# Twice: 409, nothing sent.
n_fake=$(sk_fake_count)
SK_REQ_TOKEN=$KUT sk_req POST "/api/v1/grievances/$G1/resolve" \
    -H 'Content-Type: application/json' --data "$(body again)"
is "$CODE:$(sk_jq .error.code)" "409:E_CONFLICT" "resolve twice: 409"
is "$(sk_db "SELECT resolution FROM grievances WHERE id = $G1")" "$NOTE_BN" \
    "the first resolution stands"
is "$(sk_db "SELECT count(*) FROM messages WHERE origin = 'grievance'")" 2 \
    "no new message queued"
out=$(SANKET_TOKEN=$KUT "$top_builddir/sanket" grievance resolve "$G1" \
    --note again 2>&1) && rc=0 || rc=$?
is "$rc" 1 "sanket grievance resolve twice: exit 1"
like "$out" "E_CONFLICT" "sanket: E_CONFLICT"

# A long note is cut to fit [kannel] max_parts; the record keeps it whole.
LONG=$(printf 'ঘর মেরামত করা হয়েছে। %.0s' $(seq 20))
LONG=${LONG% }
sk_req POST "/api/v1/grievances/$G3/resolve" \
    -H 'Content-Type: application/json' --data "$(body "$LONG")"
is "$CODE:$(sk_jq .sms.truncated)" "200:true" "long note: resolved, SMS cut"
ok "the cut SMS arrives" sk_wait_mt "$MN_NUM" 1
like "$(sk_mt_last "$MN_NUM")" "…$" "it ends in …"
is "$(sk_db "SELECT resolution FROM grievances WHERE id = $G3")" "$LONG" \
    "the resolution is stored whole"

# --- after ---------------------------------------------------------------------
sk_req GET "/api/v1/grievances?status=resolved"
is "$(ids)" "$G1 $G2 $G3" "status=resolved: 3"
is "$(sk_jq "[.grievances[] | select(.id == $G1)][0].message_id")" "$MSG1" \
    "the list shows the resolution's message"
sk_req GET "/api/v1/grievances"
is "$(ids)" "$G4 $G5" "status=open (default): 2 left"

out=$(SANKET_TOKEN=$KUT "$top_builddir/sanket" grievance list --status all 2>&1) && rc=0 || rc=$?
is "$rc" 0 "sanket grievance list: exit 0"
is "$(printf '%s\n' "$out" | tail -n +2 | wc -l)" 3 "sanket grievance list: 3 rows"
like "$out" "20224510 Ali Akbar Deil" "sanket grievance list: union named"
out=$(SANKET_TOKEN=$KUT "$top_builddir/sanket" --json grievance list --status all 2>&1) || true
is "$(printf '%s' "$out" | jq -c '[.grievances[].id] | sort')" "[$G1,$G2,$G5]" \
    "sanket --json grievance list: the API object"
out=$(SANKET_TOKEN=$AUD "$top_builddir/sanket" grievance list --csv --status all --union 202245 2>&1) || true
is "$(printf '%s\n' "$out" | head -n 1 | cut -c4- | cut -d, -f1-3)" "reference,date,channel" \
    "sanket grievance list --csv: the GRS header"
"$top_builddir/sanket" grievance resolve abc --note x >/dev/null 2>&1 && rc=0 || rc=$?
is "$rc" 2 "sanket grievance resolve abc: usage (exit 2)"
"$top_builddir/sanket" grievance list --status closed >/dev/null 2>&1 && rc=0 || rc=$?
is "$rc" 2 "sanket grievance list --status closed: usage (exit 2)"

ok "sanketd still runs" sk_alive "$SK_SANKETD_PID"
done_testing
