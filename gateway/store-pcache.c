/*
 * store-pcache.c: SQLite's own page cache (pcache1), with one page
 * number kept out of its sight.
 *
 * When a b-tree balance leaves sibling pages out of page-number order,
 * SQLite swaps their numbers (balance_nonroot), parking one page for a
 * moment at the number of the lock-byte page, PENDING_BYTE / page size
 * + 1: page 262,145 with 4 KiB pages, far past the end of any database
 * sanket keeps.  pcache1 remembers the largest page number it has ever
 * held, and at the end of each write transaction drops the pages past
 * the end of the database.  With that number more than a hash table's
 * length past the end, it does so by visiting every page it holds: with
 * the store's 32 MiB cache about 8,000 pages, scattered in memory, 4-7 ms
 * of the event loop's time at a commit (bench/campaign.sh, perf, and a
 * build of Debian's SQLite 3.40 source with symbols), and again at every
 * commit whose inserts split a page.
 *
 * This cache forwards every call to pcache1 unchanged, except that it
 * hands pcache1 page number 0 where SQLite says the parking number.  The
 * pager never uses page 0, the parked page is moved on by the next call
 * of the same balance, and a fetch of the parking number (only a corrupt
 * database asks for it; the pager then refuses it) gets what it would
 * have got: a page SQLite throws away.  pcache1 never sees a page past
 * the database's end that is not really there, so its end-of-transaction
 * truncation finds nothing to do.
 *
 * Installed process-wide by store_config_daemon(), before SQLite starts.
 */
#include "config.h"

#include <stdlib.h>

#include "store.h"

#define PC_PENDING_BYTE	0x40000000u	/* SQLite's, never changed here */

struct pc {
	sqlite3_pcache	*real;		/* pcache1's cache */
	unsigned	 park;		/* the lock-byte page's number */
};

static sqlite3_pcache_methods2	 pc_sys;	/* pcache1 */
static unsigned long		 pc_parked;	/* parkings seen (tests) */

static unsigned
pc_key(const struct pc *c, unsigned key)
{
	return key == c->park ? 0 : key;
}

static int
pc_init(void *arg)
{
	(void)arg;
	return pc_sys.xInit != NULL ? pc_sys.xInit(pc_sys.pArg) : SQLITE_OK;
}

static void
pc_shutdown(void *arg)
{
	(void)arg;
	if (pc_sys.xShutdown != NULL)
		pc_sys.xShutdown(pc_sys.pArg);
}

static sqlite3_pcache *
pc_create(int page, int extra, int purgeable)
{
	struct pc	*c;

	if ((c = sqlite3_malloc(sizeof(*c))) == NULL)
		return NULL;
	if ((c->real = pc_sys.xCreate(page, extra, purgeable)) == NULL) {
		sqlite3_free(c);
		return NULL;
	}
	c->park = page > 0 ? PC_PENDING_BYTE / (unsigned)page + 1 : 0;
	return (sqlite3_pcache *)c;
}

static void
pc_cachesize(sqlite3_pcache *p, int n)
{
	pc_sys.xCachesize(((struct pc *)p)->real, n);
}

static int
pc_pagecount(sqlite3_pcache *p)
{
	return pc_sys.xPagecount(((struct pc *)p)->real);
}

static sqlite3_pcache_page *
pc_fetch(sqlite3_pcache *p, unsigned key, int create)
{
	struct pc	*c = (struct pc *)p;

	return pc_sys.xFetch(c->real, pc_key(c, key), create);
}

static void
pc_unpin(sqlite3_pcache *p, sqlite3_pcache_page *pg, int discard)
{
	pc_sys.xUnpin(((struct pc *)p)->real, pg, discard);
}

static void
pc_rekey(sqlite3_pcache *p, sqlite3_pcache_page *pg, unsigned from,
    unsigned to)
{
	struct pc	*c = (struct pc *)p;

	if (to == c->park)
		__atomic_add_fetch(&pc_parked, 1, __ATOMIC_RELAXED);
	pc_sys.xRekey(c->real, pg, pc_key(c, from), pc_key(c, to));
}

static void
pc_truncate(sqlite3_pcache *p, unsigned limit)
{
	pc_sys.xTruncate(((struct pc *)p)->real, limit);
}

static void
pc_destroy(sqlite3_pcache *p)
{
	struct pc	*c = (struct pc *)p;

	pc_sys.xDestroy(c->real);
	sqlite3_free(c);
}

static void
pc_shrink(sqlite3_pcache *p)
{
	pc_sys.xShrink(((struct pc *)p)->real);
}

int
store_pcache_install(void)
{
	static sqlite3_pcache_methods2 m = {
		1, NULL, pc_init, pc_shutdown, pc_create, pc_cachesize,
		pc_pagecount, pc_fetch, pc_unpin, pc_rekey, pc_truncate,
		pc_destroy, pc_shrink
	};
	sqlite3_pcache_methods2	 sys;

	if (sqlite3_config(SQLITE_CONFIG_GETPCACHE2, &sys) != SQLITE_OK)
		return -1;
	if (sys.xCreate == pc_create)		/* already ours */
		return 0;
	pc_sys = sys;
	if (sqlite3_config(SQLITE_CONFIG_PCACHE2, &m) != SQLITE_OK)
		return -1;
	return 0;
}

unsigned long
store_pcache_parked(void)
{
	return __atomic_load_n(&pc_parked, __ATOMIC_RELAXED);
}
