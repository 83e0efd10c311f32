#!/usr/bin/env bash
# sms-broadcast.sh: a Bangla + English cyclone warning to a district, through
# real Kannel (bearerbox, smsbox, fakesmsc).  About 3000 recipients in six
# unions of Cox's Bazar (2022) and 300 outside it.  Every number of the
# district receives exactly one message, in its language: the Bangla text
# byte-exact (UCS-2, 2 concatenated parts, decoded from fakesmsc's UTF-16BE),
# the English one exact (GSM 7-bit, 1 part); nobody outside gets anything.
# GET /api/v1/alerts/{id} per union matches the recipients per union and
# what fakesmsc received; every message reaches "delivered" (fakesmsc's
# DLR 8 then 1); "parts" counts the SMS parts fakesmsc printed; the CLI's
# `alert status` agrees.
set -u
. "$top_srcdir/tests/lib/common.sh"

sk_need_kannel_suite

TARGET=2022	# Cox's Bazar
INSIDE="20224510 20224520 20224910 20224960 20229010 20229040"
OUTSIDE="10096510 40878630"
N_IN=3000
N_OUT=300
BN='ঘূর্ণিঝড় সতর্কতা: ১০ নম্বর মহাবিপদ সংকেত। উপকূলের সবাই এখনই নিকটতম আশ্রয়কেন্দ্রে যান।'
EN='Cyclone warning: great danger signal 10. Everyone on the coast go to the nearest shelter now.'

require "Kannel starts (bearerbox, smsbox, fakesmsc)" sk_start_kannel
sk_conf_set kannel rate 2000
sk_conf_set kannel window 32
require "sanketd starts" sk_start_sanketd
require "admin token" sk_admin_token

sk_req POST /api/v1/areas --data-binary @"$top_srcdir/etc/sample/areas.csv"
require "sample areas imported" test "$CODE" = 200
# shellcheck disable=SC2086 # word lists of union codes
{
	sk_gen_recipients "$N_IN" 7 $INSIDE
	sk_gen_recipients "$N_OUT" 8 $OUTSIDE | tail -n +2
} >"$SK_TMP/recipients.csv"
sk_req POST /api/v1/recipients --data-binary @"$SK_TMP/recipients.csv"
is "$CODE:$(sk_jq .created):$(sk_jq .rejected)" "200:$((N_IN + N_OUT)):0" \
    "$((N_IN + N_OUT)) recipients imported"

# The truth about who should get what, from the database.
sk_db "SELECT msisdn, union_code, lang FROM recipients
    WHERE union_code LIKE '$TARGET%' ORDER BY msisdn" | tr '|' '\t' >"$SK_TMP/want"
n=$(wc -l <"$SK_TMP/want")
n_bn=$(awk -F'\t' '$3 == "bn"' "$SK_TMP/want" | wc -l)
n_en=$((n - n_bn))
is "$n" "$N_IN" "$N_IN recipients in the district"
diag "recipients: $n_bn bn, $n_en en"

# --- send ---------------------------------------------------------------------
jq -n --arg bn "$BN" --arg en "$EN" --arg a "$TARGET" \
    '{kind: "warning", areas: [$a], text_bn: $bn, text_en: $en}' >"$SK_TMP/alert.json"
t0=$(sk_now_ms)
sk_req POST /api/v1/alerts --data-binary @"$SK_TMP/alert.json"
t_post=$(($(sk_now_ms) - t0))
is "$CODE" 201 "POST /api/v1/alerts: 201 (${t_post} ms)"
ID=$(sk_jq .id)
is "$(sk_jq .messages)" "$n" "one message per recipient of the district"
is "$(sk_jq .status)" queued "status queued"
is "$(sk_jq '[.sms.bn.encoding, .sms.bn.chars, .sms.bn.parts] | join(" ")')" \
    "ucs2 87 2" "Bangla: UCS-2, 87 characters, 2 parts"
is "$(sk_jq '[.sms.en.encoding, .sms.en.chars, .sms.en.parts] | join(" ")')" \
    "gsm7 93 1" "English: GSM 7-bit, 93 characters, 1 part"

