/*
 * test_text.c: unit tests for gateway/text.c (TAP).
 *
 * Table-driven: UTF-8 validity at every boundary of Unicode table 3-7,
 * cleaning (NFC, invisibles, whitespace), folding as the SMS reply matcher
 * uses it, and code point counts.  Every cleaned output is also checked to
 * be valid UTF-8 and a fixed point of text_clean().
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "text.h"

#define LEN_STR	((size_t)-1)	/* use strlen(in) */

struct utf8_case {
	const char	*name;
	const char	*in;
	size_t		 len;
	int		 valid;
	const char	*why;		/* text_clean's reason when invalid */
};

static const struct utf8_case utf8_cases[] = {
	{ "empty", "", LEN_STR, 1, NULL },
	{ "ASCII", "OK 482913", LEN_STR, 1, NULL },
	{ "Bangla", "হ্যাঁ", LEN_STR, 1, NULL },
	{ "NUL inside", "a\0b", 3, 1, NULL },
	{ "U+0080 (C2 80)", "\xc2\x80", LEN_STR, 1, NULL },
	{ "U+07FF (DF BF)", "\xdf\xbf", LEN_STR, 1, NULL },
	{ "U+0800 (E0 A0 80)", "\xe0\xa0\x80", LEN_STR, 1, NULL },
	{ "U+D7FF (ED 9F BF)", "\xed\x9f\xbf", LEN_STR, 1, NULL },
	{ "U+E000 (EE 80 80)", "\xee\x80\x80", LEN_STR, 1, NULL },
	{ "U+FFFF (EF BF BF)", "\xef\xbf\xbf", LEN_STR, 1, NULL },
	{ "U+10000 (F0 90 80 80)", "\xf0\x90\x80\x80", LEN_STR, 1, NULL },
	{ "U+10FFFF (F4 8F BF BF)", "\xf4\x8f\xbf\xbf", LEN_STR, 1, NULL },
	{ "emoji", "\xf0\x9f\x98\x80", LEN_STR, 1, NULL },

	{ "overlong NUL C0 80", "\xc0\x80", LEN_STR, 0, "overlong encoding" },
	{ "overlong C1 BF", "\xc1\xbf", LEN_STR, 0, "overlong encoding" },
	{ "overlong E0 80 80", "\xe0\x80\x80", LEN_STR, 0,
	    "overlong encoding" },
	{ "overlong E0 9F BF", "\xe0\x9f\xbf", LEN_STR, 0,
	    "overlong encoding" },
	{ "overlong F0 8F BF BF", "\xf0\x8f\xbf\xbf", LEN_STR, 0,
	    "overlong encoding" },
	{ "surrogate ED A0 80", "\xed\xa0\x80", LEN_STR, 0,
	    "surrogate code point" },
	{ "surrogate ED BF BF", "\xed\xbf\xbf", LEN_STR, 0,
	    "surrogate code point" },
	{ "CESU pair", "\xed\xa0\xbd\xed\xb8\x80", LEN_STR, 0,
	    "surrogate code point" },
	{ "U+110000 F4 90 80 80", "\xf4\x90\x80\x80", LEN_STR, 0,
	    "code point above U+10FFFF" },
	{ "F5 lead", "\xf5\x80\x80\x80", LEN_STR, 0,
	    "code point above U+10FFFF" },
	{ "F8 lead", "\xf8\x88\x80\x80\x80", LEN_STR, 0, "invalid byte" },
	{ "FF byte", "a\xff", LEN_STR, 0, "invalid byte" },
	{ "FE byte", "\xfe", LEN_STR, 0, "invalid byte" },
	{ "lone continuation", "\x80", LEN_STR, 0,
	    "unexpected continuation byte" },
	{ "extra continuation", "\xc3\xa9\xa9", LEN_STR, 0,
	    "unexpected continuation byte" },
	{ "Latin-1 \"café\"", "caf\xe9", LEN_STR, 0, "truncated sequence" },
	{ "truncated Bangla E0 A6", "\xe0\xa6", LEN_STR, 0,
	    "truncated sequence" },
	{ "truncated Bangla E0 A6 then ASCII", "\xe0\xa6" "a", LEN_STR, 0,
	    "truncated sequence" },
	{ "truncated by len", "\xe0\xa6\xaf", 2, 0, "truncated sequence" },
	{ "truncated C3", "ok\xc3", LEN_STR, 0, "truncated sequence" },
	{ "truncated 4-byte", "\xf0\x9f\x98", LEN_STR, 0,
	    "truncated sequence" },
	{ "valid then overlong", "হ্যাঁ\xc0\xaf", LEN_STR, 0,
	    "overlong encoding" },
};

