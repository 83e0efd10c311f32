#!/usr/bin/env bash
# sms-bad-input.sh: what must change nothing.
#  - POST /api/v1/alerts refused with a 4xx and nothing queued: unknown
#    area, area outside an official's scope, empty texts, texts past
#    [kannel] max_parts (E_TOO_LONG), invalid kind/priority/channels/times,
#    expiry in the past, bad channels, malformed JSON, unknown fields,
#    wrong role, no token.  Afterwards: no alert, no message, nothing at
#    fakesmsc, no audit entry.
#  - forged delivery reports on the callback listener (no signature, wrong
#    HMAC, stale or future t, a valid signature moved to another message or
#    attempt, a source address not in callback_allow): 403, counted as
#    forged in /metrics, the message's state unchanged.
#  - genuine-looking reports: DLR 8 or 2 after 1 keeps "delivered", a
#    repeat is idempotent, a report for an attempt not made is 404.
set -u
. "$top_srcdir/tests/lib/common.sh"

[ -x "$top_builddir/sanketd" ] || skip_all "sanketd not built"
sk_have_kannel || skip_all "Kannel not installed (scripts/deps.sh)"
command -v jq >/dev/null || skip_all "jq not installed"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
command -v openssl >/dev/null || skip_all "openssl not installed"
sk_tmpdir

require "Kannel starts" sk_start_kannel
sk_conf_set kannel dlr_max_age 60
require "sanketd starts" sk_start_sanketd
require "admin token" sk_admin_token
ADMIN=$SANKET_TOKEN
sk_req POST /api/v1/areas --data-binary @"$top_srcdir/etc/sample/areas.csv"
require "sample areas imported" test "$CODE" = 200
sk_req POST /api/v1/recipients --data-binary $'msisdn,union,lang,channel,programmes\n01811000201,20224510,bn,sms,\n01811000202,20224510,en,sms,\n01811000203,20224520,bn,sms,\n01811000204,10096510,bn,sms,\n'
is "$CODE:$(sk_jq .created)" 200:4 "4 recipients imported"
sk_req POST /api/v1/tokens -d '{"role":"official","scope":"202245","name":"Kutubdia PIO"}'
OFF=$(sk_jq .token)
sk_req POST /api/v1/tokens -d '{"role":"auditor","scope":"2022"}'
AUD=$(sk_jq .token)
if [ -z "$OFF" ] || [ -z "$AUD" ]; then
	bail "could not create the official and auditor tokens"
fi

BN67=$(printf 'ক%.0s' $(seq 1 67))
EN153=$(printf 'A%.0s' $(seq 1 153))
long_bn=$(for _ in 1 2 3 4 5 6 7 8 9 10; do printf '%s' "$BN67"; done)ক	# 671: 11 parts
long_en=$(for _ in 1 2 3 4 5 6 7 8 9 10; do printf '%s' "$EN153"; done)A	# 1531: 11 parts
now=$(date +%s)

# refuse WANT-CODE WANT-ERROR NAME JSON [TOKEN]: POST /api/v1/alerts is
# refused as WANT-CODE with error code WANT-ERROR.
refuse() {
	local SK_REQ_TOKEN=${5-$OFF}
	sk_req POST /api/v1/alerts -d "$4"
	is "$CODE:$(sk_jq .error.code)" "$1:$2" "$3"
	[ "$SK_OK" = 1 ] || diag "answer: $BODY"
}
W='"kind":"warning"'
A='"areas":["202245"]'
E='"text_en":"Cyclone warning"'