if sk_wait_until 60 "$SK_SANKETD_PID" -- sk_alert_total_is "$ID" delivered "$n"; then
	dt=$(($(sk_now_ms) - t0))
	ok "every message delivered (DLR 1) in $dt ms ($((n * 1000 / (dt + 1))) msg/s)" true
else
	is "$(sk_alert_total "$ID" delivered)" "$n" "every message delivered (DLR 1)"
fi
ok "the alert settles" sk_wait_until 10 "" -- sk_alert_settled "$ID"
sk_req GET "/api/v1/alerts/$ID"
printf '%s\n' "$BODY" >"$SK_TMP/status.json"
is "$(sk_jq .status)" "done" "status done"
is "$(sk_jq '[.totals.messages, .totals.queued, .totals.submitting, .totals.submitted, .totals.no_report, .totals.failed, .totals.cancelled, .totals.expired] | join(" ")')" \
    "$n 0 0 0 0 0 0 0" "totals: all delivered, nothing else"
is "$(sk_jq .totals.parts)" "$((2 * n_bn + n_en))" "parts: 2 per Bangla message, 1 per English"

# --- what the handsets got -------------------------------------------------------------
# fakesmsc prints each MT as it arrives: wait for the last part.
ok "fakesmsc printed every part" sk_wait_until 10 "" -- \
    sk_fake_count_at_least "$((2 * n_bn + n_en))"
is "$(sk_fake_count)" "$((2 * n_bn + n_en))" "fakesmsc got exactly the parts counted"
sk_fake_msgs >"$SK_TMP/got"
is "$(wc -l <"$SK_TMP/got")" "$n" "fakesmsc got $n whole messages"
cut -f1 "$SK_TMP/got" | sort | uniq -c | awk '$1 != 1' >"$SK_TMP/dups"
is "$(wc -l <"$SK_TMP/dups")" 0 "no number got two messages"
cut -f1 "$SK_TMP/want" >"$SK_TMP/want.nums"
cut -f1 "$SK_TMP/got" | sort -u >"$SK_TMP/got.nums"
is "$(comm -3 "$SK_TMP/want.nums" "$SK_TMP/got.nums" | wc -l)" 0 \
    "the numbers served are exactly the district's (none outside)"

