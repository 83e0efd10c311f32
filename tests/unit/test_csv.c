/*
 * test_csv.c: unit tests for gateway/csv.c (TAP).
 *
 * Each table case is parsed five ways (all at once, one byte at a time, in
 * chunks of 2, 3 and 7 bytes) and every way must give the same records,
 * the same row numbers and the same error.  Records are written down as
 * "ROW[field][field];" so a case reads like the data it describes.  Then
 * the caps, the callback stop, the call-order rules, csv_format_row() and
 * its round trip through the parser, and a 200,000-row stream.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "tap.h"

#define LEN_STR	((size_t)-1)	/* use strlen(in) */
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

/* What the callback saw, as "ROW[f1][f2];ROW[f1];". */
struct sink {
	char	*s;
	size_t	 len, cap;
	size_t	 calls;
	size_t	 stop_at;	/* return -1 on this call; 0 never */
};

static void
sink_add(struct sink *k, const char *s, size_t n)
{
	if (k->len + n + 1 > k->cap) {
		k->cap = (k->len + n + 1) * 2;
		if ((k->s = realloc(k->s, k->cap)) == NULL)
			abort();
	}
	memcpy(k->s + k->len, s, n);
	k->len += n;
	k->s[k->len] = '\0';
}

static int
sink_row_cb(void *arg, size_t row, char **fields, size_t n)
{
	struct sink	*k = arg;
	char		 num[32];
	size_t		 i;

	snprintf(num, sizeof(num), "%zu", row);
	sink_add(k, num, strlen(num));
	for (i = 0; i < n; i++) {
		sink_add(k, "[", 1);
		sink_add(k, fields[i], strlen(fields[i]));
		sink_add(k, "]", 1);
	}
	sink_add(k, ";", 1);
	if (++k->calls == k->stop_at)
		return -1;
	return 0;
}

struct result {
	char	*records;
	char	*error;		/* NULL: parsed to the end */
	size_t	 rows;
	int	 rc;
};

static void
result_free(struct result *r)
{
	free(r->records);
	free(r->error);
}

/* Parse in[0..len) in chunks of chunk bytes (0: all at once). */
static void
parse(const char *in, size_t len, size_t chunk, struct result *r)
{
	struct sink	 k = { NULL, 0, 0, 0, 0 };
	struct csv	*c;
	size_t		 off, n;
	int		 rc = 0;

	sink_add(&k, "", 0);
	c = csv_new(sink_row_cb, &k);
	for (off = 0; rc == 0 && off < len; off += n) {
		n = chunk == 0 || len - off < chunk ? len - off : chunk;
		rc = csv_feed(c, in + off, n);
	}
	if (rc == 0)
		rc = csv_finish(c);
	r->rc = rc;
	r->records = k.s;
	r->error = csv_error(c) ? strdup(csv_error(c)) : NULL;
	r->rows = csv_rows(c);
	csv_free(c);
}

struct csv_case {
	const char	*name;
	const char	*in;
	size_t		 len;
	const char	*records;
	const char	*error;
};

