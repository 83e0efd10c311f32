/*
 * test_sms.c: SMS coding and part counts at every boundary: GSM 7-bit
 * (160 alone, 153 per part, extension characters count two), UCS-2 (70
 * alone, 67 per part, characters outside the BMP count two).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sms.h"
#include "tap.h"

static char *
rep(const char *unit, size_t n)
{
	size_t	 ul = strlen(unit), i;
	char	*s = malloc(ul * n + 1);

	for (i = 0; i < n; i++)
		memcpy(s + i * ul, unit, ul);
	s[ul * n] = '\0';
	return s;
}

struct tc {
	const char	*unit;
	size_t		 n;
	enum sms_coding	 coding;
	size_t		 units;
	int		 parts;
} cases[] = {
	{ "A", 1, SMS_GSM7, 1, 1 },
	{ "A", 160, SMS_GSM7, 160, 1 },
	{ "A", 161, SMS_GSM7, 161, 2 },
	{ "A", 306, SMS_GSM7, 306, 2 },
	{ "A", 307, SMS_GSM7, 307, 3 },
	{ "A", 1530, SMS_GSM7, 1530, 10 },
	{ "€", 80, SMS_GSM7, 160, 1 },		/* extension: 2 septets */
	{ "€", 81, SMS_GSM7, 162, 2 },
	{ "{", 3, SMS_GSM7, 6, 1 },
	{ "é", 10, SMS_GSM7, 10, 1 },		/* in the basic table */
	{ "Ä", 10, SMS_GSM7, 10, 1 },
	{ "à", 10, SMS_GSM7, 10, 1 },
	{ "á", 10, SMS_UCS2, 10, 1 },		/* not GSM: UCS-2 */
	{ "ক", 70, SMS_UCS2, 70, 1 },
	{ "ক", 71, SMS_UCS2, 71, 2 },
	{ "ক", 134, SMS_UCS2, 134, 2 },
	{ "ক", 135, SMS_UCS2, 135, 3 },
	{ "ক", 670, SMS_UCS2, 670, 10 },
	{ "ক", 671, SMS_UCS2, 671, 11 },
	{ "😀", 35, SMS_UCS2, 70, 1 },		/* surrogate pair */
	{ "😀", 36, SMS_UCS2, 72, 2 },
};

int
main(void)
{
	struct sms_len	 l;
	size_t		 i;
	char		*s;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = rep(cases[i].unit, cases[i].n);
		ok(sms_measure(s, &l) == 0 && l.coding == cases[i].coding &&
		    l.units == cases[i].units && l.parts == cases[i].parts &&
		    l.chars == cases[i].n, "%zu x \"%s\": %s, %zu units, %d "
		    "parts", cases[i].n, cases[i].unit,
		    sms_coding_name(cases[i].coding), cases[i].units,
		    cases[i].parts);
		if (l.parts != cases[i].parts || l.units != cases[i].units)
			diag("got %s %zu units %d parts",
			    sms_coding_name(l.coding), l.units, l.parts);
		free(s);
	}
	ok(sms_measure("Cyclone warning: signal 10. Go to the shelter now!",
	    &l) == 0 && l.coding == SMS_GSM7 && l.parts == 1,
	    "English warning is GSM 7-bit, one part");
	ok(sms_measure("ঘূর্ণিঝড় সতর্কতা: ১০ নম্বর মহাবিপদ সংকেত। আশ্রয়কেন্দ্রে "
	    "যান।", &l) == 0 && l.coding == SMS_UCS2 && l.parts == 1,
	    "Bangla warning is UCS-2, one part (%zu units)", l.units);
	ok(sms_measure("Signal 10 জারি", &l) == 0 && l.coding == SMS_UCS2,
	    "one Bangla word makes the whole text UCS-2");
	ok(sms_measure("", &l) == 0 && l.parts == 0, "empty: no part");
	ok(sms_measure("\xc0\x80", &l) == -1, "invalid UTF-8 refused");
	return done_testing();
}
