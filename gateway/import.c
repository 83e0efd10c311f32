/*
 * import.c: see import.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "xmalloc.h"

void
import_report_init(struct import_report *r)
{
	memset(r, 0, sizeof(*r));
}

/* Counts every rejected row once; stores the first IMPORT_MAX_ERRORS. */
void
import_error_add(struct import_report *r, size_t row, const char *field,
    const char *fmt, ...)
{
	struct import_error	*e;
	va_list			 ap;

	if (r->nerrors > 0 && r->errors[r->nerrors - 1].row == row)
		return;			/* one error per row is enough */
	r->rejected++;
	if (r->nerrors == IMPORT_MAX_ERRORS)
		return;
	e = &r->errors[r->nerrors++];
	e->row = row;
	strlcpy_sk(e->field, field ? field : "", sizeof(e->field));
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

static int
import_error_cmp(const void *a, const void *b)
{
	const struct import_error *ea = a, *eb = b;

	return ea->row < eb->row ? -1 : ea->row > eb->row;
}

void
import_report_sort(struct import_report *r)
{
	qsort(r->errors, r->nerrors, sizeof(r->errors[0]), import_error_cmp);
}