static const struct csv_case cases[] = {
	{ "empty input", "", LEN_STR, "", NULL },
	{ "one field", "a", LEN_STR, "1[a];", NULL },
	{ "simple LF", "a,b\nc,d\n", LEN_STR, "1[a][b];2[c][d];", NULL },
	{ "no final newline", "a,b\nc,d", LEN_STR, "1[a][b];2[c][d];", NULL },
	{ "CRLF", "a,b\r\nc,d\r\n", LEN_STR, "1[a][b];2[c][d];", NULL },
	{ "bare CR", "a,b\rc,d\r", LEN_STR, "1[a][b];2[c][d];", NULL },
	{ "mixed line ends", "a\r\nb\nc\rd", LEN_STR, "1[a];2[b];3[c];4[d];",
	    NULL },
	{ "header and data",
	    "msisdn,union,lang,channel,programmes\r\n"
	    "01711000001,30261851,bn,sms,VGF\r\n",
	    LEN_STR,
	    "1[msisdn][union][lang][channel][programmes];"
	    "2[01711000001][30261851][bn][sms][VGF];", NULL },
	{ "BOM", "\xef\xbb\xbfmsisdn,union\n01711000001,1\n", LEN_STR,
	    "1[msisdn][union];2[01711000001][1];", NULL },
	{ "BOM then quote", "\xef\xbb\xbf\"a,b\",c\n", LEN_STR,
	    "1[a,b][c];", NULL },
	{ "BOM only", "\xef\xbb\xbf", LEN_STR, "", NULL },
	{ "BOM and CRLF only", "\xef\xbb\xbf\r\n", LEN_STR, "", NULL },
	{ "half a BOM is data", "\xef\xbbx\n", LEN_STR, "1[\xef\xbbx];",
	    NULL },
	{ "half a BOM at EOF", "\xef\xbb", LEN_STR, "1[\xef\xbb];", NULL },
	{ "BOM then newline at once", "\xef\n", LEN_STR, "1[\xef];", NULL },
	{ "BOM later is data", "a\n\xef\xbb\xbf" "b\n", LEN_STR,
	    "1[a];2[\xef\xbb\xbf" "b];", NULL },
	{ "two BOMs", "\xef\xbb\xbf\xef\xbb\xbf" "a", LEN_STR,
	    "1[\xef\xbb\xbf" "a];", NULL },
	{ "quoted comma", "\"Dhaka, Bangladesh\",x\n", LEN_STR,
	    "1[Dhaka, Bangladesh][x];", NULL },
	{ "doubled quotes", "\"say \"\"hi\"\"\",y\n", LEN_STR,
	    "1[say \"hi\"][y];", NULL },
	{ "only a doubled quote", "\"\"\"\"", LEN_STR, "1[\"];", NULL },
	{ "embedded LF", "\"line1\nline2\",z\nnext\n", LEN_STR,
	    "1[line1\nline2][z];2[next];", NULL },
	{ "embedded CRLF kept", "\"a\r\nb\"\r\nc\r\n", LEN_STR,
	    "1[a\r\nb];2[c];", NULL },
	{ "embedded blank line", "\"a\n\nb\",c\nd\n", LEN_STR,
	    "1[a\n\nb][c];2[d];", NULL },
	{ "quoted at EOF", "a,\"b\"", LEN_STR, "1[a][b];", NULL },
	{ "quoted then CRLF", "\"a\"\r\n\"b\"\r\n", LEN_STR, "1[a];2[b];",
	    NULL },
	{ "empty fields", ",,\n", LEN_STR, "1[][][];", NULL },
	{ "trailing comma", "a,\n", LEN_STR, "1[a][];", NULL },
	{ "trailing comma at EOF", "a,", LEN_STR, "1[a][];", NULL },
	{ "leading comma", ",a\n", LEN_STR, "1[][a];", NULL },
	{ "quoted empty is a record", "\"\"\n", LEN_STR, "1[];", NULL },
	{ "quoted empty at EOF", "\"\"", LEN_STR, "1[];", NULL },
	{ "spaces kept", " a , b \n", LEN_STR, "1[ a ][ b ];", NULL },
	{ "only a space", " \n", LEN_STR, "1[ ];", NULL },
	{ "empty lines skipped, rows counted", "a\n\n\nb\n", LEN_STR,
	    "1[a];4[b];", NULL },
	{ "empty CRLF lines", "\r\n\r\na\r\n\r\n", LEN_STR, "3[a];", NULL },
	{ "only empty lines", "\n\n\n", LEN_STR, "", NULL },
	{ "Bangla", "নাম,ইউনিয়ন\nরহিম,১২৩\n", LEN_STR,
	    "1[নাম][ইউনিয়ন];2[রহিম][১২৩];", NULL },
	{ "invalid UTF-8 passed through", "\xc0\x80,\xff\n", LEN_STR,
	    "1[\xc0\x80][\xff];", NULL },

	{ "unterminated quote", "a,b\n\"open,c\n", LEN_STR, "1[a][b];",
	    "row 2: unterminated quoted field" },
	{ "unterminated after empty lines", "a\n\n\"x", LEN_STR, "1[a];",
	    "row 3: unterminated quoted field" },
	{ "unterminated names the first line", "a\n\"x\ny\nz\n", LEN_STR,
	    "1[a];", "row 2: unterminated quoted field" },
	{ "unterminated in a later field", "a,b\nc,\"d", LEN_STR,
	    "1[a][b];", "row 2: unterminated quoted field" },
	{ "lone quote", "\"", LEN_STR, "",
	    "row 1: unterminated quoted field" },
	{ "odd doubled quotes", "\"a\"\"", LEN_STR, "",
	    "row 1: unterminated quoted field" },
	{ "stray quote", "a,b\nc,d\"e\n", LEN_STR, "1[a][b];",
	    "row 2: field 2: stray quote in unquoted field" },
	{ "stray quote at end", "ab\"\n", LEN_STR, "",
	    "row 1: field 1: stray quote in unquoted field" },
	{ "space then quote", "a, \"b\"\n", LEN_STR, "",
	    "row 1: field 2: stray quote in unquoted field" },
	{ "inch mark", "name,size\nTarp,6'x8\"\n", LEN_STR,
	    "1[name][size];", "row 2: field 2: stray quote in unquoted field" },
	{ "text after closing quote", "\"a\"b,c\n", LEN_STR, "",
	    "row 1: field 1: text after closing quote" },
	{ "space after closing quote", "x,\"a\" \n", LEN_STR, "",
	    "row 1: field 2: text after closing quote" },
	{ "NUL byte", "a\0b\n", 4, "",
	    "row 1: field 1: NUL byte (is the file UTF-16?)" },
	{ "UTF-16LE file", "\xff\xfe" "a\0,\0b\0", 8, "",
	    "row 1: field 1: NUL byte (is the file UTF-16?)" },
	{ "NUL in a quoted field", "x\n\"a\0\"", 6, "1[x];",
	    "row 2: field 1: NUL byte (is the file UTF-16?)" },
};

