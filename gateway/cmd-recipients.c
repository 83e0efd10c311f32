/*
 * cmd-recipients.c: `sanket recipients import FILE|- [--dry-run]
 * [--batch N]` and `sanket recipients show MSISDN`.
 *
 * The import streams: the file is read in 64 KiB chunks through csv.h's
 * push parser, each record is written again with csv_format_row() into the
 * current batch, and a batch of N data rows (default 100,000, or 8 MiB,
 * whichever comes first, to stay under the server's max_body) is POSTed
 * to /api/v1/recipients?first_row=R on the one kept-alive connection.
 * Memory is one batch, whatever the file size.
 *
 * Row numbers: R is the file row (csv.h record number, 1-based, header
 * included) of the batch's first data row.  Every batch starts with a
 * header line (the file's own if its first field is "msisdn", any case,
 * else ours), which the server does not count when first_row is given, so
 * the row numbers in its errors are rows of the original file.  Empty
 * lines are skipped by the parser but counted in its row numbers, so a
 * batch holds consecutive rows only: an empty line ends the batch and the
 * next row starts a new one (a file full of empty lines makes many small
 * requests, but its row numbers stay exact).
 *
 * The server rejects bad rows and writes the good ones (docs/api.md): the
 * import goes on after rejected rows and reports them, at most 20 in human
 * mode ("row 7 (msisdn): not a mobile number", then "... and N more"),
 * 100 with --json.  It stops at the first request that fails (unreachable
 * daemon, 4xx/5xx) or at a CSV syntax error, saying which rows were
 * already imported; batches are upserts, so running the same file again
 * is safe.  Exit 1 if any row was rejected or the import stopped.
 *
 * Progress on stderr when stderr is a terminal: bytes read against the
 * file size (percent, when the input is a regular file), rows the server
 * has answered, rows per second.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/http.h>
#include <jansson.h>

#include "csv.h"
#include "import.h"
#include "log.h"
#include "sanket.h"
#include "xmalloc.h"

static int	cmd_recipients_exec(struct sk_ctx *, const struct cmd_entry *,
		    int, char **);

const struct cmd_entry cmd_recipients_entry = {
	"recipients",
	"recipients import FILE|- [--dry-run] [--batch N]\n"
	"recipients show MSISDN",
	"import recipients (streamed in batches), show one",
	cmd_recipients_exec
};

#define OPT_DRY_RUN	0x2001
#define OPT_BATCH	0x2002

static const struct option cmd_recipients_opts[] = {
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ NULL, 0, NULL, 0 }
};

#define RCP_BATCH_DEFAULT	100000
#define RCP_BATCH_MAX		1000000
#define RCP_BATCH_BYTES		(8 * 1024 * 1024)
#define RCP_HEADER		"msisdn,union,lang,channel,programmes\n"
#define RCP_PROGRESS_EVERY	0.2		/* seconds between redraws */
#define RCP_BAR			30		/* progress bar width */

struct rimport {
	struct sk_ctx	*ctx;
	struct client	*cl;
	const char	*name;		/* the file, for messages */
	int		 dry_run;
	size_t		 batch_max;

	char		*header;	/* first line of every batch */
	size_t		 headerlen;
	int		 started;	/* the first record was seen */

	char		*buf;		/* the batch being built */
	size_t		 len, cap;
	size_t		 nrows;		/* data rows in it */
	size_t		 first_row;	/* file row of its first data row */
	size_t		 last_row;	/* file row of its last */
	size_t		 sent_last;	/* last file row the server answered */

	size_t		 rows, created, updated, unchanged, rejected;
	size_t		 batches;
	json_t		*errors;	/* the first IMPORT_MAX_ERRORS */

	int		 failed;	/* stopped: error holds why */
	json_t		*error;		/* {"code":..,"message":..} */
	json_t		*fail_rows;	/* row errors of a refused batch */

	int		 tty;
	off_t		 size;		/* input size, 0 = unknown */
	off_t		 bytes;		/* read so far */
	double		 t0, drawn;
};

static void
rcp_append(struct rimport *ri, const char *p, size_t n)
{
	while (ri->len + n > ri->cap) {
		ri->cap = ri->cap == 0 ? 65536 : ri->cap * 2;
		ri->buf = xreallocarray(ri->buf, ri->cap, 1);
	}
	memcpy(ri->buf + ri->len, p, n);
	ri->len += n;
}

