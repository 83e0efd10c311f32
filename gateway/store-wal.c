/*
 * store-wal.c: the VFS the store opens its database through (see
 * store.h): the system's own, except that a transaction's WAL frames go
 * to the file in one write instead of two per page.
 *
 * SQLite appends each frame to the WAL as two writes, its 24-byte header
 * and then the page.  With the group commit that is two system calls per
 * page changed, and on a virtual machine every system call pays the
 * hypervisor: bench/mo.sh measured them at a quarter of sanketd's time.
 * This shim gathers writes that continue each other in a buffer and
 * writes the buffer with one call per 64 KiB:
 *
 *	EMPTY --contiguous write--> HELD --contiguous write--> HELD
 *	HELD --page of a commit frame--> (write it all) --> EMPTY
 *	HELD --any other call on the file, a write elsewhere, or the
 *	       buffer full--> (write it all) --> EMPTY
 *
 * A commit frame is recognised by its header (WAL format, "database size
 * after commit", bytes 4-7, non-zero only there), so the whole
 * transaction is in the file before sqlite3WalFrames() returns and
 * before SQLite publishes it in the WAL index; no other connection (the
 * checkpointer's) can see a frame that is still held.  Frames written
 * before the commit (a spilling cache) are held at most until the next
 * call on the file.  Durability is SQLite's: the same bytes reach the
 * same offsets before the same point, and the syncs are SQLite's own.
 * An error while writing the buffer is the error of the call that
 * triggered it (the commit's last write fails, so the transaction does).
 *
 * Only WAL files are wrapped; the database, journals and temporary files
 * are the system VFS's own objects.  A file is used by one connection,
 * so by one thread at a time: no locking here.
 *
 * The background checkpointer (wal_ckpt_start, at the end) is here too:
 * the other half of how the store writes its WAL.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store.h"
#include "xmalloc.h"

#define WAL_FRAME_HDR	24		/* SQLite's WAL frame header */
#define WAL_HOLD_MAX	(512 * 1024)	/* bytes held at most */
/* Bytes per write: the unix VFS takes less than 128 KiB a call (it masks
 * the length with 0x1ffff), SQLite itself never writes more than a page. */
#define WAL_WRITE_MAX	(64 * 1024)

struct wal_file {
	sqlite3_file	 base;		/* pMethods: wal_io */
	sqlite3_file	*real;		/* the system VFS's file, after us */
	unsigned char	*buf;
	size_t		 len, cap;
	sqlite3_int64	 off;		/* file offset of buf[0] */
	int		 commit;	/* the last header held is a commit's */
};

static sqlite3_vfs	*wal_sys;	/* the system VFS */
static sqlite3_vfs	 wal_vfs;
static sqlite3_io_methods wal_io;
static pthread_once_t	 wal_once = PTHREAD_ONCE_INIT;

/* Write what is held, in calls of WAL_WRITE_MAX bytes at most. */
static int
wal_flush(struct wal_file *f)
{
	size_t	 done, n;
	int	 rc = SQLITE_OK;

	for (done = 0; done < f->len && rc == SQLITE_OK; done += n) {
		n = f->len - done < WAL_WRITE_MAX ? f->len - done :
		    WAL_WRITE_MAX;
		rc = f->real->pMethods->xWrite(f->real, f->buf + done, (int)n,
		    f->off + (sqlite3_int64)done);
	}
	f->len = 0;
	f->commit = 0;
	return rc;
}

static void
wal_hold(struct wal_file *f, const void *p, size_t n, sqlite3_int64 off)
{
	size_t	 cap;

	if (f->len + n > f->cap) {
		cap = f->cap ? f->cap : 64 * 1024;
		while (cap < f->len + n)
			cap *= 2;
		f->buf = xreallocarray(f->buf, cap, 1);
		f->cap = cap;
	}
	if (f->len == 0)
		f->off = off;
	memcpy(f->buf + f->len, p, n);
	f->len += n;
}

