#!/bin/bash
# gen-recipients.sh: generate a recipients CSV for imports and benchmarks.
#
#	scripts/gen-recipients.sh N [SEED] > recipients.csv
#
# Prints the header "msisdn,union,lang,channel,programmes" and N rows over
# the unions of etc/sample/areas.csv (or $SK_AREAS), so every row imports
# once those areas are loaded.  Numbers are valid Bangladeshi mobile
# numbers (013-019), all distinct for N up to 10^8, written in the forms
# people really type: 01711..., +880 17.., 88018..., 00880..., with spaces,
# hyphens or parentheses, and some in Bangla digits.  +8801711000001 is
# never generated (the sample file's demo number).  The same N and SEED
# give the same file.  About 1M rows per 2-3 seconds (mawk).
set -eu

usage() {
	echo "usage: scripts/gen-recipients.sh N [SEED]" >&2
	exit 2
}
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
n=$1
seed=${2:-1}
case $n in '' | *[!0-9]*) usage ;; esac
case $seed in '' | *[!0-9]*) usage ;; esac

srcdir=$(cd "$(dirname "$0")/.." && pwd)
areas=${SK_AREAS:-$srcdir/etc/sample/areas.csv}
[ -r "$areas" ] || { echo "gen-recipients: cannot read $areas" >&2; exit 1; }

LC_ALL=C awk -F, -v n="$n" -v seed="$seed" '
BEGIN {
	split("০ ১ ২ ৩ ৪ ৫ ৬ ৭ ৮ ৯", bd, " ")
	nop = split("13 14 15 16 17 17 17 18 18 19 19", op, " ")
	nprog = split("|VGF|VGF|GR|VGF;GR|VGD|FFW|TR|GR;TR|VGF;VGD||", prog, "|")
}
FNR > 1 && $3 == "union" { union[++nu] = $1 }
END {
	if (nu == 0) { print "gen-recipients: no unions" > "/dev/stderr"; exit 1 }
	srand(seed)
	off = (seed * 104729) % 100000000
	print "msisdn,union,lang,channel,programmes"
	for (i = 0; i < n; i++) {
		# i -> 8 digits is a bijection mod 10^8 (the factor is prime to
		# 10): no two rows share a number.
		sub8 = sprintf("%08d", (i * 48271393 + off) % 100000000)
		p = op[1 + int(rand() * nop)]
		if (p == "17" && sub8 == "11000001")
			p = "18"
		print form(p, sub8) "," union[1 + int(rand() * nu)] "," \
		    (rand() < 0.7 ? "bn" : "en") "," channel() "," \
		    prog[1 + int(rand() * nprog)]
	}
}
function channel(r) {
	r = rand()
	return r < 0.55 ? "sms" : r < 0.8 ? "both" : "voice"
}
function bangla(s, out, k) {
	out = ""
	for (k = 1; k <= length(s); k++)
		out = out bd[substr(s, k, 1) + 1]
	return out
}
function form(p, s, r) {
	r = rand()
	if (r < 0.40) return "0" p s
	if (r < 0.55) return "+880" p s
	if (r < 0.65) return "880" p s
	if (r < 0.74) return "+880 " p substr(s, 1, 2) "-" substr(s, 3)
	if (r < 0.82) return "0" p substr(s, 1, 2) "-" substr(s, 3)
	if (r < 0.87) return "00880" p s
	if (r < 0.91) return "+88 0" p substr(s, 1, 2) " " substr(s, 3)
	if (r < 0.94) return "(+880) " p substr(s, 1, 2) " " substr(s, 3, 3) " " substr(s, 6)
	return bangla("0" p s)
}
' "$areas"