static void
test_table(void)
{
	static const size_t	 chunks[] = { 0, 1, 2, 3, 7 };
	const struct csv_case	*c;
	struct result		 whole, part;
	size_t			 i, j, len;

	for (i = 0; i < nitems(cases); i++) {
		c = &cases[i];
		len = c->len == LEN_STR ? strlen(c->in) : c->len;
		parse(c->in, len, 0, &whole);
		is_str(whole.records, c->records, "%s: records", c->name);
		is_str(whole.error, c->error, "%s: error", c->name);
		is_int(whole.rc, c->error ? -1 : 0, "%s: return", c->name);
		for (j = 1; j < nitems(chunks); j++) {
			parse(c->in, len, chunks[j], &part);
			ok(strcmp(part.records, whole.records) == 0 &&
			    (part.error == whole.error ||
			    (part.error && whole.error &&
			    strcmp(part.error, whole.error) == 0)) &&
			    part.rows == whole.rows && part.rc == whole.rc,
			    "%s: same in %zu-byte chunks", c->name,
			    chunks[j]);
			result_free(&part);
		}
		result_free(&whole);
	}
}

/* A string of n copies of ch, caller frees. */
static char *
repeat(char ch, size_t n)
{
	char	*s;

	if ((s = malloc(n + 1)) == NULL)
		abort();
	memset(s, ch, n);
	s[n] = '\0';
	return s;
}

