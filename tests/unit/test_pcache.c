/*
 * test_pcache.c: the store's page cache (store-pcache.c).  It must be
 * installed before SQLite starts, must see the page parkings of real
 * b-tree balances (or it keeps nothing out of pcache1's sight), and must
 * change nothing SQLite stores: every row written through it is read
 * back, by this connection and by a fresh one, and the file passes
 * SQLite's integrity check.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "tap.h"

#define NROWS	20000
#define BATCH	500

static int64_t
q64(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*st;
	int64_t		 v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
integrity_ok(sqlite3 *db)
{
	sqlite3_stmt	*st;
	int		 good = 0;

	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st,
	    NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		good = strcmp((const char *)sqlite3_column_text(st, 0),
		    "ok") == 0;
	sqlite3_finalize(st);
	return good;
}

/* Rows whose text is not the one written for their key. */
static const char bad_sql[] = "SELECT count(*) FROM t WHERE v IS NOT"
    " printf('%0200d', k * 7)";

/* Insert keys in a scattered order, BATCH to a transaction: page
 * splits all over the table, as the contacts' index sees them. */
static int
fill(sqlite3 *db, int from, int n)
{
	sqlite3_stmt	*st;
	int		 i, k, rc = 0;

	if (sqlite3_prepare_v2(db, "INSERT INTO t (k, v) VALUES (?1,"
	    " printf('%0200d', ?1 * 7))", -1, &st, NULL) != SQLITE_OK)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		if (i % BATCH == 0 &&
		    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
			rc = -1;
		k = from + (int)(((int64_t)i * 7919) % n);
		sqlite3_bind_int(st, 1, k);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = -1;
		sqlite3_reset(st);
		if ((i % BATCH == BATCH - 1 || i == n - 1) &&
		    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			rc = -1;
	}
	sqlite3_finalize(st);
	return rc;
}

int
main(void)
{
	char		 dir[] = "/tmp/sk-pcache-XXXXXX", path[256], err[512];
	struct store	*s;
	sqlite3		*db, *fresh;
	unsigned long	 parked;

	if (mkdtemp(dir) == NULL)
		return 99;
	snprintf(path, sizeof(path), "%s/t.db", dir);

	is_int(store_pcache_install(), 0, "installs before SQLite starts");
	is_int(store_pcache_install(), 0, "a second install is a no-op");
	is_int((int)store_pcache_parked(), 0, "nothing parked yet");

	s = store_open(path, err, sizeof(err));
	ok(s != NULL, "the store opens through it");
	if (s == NULL)
		return done_testing();
	is_int(store_pcache_install(), -1, "too late once SQLite runs");
	db = store_db(s);

	ok(sqlite3_exec(db, "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT"
	    " NOT NULL)", NULL, NULL, NULL) == SQLITE_OK, "table created");
	is_int(fill(db, 1, NROWS), 0, "20,000 rows in scattered order");
	parked = store_pcache_parked();
	ok(parked > 0, "b-tree balances parked pages (%lu)", parked);
	is_int((int)q64(db, "SELECT count(*) FROM t"), NROWS, "every row is"
	    " there");
	is_int((int)q64(db, bad_sql), 0, "every row reads back as written");
	ok(integrity_ok(db), "integrity check passes");

	/* Free pages in the middle, then fill them again: splits now take
	 * pages from the freelist, in no particular order. */
	ok(sqlite3_exec(db, "DELETE FROM t WHERE k % 3 = 0", NULL, NULL,
	    NULL) == SQLITE_OK, "a third deleted");
	is_int(fill(db, NROWS + 1, NROWS), 0, "20,000 more rows");
	ok(store_pcache_parked() > parked, "more parkings (%lu)",
	    store_pcache_parked());
	is_int((int)q64(db, "SELECT count(*) FROM t"), NROWS * 2 - NROWS / 3,
	    "the count is right");
	is_int((int)q64(db, bad_sql), 0, "every row still reads back");
	ok(integrity_ok(db), "integrity check still passes");

	/* What reached the file, through a connection with a cold cache. */
	ok(sqlite3_open_v2(path, &fresh, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK, "a second connection opens");
	is_int((int)q64(fresh, "SELECT count(*) FROM t"), NROWS * 2 -
	    NROWS / 3, "it counts the same rows");
	is_int((int)q64(fresh, bad_sql), 0, "and reads them as written");
	ok(integrity_ok(fresh), "and finds the file sound");
	sqlite3_close(fresh);

	store_close(s);
	unlink(path);
	snprintf(err, sizeof(err), "%s-wal", path);
	unlink(err);
	snprintf(err, sizeof(err), "%s-shm", path);
	unlink(err);
	rmdir(dir);
	return done_testing();
}
