/*
 * test_msisdn.c: unit tests for gateway/msisdn.c (TAP).
 *
 * One table of numbers as officials type them into recipient lists and as
 * phones send them, each with the E.164 result or the exact reason for
 * refusing it.  Every accepted result is also fed back in and must come out
 * unchanged.
 */
#include "config.h"

#include <string.h>

#include "msisdn.h"
#include "tap.h"

struct msisdn_case {
	const char	*in;
	const char	*want;		/* NULL: refused */
	const char	*why;
};

#define OK(in, want)	{ in, want, NULL }
#define NO(in, why)	{ in, NULL, why }

static const struct msisdn_case cases[] = {
	/* The forms msisdn.h promises. */
	OK("01711000001", "+8801711000001"),
	OK("1711000001", "+8801711000001"),
	OK("8801711000001", "+8801711000001"),
	OK("+8801711000001", "+8801711000001"),
	OK("008801711000001", "+8801711000001"),
	OK("+880 1711-000001", "+8801711000001"),
	OK("০১৭১১০০০০০১", "+8801711000001"),

	/* Every mobile operator prefix, 013 to 019. */
	OK("01311000001", "+8801311000001"),
	OK("01411000001", "+8801411000001"),
	OK("01511000001", "+8801511000001"),
	OK("01611000001", "+8801611000001"),
	OK("01811000001", "+8801811000001"),
	OK("01911000001", "+8801911000001"),
	OK("01999999999", "+8801999999999"),
	OK("01300000000", "+8801300000000"),

	/* Separators as people write them. */
	OK("017-1100-0001", "+8801711000001"),
	OK("01711-000001", "+8801711000001"),
	OK("017 11 000 001", "+8801711000001"),
	OK("01711.000.001", "+8801711000001"),
	OK("(017) 11000001", "+8801711000001"),
	OK("(+880) 1711-000001", "+8801711000001"),
	OK("+880-1711-000001", "+8801711000001"),
	OK("+880.1711.000001", "+8801711000001"),
	OK("  01711000001  ", "+8801711000001"),
	OK("\t01711000001", "+8801711000001"),
	OK("+ 880 1711 000001", "+8801711000001"),
	OK("00 880 1711 000001", "+8801711000001"),

	/* Country code followed by the trunk 0: same digits or "(0)". */
	OK("+88 01711-000001", "+8801711000001"),
	OK("88 01711 000001", "+8801711000001"),
	OK("+880 (0)1711-000001", "+8801711000001"),
	OK("+88001711000001", "+8801711000001"),
	OK("0088001711000001", "+8801711000001"),

	/* Bangla digits, alone or mixed with ASCII and separators. */
	OK("+৮৮০১৭১১০০০০০১", "+8801711000001"),
	OK("৮৮০১৭১১০০০০০১", "+8801711000001"),
	OK("১৭১১০০০০০১", "+8801711000001"),
	OK("০১৭১১-০০০০০১", "+8801711000001"),
	OK("+৮৮০ ১৯১২-৩৪৫৬৭৮", "+8801912345678"),
	OK("০1711000001", "+8801711000001"),

	/* Nothing there. */
	NO("", "empty"),
	NO(" ", "empty"),
	NO("   \t ", "empty"),

	/* Not digits. */
	NO("abc", "not a number"),
	NO("N/A", "not a number"),
	NO("01711abc001", "not a number"),
	NO("0171100000l", "not a number"),
	NO("O1711000001", "not a number"),
	NO("01711/000001", "not a number"),
	NO("01711_000001", "not a number"),
	NO("01711000001 ext 2", "not a number"),
	NO("tel:+8801711000001", "not a number"),
	NO("+8801711000001+", "not a number"),
	NO("++8801711000001", "not a number"),
	NO("880+1711000001", "not a number"),
	NO("01711000001;01811000001", "not a number"),
	NO("-", "not a number"),
	NO("+", "not a number"),
	NO("()", "not a number"),
	NO("0171100000\x01", "not a number"),
	NO("01711\u00a0000001", "not a number"),
	NO("\u0660\u0661\u0667", "not a number"),	/* Arabic-Indic */
	NO("\uff10\uff11\uff17\uff11\uff11", "not a number"), /* fullwidth */
	NO("\xe0\xa7", "not a number"),		/* half a Bangla digit */
	NO("1e10", "not a number"),

	/* Wrong length. */
	NO("0", "too short"),
	NO("01", "too short"),
	NO("017", "too short"),
	NO("0171100000", "too short"),		/* 10 digits */
	NO("171100000", "too short"),
	NO("+880", "too short"),
	NO("+88", "too short"),
	NO("+8", "too short"),
	NO("00", "too short"),
	NO("0088", "too short"),
	NO("880", "too short"),
	NO("8801", "too short"),
	NO("+8801711", "too short"),
	NO("০১৭১১০০০০০", "too short"),
	NO("017110000011", "too long"),		/* 12 digits */
	NO("17110000011", "too long"),
	NO("+88017110000012", "too long"),
	NO("008801711000001 1", "too long"),
	NO("01711000001 01811000001", "too long"),
	NO("0000000000000000000000000000000000000001", "too long"),

	/* Other countries. */
	NO("+919876543210", "not a Bangladeshi number"),
	NO("+91 98765 43210", "not a Bangladeshi number"),
	NO("00919876543210", "not a Bangladeshi number"),
	NO("9876543210", "not a Bangladeshi number"),
	NO("919876543210", "not a Bangladeshi number"),
	NO("+14155550123", "not a Bangladeshi number"),
	NO("+8861712345678", "not a Bangladeshi number"),
	NO("+881711000001", "not a Bangladeshi number"),
	NO("+01711000001", "not a Bangladeshi number"),
	NO("001711000001", "not a Bangladeshi number"),
	NO("999", "not a Bangladeshi number"),

	/* Bangladeshi but not mobile: landlines and unused prefixes. */
	NO("0255123456", "not a mobile number"),
	NO("02-9123456", "not a mobile number"),
	NO("029123456", "not a mobile number"),
	NO("+880 2 9123456", "not a mobile number"),
	NO("+88029123456", "not a mobile number"),
	NO("88029123456", "not a mobile number"),
	NO("031-710000", "not a mobile number"),	/* Chattogram */
	NO("0121 1234567", "not a mobile number"),
	NO("01211000001", "not a mobile number"),	/* 012 */
	NO("+8801211000001", "not a mobile number"),
	NO("8801211000001", "not a mobile number"),
	NO("01111000001", "not a mobile number"),	/* 011, Citycell */
	NO("01011000001", "not a mobile number"),
	NO("1211000001", "not a mobile number"),
	NO("0001711000001", "not a Bangladeshi number"),
	NO("००", "not a number"),			/* Devanagari */
};

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static void
test_table(void)
{
	const struct msisdn_case	*c;
	char				 out[MSISDN_MAX], again[MSISDN_MAX];
	const char			*why;
	size_t				 i;
	int				 rc;

	for (i = 0; i < nitems(cases); i++) {
		c = &cases[i];
		why = "untouched";
		memset(out, 'x', sizeof(out));
		rc = msisdn_normalise(c->in, out, &why);
		if (c->want != NULL) {
			is_int(rc, 0, "accepts \"%s\"", c->in);
			is_str(out, c->want, "\"%s\" -> %s", c->in, c->want);
			rc = msisdn_normalise(out, again, NULL);
			ok(rc == 0 && strcmp(again, out) == 0,
			    "idempotent \"%s\"", c->in);
		} else {
			is_int(rc, -1, "refuses \"%s\"", c->in);
			is_str(why, c->why, "reason for \"%s\"", c->in);
			is_str(out, "", "out empty for \"%s\"", c->in);
		}
	}
}

static void
test_edges(void)
{
	char		 out[MSISDN_MAX];
	const char	*why = NULL;

	is_int(msisdn_normalise(NULL, out, &why), -1, "NULL refused");
	is_str(why, "empty", "NULL is empty");
	is_int(msisdn_normalise("01711000001", out, NULL), 0,
	    "why may be NULL on success");
	is_int(msisdn_normalise("abc", out, NULL), -1,
	    "why may be NULL on failure");
	is_int(strlen("+8801711000001") + 1 <= MSISDN_MAX, 1,
	    "MSISDN_MAX holds a number");
}

int
main(void)
{
	test_table();
	test_edges();
	return done_testing();
}
