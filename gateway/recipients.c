/*
 * recipients.c: see recipients.h.
 *
 * The import is a single streaming pass: the CSV parser calls back per
 * record, the record is validated against an in-memory sorted list of the
 * unions the caller may use (loaded once per call with one indexed range
 * query), and upserted with one prepared statement.  Row numbers count
 * every line of the body (blank ones too), like an editor.  Memory is bounded by
 * the number of unions, not by the number of rows.
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
#include "recipients.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

#define PROG_MAX	16	/* programmes per recipient */
#define PROG_LEN	16	/* characters per programme name */

struct rimport {
	struct store		*store;
	struct import_report	*rep;
	const char		*scope;		/* NULL = national */
	char			**unions;	/* sorted, allowed */
	size_t			 nunions;
	size_t			 first_row;	/* 0 = rows as in the body */
	int			 header;	/* the body has a header line */
	int			 header_seen;
	int			 dry_run;
	int			 failed;	/* store error */
	int64_t			 now;
};

static int
rimport_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The unions under scope (all if national), sorted for bsearch. */
static int
rimport_load_unions(struct rimport *ri)
{
	static const char all[] = "SELECT code FROM areas WHERE level = 4";
	static const char under[] = "SELECT u.code FROM areas a, areas u"
	    " WHERE a.code = ?1 AND u.level = 4 AND u.path >= a.path AND"
	    " u.path < substr(a.path, 1, length(a.path) - 1) || '0'";
	sqlite3_stmt	*st;
	size_t		 cap = 0;
	int		 rc;

	st = store_prepare(ri->store, ri->scope ? under : all);
	if (st == NULL)
		return -1;
	if (ri->scope)
		sqlite3_bind_text(st, 1, ri->scope, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (ri->nunions == cap) {
			cap = cap ? cap * 2 : 1024;
			ri->unions = xreallocarray(ri->unions, cap,
			    sizeof(char *));
		}
		ri->unions[ri->nunions++] =
		    xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("%s: %s", __func__, sqlite3_errmsg(store_db(
		    ri->store)));
		return -1;
	}
	qsort(ri->unions, ri->nunions, sizeof(char *), rimport_strcmp);
	return 0;
}

static int
rimport_union_ok(struct rimport *ri, size_t row, const char *code)
{
	struct area	 a;
	int		 rc;

	if (bsearch(&code, ri->unions, ri->nunions, sizeof(char *),
	    rimport_strcmp) != NULL)
		return 0;
	/* Not allowed: say why, the slow way (error path only). */
	if (!area_code_valid(code))
		import_error_add(ri->rep, row, "union", "\"%.40s\" is not an "
		    "area code", code);
	else if ((rc = area_get(ri->store, code, &a)) != 0)
		import_error_add(ri->rep, row, "union", "unknown union %s",
		    code);
	else {
		if (a.level != AREA_UNION)
			import_error_add(ri->rep, row, "union", "%s is a %s, "
			    "not a union", code, area_level_name(a.level));
		else
			import_error_add(ri->rep, row, "union", "union %s is "
			    "outside your scope", code);
		area_clear(&a);
	}
	return -1;
}

/* "vgf; GR|oms" -> "VGF;GR;OMS" (deduplicated, order kept). */
static int
rimport_programmes(const char *in, char *out, size_t outlen,
    const char **why)
{
	char		 names[PROG_MAX][PROG_LEN + 1];
	size_t		 n = 0, len, i, o = 0;
	const char	*p = in;

	out[0] = '\0';
	for (;;) {
		while (*p == ';' || *p == '|' || *p == ',' || *p == ' ' ||
		    *p == '\t')
			p++;
		if (*p == '\0')
			break;
		for (len = 0; p[len] != '\0' && p[len] != ';' &&
		    p[len] != '|' && p[len] != ',' && p[len] != ' ' &&
		    p[len] != '\t'; len++)
			if (!isalnum((unsigned char)p[len]) && p[len] != '-' &&
			    p[len] != '_') {
				*why = "programme names are letters, digits, "
				    "- and _";
				return -1;
			}
		if (len > PROG_LEN) {
			*why = "programme name longer than 16 characters";
			return -1;
		}
		for (i = 0; i < len; i++)
			names[n][i] = toupper((unsigned char)p[i]);
		names[n][len] = '\0';
		p += len;
		for (i = 0; i < n; i++)
			if (strcmp(names[i], names[n]) == 0)
				break;
		if (i < n)
			continue;
		if (++n == PROG_MAX && *p != '\0') {
			*why = "more than 16 programmes";
			return -1;
		}
	}
	for (i = 0; i < n; i++)
		o += snprintf(out + o, outlen - o, "%s%s", i ? ";" : "",
		    names[i]);
	return 0;
}