static void
rcp_progress(struct rimport *ri, int force)
{
	static const char	 bar[] = "##############################";
	double			 now, el;
	int			 pct, fill;

	if (!ri->tty)
		return;
	now = sk_now();
	if (!force && now - ri->drawn < RCP_PROGRESS_EVERY)
		return;
	ri->drawn = now;
	el = now - ri->t0;
	if (ri->size > 0) {
		pct = (int)(ri->bytes * 100 / ri->size);
		if (pct > 100)
			pct = 100;
		fill = pct * RCP_BAR / 100;
		fprintf(stderr, "\r[%-*.*s] %3d%%  %zu rows  %.0f rows/s\033[K",
		    RCP_BAR, fill, bar, pct, ri->rows,
		    el > 0 ? ri->rows / el : 0.0);
	} else
		fprintf(stderr, "\r%zu rows  %.0f rows/s\033[K", ri->rows,
		    el > 0 ? ri->rows / el : 0.0);
}

static void
rcp_progress_clear(struct rimport *ri)
{
	if (ri->tty)
		fprintf(stderr, "\r\033[K");
}

/* Stop the import: remember why for the report. */
static void
rcp_stop(struct rimport *ri, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
rcp_stop(struct rimport *ri, const char *code, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ri->failed = 1;
	if (ri->error != NULL)
		json_decref(ri->error);
	ri->error = json_pack("{s:s, s:s}", "code", code, "message", msg);
}

static size_t
rcp_count(json_t *o, const char *key)
{
	json_int_t	 v = json_integer_value(json_object_get(o, key));

	return v > 0 ? (size_t)v : 0;
}

/* POST the batch.  0, or -1 when the import must stop. */
static int
rcp_flush(struct rimport *ri)
{
	struct client_resp	 r;
	json_t			*err, *e;
	const char		*code, *text;
	char			 path[128], msg[1024];
	size_t			 i;
	int			 rc = -1;

	if (ri->nrows == 0)
		return 0;
	snprintf(path, sizeof(path), "/api/v1/recipients?first_row=%zu%s",
	    ri->first_row, ri->dry_run ? "&dry_run=1" : "");
	if (client_request(ri->cl, CLIENT_POST, path,
	    "text/csv; charset=utf-8", ri->buf, ri->len, 1, &r, msg,
	    sizeof(msg)) == -1) {
		rcp_stop(ri, "E_CONNECT", "%s", msg);
		return -1;
	}
	if (r.status != 200 || !json_is_object(r.json)) {
		err = json_object_get(r.json, "error");
		code = json_string_value(json_object_get(err, "code"));
		text = json_string_value(json_object_get(err, "message"));
		if (text != NULL)
			rcp_stop(ri, code != NULL ? code : "E_HTTP", "%s",
			    text);
		else
			rcp_stop(ri, code != NULL ? code : "E_HTTP",
			    "HTTP status %d%s", r.status, r.status == 200 ?
			    " without a JSON answer" : "");
		json_object_set_new(ri->error, "status",
		    json_integer(r.status));
		if (json_is_array(json_object_get(err, "rows")))
			ri->fail_rows = json_incref(json_object_get(err,
			    "rows"));
		else if (json_is_array(json_object_get(r.json, "rows")))
			ri->fail_rows = json_incref(json_object_get(r.json,
			    "rows"));
		goto out;
	}
	ri->rows += rcp_count(r.json, "rows");
	ri->created += rcp_count(r.json, "created");
	ri->updated += rcp_count(r.json, "updated");
	ri->unchanged += rcp_count(r.json, "unchanged");
	ri->rejected += rcp_count(r.json, "rejected");
	json_array_foreach(json_object_get(r.json, "errors"), i, e) {
		if (json_array_size(ri->errors) >= IMPORT_MAX_ERRORS)
			break;
		json_array_append(ri->errors, e);
	}
	ri->batches++;
	ri->sent_last = ri->last_row;
	ri->len = 0;
	ri->nrows = 0;
	rcp_progress(ri, 1);
	rc = 0;
out:
	client_resp_clear(&r);
	return rc;
}

static int
rcp_row_cb(void *arg, size_t row, char **f, size_t n)
{
	struct rimport	*ri = arg;
	char		*line;
	size_t		 len;

	if (!ri->started) {
		ri->started = 1;
		if (n > 0 && strcasecmp(f[0], "msisdn") == 0) {
			ri->header = csv_format_row(f, n, &ri->headerlen);
			return 0;
		}
		ri->header = xstrdup(RCP_HEADER);
		ri->headerlen = strlen(RCP_HEADER);
	}
	/* After skipped empty lines the batch's numbering would drift. */
	if (ri->nrows > 0 && row != ri->last_row + 1 && rcp_flush(ri) == -1)
		return -1;
	if (ri->nrows == 0) {
		ri->first_row = row;
		rcp_append(ri, ri->header, ri->headerlen);
	}
	line = csv_format_row(f, n, &len);
	rcp_append(ri, line, len);
	free(line);
	ri->nrows++;
	ri->last_row = row;
	if (ri->nrows >= ri->batch_max || ri->len >= RCP_BATCH_BYTES)
		return rcp_flush(ri);
	return 0;
}

/* Read and send the whole input; stops early with ri->failed set. */
static void
rcp_stream(struct rimport *ri, FILE *f)
{
	struct csv	*p;
	char		 buf[65536];
	size_t		 n;
	int		 rc = 0;

	p = csv_new(rcp_row_cb, ri);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		ri->bytes += n;
		if ((rc = csv_feed(p, buf, n)) == -1)
			break;
		rcp_progress(ri, 0);
	}
	if (rc == 0 && ferror(f))
		rcp_stop(ri, "E_IO", "%s: %s", ri->name, strerror(errno));
	else if (rc == 0)
		rc = csv_finish(p);
	if (rc == -1 && !ri->failed)
		rcp_stop(ri, "E_BAD_CSV", "%s: %s", ri->name,
		    csv_error(p) != NULL ? csv_error(p) : "cannot parse");
	if (!ri->failed)
		rcp_flush(ri);
	csv_free(p);
}

