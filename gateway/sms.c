/*
 * sms.c: see sms.h.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "sms.h"
#include "text.h"

/* GSM 03.38 default alphabet, as Unicode code points (one septet each). */
static const uint16_t gsm7_basic[] = {
	'@', 0xa3, '$', 0xa5, 0xe8, 0xe9, 0xf9, 0xec, 0xf2, 0xc7, '\n', 0xd8,
	0xf8, '\r', 0xc5, 0xe5, 0x394, '_', 0x3a6, 0x393, 0x39b, 0x3a9, 0x3a0,
	0x3a8, 0x3a3, 0x398, 0x39e, 0xc6, 0xe6, 0xdf, 0xc9, ' ', '!', '"',
	'#', 0xa4, '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
	':', ';', '<', '=', '>', '?', 0xa1, 0xc4, 0xd6, 0xd1, 0xdc, 0xa7,
	0xbf, 0xe4, 0xf6, 0xf1, 0xfc, 0xe0
};
/* The extension table: escape + one septet. */
static const uint16_t gsm7_ext[] = {
	'\f', '^', '{', '}', '\\', '[', '~', ']', '|', 0x20ac
};

/* Septets for code point c in GSM 7-bit, or 0 if it has none. */
static int
sms_gsm7_septets(int32_t c)
{
	size_t	 i;

	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	for (i = 0; i < sizeof(gsm7_basic) / sizeof(gsm7_basic[0]); i++)
		if (gsm7_basic[i] == c)
			return 1;
	for (i = 0; i < sizeof(gsm7_ext) / sizeof(gsm7_ext[0]); i++)
		if (gsm7_ext[i] == c)
			return 2;
	return 0;
}

const char *
sms_coding_name(enum sms_coding c)
{
	return c == SMS_GSM7 ? "gsm7" : "ucs2";
}

int
sms_measure(const char *text, struct sms_len *l)
{
	const uint8_t	*p = (const uint8_t *)text;
	utf8proc_ssize_t n, len = (utf8proc_ssize_t)strlen(text);
	utf8proc_int32_t c;
	size_t		 septets = 0, utf16 = 0;
	int		 gsm = 1, s;

	memset(l, 0, sizeof(*l));
	if (!text_utf8_valid(text, (size_t)len))
		return -1;
	while (len > 0) {
		n = utf8proc_iterate(p, len, &c);
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
		l->chars++;
		utf16 += c > 0xffff ? 2 : 1;
		if (gsm) {
			if ((s = sms_gsm7_septets(c)) == 0)
				gsm = 0;
			septets += s;
		}
	}
	if (gsm) {
		l->coding = SMS_GSM7;
		l->units = septets;
		l->parts = septets <= 160 ? 1 : (int)((septets + 152) / 153);
	} else {
		l->coding = SMS_UCS2;
		l->units = utf16;
		l->parts = utf16 <= 70 ? 1 : (int)((utf16 + 66) / 67);
	}
	if (l->chars == 0)
		l->parts = 0;
	return 0;
}
