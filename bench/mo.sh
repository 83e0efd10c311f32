#!/bin/bash
# bench/mo.sh: MO (SMS reply) intake.  wrk sends N Kannel MO callbacks to
# sanketd's /kannel/mo on loopback, shaped as `sanket kannel-config`'s
# get-url (secret, from, to, text, coding, charset, smsc, id, ts): each with
# its own Kannel id, each from a different registered number (so none is a
# duplicate), texts a realistic mix, URL-encoded UTF-8:
#
#	40 %  confirm	"1", "হ্যাঁ", "OK", "ha", "জি" (a warning with
#			confirm_within is open for every number)
#	20 %  received	"RCV 123456", "পেয়েছি ৪৮২৯১৩" (codes nobody owns)
#	15 %  grievance	"GRS ...", "অভিযোগ ..."
#	25 %  unknown	questions and reports in Bangla, Banglish, English
#
# Each is stored raw, parsed, acted on and answered (a reply message
# queued for the dispatcher) before sanketd says 200.  Kannel is not
# running: [kannel] sendsms_url points at a closed port, so the answers
# stay queued and the figure is intake only.
#
# Anchor, in the same run with the same wrk, connections and requests:
# bench/mo-bare.c, a bare evhttp endpoint that only stores the raw row in
# SQLite with the same durability (same table and indexes, WAL,
# synchronous = NORMAL, group commit every 5 ms or 1000 rows as sanketd's
# defaults, the 200 only after the commit) and the same storage tricks
# (PASSIVE WAL checkpoints on a thread of their own, as sanketd's
# store_checkpointer_start; MO_BARE_CKPT=0 leaves them to SQLite, inline;
# a transaction's WAL frames written together through sanketd's own VFS,
# gateway/store-wal.c; MO_BARE_WALBUF=0 leaves SQLite's two writes a page).
#
#	bench/mo.sh [N] [CONNECTIONS] [BUILDDIR] [ROUNDS]
#
# Defaults: 100000 callbacks, 128 connections (smsbox runs up to 512 get-url
# requests at once: max-pending-requests), build/release, 4 rounds.  The N
# requests are cut into ROUNDS parts of their own (own ids, own senders);
# the bare endpoint and sanketd take turns, one part each, so that the
# noise of a shared 2-core machine falls on both sides alike.  Each
# side's rate is its N requests over the sum of its rounds' times.
#
# SK_BENCH_PERF=1 adds a perf profile of sanketd's run (stderr).
#
# Prints both rates, the ratio and the ratio per round beside the targets
# (>= 10,000 replies/s, >= 0.7 of the bare endpoint); it does not fail on
# them.  Refuses to report a rate when
# any answer was not 200 (sanketd's handler not there yet: 501) or when
# the database does not hold one inbound row and one answer per request.
set -eu

