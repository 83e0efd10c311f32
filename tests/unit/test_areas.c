/*
 * test_areas.c: area import (all or nothing, every refusal reason, re-import
 * in place, NFC names), containment and union resolution.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "areas.h"
#include "store.h"
#include "tap.h"

static const char good[] =
    "\xef\xbb\xbf" "code,parent,level,name_en,name_bn\r\n"
    "20,,division,Chattogram,চট্টগ্রাম\r\n"
    "2022,20,district,Cox's Bazar,কক্সবাজার\r\n"
    "202245,2022,upazila,Kutubdia,কুতুবদি\xe0\xa7\x9f" "া\r\n"
    "20224510,202245,union,Ali Akbar Deil,আলী আকবর ডেইল\r\n"
    "20224520,202245,union,\"Uttar Dhurung\",উত্তর ধুরুং\r\n"
    "202290,2022,upazila,Teknaf,টেকনাফ\r\n"
    "20229010,202290,4,Sabrang,সাবরাং\r\n"
    "10,,division,Barishal,বরিশাল\r\n";

static struct store	*s;
static char		 path[256];

static int64_t
count(const char *sql)
{
	int64_t	 n = -1;

	store_int64(s, sql, &n);
	return n;
}

static int
imp(const char *csv, int dry, struct import_report *rep)
{
	int	 rc = area_import(s, csv, strlen(csv), dry, rep);

	if (rc == 0 && !dry)
		store_tx_commit(s);
	return rc;
}

struct bad {
	const char	*csv;
	size_t		 row;
	const char	*want;
} bad[] = {
	{ "30,,division,Dhaka,ঢাকা\n3026,99,district,X,এক্স\n", 2,
	    "unknown parent 99" },
	{ "30,,division,Dhaka,ঢাকা\n3026,30,upazila,X,এক্স\n", 2,
	    "the parent of a upazila must be a district" },
	{ "30,,division,Dhaka,ঢাকা\n30,,division,Dhaka2,ঢাকা\n", 2,
	    "duplicate code 30 (first on row 1)" },
	{ "30,,division,Dhaka,ঢাকা\n3026,30,thana,X,এক্স\n", 2,
	    "is not division, district, upazila or union" },
	{ "30,2022,division,Dhaka,ঢাকা\n", 1, "a division has no parent" },
	{ "3026,,district,X,এক্স\n", 1, "a district needs a parent" },
	{ "30 1,,division,Dhaka,ঢাকা\n", 1, "is not an area code" },
	{ "30,,division,,ঢাকা\n", 1, "empty" },
	{ "30,,division,Dhaka,\xe0\xa6\n", 1, "invalid UTF-8" },
	{ "30,,division,Dhaka,ঢাকা\n202245,20,district,Kutubdia,কুতুবদিয়া\n",
	    2, "moving areas is not supported" },
	{ "3026,3027,district,A,এ\n3027,3026,district,B,বি\n", 1,
	    "cycle" },
};

int
main(void)
{
	char			 dir[] = "/tmp/sk-areas-XXXXXX", err[256];
	struct import_report	 rep;
	struct area		 a;
	size_t			 i;
	int64_t			 before;

	if (mkdtemp(dir) == NULL)
		return 99;
	snprintf(path, sizeof(path), "%s/t.db", dir);
	if ((s = store_open(path, err, sizeof(err))) == NULL)
		return 99;

	is_int(imp(good, 1, &rep), 0, "dry run accepts the sample");
	is_int(count("SELECT count(*) FROM areas"), 0, "dry run writes "
	    "nothing");
	is_int(imp(good, 0, &rep), 0, "import with BOM, CRLF, quotes");
	is_int(rep.rows, 8, "8 data rows (header skipped)");
	is_int(rep.created, 8, "8 created");
	is_int(count("SELECT count(*) FROM areas"), 8, "8 stored");
	ok(area_get(s, "20224510", &a) == 0, "union found");
	is_str(a.path, "/20/2022/202245/20224510/", "materialised path");
	is_str(a.parent, "202245", "parent");
	is_int(a.level, AREA_UNION, "level");
	is_str(a.name_en, "Ali Akbar Deil", "English name");
	area_clear(&a);
	ok(area_get(s, "202245", &a) == 0 &&
	    strcmp(a.name_bn, "কুতুবদি\xe0\xa6\xaf\xe0\xa6\xbc" "া") == 0,
	    "Bangla name NFC: U+09DF stored as U+09AF U+09BC (NFC form)");
	area_clear(&a);

	is_int(imp(good, 0, &rep), 0, "re-import");
	is_int(rep.unchanged, 8, "re-import changes nothing");
	is_int(imp("202245,2022,upazila,  Kutubdia\xe2\x80\x8b  Upazila ,"
	    "কুতুবদি\xe0\xa6\xaf\xe0\xa6\xbc" "া\n", 0, &rep), 0,
	    "rename (Bangla name given in the other encoding)");
	is_int(rep.updated, 1, "one updated in place");
	ok(area_get(s, "202245", &a) == 0 &&
	    strcmp(a.name_en, "Kutubdia Upazila") == 0, "name trimmed, "
	    "zero-width space dropped, spaces collapsed");
	area_clear(&a);

	is_int(area_union_count(s, "20"), 3, "division resolves to 3 unions");
	is_int(area_union_count(s, "202245"), 2, "upazila to its 2");
	is_int(area_union_count(s, "20224510"), 1, "a union to itself");
	is_int(area_union_count(s, "10"), 0, "empty division to none");
	is_int(area_contains(s, "2022", "20229010"), 1, "district contains "
	    "its union");
	is_int(area_contains(s, "202245", "20229010"), 0, "upazila does not "
	    "contain a sibling's union");
	is_int(area_contains(s, "10", "2022"), 0, "other division");
	is_int(area_contains(s, "2022", "nope"), -1, "unknown area");
	{
		/* One indexed range query: the plan must use the index. */
		sqlite3_stmt	*st;
		int		 idx = 0;

		sqlite3_prepare_v2(store_db(s), "EXPLAIN QUERY PLAN SELECT "
		    "count(*) FROM areas a, areas u WHERE a.code = '20' AND "
		    "u.level = 4 AND u.path >= a.path AND u.path < "
		    "substr(a.path, 1, length(a.path) - 1) || '0'", -1, &st,
		    NULL);
		while (sqlite3_step(st) == SQLITE_ROW)
			if (strstr((const char *)sqlite3_column_text(st, 3),
			    "areas_level_path (level=? AND path>? AND path<?)")
			    != NULL)
				idx = 1;
		sqlite3_finalize(st);
		ok(idx, "union resolution is a range scan of (level, path)");
	}

	before = count("SELECT count(*) FROM areas");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = imp(bad[i].csv, 0, &rep);

		ok(rc == -1 && rep.nerrors >= 1 && rep.errors[0].row ==
		    bad[i].row && strstr(rep.errors[0].msg, bad[i].want),
		    "refused row %zu: %s", bad[i].row, bad[i].want);
		if (rep.nerrors)
			diag("got row %zu: %s", rep.errors[0].row,
			    rep.errors[0].msg);
	}
	is_int(count("SELECT count(*) FROM areas"), before, "no refused "
	    "import wrote anything (the good rows of a bad file included)");

	ok(imp("code,parent,level\n", 0, &rep) == -1 &&
	    strstr(rep.fatal, "header must be") != NULL, "bad header");
	ok(imp("30,,division,Dhaka\n", 0, &rep) == -1 &&
	    strstr(rep.fatal, "expected 5 columns") != NULL,
	    "wrong column count: %s", rep.fatal);
	ok(imp("30,,division,\"Dhaka,ঢাকা\n", 0, &rep) == -1 &&
	    rep.fatal[0] != '\0', "unterminated quote: %s", rep.fatal);
	ok(imp("", 0, &rep) == -1 && strcmp(rep.fatal, "no rows") == 0,
	    "empty body");

	store_close(s);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		diag("cleanup failed");
	return done_testing();
}
