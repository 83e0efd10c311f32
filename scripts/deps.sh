#!/bin/bash
# deps.sh: install the Debian packages sanket needs to build and test.
#
# Idempotent: asks dpkg-query which packages are missing and runs
# apt-get only for those (nothing at all when everything is there).  Works
# with no terminal and no standard input (CI=true), as root or through sudo.
#
# Debian's kannel package ships an init script that would start bearerbox
# and wapbox on the default ports (13000, 13001, ...), where the tests and
# scripts/demo.sh start their own boxes.  Services are blocked with a
# policy-rc.d while installing, and any Kannel service found running
# afterwards is stopped and disabled.
set -eu

PACKAGES="build-essential autoconf automake libtool pkg-config
libevent-dev libsqlite3-dev sqlite3 libjansson-dev libinih-dev
libutf8proc-dev libsndfile1-dev libssl-dev
libsamplerate0-dev libebur128-dev libspandsp-dev libespeak-ng-dev espeak-ng
libosip2-dev sip-tester baresip
sox libsox-fmt-mp3 lame sndfile-programs time
kannel kannel-extras kannel-docs curl ca-certificates jq bc python3"

log() { printf 'deps: %s\n' "$*" >&2; }

missing=""
for p in $PACKAGES; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if [ -n "$missing" ] && command -v sudo >/dev/null 2>&1; then
		SUDO="sudo -n"
	fi
fi

# Stop and disable a packaged Kannel service if one is running or enabled.
# Only the init script's own boxes are touched (their pid files), never
# boxes started by our tests.
stop_kannel_service() {
	if [ -x /etc/init.d/kannel ]; then
		if command -v systemctl >/dev/null 2>&1 &&
		    [ -d /run/systemd/system ]; then
			$SUDO systemctl stop kannel >/dev/null 2>&1 || true
			$SUDO systemctl disable kannel >/dev/null 2>&1 || true
		fi
		if ls /var/run/kannel/*.pid >/dev/null 2>&1; then
			log "stopping the packaged Kannel service"
			$SUDO /etc/init.d/kannel stop >/dev/null 2>&1 || true
		fi
		if command -v update-rc.d >/dev/null 2>&1; then
			$SUDO update-rc.d kannel disable >/dev/null 2>&1 || true
		fi
	fi
}

if [ -z "$missing" ]; then
	stop_kannel_service
	exit 0
fi

log "installing:$missing"
if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then
	log "not root and no sudo: run as root:"
	log "  apt-get install -y$missing"
	exit 1
fi

# Block service starts during the install unless a policy already exists.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n# sanket scripts/deps.sh: no service starts\nexit 101\n' |
	    $SUDO tee "$policy" >/dev/null
	$SUDO chmod 755 "$policy"
	made_policy=1
fi
cleanup() {
	if [ "$made_policy" = 1 ]; then
		$SUDO rm -f "$policy"
	fi
}
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # word splitting of the package list is wanted
{
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    -o Dpkg::Options::=--force-confdef \
	    -o Dpkg::Options::=--force-confold \
	    --no-install-recommends $missing </dev/null
}

stop_kannel_service

still=""
for p in $PACKAGES; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || still="$still $p"
done
if [ -n "$still" ]; then
	log "still missing after apt-get:$still"
	exit 1
fi
log "done"
