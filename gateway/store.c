/*
 * store.c: see store.h.
 *
 * Group commit state machine (one per connection):
 *
 *	IDLE --store_batch_op--> BATCH --(timer | flush)--> IDLE
 *	BATCH --store_batch_op, batch full--> (commit) --> BATCH
 *	IDLE --store_tx_begin--> TX --commit/rollback--> IDLE
 *	BATCH --store_tx_begin--> (flush) --> TX
 *
 * A failed batch COMMIT (disk full) is retried by the next flush; the
 * changes stay in the open transaction, nothing is reported done twice.
 */
#include "config.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "log.h"
#include "store.h"
#include "xmalloc.h"

enum store_state { ST_IDLE, ST_BATCH, ST_TX };

struct store_cached {
	const char	*sql;
	sqlite3_stmt	*stmt;
};

struct store_waiter {
	void			(*cb)(void *);
	void			*arg;
};

struct store {
	sqlite3			*db;
	struct store_waiter	*waiters;	/* run after the batch commits */
	size_t			 nwaiters, capwaiters;
	enum store_state	 state;
	struct store_cached	*cache;
	size_t			 ncache, capcache;
	struct event		*batch_ev;
	int			 batch_ms, batch_max, batch_n;

	/* the background checkpointer (store_checkpointer_start) */
	char			*path;
	struct wal_ckpt		*ckpt;
};

/*
 * The WAL file is cut back to this size when it starts over after a
 * spike (journal_size_limit), so a burst of writes does not keep its
 * disk space.
 */
#define STORE_WAL_LIMIT		"67108864"	/* 64 MiB */

static void	store_waiters_run(struct store *);

/*
 * The clock every record and every due time is read from.  The offset is
 * 0 in production; [gateway] test_clock lets tests move it (POST
 * /api/v1/clock), so windows, caps and escalation timers are tested in
 * milliseconds, and so a test can step the clock as NTP would.
 */
static _Atomic int64_t	store_clock_offset;

void
store_clock_set(int64_t offset_ms)
{
	store_clock_offset = offset_ms;
}

int64_t
store_clock_get(void)
{
	return store_clock_offset;
}

int64_t
store_now(void)
{
	return store_now_ms() / 1000;
}

int64_t
store_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 +
	    store_clock_offset;
}

int
store_latest_version(void)
{
	return store_nmigrations;
}