static void
rcp_report(struct rimport *ri, double secs)
{
	json_t	*o;
	size_t	 shown = 0;
	double	 rate = secs > 0 ? ri->rows / secs : 0;

	if (ri->ctx->json) {
		o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:O, s:I, s:f, s:b}",
		    "rows", (json_int_t)ri->rows,
		    "created", (json_int_t)ri->created,
		    "updated", (json_int_t)ri->updated,
		    "unchanged", (json_int_t)ri->unchanged,
		    "rejected", (json_int_t)ri->rejected,
		    "errors", ri->errors,
		    "batches", (json_int_t)ri->batches,
		    "seconds", (double)(long long)(secs * 1000 + 0.5) / 1000,
		    "dry_run", ri->dry_run);
		if (ri->failed) {
			json_object_set(o, "error", ri->error);
			json_object_set_new(o, "imported_through_row",
			    json_integer((json_int_t)ri->sent_last));
			if (ri->fail_rows != NULL)
				json_object_set(json_object_get(o, "error"),
				    "rows", ri->fail_rows);
		}
		sk_json_print(o);
		json_decref(o);
		return;
	}
	sk_row_errors_print(ri->errors, &shown, SK_ROW_ERRORS_SHOWN);
	sk_row_errors_more(ri->rejected, shown);
	if (ri->failed) {
		fprintf(stderr, "sanket: %s: %s\n",
		    json_string_value(json_object_get(ri->error, "code")),
		    json_string_value(json_object_get(ri->error, "message")));
		shown = 0;
		sk_row_errors_print(ri->fail_rows, &shown,
		    SK_ROW_ERRORS_SHOWN);
		sk_row_errors_more(json_array_size(ri->fail_rows), shown);
		if (ri->sent_last > 0)
			fprintf(stderr, "sanket: stopped: rows up to %zu were "
			    "%s, the rest were not\n", ri->sent_last,
			    ri->dry_run ? "checked" : "imported");
		else
			fprintf(stderr, "sanket: stopped: nothing was %s\n",
			    ri->dry_run ? "checked" : "imported");
	}
	printf("recipients: %zu rows, %zu created, %zu updated, %zu "
	    "unchanged, %zu rejected in %.1f s (%.0f rows/s)%s\n", ri->rows,
	    ri->created, ri->updated, ri->unchanged, ri->rejected, secs, rate,
	    ri->dry_run ? " (dry run: nothing written)" : "");
}

