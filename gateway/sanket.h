/*
 * sanket.h: the sanket command-line client (after tmux's tmux.h and
 * cmd-*.c): one command table in sanket.c, one file per command, a context
 * carrying the global options, and a small synchronous HTTP client
 * (client.c) that talks to sanketd's API (docs/api.md).
 *
 * Contract (DESIGN.md "Interfaces"): exit 0 ok, 1 refused or failed,
 * 2 usage.  With --json every command prints exactly one JSON object on
 * stdout, the API's answer or {"error":{"code":..,"message":..}}; without it
 * results go to stdout and diagnostics ("sanket: E_CODE: message", row
 * errors, the progress bar) to stderr.  Global options may come before or
 * after the command: `sanket -c x.conf token create` and `sanket token
 * create -c x.conf` are the same.
 */
#ifndef SK_SANKET_H
#define SK_SANKET_H

#include <getopt.h>
#include <stddef.h>
#include <jansson.h>

#define SK_EXIT_OK	0
#define SK_EXIT_FAIL	1
#define SK_EXIT_USAGE	2

#ifndef nitems
#define nitems(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define SK_DEFAULT_URL	"http://127.0.0.1:8080"

/* Row errors printed in human mode before "... and N more". */
#define SK_ROW_ERRORS_SHOWN	20

struct client;
struct conf;

/* What the global options and the environment selected. */
struct sk_ctx {
	const char	*url;		/* --url, NULL = not given */
	const char	*token;		/* --token, NULL = not given */
	const char	*conf_path;	/* -c, NULL = not given */
	int		 json;		/* --json */
	struct conf	*conf;		/* loaded on first use of -c */
	struct client	*client;	/* opened on first use */
};

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* lines after "usage: sanket " */
	const char	*summary;	/* one line for `sanket help` */
	int		(*exec)(struct sk_ctx *, const struct cmd_entry *,
			    int argc, char **argv);
};

extern const struct cmd_entry cmd_areas_entry;
extern const struct cmd_entry cmd_recipients_entry;
extern const struct cmd_entry cmd_token_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_kannel_config_entry;
extern const struct cmd_entry cmd_alert_entry;
extern const struct cmd_entry cmd_audio_entry;
extern const struct cmd_entry cmd_spot_entry;
extern const struct cmd_entry cmd_relief_entry;
extern const struct cmd_entry cmd_grievance_entry;
extern const struct cmd_entry cmd_inbound_entry;
extern const struct cmd_entry cmd_calls_entry;
extern const struct cmd_entry cmd_campaign_entry;

/*
 * sanket.c: shared by the commands.
 *
 * sk_getopt() is getopt_long(3) over a command's own options plus the
 * global ones (--url, --token, --json, -c/--config, -v), which it applies
 * to ctx itself.  It returns the command's option values, -1 at the end
 * (then optind indexes the first operand), 'h' after printing the
 * command's help for -h/--help (the command returns SK_EXIT_OK), and '?'
 * after printing its usage for an unknown option or a missing argument
 * (the command returns SK_EXIT_USAGE).  It resets getopt itself on the
 * first call for each argv.  Commands must not use 'c', 'h' or 'v'.
 */
int		 sk_getopt(struct sk_ctx *, const struct cmd_entry *,
		    int argc, char **argv, const char *shortopts,
		    const struct option *longopts);
/* The exit code after sk_getopt() returned 'h' (0) or '?' (2). */
int		 sk_getopt_exit(int ch);
/*
 * The verb after the options, argv[optind], with *nops the operands after
 * it; NULL after printing "NAME: VERBS?" and the usage when there is none
 * (the command returns SK_EXIT_USAGE).
 */
const char	*sk_verb(struct sk_ctx *, const struct cmd_entry *, int argc,
		    char **argv, const char *verbs, int *nops);
/*
 * For a command with one verb and no operands ("calls list"): 0 when argv
 * holds exactly that verb, else the usage message and SK_EXIT_USAGE.
 */
int		 sk_only_verb(struct sk_ctx *, const struct cmd_entry *,
		    int argc, char **argv, const char *verb);
/*
 * "NOUN list [--limit N]" (N in 1..max, default 20): GET api?limit=N and
 * print it with print, as sk_call.  limit NULL = none given.  Returns the
 * exit code (SK_EXIT_USAGE for a bad N).
 */
typedef int (*sk_print_fn)(struct sk_ctx *, json_t *, void *);
int		 sk_list(struct sk_ctx *, const struct cmd_entry *,
		    const char *limit, int max, const char *api,
		    sk_print_fn print);
/* Print usage (and why, if not NULL) to stderr; --json: an E_USAGE object. */
int		 sk_usage(struct sk_ctx *, const struct cmd_entry *,
		    const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));
/* Print the command's help to stdout (for -h); returns SK_EXIT_OK. */
int		 sk_help(struct sk_ctx *, const struct cmd_entry *);
/* A local failure: "sanket: message" or {"error":{code, message}}.  1. */
int		 sk_fail(struct sk_ctx *, const char *code, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));
/* Print a JSON value on stdout (compact, one line).  Does not steal it. */
void		 sk_json_print(json_t *);
/*
 * The API refused (status >= 400): human "sanket: E_CODE: message" plus
 * the row errors it lists; --json prints the API's object as is.  1.
 */
