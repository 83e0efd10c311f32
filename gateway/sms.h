/*
 * sms.h: SMS encoding and length rules.
 *
 * A text that fits the GSM 03.38 default alphabet (with its extension
 * table: ^{}\[~]|€, two septets each) goes as GSM 7-bit: 160 septets in one
 * SMS, 153 per part when concatenated.  Anything else (Bangla) goes as
 * UCS-2: 70 UTF-16 code units alone, 67 per part (a character outside the
 * BMP counts two).  Pure functions.
 */
#ifndef SK_SMS_H
#define SK_SMS_H

#include <stddef.h>

enum sms_coding {
	SMS_GSM7 = 0,		/* Kannel coding=0 */
	SMS_UCS2 = 2		/* Kannel coding=2 */
};

struct sms_len {
	enum sms_coding	 coding;
	size_t		 chars;		/* code points */
	size_t		 units;		/* septets or UTF-16 units */
	int		 parts;
};

/* Measure valid UTF-8 text.  0, or -1 if text is not valid UTF-8. */
int		 sms_measure(const char *text, struct sms_len *);
const char	*sms_coding_name(enum sms_coding);

#endif
