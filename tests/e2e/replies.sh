#!/usr/bin/env bash
# replies.sh: SMS replies (MO) through real Kannel.  bearerbox, smsbox and
# fakesmsc are wired by `sanket kannel-config` (the sms-service get-url to
# sanketd's /kannel/mo with the callback secret); fakesmsc plays the
# handsets.  Recipients in Bangla and English in Kutubdia's unions get a
# warning with a confirmation window, then reply:
#
#  - confirm: "1" (ASCII), "হ্যাঁ" (UCS-2), "ha" (Banglish), "OK" → intent
#    confirm in GET /api/v1/inbound, the alert's per-union `confirmed`,
#    an answer at fakesmsc in the sender's language;
#  - unknown text → a help answer (not the confirm answer);
#  - STOP / বন্ধ → opted_out: a later awareness alert skips them, a
#    warning still reaches them;
#  - REG <union> from an unknown number → registered there, the answer
#    names the union in Bangla;
#  - the same text twice quickly, and a replayed callback (same Kannel id)
#    → one action, one answer, the repeat stored as a duplicate;
#  - forged callbacks (wrong or no secret, a source outside
#    [kannel] callback_allow) → 403 and nothing stored; no `from` → 400;
#  - invalid UTF-8, a huge text, an empty text → stored raw, answered;
#  - SQL metacharacters → stored verbatim, nothing else touched;
#  - the sanket_mo_* metrics agree.
set -u
. "$top_srcdir/tests/lib/common.sh"

sk_need_kannel_suite

UPZ=202245			# Kutubdia
B1=+8801711200001 B2=+8801711200002 B3=+8801711200003	# bn
E1=+8801811200004 E2=+8801811200005			# en
S1=+8801911200006 S2=+8801911200007			# stop
D1=+8801611200008 X1=+8801511200009			# dup, replay
X2=+8801511200010 X3=+8801511200011 X4=+8801511200012
X5=+8801511200013 X6=+8801511200014 X7=+8801511200015
U1=+8801311299999		# not registered
REG_UNION=20224560 REG_NAME_BN='উত্তর ধুরুং'

sk_start_sms 200 10
cat >"$SK_TMP/recipients.csv" <<EOF
msisdn,union,lang,channel,programmes
$B1,20224510,bn,sms,
$B2,20224510,bn,sms,
$B3,20224520,bn,sms,
$E1,20224520,en,sms,
$E2,20224530,en,sms,
$S1,20224540,bn,sms,
$S2,20224540,en,sms,
$D1,20224550,bn,sms,
$X1,20224550,en,sms,
$X2,20224530,en,sms,
$X3,20224530,en,sms,
$X4,20224530,en,sms,
$X5,20224530,bn,sms,
$X6,20224530,en,sms,
$X7,20224530,en,sms,
EOF
NREC=15
sk_req POST /api/v1/recipients --data-binary @"$SK_TMP/recipients.csv"
require "$NREC recipients imported" test "$CODE:$(sk_jq .created)" = "200:$NREC"

# --- helpers -------------------------------------------------------------------

