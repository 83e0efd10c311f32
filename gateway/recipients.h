/*
 * recipients.h: people reached by alerts: E.164 number, union, language,
 * channel preference, programmes (VGF, GR, ...).
 *
 * Import streams CSV "msisdn,union,lang,channel,programmes" (header
 * optional) and upserts row by row inside one transaction per call: rows
 * with an error (bad number, unknown union, union outside the caller's
 * scope, bad lang/channel/programme, invalid UTF-8) are rejected with their
 * row number and skipped; the good rows are written.  A body that is not
 * CSV at all, or has the wrong column count, is refused whole.  first_row
 * offsets row numbers, so a client that sends a big file in parts reports
 * rows of the original file.
 */
#ifndef SK_RECIPIENTS_H
#define SK_RECIPIENTS_H

#include <stddef.h>
#include <stdint.h>

#include "import.h"
#include "msisdn.h"

struct store;

struct recipient {
	int64_t		 id;
	char		 msisdn[MSISDN_MAX];
	char		 union_code[33];
	char		 lang[3];
	char		 channel[6];
	char		 programmes[256];
	int		 opted_out;
	int64_t		 created_at, updated_at;
};

/*
 * scope: area code the caller may act in, or NULL/"" for national.
 * Returns 0 (rep says what was written or rejected), -1 refused whole
 * (rep->fatal), -2 store error (nothing written).  On 0 without dry_run
 * the transaction is left open for the caller's audit row and commit.
 */
int	recipient_import(struct store *, const char *scope, const char *buf,
	    size_t len, size_t first_row, int dry_run,
	    struct import_report *rep);

/* in: any accepted number form.  0 found, 1 not found, -1 error. */
int	recipient_get(struct store *, const char *msisdn, struct recipient *);

#endif