static const char *
rimport_lang(const char *s)
{
	if (s[0] == '\0' || strcasecmp(s, "bn") == 0 ||
	    strcasecmp(s, "bangla") == 0 || strcasecmp(s, "bengali") == 0)
		return "bn";
	if (strcasecmp(s, "en") == 0 || strcasecmp(s, "english") == 0)
		return "en";
	return NULL;
}

static const char *
rimport_channel(const char *s)
{
	if (s[0] == '\0' || strcasecmp(s, "sms") == 0)
		return "sms";
	if (strcasecmp(s, "voice") == 0)
		return "voice";
	if (strcasecmp(s, "both") == 0)
		return "both";
	return NULL;
}

/* A scoped caller may not take over a number registered elsewhere. */
static int
rimport_owner_ok(struct rimport *ri, size_t row, const char *msisdn)
{
	static const char sql[] = "SELECT union_code FROM recipients"
	    " WHERE msisdn = ?1";
	sqlite3_stmt	*st;
	const char	*u;
	int		 rc, r = 0;

	if (ri->scope == NULL)
		return 0;
	if ((st = store_prepare(ri->store, sql)) == NULL)
		return -2;
	sqlite3_bind_text(st, 1, msisdn, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		u = (const char *)sqlite3_column_text(st, 0);
		if (bsearch(&u, ri->unions, ri->nunions, sizeof(char *),
		    rimport_strcmp) == NULL) {
			import_error_add(ri->rep, row, "msisdn", "%s is "
			    "registered in union %s, outside your scope",
			    msisdn, u);
			r = -1;
		}
	} else if (rc != SQLITE_DONE)
		r = -2;
	sqlite3_reset(st);
	return r;
}