# inb FROM: GET /api/v1/inbound?from=FROM into BODY; ROWS = its rows (the
# objects that carry an intent, oldest first by id when there is one).
inb() {
	sk_req GET /api/v1/inbound -G --data-urlencode "from=$1"
	ROWS=$(sk_jq '[.. | objects | select(has("intent"))] | sort_by(.id // 0)')
	[ -n "$ROWS" ] || ROWS='[]'
}
# inb_n FROM: how many inbound rows FROM has.
inb_n() {
	inb "$1"
	printf '%s' "$ROWS" | jq length
}
inb_at_least() { [ "$(inb_n "$1")" -ge "$2" ]; }
# inb_field FROM FIELD: FIELD of FROM's rows, one per line.
inb_field() {
	inb "$1"
	printf '%s' "$ROWS" | jq -r ".[].$2 // \"\""
}
# wait_inbound FROM N: FROM has N inbound rows (10 s).
wait_inbound() {
	sk_wait_until 10 "$SK_SANKETD_PID" -- inb_at_least "$1" "$2"
}
# has_bangla TEXT: TEXT holds Bangla script (U+0980..U+09FF).
has_bangla() {
	case $1 in *$'\xe0\xa6'* | *$'\xe0\xa7'*) return 0 ;; esac
	return 1
}
lang_of() {
	if [ -z "$1" ]; then echo none; elif has_bangla "$1"; then echo bn; else echo en; fi
}
# union_field ID CODE FIELD: unions[code == CODE].FIELD of alert ID.
union_field() {
	local CODE BODY
	sk_req GET "/api/v1/alerts/$1"
	sk_jq ".unions[] | select(.code == \"$2\") | .$3"
}
# replies_settled: no answer waits in the outbox or at Kannel.
replies_settled() {
	[ "$(sk_db "SELECT count(*) FROM messages WHERE origin = 'reply'
	    AND state IN (0, 1, 2)")" = 0 ]
}
# recv FROM ROWS MTS WHAT: after an MO, wait for FROM's ROWS-th
# inbound row and its MTS-th MT (the answer), as two checks.
recv() {
	local who=$1 rows=$2 mts=$3 what=$4
	ok "$what: inbound row stored" wait_inbound "$who" "$rows"
	ok "$what: the answer reaches the handset" sk_wait_mt "$who" "$mts" 20
}

# --- a warning with a confirmation window -----------------------------------------
jq -n --arg a "$UPZ" '{kind: "warning", areas: [$a], confirm_within: 3600,
    text_bn: "ঘূর্ণিঝড় সতর্কতা। পেয়ে থাকলে ১ লিখে উত্তর দিন।",
    text_en: "Cyclone warning. Reply 1 if you got this."}' >"$SK_TMP/warn.json"
sk_req POST /api/v1/alerts --data-binary @"$SK_TMP/warn.json"
require "warning created" test "$CODE" = 201
W=$(sk_jq .id)
is "$(sk_jq .messages)" "$NREC" "one warning message per recipient"
require "every warning delivered" sk_wait_until 30 "$SK_SANKETD_PID" -- \
    sk_alert_total_is "$W" delivered "$NREC"
require "fakesmsc got every warning" sk_wait_until 10 "" -- sk_fake_count_at_least "$NREC"

# --- confirmations ------------------------------------------------------------------
ok "MO '1' from $B1 (ASCII) injected" sk_mo "$B1" "1"
recv "$B1" 1 2 "'1'"
ok "MO 'হ্যাঁ' from $B2 (UCS-2) injected" sk_mo_ucs2 "$B2" "হ্যাঁ"
recv "$B2" 1 2 "'হ্যাঁ'"
ok "MO 'ha' from $B3 (Banglish) injected" sk_mo "$B3" "ha"
recv "$B3" 1 2 "'ha'"
ok "MO 'OK' from $E1 (English recipient) injected" sk_mo "$E1" "OK"
recv "$E1" 1 2 "'OK'"

for who in "$B1" "$B2" "$B3" "$E1"; do
	is "$(inb_field "$who" intent)" confirm "$who: intent confirm"
done
is "$(inb_field "$B2" text)" "হ্যাঁ" "$B2: the UCS-2 text stored as UTF-8"
is "$(sk_db "SELECT hex(text) FROM inbound WHERE msisdn = '$B2'")" \
    "$(printf 'হ্যাঁ' | xxd -p | tr 'a-f' 'A-F')" "$B2: raw bytes in the database"
is "$(union_field "$W" 20224510 confirmed)" 2 "alert: union 20224510 confirmed 2"
is "$(union_field "$W" 20224520 confirmed)" 2 "alert: union 20224520 confirmed 2"
is "$(union_field "$W" 20224530 confirmed)" 0 "alert: union 20224530 confirmed 0"
is "$(sk_db "SELECT count(*) FROM messages WHERE alert_id = $W AND confirmed_at IS NOT NULL")" 4 \
    "database: 4 warning messages confirmed"
a_b1=$(sk_mt_last "$B1") a_b2=$(sk_mt_last "$B2") a_b3=$(sk_mt_last "$B3") a_e1=$(sk_mt_last "$E1")
is "$(lang_of "$a_b1")" bn "$B1 ('1', registered bn): answer in Bangla"
is "$(lang_of "$a_b2")" bn "$B2 ('হ্যাঁ'): answer in Bangla"
is "$(lang_of "$a_b3")" bn "$B3 ('ha'): answer in Bangla"
is "$(lang_of "$a_e1")" en "$E1 ('OK', registered en): answer in English"
diag "confirm answers: bn '$a_b1' / en '$a_e1'"

