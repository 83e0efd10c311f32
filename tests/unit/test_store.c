/*
 * test_store.c: migrations (fresh, idempotent reopen, refusing a newer
 * schema), WAL mode, statement cache, transactions and group commit.
 */
#include "config.h"

#include <sys/stat.h>

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "tap.h"

static int64_t
count(struct store *s, const char *sql)
{
	int64_t	 n = -1;

	store_int64(s, sql, &n);
	return n;
}

static void
stop_cb(evutil_socket_t fd, short ev, void *arg)
{
	event_base_loopbreak(arg);
}

int
main(void)
{
	char		 dir[] = "/tmp/sk-store-XXXXXX", path[256], err[512];
	struct store	*s;
	struct event_base *base;
	struct event	*stop;
	struct timeval	 tv = { 0, 50 * 1000 };
	sqlite3		*raw;
	sqlite3_stmt	*a, *b;
	int		 i;

	if (mkdtemp(dir) == NULL)
		return 99;
	snprintf(path, sizeof(path), "%s/t.db", dir);

	s = store_open(path, err, sizeof(err));
	ok(s != NULL, "fresh database opens");
	is_int(store_version(s), store_latest_version(), "migrated to the "
	    "latest version");
	ok(store_latest_version() >= 1, "at least one migration");
	is_int(count(s, "SELECT count(*) FROM sqlite_master WHERE name IN "
	    "('areas','recipients','tokens','audit')"), 4, "tables created");
	{
		sqlite3_stmt *st = store_prepare(s, "PRAGMA journal_mode");
		ok(st && sqlite3_step(st) == SQLITE_ROW &&
		    strcmp((const char *)sqlite3_column_text(st, 0), "wal")
		    == 0, "WAL mode");
		sqlite3_reset(st);
	}
	is_int(count(s, "PRAGMA foreign_keys"), 1, "foreign keys on");

	a = store_prepare(s, "SELECT 1");
	b = store_prepare(s, "SELECT 1");
	ok(a != NULL && a == b, "statement cached by SQL address");

	/* Transactions. */
	ok(store_tx_begin(s) == 0, "begin");
	ok(store_tx_begin(s) == -1, "no nested begin");
	sqlite3_exec(store_db(s), "INSERT INTO audit (at_ms, action) VALUES "
	    "(1, 'x')", NULL, NULL, NULL);
	store_tx_rollback(s);
	is_int(count(s, "SELECT count(*) FROM audit"), 0, "rollback undoes");
	ok(store_tx_begin(s) == 0, "begin again");
	sqlite3_exec(store_db(s), "INSERT INTO audit (at_ms, action) VALUES "
	    "(1, 'x')", NULL, NULL, NULL);
	ok(store_tx_commit(s) == 0, "commit");
	is_int(count(s, "SELECT count(*) FROM audit"), 1, "commit keeps");

	/* Group commit: by size, by timer, by flush. */
	base = event_base_new();
	store_batch_attach(s, base, 10, 3);
	for (i = 0; i < 3; i++) {
		store_batch_op(s);
		sqlite3_exec(store_db(s), "INSERT INTO audit (at_ms, action) "
		    "VALUES (2, 'b')", NULL, NULL, NULL);
	}
	ok(sqlite3_get_autocommit(store_db(s)) == 0, "batch open until its "
	    "size is reached");
	store_batch_op(s);	/* 4th op: 3 reached on the 3rd, new batch */
	sqlite3_exec(store_db(s), "INSERT INTO audit (at_ms, action) VALUES "
	    "(2, 'b')", NULL, NULL, NULL);
	sqlite3_open(path, &raw);
	{
		sqlite3_stmt	*st;
		int		 seen = -1;

		sqlite3_prepare_v2(raw, "SELECT count(*) FROM audit", -1, &st,
		    NULL);
		if (sqlite3_step(st) == SQLITE_ROW)
			seen = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		is_int(seen, 4, "a full batch is committed and visible to "
		    "another connection; the open one is not");
	}
	stop = evtimer_new(base, stop_cb, base);
	evtimer_add(stop, &tv);
	event_base_dispatch(base);
	ok(sqlite3_get_autocommit(store_db(s)) == 1, "timer committed the "
	    "partial batch");
	is_int(count(s, "SELECT count(*) FROM audit"), 5, "all batched rows "
	    "stored");
	store_batch_op(s);
	ok(store_tx_begin(s) == 0, "tx_begin flushes an open batch first");
	store_tx_rollback(s);
	event_free(stop);
	store_close(s);
	event_base_free(base);

	/*
	 * The WAL VFS (store-wal.c): a transaction's frames written at its
	 * commit frame, big ones in several writes; another connection on
	 * SQLite's own VFS must see every committed page, checkpoint them
	 * and find the file sound.
	 */
	s = store_open(path, err, sizeof(err));
	{
		sqlite3_vfs	*vfs = NULL;
		sqlite3		*raw2;
		sqlite3_stmt	*st;
		char		 big[1024];
		int		 n = -1, rc;

		sqlite3_file_control(store_db(s), "main",
		    SQLITE_FCNTL_VFS_POINTER, &vfs);
		ok(vfs != NULL && strcmp(vfs->zName, STORE_VFS) == 0,
		    "the store opens through %s", STORE_VFS);
		memset(big, 'w', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		store_tx_begin(s);
		st = store_prepare(s, "INSERT INTO audit (at_ms, action, detail)"
		    " VALUES (3, 'w', ?1)");
		for (i = 0; i < 3000; i++) {	/* ~3 MB of frames */
			sqlite3_bind_text(st, 1, big, -1, SQLITE_STATIC);
			sqlite3_step(st);
			sqlite3_reset(st);
		}
		ok(store_tx_commit(s) == 0, "a 3 MB transaction commits");
		sqlite3_open(path, &raw2);
		sqlite3_prepare_v2(raw2, "SELECT count(*), sum(length(detail))"
		    " FROM audit WHERE action = 'w'", -1, &st, NULL);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_int64(st, 1) == 3000 * 1023)
			n = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		is_int(n, 3000, "another connection reads all of it");
		rc = sqlite3_exec(raw2, "PRAGMA wal_checkpoint(TRUNCATE)", NULL,
		    NULL, NULL);
		sqlite3_prepare_v2(raw2, "PRAGMA integrity_check", -1, &st,
		    NULL);
		ok(rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
		    strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0,
		    "checkpointed by another connection, the file is sound");
		sqlite3_finalize(st);
		sqlite3_close(raw2);
		is_int(count(s, "SELECT count(*) FROM audit WHERE action = 'w'"),
		    3000, "and the store still reads it after the checkpoint");
	}
	store_close(s);

	/*
	 * A burst: 96 MB in 1 MB transactions back to back, with the
	 * background checkpointer as sanketd runs it.  Once the writes
	 * pause, the WAL starts over and its file is cut back to 64 MiB
	 * (journal_size_limit): a burst does not keep its disk space.
	 */
	s = store_open(path, err, sizeof(err));
	{
		sqlite3_stmt	*st;
		struct stat	 sb;
		char		 big[1024], wal[300];
		long long	 most = 0;
		int		 t, committed = 0;

		snprintf(wal, sizeof(wal), "%s-wal", path);
		ok(store_checkpointer_start(s) == 0, "checkpointer started");
		memset(big, 'b', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		for (t = 0; t < 96; t++) {
			store_tx_begin(s);
			st = store_prepare(s, "INSERT INTO audit (at_ms, action,"
			    " detail) VALUES (4, 'b', ?1)");
			for (i = 0; i < 1000; i++) {
				sqlite3_bind_text(st, 1, big, -1, SQLITE_STATIC);
				sqlite3_step(st);
				sqlite3_reset(st);
			}
			committed += store_tx_commit(s) == 0;
			if (stat(wal, &sb) == 0 && sb.st_size > most)
				most = sb.st_size;
		}
		is_int(committed, 96, "96 transactions of 1 MB commit");
		diag("the WAL file reached %.1f MB", most / 1048576.0);
		store_checkpointer_stop(s);
		for (t = 0; t < 2; t++) {
			store_tx_begin(s);
			sqlite3_exec(store_db(s), t == 0 ? "DELETE FROM audit"
			    " WHERE action = 'b'" : "INSERT INTO audit (at_ms,"
			    " action, detail) VALUES (5, 'c', '')", NULL, NULL,
			    NULL);
			store_tx_commit(s);
		}
		t = stat(wal, &sb);
		ok(t == 0 && sb.st_size <= 64LL * 1024 * 1024, "once the writes "
		    "pause, the WAL file is cut back to 64 MiB at most "
		    "(%.1f MB)", sb.st_size / 1048576.0);
	}
	store_close(s);

	/* Reopen: nothing to migrate. */
	s = store_open(path, err, sizeof(err));
	ok(s != NULL && store_version(s) == store_latest_version(),
	    "reopen keeps the version");
	store_close(s);

	/* A newer schema is refused. */
	sqlite3_exec(raw, "PRAGMA user_version = 999", NULL, NULL, NULL);
	sqlite3_close(raw);
	s = store_open(path, err, sizeof(err));
	ok(s == NULL && strstr(err, "newer than this sanket") != NULL,
	    "newer schema refused: %s", err);
	store_close(s);

	s = store_open("/nonexistent/dir/x.db", err, sizeof(err));
	ok(s == NULL && err[0] != '\0', "unopenable path: %s", err);

	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		diag("cleanup failed");
	return done_testing();
}
