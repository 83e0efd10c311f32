/*
 * areas.c: see areas.h.
 *
 * Import runs in three passes over the rows held in memory (an area file is
 * small: the whole country is ~5,100 rows):
 *   1. per row: columns, code syntax, level, clean names, duplicates;
 *   2. per row: parent (in the file or stored), parent level, cycles,
 *      moves of stored areas; the materialised path;
 *   3. only if no row failed: upsert all rows, parents first, in one
 *      transaction.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "areas.h"
#include "csv.h"
#include "log.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

#define AREA_NAME_MAX	128	/* code points */

static const char *const area_levels[] = {
	NULL, "division", "district", "upazila", "union"
};

const char *
area_level_name(int level)
{
	if (level < AREA_DIVISION || level > AREA_UNION)
		return "unknown";
	return area_levels[level];
}

int
area_level_parse(const char *s)
{
	int	 i;

	for (i = AREA_DIVISION; i <= AREA_UNION; i++)
		if (strcasecmp(s, area_levels[i]) == 0)
			return i;
	if (s[0] >= '1' && s[0] <= '4' && s[1] == '\0')
		return s[0] - '0';
	return -1;
}

int
area_code_valid(const char *s)
{
	size_t	 n;

	for (n = 0; s[n] != '\0'; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '-' &&
		    s[n] != '_')
			return 0;
	return n > 0 && n < AREA_CODE_MAX;
}

void
area_clear(struct area *a)
{
	if (a == NULL)
		return;
	free(a->name_en);
	free(a->name_bn);
	memset(a, 0, sizeof(*a));
}

