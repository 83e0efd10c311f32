/*
 * csv.h: a streaming RFC 4180 CSV reader and a row writer.
 *
 * Push parser: feed it bytes in any chunking, it calls back once per record.
 * It never holds more than one record: a 1,000,000-row file streams through
 * in constant memory.  Handles a UTF-8 BOM at the very start, LF and CRLF,
 * quoted fields with commas, doubled quotes and embedded newlines.  Hard caps:
 * CSV_MAX_FIELD bytes per field, CSV_MAX_FIELDS fields per record; exceeding
 * one, or a stray quote inside an unquoted field, or EOF inside quotes is a
 * fatal error naming the record.  Empty lines are skipped (not reported).
 * The parser does not validate UTF-8: callers run text_clean() on fields.
 */
#ifndef SK_CSV_H
#define SK_CSV_H

#include <stddef.h>

#define CSV_MAX_FIELD	4096
#define CSV_MAX_FIELDS	64

struct csv;

/*
 * Called for every record.  row is the 1-based record number in the input
 * (the header, if any, is row 1).  fields[i] are NUL-terminated and valid
 * only during the call.  Return 0 to continue, -1 to stop parsing (then
 * csv_feed/csv_finish return -1 and csv_error() is NULL).
 */
typedef int (*csv_row_cb)(void *arg, size_t row, char **fields, size_t n);

struct csv	*csv_new(csv_row_cb, void *arg);
void		 csv_free(struct csv *);
/* 0, or -1 on a parse error (csv_error() says what, with the row) or stop. */
int		 csv_feed(struct csv *, const char *buf, size_t len);
/* Flush the last record (no trailing newline needed).  0 or -1. */
int		 csv_finish(struct csv *);
/* NULL, or a message like "row 7: unterminated quoted field". */
const char	*csv_error(const struct csv *);
/* Records reported so far. */
size_t		 csv_rows(const struct csv *);

/*
 * Format one record as CSV (quoting fields that need it) followed by "\n".
 * Returns a malloc'd NUL-terminated string the caller frees; *lenp gets its
 * length if lenp is not NULL.
 */
char		*csv_format_row(char *const *fields, size_t n, size_t *lenp);

#endif
