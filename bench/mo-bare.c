/*
 * mo-bare.c: the anchor of bench/mo.sh.  A bare evhttp endpoint that takes
 * Kannel MO callbacks (GET /kannel/mo?secret=&from=&to=&text=&coding=
 * &charset=&smsc=&id=&ts=) and only stores the raw row in SQLite, with the
 * durability sanketd gives an accepted MO:
 *
 *  - the same table and indexes as sanket's inbound (gateway/schema.c,
 *    migration 4), the same pragmas as gateway/store.c (WAL,
 *    synchronous = NORMAL, 32 MB page cache), one prepared INSERT;
 *  - WAL checkpoints as sanketd makes them, by the same code
 *    (gateway/store-wal.c, wal_ckpt_start): the main connection's
 *    auto-checkpoint is off and a WAL hook wakes a thread that runs
 *    PASSIVE checkpoints on a connection of its own once the WAL holds
 *    1000 pages, at most one every 100 ms (MO_BARE_CKPT=0 in the
 *    environment: SQLite's own auto-checkpoint, on the loop);
 *  - the same group commit as gateway/store.c with sanketd's defaults: the
 *    first write opens a transaction (BEGIN IMMEDIATE) and arms a timer of
 *    INTERVAL ms; the timer, or the write after BATCH writes, commits;
 *  - the 200 (empty body) goes out only once the row's batch has
 *    committed;
 *  - WAL writes as sanketd makes them: through gateway/store-wal.c's VFS
 *    (a transaction's frames in one write per 64 KiB, not two writes per
 *    page), both connections (MO_BARE_WALBUF=0: SQLite's own writes).
 *
 * No secret check, no parsing of the text, no answer: what is left is the
 * floor that sanket's /kannel/mo is measured against.  Any other path
 * answers 404 (bench/mo.sh's wrk script sends its surplus requests there).
 *
 *	mo-bare PORT DATABASE [INTERVAL_MS [BATCH]]	(default 5, 1000)
 *
 * Built by bench/mo.sh: cc -O2 -I BUILDDIR -I gateway -o mo-bare mo-bare.c
 * gateway/store-wal.c gateway/log.c gateway/xmalloc.c -levent -lsqlite3
 * -lpthread
 */
#include <sys/queue.h>
#include <sys/time.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <sqlite3.h>

#include "store.h"		/* store_vfs() */

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS inbound ("
	"  id INTEGER PRIMARY KEY,"
	"  at_ms INTEGER NOT NULL,"
	"  kannel_id TEXT,"
	"  sender TEXT NOT NULL,"
	"  msisdn TEXT,"
	"  to_addr TEXT,"
	"  smsc TEXT,"
	"  coding INTEGER,"
	"  charset TEXT,"
	"  text BLOB NOT NULL,"
	"  recipient_id INTEGER,"
	"  union_code TEXT,"
	"  lang TEXT,"
	"  intent TEXT,"
	"  arg TEXT,"
	"  outcome TEXT,"
	"  duplicate_of INTEGER,"
	"  reply_id INTEGER"
	");"
	"CREATE INDEX IF NOT EXISTS inbound_kannel ON inbound(kannel_id)"
	"  WHERE kannel_id IS NOT NULL;"
	"CREATE INDEX IF NOT EXISTS inbound_msisdn ON inbound(msisdn, at_ms);"
	"CREATE INDEX IF NOT EXISTS inbound_at ON inbound(at_ms);";

static const char insert_sql[] =
	"INSERT INTO inbound (at_ms, kannel_id, sender, msisdn, to_addr, smsc,"
	" coding, charset, text) VALUES (?1, ?2, ?3, '+' || ?3, ?4, ?5, ?6,"
	" ?7, ?8)";

static sqlite3			*db;
static sqlite3_stmt		*ins;
static struct event		*batch_ev;
static struct evhttp_request	**waiting;
static size_t			 nwaiting, capwaiting;
static int			 in_batch, batch_n, batch_ms = 5, batch_max = 1000;
static const char		*vfs;		/* NULL: SQLite's default */

static struct wal_ckpt	*ckpt;	/* the background checkpointer */

static void
die(const char *what)
{
	fprintf(stderr, "mo-bare: %s: %s\n", what, db ? sqlite3_errmsg(db) :
	    strerror(errno));
	exit(1);
}

static void
exec(const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql);
}

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Commit the open batch, then answer every request it holds. */
static void
flush(void)
{
	struct evhttp_request	**w = waiting;
	size_t			  n = nwaiting, i;

	if (!in_batch)
		return;
	exec("COMMIT");
	evtimer_del(batch_ev);
	in_batch = batch_n = 0;
	waiting = NULL;
	nwaiting = capwaiting = 0;
	for (i = 0; i < n; i++)
		evhttp_send_reply(w[i], 200, "OK", NULL);
	free(w);
}

static void
batch_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	flush();
}

/* As store_batch_op(): a full batch commits before the next write. */
static void
batch_op(void)
{
	struct timeval	 tv = { batch_ms / 1000, (batch_ms % 1000) * 1000 };

	if (in_batch && batch_n >= batch_max)
		flush();
	if (!in_batch) {
		exec("BEGIN IMMEDIATE");
		in_batch = 1;
		batch_n = 0;
		evtimer_add(batch_ev, &tv);
	}
	batch_n++;
}

