#!/usr/bin/env bash
# supersede-cancel.sh: a warning updated, then cancelled with an
# all-clear, while it is going out (docs/escalation.md), through real
# Kannel and fakesmsc at [kannel] rate 2/s, window 1, so something is
# always still queued:
#
#	supersede: the answer says how many of the old were stopped; none
#	    of those ever arrives (only what was in flight); those the old
#	    one reached get the new text before everyone else
#	refusals: superseding twice or a cancelled alert is 409, an unknown
#	    one 404; a malformed cancel body is 400 and cancels nothing
#	cancel {"all_clear": true}: the rest stopped at once; the all-clear
#	    (stock English text naming the warning) goes only to numbers
#	    that got the cancelled warning
#	the statuses link the three alerts
#	the CLI: `alert send --supersedes`, `alert cancel --all-clear` with
#	    an own text, and its usage errors
set -u
. "$top_srcdir/tests/lib/common.sh"

sk_need_kannel_suite
T=$SK_TMP
U=20224510
N=10

sk_start_sms 2 1
{
	echo "msisdn,union,lang,channel,programmes"
	for i in $(seq -w 1 $N); do echo "017110000$i,$U,en,sms,"; done
} >"$T/recipients.csv"
sk_req POST /api/v1/recipients --data-binary @"$T/recipients.csv"
is "$CODE:$(sk_jq .created)" "200:$N" "$N recipients in one union"

OLD='Old warning: storm surge 2 m'
NEW='New warning: storm surge 4 m, go to the shelter'
# got TEXT: the numbers that fakesmsc got TEXT for, in order of arrival.
got() { sk_fake_msgs | awk -F'\t' -v t="$1" 'index($2, t) == 1 { print $1 }'; }
ngot() { got "$1" | wc -l; }
ngot_at_least() { [ "$(ngot "$1")" -ge "$2" ]; }
q() { sk_db "$1"; }

sk_req POST /api/v1/alerts -d "{\"kind\":\"warning\",\"areas\":[\"$U\"],\"text_en\":\"$OLD\"}"
is "$CODE:$(sk_jq .messages)" "201:$N" "the first warning: $N SMS"
A1=$(sk_jq .id)
ok "3 of them arrive" sk_wait_until 20 "$SK_SANKETD_PID" -- ngot_at_least "$OLD" 3

# --- supersede ---------------------------------------------------------------
sk_req POST /api/v1/alerts -d "{\"kind\":\"warning\",\"areas\":[\"$U\"],
    \"text_en\":\"$NEW\",\"supersedes\":$A1}"
ANSWERED=$(date +%s%3N)
BEFORE=$(ngot "$OLD")
is "$CODE:$(sk_jq .superseded.id)" "201:$A1" "the update supersedes the first"
A2=$(sk_jq .id)
STOPPED=$(sk_jq .superseded.stopped)
FIRST=$(sk_jq .superseded.first)
ok "the answer says how many of the old were stopped ($STOPPED)" \
    test "$STOPPED" -ge 1 -a "$STOPPED" -le $((N - 3))
ok "and how many it had reached ($FIRST) go first" test "$FIRST" -ge 3

ok "the update reaches everyone" sk_wait_until 30 "$SK_SANKETD_PID" -- \
    ngot_at_least "$NEW" "$N"
is "$(ngot "$OLD")" $((N - STOPPED)) \
    "none of the $STOPPED stopped ever arrives"
