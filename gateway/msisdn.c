/*
 * msisdn.c: Bangladeshi mobile numbers to E.164 (see msisdn.h).
 *
 * Pure function, no I/O.  Guarantees: on success out is exactly
 * "+8801" [3-9] and 8 more ASCII digits (14 bytes and a NUL), and
 * normalising that output again gives the same output; on failure out is
 * "" and *why is one of the fixed reasons in msisdn.h.
 *
 * Two passes.  The first reads the characters: ASCII and Bangla digits are
 * kept, separators (space, tab, '-', '.', '(', ')') are skipped, one '+'
 * may come before the first digit, anything else is "not a number".  The
 * second reads the digits:
 *
 *	'+' or "00"	international: must be 880, else not Bangladeshi
 *	"880"		country code without '+'
 *	"0"		national with trunk prefix
 *	"1"		national without trunk prefix
 *	anything else	not Bangladeshi
 *
 * After a country code one trunk '0' is dropped too, so "+880 (0)1711..."
 * and "+88 01711..." (which is the same digits) work.  What is left must
 * be 1[3-9] and 8 digits: 1 followed by 0-2, or any other first digit (a
 * landline area code such as 2 for Dhaka), is "not a mobile number"; the
 * length is checked after that, so a landline is never called "too short".
 */
#include "config.h"

#include <string.h>

#include "msisdn.h"

#define MSISDN_DIGITS_MAX	24	/* more than any valid form */
#define MSISDN_NSN_LEN		10	/* 1711000001 */

static int
msisdn_fail(char out[MSISDN_MAX], const char **why, const char *reason)
{
	out[0] = '\0';
	if (why != NULL)
		*why = reason;
	return -1;
}

int
msisdn_normalise(const char *in, char out[MSISDN_MAX], const char **why)
{
	const unsigned char	*p = (const unsigned char *)in;
	char			 d[MSISDN_DIGITS_MAX];
	const char		*nsn;
	size_t			 nd = 0, total = 0, len;
	int			 plus = 0, other = 0;

	if (in == NULL)
		return msisdn_fail(out, why, "empty");

	while (*p != '\0') {
		int	 digit = -1;

		if (*p >= '0' && *p <= '9') {
			digit = *p - '0';
			p++;
		} else if (p[0] == 0xe0 && p[1] == 0xa7 && p[2] >= 0xa6 &&
		    p[2] <= 0xaf) {
			digit = p[2] - 0xa6;	/* U+09E6..U+09EF */
			p += 3;
		} else if (*p == ' ' || *p == '\t' || *p == '-' || *p == '.' ||
		    *p == '(' || *p == ')') {
			other = 1;
			p++;
			continue;
		} else if (*p == '+' && !plus && total == 0) {
			plus = 1;
			p++;
			continue;
		} else
			return msisdn_fail(out, why, "not a number");

		if (nd < sizeof(d))
			d[nd++] = '0' + digit;
		total++;
	}

	if (total == 0) {
		if (plus || other) {
			/* "+", "()" and "---" are not blank, "  " is. */
			for (p = (const unsigned char *)in; *p != '\0'; p++)
				if (*p != ' ' && *p != '\t')
					return msisdn_fail(out, why,
					    "not a number");
		}
		return msisdn_fail(out, why, "empty");
	}
	if (total > nd)
		return msisdn_fail(out, why, "too long");

	/* Country code. */
	if (plus || (nd >= 2 && d[0] == '0' && d[1] == '0')) {
		const char	*cc = plus ? d : d + 2;
		size_t		 ncc = plus ? nd : nd - 2;

		if (ncc >= 3 && memcmp(cc, "880", 3) == 0) {
			nsn = cc + 3;
			len = ncc - 3;
		} else if (ncc < 3 && memcmp(cc, "880", ncc) == 0)
			return msisdn_fail(out, why, "too short");
		else
			return msisdn_fail(out, why,
			    "not a Bangladeshi number");
		if (len > 0 && nsn[0] == '0') {
			nsn++;
			len--;
		}
	} else if (nd >= 3 && memcmp(d, "880", 3) == 0) {
		nsn = d + 3;
		len = nd - 3;
		if (len > 0 && nsn[0] == '0') {
			nsn++;
			len--;
		}
	} else if (d[0] == '0') {
		nsn = d + 1;
		len = nd - 1;
	} else if (d[0] == '1') {
		nsn = d;
		len = nd;
	} else
		return msisdn_fail(out, why, "not a Bangladeshi number");

	/* National significant number: 1[3-9]XXXXXXXX. */
	if (len == 0)
		return msisdn_fail(out, why, "too short");
	if (nsn[0] != '1' || (len >= 2 && (nsn[1] < '3' || nsn[1] > '9')))
		return msisdn_fail(out, why, "not a mobile number");
	if (len < MSISDN_NSN_LEN)
		return msisdn_fail(out, why, "too short");
	if (len > MSISDN_NSN_LEN)
		return msisdn_fail(out, why, "too long");

	memcpy(out, "+880", 4);
	memcpy(out + 4, nsn, MSISDN_NSN_LEN);
	out[4 + MSISDN_NSN_LEN] = '\0';
	if (why != NULL)
		*why = NULL;
	return 0;
}
