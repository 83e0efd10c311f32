#!/usr/bin/env bash
# sms-priority.sh: priorities overtake a running blast.  At [kannel] rate
# 50/s an awareness message (priority 0) to 2000 people in Kutubdia is
# going out; a relief notice (2) to one union and then a warning (3) to
# another are posted during it.  In fakesmsc's order of arrival the
# warning's 100 messages all arrive before the awareness blast is done,
# with no more awareness or relief messages among them than were already
# in flight (the window); the relief notice likewise goes ahead of the
# awareness messages.  Then the awareness alert is cancelled: what it
# stopped plus what fakesmsc got is all of it.
set -u
. "$top_srcdir/tests/lib/common.sh"

sk_need_kannel_suite

RATE=50
WINDOW=10
N_AW=2000	# awareness, upazila 202245 (its 6 unions)
N_RE=50		# relief notice, union 10096510 (Manpura)
N_WA=100	# warning, union 20229010 (Teknaf)
T_AW='Awareness: keep your documents in a waterproof bag.'
T_RE='Relief: rice distribution at Manpura union office tomorrow 10am.'
T_WA='WARNING: cyclone signal 10 for Teknaf. Go to a shelter now.'

sk_start_sms "$RATE" "$WINDOW"
# The last rows go to the relief and warning unions.
sk_import_split_recipients 11 "$N_AW" 10096510 "$N_RE" 20229010 "$N_WA"

# post KIND AREA TEXT: POST an English-only alert; sets AID.
post() {
	jq -n --arg k "$1" --arg a "$2" --arg t "$3" \
	    '{kind: $k, areas: [$a], text_en: $t}' >"$SK_TMP/post.json"
	sk_req POST /api/v1/alerts --data-binary @"$SK_TMP/post.json"
	AID=$(sk_jq .id)
}
# count TEXT: messages with TEXT fakesmsc printed so far.
count() {
	local c
	# shellcheck disable=SC2046 # one argument per log file
	c=$(grep -hcF -- "$1>" $(sk_fake_logs) 2>/dev/null | awk '{ s += $1 } END { print s + 0 }')
	echo "$c"
}
# count_at_least TEXT N
# shellcheck disable=SC2317 # called through sk_wait_until
count_at_least() { [ "$(count "$1")" -ge "$2" ]; }

post awareness 202245 "$T_AW"
is "$CODE:$(sk_jq .messages)" "201:$N_AW" "awareness alert: $N_AW messages"
AW=$AID
require "the awareness blast is under way" sk_wait_until 20 "$SK_SANKETD_PID" -- \
    count_at_least "$T_AW" $((RATE))

post relief_notice 100965 "$T_RE"
is "$CODE:$(sk_jq .messages)" "201:$N_RE" "relief notice posted during the blast"
RE=$AID
post warning 20229010 "$T_WA"
t0=$(sk_now_ms)
is "$CODE:$(sk_jq .messages)" "201:$N_WA" "warning posted during the blast"
WA=$AID
if sk_wait_until 30 "$SK_SANKETD_PID" -- count_at_least "$T_WA" "$N_WA"; then
	dt=$(($(sk_now_ms) - t0))
	ok "all $N_WA warning messages reached fakesmsc in $dt ms (at $RATE/s: $((N_WA * 1000 / RATE)) ms)" true
else
	is "$(count "$T_WA")" "$N_WA" "all warning messages reached fakesmsc"
fi
aw_then=$(count "$T_AW")
ok "... before the awareness blast finished ($aw_then of $N_AW)" test "$aw_then" -lt "$N_AW"
sk_req GET "/api/v1/alerts/$AW"
is "$(sk_jq .status)" sending "the awareness alert is still sending"

# Order of arrival: A awareness, R relief, W warning, one letter each.
sk_fake_msgs | awk -F'\t' -v a="$T_AW" -v r="$T_RE" -v w="$T_WA" '
	$2 == a { printf "A" } $2 == r { printf "R" } $2 == w { printf "W" }
	END { print "" }' >"$SK_TMP/order"
diag "arrival order: $(cut -c1-400 "$SK_TMP/order")"
# between X FROM TO: X letters between the first FROM and the last TO.
between() {
	awk -v x="$1" -v f="$2" -v t="$3" '{
		i = index($0, f); j = 0
		for (k = length($0); k > 0; k--) if (substr($0, k, 1) == t) { j = k; break }
		if (i == 0 || j == 0) { print -1; exit }
		s = substr($0, i, j - i + 1); n = gsub(x, "", s); print n }' "$SK_TMP/order"
}
n=$(between A W W)
ok "warning: at most the window ($WINDOW) awareness messages among its $N_WA ($n)" \
    test "$n" -ge 0 -a "$n" -le "$WINDOW"
n=$(between R W W)
ok "warning: at most the window of relief messages among its own ($n)" \
    test "$n" -ge 0 -a "$n" -le "$WINDOW"
ok "the relief notice reaches fakesmsc too" sk_wait_until 20 "$SK_SANKETD_PID" -- \
    count_at_least "$T_RE" "$N_RE"
sk_fake_msgs | awk -F'\t' -v a="$T_AW" -v r="$T_RE" -v w="$T_WA" '
	$2 == a { printf "A" } $2 == r { printf "R" } $2 == w { printf "W" }
	END { print "" }' >"$SK_TMP/order"
n=$(between A R R)
ok "relief: at most 2 windows of awareness messages from its first to its last ($n)" \
    test "$n" -ge 0 -a "$n" -le $((2 * WINDOW))

# --- end the blast -----------------------------------------------------------
sk_req POST "/api/v1/alerts/$AW/cancel"
is "$CODE:$(sk_jq .status)" 200:cancelled "the awareness alert is cancelled"
stopped=$(sk_jq .stopped)
ok "the cancel stopped most of it ($stopped)" test "$stopped" -gt $((N_AW / 2))
ok "the awareness alert settles" sk_wait_until 20 "" -- sk_alert_settled "$AW"
ok "and fakesmsc has the rest: stopped + received = $N_AW" sk_wait_until 10 "" -- \
    count_at_least "$T_AW" $((N_AW - stopped))
is "$(($(count "$T_AW") + stopped))" "$N_AW" "stopped + received = $N_AW exactly"
for a in "$WA:$N_WA:warning" "$RE:$N_RE:relief notice"; do
	IFS=: read -r id want name <<<"$a"
	ok "the $name: all $want delivered (DLR 1)" \
	    sk_wait_until 20 "" -- sk_alert_total_is "$id" delivered "$want"
done
ok "sanketd still runs" sk_alive "$SK_SANKETD_PID"
done_testing