static int
rimport_upsert(struct rimport *ri, const char *msisdn, const char *uni,
    const char *lang, const char *chan, const char *progs)
{
	static const char sql[] = "INSERT INTO recipients (msisdn,"
	    " union_code, lang, channel, programmes, created_at, updated_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6) ON CONFLICT (msisdn) DO"
	    " UPDATE SET union_code = excluded.union_code,"
	    " lang = excluded.lang, channel = excluded.channel,"
	    " programmes = excluded.programmes, updated_at = excluded.updated_at"
	    " WHERE union_code IS NOT excluded.union_code OR"
	    " lang IS NOT excluded.lang OR channel IS NOT excluded.channel OR"
	    " programmes IS NOT excluded.programmes";
	sqlite3		*db = store_db(ri->store);
	sqlite3_stmt	*st;
	sqlite3_int64	 before;

	if ((st = store_prepare(ri->store, sql)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, msisdn, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, uni, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, lang, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, chan, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, progs, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, ri->now);
	before = sqlite3_last_insert_rowid(db);
	if (sqlite3_step(st) != SQLITE_DONE) {
		log_warnx("%s: %s: %s", __func__, msisdn, sqlite3_errmsg(db));
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	/* An upsert that updates leaves last_insert_rowid alone. */
	if (sqlite3_changes(db) == 0)
		ri->rep->unchanged++;
	else if (sqlite3_last_insert_rowid(db) != before)
		ri->rep->created++;
	else
		ri->rep->updated++;
	return 0;
}

static int
rimport_row_cb(void *arg, size_t csvrow, char **f, size_t n)
{
	static const char *const cols[] = {
		"msisdn", "union", "lang", "channel", "programmes"
	};
	struct rimport	*ri = arg;
	char		 msisdn[MSISDN_MAX], progs[PROG_MAX * (PROG_LEN + 1)];
	const char	*why, *lang, *chan;
	size_t		 row, i;
	int		 rc;

	if (!ri->header_seen) {
		ri->header_seen = 1;
		if (n > 0 && strcasecmp(f[0], "msisdn") == 0) {
			for (i = 0; i < n && i < 5; i++)
				if (strcasecmp(f[i], cols[i]) != 0)
					break;
			if (i != n || n < 4) {
				snprintf(ri->rep->fatal, sizeof(ri->rep->fatal),
				    "row %zu: header must be msisdn,union,lang,"
				    "channel[,programmes]", csvrow);
				return -1;
			}
			ri->header = 1;
			return 0;
		}
	}
	/* With first_row, the body's first data line is row first_row. */
	row = ri->first_row ? ri->first_row + csvrow - 1 - ri->header :
	    csvrow;
	ri->rep->rows++;
	if (n < 4 || n > 5) {
		snprintf(ri->rep->fatal, sizeof(ri->rep->fatal), "row %zu: "
		    "expected 5 columns (msisdn,union,lang,channel,programmes),"
		    " got %zu", row, n);
		return -1;
	}
	for (i = 0; i < n; i++)
		if (!text_utf8_valid(f[i], strlen(f[i]))) {
			import_error_add(ri->rep, row, cols[i],
			    "invalid UTF-8");
			return 0;
		}
	if (msisdn_normalise(f[0], msisdn, &why) == -1) {
		import_error_add(ri->rep, row, "msisdn", "%s: \"%.32s\"", why,
		    f[0]);
		return 0;
	}
	if (rimport_union_ok(ri, row, f[1]) == -1)
		return 0;
	if ((lang = rimport_lang(f[2])) == NULL) {
		import_error_add(ri->rep, row, "lang", "\"%.16s\" is not bn "
		    "or en", f[2]);
		return 0;
	}
	if ((chan = rimport_channel(f[3])) == NULL) {
		import_error_add(ri->rep, row, "channel", "\"%.16s\" is not "
		    "sms, voice or both", f[3]);
		return 0;
	}
	if (rimport_programmes(n == 5 ? f[4] : "", progs, sizeof(progs),
	    &why) == -1) {
		import_error_add(ri->rep, row, "programmes", "%s", why);
		return 0;
	}
	if ((rc = rimport_owner_ok(ri, row, msisdn)) != 0) {
		if (rc == -2)
			goto fail;
		return 0;
	}
	if (rimport_upsert(ri, msisdn, f[1], lang, chan, progs) == -1)
		goto fail;
	return 0;
fail:
	ri->failed = 1;
	return -1;
}

int
recipient_import(struct store *s, const char *scope, const char *buf,
    size_t len, size_t first_row, int dry_run, struct import_report *rep)
{
	struct rimport	 ri;
	struct csv	*csv = NULL;
	size_t		 i;
	int		 ret = -2;

	memset(&ri, 0, sizeof(ri));
	ri.store = s;
	ri.rep = rep;
	ri.scope = scope && scope[0] ? scope : NULL;
	ri.first_row = first_row;
	ri.dry_run = dry_run;
	ri.now = store_now();
	import_report_init(rep);

	if (store_tx_begin(s) == -1)
		return -2;
	if (rimport_load_unions(&ri) == -1)
		goto rollback;
	csv = csv_new(rimport_row_cb, &ri);
	if (csv_feed(csv, buf, len) == -1 || csv_finish(csv) == -1) {
		if (ri.failed)
			goto rollback;
		if (rep->fatal[0] == '\0')
			snprintf(rep->fatal, sizeof(rep->fatal), "%s",
			    csv_error(csv) ? csv_error(csv) : "bad CSV");
		ret = -1;
		goto rollback;
	}
	if (rep->rows == 0) {
		snprintf(rep->fatal, sizeof(rep->fatal), "no rows");
		ret = -1;
		goto rollback;
	}
	ret = 0;
	if (!dry_run)
		goto done;		/* caller commits */
rollback:
	store_tx_rollback(s);
done:
	csv_free(csv);
	for (i = 0; i < ri.nunions; i++)
		free(ri.unions[i]);
	free(ri.unions);
	return ret;
}

int
recipient_get(struct store *s, const char *in, struct recipient *r)
{
	static const char sql[] = "SELECT id, msisdn, union_code, lang,"
	    " channel, programmes, opted_out, created_at, updated_at"
	    " FROM recipients WHERE msisdn = ?1";
	char		 msisdn[MSISDN_MAX];
	const char	*why;
	sqlite3_stmt	*st;
	int		 rc;

	memset(r, 0, sizeof(*r));
	if (msisdn_normalise(in, msisdn, &why) == -1)
		return 1;
	if ((st = store_prepare(s, sql)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, msisdn, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->id = sqlite3_column_int64(st, 0);
		strlcpy_sk(r->msisdn, (const char *)sqlite3_column_text(st, 1),
		    sizeof(r->msisdn));
		strlcpy_sk(r->union_code, (const char *)sqlite3_column_text(st,
		    2), sizeof(r->union_code));
		strlcpy_sk(r->lang, (const char *)sqlite3_column_text(st, 3),
		    sizeof(r->lang));
		strlcpy_sk(r->channel, (const char *)sqlite3_column_text(st,
		    4), sizeof(r->channel));
		strlcpy_sk(r->programmes, (const char *)sqlite3_column_text(st,
		    5), sizeof(r->programmes));
		r->opted_out = sqlite3_column_int(st, 6);
		r->created_at = sqlite3_column_int64(st, 7);
		r->updated_at = sqlite3_column_int64(st, 8);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	log_warnx("%s: %s", __func__, sqlite3_errmsg(store_db(s)));
	return -1;
}