refuse 404 E_NOT_FOUND "unknown area (admin): 404" "{$W,\"areas\":[\"20224599\"],$E}" "$ADMIN"
refuse 404 E_NOT_FOUND "unknown area inside the scope's code range: 404" "{$W,\"areas\":[\"20224599\"],$E}"
refuse 403 E_SCOPE "area outside the official's scope: 403" "{$W,\"areas\":[\"1009\"],$E}"
refuse 403 E_SCOPE "one area of two outside the scope: 403" "{$W,\"areas\":[\"202245\",\"100965\"],$E}"
refuse 400 E_BAD_REQUEST "not an area code: 400" "{$W,\"areas\":[\"20 22\"],$E}"
refuse 400 E_BAD_REQUEST "no areas: 400" "{$W,\"areas\":[],$E}"
refuse 400 E_BAD_REQUEST "an area that is a number: 400" "{$W,\"areas\":[2022],$E}"
many=$(seq 1 1001 | sed 's/.*/"202245"/' | paste -sd, -)
refuse 400 E_BAD_REQUEST "1001 areas: 400" "{$W,\"areas\":[$many],$E}"
refuse 400 E_BAD_REQUEST "no text: 400" "{$W,$A}"
refuse 400 E_BAD_REQUEST "empty English text: 400" "{$W,$A,\"text_en\":\"\"}"
refuse 400 E_BAD_REQUEST "blank Bangla text: 400" "{$W,$A,\"text_bn\":\" \\n\\t \"}"
refuse 400 E_BAD_REQUEST "a control character: 400" "{$W,$A,\"text_en\":\"bell \\u0007\"}"
refuse 400 E_BAD_REQUEST "text not a string: 400" "{$W,$A,\"text_en\":42}"
refuse 400 E_TOO_LONG "Bangla of 671 characters (11 UCS-2 parts > max_parts 10): 400" \
    "{$W,$A,\"text_bn\":\"$long_bn\"}"
like "$(sk_jq .error.message)" "11 SMS parts.*limit is 10" "the message says parts and limit"
refuse 400 E_TOO_LONG "English of 1531 characters (11 GSM parts): 400" \
    "{$W,$A,\"text_en\":\"$long_en\"}"
refuse 400 E_TOO_LONG "one good text does not save a long one: 400" \
    "{$W,$A,$E,\"text_bn\":\"$long_bn\"}"
refuse 400 E_BAD_REQUEST "unknown kind: 400" "{\"kind\":\"tsunami\",$A,$E}"
refuse 400 E_BAD_JSON "no kind: 400" "{$A,$E}"
refuse 400 E_BAD_REQUEST "priority 4: 400" "{$W,$A,$E,\"priority\":4}"
refuse 400 E_BAD_REQUEST "priority -2: 400" "{$W,$A,$E,\"priority\":-2}"
refuse 400 E_BAD_JSON "priority \"high\": 400" "{$W,$A,$E,\"priority\":\"high\"}"
refuse 400 E_BAD_JSON "priority 2.5: 400" "{$W,$A,$E,\"priority\":2.5}"
refuse 400 E_BAD_REQUEST "expiry in the past: 400" "{$W,$A,$E,\"expires_at\":$((now - 60))}"
refuse 400 E_BAD_REQUEST "expiry now: 400" "{$W,$A,$E,\"expires_at\":$now}"
refuse 400 E_BAD_REQUEST "expiry before the start: 400" \
    "{$W,$A,$E,\"starts_at\":$((now + 7200)),\"expires_at\":$((now + 3600))}"
refuse 400 E_BAD_REQUEST "expiry not a time: 400" "{$W,$A,$E,\"expires_at\":\"tomorrow\"}"
refuse 400 E_BAD_REQUEST "RFC 3339 with a bad month: 400" \
    "{$W,$A,$E,\"starts_at\":\"2026-13-01T10:00:00Z\"}"
refuse 400 E_BAD_REQUEST "confirm_within negative: 400" "{$W,$A,$E,\"confirm_within\":-5}"
refuse 400 E_BAD_REQUEST "a channel that is not a string: 400" "{$W,$A,$E,\"channels\":[7]}"
refuse 400 E_BAD_REQUEST "unknown channel: 400" "{$W,$A,$E,\"channels\":[\"fax\"]}"
refuse 400 E_BAD_REQUEST "no channel: 400" "{$W,$A,$E,\"channels\":[]}"
like "$(sk_jq .error.message)" "sms.*voice" "the message names the channels"
refuse 400 E_BAD_REQUEST "channels not a list: 400" "{$W,$A,$E,\"channels\":\"sms\"}"
refuse 400 E_BAD_JSON "malformed JSON: 400" "{$W,$A,"
refuse 400 E_BAD_JSON "a JSON list: 400" "[1,2]"
refuse 400 E_BAD_JSON "an empty body: 400" ""
refuse 400 E_BAD_JSON "invalid UTF-8 in JSON: 400" "{$W,$A,\"text_en\":\"$(printf '\xff\xfe')\"}"
refuse 400 E_BAD_JSON "an unknown field: 400" "{$W,$A,$E,\"sender\":\"DMB\"}"
refuse 403 E_FORBIDDEN "an auditor may not send: 403" "{$W,\"areas\":[\"202245\"],$E}" "$AUD"
refuse 401 E_UNAUTHORIZED "no token: 401" "{$W,$A,$E}" ""