static int
wal_write(sqlite3_file *fp, const void *p, int n, sqlite3_int64 off)
{
	struct wal_file		*f = (struct wal_file *)fp;
	const unsigned char	*b = p;
	int			 rc, commit = f->commit;

	if (f->len > 0 && (off != f->off + (sqlite3_int64)f->len ||
	    f->len + (size_t)n > WAL_HOLD_MAX) &&
	    (rc = wal_flush(f)) != SQLITE_OK)
		return rc;
	wal_hold(f, p, (size_t)n, off);
	if (n == WAL_FRAME_HDR) {
		/* A frame header: is this the transaction's last frame? */
		f->commit = (b[4] | b[5] | b[6] | b[7]) != 0;
		return SQLITE_OK;
	}
	/* The page after a commit frame's header: the transaction is
	 * complete, write it before SQLite publishes it. */
	if (commit)
		return wal_flush(f);
	return SQLITE_OK;
}

static int
wal_close(sqlite3_file *fp)
{
	struct wal_file	*f = (struct wal_file *)fp;
	int		 rc, rc2;

	rc = wal_flush(f);
	rc2 = f->real->pMethods->xClose(f->real);
	free(f->buf);
	f->buf = NULL;
	f->cap = 0;
	return rc != SQLITE_OK ? rc : rc2;
}

/* Every other call sees the file with everything held written. */
#define WAL_FLUSHED(call)						\
	struct wal_file	*f = (struct wal_file *)fp;			\
	int		 rc;						\
									\
	if ((rc = wal_flush(f)) != SQLITE_OK)				\
		return rc;						\
	return f->real->pMethods->call

static int
wal_read(sqlite3_file *fp, void *p, int n, sqlite3_int64 off)
{
	WAL_FLUSHED(xRead)(f->real, p, n, off);
}

static int
wal_truncate(sqlite3_file *fp, sqlite3_int64 size)
{
	WAL_FLUSHED(xTruncate)(f->real, size);
}

static int
wal_sync(sqlite3_file *fp, int flags)
{
	WAL_FLUSHED(xSync)(f->real, flags);
}

static int
wal_size(sqlite3_file *fp, sqlite3_int64 *size)
{
	WAL_FLUSHED(xFileSize)(f->real, size);
}

static int
wal_lock(sqlite3_file *fp, int lock)
{
	WAL_FLUSHED(xLock)(f->real, lock);
}

static int
wal_unlock(sqlite3_file *fp, int lock)
{
	WAL_FLUSHED(xUnlock)(f->real, lock);
}

static int
wal_reserved(sqlite3_file *fp, int *out)
{
	WAL_FLUSHED(xCheckReservedLock)(f->real, out);
}

static int
wal_fcntl(sqlite3_file *fp, int op, void *arg)
{
	WAL_FLUSHED(xFileControl)(f->real, op, arg);
}

static int
wal_sector(sqlite3_file *fp)
{
	struct wal_file	*f = (struct wal_file *)fp;

	return f->real->pMethods->xSectorSize(f->real);
}

static int
wal_devchar(sqlite3_file *fp)
{
	struct wal_file	*f = (struct wal_file *)fp;

	return f->real->pMethods->xDeviceCharacteristics(f->real);
}

/* The WAL file has no shared memory of its own and is not mapped: io
 * methods version 1, SQLite asks for nothing more. */

static int
wal_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *fp, int flags,
    int *outflags)
{
	struct wal_file	*f = (struct wal_file *)fp;
	int		 rc;

	(void)vfs;
	if (!(flags & SQLITE_OPEN_WAL))
		return wal_sys->xOpen(wal_sys, name, fp, flags, outflags);
	memset(f, 0, sizeof(*f));
	f->real = (sqlite3_file *)(f + 1);
	rc = wal_sys->xOpen(wal_sys, name, f->real, flags, outflags);
	if (f->real->pMethods == NULL) {
		/* Not opened: SQLite must not call our xClose. */
		fp->pMethods = NULL;
		return rc;
	}
	fp->pMethods = &wal_io;
	return rc;
}