# Texts: the recipient's language, byte for byte.
printf '%s\n' "$BN" >"$SK_TMP/text.bn"
printf '%s\n' "$EN" >"$SK_TMP/text.en"
awk -F'\t' -v bnf="$SK_TMP/text.bn" -v enf="$SK_TMP/text.en" '
BEGIN { getline bn <bnf; getline en <enf }
FILENAME == ARGV[1] { lang[$1] = $3; next }
{ want = lang[$1] == "en" ? en : bn; if ($2 != want) { bad++; if (bad <= 3) print $1 ": " $2 } }
END { exit bad > 0 }' "$SK_TMP/want" "$SK_TMP/got" >"$SK_TMP/badtext"
is "$(wc -l <"$SK_TMP/badtext")" 0 "every text is the recipient's language, exact"
[ ! -s "$SK_TMP/badtext" ] || diag "$(cat "$SK_TMP/badtext")"
# The same without the decoder above: one Bangla recipient's parts, as
# fakesmsc printed them, joined in order, against iconv's UTF-16BE.
bn_num=$(awk -F'\t' '$3 == "bn" { print substr($1, 2); exit }' "$SK_TMP/want")
# shellcheck disable=SC2046 # one argument per log file
got_hex=$(grep -h "Got message [0-9]*: <[0-9]* $bn_num udh " $(sk_fake_logs) |
    "$SK_PYTHON" -c '
import re, sys, urllib.parse
parts = {}
for line in sys.stdin:
    m = re.search(r" udh (\S+) data (\S+)>", line)
    udh = urllib.parse.unquote_to_bytes(m.group(1))
    parts[udh[5]] = urllib.parse.unquote_to_bytes(m.group(2).replace("+", "%20"))
print(b"".join(parts[k] for k in sorted(parts)).hex())')
is "$got_hex" "$(printf '%s' "$BN" | iconv -f UTF-8 -t UTF-16BE | xxd -p | tr -d '\n')" \
    "Bangla arrived as UTF-16BE, byte-exact (raw fakesmsc payload, 2 parts)"

# --- per union: API = database = fakesmsc ---------------------------------------------
sk_db "SELECT union_code, count(*) FROM recipients WHERE union_code LIKE '$TARGET%'
    GROUP BY union_code ORDER BY union_code" | tr '|' ' ' >"$SK_TMP/u.db"
jq -r '.unions | sort_by(.code)[] | "\(.code) \(.messages)"' "$SK_TMP/status.json" >"$SK_TMP/u.api"
jq -r '.unions | sort_by(.code)[] | "\(.code) \(.delivered)"' "$SK_TMP/status.json" >"$SK_TMP/u.api.delivered"
awk -F'\t' 'FILENAME == ARGV[1] { u[$1] = $2; next } { n[u[$1]]++ }
    END { for (c in n) print c, n[c] }' "$SK_TMP/want" "$SK_TMP/got" | sort >"$SK_TMP/u.fake"
is "$(wc -l <"$SK_TMP/u.db")" 6 "recipients in 6 unions of the district"
is "$(cat "$SK_TMP/u.api")" "$(cat "$SK_TMP/u.db")" "per union: messages = recipients"
is "$(cat "$SK_TMP/u.api.delivered")" "$(cat "$SK_TMP/u.db")" "per union: delivered = recipients"
is "$(cat "$SK_TMP/u.fake")" "$(cat "$SK_TMP/u.db")" "per union: fakesmsc received = recipients"
is "$(jq '[.unions[].parts] | add' "$SK_TMP/status.json")" "$((2 * n_bn + n_en))" \
    "per union parts add up to the total"
is "$(jq -r '[.unions[] | select(.name_en == null)] | length' "$SK_TMP/status.json")" 0 \
    "every union is named"

# --- list, metrics, CLI ---------------------------------------------------------------------
sk_req GET /api/v1/alerts
is "$(sk_jq "[.alerts[] | select(.id == $ID) | .status] | join(\",\")")" "done" \
    "GET /api/v1/alerts lists it as done"
is "$(sk_metric 'sanket_sms_total{outcome="submitted"}')" "$n" "metrics: $n submitted"
is "$(sk_metric 'sanket_dlr_total{status="1"}'):$(sk_metric 'sanket_dlr_total{status="8"}')" \
    "$n:$n" "metrics: one DLR 1 and one DLR 8 per message (part 1 only)"
is "$(sk_metric 'sanket_sms_total{outcome="failed"}'):$(sk_metric 'sanket_sms_total{outcome="retried"}'):$(sk_metric 'sanket_dlr_total{status="forged"}')" \
    "0:0:0" "metrics: nothing failed, retried or forged"
is "$(sk_metric sanket_sms_queued):$(sk_metric sanket_sms_inflight)" "0:0" \
    "metrics: nothing queued or in flight"

if "$top_builddir/sanket" help alert >/dev/null 2>&1; then
	out=$("$top_builddir/sanket" alert status "$ID" 2>&1) && rc=0 || rc=$?
	is "$rc" 0 "sanket alert status: exit 0"
	like "$out" "alert $ID +warning +priority 3 +done" "sanket alert status: done"
	like "$out" "$n messages: $n delivered, 0 submitted, 0 failed, 0 queued" \
	    "sanket alert status: the totals"
	like "$out" "$((2 * n_bn + n_en)) SMS parts" "sanket alert status: the parts"
	out=$("$top_builddir/sanket" --json alert status "$ID" 2>&1) || true
	is "$(printf '%s' "$out" | jq -c .totals)" "$(jq -c .totals "$SK_TMP/status.json")" \
	    "sanket --json alert status: the API's totals"
else
	skip "no sanket alert command" 5
fi

ok "sanketd still runs" sk_alive "$SK_SANKETD_PID"
done_testing