is "$(sk_db 'SELECT count(*) FROM alerts'):$(sk_db 'SELECT count(*) FROM messages')" "0:0" \
    "nothing stored: no alert, no message"
sk_req GET /api/v1/audit
is "$(sk_jq '[.entries[] | select(.action | startswith("alert"))] | length')" 0 \
    "no alert in the audit log"
sk_req GET /api/v1/alerts
is "$CODE:$(sk_jq '.alerts | length')" 200:0 "GET /api/v1/alerts: empty"
sk_req GET /api/v1/alerts/1
is "$CODE" 404 "GET /api/v1/alerts/1: 404"
sk_req GET /api/v1/alerts/abc
is "$CODE" 404 "GET /api/v1/alerts/abc: 404"

# priority -1 is what the parser uses for "not given" (campaigns/alert.c),
# so it is taken as the kind's default.  Aimed at a union without
# recipients, so that nothing would go out anyway.
sk_req POST /api/v1/alerts -d "{$W,\"areas\":[\"20224530\"],$E,\"priority\":-1}"
is "$CODE:$(sk_jq .error.code)" 400:E_BAD_REQUEST "priority -1: 400"
[ "$CODE" != 201 ] || SK_REQ_TOKEN=$ADMIN sk_req POST "/api/v1/alerts/$(sk_jq .id)/cancel"

# --- a delivered message and a queued one --------------------------------------
SK_REQ_TOKEN=$ADMIN sk_req POST /api/v1/alerts -d "{$W,\"areas\":[\"20224510\"],\"text_bn\":\"ঘূর্ণিঝড় সতর্কতা\",$E}"
is "$CODE:$(sk_jq .messages)" 201:2 "a warning to 2 recipients"
D=$(sk_jq .id)
ok "both delivered" sk_wait_until 20 "$SK_SANKETD_PID" -- sk_alert_total_is "$D" delivered 2
SK_REQ_TOKEN=$ADMIN sk_req POST /api/v1/alerts -d "{$W,\"areas\":[\"20224520\"],$E,\"starts_at\":$((now + 3600))}"
is "$CODE:$(sk_jq .status)" 201:scheduled "and one scheduled in an hour"
Q_ALERT=$(sk_jq .id)
read -r DM DA < <(sk_db "SELECT id, attempts FROM messages WHERE alert_id = $D ORDER BY id LIMIT 1" | tr '|' ' ')
Q=$(sk_db "SELECT id FROM messages WHERE alert_id = $Q_ALERT")
is "$(sk_db "SELECT state || ':' || attempts FROM messages WHERE id = $DM")" "3:1" \
    "message $DM: delivered after 1 attempt"
is "$(sk_db "SELECT state || ':' || attempts FROM messages WHERE id = $Q")" "0:0" \
    "message $Q: queued, no attempt"

CB=http://127.0.0.1:$SK_CB_PORT/kannel/dlr
# dlr QUERY [CURL-ARGS]: GET /kannel/dlr?QUERY; sets CODE.
dlr() {
	local q=$1
	shift
	CODE=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "$@" "$CB?$q" 2>/dev/null) || true
}
state() { sk_db "SELECT state || ':' || coalesce(dlr, '-') FROM messages WHERE id = $1"; }
forged0=$(sk_metric 'sanket_dlr_total{status="forged"}')
dlr1_0=$(sk_metric 'sanket_dlr_total{status="1"}')
q_state=$(state "$Q")
d_state=$(state "$DM")
t=$(date +%s)
hq=$(sk_dlr_sign "$Q" 1 "$t")
hd=$(sk_dlr_sign "$DM" "$DA" "$t")
nf=0
# forged NAME QUERY [CURL-ARGS]: 403 and nothing changes.
forged() {
	local name=$1 q=$2
	shift 2
	dlr "$q" "$@"
	nf=$((nf + 1))
	is "$CODE" 403 "forged DLR, $name: 403"
}
forged "no parameters" ""
forged "no signature" "m=$Q&a=1&t=$t&s=1"
forged "empty signature" "m=$Q&a=1&t=$t&h=&s=1"
forged "wrong HMAC" "m=$Q&a=1&t=$t&h=$(sk_hex 16)&s=1"
forged "HMAC one character short" "m=$Q&a=1&t=$t&h=${hq:0:31}&s=1"
forged "HMAC in upper case" "m=$Q&a=1&t=$t&h=$(printf '%s' "$hq" | tr a-f A-F)&s=1"
forged "signed with another secret" "m=$Q&a=1&t=$t&h=$(printf 'dlr:%s:1:%s' "$Q" "$t" |
    openssl dgst -sha256 -hmac not-the-secret -r | cut -c1-32)&s=1"
