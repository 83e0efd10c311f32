/*
 * text.c: UTF-8 validation, cleaning and folding (see text.h).
 *
 * Pure functions, no I/O, no global state.  Guarantees:
 *
 *  - text_utf8_valid() accepts exactly the well-formed UTF-8 of Unicode
 *    table 3-7: no overlongs, no surrogates, nothing above U+10FFFF, no
 *    truncated sequences, no stray continuation bytes.
 *  - text_clean() returns valid UTF-8 in NFC with no control characters,
 *    no zero-width or direction marks, no leading or trailing space and no
 *    run of more than one space (every Unicode space becomes U+0020).  It is
 *    idempotent: text_clean(text_clean(x)) == text_clean(x).
 *  - text_fold() is text_clean() plus Bangla digits as ASCII and Unicode
 *    full case folding, recomposed to NFC.
 *  - text_bn_digits() is the way back for the digits alone: ASCII digits
 *    as Bangla ones, every other byte as it was, never half a character.
 *
 * Order inside text_clean(): validate -> drop invisibles and collapse
 * spaces -> NFC.  Invisibles go before NFC because one sitting between a
 * letter and its combining mark (a stray ZWJ in "য<ZWJ>়") would otherwise
 * block composition and leave two spellings of one word.
 *
 * NFC and Bangla: U+09DC, U+09DD and U+09DF (ড় ঢ় য়) are composition
 * exclusions, so NFC spells them decomposed (U+09A1/U+09A2/U+09AF followed
 * by the nukta U+09BC), whichever way they came in.  Keyword tables must
 * therefore be compared after text_fold(), never as string literals typed
 * in one spelling.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "log.h"
#include "text.h"
#include "xmalloc.h"

/*
 * Decode one code point from s[0..len), len > 0.  Returns the number of
 * bytes it takes (1-4) and sets *cp, or returns 0 and sets *why.
 */
static size_t
text_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp,
    const char **why)
{
	unsigned char	 c = s[0], lo = 0x80, hi = 0xbf;
	size_t		 need, i;
	uint32_t	 v;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xc0) {
		*why = "unexpected continuation byte";
		return 0;
	}
	if (c < 0xc2) {
		*why = "overlong encoding";
		return 0;
	}
	if (c < 0xe0) {
		need = 1;
		v = c & 0x1f;
	} else if (c < 0xf0) {
		need = 2;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;	/* below is overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* above is a surrogate */
	} else if (c < 0xf5) {
		need = 3;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;	/* below is overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* above is past U+10FFFF */
	} else if (c < 0xf8) {
		*why = "code point above U+10FFFF";
		return 0;
	} else {
		*why = "invalid byte";
		return 0;
	}

	for (i = 1; i <= need; i++) {
		if (i >= len) {
			*why = "truncated sequence";
			return 0;
		}
		if (s[i] < 0x80 || s[i] > 0xbf) {
			*why = "truncated sequence";
			return 0;
		}
		if (i == 1 && (s[i] < lo || s[i] > hi)) {
			if (c == 0xe0 || c == 0xf0)
				*why = "overlong encoding";
			else if (c == 0xed)
				*why = "surrogate code point";
			else
				*why = "code point above U+10FFFF";
			return 0;
		}
		v = (v << 6) | (s[i] & 0x3f);
	}
	*cp = v;
	return need + 1;
}

/* Like text_utf8_valid(), but says why not. */
static int
text_utf8_check(const char *s, size_t len, const char **why)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*reason = NULL;
	uint32_t		 cp;
	size_t			 off = 0, n;

	while (off < len) {
		if (p[off] < 0x80) {
			off++;
			continue;
		}
		if ((n = text_utf8_decode(p + off, len - off, &cp,
		    &reason)) == 0) {
			if (why != NULL)
				*why = reason;
			return 0;
		}
		off += n;
	}
	return 1;
}

int
text_utf8_valid(const char *s, size_t len)
{
	if (s == NULL)
		return len == 0;
	return text_utf8_check(s, len, NULL);
}

/* Unicode White_Space. */
static int
text_is_space(uint32_t cp)
{
	switch (cp) {
	case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d:
	case 0x20: case 0x85: case 0xa0: case 0x1680:
	case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
		return 1;
	}
	return cp >= 0x2000 && cp <= 0x200a;
}

