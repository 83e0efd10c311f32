#!/bin/bash
# build.sh: configure and build sanket out of tree.
#
#	scripts/build.sh [--asan] [BUILDDIR]
#
# BUILDDIR defaults to build/release, or build/asan with --asan (configure
# --enable-asan: AddressSanitizer + UndefinedBehaviorSanitizer).  The
# source tree is autoreconf'ed only when configure is missing or older than
# configure.ac / Makefile.am; BUILDDIR is configured only when it has no
# Makefile yet (make re-runs configure itself when configure changes).
# Relative BUILDDIRs are relative to the source tree.
set -eu

usage() {
	echo "usage: scripts/build.sh [--asan] [BUILDDIR]" >&2
	exit 2
}

asan=0
builddir=""
while [ $# -gt 0 ]; do
	case $1 in
	--asan) asan=1 ;;
	-h|--help) usage ;;
	-*) usage ;;
	*)
		[ -z "$builddir" ] || usage
		builddir=$1
		;;
	esac
	shift
done

srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir"
if [ -z "$builddir" ]; then
	if [ "$asan" = 1 ]; then builddir=build/asan; else builddir=build/release; fi
fi

if [ ! -x configure ] || [ configure -ot configure.ac ] ||
    [ configure -ot Makefile.am ] || [ ! -f build-aux/tap-driver.sh ]; then
	echo "build: autoreconf -fi" >&2
	autoreconf -fi
fi

mkdir -p "$builddir"
cd "$builddir"
args=""
[ "$asan" = 1 ] && args="--enable-asan"
# Reconfigure when the existing build was configured the other way.
if [ -f Makefile ] && [ -x config.status ]; then
	case $(./config.status --config) in
	*--enable-asan*) had=1 ;;
	*) had=0 ;;
	esac
	if [ "$had" != "$asan" ]; then
		echo "build: $builddir was configured the other way: cleaning" >&2
		make clean >/dev/null 2>&1 || true
		rm -f Makefile
	fi
fi
if [ ! -f Makefile ]; then
	echo "build: configure${args:+ $args} in $builddir" >&2
	# shellcheck disable=SC2086 # args is empty or one word
	"$srcdir/configure" $args
fi
make -j2