# --- unknown text: help ---------------------------------------------------------------
ok "MO 'hello what is this' from $E2 injected" sk_mo "$E2" "hello what is this"
recv "$E2" 1 2 "unknown text"
is "$(inb_field "$E2" intent)" unknown "$E2: intent unknown"
a_e2=$(sk_mt_last "$E2")
is "$(lang_of "$a_e2")" en "$E2: help answer in English"
ok "$E2: the help answer is not the confirm answer" test "$a_e2" != "$a_e1"
diag "help answer: '$a_e2'"

# --- STOP / বন্ধ ----------------------------------------------------------------------------
ok "MO 'STOP' from $S1 injected" sk_mo "$S1" "STOP"
recv "$S1" 1 2 "STOP"
ok "MO 'বন্ধ' from $S2 (UCS-2) injected" sk_mo_ucs2 "$S2" "বন্ধ"
recv "$S2" 1 2 "বন্ধ"
is "$(inb_field "$S1" intent):$(inb_field "$S2" intent)" "stop:stop" "intents stop"
for who in "$S1" "$S2"; do
	sk_req GET "/api/v1/recipients/$(printf %s "$who" | jq -sRr @uri)"
	is "$CODE:$(sk_jq .opted_out)" "200:true" "$who: opted_out"
done
ok "answers settled" sk_wait_until 20 "" -- replies_settled
s1_n=$(sk_mt_count "$S1") s2_n=$(sk_mt_count "$S2") b1_n=$(sk_mt_count "$B1")
base=$(sk_fake_count)
jq -n --arg a "$UPZ" '{kind: "awareness", areas: [$a],
    text_bn: "সচেতনতা: শুকনো খাবার রাখুন।", text_en: "Awareness: keep dry food."}' >"$SK_TMP/aw.json"
sk_req POST /api/v1/alerts --data-binary @"$SK_TMP/aw.json"
is "$CODE" 201 "awareness alert created"
A=$(sk_jq .id)
is "$(sk_jq .messages)" $((NREC - 2)) "awareness: every recipient but the two who stopped"
ok "awareness delivered" sk_wait_until 30 "$SK_SANKETD_PID" -- \
    sk_alert_total_is "$A" delivered $((NREC - 2))
ok "fakesmsc got the awareness messages" sk_wait_until 10 "" -- \
    sk_fake_count_at_least $((base + NREC - 2))
is "$(sk_mt_count "$B1")" $((b1_n + 1)) "$B1 got the awareness message"
is "$(sk_mt_count "$S1"):$(sk_mt_count "$S2")" "$s1_n:$s2_n" "$S1 and $S2 did not"
sk_req POST /api/v1/alerts --data-binary \
    '{"kind":"warning","areas":["20224540"],"text_bn":"সতর্কতা ২","text_en":"Warning 2"}'
is "$CODE:$(sk_jq .messages)" "201:2" "a warning to their union: 2 messages"
ok "$S1 still gets warnings" sk_wait_mt "$S1" $((s1_n + 1))
ok "$S2 still gets warnings" sk_wait_mt "$S2" $((s2_n + 1))

# --- REG from an unknown number -------------------------------------------------------------
ok "MO 'REG $REG_UNION' from unregistered $U1 injected" sk_mo "$U1" "REG $REG_UNION"
recv "$U1" 1 1 "REG"
is "$(inb_field "$U1" intent):$(inb_field "$U1" arg)" "register:$REG_UNION" \
    "$U1: intent register, arg the union code"
sk_req GET "/api/v1/recipients/$(printf %s "$U1" | jq -sRr @uri)"
is "$CODE:$(sk_jq .union)" "200:$REG_UNION" "$U1 registered in $REG_UNION"
a_u1=$(sk_mt_last "$U1")
like "$a_u1" "$REG_NAME_BN" "the answer names the union in Bangla ($REG_NAME_BN)"