static void
test_caps(void)
{
	struct result	 r;
	char		*field, *in, want[64];
	size_t		 i, o;

	/* CSV_MAX_FIELD bytes fit, one more does not. */
	field = repeat('x', CSV_MAX_FIELD);
	in = malloc(CSV_MAX_FIELD + 64);
	o = (size_t)snprintf(in, CSV_MAX_FIELD + 64, "h\n%s,y\n", field);
	parse(in, o, 0, &r);
	ok(r.rc == 0 && r.rows == 2, "field of %d bytes accepted",
	    CSV_MAX_FIELD);
	result_free(&r);

	o = (size_t)snprintf(in, CSV_MAX_FIELD + 64, "h\n%sx,y\n", field);
	parse(in, o, 0, &r);
	snprintf(want, sizeof(want), "row 2: field 1: longer than %d bytes",
	    CSV_MAX_FIELD);
	is_str(r.error, want, "field of %d bytes refused", CSV_MAX_FIELD + 1);
	is_str(r.records, "1[h];", "record before the long field reported");
	result_free(&r);

	o = (size_t)snprintf(in, CSV_MAX_FIELD + 64, "a,\"%sx\"", field);
	parse(in, o, 1, &r);
	snprintf(want, sizeof(want), "row 1: field 2: longer than %d bytes",
	    CSV_MAX_FIELD);
	is_str(r.error, want, "quoted long field refused, byte at a time");
	result_free(&r);

	/* Doubled quotes count once: 4096 quotes is 8192 bytes of input. */
	free(in);
	in = malloc(2 * CSV_MAX_FIELD + 8);
	in[0] = '"';
	o = 1;
	for (i = 0; i < CSV_MAX_FIELD; i++) {
		in[o++] = '"';
		in[o++] = '"';
	}
	in[o++] = '"';
	parse(in, o, 0, &r);
	ok(r.rc == 0 && r.rows == 1 && strlen(r.records) ==
	    CSV_MAX_FIELD + 4, "field of %d doubled quotes accepted",
	    CSV_MAX_FIELD);
	result_free(&r);
	free(in);
	free(field);

	/* CSV_MAX_FIELDS fields fit, one more does not. */
	in = repeat(',', CSV_MAX_FIELDS - 1);
	parse(in, strlen(in), 0, &r);
	ok(r.rc == 0 && r.rows == 1, "%d fields accepted", CSV_MAX_FIELDS);
	result_free(&r);
	free(in);

	in = repeat(',', CSV_MAX_FIELDS);
	parse(in, strlen(in), 0, &r);
	snprintf(want, sizeof(want), "row 1: more than %d fields",
	    CSV_MAX_FIELDS);
	is_str(r.error, want, "%d fields refused", CSV_MAX_FIELDS + 1);
	result_free(&r);
	free(in);

	/* The same, as a second record ending in a newline. */
	field = repeat(',', CSV_MAX_FIELDS);
	in = malloc(CSV_MAX_FIELDS + 16);
	o = (size_t)snprintf(in, CSV_MAX_FIELDS + 16, "a\n\n%s\n", field);
	parse(in, o, 1, &r);
	snprintf(want, sizeof(want), "row 3: more than %d fields",
	    CSV_MAX_FIELDS);
	is_str(r.error, want, "too many fields names row 3");
	result_free(&r);
	free(in);
	free(field);
}

static void
test_stop_and_order(void)
{
	struct sink	 k = { NULL, 0, 0, 0, 2 };
	struct csv	*c;
	const char	*in = "a\nb\nc\nd\n";

	sink_add(&k, "", 0);
	c = csv_new(sink_row_cb, &k);
	is_int(csv_feed(c, in, strlen(in)), -1, "callback -1 stops feed");
	ok(csv_error(c) == NULL, "stop is not an error");
	is_int(csv_rows(c), 2, "rows counts the stopping record");
	is_str(k.s, "1[a];2[b];", "nothing after the stop");
	is_int(csv_feed(c, "e\n", 2), -1, "feed after stop fails");
	is_int(csv_finish(c), -1, "finish after stop fails");
	csv_free(c);
	free(k.s);

	c = csv_new(NULL, NULL);
	is_int(csv_feed(c, "\"x", 2), 0, "open quote is fine mid-stream");
	is_int(csv_finish(c), -1, "finish finds it");
	is_str(csv_error(c), "row 1: unterminated quoted field", "error kept");
	is_int(csv_feed(c, "\"", 1), -1, "feed after error fails");
	is_str(csv_error(c), "row 1: unterminated quoted field",
	    "first error kept");
	csv_free(c);

	c = csv_new(NULL, NULL);
	is_int(csv_feed(c, "a,b\n", 4), 0, "feed");
	is_int(csv_feed(c, "", 0), 0, "empty feed");
	is_int(csv_finish(c), 0, "finish");
	is_int(csv_finish(c), 0, "finish twice is harmless");
	is_int(csv_rows(c), 1, "rows");
	is_int(csv_feed(c, "c\n", 2), -1, "feed after finish fails");
	ok(csv_error(c) != NULL, "and says so: %s", csv_error(c));
	csv_free(c);
	csv_free(NULL);
	ok(1, "csv_free(NULL) is a no-op");
}

