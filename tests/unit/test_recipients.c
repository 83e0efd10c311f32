/*
 * test_recipients.c: recipient import: normalisation, row errors with row
 * numbers, upsert in place, scope, first_row numbering, dry run, and
 * refusal of malformed bodies.
 */
#include "config.h"

#include "recipients.h"
#include "tap.h"
#include "test_fixture.h"

static struct store *s;

static int
imp(const char *scope, const char *csv, size_t first, int dry,
    struct import_report *rep)
{
	int	 rc = recipient_import(s, scope, csv, strlen(csv), first, dry,
	    rep);

	if (rc == 0 && !dry)
		store_tx_commit(s);
	return rc;
}

static const struct import_error *
err_row(const struct import_report *rep, size_t row)
{
	size_t	 i;

	for (i = 0; i < rep->nerrors; i++)
		if (rep->errors[i].row == row)
			return &rep->errors[i];
	return NULL;
}

static const char mixed[] =
    "msisdn,union,lang,channel,programmes\n"		/* row 1 */
    "01711000001,20224510,bn,sms,VGF;gr\n"		/* 2 ok */
    "+880 1811-000002,20224520,EN,voice,\n"		/* 3 ok */
    "০১৯১১০০০০০৩,20229010,bn,both,\"VGF, OMS\"\n"	/* 4 ok */
    "0255000000,20224510,bn,sms,\n"			/* 5 landline */
    "01711000005,99999999,bn,sms,\n"			/* 6 unknown union */
    "01711000006,202245,bn,sms,\n"			/* 7 not a union */
    "01711000007,20224510,fr,sms,\n"			/* 8 bad lang */
    "01711000008,20224510,bn,fax,\n"			/* 9 bad channel */
    "01711000009,20224510,bn,sms,V*G\n"			/* 10 bad prog */
    "01711000010,20224510,bn,sms,\xff\n"		/* 11 bad UTF-8 */
    "8801711000011,10096510,en,,\n";			/* 12 ok */

int
main(void)
{
	struct import_report	 rep;
	struct recipient	 r;
	const struct import_error *e;

	s = fixture_open();

	is_int(imp(NULL, mixed, 0, 1, &rep), 0, "dry run");
	is_int(count("SELECT count(*) FROM recipients"), 0, "dry run wrote "
	    "nothing");
	is_int(rep.created, 4, "dry run counts what would be created");

	is_int(imp(NULL, mixed, 0, 0, &rep), 0, "mixed import");
	is_int(rep.rows, 11, "11 data rows");
	is_int(rep.created, 4, "4 created");
	is_int(rep.rejected, 7, "7 rejected");
	is_int(count("SELECT count(*) FROM recipients"), 4, "4 stored");
	e = err_row(&rep, 5);
	ok(e != NULL && strcmp(e->field, "msisdn") == 0 &&
	    strstr(e->msg, "not a mobile number"), "row 5 landline: %s",
	    e ? e->msg : "-");
	e = err_row(&rep, 6);
	ok(e != NULL && strstr(e->msg, "unknown union 99999999"),
	    "row 6 unknown union");
	e = err_row(&rep, 7);
	ok(e != NULL && strstr(e->msg, "is a upazila, not a "
	    "union"), "row 7 not a union");
	e = err_row(&rep, 8);
	ok(e != NULL && strcmp(e->field, "lang") == 0,
	    "row 8 bad lang");
	e = err_row(&rep, 9);
	ok(e != NULL && strcmp(e->field, "channel") == 0,
	    "row 9 bad channel");
	e = err_row(&rep, 10);
	ok(e != NULL && strcmp(e->field, "programmes") == 0,
	    "row 10 bad programme");
	e = err_row(&rep, 11);
	ok(e != NULL && strstr(e->msg, "UTF-8"),
	    "row 11 invalid UTF-8");

	is_int(recipient_get(s, "01711000001", &r), 0, "lookup by local form");
	is_str(r.msisdn, "+8801711000001", "stored as E.164");
	is_str(r.programmes, "VGF;GR", "programmes normalised");
	is_int(recipient_get(s, "+880 1811 000002", &r), 0, "lookup spaced");
	is_str(r.lang, "en", "lang lower-cased");
	is_str(r.channel, "voice", "channel");
	is_int(recipient_get(s, "+8801911000003", &r), 0, "Bangla digits "
	    "normalised");
	is_str(r.programmes, "VGF;OMS", "quoted list with a comma");
	is_int(recipient_get(s, "01711000011", &r), 0, "88-prefixed form");
	is_str(r.channel, "sms", "empty channel defaults to sms");
	is_int(recipient_get(s, "01711999999", &r), 1, "unknown number");

	is_int(imp(NULL, "01711000001,20224520,en,both,VGF\n"
	    "01711000001,20224520,en,both,VGF\n", 0, 0, &rep), 0, "update");
	is_int(rep.updated, 1, "first is an update in place");
	is_int(rep.unchanged, 1, "repeat is unchanged");
	is_int(count("SELECT count(*) FROM recipients"), 4, "no duplicate "
	    "row");
	recipient_get(s, "01711000001", &r);
	is_str(r.union_code, "20224520", "union updated");

	/* Scope: Kutubdia official. */
	is_int(imp("202245", "01711000020,20224510,bn,sms,\n"
	    "01711000021,20229010,bn,sms,\n"
	    "01711000011,20224510,bn,sms,\n", 0, 0, &rep), 0, "scoped import");
	is_int(rep.created, 1, "in-scope row created");
	e = err_row(&rep, 2);
	ok(e != NULL && strstr(e->msg, "outside your scope"),
	    "union outside scope refused");
	e = err_row(&rep, 3);
	ok(e != NULL && strstr(e->msg, "registered in union "
	    "10096510"), "cannot take over a number registered elsewhere");

	/* first_row numbering (a client sending a big file in parts). */
	is_int(imp(NULL, "msisdn,union,lang,channel,programmes\n"
	    "01711000030,20224510,bn,sms,\nbad,20224510,bn,sms,\n", 20001, 0,
	    &rep), 0, "part import");
	e = err_row(&rep, 20002);
	ok(e != NULL, "row numbered from first_row");
	is_int(imp(NULL, "msisdn,union,lang,channel,programmes\n\n"
	    "01711000031,20224510,bn,sms,\nbad,20224510,bn,sms,\n", 100, 0,
	    &rep), 0, "part with a blank line");
	e = err_row(&rep, 102);
	ok(e != NULL, "blank lines count in first_row numbering (like an "
	    "editor)");

	/* Whole-body refusals write nothing. */
	int64_t before = count("SELECT count(*) FROM recipients");
	ok(imp(NULL, "01711000040,20224510,bn,sms,\n01711000041,20224510\n",
	    0, 0, &rep) == -1 && strstr(rep.fatal, "row 2: expected 5 "
	    "columns"), "short row refuses the body: %s", rep.fatal);
	ok(imp(NULL, "phone,union,lang\n", 0, 0, &rep) == -1 ||
	    rep.rejected == 1, "unknown header is a row error or refusal");
	ok(imp(NULL, "msisdn,unions,lang,channel\n", 0, 0, &rep) == -1 &&
	    strstr(rep.fatal, "header must be"), "misspelt header refused");
	ok(imp(NULL, "01711000042,20224510,bn,sms,\"VGF\n", 0, 0, &rep) == -1,
	    "unterminated quote refused");
	is_int(count("SELECT count(*) FROM recipients"), before, "nothing "
	    "written by refused bodies");

	fixture_close(s);
	return done_testing();
}
