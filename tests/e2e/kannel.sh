#!/bin/bash
# kannel.sh: sanketd next to a real Kannel (bearerbox, smsbox, fakesmsc on
# free loopback ports).  The kannel.conf groups come from `sanket
# kannel-config`, so Kannel accepting them and a sendsms with sanket.conf's
# credentials reaching fakesmsc proves the two configs match.  /healthz
# follows bearerbox: "kannel" is "up" while it runs and "down" after it
# stops.
set -eu
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/lib/common.sh"

[ -x "$top_builddir/sanketd" ] || skip_all "sanketd not built"
sk_have_kannel || skip_all "Kannel not installed (scripts/deps.sh)"
sk_tmpdir

# healthz_is WANT: /healthz's "kannel" field is WANT.
# shellcheck disable=SC2317 # called through sk_wait_until
healthz_is() {
	[ "$(sk_healthz_field kannel)" = "$1" ]
}

require "bearerbox, smsbox and fakesmsc start" sk_start_kannel
if grep -q 'fallback written by the test library' "$SK_KANNEL_DIR/kannel.conf"; then
	skip "sanket kannel-config did not print the groups (fallback used)"
else
	ok "kannel.conf groups from sanket kannel-config" \
	    grep -q 'group *= *sms-service' "$SK_KANNEL_DIR/kannel.conf"
fi
ok "sms-service never replies to the handset (max-messages = 0)" \
    grep -Eq '^max-messages *= *0' "$SK_KANNEL_DIR/kannel.conf"

# sendsms with the credentials of sanket.conf: the sendsms-user matches.
user=$(sed -n 's/^username *= *//p' "$SANKET_CONF")
pass=$(sed -n 's/^password *= *//p' "$SANKET_CONF")
reply=$(curl -sS --max-time 10 -G \
    "http://127.0.0.1:$SK_SENDSMS_PORT/cgi-bin/sendsms" \
    --data-urlencode "username=$user" --data-urlencode "password=$pass" \
    --data-urlencode "to=8801711000001" --data-urlencode "from=16000" \
    --data-urlencode "text=sanket kannel.sh" 2>&1 || true)
like "$reply" "Accepted for delivery" "sendsms accepts sanket.conf's user"
ok "fakesmsc received the MT" sk_wait_until 10 "$SK_FAKESMSC_PID" -- \
    grep -q 'Got message.*sanket kannel.sh' "$SK_FAKESMSC_LOG"

require "sanketd starts with [kannel] status_url" sk_start_sanketd
t0=$(sk_now_ms)
if sk_wait_until 20 "$SK_SANKETD_PID" -- healthz_is up; then
	ok "/healthz kannel becomes up ($(($(sk_now_ms) - t0)) ms)" true
else
	is "$(sk_healthz_field kannel)" up "/healthz kannel becomes up"
fi

t0=$(sk_now_ms)
ok "SIGTERM to bearerbox stops bearerbox, smsbox and fakesmsc" sk_stop_kannel 10
diag "Kannel stopped in $(($(sk_now_ms) - t0)) ms"
t0=$(sk_now_ms)
if sk_wait_until 20 "$SK_SANKETD_PID" -- healthz_is down; then
	ok "/healthz kannel becomes down ($(($(sk_now_ms) - t0)) ms)" true
else
	is "$(sk_healthz_field kannel)" down "/healthz kannel becomes down"
fi
ok "sanketd survives the Kannel outage" sk_alive "$SK_SANKETD_PID"

sk_stop_sanketd 5 || true
is "$SK_SANKETD_RC" 0 "sanketd exits 0 on SIGTERM"

done_testing
