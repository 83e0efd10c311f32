#!/usr/bin/env bash
# campaign-cli.sh: `sanket campaign create|status|list|cancel` as an
# official uses it.  Usage errors exit 2 before any request (the URL points
# at a closed port, so a request would exit 1).  Against a real sanketd
# with the sample areas and recipients and two spots uploaded with
# `sanket spot upload`: a campaign over Kutubdia created from the CLI
# (RFC 3339 start, +7d end, weights, caps, budget), its status as JSON and
# as the report people read (flight, windows, next opening in Dhaka time,
# caps, budget, one row per union and per spot), the list, a campaign with
# an SMS teaser, refusals shown with the API's code (exit 1), cancel (0),
# cancel again (1).
set -u
. "$top_srcdir/tests/lib/common.sh"
command -v sox >/dev/null 2>&1 || skip_all "sox is not installed"
sk_tmpdir
SK=$top_builddir/sanket
T=$SK_TMP
run() {
	OUT=$("$@" 2>"$T/err") && RC=0 || RC=$?
	ERR=$(cat "$T/err")
}
jqo() { printf '%s' "$OUT" | jq -r "$1"; }

# --- usage: exit 2, nothing sent ------------------------------------------
closed=$(sk_ports 1) || bail "no free port"
export SANKET_URL=http://127.0.0.1:${closed% }
export SANKET_TOKEN=sk_0000000000000000000000000000000000000000
good=(--name "Shelter awareness" --spot 1 --area 202245 --end +7d)
usage() {	# usage NAME PATTERN ARGS...: exit 2, PATTERN on stderr
	local name=$1 pat=$2
	shift 2
	run "$SK" campaign "$@"
	is "$RC" 2 "$name: exit 2"
	like "$ERR" "$pat" "$name: says why"
}
usage "no verb" "create, status, list or cancel"
usage "create without --name" "give --name" create --spot 1 --area 202245 \
    --end +7d
usage "create without --spot" "at least one --spot" create --name x \
    --area 202245 --end +7d
usage "create without --area" "at least one --area" create --name x \
    --spot 1 --end +7d
usage "create without --end" "give --end" create --name x --spot 1 \
    --area 202245
usage "--spot abc" '"abc" is not ID or ID:WEIGHT' create "${good[@]}" \
    --spot abc
usage "--spot 3:0" '"3:0" is not ID or ID:WEIGHT' create "${good[@]}" \
    --spot 3:0
usage "--per-day two" '--per-day: "two" is not a positive number' \
    create "${good[@]}" --per-day two
usage "--budget 0" '--budget: "0" is not a positive number' \
    create "${good[@]}" --budget 0
usage "--airings -1" '--airings: "-1"' create "${good[@]}" --airings -1
usage "--channels call,fax" '"call,fax" is not a list of call, hotline' \
    create "${good[@]}" --channels call,fax
usage "--end 7d (no +)" 'say \+7d' create --name x --spot 1 --area 1 \
    --end 7d
usage "status without an ID" "takes one campaign ID" status
usage "status abc" "takes one campaign ID" status abc
usage "cancel two IDs" "takes one campaign ID" cancel 1 2
usage "status with --budget" "--budget is not an option of campaign status" \
    status 1 --budget 5
usage "list --limit 0" '--limit: "0" is not a number in 1..500' list \
    --limit 0
run "$SK" --json campaign create --name x --area 1 --end +1d
is "$RC:$(jqo .error.code)" "2:E_USAGE" "--json usage error: E_USAGE object"
run "$SK" campaign status 1
is "$RC" 1 "a valid command does reach for the (closed) URL: exit 1"
like "$ERR" "cannot reach sanketd" "... and says it cannot reach sanketd"
unset SANKET_URL SANKET_TOKEN

# --- against sanketd ------------------------------------------------------
sk_start_sanketd || bail "sanketd did not start"
sk_admin_token || bail "no admin token"
require "sample areas imported" "$SK" areas import \
    "$top_srcdir/etc/sample/areas.csv"
