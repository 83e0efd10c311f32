#!/usr/bin/env bash
# sms-kannel-refuses.sh: Kannel answering 4xx is permanent.  sanketd with
# a password smsbox does not know: every sendsms gets 403 ("Authorization
# failed for sendsms"), each message fails once with that reason (no retry,
# nothing at fakesmsc), the alert settles with every message failed, and
# /metrics counts the failures.  With the right password a new alert goes
# out; the failed ones stay failed.
set -u
. "$top_srcdir/tests/lib/common.sh"

sk_need_kannel_suite

N=60
T='Refused test: high tide warning for Hnila.'

require "Kannel starts" sk_start_kannel
good=$(sk_conf_get kannel password)
sk_conf_set kannel password "not-$good"
require "sanketd starts with a wrong sendsms password" sk_start_sanketd
require "admin token" sk_admin_token
sk_req POST /api/v1/areas --data-binary @"$top_srcdir/etc/sample/areas.csv"
require "sample areas imported" test "$CODE" = 200
sk_gen_recipients "$N" 51 20229020 >"$SK_TMP/recipients.csv"
sk_req POST /api/v1/recipients --data-binary @"$SK_TMP/recipients.csv"
is "$CODE:$(sk_jq .created)" "200:$N" "$N recipients imported"

sk_req POST /api/v1/alerts -d "{\"kind\":\"warning\",\"areas\":[\"20229020\"],\"text_en\":\"$T\"}"
is "$CODE:$(sk_jq .messages)" "201:$N" "warning to $N recipients"
ID=$(sk_jq .id)
ok "the alert settles" sk_wait_until 20 "$SK_SANKETD_PID" -- sk_alert_settled "$ID"
sk_req GET "/api/v1/alerts/$ID"
is "$(sk_jq '[.status, .totals.failed, .totals.submitted, .totals.delivered] | join(" ")')" \
    "done $N 0 0" "every message failed"
is "$(sk_jq .totals.parts)" 0 "no part counted: Kannel accepted none"
is "$(sk_jq '.unions[0].failed')" "$N" "per union: failed"
is "$(sk_db "SELECT count(*) FROM messages WHERE alert_id = $ID AND attempts = 1
    AND reason LIKE 'kannel 403:%Authorization failed%'")" "$N" \
    "each failed on its first attempt with Kannel's 403 as the reason"
is "$(sk_metric 'sanket_sms_total{outcome="failed"}')" "$N" "metrics: $N failed"
is "$(sk_metric 'sanket_sms_total{outcome="retried"}'):$(sk_metric 'sanket_sms_total{outcome="submitted"}')" \
    "0:0" "metrics: no retry, nothing submitted"
is "$(sk_fake_count)" 0 "fakesmsc received nothing"
if "$top_builddir/sanket" help alert >/dev/null 2>&1; then
	out=$("$top_builddir/sanket" alert status "$ID" --wait 2>&1) && rc=0 || rc=$?
	is "$rc" 1 "sanket alert status --wait: exit 1 when messages failed"
	like "$out" "$N failed" "and shows the failures"
else
	skip "no sanket alert command" 2
fi

sk_stop_sanketd 5 || true
sk_conf_set kannel password "$good"
require "sanketd restarts with the right password" sk_restart_sanketd
sk_req POST /api/v1/alerts -d "{\"kind\":\"warning\",\"areas\":[\"20229020\"],\"text_en\":\"$T\"}"
ID2=$(sk_jq .id)
ok "a new alert is delivered" sk_wait_until 20 "$SK_SANKETD_PID" -- \
    sk_alert_total_is "$ID2" delivered "$N"
is "$(sk_fake_count)" "$N" "fakesmsc got $N, once each"
is "$(sk_alert_total "$ID" failed)" "$N" "the first alert's messages stay failed"
ok "sanketd still runs" sk_alive "$SK_SANKETD_PID"
done_testing
