/*
 * test_fixture.h: a temp database with a small area tree for the unit
 * tests that need one.
 *
 *	20 Chattogram > 2022 Cox's Bazar > 202245 Kutubdia > 20224510, 20224520
 *	                                 > 202290 Teknaf   > 20229010
 *	10 Barishal   > 1009 Bhola       > 100965 Manpura  > 10096510
 */
#ifndef SK_TEST_FIXTURE_H
#define SK_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "areas.h"
#include "store.h"

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
	return s;
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

#endif
