#!/bin/bash
# demo.sh: run sanket on this machine with a local Kannel and sample data.
#
#	scripts/demo.sh [--check] [--state DIR] [--builddir DIR]
#
# Installs what is missing (scripts/deps.sh), builds build/release
# (scripts/build.sh), then in the state directory (default var/demo/):
# writes sanket.conf and kannel.conf, starts bearerbox, smsbox and fakesmsc
# (the "phones": every SMS sent lands in fakesmsc.log) and sanketd, creates
# an admin token (admin.token, mode 600; reused on the next run), imports
# etc/sample/areas.csv and etc/sample/recipients.csv, prints what to type
# next and waits.  Ctrl-C or SIGTERM stops sanketd and Kannel and exits 0.
#
# Ports are the usual ones: sanketd 8080 (API) and 8081 (Kannel callbacks),
# Kannel 13000 (admin), 13001 (smsbox), 13010 (fake SMSC), 13013 (sendsms).
# If one is taken the script says which and exits 1.
#
#	--check		start everything, check it answers, stop, exit 0/1
#	--state DIR	state directory instead of var/demo
#	--builddir DIR	use the binaries in DIR as they are (no build)
set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
check=0
state=""
builddir=""
usage() {
	echo "usage: scripts/demo.sh [--check] [--state DIR] [--builddir DIR]" >&2
	exit 2
}
while [ $# -gt 0 ]; do
	case $1 in
	--check) check=1 ;;
	--state) [ $# -ge 2 ] || usage; state=$2; shift ;;
	--builddir) [ $# -ge 2 ] || usage; builddir=$2; shift ;;
	*) usage ;;
	esac
	shift
done