require "sample recipients imported" "$SK" recipients import \
    "$top_srcdir/etc/sample/recipients.csv"
sox -n -r 16000 -c 1 -b 16 "$T/voice.wav" synth 3 sine 300-900 \
    tremolo 3 60 vol 0.2
run "$SK" --json spot upload "$T/voice.wav" --name "cyclone shelter"
spot1=$(jqo .id)
run "$SK" --json spot upload "$T/voice.wav" --name "drinking water"
spot2=$(jqo .id)
require "two spots uploaded" test "$spot1" -ge 1 -a "$spot2" -gt "$spot1"

# Start at 08:00 Dhaka two days on: the first opening is 10:00 that day.
day=$(TZ=Asia/Dhaka date -d '+2 days' +%Y-%m-%d)
start=${day}T08:00:00+06:00
start_s=$(date -d "$start" +%s)
run "$SK" campaign create --name "Shelter awareness" \
    --spot "$spot1:3" --spot "$spot2" --area 202245 --start "$start" \
    --end +9d --windows 16:00-20:00,10:00-13:00 --per-day 1 --per-week 3 \
    --airings 2 --budget 500
is "$RC" 0 "campaign create: exit 0"
like "$OUT" '^campaign [0-9]+ scheduled: [0-9]+ people, [0-9]+ airings planned, first .* \(windows 10:00-13:00,16:00-20:00\)$' \
    "prints the id and a one-line summary"
id=$(printf '%s' "$OUT" | sed -n 's/^campaign \([0-9]*\) .*/\1/p')
aud=$(printf '%s' "$OUT" | sed -n 's/.*: \([0-9]*\) people.*/\1/p')
planned=$(printf '%s' "$OUT" | sed -n 's/.* \([0-9]*\) airings planned.*/\1/p')
require "a campaign id" test -n "$id"
ok "audience above zero ($aud)" test "${aud:-0}" -gt 0
is "$planned" $((aud * 2)) "two airings planned for each person"
TZ=Asia/Dhaka run "$SK" campaign create --name "again" --spot "$spot1" \
    --area 202245 --start "$start" --end +9d
like "$OUT" "first $day 10:00 \\+06 " "first airing at the first opening, Dhaka time"

run "$SK" --json campaign status "$id"
is "$RC" 0 "status --json: exit 0"
is "$(jqo .id):$(jqo .name):$(jqo .status)" "$id:Shelter awareness:scheduled" \
    "id, name, status scheduled"
is "$(jqo .starts_at)" "$start_s" "starts_at is the RFC 3339 start"
ok "ends_at about 9 days from now" \
    test $(($(jqo .ends_at) - $(date +%s) - 9 * 86400)) -le 0 -a \
    $(($(jqo .ends_at) - $(date +%s) - 9 * 86400)) -gt -60
is "$(jqo .windows)" "10:00-13:00,16:00-20:00" "windows sorted"
is "$(jqo .per_day):$(jqo .per_week):$(jqo .airings):$(jqo .budget)" \
    "1:3:2:500" "caps, airings and budget as given"
is "$(jqo '.channels | join(",")')" "call,hotline" "channels default to call,hotline"
is "$(jqo .audience)" "$aud" "audience as create said"
is "$(jqo '[.unions[].audience] | add')" "$aud" "union audiences add up"
is "$(jqo '[.spots[] | "\(.id):\(.weight)"] | join(",")')" \
    "$spot1:3,$spot2:1" "spots with their weights"
is "$(jqo .next_on_air)" $((start_s + 2 * 3600)) "next on air: 10:00 Dhaka"
is "$(jqo .totals.placed):$(jqo .placed)" "0:0" "nothing placed yet"