struct clean_case {
	const char	*name;
	const char	*in;
	size_t		 len;
	const char	*want;
};

static const struct clean_case clean_cases[] = {
	{ "empty", "", LEN_STR, "" },
	{ "plain", "OK", LEN_STR, "OK" },
	{ "case kept", "Yes", LEN_STR, "Yes" },
	{ "only spaces", " \t\r\n ", LEN_STR, "" },
	{ "trim", "  হ্যাঁ  ", LEN_STR, "হ্যাঁ" },
	{ "collapse", "RCV    482913", LEN_STR, "RCV 482913" },
	{ "tabs and newlines", "\tRCV\r\n\n482913\n", LEN_STR,
	    "RCV 482913" },
	{ "NBSP", "GRS\u00a0no\u00a0rice", LEN_STR, "GRS no rice" },
	{ "em spaces", "a\u2003\u2003b", LEN_STR, "a b" },
	{ "ideographic space", "a\u3000b", LEN_STR, "a b" },
	{ "narrow NBSP", "a\u202fb", LEN_STR, "a b" },
	{ "line separator", "a\u2028b", LEN_STR, "a b" },
	{ "NEL (C2 85)", "a\xc2\x85" "b", LEN_STR, "a b" },
	{ "ZWSP", "a\u200bb", LEN_STR, "ab" },
	{ "ZWNJ", "a\u200cb", LEN_STR, "ab" },
	{ "ZWJ", "a\u200db", LEN_STR, "ab" },
	{ "word joiner", "a\u2060b", LEN_STR, "ab" },
	{ "leading BOM", "\ufeffOK", LEN_STR, "OK" },
	{ "LRM RLM", "\u200eOK\u200f", LEN_STR, "OK" },
	{ "RLO override", "\u202eKO\u202c", LEN_STR, "KO" },
	{ "LRE RLE PDF LRO", "\u202a\u202b\u202c\u202dx", LEN_STR, "x" },
	{ "isolates", "\u2066x\u2067y\u2068z\u2069", LEN_STR, "xyz" },
	{ "zero-width between spaces", "a \u200b b", LEN_STR, "a b" },
	{ "only invisibles", "\u200b\u200e\ufeff", LEN_STR, "" },
	{ "C0 controls", "\x01" "a\x07" "b\x1b", LEN_STR, "ab" },
	{ "DEL", "a\x7f" "b", LEN_STR, "ab" },
	{ "C1 control", "a\xc2\x9b" "b", LEN_STR, "ab" },
	{ "NUL dropped", "a\0b", 3, "ab" },
	{ "length respected", "abcdef", 3, "abc" },
	{ "NFC Latin", "cafe\u0301", LEN_STR, "caf\u00e9" },
	{ "NFC kept", "caf\u00e9", LEN_STR, "caf\u00e9" },
	/* U+09DF is a composition exclusion: NFC is U+09AF U+09BC. */
	{ "য় precomposed", "\u09df", LEN_STR, "\u09af\u09bc" },
	{ "য় with nukta", "\u09af\u09bc", LEN_STR, "\u09af\u09bc" },
	{ "ড় precomposed", "\u09dc", LEN_STR, "\u09a1\u09bc" },
	{ "ঢ় precomposed", "\u09dd", LEN_STR, "\u09a2\u09bc" },
	{ "ো decomposed", "\u0995\u09c7\u09be", LEN_STR, "\u0995\u09cb" },
	{ "ZWJ inside য়", "\u09af\u200d\u09bc", LEN_STR, "\u09af\u09bc" },
	{ "Bangla sentence", "  আমি   চাল \u200cপেয়েছি।  ", LEN_STR,
	    "আমি চাল পেয়েছি।" },
	{ "Bangla digits kept", "৪৮২৯১৩", LEN_STR, "৪৮২৯১৩" },
	{ "fullwidth kept (not NFKC)", "\uff2f\uff2b", LEN_STR,
	    "\uff2f\uff2b" },
};

struct fold_case {
	const char	*name;
	const char	*in;
	const char	*want;
};