/* Everything but xOpen is the system VFS's, called with its own object. */
static int
wal_delete(sqlite3_vfs *v, const char *name, int sync)
{
	(void)v;
	return wal_sys->xDelete(wal_sys, name, sync);
}

static int
wal_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	(void)v;
	return wal_sys->xAccess(wal_sys, name, flags, out);
}

static int
wal_fullpath(sqlite3_vfs *v, const char *name, int n, char *out)
{
	(void)v;
	return wal_sys->xFullPathname(wal_sys, name, n, out);
}

static void *
wal_dlopen(sqlite3_vfs *v, const char *name)
{
	(void)v;
	return wal_sys->xDlOpen(wal_sys, name);
}

static void
wal_dlerror(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	wal_sys->xDlError(wal_sys, n, out);
}

static void
(*wal_dlsym(sqlite3_vfs *v, void *h, const char *sym))(void)
{
	(void)v;
	return wal_sys->xDlSym(wal_sys, h, sym);
}

static void
wal_dlclose(sqlite3_vfs *v, void *h)
{
	(void)v;
	wal_sys->xDlClose(wal_sys, h);
}

static int
wal_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return wal_sys->xRandomness(wal_sys, n, out);
}

static int
wal_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return wal_sys->xSleep(wal_sys, us);
}

static int
wal_time(sqlite3_vfs *v, double *out)
{
	(void)v;
	return wal_sys->xCurrentTime(wal_sys, out);
}

static int
wal_lasterr(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return wal_sys->xGetLastError(wal_sys, n, out);
}

static int
wal_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	(void)v;
	return wal_sys->xCurrentTimeInt64(wal_sys, out);
}

static void
wal_register(void)
{
	if ((wal_sys = sqlite3_vfs_find(NULL)) == NULL)
		return;
	wal_io.iVersion = 1;
	wal_io.xClose = wal_close;
	wal_io.xRead = wal_read;
	wal_io.xWrite = wal_write;
	wal_io.xTruncate = wal_truncate;
	wal_io.xSync = wal_sync;
	wal_io.xFileSize = wal_size;
	wal_io.xLock = wal_lock;
	wal_io.xUnlock = wal_unlock;
	wal_io.xCheckReservedLock = wal_reserved;
	wal_io.xFileControl = wal_fcntl;
	wal_io.xSectorSize = wal_sector;
	wal_io.xDeviceCharacteristics = wal_devchar;

	wal_vfs.iVersion = 2;
	wal_vfs.szOsFile = (int)sizeof(struct wal_file) + wal_sys->szOsFile;
	wal_vfs.mxPathname = wal_sys->mxPathname;
	wal_vfs.zName = STORE_VFS;
	wal_vfs.xOpen = wal_open;
	wal_vfs.xDelete = wal_delete;
	wal_vfs.xAccess = wal_access;
	wal_vfs.xFullPathname = wal_fullpath;
	wal_vfs.xDlOpen = wal_dlopen;
	wal_vfs.xDlError = wal_dlerror;
	wal_vfs.xDlSym = wal_dlsym;
	wal_vfs.xDlClose = wal_dlclose;
	wal_vfs.xRandomness = wal_random;
	wal_vfs.xSleep = wal_sleep;
	wal_vfs.xCurrentTime = wal_time;
	wal_vfs.xGetLastError = wal_lasterr;
	wal_vfs.xCurrentTimeInt64 = wal_time64;
	if (sqlite3_vfs_register(&wal_vfs, 0) != SQLITE_OK)
		wal_sys = NULL;
}

const char *
store_vfs(void)
{
	if (pthread_once(&wal_once, wal_register) != 0 || wal_sys == NULL) {
		log_warnx("%s: cannot register the WAL VFS: using SQLite's",
		    __func__);
		return NULL;
	}
	return STORE_VFS;
}

