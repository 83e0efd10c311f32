/*
 * fuzz_csv.c: libFuzzer target for gateway/csv.c.  Build and run with
 * tests/fuzz/run.sh.
 *
 * Checks, for any bytes: parsing all at once, one byte at a time and in
 * chunks of a size taken from the input gives the same records, row
 * numbers, error and return codes; no field passes CSV_MAX_FIELD bytes and
 * no record CSV_MAX_FIELDS fields; every record written back with
 * csv_format_row() parses to the same fields.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct out {
	char	*s;
	size_t	 len, cap;
};

static void
out_add(struct out *o, const void *p, size_t n)
{
	if (o->len + n > o->cap) {
		o->cap = (o->len + n) * 2 + 64;
		if ((o->s = realloc(o->s, o->cap)) == NULL)
			abort();
	}
	memcpy(o->s + o->len, p, n);
	o->len += n;
}

/* Records as: row, n, then each field's length and bytes. */
static int
record_cb(void *arg, size_t row, char **fields, size_t n)
{
	struct out	*o = arg;
	size_t		 i, len;

	if (n == 0 || n > CSV_MAX_FIELDS)
		abort();
	out_add(o, &row, sizeof(row));
	out_add(o, &n, sizeof(n));
	for (i = 0; i < n; i++) {
		len = strlen(fields[i]);
		if (len > CSV_MAX_FIELD)
			abort();
		out_add(o, &len, sizeof(len));
		out_add(o, fields[i], len);
	}
	return 0;
}

struct want {
	char	**fields;
	size_t	  n;
	int	  seen;
};

static int
roundtrip_cb(void *arg, size_t row, char **fields, size_t n)
{
	struct want	*w = arg;
	size_t		 i;

	if (w->seen++ || row != 1 || n != w->n)
		abort();
	for (i = 0; i < n; i++)
		if (strcmp(fields[i], w->fields[i]) != 0)
			abort();
	return 0;
}

/* Format the record, parse it back, expect the same fields. */
static int
format_cb(void *arg, size_t row, char **fields, size_t n)
{
	struct want	 w = { fields, n, 0 };
	struct csv	*c;
	char		*s;
	size_t		 len;

	(void)arg;
	(void)row;
	s = csv_format_row(fields, n, &len);
	if (len != strlen(s) || len == 0 || s[len - 1] != '\n')
		abort();
	c = csv_new(roundtrip_cb, &w);
	if (csv_feed(c, s, len) != 0 || csv_finish(c) != 0 || w.seen != 1)
		abort();
	csv_free(c);
	free(s);
	return 0;
}

struct run {
	struct out	 out;
	char		*error;
	size_t		 rows;
	int		 rc;
};

static void
run_parse(const uint8_t *data, size_t size, size_t chunk, struct run *r)
{
	struct csv	*c;
	size_t		 off, n;
	int		 rc = 0;

	memset(r, 0, sizeof(*r));
	c = csv_new(record_cb, &r->out);
	for (off = 0; rc == 0 && off < size; off += n) {
		n = chunk == 0 || size - off < chunk ? size - off : chunk;
		rc = csv_feed(c, (const char *)data + off, n);
	}
	if (rc == 0)
		rc = csv_finish(c);
	r->rc = rc;
	r->rows = csv_rows(c);
	if (csv_error(c) != NULL && (r->error = strdup(csv_error(c))) == NULL)
		abort();
	if ((rc == 0) != (csv_error(c) == NULL))
		abort();
	if (rc == -1 && strncmp(csv_error(c), "row ", 4) != 0)
		abort();
	csv_free(c);
}

static void
run_same(const struct run *a, const struct run *b)
{
	if (a->rc != b->rc || a->rows != b->rows || a->out.len != b->out.len)
		abort();
	if (a->out.len != 0 && memcmp(a->out.s, b->out.s, a->out.len) != 0)
		abort();
	if ((a->error == NULL) != (b->error == NULL))
		abort();
	if (a->error != NULL && strcmp(a->error, b->error) != 0)
		abort();
}

static void
run_free(struct run *r)
{
	free(r->out.s);
	free(r->error);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run	 whole, part;
	struct csv	*c;

	run_parse(data, size, 0, &whole);

	run_parse(data, size, 1, &part);
	run_same(&whole, &part);
	run_free(&part);

	if (size > 0) {
		run_parse(data, size, 1 + data[0] % 17, &part);
		run_same(&whole, &part);
		run_free(&part);
	}
	run_free(&whole);

	c = csv_new(format_cb, NULL);
	if (csv_feed(c, (const char *)data, size) == 0)
		csv_finish(c);
	csv_free(c);
	return 0;
}
