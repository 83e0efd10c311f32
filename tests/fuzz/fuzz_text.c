/*
 * fuzz_text.c: libFuzzer target for gateway/text.c.  Build and run with
 * tests/fuzz/run.sh.
 *
 * Checks, for any bytes: text_utf8_valid() agrees with an independent
 * decode-then-check validator written here; text_clean() succeeds exactly
 * on valid input and gives valid NFC UTF-8 with no controls, no invisibles,
 * no space other than single inner U+0020, and is idempotent; text_fold()
 * gives valid UTF-8 without Bangla digits, is idempotent, and folding the
 * cleaned text gives the same as folding the raw text.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Decode one code point the slow, obvious way; 0 if ill-formed. */
static size_t
ref_decode(const uint8_t *s, size_t n, uint32_t *cpp)
{
	uint32_t	 cp, min;
	size_t		 k, j;

	if (s[0] < 0x80) {
		*cpp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		k = 1;
		cp = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		k = 2;
		cp = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		k = 3;
		cp = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (k >= n)
		return 0;
	for (j = 1; j <= k; j++) {
		if ((s[j] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[j] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cpp = cp;
	return k + 1;
}

static int
ref_valid(const uint8_t *s, size_t n)
{
	uint32_t	 cp;
	size_t		 i, k;

	for (i = 0; i < n; i += k)
		if ((k = ref_decode(s + i, n - i, &cp)) == 0)
			return 0;
	return 1;
}

static int
forbidden(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return 1;
	if ((cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f))
		return 1;
	if ((cp >= 0x2066 && cp <= 0x2069) || cp == 0x2060 || cp == 0xfeff)
		return 1;
	return cp == 0xa0 || cp == 0x1680 || cp == 0x205f || cp == 0x3000;
}

static void
check_clean(const char *s)
{
	const uint8_t	*p = (const uint8_t *)s;
	size_t		 n = strlen(s), i, k;
	uint32_t	 cp;
	uint8_t		*nfc;

	if (!ref_valid(p, n))
		abort();
	if (n > 0 && (s[0] == ' ' || s[n - 1] == ' '))
		abort();
	if (strstr(s, "  ") != NULL)
		abort();
	for (i = 0; i < n; i += k) {
		k = ref_decode(p + i, n - i, &cp);
		if (forbidden(cp))
			abort();
	}
	if ((nfc = utf8proc_NFC(p)) == NULL || strcmp((char *)nfc, s) != 0)
		abort();
	free(nfc);
	if (text_codepoints(s) > n)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*in = (const char *)data, *why = NULL;
	char		*clean, *again, *fold, *fold2;
	int		 valid;

	valid = text_utf8_valid(in, size);
	if (valid != ref_valid(data, size))
		abort();

	clean = text_clean(in, size, &why);
	fold = text_fold(in, size, NULL);
	if ((clean != NULL) != valid || (fold != NULL) != valid)
		abort();
	if (!valid) {
		if (why == NULL)
			abort();
		return 0;
	}

	check_clean(clean);
	again = text_clean(clean, strlen(clean), NULL);
	if (again == NULL || strcmp(again, clean) != 0)
		abort();
	free(again);

	if (!ref_valid((uint8_t *)fold, strlen(fold)))
		abort();
	if (strstr(fold, "\xe0\xa7\xa6") != NULL)	/* spot check */
		abort();
	fold2 = text_fold(fold, strlen(fold), NULL);
	if (fold2 == NULL || strcmp(fold2, fold) != 0)
		abort();
	free(fold2);
	fold2 = text_fold(clean, strlen(clean), NULL);
	if (fold2 == NULL || strcmp(fold2, fold) != 0)
		abort();
	free(fold2);

	free(fold);
	free(clean);
	return 0;
}