# --- duplicates: the same text twice quickly; a replayed callback ------------------------------
d1_n=$(sk_mt_count "$D1")
gtext="GRS no drinking water at the shelter"
ok "MO '$gtext' from $D1 twice, 0.2 s apart" sk_mo "$D1" "$gtext" 2
ok "both stored" wait_inbound "$D1" 2
is "$(inb_field "$D1" outcome | grep -c '^duplicate')" 1 "$D1: one of the two is a duplicate (outcome)"
is "$(inb_field "$D1" intent | head -n 1)" grievance "$D1: the first is a grievance"
is "$(sk_db "SELECT count(*) FROM inbound WHERE msisdn = '$D1' AND duplicate_of IS NOT NULL")" 1 \
    "$D1: duplicate_of set on one row"
is "$(sk_db "SELECT count(*) FROM grievances WHERE msisdn = '$D1'")" 1 "$D1: one grievance opened"
ok "$D1: an answer arrives" sk_wait_mt "$D1" $((d1_n + 1))
ok "answers settled" sk_wait_until 20 "" -- replies_settled
ok "Kannel's queue empty" sk_wait_until 10 "" -- sk_fake_queue_empty
is "$(sk_mt_count "$D1")" $((d1_n + 1)) "$D1: exactly one answer"

x1_n=$(sk_mt_count "$X1")
sk_mo_http "$X1" "1"
is "$CODE:$BODY" "200:" "callback '1' from $X1: 200, empty body"
id1=$SK_MO_ID
sk_mo_http "$X1" "1" "id=$id1"
is "$CODE:$BODY" "200:" "the same callback again (same Kannel id): 200, empty body"
is "$(inb_n "$X1")" 2 "$X1: both stored"
is "$(inb_field "$X1" outcome | grep -c '^duplicate')" 1 "$X1: the replay is a duplicate (outcome)"
is "$(union_field "$W" 20224550 confirmed)" 1 "alert: union 20224550 confirmed once"
ok "$X1: an answer arrives" sk_wait_mt "$X1" $((x1_n + 1))
ok "answers settled" sk_wait_until 20 "" -- replies_settled
ok "Kannel's queue empty" sk_wait_until 10 "" -- sk_fake_queue_empty
is "$(sk_mt_count "$X1")" $((x1_n + 1)) "$X1: exactly one answer"

# --- forged callbacks -----------------------------------------------------------------------
n_in=$(sk_db "SELECT count(*) FROM inbound")
sk_mo_http "$X2" "1" "secret=wrong$(sk_hex 4)"
is "$CODE" 403 "wrong secret: 403"
like "$BODY" E_FORBIDDEN "wrong secret: E_FORBIDDEN"
sk_mo_http "$X2" "1" -secret
is "$CODE" 403 "no secret: 403"
like "$BODY" E_FORBIDDEN "no secret: E_FORBIDDEN"
sk_mo_http "$X2" "1" "secret="
is "$CODE" 403 "empty secret: 403"
sk_mo_http "$X2" "1" -from
is "$CODE" 400 "no from: 400"
is "$(sk_db "SELECT count(*) FROM inbound")" "$n_in" "nothing stored for any of them"
is "$(union_field "$W" 20224530 confirmed)" 0 "nothing confirmed"

# --- bad input: stored raw, answered --------------------------------------------------------
bad=$'RCV \xff\xfe 48\xc3 \xed\xa0\x80'
x3_n=$(sk_mt_count "$X3") x4_n=$(sk_mt_count "$X4") x5_n=$(sk_mt_count "$X5")
x6_n=$(sk_mt_count "$X6") x7_n=$(sk_mt_count "$X7")
sk_mo_http "$X3" "$bad"
is "$CODE" 200 "invalid UTF-8: 200"
is "$(sk_db "SELECT hex(text) FROM inbound WHERE msisdn = '$X3'")" \
    "$(printf '%s' "$bad" | xxd -p | tr 'a-f' 'A-F')" "invalid UTF-8: the raw bytes stored"
inb "$X3"
is "$CODE:$(printf '%s' "$ROWS" | jq -r '.[0].intent')" "200:unknown" \
    "invalid UTF-8: intent unknown, the list still valid JSON"