n=${1:-100000}
conns=${2:-128}
srcdir=$(cd "$(dirname "$0")/.." && pwd)
builddir=${3:-$srcdir/build/release}
rounds=${4:-4}
case $builddir in /*) ;; *) builddir=$srcdir/$builddir ;; esac
. "$srcdir/bench/lib.sh"
bench_setup "$builddir" wrk
cc -O2 -Wall -I"$builddir" -I"$srcdir/gateway" -o "$SK_TMP/mo-bare" \
    "$srcdir/bench/mo-bare.c" "$srcdir/gateway/store-wal.c" \
    "$srcdir/gateway/log.c" "$srcdir/gateway/xmalloc.c" \
    -levent -lsqlite3 -lpthread

# A sendsms port where nothing listens: the dispatcher sees Kannel down
# and keeps the answers queued.
SK_SENDSMS_PORT=$(sk_ports 1)
SK_SENDSMS_PORT=${SK_SENDSMS_PORT%% *}
export SK_SENDSMS_PORT
sk_write_conf
sk_start_sanketd >&2 || { echo "sanketd did not start" >&2; exit 1; }

# Refuse early when the handler is not there: a forged callback must get
# 403 (and stores nothing); the stub answers 501.
probe=$(curl -s -o /dev/null -w '%{http_code}' \
    "http://127.0.0.1:$SK_CB_PORT/kannel/mo?secret=wrong&from=8801711000001&text=probe")
if [ "$probe" != 403 ]; then
	echo "bench/mo: /kannel/mo answers a forged callback with $probe, not 403" \
	    "(handler not implemented?): not measuring" >&2
	exit 1
fi

sk_admin_token >&2
bench_recipients "$n" 13
# A warning with a confirmation window to every recipient, then marked
# delivered on the stopped database (as if Kannel had sent it just now),
# so that every "confirm" finds an open window.
curl -fsS -H "Authorization: Bearer $SANKET_TOKEN" \
    -d '{"kind":"warning","areas":["10","20","40"],"text_bn":"সতর্কতা","text_en":"warning","confirm_within":86400}' \
    "$SANKET_URL/api/v1/alerts" >/dev/null
sk_stop_sanketd >&2
now_ms=$(date +%s%3N)
sqlite3 "$SK_TMP/sanket.db" "UPDATE messages SET state = 3, attempts = 1, dlr = 1,
    submitted_at = $now_ms, done_at = $now_ms,
    confirm_ms = coalesce(confirm_ms, 86400000)"
sk_start_sanketd >&2

secret=$(sk_conf_get kannel callback_secret)
sqlite3 "$SK_TMP/sanket.db" "SELECT substr(r.msisdn, 2) FROM recipients r
    JOIN messages m ON m.recipient_id = r.id ORDER BY r.id" >"$SK_TMP/senders.txt"
python3 - "$SK_TMP/senders.txt" "$SK_TMP" "$secret" "$n" "$rounds" <<'PY'
import os, random, sys, time, uuid, urllib.parse as up
senders, out, secret, n, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
rnd = random.Random(5)
nums = [l.strip() for l in open(senders)][:n]
if len(nums) < n:
    sys.exit("only %d senders" % len(nums))
rnd.shuffle(nums)
confirm = ["1", "1", "1", "হ্যাঁ", "হ্যাঁ", "OK", "ha", "জি"]
unknown = ["kobe tran asbe?", "আমাদের এলাকায় পানি উঠেছে", "hello",
    "আশ্রয়কেন্দ্র কোথায়?", "Where is the shelter", "ki holo bhai", "?",
    "বাঁধ ভেঙে গেছে, সাহায্য দরকার"]
griev = ["GRS ত্রাণ কম দেওয়া হয়েছে", "GRS chairman took 5 kg from each bag",
    "অভিযোগ আশ্রয়কেন্দ্রে পানি নেই", "GRS no drinking water at the shelter"]
ts = str(int(time.time()))
lines = []
for i, frm in enumerate(nums):
    k = i % 20
    if k < 8:
        t = confirm[rnd.randrange(len(confirm))]
    elif k < 12:
        code = "%06d" % rnd.randrange(1000000)
        t = "RCV " + code if k < 11 else "পেয়েছি " + code.translate(
            str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    elif k < 15:
        t = griev[rnd.randrange(len(griev))]
    else:
        t = unknown[rnd.randrange(len(unknown))]
    q = up.urlencode([("secret", secret), ("from", frm), ("to", "16000"),
        ("text", t), ("coding", "0"), ("charset", "UTF-8"), ("smsc", "FAKE"),
        ("id", str(uuid.UUID(int=rnd.getrandbits(128), version=4))),
        ("ts", ts)])
    lines.append("/kannel/mo?" + q)
rnd.shuffle(lines)
# Round r: its own slice; thread t of wrk: every other line of it.
for r in range(rounds):
    part = lines[r * n // rounds:(r + 1) * n // rounds]
    d = "%s/run%d" % (out, r)
    os.makedirs(d)
    for t in (0, 1):
        with open("%s/paths.%d" % (d, t), "w") as f:
            f.writelines(l + "\n" for l in part[t::2])
    with open(d + "/counts", "w") as f:
        f.write("%d %d\n" % (len(part[0::2]), len(part[1::2])))
PY

now() { date +%s.%N; }
cpu() { awk '{ print ($14 + $15) / 100 }' "/proc/$1/stat"; }

# run PORT NAME DIR: wrk sends every path of DIR once to PORT; prints the
# seconds from wrk's start until both threads had their last answer.  The
# wrk output is in $SK_TMP/wrk.NAME.out.
run() {
	local port=$1 name=$2 dir=$3 t0 t1 pid end c0 c1
	read -r c0 c1 <"$dir/counts"
	rm -f "$dir/done."*
	t0=$(now)
	wrk -t 2 -c "$conns" -d 600s --timeout 10s -s "$srcdir/bench/mo.lua" \
	    "http://127.0.0.1:$port/" -- "$dir" "$c0" "$c1" \
	    >"$SK_TMP/wrk.$name.out" 2>&1 &
	pid=$!
	end=$(($(date +%s) + ${SK_BENCH_TIMEOUT:-600}))
	while [ ! -e "$dir/done.0" ] || [ ! -e "$dir/done.1" ]; do
		if [ "$(date +%s)" -ge "$end" ] || ! kill -0 "$pid" 2>/dev/null; then
			kill -INT "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
			echo "bench/mo: $name: wrk did not get every answer" >&2
			cat "$SK_TMP/wrk.$name.out" >&2
			return 1
		fi
		sleep 0.005
	done
	t1=$(now)
	kill -INT "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	echo "$t1 - $t0" | bc -l
}

# check NAME: every real request of the last run was answered 200, or
# stop here without a rate.
check() {
	local x
	x=$(sed -n 's/^mo.lua: answered [0-9]* non200 //p' "$SK_TMP/wrk.$1.out")
	if [ "${x:-missing}" != 0 ]; then
		echo "bench/mo: $1: ${x:-?} answers were not 200: not reporting" >&2
		cat "$SK_TMP/wrk.$1.out" >&2
		exit 1
	fi
}

# --- anchor: the bare endpoint --------------------------------------------------
bare_port=$(sk_ports 1)
bare_port=${bare_port%% *}
# sanketd's group commit: its defaults unless the configuration says
# otherwise (gateway/conf.c).
commit_ms=$(sk_conf_get gateway commit_interval_ms)
commit_batch=$(sk_conf_get gateway commit_batch)
sk_spawn mo-bare "$SK_TMP/mo-bare.log" "$SK_TMP/mo-bare" "$bare_port" \
    "$SK_TMP/bare.db" "${commit_ms:-5}" "${commit_batch:-1000}"
bare_pid=$SK_PID
sk_wait_until 10 "$bare_pid" -- sk_tcp_open "$bare_port"

# --- the rounds: bare, sanket, bare, sanket, ... ---------------------------------
# SK_BENCH_PERF=1: profile sanketd during its runs (perf report on stderr).
if [ -n "${SK_BENCH_PERF:-}" ]; then
	perf record -q -o "$SK_TMP/perf.data" -p "$SK_SANKETD_PID" 2>/dev/null &
	perf_pid=$!
fi
t_bare=0 t_sanket=0 b_cpu=0 s_cpu=0 per_round=""
for ((r = 0; r < rounds; r++)); do
	b0=$(cpu "$bare_pid")
	tb=$(run "$bare_port" bare "$SK_TMP/run$r")
	b_cpu=$(echo "$b_cpu + $(cpu "$bare_pid") - $b0" | bc -l)
	check bare
	s0=$(cpu "$SK_SANKETD_PID")
	ts=$(run "$SK_CB_PORT" sanket "$SK_TMP/run$r")
	s_cpu=$(echo "$s_cpu + $(cpu "$SK_SANKETD_PID") - $s0" | bc -l)
	check sanket
	t_bare=$(echo "$t_bare + $tb" | bc -l)
	t_sanket=$(echo "$t_sanket + $ts" | bc -l)
	per_round="$per_round $(printf '%.2f' "$(echo "$tb / $ts" | bc -l)")"
done
sk_kill "$bare_pid" >/dev/null
bare_rows=$(sqlite3 "$SK_TMP/bare.db" "SELECT count(DISTINCT kannel_id) FROM inbound")
if [ -n "${SK_BENCH_PERF:-}" ]; then
	kill -INT "$perf_pid" 2>/dev/null || true
	wait "$perf_pid" 2>/dev/null || true
	perf report -i "$SK_TMP/perf.data" --no-children --sort dso \
	    --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -n 12 >&2
	perf report -i "$SK_TMP/perf.data" --no-children --sort dso,symbol \
	    --stdio -g none 2>/dev/null | grep -E '^ +[0-9]' | head -n 30 >&2
fi


# Every request: one inbound row (by its Kannel id), parsed, not a
# duplicate, and one answer queued.
q() { sk_db "$1"; }
in_rows=$(q "SELECT count(*) FROM inbound")
in_ids=$(q "SELECT count(DISTINCT kannel_id) FROM inbound")
in_parsed=$(q "SELECT count(*) FROM inbound WHERE intent IS NOT NULL AND duplicate_of IS NULL")
in_answered=$(q "SELECT count(*) FROM inbound i JOIN messages m ON m.id = i.reply_id
    WHERE m.origin = 'reply'")
replies=$(q "SELECT count(*) FROM messages WHERE origin = 'reply'")
intents=$(q "SELECT intent || ' ' || count(*) FROM inbound GROUP BY intent ORDER BY count(*) DESC" | paste -sd, - | sed 's/,/, /g')
confirmed=$(q "SELECT count(*) FROM messages WHERE confirmed_at IS NOT NULL")

printf 'bench/mo: %d MO callbacks (distinct ids and senders), %d connections, wrk -t 2, %d alternating rounds\n' "$n" "$conns" "$rounds"
printf '  anchor  wrk -> mo-bare (raw row, group commit)  %6.2f s  %7.0f MO/s   CPU %.2f s\n' \
    "$t_bare" "$(echo "$n / $t_bare" | bc -l)" "$b_cpu"
printf '  sanket  wrk -> /kannel/mo (store, parse, act, answer) %6.2f s  %7.0f replies/s   CPU %.2f s\n' \
    "$t_sanket" "$(echo "$n / $t_sanket" | bc -l)" "$s_cpu"
printf '  ratio sanket / bare: %.2f (target >= 0.70); sanket target >= 10000 replies/s\n' \
    "$(echo "$t_bare / $t_sanket" | bc -l)"
printf '  ratio per round:%s\n' "$per_round"
printf '  sanket database: %d inbound rows, %d distinct ids, %d parsed and not duplicates,\n' \
    "$in_rows" "$in_ids" "$in_parsed"
printf '    %d answered (reply_id -> a reply message), %d reply messages, %d warnings confirmed\n' \
    "$in_answered" "$replies" "$confirmed"
printf '  intents: %s\n' "$intents"
printf '  bare database: %d rows\n' "$bare_rows"
printf '  sanketd peak RSS: %.1f MB\n' "$(awk '/VmHWM/ { print $2 / 1024 }' "/proc/$SK_SANKETD_PID/status")"
if [ "$in_rows" != "$n" ] || [ "$in_ids" != "$n" ] || [ "$in_parsed" != "$n" ] ||
    [ "$in_answered" != "$n" ] || [ "$replies" != "$n" ] || [ "$bare_rows" != "$n" ]; then
	echo "bench/mo: FAILED: the databases do not hold one stored, parsed, answered row per request" >&2
	exit 1
fi
