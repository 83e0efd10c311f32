#!/bin/bash
# test.sh: run the whole test suite, as CI does (.ci/run).
#
#	scripts/test.sh [BUILDDIR]		default build/asan
#
# Installs missing Debian packages (scripts/deps.sh), builds with ASan and
# UBSan (scripts/build.sh --asan), runs `make -j2 check` (unit tests and the
# end-to-end scenarios against real Kannel), prints the log of every failing
# test, and ends with exactly one line
#
#	N passed, N failed, N skipped
#
# counted from the TAP results in the .trs files (PASS and XFAIL are passed;
# FAIL, XPASS and ERROR failed; SKIP skipped).  A build that fails counts as
# one failure.  Exit 0 only when nothing failed and something passed.
set -u

srcdir=$(cd "$(dirname "$0")/.." && pwd)
cd "$srcdir" || exit 1
builddir=${1:-build/asan}
case $builddir in
/*) ;;
*) builddir=$srcdir/$builddir ;;
esac
# The whole `make check`, bounded so CI always gets the summary line.
check_timeout=${SK_CHECK_TIMEOUT:-3000}

say() { printf 'test: %s\n' "$*" >&2; }

build_failed=0
if ! bash scripts/deps.sh; then
	say "scripts/deps.sh failed"
	build_failed=1
fi

# LeakSanitizer needs ptrace-like access that some sandboxes deny; probe it
# once with a program that leaks on purpose.
probe_lsan() {
	local d rc
	d=$(mktemp -d) || return 1
	printf '#include <stdlib.h>\nvoid *p;\nint main(void){p=malloc(7);p=0;return 0;}\n' \
	    >"$d/leak.c"
	if ! cc -fsanitize=address -g -o "$d/leak" "$d/leak.c" 2>/dev/null; then
		rm -rf "$d"
		return 1
	fi
	ASAN_OPTIONS=detect_leaks=1 "$d/leak" >"$d/out" 2>&1
	rc=$?
	grep -q 'detected memory leaks' "$d/out" && [ "$rc" -ne 0 ]
	rc=$?
	rm -rf "$d"
	return "$rc"
}
if probe_lsan; then leaks=1; else leaks=0; say "LeakSanitizer unavailable here: detect_leaks=0"; fi
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=$leaks:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="${LSAN_OPTIONS:-}"

if [ "$build_failed" = 0 ] && ! bash scripts/build.sh --asan "$builddir"; then
	say "scripts/build.sh --asan failed"
	build_failed=1
fi

check_rc=0
if [ "$build_failed" = 0 ]; then
	# Results of tests that no longer exist must not be counted.
	find "$builddir" -name '*.trs' -type f -delete 2>/dev/null
	timeout --kill-after=30 "$check_timeout" make -C "$builddir" -j2 check
	check_rc=$?
	[ "$check_rc" = 124 ] && say "make check timed out after ${check_timeout}s"
fi

passed=0 failed=0 skipped=0
failing=""
if [ -d "$builddir" ]; then
	while IFS= read -r trs; do
		p=$(grep -cE '^:test-result: (PASS|XFAIL)' "$trs")
		f=$(grep -cE '^:test-result: (FAIL|XPASS|ERROR)' "$trs")
		s=$(grep -cE '^:test-result: SKIP' "$trs")
		passed=$((passed + p))
		failed=$((failed + f))
		skipped=$((skipped + s))
		if [ "$f" -gt 0 ] ||
		    grep -qE '^:global-test-result: (FAIL|ERROR|XPASS)' "$trs"; then
			failing="$failing ${trs%.trs}"
			[ "$f" -gt 0 ] || failed=$((failed + 1))
		fi
	done < <(find "$builddir" -name '*.trs' -type f | sort)
fi

if [ -n "$failing" ]; then
	echo
	echo "=== failing tests ==="
	for t in $failing; do
		name=${t#"$builddir"/}
		echo "--- $name"
		# The log without the passing checks: failures with their
		# comments, the plan, the logs a script dumped.
		grep -vE '^((PASS|SKIP|XFAIL): |ok )' "$t.log" 2>/dev/null |
		    tail -n 60
	done
fi
if [ "$build_failed" = 1 ]; then
	failed=$((failed + 1))
elif [ "$check_rc" != 0 ] && [ "$failed" = 0 ]; then
	say "make check exited $check_rc with no failing test"
	failed=$((failed + 1))
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
