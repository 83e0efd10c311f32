/*
 * store.h: the SQLite store.
 *
 * One connection per process, WAL mode, foreign keys on, a busy timeout so
 * the CLI and sanketd can share the file.  store_open() applies the numbered
 * migrations in schema.c inside one transaction each and refuses a database
 * whose schema is newer than this binary.
 *
 * Statements: store_prepare(s, SQL) returns a statement prepared once per
 * connection and cached by the address of the SQL string, already reset
 * and with bindings cleared.  store_int64() goes through the same cache.
 *
 * Pitfall: the cache key is the pointer, never the text.  Pass only
 * string literals or static const arrays, which live as long as the
 * process and hold one SQL each.  SQL built at run time in a buffer (on
 * the stack, or malloc'ed and freed) must not be passed: the next call
 * whose buffer sits at the same address silently gets the first
 * statement back, whatever its own text says.  Bind values instead; for
 * SQL that really is built at run time (tests, one-off admin queries) use
 * sqlite3_prepare_v2() and sqlite3_finalize() on store_db().
 *
 * Transactions: store_tx_begin/commit/rollback wrap explicit work (an
 * import).  Group commit, for many small state changes: call
 * store_batch_op() before each change; it opens a transaction if none is
 * open (committing the current one first if it already holds commit_batch
 * changes) and counts the change.  A batch is also committed by a timer
 * commit_interval_ms after it opened (store_batch_attach), or by
 * store_batch_flush().  store_tx_begin() flushes an open batch first.
 * Inside an explicit transaction store_batch_op() is a no-op.
 */
#ifndef SK_STORE_H
#define SK_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

struct event_base;
struct store;

struct store	*store_open(const char *path, char *err, size_t errlen);
void		 store_close(struct store *);
sqlite3		*store_db(struct store *);
int		 store_version(struct store *);
int		 store_latest_version(void);

/* Cached by the address of sql: literals and static arrays only (above). */
sqlite3_stmt	*store_prepare(struct store *, const char *sql);

int		 store_tx_begin(struct store *);
int		 store_tx_commit(struct store *);
void		 store_tx_rollback(struct store *);

void		 store_batch_attach(struct store *, struct event_base *,
		    int interval_ms, int batch);
int		 store_batch_op(struct store *);
int		 store_batch_flush(struct store *);
/*
 * Run cb(arg) once the changes made so far are committed: after the open
 * batch commits, or at once if no batch is open.  For answers that must
 * not go out before the change is durable (a DLR's 200).
 */
void		 store_batch_after(struct store *, void (*cb)(void *),
		    void *arg);

/*
 * The name of the VFS the store opens databases with (store-wal.c: the
 * system's, with a transaction's WAL frames written in one call), or
 * NULL (SQLite's default) if it could not be registered.
 */
#define STORE_VFS	"sanket-wal"
const char	*store_vfs(void);

/*
 * SQLite's process-wide settings for the daemon, before it opens anything
 * (sqlite3_config): no allocation statistics (a mutex and a count around
 * every malloc, read by nothing in sanketd) and statement journals kept
 * in memory up to STORE_STMTJRNL_SPILL.
 */
#define STORE_STMTJRNL_SPILL	(4 * 1024 * 1024)
void		 store_config_daemon(void);

/*
 * SQLite's page cache with the page number a b-tree balance parks a page
 * at kept out of its sight (store-pcache.c: otherwise the end of every
 * such write transaction scans the whole cache).  Process-wide, before
 * SQLite starts; store_config_daemon() calls it.  0, or -1 (SQLite
 * already started: its own cache stays).  store_pcache_parked() counts
 * the parkings seen.
 */
int		 store_pcache_install(void);
unsigned long	 store_pcache_parked(void);

/*
 * The background checkpointer (store-wal.c): db's auto-checkpoint off, a
 * thread with a connection of its own to path (through vfs, NULL for
 * SQLite's default) runs a PASSIVE checkpoint when the WAL has passed
 * WAL_CKPT_PAGES at a commit, at most one every WAL_CKPT_GAP_MS.  NULL
 * (logged; SQLite's automatic checkpoint stays on) on failure.  stop puts
 * db's auto-checkpoint back; it takes NULL.
 */
#define WAL_CKPT_PAGES	1000	/* SQLite's default auto-checkpoint point */
#define WAL_CKPT_GAP_MS	100
struct wal_ckpt;
struct wal_ckpt	*wal_ckpt_start(sqlite3 *db, const char *path,
		    const char *vfs);
void		 wal_ckpt_stop(struct wal_ckpt *);

/*
 * Move WAL checkpoints off the calling thread (sanketd's event loop):
 * wal_ckpt_start on the store's connection.  0, or -1 (logged; SQLite's
 * automatic checkpoint stays on).  store_close() stops it.
 */
int		 store_checkpointer_start(struct store *);
void		 store_checkpointer_stop(struct store *);

/*
 * Run one statement that returns a single integer (COUNT(*) ...): its
 * first column of the first row in *out, 0; or -1 (no row, or an error,
 * logged).  sql is cached like store_prepare()'s: a string literal or a
 * static array, never a formatted buffer.
 */
int		 store_int64(struct store *, const char *sql, int64_t *out);
/* Wall clock, seconds and milliseconds since the epoch. */
int64_t		 store_now(void);
int64_t		 store_now_ms(void);
/* The test clock's offset from real time, ms ([gateway] test_clock). */
void		 store_clock_set(int64_t offset_ms);
int64_t		 store_clock_get(void);

/* Schema (schema.c): migrations[i] brings version i to i + 1. */
extern const char *const store_migrations[];
extern const int store_nmigrations;

#endif
