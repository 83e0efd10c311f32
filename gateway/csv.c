/*
 * csv.c: a streaming RFC 4180 push parser and a row writer (see csv.h).
 *
 * Guarantees: the same bytes give the same records and the same error
 * whatever the chunking (one byte at a time or all at once); memory is one
 * record at most, CSV_MAX_FIELDS x (CSV_MAX_FIELD + 1) bytes, whatever the
 * input size; once a feed fails every later call fails the same way.
 *
 * The machine, one byte at a time (csv_byte()):
 *
 *	BOM ------------ EF BB BF matched, or a mismatch replayed ---> START
 *	START    '"' -> QUOTED   ',' -> START (csv_field_end)
 *	         CR/LF -> START (csv_record_end)   other -> UNQUOTED
 *	UNQUOTED ',' -> START    CR/LF -> START (csv_record_end)
 *	         '"' -> error "stray quote"        other -> UNQUOTED
 *	QUOTED   '"' -> QUOTE    other (commas, CR, LF too) -> QUOTED
 *	QUOTE    '"' -> QUOTED (one literal quote)  ',' -> START
 *	         CR/LF -> START (csv_record_end)    other -> error
 *	any      NUL -> error (a UTF-16 file, most likely)
 *
 * A CR ends a record and an LF right after it is swallowed, so CRLF, LF and
 * bare CR files all read the same.  A record that is one empty unquoted
 * field (an empty line) is not reported, but it is counted: row numbers are
 * physical records, the row a spreadsheet shows.  csv_finish() flushes a
 * last record without a newline; in QUOTED it is "unterminated quoted field"
 * naming the row the record started on.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "xmalloc.h"

enum csv_state {
	CSV_BOM,
	CSV_START,
	CSV_UNQUOTED,
	CSV_QUOTED,
	CSV_QUOTE,
	CSV_DONE,
	CSV_FAILED,	/* parse error: csv_error() says what */
	CSV_STOPPED	/* the callback returned -1 */
};

#define CSV_BUF_MIN	256
#define CSV_BUF_MAX	(CSV_MAX_FIELDS * (CSV_MAX_FIELD + 1))

static const unsigned char csv_bom[3] = { 0xef, 0xbb, 0xbf };

struct csv {
	csv_row_cb	 cb;
	void		*arg;
	enum csv_state	 state;
	size_t		 bom;		/* BOM bytes matched so far */
	int		 skiplf;	/* last byte was a CR ending a record */
	int		 quoted;	/* current field began with a quote */

	char		*buf;		/* the record's fields, NUL-separated */
	size_t		 len;
	size_t		 cap;
	size_t		 fstart;	/* start of the current field */
	size_t		 off[CSV_MAX_FIELDS];
	char		*fields[CSV_MAX_FIELDS];
	size_t		 nfields;	/* finished fields in this record */

	size_t		 row;		/* the record being read, 1-based */
	size_t		 rows;		/* records reported */
	char		 err[128];
};

struct csv *
csv_new(csv_row_cb cb, void *arg)
{
	struct csv	*s;

	s = xcalloc(1, sizeof(*s));
	s->cb = cb;
	s->arg = arg;
	s->state = CSV_BOM;
	s->row = 1;
	s->cap = CSV_BUF_MIN;
	s->buf = xmalloc(s->cap);
	return s;
}

void
csv_free(struct csv *s)
{
	if (s == NULL)
		return;
	free(s->buf);
	free(s);
}

static int
csv_fail(struct csv *s, const char *what)
{
	snprintf(s->err, sizeof(s->err), "row %zu: %s", s->row, what);
	s->state = CSV_FAILED;
	return -1;
}

static int
csv_fail_field(struct csv *s, const char *what)
{
	snprintf(s->err, sizeof(s->err), "row %zu: field %zu: %s", s->row,
	    s->nfields + 1, what);
	s->state = CSV_FAILED;
	return -1;
}

/* Room for one more byte; the caps keep buf under CSV_BUF_MAX. */
static void
csv_reserve(struct csv *s)
{
	size_t	 cap;

	if (s->len < s->cap)
		return;
	cap = s->cap * 2;
	if (cap > CSV_BUF_MAX)
		cap = CSV_BUF_MAX;
	s->buf = xreallocarray(s->buf, cap, 1);
	s->cap = cap;
}

static int
csv_append(struct csv *s, char c)
{
	if (s->len - s->fstart >= CSV_MAX_FIELD) {
		char	 what[64];

		snprintf(what, sizeof(what), "longer than %d bytes",
		    CSV_MAX_FIELD);
		return csv_fail_field(s, what);
	}
	csv_reserve(s);
	s->buf[s->len++] = c;
	return 0;
}

static int
csv_field_end(struct csv *s)
{
	if (s->nfields == CSV_MAX_FIELDS) {
		char	 what[64];

		snprintf(what, sizeof(what), "more than %d fields",
		    CSV_MAX_FIELDS);
		return csv_fail(s, what);
	}
	csv_reserve(s);
	s->buf[s->len++] = '\0';
	s->off[s->nfields++] = s->fstart;
	s->fstart = s->len;
	s->quoted = 0;
	return 0;
}