static int
store_exec(struct store *s, const char *sql)
{
	char	*msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_warnx("%s: %s: %s", __func__, sql, msg ? msg :
		    sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
store_int64(struct store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_prepare(s, sql)) == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			log_warnx("%s: %s", __func__, sqlite3_errmsg(s->db));
		sqlite3_reset(st);
		return -1;
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

int
store_version(struct store *s)
{
	int64_t	 v;

	if (store_int64(s, "PRAGMA user_version", &v) == -1)
		return -1;
	return (int)v;
}

static int
store_migrate(struct store *s, char *err, size_t errlen)
{
	char	 sql[64];
	int	 v, i;

	if ((v = store_version(s)) == -1) {
		snprintf(err, errlen, "cannot read schema version: %s",
		    sqlite3_errmsg(s->db));
		return -1;
	}
	if (v > store_nmigrations) {
		snprintf(err, errlen, "database schema version %d is newer "
		    "than this sanket (%d): upgrade sanket", v,
		    store_nmigrations);
		return -1;
	}
	for (i = v; i < store_nmigrations; i++) {
		if (store_exec(s, "BEGIN IMMEDIATE") == -1)
			goto fail;
		if (store_exec(s, store_migrations[i]) == -1) {
			store_exec(s, "ROLLBACK");
			goto fail;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", i + 1);
		if (store_exec(s, sql) == -1 || store_exec(s, "COMMIT") == -1) {
			store_exec(s, "ROLLBACK");
			goto fail;
		}
		log_info("store: schema migrated to version %d", i + 1);
	}
	return 0;
fail:
	snprintf(err, errlen, "migration %d failed: %s", i + 1,
	    sqlite3_errmsg(s->db));
	return -1;
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	struct store	*s;
	int64_t		 jl;
	int		 rc;

	s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, store_vfs());
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, s->db ?
		    sqlite3_errmsg(s->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 5000);
	if (store_exec(s, "PRAGMA journal_mode = WAL") == -1 ||
	    store_exec(s, "PRAGMA synchronous = NORMAL") == -1 ||
	    store_exec(s, "PRAGMA foreign_keys = ON") == -1 ||
	    store_exec(s, "PRAGMA cache_size = -32768") == -1 ||
	    store_int64(s, "PRAGMA journal_size_limit = " STORE_WAL_LIMIT,
	    &jl) == -1) {
		snprintf(err, errlen, "%s: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	if (store_migrate(s, err, errlen) == -1)
		goto fail;
	return s;
fail:
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	store_checkpointer_stop(s);
	if (s->state == ST_BATCH)
		store_batch_flush(s);
	else if (s->state == ST_TX)
		store_tx_rollback(s);
	if (s->batch_ev != NULL)
		event_free(s->batch_ev);
	store_waiters_run(s);		/* nothing may wait forever */
	free(s->waiters);
	for (i = 0; i < s->ncache; i++)
		sqlite3_finalize(s->cache[i].stmt);
	free(s->cache);
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		log_warnx("%s: %s", __func__, sqlite3_errmsg(s->db));
	free(s->path);
	free(s);
}

/*
 * A statement that may fail after changing rows (an UPDATE of many rows
 * inside the open group-commit transaction) keeps the pages it changes
 * in a statement journal, which SQLite spills to a temporary file past
 * 64 KiB.  The voice tick's sweep (50 contacts, each on its own page) went
 * past that every tick: a file created, written and unlinked on the event
 * loop, and unlinking freed its blocks with a synchronous discard on a
 * disk mounted with `discard`: 10-28 ms (bench/campaign.sh, perf sched).
 * And the page cache that keeps a b-tree balance's parked page out of
 * pcache1's sight (store-pcache.c).
 */
void
store_config_daemon(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	(void)sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL,
	    STORE_STMTJRNL_SPILL);
	if (store_pcache_install() == -1)
		log_warnx("%s: SQLite's own page cache stays", __func__);
}

int
store_checkpointer_start(struct store *s)
{
	if (s->ckpt != NULL)
		return 0;
	return (s->ckpt = wal_ckpt_start(s->db, s->path, store_vfs())) ==
	    NULL ? -1 : 0;
}

void
store_checkpointer_stop(struct store *s)
{
	wal_ckpt_stop(s->ckpt);
	s->ckpt = NULL;
}

sqlite3 *
store_db(struct store *s)
{
	return s->db;
}

sqlite3_stmt *
store_prepare(struct store *s, const char *sql)
{
	sqlite3_stmt	*st;
	size_t		 i;

	for (i = 0; i < s->ncache; i++)
		if (s->cache[i].sql == sql) {
			st = s->cache[i].stmt;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    &st, NULL) != SQLITE_OK) {
		log_warnx("%s: %s: %s", __func__, sql, sqlite3_errmsg(s->db));
		return NULL;
	}
	if (s->ncache == s->capcache) {
		s->capcache = s->capcache ? s->capcache * 2 : 32;
		s->cache = xreallocarray(s->cache, s->capcache,
		    sizeof(*s->cache));
	}
	s->cache[s->ncache].sql = sql;
	s->cache[s->ncache].stmt = st;
	s->ncache++;
	return st;
}

int
store_tx_begin(struct store *s)
{
	if (s->state == ST_BATCH && store_batch_flush(s) == -1)
		return -1;
	if (s->state == ST_TX) {
		log_warnx("%s: transaction already open", __func__);
		return -1;
	}
	if (store_exec(s, "BEGIN IMMEDIATE") == -1)
		return -1;
	s->state = ST_TX;
	return 0;
}

int
store_tx_commit(struct store *s)
{
	if (s->state != ST_TX)
		return -1;
	if (store_exec(s, "COMMIT") == -1) {
		store_tx_rollback(s);
		return -1;
	}
	s->state = ST_IDLE;
	return 0;
}

void
store_tx_rollback(struct store *s)
{
	if (s->state != ST_TX)
		return;
	if (sqlite3_get_autocommit(s->db) == 0)
		store_exec(s, "ROLLBACK");
	s->state = ST_IDLE;
}

/* The callbacks may open a new batch: run a snapshot of the list. */
static void
store_waiters_run(struct store *s)
{
	struct store_waiter	*w = s->waiters;
	size_t			 n = s->nwaiters, i;

	if (n == 0)
		return;
	s->waiters = NULL;
	s->nwaiters = s->capwaiters = 0;
	for (i = 0; i < n; i++)
		w[i].cb(w[i].arg);
	free(w);
}

static void
store_batch_cb(evutil_socket_t fd, short ev, void *arg)
{
	store_batch_flush(arg);
}

void
store_batch_attach(struct store *s, struct event_base *base, int ms, int n)
{
	s->batch_ms = ms;
	s->batch_max = n > 0 ? n : 1;
	s->batch_ev = evtimer_new(base, store_batch_cb, s);
	if (s->batch_ev == NULL)
		fatalx("%s: evtimer_new", __func__);
}

int
store_batch_op(struct store *s)
{
	if (s->state == ST_TX)		/* inside explicit work: part of it */
		return 0;
	if (s->state == ST_BATCH && s->batch_n >= s->batch_max &&
	    store_batch_flush(s) == -1)
		return -1;
	if (s->state == ST_IDLE) {
		if (store_exec(s, "BEGIN IMMEDIATE") == -1)
			return -1;
		s->state = ST_BATCH;
		s->batch_n = 0;
		if (s->batch_ev != NULL) {
			struct timeval tv = { s->batch_ms / 1000,
			    (s->batch_ms % 1000) * 1000 };
			evtimer_add(s->batch_ev, &tv);
		}
	}
	s->batch_n++;
	return 0;
}

int
store_batch_flush(struct store *s)
{
	if (s->state != ST_BATCH)
		return 0;
	if (store_exec(s, "COMMIT") == -1) {
		/* Still open: the timer tries again. */
		if (s->batch_ev != NULL) {
			struct timeval tv = { 0, 100 * 1000 };
			evtimer_add(s->batch_ev, &tv);
		}
		return -1;
	}
	if (s->batch_ev != NULL)
		evtimer_del(s->batch_ev);
	s->state = ST_IDLE;
	s->batch_n = 0;
	store_waiters_run(s);
	return 0;
}

void
store_batch_after(struct store *s, void (*cb)(void *), void *arg)
{
	if (s->state != ST_BATCH) {
		cb(arg);
		return;
	}
	if (s->nwaiters == s->capwaiters) {
		s->capwaiters = s->capwaiters ? s->capwaiters * 2 : 64;
		s->waiters = xreallocarray(s->waiters, s->capwaiters,
		    sizeof(*s->waiters));
	}
	s->waiters[s->nwaiters].cb = cb;
	s->waiters[s->nwaiters].arg = arg;
	s->nwaiters++;
}