static void
bind_text(int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(ins, i);
	else
		sqlite3_bind_text(ins, i, s, -1, SQLITE_TRANSIENT);
}

static void
mo_cb(struct evhttp_request *req, void *arg)
{
	struct evkeyvalq	 q;
	const char		*query, *from, *text, *coding;

	(void)arg;
	query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	TAILQ_INIT(&q);
	if (query == NULL || evhttp_parse_query_str(query, &q) == -1 ||
	    (from = evhttp_find_header(&q, "from")) == NULL) {
		evhttp_clear_headers(&q);
		evhttp_send_reply(req, 400, "Bad Request", NULL);
		return;
	}
	text = evhttp_find_header(&q, "text");
	batch_op();
	sqlite3_bind_int64(ins, 1, now_ms());
	bind_text(2, evhttp_find_header(&q, "id"));
	bind_text(3, from);
	bind_text(4, evhttp_find_header(&q, "to"));
	bind_text(5, evhttp_find_header(&q, "smsc"));
	coding = evhttp_find_header(&q, "coding");
	sqlite3_bind_int(ins, 6, coding != NULL && coding[0] >= '0' &&
	    coding[0] <= '2' && coding[1] == '\0' ? coding[0] - '0' : 0);
	bind_text(7, evhttp_find_header(&q, "charset"));
	sqlite3_bind_blob(ins, 8, text ? text : "", text ? (int)strlen(text) :
	    0, SQLITE_TRANSIENT);
	if (sqlite3_step(ins) != SQLITE_DONE)
		die("insert");
	sqlite3_reset(ins);
	evhttp_clear_headers(&q);
	if (nwaiting == capwaiting) {
		capwaiting = capwaiting ? capwaiting * 2 : 1024;
		waiting = realloc(waiting, capwaiting * sizeof(*waiting));
		if (waiting == NULL)
			die("realloc");
	}
	waiting[nwaiting++] = req;
}

static void
other_cb(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_send_reply(req, 404, "Not Found", NULL);
}

static void
stop_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	event_base_loopbreak(arg);
}

/* A whole number in lo..hi, or exit with the usage error. */
static long
num(const char *s, long lo, long hi, const char *what)
{
	char	*end;
	long	 v;

	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "mo-bare: %s: \"%s\" is not in %ld..%ld\n",
		    what, s, lo, hi);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	struct event_base	*base;
	struct evhttp		*http;
	struct event		*sigterm, *sigint;

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: mo-bare PORT DATABASE "
		    "[INTERVAL_MS [BATCH]]\n");
		return 2;
	}
	if (argc > 3)
		batch_ms = (int)num(argv[3], 1, 10000, "INTERVAL_MS");
	if (argc > 4)
		batch_max = (int)num(argv[4], 1, 1000000, "BATCH");
	signal(SIGPIPE, SIG_IGN);
	if (getenv("MO_BARE_WALBUF") == NULL || strcmp(getenv("MO_BARE_WALBUF"),
	    "0") != 0)
		vfs = store_vfs();
	if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, vfs) != SQLITE_OK)
		die(argv[2]);
	sqlite3_busy_timeout(db, 5000);
	exec("PRAGMA journal_mode = WAL");
	exec("PRAGMA synchronous = NORMAL");
	exec("PRAGMA foreign_keys = ON");
	exec("PRAGMA cache_size = -32768");
	exec(schema);
	if (sqlite3_prepare_v2(db, insert_sql, -1, &ins, NULL) != SQLITE_OK)
		die("prepare");
	if (getenv("MO_BARE_CKPT") == NULL || strcmp(getenv("MO_BARE_CKPT"),
	    "0") != 0)
		if ((ckpt = wal_ckpt_start(db, argv[2], vfs)) == NULL)
			die("checkpointer");

	if ((base = event_base_new()) == NULL ||
	    (http = evhttp_new(base)) == NULL)
		die("libevent");
	batch_ev = evtimer_new(base, batch_cb, NULL);
	evhttp_set_cb(http, "/kannel/mo", mo_cb, NULL);
	evhttp_set_gencb(http, other_cb, NULL);
	if (evhttp_bind_socket(http, "127.0.0.1",
	    (unsigned short)num(argv[1], 1, 65535, "PORT")) == -1)
		die("bind");
	sigterm = evsignal_new(base, SIGTERM, stop_cb, base);
	sigint = evsignal_new(base, SIGINT, stop_cb, base);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	fprintf(stderr, "mo-bare: listening on 127.0.0.1:%s, commit every "
	    "%d ms or %d rows, checkpoints %s, WAL writes %s\n", argv[1],
	    batch_ms, batch_max, ckpt != NULL ? "on a thread" : "on the loop",
	    vfs != NULL ? "gathered (store-wal.c)" : "SQLite's own");
	event_base_dispatch(base);
	flush();
	wal_ckpt_stop(ckpt);
	sqlite3_finalize(ins);
	sqlite3_close(db);
	return 0;
}