ok "invalid UTF-8: answered" sk_wait_mt "$X3" $((x3_n + 1))

huge=$(head -c 9000 /dev/zero | tr '\0' 'A')
sk_mo_http "$X4" "$huge"
is "$CODE" 200 "9000-byte text: 200"
is "$(sk_db "SELECT length(text) FROM inbound WHERE msisdn = '$X4'")" 9000 \
    "9000-byte text: stored whole"
is "$(inb_field "$X4" intent)" unknown "9000-byte text: intent unknown"
ok "9000-byte text: answered" sk_wait_mt "$X4" $((x4_n + 1))

sql=$'GRS x\'); DROP TABLE inbound; --" OR 1=1 %_ \\ ;'
sk_mo_http "$X6" "$sql"
is "$CODE" 200 "SQL metacharacters (callback): 200"
is "$(inb_field "$X6" text)" "$sql" "SQL metacharacters: the text listed verbatim"
is "$(sk_db "SELECT text FROM inbound WHERE msisdn = '$X6'")" "$sql" \
    "SQL metacharacters: stored verbatim"
is "$(sk_db "SELECT count(*) FROM grievances WHERE msisdn = '$X6'")" 1 \
    "SQL metacharacters: one grievance"
ok "SQL metacharacters: answered" sk_wait_mt "$X6" $((x6_n + 1))
sql2="GRS a'b; DELETE FROM recipients; --"
ok "SQL metacharacters through fakesmsc injected" sk_mo "$X7" "$sql2"
recv "$X7" 1 $((x7_n + 1)) "SQL metacharacters (fakesmsc)"
is "$(inb_field "$X7" text)" "$sql2" "SQL metacharacters via Kannel: stored verbatim"
is "$(sk_db "SELECT count(*) FROM recipients")" $((NREC + 1)) "recipients untouched"

# --- metrics ------------------------------------------------------------------------------------
# confirm: B1 B2 B3 E1 X1; unknown: E2 X3 X4; stop: S1 S2; register: U1;
# grievance: D1 X6 X7.  Duplicates: D1's second, X1's replay.
is "$(sk_metric 'sanket_mo_total{intent="confirm"}')" 5 "metrics: 5 confirm"
is "$(sk_metric 'sanket_mo_total{intent="unknown"}')" 3 "metrics: 3 unknown"
is "$(sk_metric 'sanket_mo_total{intent="stop"}'):$(sk_metric 'sanket_mo_total{intent="register"}'):$(sk_metric 'sanket_mo_total{intent="grievance"}')" \
    "2:1:3" "metrics: 2 stop, 1 register, 3 grievance"
is "$(sk_metric sanket_mo_duplicates_total)" 2 "metrics: 2 duplicates"
is "$(sk_metric sanket_mo_forged_total)" 3 "metrics: 3 forged"

# --- empty text (last: listing it once crashed sanketd) ---------------------------------
sk_mo_http "$X5" ""
is "$CODE" 200 "empty text: 200"
is "$(sk_db "SELECT count(*) || ':' || length(text) FROM inbound WHERE msisdn = '$X5'")" "1:0" \
    "empty text: stored"
ok "empty text: answered (help)" sk_wait_mt "$X5" $((x5_n + 1))
is "$(lang_of "$(sk_mt_last "$X5")")" bn "empty text from a bn recipient: help in Bangla"
is "$(sk_metric 'sanket_mo_total{intent="unknown"}')" 4 "metrics: 4 unknown"
is "$(inb_field "$X5" intent)" unknown "empty text: listed, intent unknown"
ok "sanketd survives listing an empty text" sk_alive "$SK_SANKETD_PID"

# --- a source outside callback_allow --------------------------------------------------------
sk_stop_sanketd || true
sk_conf_set kannel callback_allow 192.0.2.1
require "sanketd restarts with callback_allow = 192.0.2.1" sk_restart_sanketd
n_in=$(sk_db "SELECT count(*) FROM inbound")
sk_mo_http "$X2" "1"
is "$CODE" 403 "right secret from a source not allowed: 403"
is "$(sk_db "SELECT count(*) FROM inbound")" "$n_in" "nothing stored"

ok "sanketd still runs" sk_alive "$SK_SANKETD_PID"
done_testing