int		 sk_api_fail(struct sk_ctx *, int status, json_t *answer);
/*
 * Print row errors from a JSON array of {"row","field","message"} to
 * stderr, at most limit - *shown, advancing *shown.
 */
void		 sk_row_errors_print(json_t *, size_t *shown, size_t limit);
/* "... and N more" when total > shown. */
void		 sk_row_errors_more(size_t total, size_t shown);
/*
 * The loaded -c configuration, or NULL (with the failure reported) if -c
 * was not given or does not load.
 */
struct conf	*sk_conf(struct sk_ctx *);
/* The API client for the selected URL and token; NULL after sk_fail(). */
struct client	*sk_client(struct sk_ctx *);
/* The string member key of o, or dflt when it is missing or not one. */
const char	*sk_str(json_t *o, const char *key, const char *dflt);
/*
 * Read a whole file ("-" = stdin) into *buf (caller frees), at most max
 * bytes.  SK_EXIT_OK, or SK_EXIT_FAIL after sk_fail(): E_IO when it cannot
 * be read, E_TOO_LARGE when it holds more than max bytes.
 */
int		 sk_slurp(struct sk_ctx *, const char *path, size_t max,
		    char **buf, size_t *len);
/* Monotonic seconds. */
double		 sk_now(void);
/* An integer member of o as long long; 0 if missing or not one. */
long long	 sk_int(json_t *o, const char *key);
/* A non-negative decimal number (digits only); -1 if s is not one. */
long long	 sk_num(const char *s);
/* "N" or "N[smhd]" in seconds, at most max; -1 if not one. */
long long	 sk_duration(const char *s, long long max);
/*
 * A time option as the JSON value to send: all digits is epoch seconds
 * (an integer), "+N[smhd]" (at most max seconds) is now + N, anything else
 * goes as a string for the server to parse as RFC 3339; "N[smhd]" without
 * the "+" is refused as a likely slip.  NULL with why filled.
 */
json_t		*sk_time_arg(const char *s, long long max, char *why,
		    size_t len);
/*
 * A time from the API (seconds, milliseconds, or a string kept as it is)
 * in local time with strftime fmt; "-" when v is neither.
 */
void		 sk_time(json_t *v, const char *fmt, char *buf, size_t len);
/* Terminal columns taken by valid UTF-8 s (bytes for anything else). */
int		 sk_width(const char *s);
/*
 * Print rows of cells (row 0 the heading) in aligned columns, align[c]
 * 'l' or 'r' for each column; frees the cells, not the array.
 */
void		 sk_table(char **cell, size_t nrows, const char *align);

/*
 * client.c: a synchronous HTTP/1.1 client over libevent's evhttp.  One
 * event_base and one keep-alive evhttp_connection per client, reused by
 * every request; each request runs the loop until its answer arrives or
 * the timeout fires.  The address is chosen on the first request: every
 * address the host resolves to is tried in order and the first that
 * accepts a connection is kept.
 */
enum client_method {
	CLIENT_GET,
	CLIENT_POST
};

struct client_resp {
	int		 status;	/* HTTP status; 0 = no answer */
	char		*body;		/* NUL-terminated, owned */
	size_t		 len;
	json_t		*json;		/* parsed body, NULL if not JSON */
};

/* url: "http://host[:port][/prefix]" ("host:port" alone is accepted). */
struct client	*client_new(const char *url, const char *token, char *err,
		    size_t errlen);
void		 client_free(struct client *);
/* The URL as normalised, for messages. */
const char	*client_url(const struct client *);
/*
 * Send one request; path starts with "/" and is already URL-encoded.
 * ctype and body may be NULL.  idempotent: the request may be sent again
 * once if the kept-alive connection turns out to be closed.  Returns 0
 * when the server answered (any status; resp filled, caller runs
 * client_resp_clear), -1 when it did not (err says why, e.g. "cannot reach
 * sanketd at http://127.0.0.1:8080: connection refused").
 */
int		 client_request(struct client *, enum client_method,
		    const char *path, const char *ctype, const void *body,
		    size_t len, int idempotent, struct client_resp *,
		    char *err, size_t errlen);
void		 client_resp_clear(struct client_resp *);

/*
 * One API call, answered the common way: a transport error is E_CONNECT,
 * a status other than want (or 201 when want is 200) is the API's own
 * error, an answer that is not a JSON object is E_PROTOCOL; otherwise the
 * object is printed as JSON (--json) or handed to print for people.  Returns the exit
 * code.  sk_show() GETs prefix followed by the URL-encoded arg.
 */
int		 sk_call(struct sk_ctx *, enum client_method, const char *path,
		    const char *ctype, const void *body, size_t len,
		    const char *what, sk_print_fn, void *arg);
int		 sk_show(struct sk_ctx *, const char *prefix, const char *arg,
		    const char *what, sk_print_fn);
/* sk_call(POST path) with body as compact JSON; takes body (decref'd). */
int		 sk_post_json(struct sk_ctx *, const char *path, json_t *body,
		    const char *what, sk_print_fn, void *arg);
/*
 * GET path and copy a 200 answer to stdout as it came (a CSV export);
 * anything else is reported as sk_call would.  Returns the exit code.
 */
int		 sk_get_raw(struct sk_ctx *, const char *path);

#endif