/* Controls, zero-width characters and direction marks (after spaces). */
static int
text_is_invisible(uint32_t cp)
{
	if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
		return 1;
	if (cp >= 0x200b && cp <= 0x200f)	/* ZWSP ZWNJ ZWJ LRM RLM */
		return 1;
	if (cp >= 0x202a && cp <= 0x202e)	/* LRE RLE PDF LRO RLO */
		return 1;
	if (cp >= 0x2066 && cp <= 0x2069)	/* LRI RLI FSI PDI */
		return 1;
	return cp == 0x2060 || cp == 0xfeff;	/* WJ, BOM/ZWNBSP */
}

/*
 * Run s[0..len) through utf8proc_map() with opts.  Returns a malloc'd
 * string or NULL with *why set.  Out of memory is fatal, like xmalloc().
 */
static char *
text_map(const char *s, size_t len, int opts, const char **why)
{
	utf8proc_uint8_t	*out = NULL;
	utf8proc_ssize_t	 n;

	n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
	    &out, (utf8proc_option_t)opts);
	if (n < 0) {
		if (n == UTF8PROC_ERROR_NOMEM)
			fatalx("%s: utf8proc: %s", __func__,
			    utf8proc_errmsg(n));
		log_warnx("%s: utf8proc: %s", __func__, utf8proc_errmsg(n));
		if (why != NULL)
			*why = "normalisation failed";
		free(out);
		return NULL;
	}
	return (char *)out;
}

char *
text_clean(const char *s, size_t len, const char **why)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*reason = NULL;
	char			*buf, *out;
	size_t			 off, n, o = 0;
	uint32_t		 cp;
	int			 space = 0;

	if (s == NULL)
		len = 0;
	if (!text_utf8_check(s, len, &reason)) {
		if (why != NULL)
			*why = reason;
		return NULL;
	}

	/* Never longer than the input: a run of spaces becomes one byte. */
	buf = xmalloc(len + 1);
	for (off = 0; off < len; off += n) {
		n = text_utf8_decode(p + off, len - off, &cp, &reason);
		if (n == 0)
			fatalx("%s: validated text does not decode", __func__);
		if (text_is_space(cp)) {
			space = o > 0;
			continue;
		}
		if (text_is_invisible(cp))
			continue;
		if (space) {
			buf[o++] = ' ';
			space = 0;
		}
		memcpy(buf + o, p + off, n);
		o += n;
	}
	buf[o] = '\0';

	out = text_map(buf, o, UTF8PROC_STABLE | UTF8PROC_COMPOSE, why);
	free(buf);
	return out;
}

char *
text_fold(const char *s, size_t len, const char **why)
{
	char		*clean, *out;
	size_t		 i, o;

	if ((clean = text_clean(s, len, why)) == NULL)
		return NULL;

	/* Bangla digits U+09E6..U+09EF are E0 A7 A6..AF. */
	for (i = o = 0; clean[i] != '\0'; i++) {
		if ((unsigned char)clean[i] == 0xe0 &&
		    (unsigned char)clean[i + 1] == 0xa7 &&
		    (unsigned char)clean[i + 2] >= 0xa6 &&
		    (unsigned char)clean[i + 2] <= 0xaf) {
			clean[o++] = '0' + ((unsigned char)clean[i + 2] - 0xa6);
			i += 2;
		} else
			clean[o++] = clean[i];
	}
	clean[o] = '\0';

	out = text_map(clean, o,
	    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD, why);
	free(clean);
	return out;
}

size_t
text_codepoints(const char *s)
{
	size_t	 n = 0;

	if (s == NULL)
		return 0;
	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

size_t
text_bn_digits(const char *in, char *out, size_t outlen)
{
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 o = 0, n;

	if (outlen == 0)
		return 0;
	while (*p != '\0') {
		if (*p >= '0' && *p <= '9') {
			if (o + 3 >= outlen)
				break;
			/* U+09E6 + d: E0 A7 A6+d */
			out[o++] = (char)0xe0;
			out[o++] = (char)0xa7;
			out[o++] = (char)(0xa6 + (*p++ - '0'));
			continue;
		}
		/* One whole character (a lead byte and its continuations). */
		for (n = 1; (p[n] & 0xc0) == 0x80; n++)
			;
		if (o + n >= outlen)
			break;
		memcpy(out + o, p, n);
		o += n;
		p += n;
	}
	out[o] = '\0';
	return o;
}
