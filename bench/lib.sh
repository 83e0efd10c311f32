# shellcheck shell=bash
# bench/lib.sh: the prologue the benchmarks share.  Set srcdir first.
#
#	srcdir=$(cd "$(dirname "$0")/.." && pwd)
#	. "$srcdir/bench/lib.sh"
#	bench_setup BUILDDIR [wrk]	# Debian packages (and wrk), a build,
#					# tests/freeport, tests/lib/common.sh
#					# and a private SK_TMP
#	bench_recipients N SEED		# the sample areas and N generated
#					# recipients, through the API (sanketd
#					# running, SANKET_TOKEN set)

bench_setup() {
	builddir=$1
	bash "$srcdir/scripts/deps.sh" >&2
	if [ "${2:-}" = wrk ] && ! command -v wrk >/dev/null; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y wrk >&2
	fi
	bash "$srcdir/scripts/build.sh" "$builddir" >&2
	make -C "$builddir" tests/freeport >&2
	top_srcdir=$srcdir top_builddir=$builddir
	# shellcheck source=../tests/lib/common.sh
	. "$srcdir/tests/lib/common.sh"
	sk_tmpdir
}

bench_recipients() {
	"$builddir/sanket" areas import "$srcdir/etc/sample/areas.csv" >/dev/null
	bash "$srcdir/scripts/gen-recipients.sh" "$1" "$2" >"$SK_TMP/r.csv"
	"$builddir/sanket" recipients import "$SK_TMP/r.csv" >/dev/null
}