say() { printf 'demo: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

cd "$srcdir"
bash scripts/deps.sh
if [ -z "$builddir" ]; then
	bash scripts/build.sh build/release
	builddir=$srcdir/build/release
fi
builddir=$(cd "$builddir" && pwd)
for b in sanketd sanket; do
	[ -x "$builddir/$b" ] || die "$builddir/$b is missing (did the build fail?)"
done

state=${state:-$srcdir/var/demo}
mkdir -p "$state"
state=$(cd "$state" && pwd)

# The shared helpers (process groups, bounded waits, kannel.conf).
top_srcdir=$srcdir
top_builddir=$builddir
# shellcheck source-path=SCRIPTDIR/..
# shellcheck source=tests/lib/common.sh
. "$srcdir/tests/lib/common.sh"
SK_TMP=$state

API_PORT=8080 CB_PORT=8081
SK_ADMIN_PORT=13000 SK_SMSBOX_PORT=13001 SK_FAKE_PORT=13010
SK_SENDSMS_PORT=13013
for p in $API_PORT $CB_PORT $SK_ADMIN_PORT $SK_SMSBOX_PORT $SK_FAKE_PORT \
    $SK_SENDSMS_PORT; do
	if sk_tcp_open "$p"; then
		die "port $p on 127.0.0.1 is in use (another demo running?" \
		    "see $state/*.pid); stop it first"
	fi
done
sk_have_kannel || die "Kannel is not installed (scripts/deps.sh failed?)"

# --- configuration: secrets kept from an earlier run ----------------------
conf=$state/sanket.conf
old() {
	[ -f "$conf" ] && sed -n "s/^$1 *= *//p" "$conf" | head -n 1
	return 0
}
secret=$(old callback_secret)
[ -n "$secret" ] || secret=$(sk_hex 24)
password=$(old password)
[ -n "$password" ] || password=$(sk_hex 12)
SK_STATUS_PASSWORD=$(old status_password)
[ -n "$SK_STATUS_PASSWORD" ] || SK_STATUS_PASSWORD=$(sk_hex 8)
SK_ADMIN_PASSWORD=$(sk_hex 8)
cat >"$conf.new" <<EOF
# sanket.conf for scripts/demo.sh (rewritten on every run; the secrets are
# kept).  See sanket.conf(5).
[gateway]
listen = 127.0.0.1:$API_PORT
callback_listen = 127.0.0.1:$CB_PORT
# Relative to this file.
database = sanket.db
callback_url = http://127.0.0.1:$CB_PORT

[kannel]
sendsms_url = http://127.0.0.1:$SK_SENDSMS_PORT/cgi-bin/sendsms
username = sanket
password = $password
sender = 16000
rate = 50
window = 10
status_url = http://127.0.0.1:$SK_ADMIN_PORT/status.txt
status_password = $SK_STATUS_PASSWORD
status_interval = 2
callback_secret = $secret

[sip]
# The hotline (docs/voice.md): call sip:1090@127.0.0.1:5060.  If the port
# is taken, sanketd says so and runs SMS without voice.
listen = 127.0.0.1:5060

[ivr]
menu = ivr-menu.conf
prompts = prompts
EOF
chmod 600 "$conf.new"
mv "$conf.new" "$conf"
SANKET_CONF=$conf
"$builddir/sanketd" -n -c "$conf" >/dev/null || die "$conf is refused"
# The hotline menu and its prompts (espeak-ng, rendered once; recorded
# prompts dropped in $state/prompts are kept).
cp "$srcdir/etc/ivr-menu.conf" "$state/ivr-menu.conf"
say "rendering the hotline prompts (first run only)"
bash "$srcdir/scripts/prompts.sh" --sanket "$builddir/sanket" \
    "$state/prompts" >"$state/prompts.log" 2>&1 ||
    say "prompts: see $state/prompts.log (the hotline plays silence for missing ones)"
sk_kannel_write_conf "$state"

# --- start and stop -------------------------------------------------------
SK_SANKETD_PID=""
SK_BEARERBOX_PID=""
stopping=0
stop_all() {
	local rc=$1
	[ "$stopping" = 0 ] || return 0
	stopping=1
	trap - INT TERM HUP EXIT
	# Ctrl-C on `demo.sh | tee` also ends tee: stop the boxes anyway.
	trap '' PIPE INT
	set +e
	say "stopping"
	if [ -n "$SK_SANKETD_PID" ] && sk_alive "$SK_SANKETD_PID"; then
		sk_stop_sanketd 10 || say "sanketd did not stop in 10 s: killed"
	fi
	if [ -n "$SK_BEARERBOX_PID" ]; then
		sk_stop_kannel 10 || say "Kannel did not stop in 10 s: killed"
	fi
	for pid in $SK_PIDS; do
		sk_kill "$pid" 2 >/dev/null 2>&1
	done
	exit "$rc"
}
trap 'stop_all 1' EXIT
trap 'stop_all 0' INT TERM HUP

say "starting Kannel (logs in $state)"
sk_kannel_run "$state" >&2 || die "Kannel did not start"
say "starting sanketd"
sk_start_sanketd "$conf" >&2 || die "sanketd did not start (see $state/sanketd.log)"

# --- admin token, sample data ---------------------------------------------
export SANKET_URL
token_file=$state/admin.token
token_ok() {
	curl -fsS -o /dev/null --max-time 5 \
	    -H "Authorization: Bearer $1" "$SANKET_URL/api/v1/status"
}
SANKET_TOKEN=""
if [ -s "$token_file" ] && token_ok "$(cat "$token_file")"; then
	SANKET_TOKEN=$(cat "$token_file")
else
	SANKET_TOKEN=$("$builddir/sanket" token create --role admin -c "$conf" |
	    tail -n 1) || die "sanket token create failed"
	[ -n "$SANKET_TOKEN" ] || die "sanket token create printed nothing"
	(umask 077 && printf '%s\n' "$SANKET_TOKEN" >"$token_file")
fi
chmod 600 "$token_file"
export SANKET_TOKEN

say "importing etc/sample/areas.csv"
"$builddir/sanket" areas import "$srcdir/etc/sample/areas.csv" </dev/null ||
    die "areas import failed"
say "importing etc/sample/recipients.csv"
"$builddir/sanket" recipients import "$srcdir/etc/sample/recipients.csv" </dev/null ||
    die "recipients import failed"

cat <<EOF

sanket is running.  In another terminal:

  export SANKET_URL=$SANKET_URL
  export SANKET_TOKEN=\$(cat $token_file)
  $builddir/sanket status
  curl -H "Authorization: Bearer \$SANKET_TOKEN" $SANKET_URL/api/v1/recipients/01711000001
  curl $SANKET_URL/healthz

Logs: $state/sanketd.log, Kannel $state/bearerbox.log and smsbox.log,
the phones (every SMS sent) $state/fakesmsc.log.  The hotline answers
on sip:1090@127.0.0.1:5060 (docs/voice.md).
Press Ctrl-C to stop.
EOF

if [ "$check" = 1 ]; then
	fail=0
	"$builddir/sanket" status >/dev/null || { say "check: sanket status failed"; fail=1; }
	body=$(curl -fsS --max-time 5 -H "Authorization: Bearer $SANKET_TOKEN" \
	    "$SANKET_URL/api/v1/recipients/01711000001") || body=""
	case $body in
	*'+8801711000001'*) ;;
	*) say "check: recipient 01711000001 not found: $body"; fail=1 ;;
	esac
	if ! sk_wait_until 15 "$SK_SANKETD_PID" -- \
	    sh -c "curl -sS --max-time 2 $SANKET_URL/healthz | grep -q '\"kannel\" *: *\"up\"'"; then
		say "check: /healthz does not report Kannel up"
		fail=1
	fi
	if [ "$fail" = 0 ]; then say "check: OK"; else say "check: FAILED"; fi
	stop_all "$fail"
fi

# Wait until told to stop; notice when sanketd or bearerbox dies.
while sk_alive "$SK_SANKETD_PID" && sk_alive "$SK_BEARERBOX_PID"; do
	sleep 1 &
	wait $! || true
done
sk_alive "$SK_SANKETD_PID" || say "sanketd exited (see $state/sanketd.log)"
sk_alive "$SK_BEARERBOX_PID" || say "bearerbox exited (see $state/bearerbox.log)"
stop_all 1