int
area_get(struct store *s, const char *code, struct area *a)
{
	static const char sql[] = "SELECT code, coalesce(parent, ''), level,"
	    " name_en, name_bn, path FROM areas WHERE code = ?1";
	sqlite3_stmt	*st;
	int		 rc;

	memset(a, 0, sizeof(*a));
	if ((st = store_prepare(s, sql)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 1;
	}
	if (rc != SQLITE_ROW) {
		log_warnx("%s: %s", __func__, sqlite3_errmsg(store_db(s)));
		sqlite3_reset(st);
		return -1;
	}
	strlcpy_sk(a->code, (const char *)sqlite3_column_text(st, 0),
	    sizeof(a->code));
	strlcpy_sk(a->parent, (const char *)sqlite3_column_text(st, 1),
	    sizeof(a->parent));
	a->level = sqlite3_column_int(st, 2);
	a->name_en = xstrdup((const char *)sqlite3_column_text(st, 3));
	a->name_bn = xstrdup((const char *)sqlite3_column_text(st, 4));
	strlcpy_sk(a->path, (const char *)sqlite3_column_text(st, 5),
	    sizeof(a->path));
	sqlite3_reset(st);
	return 0;
}

int
area_contains(struct store *s, const char *outer, const char *inner)
{
	static const char sql[] = "SELECT substr(i.path, 1, length(o.path))"
	    " = o.path FROM areas o, areas i WHERE o.code = ?1 AND"
	    " i.code = ?2";
	sqlite3_stmt	*st;
	int		 rc, r = -1;

	if ((st = store_prepare(s, sql)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, outer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, inner, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		r = sqlite3_column_int(st, 0) ? 1 : 0;
	else if (rc != SQLITE_DONE)
		log_warnx("%s: %s", __func__, sqlite3_errmsg(store_db(s)));
	sqlite3_reset(st);
	return r;
}

/*
 * All unions at or under an area: one range scan of the (level, path)
 * index, since every descendant's path starts with the area's path and
 * '0' is the byte after '/'.
 */
int64_t
area_union_count(struct store *s, const char *code)
{
	static const char sql[] = "SELECT count(*) FROM areas a, areas u"
	    " WHERE a.code = ?1 AND u.level = 4 AND u.path >= a.path AND"
	    " u.path < substr(a.path, 1, length(a.path) - 1) || '0'";
	sqlite3_stmt	*st;
	int64_t		 n = -1;

	if ((st = store_prepare(s, sql)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		log_warnx("%s: %s", __func__, sqlite3_errmsg(store_db(s)));
	sqlite3_reset(st);
	return n;
}

/* --- import ------------------------------------------------------------ */

enum { AI_NEW, AI_SAME, AI_CHANGED };

struct area_row {
	size_t		 row;
	struct area	 a;
	int		 ok;		/* pass 1 passed */
	int		 state;		/* AI_* */
	int		 resolving;	/* cycle guard */
	int		 resolved;
};

struct area_import {
	struct store		*store;
	struct import_report	*rep;
	struct area_row		*rows;
	size_t			 nrows, cap;
	size_t			*sorted;	/* indices sorted by code */
	int			 header_seen;
};

static int
area_field_name(struct area_import *ai, size_t row, const char *field,
    const char *in, char **out)
{
	const char	*why;

	if ((*out = text_clean(in, strlen(in), &why)) == NULL) {
		import_error_add(ai->rep, row, field, "invalid UTF-8 (%s)",
		    why);
		return -1;
	}
	if ((*out)[0] == '\0') {
		import_error_add(ai->rep, row, field, "empty");
		return -1;
	}
	if (text_codepoints(*out) > AREA_NAME_MAX) {
		import_error_add(ai->rep, row, field, "longer than %d "
		    "characters", AREA_NAME_MAX);
		return -1;
	}
	return 0;
}

static int
area_row_cb(void *arg, size_t row, char **f, size_t n)
{
	struct area_import	*ai = arg;
	struct area_row		*r;
	int			 level;

	if (!ai->header_seen) {
		ai->header_seen = 1;
		if (n > 0 && strcasecmp(f[0], "code") == 0) {
			if (n != 5 || strcasecmp(f[1], "parent") != 0 ||
			    strcasecmp(f[2], "level") != 0 ||
			    strcasecmp(f[3], "name_en") != 0 ||
			    strcasecmp(f[4], "name_bn") != 0) {
				snprintf(ai->rep->fatal, sizeof(ai->rep->fatal),
				    "row %zu: header must be "
				    "code,parent,level,name_en,name_bn", row);
				return -1;
			}
			return 0;
		}
	}
	ai->rep->rows++;
	if (n != 5) {
		snprintf(ai->rep->fatal, sizeof(ai->rep->fatal), "row %zu: "
		    "expected 5 columns (code,parent,level,name_en,name_bn), "
		    "got %zu", row, n);
		return -1;
	}
	if (ai->nrows == ai->cap) {
		ai->cap = ai->cap ? ai->cap * 2 : 256;
		ai->rows = xreallocarray(ai->rows, ai->cap, sizeof(*ai->rows));
	}
	r = &ai->rows[ai->nrows++];
	memset(r, 0, sizeof(*r));
	r->row = row;
	if (!area_code_valid(f[0])) {
		import_error_add(ai->rep, row, "code", "\"%.40s\" is not an "
		    "area code (1-32 of 0-9 A-Z a-z - _)", f[0]);
		return 0;
	}
	strlcpy_sk(r->a.code, f[0], sizeof(r->a.code));
	if ((level = area_level_parse(f[2])) == -1) {
		import_error_add(ai->rep, row, "level", "\"%.40s\" is not "
		    "division, district, upazila or union", f[2]);
		return 0;
	}
	r->a.level = level;
	if (level == AREA_DIVISION && f[1][0] != '\0') {
		import_error_add(ai->rep, row, "parent", "a division has no "
		    "parent");
		return 0;
	}
	if (level != AREA_DIVISION && !area_code_valid(f[1])) {
		import_error_add(ai->rep, row, "parent", "a %s needs a parent "
		    "area code", area_level_name(level));
		return 0;
	}
	strlcpy_sk(r->a.parent, f[1], sizeof(r->a.parent));
	if (area_field_name(ai, row, "name_en", f[3], &r->a.name_en) == -1 ||
	    area_field_name(ai, row, "name_bn", f[4], &r->a.name_bn) == -1)
		return 0;
	r->ok = 1;
	return 0;
}

static struct area_import *area_sort_ctx;

static int
area_cmp_idx(const void *a, const void *b)
{
	const struct area_row *ra = &area_sort_ctx->rows[*(const size_t *)a];
	const struct area_row *rb = &area_sort_ctx->rows[*(const size_t *)b];
	int c = strcmp(ra->a.code, rb->a.code);

	if (c != 0)
		return c;
	return ra->row < rb->row ? -1 : ra->row > rb->row;
}

static struct area_row *
area_staged(struct area_import *ai, const char *code)
{
	size_t	 lo = 0, hi = ai->nrows, mid;
	int	 c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp(ai->rows[ai->sorted[mid]].a.code, code);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ai->nrows && strcmp(ai->rows[ai->sorted[lo]].a.code, code)
	    == 0)
		return &ai->rows[ai->sorted[lo]];
	return NULL;
}

/* Pass 2 for one row: 0 ok, -1 row error, -2 store error. */
static int
area_resolve(struct area_import *ai, struct area_row *r)
{
	struct area	 stored, par;
	struct area_row	*pr;
	const char	*ppath;
	int		 rc;

	if (r->resolved)
		return r->ok ? 0 : -1;
	if (!r->ok)
		return -1;
	if (r->resolving) {
		import_error_add(ai->rep, r->row, "parent", "cycle through "
		    "area %s", r->a.code);
		r->ok = 0;
		return -1;
	}
	r->resolving = 1;
	ppath = "/";
	memset(&par, 0, sizeof(par));
	if (r->a.level != AREA_DIVISION) {
		if ((pr = area_staged(ai, r->a.parent)) != NULL) {
			if (area_resolve(ai, pr) != 0) {
				import_error_add(ai->rep, r->row, "parent",
				    "parent %s (row %zu) is invalid",
				    r->a.parent, pr->row);
				goto bad;
			}
			if (pr->a.level != r->a.level - 1)
				goto badlevel;
			ppath = pr->a.path;
		} else {
			if ((rc = area_get(ai->store, r->a.parent, &par)) == -1)
				return -2;
			if (rc == 1) {
				import_error_add(ai->rep, r->row, "parent",
				    "unknown parent %s", r->a.parent);
				goto bad;
			}
			if (par.level != r->a.level - 1) {
				area_clear(&par);
				goto badlevel;
			}
			ppath = par.path;
		}
	}
	if (strlen(ppath) + strlen(r->a.code) + 2 > sizeof(r->a.path)) {
		area_clear(&par);
		import_error_add(ai->rep, r->row, "code", "path too long");
		goto bad;
	}
	snprintf(r->a.path, sizeof(r->a.path), "%s%s/", ppath, r->a.code);
	area_clear(&par);

	if ((rc = area_get(ai->store, r->a.code, &stored)) == -1)
		return -2;
	if (rc == 1)
		r->state = AI_NEW;
	else {
		if (stored.level != r->a.level ||
		    strcmp(stored.parent, r->a.parent) != 0) {
			import_error_add(ai->rep, r->row, "parent", "%s is "
			    "stored as a %s under \"%s\"; moving areas is not "
			    "supported", r->a.code,
			    area_level_name(stored.level), stored.parent);
			area_clear(&stored);
			goto bad;
		}
		r->state = strcmp(stored.name_en, r->a.name_en) == 0 &&
		    strcmp(stored.name_bn, r->a.name_bn) == 0 ?
		    AI_SAME : AI_CHANGED;
		area_clear(&stored);
	}
	r->resolving = 0;
	r->resolved = 1;
	return 0;
badlevel:
	import_error_add(ai->rep, r->row, "parent", "the parent of a %s must "
	    "be a %s", area_level_name(r->a.level),
	    area_level_name(r->a.level - 1));
bad:
	r->ok = 0;
	r->resolving = 0;
	r->resolved = 1;
	return -1;
}

static int
area_write(struct area_import *ai)
{
	static const char sql[] = "INSERT INTO areas (code, parent, level,"
	    " name_en, name_bn, path, updated_at) VALUES (?1, nullif(?2, ''),"
	    " ?3, ?4, ?5, ?6, ?7) ON CONFLICT (code) DO UPDATE SET"
	    " name_en = excluded.name_en, name_bn = excluded.name_bn,"
	    " updated_at = excluded.updated_at";
	sqlite3_stmt	*st;
	struct area_row	*r;
	int64_t		 now = store_now();
	size_t		 i;
	int		 level;

	for (level = AREA_DIVISION; level <= AREA_UNION; level++)
		for (i = 0; i < ai->nrows; i++) {
			r = &ai->rows[i];
			if (r->a.level != level || r->state == AI_SAME)
				continue;
			if ((st = store_prepare(ai->store, sql)) == NULL)
				return -1;
			sqlite3_bind_text(st, 1, r->a.code, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, r->a.parent, -1,
			    SQLITE_STATIC);
			sqlite3_bind_int(st, 3, r->a.level);
			sqlite3_bind_text(st, 4, r->a.name_en, -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(st, 5, r->a.name_bn, -1,
			    SQLITE_STATIC);
			sqlite3_bind_text(st, 6, r->a.path, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 7, now);
			if (sqlite3_step(st) != SQLITE_DONE) {
				log_warnx("%s: area %s: %s", __func__,
				    r->a.code, sqlite3_errmsg(store_db(
				    ai->store)));
				sqlite3_reset(st);
				return -1;
			}
			sqlite3_reset(st);
		}
	return 0;
}

int
area_import(struct store *s, const char *buf, size_t len, int dry_run,
    struct import_report *rep)
{
	struct area_import	 ai;
	struct csv		*csv;
	size_t			 i;
	int			 rc, ret = -1;

	memset(&ai, 0, sizeof(ai));
	ai.store = s;
	ai.rep = rep;
	import_report_init(rep);

	csv = csv_new(area_row_cb, &ai);
	if (csv_feed(csv, buf, len) == -1 || csv_finish(csv) == -1) {
		if (rep->fatal[0] == '\0')
			snprintf(rep->fatal, sizeof(rep->fatal), "%s",
			    csv_error(csv) ? csv_error(csv) : "bad CSV");
		csv_free(csv);
		goto done;
	}
	csv_free(csv);
	if (rep->rows == 0) {
		snprintf(rep->fatal, sizeof(rep->fatal), "no rows");
		goto done;
	}

	ai.sorted = xreallocarray(NULL, ai.nrows, sizeof(size_t));
	for (i = 0; i < ai.nrows; i++)
		ai.sorted[i] = i;
	area_sort_ctx = &ai;
	qsort(ai.sorted, ai.nrows, sizeof(size_t), area_cmp_idx);
	area_sort_ctx = NULL;
	for (i = 1; i < ai.nrows; i++) {
		struct area_row *a = &ai.rows[ai.sorted[i - 1]];
		struct area_row *b = &ai.rows[ai.sorted[i]];

		if (a->a.code[0] != '\0' && strcmp(a->a.code, b->a.code) == 0 &&
		    b->ok) {
			import_error_add(rep, b->row, "code", "duplicate "
			    "code %s (first on row %zu)", b->a.code, a->row);
			b->ok = 0;
		}
	}
	/* Rows errors are reported in row order: sort them at the end. */
	for (i = 0; i < ai.nrows; i++)
		if ((rc = area_resolve(&ai, &ai.rows[i])) == -2) {
			ret = -2;
			goto done;
		}
	if (rep->rejected > 0)
		goto done;

	for (i = 0; i < ai.nrows; i++)
		switch (ai.rows[i].state) {
		case AI_NEW: rep->created++; break;
		case AI_CHANGED: rep->updated++; break;
		default: rep->unchanged++; break;
		}
	if (dry_run) {
		ret = 0;
		goto done;
	}
	if (store_tx_begin(s) == -1) {
		ret = -2;
		goto done;
	}
	if (area_write(&ai) == -1) {
		store_tx_rollback(s);
		ret = -2;
		goto done;
	}
	/* The caller commits (with its audit row) or rolls back. */
	ret = 0;
done:
	import_report_sort(rep);
	for (i = 0; i < ai.nrows; i++)
		area_clear(&ai.rows[i].a);
	free(ai.rows);
	free(ai.sorted);
	return ret;
}