struct fmt_case {
	const char	*name;
	const char	*fields[4];
	size_t		 n;
	const char	*want;
};

static const struct fmt_case fmt_cases[] = {
	{ "plain", { "a", "b" }, 2, "a,b\n" },
	{ "comma", { "a,b", "c" }, 2, "\"a,b\",c\n" },
	{ "quotes", { "say \"hi\"" }, 1, "\"say \"\"hi\"\"\"\n" },
	{ "newline", { "line1\nline2", "x" }, 2, "\"line1\nline2\",x\n" },
	{ "CR", { "a\r" }, 1, "\"a\r\"\n" },
	{ "lone empty", { "" }, 1, "\"\"\n" },
	{ "two empty", { "", "" }, 2, ",\n" },
	{ "NULL is empty", { NULL, "a" }, 2, ",a\n" },
	{ "spaces", { " a ", "b " }, 2, " a ,b \n" },
	{ "leading BOM", { "\xef\xbb\xbfx" }, 1, "\"\xef\xbb\xbfx\"\n" },
	{ "Bangla", { "রহিম", "ইউনিয়ন, ঘাট" }, 2,
	    "রহিম,\"ইউনিয়ন, ঘাট\"\n" },
	{ "no fields", { NULL }, 0, "\n" },
	{ "only a quote", { "\"" }, 1, "\"\"\"\"\n" },
};

static void
test_format(void)
{
	const struct fmt_case	*c;
	struct result		 r;
	struct sink		 k;
	const char		*f;
	char			*out, *want;
	size_t			 i, j, len;

	for (i = 0; i < nitems(fmt_cases); i++) {
		c = &fmt_cases[i];
		out = csv_format_row((char *const *)c->fields, c->n, &len);
		is_str(out, c->want, "format: %s", c->name);
		is_int(len, strlen(c->want), "format length: %s", c->name);
		if (c->n > 0) {
			/* Parse it back: the same fields, row 1. */
			parse(out, len, 1, &r);
			memset(&k, 0, sizeof(k));
			sink_add(&k, "1", 1);
			for (j = 0; j < c->n; j++) {
				f = c->fields[j] != NULL ? c->fields[j] : "";
				sink_add(&k, "[", 1);
				sink_add(&k, f, strlen(f));
				sink_add(&k, "]", 1);
			}
			sink_add(&k, ";", 1);
			want = k.s;
			is_str(r.records, want, "round trip: %s", c->name);
			free(want);
			result_free(&r);
		}
		free(out);
	}
	out = csv_format_row((char *const *)fmt_cases[0].fields, 2, NULL);
	is_str(out, "a,b\n", "lenp may be NULL");
	free(out);
}

/* A big file streams through in odd-sized chunks; nothing is lost. */
static int
count_cb(void *arg, size_t row, char **fields, size_t n)
{
	size_t	*sum = arg;
	char	 want[32];

	snprintf(want, sizeof(want), "0171%07zu", row);
	if (n != 3 || strcmp(fields[0], want) != 0 ||
	    strcmp(fields[2], "a \"q\", b") != 0)
		return -1;
	*sum += row;
	return 0;
}

static void
test_stream(void)
{
	struct csv	*c;
	char		 line[128];
	size_t		 row, n, sum = 0, want = 0, nrows = 200000;
	int		 rc = 0;

	c = csv_new(count_cb, &sum);
	for (row = 1; row <= nrows && rc == 0; row++) {
		n = (size_t)snprintf(line, sizeof(line),
		    "0171%07zu,30261851,\"a \"\"q\"\", b\"\r\n", row);
		/* Split each line in two at a moving point. */
		rc = csv_feed(c, line, row % n);
		if (rc == 0)
			rc = csv_feed(c, line + row % n, n - row % n);
		want += row;
	}
	if (rc == 0)
		rc = csv_finish(c);
	is_int(rc, 0, "%zu rows streamed", nrows);
	is_int(csv_rows(c), nrows, "all rows reported");
	ok(sum == want, "every row number seen once");
	csv_free(c);
}

int
main(void)
{
	test_table();
	test_caps();
	test_stop_and_order();
	test_format();
	test_stream();
	return done_testing();
}
