#!/bin/bash
# bench/relief-verify.sh: receipt-chain verification of one union with N
# receipts (default 100,000).  bench/relief-verify.c builds the union
# through the library (relief_dist_create, then relief_receipt for every
# entitlement: the real chain) and times relief_verify() in process; then
# sanketd serves the same file and GET /api/v1/unions/U/receipts/verify is
# timed with curl.  The anchor, in the same run: a plain scan of the same
# rows and columns (in process, and with the sqlite3 shell), the least any
# verification has to read.
#
#	bench/relief-verify.sh [N] [BUILDDIR]	(default 100000, build/release)
#
# Prints the times, the ratios to the anchor, and checks the target of
# 1 s for 100,000 receipts (release build).
set -eu

n=${1:-100000}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${2:-$srcdir/build/release}
case $builddir in /*) ;; *) builddir=$srcdir/$builddir ;; esac
bash "$srcdir/scripts/build.sh" "$builddir" >&2
make -C "$builddir" tests/freeport >&2

top_srcdir=$srcdir top_builddir=$builddir
. "$srcdir/tests/lib/common.sh"
sk_tmpdir
sk_write_conf

# The bench program, against this build's library.
# shellcheck disable=SC2046 # pkg-config prints words
cc -O2 -Wall -Wextra -Wno-unused-parameter -I"$builddir" \
    -I"$srcdir/gateway" -I"$srcdir/campaigns" \
    -o "$SK_TMP/relief-verify" "$srcdir/bench/relief-verify.c" \
    "$builddir/libsanket.a" $(pkg-config --libs libevent sqlite3 jansson \
    inih libutf8proc libcrypto) -lm
db=$SK_TMP/sanket.db
echo "building union 20224510 with $n receipts ..." >&2
"$SK_TMP/relief-verify" "$db" "$n" >"$SK_TMP/lib.out" 2>"$SK_TMP/lib.log" || {
	tail -n 20 "$SK_TMP/lib.log" >&2
	exit 1
}
val() { awk -v k="$1" '$1 == k { print $2 }' "$SK_TMP/lib.out"; }

# The anchor with the sqlite3 shell: best of 3.
shell_ms=$(for _ in 1 2 3; do
	printf '.timer on\n%s;\n' "SELECT count(*), sum(length(id) +
	    length(seq) + length(distribution_id) + length(entitlement_id) +
	    length(kind) + length(quantity) + length(channel) + length(actor) +
	    length(at_ms) + length(raw) + length(prev_hash) + length(hash))
	    FROM receipts WHERE union_code = '20224510'" | sqlite3 "$db" |
	    sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p'
done | sort -n | head -n 1 | awk '{ printf "%.1f", $1 * 1000 }')

# The API: sanketd on the same file, best of 3 (curl's total time).
sk_start_sanketd >&2
sk_admin_token >&2
api_ms=$(for _ in 1 2 3; do
	curl -fsS -o "$SK_TMP/verify.json" -w '%{time_total}\n' \
	    -H "Authorization: Bearer $SANKET_TOKEN" \
	    "$SANKET_URL/api/v1/unions/20224510/receipts/verify"
done | sort -n | head -n 1 | awk '{ printf "%.1f", $1 * 1000 }')
ok=$(jq -r '"\(.ok) \(.entries)"' "$SK_TMP/verify.json")
sk_stop_sanketd >&2 || true

lib=$(val verify_ms)
scan=$(val scan_ms)
echo "relief chain verification, union of $(val receipts) receipts"
echo "  built:   create $(val create_ms) ms, receipts $(val receipt_ms) ms"
echo "  library: relief_verify        $lib ms"
echo "  API:     GET .../receipts/verify $api_ms ms (answer: ok entries = $ok)"
echo "  anchor:  plain scan in process $scan ms; sqlite3 shell $shell_ms ms"
awk -v l="$lib" -v a="$api_ms" -v s="$scan" 'BEGIN {
	printf "  ratio:   library / scan %.1f, API / scan %.1f\n", l / s, a / s }'
if [ "$ok" != "true $n" ]; then
	echo "FAIL: the API did not verify $n entries: $ok"
	exit 1
fi
awk -v a="$api_ms" -v n="$n" 'BEGIN {
	t = 1000 * n / 100000
	if (a <= t) printf "  target:  <= %.0f ms: met\n", t
	else { printf "  target:  <= %.0f ms: MISSED\n", t; exit 1 } }'