forged "another message's valid signature" "m=$Q&a=$DA&t=$t&h=$hd&s=1"
forged "the signature of another attempt" "m=$DM&a=$((DA + 1))&t=$t&h=$hd&s=2"
forged "the signature of another time" "m=$DM&a=$DA&t=$((t + 1))&h=$hd&s=2"
forged "stale t (signed, 120 s > dlr_max_age 60)" \
    "m=$Q&a=1&t=$((t - 120))&h=$(sk_dlr_sign "$Q" 1 $((t - 120)))&s=1"
forged "t an hour ahead (signed)" \
    "m=$Q&a=1&t=$((t + 3600))&h=$(sk_dlr_sign "$Q" 1 $((t + 3600)))&s=1"
forged "m not a number" "m=${Q}x&a=1&t=$t&h=$hq&s=1"
if curl -fsS -o /dev/null --max-time 5 --interface 127.0.0.2 "$SANKET_URL/healthz" 2>/dev/null; then
	forged "valid signature from 127.0.0.2 (not in callback_allow)" \
	    "m=$Q&a=1&t=$t&h=$hq&s=1" --interface 127.0.0.2
else
	skip "cannot send from 127.0.0.2"
fi
is "$(state "$Q"):$(state "$DM")" "$q_state:$d_state" "after the forged reports both messages are unchanged"
is "$(sk_metric 'sanket_dlr_total{status="forged"}')" "$((forged0 + nf))" \
    "metrics: $nf forged reports counted"
is "$(sk_metric 'sanket_dlr_total{status="1"}')" "$dlr1_0" "metrics: no DLR 1 counted for them"

dlr "m=$Q&a=1&t=$t&h=$hq&s=1"
is "$CODE" 404 "a well-signed report for an attempt not made: 404"
is "$(state "$Q")" "$q_state" "the queued message stays queued"
dlr "m=$DM&a=$DA&t=$t&h=$hd&s=3"
is "$CODE" 400 "a well-signed report with an unknown status (3): 400"

# --- genuine-looking reports for the delivered message -------------------------
dlr "m=$DM&a=$DA&t=$t&h=$hd&s=8"
is "$CODE:$(state "$DM")" "200:3:1" "DLR 8 after 1: 200, stays delivered (dlr 1)"
dlr "m=$DM&a=$DA&t=$t&h=$hd&s=1"
is "$CODE:$(state "$DM")" "200:3:1" "DLR 1 again: 200, idempotent"
dlr "m=$DM&a=$DA&t=$t&h=$hd&s=2"
is "$CODE:$(state "$DM")" "200:3:1" "DLR 2 after 1: 200, stays delivered"
dlr "m=$DM&a=$DA&t=$t&h=$hd&s=16"
is "$CODE:$(state "$DM")" "200:3:1" "DLR 16 after 1: 200, stays delivered"
# 50 s before now, not before $t: on a loaded machine the steps above may
# take seconds, and 60 s is the limit.
t50=$(($(date +%s) - 50))
dlr "m=$DM&a=$DA&t=$t50&h=$(sk_dlr_sign "$DM" "$DA" "$t50")&s=4"
is "$CODE:$(state "$DM")" "200:3:1" "DLR 4 signed 50 s ago (within dlr_max_age): 200, stays delivered"
sk_req GET "/api/v1/alerts/$D"
is "$(sk_jq '[.totals.delivered, .totals.failed, .totals.submitted] | join(" ")')" "2 0 0" \
    "the alert still shows 2 delivered, 0 failed"
is "$(sk_fake_count)" 2 "fakesmsc received exactly the 2 real messages"

SK_REQ_TOKEN=$ADMIN sk_req POST "/api/v1/alerts/$Q_ALERT/cancel"
is "$CODE:$(sk_jq .stopped)" 200:1 "the scheduled alert is cancelled (1 stopped)"
ok "sanketd still runs" sk_alive "$SK_SANKETD_PID"
done_testing
