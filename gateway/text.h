/*
 * text.h: UTF-8 text hygiene shared by every importer and parser.
 *
 * Pure functions, no I/O.  Bangla has two encodings of some letters (ড়, য়,
 * ঢ় precomposed or with nukta); NFC (utf8proc) makes them one.  Zero-width
 * characters (U+200B..U+200D, U+2060, U+FEFF), direction marks (U+200E,
 * U+200F, U+202A..U+202E, U+2066..U+2069) and C0/C1 controls other than
 * whitespace are dropped; runs of Unicode whitespace collapse to one ASCII
 * space; the result is trimmed.
 */
#ifndef SK_TEXT_H
#define SK_TEXT_H

#include <stddef.h>

/* 1 if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
int	 text_utf8_valid(const char *s, size_t len);

/*
 * Clean s[0..len): validate, NFC, drop invisibles, collapse and trim spaces.
 * Returns a NUL-terminated string the caller frees, or NULL if s is not valid
 * UTF-8 (then *why, if not NULL, says why; static string).
 */
char	*text_clean(const char *s, size_t len, const char **why);

/*
 * Fold for matching: text_clean(), then Bangla digits (U+09E6..U+09EF) to
 * ASCII, then Unicode case folding.  Caller frees.  NULL on invalid UTF-8.
 */
char	*text_fold(const char *s, size_t len, const char **why);

/* Number of Unicode code points in valid UTF-8 s. */
size_t	 text_codepoints(const char *s);

/*
 * in with its ASCII digits as Bangla digits (U+09E6..U+09EF, "12:05" ->
 * "১২:০৫") into out, NUL-terminated; anything else is copied as it is.
 * Each digit takes 3 bytes: 3 * strlen(in) + 1 always fits.  A smaller
 * out is cut on a character boundary.  Returns the bytes written.
 */
size_t	 text_bn_digits(const char *in, char *out, size_t outlen);

#endif