# What sanketd controls: after its answer, only the window (1) of the old
# one, already with Kannel, can still be accepted by it.  (When each
# arrives at fakesmsc is Kannel's queue: $BEFORE had then, more later.)
LATE=$(q "SELECT count(*) FROM messages WHERE alert_id = $A1
    AND submitted_at > $ANSWERED")
ok "after the answer at most the in-flight window of the old was handed to Kannel ($LATE; $BEFORE arrived then, $(ngot "$OLD") now)" \
    test "$LATE" -le 1
is "$(q "SELECT count(*) FROM messages WHERE alert_id = $A1 AND state = 5
    AND reason = 'superseded'")" "$STOPPED" "stored: cancelled, reason superseded"
got "$OLD" | sort >"$T/old.txt"
got "$NEW" | head -n "$FIRST" | sort >"$T/first.txt"
is "$(comm -13 "$T/old.txt" "$T/first.txt" | wc -l)" 0 \
    "the first $FIRST to get the new text all had the old one"
sk_req GET "/api/v1/alerts/$A1"
is "$(sk_jq .status):$(sk_jq .superseded_by)" "superseded:$A2" \
    "the old one: superseded, by the update"

sk_req POST /api/v1/alerts -d "{\"kind\":\"warning\",\"areas\":[\"$U\"],
    \"text_en\":\"x\",\"supersedes\":$A1}"
is "$CODE:$(sk_jq .error.code // .code)" "409:E_CONFLICT" "superseding it again: 409"
sk_req POST /api/v1/alerts -d "{\"kind\":\"warning\",\"areas\":[\"$U\"],
    \"text_en\":\"x\",\"supersedes\":987654}"
is "$CODE" 404 "superseding an unknown alert: 404"
is "$(q "SELECT count(*) FROM alerts")" 2 "refused updates create nothing"

sk_req POST "/api/v1/alerts/$A1/cancel" -d '{"all_clear": "yes"}'
is "$CODE" 400 "a malformed cancel body: 400"
sk_req POST "/api/v1/alerts/$A1/cancel" -d '{"all_clear": {"text_en": 5}}'
is "$CODE" 400 "all_clear with a text that is not a string: 400"
is "$(q "SELECT cancelled_at IS NULL FROM alerts WHERE id = $A1")" 1 \
    "and nothing was cancelled"

# --- cancel with all-clear, mid-flight -------------------------------------------
sk_req POST /api/v1/alerts -d "{\"kind\":\"warning\",\"areas\":[\"$U\"],
    \"text_en\":\"Third warning: river rising\"}"
A3=$(sk_jq .id)
ok "a third warning starts going out" sk_wait_until 20 "$SK_SANKETD_PID" -- \
    ngot_at_least "Third warning" 3
sk_req POST "/api/v1/alerts/$A3/cancel" -d '{"all_clear": true}'
is "$CODE:$(sk_jq .status)" "200:cancelled" "cancel with all-clear"
S3=$(sk_jq .stopped)
AC=$(sk_jq .all_clear.id)
M=$(sk_jq .all_clear.messages)
ok "stopped $S3 at once" test "$S3" -ge 1
ok "an all-clear alert ($AC) with $M messages" test "$AC" -gt "$A3" -a "$M" -ge 3
ok "the all-clear arrives" sk_wait_until 30 "$SK_SANKETD_PID" -- \
    ngot_at_least "All clear: warning #$A3" "$M"
is "$(ngot "Third warning")" $((N - S3)) "none of the stopped ones arrives"
got "Third warning" | sort >"$T/third.txt"
got "All clear: warning #$A3" | sort >"$T/clear.txt"
is "$(comm -13 "$T/third.txt" "$T/clear.txt" | wc -l):$(wc -l <"$T/clear.txt")" \
    "0:$M" "the all-clear went only to numbers that got the warning, once each"
is "$(got "All clear" | sort -u | wc -l)" "$M" "no one got it twice"
sk_req GET "/api/v1/alerts/$A3"
is "$(sk_jq .status):$(sk_jq .all_clear_id)" "cancelled:$AC" \
    "the cancelled warning links its all-clear"
sk_req GET "/api/v1/alerts/$AC"
is "$(sk_jq '[.kind, .priority, .confirm_within, .escalate] | map(tostring) | join(":")')" \
    "warning:3:null:false" "the all-clear: a priority 3 warning, no window, no escalation"
sk_req POST "/api/v1/alerts/$A3/cancel" -d '{"all_clear": true}'
is "$CODE" 409 "cancelling twice: 409, no second all-clear"
is "$(q "SELECT count(*) FROM alerts")" 4 "4 alerts in all"

# The cancelled update (A2): a cancel after it settled stops nothing.
sk_req POST "/api/v1/alerts/$A2/cancel" -d '{}'
is "$CODE:$(sk_jq .stopped):$(sk_jq .all_clear)" "200:0:null" \
    "cancel {} of a settled alert: nothing to stop, no all-clear"
sk_req POST /api/v1/alerts -d "{\"kind\":\"warning\",\"areas\":[\"$U\"],
    \"text_en\":\"x\",\"supersedes\":$A2}"
is "$CODE" 409 "a cancelled alert cannot be superseded: 409"

# --- the same from the CLI ----------------------------------------------------
cli() { "$top_builddir/sanket" "$@" 2>&1; }
OUT=$(cli --json alert send --kind warning --area "$U" \
    --text-en "Fifth warning: wind 90 km/h")
A5=$(printf '%s' "$OUT" | jq -r .id)
ok "sanket alert send: a fifth warning ($A5) starts going out" \
    sk_wait_until 20 "$SK_SANKETD_PID" -- ngot_at_least "Fifth warning" 2
OUT=$(cli alert send --kind warning --area "$U" \
    --text-en "Sixth warning: wind 120 km/h" --supersedes "$A5")
like "$OUT" "^alert [0-9]+ queued: $N messages" \
    "sanket alert send --supersedes: queued to all $N"
A6=$(printf '%s' "$OUT" | sed -n '1s/^alert \([0-9]*\) .*/\1/p')
is "$(q "SELECT superseded_by FROM alerts WHERE id = $A5")" "$A6" \
    "... and the fifth is superseded by it"
ok "the sixth reaches 3" sk_wait_until 30 "$SK_SANKETD_PID" -- \
    ngot_at_least "Sixth warning" 3
OUT=$(cli alert cancel "$A6" --all-clear --text-en "Sixth withdrawn: stay alert")
like "$OUT" "^alert $A6 cancelled: [0-9]+ messages? stopped" \
    "sanket alert cancel --all-clear: cancelled"
like "$OUT" "all clear: alert [0-9]+ to the [0-9]+ people reached" \
    "... and says whom the all-clear goes to"
M6=$(printf '%s' "$OUT" | sed -n 's/^all clear: alert [0-9]* to the \([0-9]*\) .*/\1/p')
ok "the all-clear in its own words reaches those $M6" \
    sk_wait_until 30 "$SK_SANKETD_PID" -- ngot_at_least "Sixth withdrawn" "${M6:-1}"
is "$(q "SELECT a.text_en FROM alerts a JOIN alerts w ON w.all_clear_id = a.id
    WHERE w.id = $A6")" "Sixth withdrawn: stay alert" "stored as the sixth's all-clear"
OUT=$(cli alert cancel "$A6" --all-clear --area "$U") && rc=0 || rc=$?
is "$rc" 2 "--area with cancel: a usage error (exit 2)"
OUT=$(cli alert status "$A6" --all-clear) && rc=0 || rc=$?
is "$rc" 2 "--all-clear with status: a usage error"
is "$(q "SELECT count(*) FROM alerts")" 7 "7 alerts in all: nothing from the refusals"

done_testing