static const struct fold_case fold_cases[] = {
	{ "OK", "OK", "ok" },
	{ "Ok padded", "  Ok\t", "ok" },
	{ "YES", "YES", "yes" },
	{ "STOP", "STOP", "stop" },
	{ "1", "1", "1" },
	{ "হ্যাঁ", "হ্যাঁ", "হ্যাঁ" },
	{ "হ্যাঁ with ZWJ", "হ\u200d্যাঁ", "হ্যাঁ" },
	{ "হ্যাঁ with ZWNJ and RLM", "\u200fহ্য\u200cাঁ", "হ্যাঁ" },
	{ "জি", "জি", "জি" },
	{ "বন্ধ", " বন্ধ ", "বন্ধ" },
	{ "Bangla digits", "৪৮২৯১৩", "482913" },
	{ "all Bangla digits", "০১২৩৪৫৬৭৮৯", "0123456789" },
	{ "RCV code", "RCV ৪৮২৯১৩", "rcv 482913" },
	{ "mixed digits", "rcv 48২৯13", "rcv 482913" },
	{ "পেয়েছি nukta", "প\u09c7\u09af\u09bc\u09c7ছি ৪৮২৯১৩",
	    "প\u09c7\u09af\u09bc\u09c7ছি 482913" },
	{ "পেয়েছি precomposed", "প\u09c7\u09df\u09c7ছি ৪৮২৯১৩",
	    "প\u09c7\u09af\u09bc\u09c7ছি 482913" },
	{ "পাইনি", "পাইনি  ৪৮২৯১৩", "পাইনি 482913" },
	{ "Banglish", "PEYECHI 482913", "peyechi 482913" },
	{ "GRS text", "GRS  No   Rice\u00a0Yet", "grs no rice yet" },
	{ "ß folds to ss", "Stra\u00dfe", "strasse" },
	{ "Greek sigma", "\u03a3\u0391\u03a3", "\u03c3\u03b1\u03c3" },
	{ "É decomposed", "E\u0301", "\u00e9" },
	{ "empty", "", "" },
	{ "only spaces", "   ", "" },
	{ "Bangla danda kept", "হ্যাঁ।", "হ্যাঁ।" },
};

struct cp_case {
	const char	*in;
	size_t		 want;
};

static const struct cp_case cp_cases[] = {
	{ "", 0 },
	{ "OK", 2 },
	{ "বাংলা", 5 },
	{ "হ্যাঁ", 5 },
	{ "\u09af\u09bc", 2 },
	{ "\u20ac", 1 },
	{ "\xf0\x9f\x98\x80", 1 },
	{ "a\u00e9\u0995\xf0\x9f\x98\x80", 4 },
};

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

static size_t
case_len(const char *s, size_t len)
{
	return len == LEN_STR ? strlen(s) : len;
}

static void
test_utf8(void)
{
	const struct utf8_case	*c;
	const char		*why;
	char			*out;
	size_t			 i;

	for (i = 0; i < nitems(utf8_cases); i++) {
		c = &utf8_cases[i];
		is_int(text_utf8_valid(c->in, case_len(c->in, c->len)),
		    c->valid, "utf8_valid: %s", c->name);
		why = "untouched";
		out = text_clean(c->in, case_len(c->in, c->len), &why);
		if (c->valid) {
			ok(out != NULL, "clean accepts: %s", c->name);
			is_str(why, "untouched", "clean leaves why: %s",
			    c->name);
		} else {
			ok(out == NULL, "clean refuses: %s", c->name);
			is_str(why, c->why, "clean says why: %s", c->name);
			free(text_fold(c->in, case_len(c->in, c->len), &why));
			is_str(why, c->why, "fold says why: %s", c->name);
		}
		free(out);
	}
	ok(text_clean("\xc0\x80", 2, NULL) == NULL, "clean with why NULL");
	ok(text_utf8_valid(NULL, 0), "utf8_valid(NULL, 0)");
}

static void
test_clean(void)
{
	const struct clean_case	*c;
	const char		*why = NULL;
	char			*out, *again;
	size_t			 i;

	for (i = 0; i < nitems(clean_cases); i++) {
		c = &clean_cases[i];
		out = text_clean(c->in, case_len(c->in, c->len), &why);
		is_str(out, c->want, "clean: %s", c->name);
		if (out == NULL)
			continue;
		ok(text_utf8_valid(out, strlen(out)), "clean valid: %s",
		    c->name);
		again = text_clean(out, strlen(out), NULL);
		is_str(again, out, "clean idempotent: %s", c->name);
		free(again);
		free(out);
	}
}