TZ=Asia/Dhaka run "$SK" campaign status "$id"
is "$RC" 0 "status: exit 0"
like "$OUT" "^campaign $id  Shelter awareness  scheduled" "heading: id, name, status"
like "$OUT" "^flight    $day 08:00 \\+06 to " "flight from the start, Dhaka time"
like "$OUT" '^windows   10:00-13:00,16:00-20:00 \(Asia/Dhaka\)$' "windows"
like "$OUT" "^next      $day 10:00 \\+06\$" "next opening"
like "$OUT" '^caps      1 a day, 3 a week; 2 airings a person$' "caps"
like "$OUT" '^budget    0 of 500 calls placed$' "placed of budget"
like "$OUT" "^reach     $aud people: 0 placed, 0 answered, 0 reached, 0 full" \
    "reach totals"
like "$OUT" '^code +name +audience +placed +answered +reached +full +listen$' \
    "a union table"
like "$OUT" '^20224520 +Barghop +[1-9][0-9]* +0 +0 +0 +0 +0%$' "one row per union"
like "$OUT" '^spot +name +weight +seconds +placed +answered +reached +full +listen +hotline$' \
    "a spot table"
like "$OUT" "^ *$spot1 +cyclone shelter +3 +3.0 +0 " "one row per spot, with weight"

run "$SK" campaign list
is "$RC" 0 "list: exit 0"
like "$OUT" '^id +name +status +starts +ends +audience +placed +reached' "list heading"
like "$OUT" "^ *$id +Shelter awareness +scheduled " "the campaign listed"
run "$SK" --json campaign list
is "$RC:$(jqo "[.campaigns[].id] | index($id) != null")" "0:true" \
    "list --json holds it"

# --- a teaser, refusals ---------------------------------------------------
run "$SK" campaign create --name "Water" --spot "$spot2" --area 20224520 \
    --end +3d --channels call,sms --teaser-en "Boil water before drinking"
is "$RC" 0 "a campaign with an SMS teaser: exit 0"
like "$OUT" "; teaser alert [0-9]+, [0-9]+ messages?$" "... the teaser's alert shown"
tid=$(printf '%s' "$OUT" | sed -n 's/^campaign \([0-9]*\) .*/\1/p')
run "$SK" campaign create --name "Early" --spot "$spot1" --area 202245 \
    --end +7d --windows 07:00-09:00
is "$RC" 1 "windows before the allowed hours: exit 1"
like "$ERR" "^sanket: E_BAD_REQUEST: windows: 07:00-09:00 lies outside 08:00-21:00" \
    "... the API's code and message"
run "$SK" --json campaign create --name "Early" --spot "$spot1" \
    --area 202245 --end +7d --windows 07:00-09:00
is "$RC:$(jqo .error.code)" "1:E_BAD_REQUEST" "--json: the API's error object"
run "$SK" campaign create --name "Ghost" --spot 9999 --area 202245 --end +7d
is "$RC" 1 "an unknown spot: exit 1"
like "$ERR" "spot 9999" "... names the spot"
run "$SK" campaign create --name "Teaser only" --spot "$spot1" \
    --area 202245 --end +7d --teaser-en "hello"
is "$RC" 1 "a teaser without the sms channel: exit 1"
like "$ERR" 'teaser needs the "sms" channel' "... says so"
run "$SK" campaign status 9999
is "$RC" 1 "status of no campaign: exit 1"
like "$ERR" "E_NOT_FOUND" "... E_NOT_FOUND"

# --- cancel -----------------------------------------------------------------
run "$SK" campaign cancel "$id"
is "$RC" 0 "cancel: exit 0"
like "$OUT" "^campaign $id cancelled: $aud stopped" "says how many were stopped"
run "$SK" --json campaign status "$id"
is "$(jqo .status):$(jqo .totals.pending)" "cancelled:0" "status cancelled, nothing pending"
run "$SK" campaign cancel "$id"
is "$RC" 1 "cancel again: exit 1"
like "$ERR" "E_STATE: campaign $id is already cancelled" "... the API's reason"
run "$SK" --json campaign cancel "$tid"
is "$RC:$(jqo .status)" "0:cancelled" "cancel --json: the API's object"
done_testing
