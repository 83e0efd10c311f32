/*
 * msisdn.h: Bangladeshi mobile numbers to E.164.
 *
 * A valid number is +880 1[3-9] followed by 8 digits.  Accepted input forms:
 * 01711000001, 1711000001, 8801711000001, +8801711000001, 008801711000001,
 * with spaces, hyphens, dots and parentheses anywhere, and with Bangla digits
 * (০-৯) in place of ASCII ones.  One trunk 0 after the country code is
 * dropped, so "+880 (0)1711-000001" is accepted too ("+88 01711-000001" is
 * simply 8801711000001 spaced differently).
 * Anything else is refused with a reason.
 */
#ifndef SK_MSISDN_H
#define SK_MSISDN_H

#include <stddef.h>

#define MSISDN_MAX	16	/* "+8801711000001" plus NUL fits */

/*
 * Normalise in (UTF-8, NUL-terminated) into out as "+8801XXXXXXXXX".
 * Returns 0, or -1 with *why set to a short static reason
 * ("empty", "not a number", "too short", "too long", "not a Bangladeshi
 * number", "not a mobile number").
 */
int	 msisdn_normalise(const char *in, char out[MSISDN_MAX],
	    const char **why);

#endif
