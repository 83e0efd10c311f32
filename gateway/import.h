/*
 * import.h: the report of a CSV import (areas, recipients): counts and the
 * first IMPORT_MAX_ERRORS row errors, each naming the 1-based row of the
 * file and the field.  Shared by the API and the CLI's local paths.
 */
#ifndef SK_IMPORT_H
#define SK_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#define IMPORT_MAX_ERRORS	100

struct import_error {
	size_t		 row;
	char		 field[16];
	char		 msg[160];
};

struct import_report {
	size_t		 rows;		/* data rows seen (header excluded) */
	size_t		 created;
	size_t		 updated;
	size_t		 unchanged;
	size_t		 rejected;	/* rows with an error */
	size_t		 nerrors;	/* stored, <= IMPORT_MAX_ERRORS */
	struct import_error errors[IMPORT_MAX_ERRORS];
	char		 fatal[256];	/* non-empty: the whole body is bad */
};

void	import_report_init(struct import_report *);
void	import_error_add(struct import_report *, size_t row,
	    const char *field, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
/* Order the stored errors by row (validation may find them out of order). */
void	import_report_sort(struct import_report *);

#endif
