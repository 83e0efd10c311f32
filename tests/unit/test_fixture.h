/*
 * test_fixture.h: a temp database with a small area tree for the unit
 * tests that need one.
 *
 *	20 Chattogram > 2022 Cox's Bazar > 202245 Kutubdia > 20224510, 20224520
 *	                                 > 202290 Teknaf   > 20229010
 *	10 Barishal   > 1009 Bhola       > 100965 Manpura  > 10096510
 *
 * fixture_recipients() registers recipients in it.  And checks on that
 * database (fixture_store, set by fixture_open()), each taking its SQL as
 * a printf format:
 *
 *	count(fmt, ...)	the first column of the first row as an integer;
 *			-1 if there is no row or the SQL fails
 *	str(fmt, ...)	the same as text in a static buffer; "" if there
 *			is no row or it is NULL, "(bad sql)" if it fails
 *	exec(fmt, ...)	run one or more statements: 0 or -1
 *
 * They prepare the SQL afresh every time and never go through
 * store_prepare() or store_int64(): those cache statements by the address
 * of the SQL string (store.h), and SQL formatted into a buffer has one
 * address for every query.
 */
#ifndef SK_TEST_FIXTURE_H
#define SK_TEST_FIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "areas.h"
#include "recipients.h"
#include "store.h"
#include "tap.h"

static const char fixture_areas[] =
    "20,,division,Chattogram,চট্টগ্রাম\n"
    "2022,20,district,Cox's Bazar,কক্সবাজার\n"
    "202245,2022,upazila,Kutubdia,কুতুবদিয়া\n"
    "20224510,202245,union,Ali Akbar Deil,আলী আকবর ডেইল\n"
    "20224520,202245,union,Uttar Dhurung,উত্তর ধুরুং\n"
    "202290,2022,upazila,Teknaf,টেকনাফ\n"
    "20229010,202290,union,Sabrang,সাবরাং\n"
    "10,,division,Barishal,বরিশাল\n"
    "1009,10,district,Bhola,ভোলা\n"
    "100965,1009,upazila,Manpura,মনপুরা\n"
    "10096510,100965,union,Hajirhat,হাজীরহাট\n";

static char fixture_dir[64];
static struct store *fixture_store;

static struct store *
fixture_open(void)
{
	struct import_report	 rep;
	struct store		*s;
	char			 path[128], err[256];

	snprintf(fixture_dir, sizeof(fixture_dir), "/tmp/sk-fix-XXXXXX");
	if (mkdtemp(fixture_dir) == NULL)
		exit(99);
	snprintf(path, sizeof(path), "%s/t.db", fixture_dir);
	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		printf("Bail out! %s\n", err);
		exit(99);
	}
	if (area_import(s, fixture_areas, sizeof(fixture_areas) - 1, 0, &rep)
	    != 0 || store_tx_commit(s) != 0) {
		printf("Bail out! fixture import failed: %s %s\n", rep.fatal,
		    rep.nerrors ? rep.errors[0].msg : "");
		exit(99);
	}
	fixture_store = s;
	return s;
}

/* Register the recipients of csv (recipients.h's columns, no header). */
static void __attribute__((unused))
fixture_recipients(const char *csv)
{
	struct import_report	 rep;

	if (recipient_import(fixture_store, NULL, csv, strlen(csv), 0, 0,
	    &rep) != 0 || store_tx_commit(fixture_store) != 0) {
		printf("Bail out! recipients: %s %s\n", rep.fatal,
		    rep.nerrors ? rep.errors[0].msg : "");
		exit(99);
	}
}

static void
fixture_close(struct store *s)
{
	char	 cmd[128];

	store_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fixture_dir);
	if (system(cmd) != 0)
		printf("# cleanup failed\n");
}

/* The statement for fmt and ap, or NULL (said why). */
static sqlite3_stmt *
fixture_vprepare(const char *fmt, va_list ap)
{
	char		 sql[4096];
	sqlite3_stmt	*st;

	vsnprintf(sql, sizeof(sql), fmt, ap);
	if (sqlite3_prepare_v2(store_db(fixture_store), sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		diag("query failed: %s: %s", sql,
		    sqlite3_errmsg(store_db(fixture_store)));
		return NULL;
	}
	return st;
}

static int64_t __attribute__((format(printf, 1, 2), unused))
count(const char *fmt, ...)
{
	sqlite3_stmt	*st;
	int64_t		 n = -1;
	va_list		 ap;

	va_start(ap, fmt);
	st = fixture_vprepare(fmt, ap);
	va_end(ap);
	if (st == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static const char *str(const char *, ...)
    __attribute__((format(printf, 1, 2), unused));

static const char *
str(const char *fmt, ...)
{
	static char	 buf[4096];
	sqlite3_stmt	*st;
	va_list		 ap;

	va_start(ap, fmt);
	st = fixture_vprepare(fmt, ap);
	va_end(ap);
	if (st == NULL)
		return "(bad sql)";
	buf[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(buf, sizeof(buf), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

static int __attribute__((format(printf, 1, 2), unused))
exec(const char *fmt, ...)
{
	char	 sql[4096], *err = NULL;
	va_list	 ap;
	int	 rc;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	rc = sqlite3_exec(store_db(fixture_store), sql, NULL, NULL, &err);
	if (rc != SQLITE_OK) {
		diag("%s: %s", sql, err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

#endif