static int
rcp_import(struct sk_ctx *ctx, const char *file, int dry_run,
    size_t batch)
{
	struct rimport	 ri;
	struct stat	 sb;
	FILE		*f;
	int		 rc;

	memset(&ri, 0, sizeof(ri));
	ri.ctx = ctx;
	ri.name = strcmp(file, "-") == 0 ? "stdin" : file;
	ri.dry_run = dry_run;
	ri.batch_max = batch;
	if (strcmp(file, "-") == 0)
		f = stdin;
	else if ((f = fopen(file, "r")) == NULL)
		return sk_fail(ctx, "E_IO", "%s: %s", file, strerror(errno));
	if ((ri.cl = sk_client(ctx)) == NULL) {
		if (f != stdin)
			fclose(f);
		return SK_EXIT_FAIL;
	}
	if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode))
		ri.size = sb.st_size;
	ri.tty = isatty(STDERR_FILENO);
	ri.errors = json_array();
	ri.t0 = ri.drawn = sk_now();

	rcp_stream(&ri, f);
	rcp_progress_clear(&ri);
	if (f != stdin)
		fclose(f);

	rcp_report(&ri, sk_now() - ri.t0);
	rc = ri.failed || ri.rejected > 0 ? SK_EXIT_FAIL : SK_EXIT_OK;
	free(ri.header);
	free(ri.buf);
	json_decref(ri.errors);
	if (ri.error != NULL)
		json_decref(ri.error);
	if (ri.fail_rows != NULL)
		json_decref(ri.fail_rows);
	return rc;
}

/* A time from the API: seconds, or milliseconds if that large. */
static void
rcp_time(json_t *v, char *buf, size_t len)
{
	json_int_t	 t;
	time_t		 s;
	struct tm	 tm;

	if (!json_is_integer(v)) {
		strlcpy_sk(buf, "-", len);
		return;
	}
	t = json_integer_value(v);
	s = t > 100000000000LL ? (time_t)(t / 1000) : (time_t)t;
	if (gmtime_r(&s, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%lld", (long long)t);
}

static void
rcp_print(json_t *o)
{
	json_t	*pr, *v;
	char	 t[64];
	size_t	 i;

	printf("%-11s %s\n", "msisdn", sk_str(o, "msisdn", ""));
	printf("%-11s %s\n", "union", sk_str(o, "union", ""));
	printf("%-11s %s\n", "lang", sk_str(o, "lang", ""));
	printf("%-11s %s\n", "channel", sk_str(o, "channel", ""));
	printf("%-11s", "programmes");
	pr = json_object_get(o, "programmes");
	if (json_array_size(pr) == 0)
		printf(" -");
	json_array_foreach(pr, i, v)
		printf("%s %s", i == 0 ? "" : ",", json_string_value(v) ?
		    json_string_value(v) : "?");
	printf("\n");
	printf("%-11s %s\n", "opted_out",
	    json_is_true(json_object_get(o, "opted_out")) ? "yes" : "no");
	rcp_time(json_object_get(o, "created_at"), t, sizeof(t));
	printf("%-11s %s\n", "created", t);
	rcp_time(json_object_get(o, "updated_at"), t, sizeof(t));
	printf("%-11s %s\n", "updated", t);
}

static int
rcp_show_print(struct sk_ctx *ctx, json_t *o, void *arg)
{
	rcp_print(o);
	return SK_EXIT_OK;
}

static int
rcp_show(struct sk_ctx *ctx, const char *msisdn)
{
	return sk_show(ctx, "/api/v1/recipients/", msisdn, "recipients",
	    rcp_show_print);
}

static int
cmd_recipients_exec(struct sk_ctx *ctx, const struct cmd_entry *entry,
    int argc, char **argv)
{
	const char	*verb;
	char		*end;
	long		 n;
	size_t		 batch = RCP_BATCH_DEFAULT;
	int		 ch, dry_run = 0, batch_given = 0, nops;

	while ((ch = sk_getopt(ctx, entry, argc, argv, "",
	    cmd_recipients_opts)) != -1) {
		switch (ch) {
		case OPT_DRY_RUN:
			dry_run = 1;
			break;
		case OPT_BATCH:
			errno = 0;
			n = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || errno != 0 ||
			    n < 1 || n > RCP_BATCH_MAX)
				return sk_usage(ctx, entry, "--batch: \"%s\" "
				    "is not a number in 1..%d", optarg,
				    RCP_BATCH_MAX);
			batch = (size_t)n;
			batch_given = 1;
			break;
		default:
			return sk_getopt_exit(ch);
		}
	}
	if ((verb = sk_verb(ctx, entry, argc, argv, "import or show",
	    &nops)) == NULL)
		return SK_EXIT_USAGE;
	if (strcmp(verb, "import") == 0) {
		if (nops != 1)
			return sk_usage(ctx, entry, "recipients import takes "
			    "one FILE (or - for stdin)");
		return rcp_import(ctx, argv[optind + 1], dry_run, batch);
	}
	if (strcmp(verb, "show") == 0) {
		if (nops != 1 || dry_run || batch_given)
			return sk_usage(ctx, entry, "recipients show takes one "
			    "MSISDN");
		return rcp_show(ctx, argv[optind + 1]);
	}
	return sk_usage(ctx, entry, "recipients: unknown verb %s", verb);
}
