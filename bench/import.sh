#!/bin/bash
# bench/import.sh: import N generated recipients (default 1,000,000) through
# the sanket CLI and sanketd's API, with validation and normalisation on,
# and compare with the anchor: the sqlite3 shell's .import of the same CSV
# into an equivalent table (the CSV's columns, the same UNIQUE index and
# covering union index as sanket's schema, less the opted_out column the
# CSV does not have; WAL), measured in the same run on the same disk.
#
#	bench/import.sh [N] [BUILDDIR]		(default build/release)
#
# Prints rows/s for both, the ratio sanket/.import (target >= 0.5), and
# sanketd's peak RSS (VmHWM; target < 64 MB).  Not a test: run by hand,
# record the figures in docs/PERFORMANCE.md.
set -eu

n=${1:-1000000}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${2:-$srcdir/build/release}
bash "$srcdir/scripts/deps.sh" >&2
bash "$srcdir/scripts/build.sh" "$builddir" >&2
[ -x "$builddir/tests/freeport" ] || make -C "$builddir" tests/freeport >&2

tmp=$(mktemp -d "${TMPDIR:-/tmp}/sanket-bench.XXXXXX")
pid=""
cleanup() {
	[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
	[ -z "$pid" ] || wait "$pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc -l; }

echo "generating $n rows..." >&2
bash "$srcdir/scripts/gen-recipients.sh" "$n" 42 >"$tmp/r.csv"
size=$(du -h "$tmp/r.csv" | cut -f1)

# --- anchor: sqlite3 .import ------------------------------------------------
sync
t0=$(now)
sqlite3 "$tmp/anchor.db" "PRAGMA journal_mode = WAL;" >/dev/null
sqlite3 "$tmp/anchor.db" \
    "CREATE TABLE recipients (msisdn TEXT NOT NULL UNIQUE,
	union_code TEXT NOT NULL, lang TEXT NOT NULL, channel TEXT NOT NULL,
	programmes TEXT NOT NULL DEFAULT '');" \
    "CREATE INDEX recipients_union ON recipients (union_code, lang);" \
    ".mode csv" ".import --skip 1 $tmp/r.csv recipients"
t_anchor=$(since "$t0")
got=$(sqlite3 "$tmp/anchor.db" "SELECT count(*) FROM recipients")
[ "$got" = "$n" ] || { echo "anchor imported $got of $n" >&2; exit 1; }

# --- sanket: CLI -> API -> validation -> SQLite ---------------------------------
read -r api cb <<<"$("$builddir/tests/freeport" 2 | tr '\n' ' ')"
cat >"$tmp/sanket.conf" <<CONF
[gateway]
listen = 127.0.0.1:$api
callback_listen = 127.0.0.1:$cb
database = $tmp/sanket.db
CONF
"$builddir/sanketd" -d -c "$tmp/sanket.conf" 2>"$tmp/sanketd.log" &
pid=$!
export SANKET_URL=http://127.0.0.1:$api
for _ in $(seq 100); do
	curl -fsS "$SANKET_URL/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
SANKET_TOKEN=$("$builddir/sanket" token create --role admin -c "$tmp/sanket.conf")
export SANKET_TOKEN
"$builddir/sanket" areas import "$srcdir/etc/sample/areas.csv" >/dev/null
sync
t0=$(now)
"$builddir/sanket" recipients import "$tmp/r.csv" >"$tmp/cli.out"
t_sanket=$(since "$t0")
rss=$(awk '/VmHWM/ { print $2 }' "/proc/$pid/status")
got=$(sqlite3 "$tmp/sanket.db" "SELECT count(*) FROM recipients")
[ "$got" = "$n" ] || { echo "sanket imported $got of $n" >&2; cat "$tmp/cli.out" >&2; exit 1; }

printf 'bench/import: %s rows (%s CSV), %s, %d cores\n' "$n" "$size" \
    "$(uname -m)" "$(nproc)"
printf '  anchor  sqlite3 .import        %7.2f s  %9.0f rows/s\n' \
    "$t_anchor" "$(echo "$n / $t_anchor" | bc -l)"
printf '  sanket  CLI -> API -> SQLite   %7.2f s  %9.0f rows/s\n' \
    "$t_sanket" "$(echo "$n / $t_sanket" | bc -l)"
printf '  ratio sanket / .import: %.2f (target >= 0.50)\n' \
    "$(echo "$t_anchor / $t_sanket" | bc -l)"
printf '  sanketd peak RSS: %.1f MB (target < 64 MB)\n' \
    "$(echo "$rss / 1024" | bc -l)"