static int
csv_record_end(struct csv *s)
{
	size_t	 i, row = s->row;

	if (s->nfields == 0 && s->len == 0 && !s->quoted) {
		s->row++;			/* an empty line */
		return 0;
	}
	if (csv_field_end(s) == -1)
		return -1;
	for (i = 0; i < s->nfields; i++)
		s->fields[i] = s->buf + s->off[i];

	s->rows++;
	s->row++;
	if (s->cb != NULL && s->cb(s->arg, row, s->fields, s->nfields) != 0) {
		s->state = CSV_STOPPED;
		return -1;
	}
	s->len = s->fstart = s->nfields = 0;
	s->quoted = 0;
	return 0;
}

static int
csv_byte(struct csv *s, unsigned char c)
{
	int	 skiplf = s->skiplf;

	s->skiplf = 0;
	if (c == '\0')
		return csv_fail_field(s, "NUL byte (is the file UTF-16?)");

	switch (s->state) {
	case CSV_START:
		if (c == '\n' && skiplf)
			return 0;
		/* FALLTHROUGH */
	case CSV_UNQUOTED:
		if (c == ',') {
			s->state = CSV_START;
			return csv_field_end(s);
		}
		if (c == '\r' || c == '\n') {
			s->skiplf = c == '\r';
			s->state = CSV_START;
			return csv_record_end(s);
		}
		if (c == '"') {
			if (s->state == CSV_START) {
				s->quoted = 1;
				s->state = CSV_QUOTED;
				return 0;
			}
			return csv_fail_field(s,
			    "stray quote in unquoted field");
		}
		s->state = CSV_UNQUOTED;
		return csv_append(s, c);
	case CSV_QUOTED:
		if (c == '"') {
			s->state = CSV_QUOTE;
			return 0;
		}
		return csv_append(s, c);
	case CSV_QUOTE:
		if (c == '"') {
			s->state = CSV_QUOTED;
			return csv_append(s, c);
		}
		if (c == ',') {
			s->state = CSV_START;
			return csv_field_end(s);
		}
		if (c == '\r' || c == '\n') {
			s->skiplf = c == '\r';
			s->state = CSV_START;
			return csv_record_end(s);
		}
		return csv_fail_field(s, "text after closing quote");
	default:
		break;
	}
	return -1;
}

/* Leave CSV_BOM: the bytes matched so far were data after all. */
static int
csv_bom_replay(struct csv *s)
{
	size_t	 i, n = s->bom;

	s->state = CSV_START;
	for (i = 0; i < n; i++)
		if (csv_byte(s, csv_bom[i]) == -1)
			return -1;
	return 0;
}

int
csv_feed(struct csv *s, const char *buf, size_t len)
{
	const unsigned char	*p = (const unsigned char *)buf;
	size_t			 i;

	switch (s->state) {
	case CSV_FAILED:
	case CSV_STOPPED:
		return -1;
	case CSV_DONE:
		return csv_fail(s, "data after the end of input");
	default:
		break;
	}

	for (i = 0; i < len; i++) {
		if (s->state == CSV_BOM) {
			if (p[i] == csv_bom[s->bom]) {
				if (++s->bom == sizeof(csv_bom))
					s->state = CSV_START;
				continue;
			}
			if (csv_bom_replay(s) == -1)
				return -1;
		}
		if (csv_byte(s, p[i]) == -1)
			return -1;
	}
	return 0;
}

int
csv_finish(struct csv *s)
{
	switch (s->state) {
	case CSV_FAILED:
	case CSV_STOPPED:
		return -1;
	case CSV_DONE:
		return 0;
	case CSV_BOM:
		if (csv_bom_replay(s) == -1)
			return -1;
		break;
	default:
		break;
	}

	if (s->state == CSV_QUOTED)
		return csv_fail(s, "unterminated quoted field");
	if (s->nfields != 0 || s->len != 0 || s->quoted)
		if (csv_record_end(s) == -1)
			return -1;
	s->state = CSV_DONE;
	return 0;
}

const char *
csv_error(const struct csv *s)
{
	if (s == NULL || s->state != CSV_FAILED)
		return NULL;
	return s->err;
}

size_t
csv_rows(const struct csv *s)
{
	return s == NULL ? 0 : s->rows;
}

/* A field needs quotes if it holds a separator or quote, or a BOM leads. */
static int
csv_needs_quotes(const char *f)
{
	if (strpbrk(f, ",\"\r\n") != NULL)
		return 1;
	return strncmp(f, "\xef\xbb\xbf", sizeof(csv_bom)) == 0;
}

char *
csv_format_row(char *const *fields, size_t n, size_t *lenp)
{
	char		*out, *o;
	const char	*f;
	size_t		 i, total = 2;	/* "\n" and NUL */
	int		 q;

	for (i = 0; i < n; i++) {
		f = fields[i] != NULL ? fields[i] : "";
		total += strlen(f) + 3;		/* two quotes and a comma */
		for (; *f != '\0'; f++)
			if (*f == '"')
				total++;
	}

	o = out = xmalloc(total);
	for (i = 0; i < n; i++) {
		f = fields[i] != NULL ? fields[i] : "";
		if (i > 0)
			*o++ = ',';
		/* A lone empty field would read back as a skipped line. */
		q = csv_needs_quotes(f) || (n == 1 && *f == '\0');
		if (q)
			*o++ = '"';
		for (; *f != '\0'; f++) {
			if (*f == '"')
				*o++ = '"';
			*o++ = *f;
		}
		if (q)
			*o++ = '"';
	}
	*o++ = '\n';
	*o = '\0';
	if (lenp != NULL)
		*lenp = (size_t)(o - out);
	return out;
}