/*
 * The background checkpointer.  SQLite's automatic checkpoint runs inside
 * the COMMIT that crosses the threshold, on the committing thread: it
 * copies the WAL into the database and fsyncs both, which stalls
 * sanketd's one event loop for milliseconds at a time under load.  Here
 * the connection's auto-checkpoint is off and its WAL hook wakes a thread
 * that runs PASSIVE checkpoints on a connection of its own: a passive
 * checkpoint never blocks the writer, and the next write transaction
 * after a complete one starts the WAL over.  The thread touches nothing
 * but its own connection.
 *
 * Under sustained writes the WAL does not start over (a restart needs a
 * checkpoint that completes between two commits; docs/internals/store.md),
 * so every commit would find it past WAL_CKPT_PAGES and wake the thread
 * again at once: checkpoints back to back, about 30 a second at 10,000
 * MOs/s, each with two fdatasyncs and a copy of the same hot pages.  So a
 * checkpoint starts at least WAL_CKPT_GAP_MS after the one before:
 * bench/mo.sh measured sanketd's CPU per reply down by a fifth.
 */
struct wal_ckpt {
	sqlite3		*db;		/* the writer's connection */
	sqlite3		*ckdb;		/* the thread's */
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 want, stop;
};

static int
wal_ckpt_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct wal_ckpt	*c = arg;

	(void)db;
	(void)name;
	if (pages >= WAL_CKPT_PAGES) {
		pthread_mutex_lock(&c->mu);
		c->want = 1;
		pthread_cond_signal(&c->cv);
		pthread_mutex_unlock(&c->mu);
	}
	return SQLITE_OK;
}

static void *
wal_ckpt_main(void *arg)
{
	struct wal_ckpt	*c = arg;
	struct timespec	 next;
	int		 rc, nlog, nckpt;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!c->want && !c->stop)
			pthread_cond_wait(&c->cv, &c->mu);
		if (c->stop)
			break;
		c->want = 0;
		pthread_mutex_unlock(&c->mu);
		clock_gettime(CLOCK_MONOTONIC, &next);
		rc = sqlite3_wal_checkpoint_v2(c->ckdb, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, &nlog, &nckpt);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_warnx("store: background checkpoint: %s",
			    sqlite3_errstr(rc));
		next.tv_nsec += WAL_CKPT_GAP_MS * 1000000L;
		next.tv_sec += next.tv_nsec / 1000000000L;
		next.tv_nsec %= 1000000000L;
		pthread_mutex_lock(&c->mu);
		while (!c->stop &&
		    pthread_cond_timedwait(&c->cv, &c->mu, &next) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

struct wal_ckpt *
wal_ckpt_start(sqlite3 *db, const char *path, const char *vfs)
{
	struct wal_ckpt		*c;
	pthread_condattr_t	 ca;

	c = xcalloc(1, sizeof(*c));
	c->db = db;
	if (sqlite3_open_v2(path, &c->ckdb, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, vfs) != SQLITE_OK) {
		log_warnx("%s: %s", __func__, c->ckdb ?
		    sqlite3_errmsg(c->ckdb) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(c->ckdb, 1000);
	if (sqlite3_exec(c->ckdb, "PRAGMA synchronous = NORMAL", NULL, NULL,
	    NULL) != SQLITE_OK)
		goto fail;
	pthread_mutex_init(&c->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&c->thread, NULL, wal_ckpt_main, c) != 0) {
		log_warnx("%s: pthread_create failed", __func__);
		pthread_mutex_destroy(&c->mu);
		pthread_cond_destroy(&c->cv);
		goto fail;
	}
	sqlite3_wal_autocheckpoint(db, 0);
	sqlite3_wal_hook(db, wal_ckpt_hook, c);
	return c;
fail:
	sqlite3_close(c->ckdb);
	free(c);
	return NULL;
}

void
wal_ckpt_stop(struct wal_ckpt *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = 1;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->thread, NULL);
	pthread_mutex_destroy(&c->mu);
	pthread_cond_destroy(&c->cv);
	sqlite3_wal_hook(c->db, NULL, NULL);
	sqlite3_wal_autocheckpoint(c->db, WAL_CKPT_PAGES);
	sqlite3_close(c->ckdb);
	free(c);
}