/* The two spellings of a Bangla word must become one string. */
static void
test_nfc_equal(void)
{
	static const struct {
		const char	*a, *b;
		const char	*name;
	} pairs[] = {
		{ "\u09af\u09bc", "\u09df", "য়" },
		{ "\u09a1\u09bc", "\u09dc", "ড়" },
		{ "\u09a2\u09bc", "\u09dd", "ঢ়" },
		{ "প\u09c7\u09af\u09bc\u09c7ছি", "প\u09c7\u09df\u09c7ছি",
		    "পেয়েছি" },
		{ "\u0995\u09c7\u09be", "\u0995\u09cb", "কো" },
		{ "\u0995\u09c7\u09d7", "\u0995\u09cc", "কৌ" },
		{ "e\u0301", "\u00e9", "é" },
	};
	char	*a, *b;
	size_t	 i;

	for (i = 0; i < nitems(pairs); i++) {
		a = text_clean(pairs[i].a, strlen(pairs[i].a), NULL);
		b = text_clean(pairs[i].b, strlen(pairs[i].b), NULL);
		is_str(a, b, "clean makes one spelling: %s", pairs[i].name);
		free(a);
		free(b);
		a = text_fold(pairs[i].a, strlen(pairs[i].a), NULL);
		b = text_fold(pairs[i].b, strlen(pairs[i].b), NULL);
		is_str(a, b, "fold makes one spelling: %s", pairs[i].name);
		free(a);
		free(b);
	}
}

static void
test_fold(void)
{
	const struct fold_case	*c;
	char			*out, *again;
	size_t			 i;

	for (i = 0; i < nitems(fold_cases); i++) {
		c = &fold_cases[i];
		out = text_fold(c->in, strlen(c->in), NULL);
		is_str(out, c->want, "fold: %s", c->name);
		if (out == NULL)
			continue;
		again = text_fold(out, strlen(out), NULL);
		is_str(again, out, "fold idempotent: %s", c->name);
		free(again);
		free(out);
	}
}

static void
test_codepoints(void)
{
	size_t	 i;

	for (i = 0; i < nitems(cp_cases); i++)
		is_int(text_codepoints(cp_cases[i].in), cp_cases[i].want,
		    "codepoints: \"%s\"", cp_cases[i].in);
	is_int(text_codepoints(NULL), 0, "codepoints: NULL");
}

static void
test_bn_digits(void)
{
	char	 out[64];

	is_int(text_bn_digits("12:05", out, sizeof(out)), 13,
	    "bn digits: 13 bytes");
	is_str(out, "১২:০৫", "bn digits: 12:05");
	text_bn_digits("0123456789", out, sizeof(out));
	is_str(out, "০১২৩৪৫৬৭৮৯", "bn digits: all ten");
	text_bn_digits("20 কেজি, ৩ kg", out, sizeof(out));
	is_str(out, "২০ কেজি, ৩ kg", "bn digits: other text kept");
	text_bn_digits("", out, sizeof(out));
	is_str(out, "", "bn digits: empty");
	/* 3 * strlen + 1 is enough; one byte less cuts the last digit. */
	text_bn_digits("12", out, 7);
	is_str(out, "১২", "bn digits: an exact fit");
	text_bn_digits("12", out, 6);
	is_str(out, "১", "bn digits: a digit that does not fit is left out");
	text_bn_digits("aকb", out, 4);
	is_str(out, "a", "bn digits: cut before a character, never inside");
	is_int(text_bn_digits("1", out, 1), 0, "bn digits: room for the NUL "
	    "only");
	is_str(out, "", "bn digits: empty when nothing fits");
}

/* A long input: no quadratic blow-up, exact collapse. */
static void
test_long(void)
{
	size_t	 i, n = 100000;
	char	*in, *out;

	in = malloc(n * 4 + 1);
	for (i = 0; i < n; i++)
		memcpy(in + i * 4, i % 2 ? " \u200b" : "a   ", 4);
	in[n * 4] = '\0';
	out = text_clean(in, n * 4, NULL);
	ok(out != NULL && strlen(out) == n - 1,
	    "long input collapses (%zu bytes)", out ? strlen(out) : 0);
	free(out);
	free(in);
}

int
main(void)
{
	test_utf8();
	test_clean();
	test_nfc_equal();
	test_fold();
	test_codepoints();
	test_bn_digits();
	test_long();
	return done_testing();
}
