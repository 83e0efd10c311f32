/*
 * sanket.c: the sanket CLI's entry point and command table (after tmux's
 * cmd.c): parse the global options, find the command by name (or unique
 * prefix), run it, return its exit code.
 *
 *	sanket [--url URL] [--token T] [--json] [-c FILE] COMMAND [ARGS]
 *
 * The API URL is --url, else $SANKET_URL, else http://<[gateway] listen>
 * of the -c configuration, else http://127.0.0.1:8080; the token is
 * --token, else $SANKET_TOKEN.  Both are resolved on first use
 * (sk_client()), because global options may also follow the command.
 *
 * Also here: the output helpers every command shares, so that errors look
 * the same everywhere: "sanket: E_CODE: message" on stderr, or with --json
 * exactly one {"error":{"code":..,"message":..}} object on stdout; and
 * what several commands read and print alike: numbers, durations and
 * times given as options (sk_num, sk_duration, sk_time_arg), times and
 * aligned tables for people (sk_time, sk_table), a CSV export copied to
 * stdout as it came (sk_get_raw).
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/http.h>
#include <jansson.h>
#include <utf8proc.h>

#include "conf.h"
#include "log.h"
#include "sanket.h"
#include "text.h"
#include "xmalloc.h"

#define SK_OPT_URL	0x1001
#define SK_OPT_TOKEN	0x1002
#define SK_OPT_JSON	0x1003
#define SK_OPT_VERSION	0x1004

static const struct cmd_entry *sk_commands[] = {
	&cmd_areas_entry,
	&cmd_recipients_entry,
	&cmd_token_entry,
	&cmd_status_entry,
	&cmd_kannel_config_entry,
	&cmd_alert_entry,
	&cmd_audio_entry,
	&cmd_spot_entry,
	&cmd_relief_entry,
	&cmd_grievance_entry,
	&cmd_inbound_entry,
	&cmd_calls_entry,
	&cmd_campaign_entry,
	NULL
};

static const struct option sk_global_long[] = {
	{ "url", required_argument, NULL, SK_OPT_URL },
	{ "token", required_argument, NULL, SK_OPT_TOKEN },
	{ "json", no_argument, NULL, SK_OPT_JSON },
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "verbose", no_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 }
};

/* The same before the command, plus --version. */
static const struct option sk_main_long[] = {
	{ "url", required_argument, NULL, SK_OPT_URL },
	{ "token", required_argument, NULL, SK_OPT_TOKEN },
	{ "json", no_argument, NULL, SK_OPT_JSON },
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "version", no_argument, NULL, SK_OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static void
sk_usage_lines(FILE *f, const char *first, const char *usage)
{
	const char	*p = usage, *nl;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		fprintf(f, "%s sanket %.*s\n", p == usage ? first :
		    "      ", nl != NULL ? (int)(nl - p) : (int)strlen(p), p);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

static void
sk_help_all(FILE *f)
{
	const struct cmd_entry	**e;

	fprintf(f, "usage: sanket [--url URL] [--token TOKEN] [--json] "
	    "[-c FILE] COMMAND [ARGS]\n"
	    "       sanket help [COMMAND] | --version\n\ncommands:\n");
	for (e = sk_commands; *e != NULL; e++)
		fprintf(f, "  %-15s %s\n", (*e)->name, (*e)->summary);
	fprintf(f, "\noptions (before or after the command):\n"
	    "  --url URL       sanketd API; default $SANKET_URL, else "
	    "[gateway] listen\n"
	    "                  of -c FILE, else " SK_DEFAULT_URL "\n"
	    "  --token TOKEN   bearer token; default $SANKET_TOKEN\n"
	    "  --json          print exactly one JSON object on stdout\n"
	    "  -c FILE         sanket.conf\n"
	    "  -v              verbose diagnostics on stderr\n"
	    "\nexit status: 0 ok, 1 refused or failed, 2 usage.\n"
	    "`sanket help COMMAND` for a command's options.\n");
}

int
sk_help(struct sk_ctx *ctx, const struct cmd_entry *entry)
{
	printf("%s: %s\n\n", entry->name, entry->summary);
	sk_usage_lines(stdout, "usage:", entry->usage);
	return SK_EXIT_OK;
}

static void
sk_error_json(const char *code, const char *msg)
{
	json_t	*o;

	o = json_pack("{s:{s:s, s:s}}", "error", "code", code, "message", msg);
	sk_json_print(o);
	json_decref(o);
}

int
sk_usage(struct sk_ctx *ctx, const struct cmd_entry *entry,
    const char *fmt, ...)
{
	va_list	 ap;
	char	 why[512] = "";

	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
		fprintf(stderr, "sanket: %s\n", why);
	}
	if (entry != NULL)
		sk_usage_lines(stderr, "usage:", entry->usage);
	else
		fprintf(stderr, "usage: sanket [--url URL] [--token TOKEN] "
		    "[--json] [-c FILE] COMMAND [ARGS]\n"
		    "       `sanket help` lists the commands\n");
	if (ctx != NULL && ctx->json)
		sk_error_json("E_USAGE", why[0] != '\0' ? why : "usage");
	return SK_EXIT_USAGE;
}

int
sk_fail(struct sk_ctx *ctx, const char *code, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ctx->json)
		sk_error_json(code, msg);
	else
		fprintf(stderr, "sanket: %s\n", msg);
	return SK_EXIT_FAIL;
}

void
sk_json_print(json_t *v)
{
	if (json_dumpf(v, stdout, JSON_COMPACT | JSON_ENCODE_ANY) == -1)
		fprintf(stderr, "sanket: cannot write JSON\n");
	putchar('\n');
}

void
sk_row_errors_print(json_t *rows, size_t *shown, size_t limit)
{
	json_t		*e;
	const char	*field, *msg;
	size_t		 i;

	if (!json_is_array(rows))
		return;
	json_array_foreach(rows, i, e) {
		if (*shown >= limit)
			break;
		field = json_string_value(json_object_get(e, "field"));
		msg = json_string_value(json_object_get(e, "message"));
		if (msg == NULL)
			msg = "rejected";
		if (field != NULL && *field != '\0')
			fprintf(stderr, "row %lld (%s): %s\n", (long long)
			    json_integer_value(json_object_get(e, "row")),
			    field, msg);
		else
			fprintf(stderr, "row %lld: %s\n", (long long)
			    json_integer_value(json_object_get(e, "row")),
			    msg);
		(*shown)++;
	}
}

void
sk_row_errors_more(size_t total, size_t shown)
{
	if (total > shown)
		fprintf(stderr, "... and %zu more\n", total - shown);
}

int
sk_api_fail(struct sk_ctx *ctx, int status, json_t *answer)
{
	json_t		*err, *rows;
	const char	*code = NULL, *msg = NULL;
	char		 fallback[64];
	size_t		 shown = 0, total;

	err = json_object_get(answer, "error");
	code = json_string_value(json_object_get(err, "code"));
	msg = json_string_value(json_object_get(err, "message"));
	if (code == NULL)
		code = "E_HTTP";
	if (msg == NULL) {
		snprintf(fallback, sizeof(fallback), "HTTP status %d", status);
		msg = fallback;
	}
	if (ctx->json) {
		if (json_is_object(answer) && json_is_object(err))
			sk_json_print(answer);
		else
			sk_error_json(code, msg);
		return SK_EXIT_FAIL;
	}
	fprintf(stderr, "sanket: %s: %s\n", code, msg);
	if (strcmp(code, "E_UNAUTHORIZED") == 0 && ctx->token == NULL &&
	    getenv("SANKET_TOKEN") == NULL)
		fprintf(stderr, "sanket: no token given: use --token or "
		    "SANKET_TOKEN\n");
	/* E_ROWS lists its rows under "rows" (in the error or beside it). */
	if (!json_is_array(rows = json_object_get(err, "rows")) &&
	    !json_is_array(rows = json_object_get(answer, "rows")) &&
	    !json_is_array(rows = json_object_get(answer, "errors")))
		return SK_EXIT_FAIL;
	sk_row_errors_print(rows, &shown, SK_ROW_ERRORS_SHOWN);
	total = json_array_size(rows);
	if (json_is_integer(json_object_get(answer, "rejected")) &&
	    (size_t)json_integer_value(json_object_get(answer, "rejected")) >
	    total)
		total = json_integer_value(json_object_get(answer, "rejected"));
	sk_row_errors_more(total, shown);
	return SK_EXIT_FAIL;
}

struct conf *
sk_conf(struct sk_ctx *ctx)
{
	char	 err[1024];

	if (ctx->conf != NULL)
		return ctx->conf;
	if (ctx->conf_path == NULL)
		return NULL;
	ctx->conf = xcalloc(1, sizeof(*ctx->conf));
	conf_defaults(ctx->conf);
	if (conf_load(ctx->conf, ctx->conf_path, err, sizeof(err)) == -1) {
		conf_free(ctx->conf);
		free(ctx->conf);
		ctx->conf = NULL;
		sk_fail(ctx, "E_CONFIG", "%s", err);
		return NULL;
	}
	return ctx->conf;
}

/* http://<listen> for the API address in the configuration. */
static char *
sk_conf_url(struct sk_ctx *ctx)
{
	struct conf	*c;
	const char	*host;
	char		*url;

	if ((c = sk_conf(ctx)) == NULL)
		return NULL;
	host = c->listen.host;
	if (c->listen.port == 0) {
		sk_fail(ctx, "E_CONFIG", "%s: [gateway] listen has port 0; "
		    "give --url", ctx->conf_path);
		return NULL;
	}
	/* A wildcard listener is reached on loopback. */
	if (*host == '\0' || strcmp(host, "*") == 0 ||
	    strcmp(host, "0.0.0.0") == 0)
		host = "127.0.0.1";
	else if (strcmp(host, "::") == 0 || strcmp(host, "[::]") == 0)
		host = "[::1]";
	if (strchr(host, ':') != NULL && host[0] != '[')
		xasprintf(&url, "http://[%s]:%u", host, c->listen.port);
	else
		xasprintf(&url, "http://%s:%u", host, c->listen.port);
	return url;
}

struct client *
sk_client(struct sk_ctx *ctx)
{
	const char	*url, *token;
	char		*conf_url = NULL, err[1024];

	if (ctx->client != NULL)
		return ctx->client;
	url = ctx->url;
	if (url == NULL && (url = getenv("SANKET_URL")) != NULL &&
	    *url == '\0')
		url = NULL;
	if (url == NULL && ctx->conf_path != NULL) {
		if ((conf_url = sk_conf_url(ctx)) == NULL)
			return NULL;
		url = conf_url;
	}
	if (url == NULL)
		url = SK_DEFAULT_URL;
	if ((token = ctx->token) == NULL)
		token = getenv("SANKET_TOKEN");
	ctx->client = client_new(url, token, err, sizeof(err));
	free(conf_url);
	if (ctx->client == NULL)
		sk_fail(ctx, "E_USAGE", "%s", err);
	return ctx->client;
}

double
sk_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
sk_getopt(struct sk_ctx *ctx, const struct cmd_entry *entry, int argc,
    char **argv, const char *shortopts, const struct option *longopts)
{
	static struct option	 all[64];
	static char		 sopts[128];
	static char		**last_argv;
	size_t			 n = 0, i;
	int			 ch;

	if (argv != last_argv) {
		last_argv = argv;
		optind = 0;
	}
	for (i = 0; longopts != NULL && longopts[i].name != NULL; i++)
		if (n < nitems(all) - nitems(sk_global_long))
			all[n++] = longopts[i];
	for (i = 0; i < nitems(sk_global_long); i++)
		all[n++] = sk_global_long[i];
	snprintf(sopts, sizeof(sopts), ":c:hv%s", shortopts);

	for (;;) {
		ch = getopt_long(argc, argv, sopts, all, NULL);
		switch (ch) {
		case SK_OPT_URL:
			ctx->url = optarg;
			break;
		case SK_OPT_TOKEN:
			ctx->token = optarg;
			break;
		case SK_OPT_JSON:
			ctx->json = 1;
			break;
		case 'c':
			ctx->conf_path = optarg;
			break;
		case 'v':
			log_setverbose(log_getverbose() + 1);
			break;
		case 'h':
			sk_help(ctx, entry);
			return 'h';
		case ':':
			sk_usage(ctx, entry, "option %s needs an argument",
			    argv[optind - 1]);
			return '?';
		case '?':
			if (optopt != 0)
				sk_usage(ctx, entry, "unknown option -%c",
				    optopt);
			else
				sk_usage(ctx, entry, "unknown option %s",
				    argv[optind - 1]);
			return '?';
		default:
			return ch;
		}
	}
}

static const struct cmd_entry *
sk_command_find(const char *name)
{
	const struct cmd_entry	**e, *found = NULL;
	size_t			 len = strlen(name);

	for (e = sk_commands; *e != NULL; e++) {
		if (strcmp((*e)->name, name) == 0)
			return *e;
		if (strncmp((*e)->name, name, len) == 0) {
			if (found != NULL)
				return NULL;	/* ambiguous */
			found = *e;
		}
	}
	return found;
}

int
main(int argc, char **argv)
{
	struct sk_ctx		 ctx;
	const struct cmd_entry	*entry;
	int			 ch, rc, version = 0;

	signal(SIGPIPE, SIG_IGN);
	log_init(LOG_TO_STDERR, 0, "sanket");
	memset(&ctx, 0, sizeof(ctx));

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:c:hvV", sk_main_long, NULL))
	    != -1) {
		switch (ch) {
		case SK_OPT_URL:
			ctx.url = optarg;
			break;
		case SK_OPT_TOKEN:
			ctx.token = optarg;
			break;
		case SK_OPT_JSON:
			ctx.json = 1;
			break;
		case 'c':
			ctx.conf_path = optarg;
			break;
		case 'v':
			log_setverbose(log_getverbose() + 1);
			break;
		case 'V':
		case SK_OPT_VERSION:
			version = 1;
			break;
		case 'h':
			sk_help_all(stdout);
			return SK_EXIT_OK;
		case ':':
			return sk_usage(&ctx, NULL, "option %s needs an "
			    "argument", argv[optind - 1]);
		default:
			if (optopt != 0)
				return sk_usage(&ctx, NULL, "unknown option "
				    "-%c", optopt);
			return sk_usage(&ctx, NULL, "unknown option %s",
			    argv[optind - 1]);
		}
	}
	if (version) {
		if (ctx.json) {
			json_t	*o = json_pack("{s:s}", "version",
			    PACKAGE_VERSION);

			sk_json_print(o);
			json_decref(o);
		} else
			printf("sanket %s\n", PACKAGE_VERSION);
		return SK_EXIT_OK;
	}
	if (optind == argc)
		return sk_usage(&ctx, NULL, "no command given");

	if (strcmp(argv[optind], "help") == 0) {
		if (optind + 1 == argc) {
			sk_help_all(stdout);
			return SK_EXIT_OK;
		}
		if ((entry = sk_command_find(argv[optind + 1])) == NULL)
			return sk_usage(&ctx, NULL, "unknown command: %s",
			    argv[optind + 1]);
		return sk_help(&ctx, entry);
	}
	if ((entry = sk_command_find(argv[optind])) == NULL)
		return sk_usage(&ctx, NULL, "unknown or ambiguous command: %s",
		    argv[optind]);

	rc = entry->exec(&ctx, entry, argc - optind, argv + optind);

	client_free(ctx.client);
	if (ctx.conf != NULL) {
		conf_free(ctx.conf);
		free(ctx.conf);
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "sanket: stdout: %s\n",
			    strerror(errno));
		if (rc == SK_EXIT_OK)
			rc = SK_EXIT_FAIL;
	}
	return rc;
}

int
sk_getopt_exit(int ch)
{
	return ch == 'h' ? SK_EXIT_OK : SK_EXIT_USAGE;
}

const char *
sk_verb(struct sk_ctx *ctx, const struct cmd_entry *entry, int argc,
    char **argv, const char *verbs, int *nops)
{
	if (optind >= argc) {
		sk_usage(ctx, entry, "%s: %s?", entry->name, verbs);
		return NULL;
	}
	*nops = argc - optind - 1;
	return argv[optind];
}

int
sk_only_verb(struct sk_ctx *ctx, const struct cmd_entry *entry, int argc,
    char **argv, const char *verb)
{
	const char	*v;
	int		 nops;

	if ((v = sk_verb(ctx, entry, argc, argv, verb, &nops)) == NULL)
		return SK_EXIT_USAGE;
	if (strcmp(v, verb) != 0)
		return sk_usage(ctx, entry, "%s: unknown verb %s", entry->name,
		    v);
	if (nops != 0)
		return sk_usage(ctx, entry, "%s %s: unexpected argument %s",
		    entry->name, verb, argv[optind + 1]);
	return 0;
}

int
sk_list(struct sk_ctx *ctx, const struct cmd_entry *entry, const char *limit,
    int max, const char *api, sk_print_fn print)
{
	char		 path[128], what[64];
	long long	 n = 20;

	if (limit != NULL && ((n = sk_num(limit)) < 1 || n > max))
		return sk_usage(ctx, entry, "--limit: \"%s\" is not a number "
		    "in 1..%d", limit, max);
	snprintf(path, sizeof(path), "%s?limit=%lld", api, n);
	snprintf(what, sizeof(what), "%s list", entry->name);
	return sk_call(ctx, CLIENT_GET, path, NULL, NULL, 0, what, print,
	    NULL);
}

const char *
sk_str(json_t *o, const char *key, const char *dflt)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : dflt;
}

long long
sk_int(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

long long
sk_num(const char *s)
{
	char		*end;
	long long	 n;

	if (*s == '\0' || s[strspn(s, "0123456789")] != '\0')
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	return errno != 0 ? -1 : n;
}

long long
sk_duration(const char *s, long long max)
{
	static const char	 units[] = "smhd";
	static const long long	 mul[] = { 1, 60, 3600, 86400 };
	const char		*u;
	char			*end;
	long long		 n;
	size_t			 i = 0;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (*end != '\0') {
		if ((u = strchr(units, *end)) == NULL || end[1] != '\0')
			return -1;
		i = u - units;
	}
	if (errno != 0 || n > max / mul[i])
		return -1;
	return n * mul[i];
}

json_t *
sk_time_arg(const char *s, long long max, char *why, size_t len)
{
	char		*end;
	long long	 n;

	if (*s == '\0') {
		snprintf(why, len, "empty time");
		return NULL;
	}
	if (s[strspn(s, "0123456789")] == '\0') {
		errno = 0;
		n = strtoll(s, &end, 10);
		if (errno != 0) {
			snprintf(why, len, "\"%s\" is out of range", s);
			return NULL;
		}
		return json_integer(n);
	}
	if (*s == '+') {
		if ((n = sk_duration(s + 1, max)) == -1) {
			snprintf(why, len, "\"%s\" is not +N with an optional "
			    "unit s, m, h or d (e.g. +30m, +2d), at most %lld "
			    "days ahead", s, max / 86400);
			return NULL;
		}
		return json_integer((long long)time(NULL) + n);
	}
	if (sk_duration(s, max) != -1) {
		snprintf(why, len, "\"%s\" is not a time: for one from now, "
		    "say +%s", s, s);
		return NULL;
	}
	if (!text_utf8_valid(s, strlen(s))) {
		snprintf(why, len, "not valid UTF-8");
		return NULL;
	}
	return json_string(s);	/* RFC 3339: the server parses it */
}

void
sk_time(json_t *v, const char *fmt, char *buf, size_t len)
{
	long long	 t;
	time_t		 s;
	struct tm	 tm;

	if (json_is_string(v)) {
		strlcpy_sk(buf, json_string_value(v), len);
		return;
	}
	if (!json_is_integer(v)) {
		strlcpy_sk(buf, "-", len);
		return;
	}
	t = json_integer_value(v);
	s = t > 100000000000LL ? (time_t)(t / 1000) : (time_t)t;
	if (localtime_r(&s, &tm) == NULL || strftime(buf, len, fmt, &tm) == 0)
		snprintf(buf, len, "%lld", t);
}

int
sk_width(const char *s)
{
	utf8proc_int32_t	 cp;
	utf8proc_ssize_t	 n;
	int			 w = 0, cw;

	while (*s != '\0') {
		n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp);
		if (n <= 0) {
			s++;
			w++;
			continue;
		}
		if ((cw = utf8proc_charwidth(cp)) > 0)
			w += cw;
		s += n;
	}
	return w;
}

void
sk_table(char **cell, size_t nrows, const char *align)
{
	size_t	 ncols = strlen(align), r, c;
	int	 w[16] = { 0 }, pad;

	for (r = 0; r < nrows; r++)
		for (c = 0; c < ncols && c < nitems(w); c++)
			if ((pad = sk_width(cell[r * ncols + c])) > w[c])
				w[c] = pad;
	for (r = 0; r < nrows; r++) {
		for (c = 0; c < ncols; c++) {
			pad = c < nitems(w) ? w[c] -
			    sk_width(cell[r * ncols + c]) : 0;
			if (c + 1 == ncols && align[c] == 'l')
				pad = 0;	/* no trailing blanks */
			printf("%s%*s%s%*s", c > 0 ? "  " : "",
			    align[c] == 'r' ? pad : 0, "", cell[r * ncols + c],
			    align[c] == 'l' ? pad : 0, "");
			free(cell[r * ncols + c]);
		}
		printf("\n");
	}
}

int
sk_slurp(struct sk_ctx *ctx, const char *path, size_t max, char **buf,
    size_t *len)
{
	struct stat	 sb;
	FILE		*f;
	size_t		 cap, n;
	int		 rc = SK_EXIT_FAIL;

	*buf = NULL;
	*len = 0;
	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "rb")) == NULL)
		return sk_fail(ctx, "E_IO", "%s: %s", path, strerror(errno));
	if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) &&
	    (unsigned long long)sb.st_size > max) {
		sk_fail(ctx, "E_TOO_LARGE", "%s: %lld bytes (at most %zu)",
		    path, (long long)sb.st_size, max);
		goto out;
	}
	cap = max < 65536 ? max + 1 : 65536;
	*buf = xmalloc(cap);
	for (;;) {
		if (*len == cap) {
			if (cap > max) {
				sk_fail(ctx, "E_TOO_LARGE", "%s: over %zu "
				    "bytes", path, max);
				goto out;
			}
			cap = cap > max / 2 ? max + 1 : cap * 2;
			*buf = xreallocarray(*buf, cap, 1);
		}
		n = fread(*buf + *len, 1, cap - *len, f);
		*len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		sk_fail(ctx, "E_IO", "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = SK_EXIT_OK;
out:
	if (f != stdin)
		fclose(f);
	if (rc != SK_EXIT_OK) {
		free(*buf);
		*buf = NULL;
		*len = 0;
	}
	return rc;
}

int
sk_call(struct sk_ctx *ctx, enum client_method method, const char *path,
    const char *ctype, const void *body, size_t len, const char *what,
    sk_print_fn print, void *arg)
{
	struct client		*cl;
	struct client_resp	 r;
	char			 err[1024];
	int			 rc;

	if ((cl = sk_client(ctx)) == NULL)
		return SK_EXIT_FAIL;
	if (client_request(cl, method, path, ctype, body, len,
	    method == CLIENT_GET, &r, err, sizeof(err)) == -1)
		return sk_fail(ctx, "E_CONNECT", "%s", err);
	if (r.status != 200 && r.status != 201)
		rc = sk_api_fail(ctx, r.status, r.json);
	else if (!json_is_object(r.json))
		rc = sk_fail(ctx, "E_PROTOCOL", "%s: the answer is not a JSON "
		    "object", what);
	else if (ctx->json) {
		sk_json_print(r.json);
		rc = SK_EXIT_OK;
	} else
		rc = print(ctx, r.json, arg);
	client_resp_clear(&r);
	return rc;
}

int
sk_post_json(struct sk_ctx *ctx, const char *path, json_t *body,
    const char *what, sk_print_fn print, void *arg)
{
	char	*data;
	int	 rc;

	if ((data = json_dumps(body, JSON_COMPACT)) == NULL)
		fatalx("%s: json_dumps", __func__);
	json_decref(body);
	rc = sk_call(ctx, CLIENT_POST, path, "application/json", data,
	    strlen(data), what, print, arg);
	free(data);
	return rc;
}

int
sk_get_raw(struct sk_ctx *ctx, const char *path)
{
	struct client		*cl;
	struct client_resp	 r;
	char			 err[1024];
	int			 rc = SK_EXIT_OK;

	if ((cl = sk_client(ctx)) == NULL)
		return SK_EXIT_FAIL;
	if (client_request(cl, CLIENT_GET, path, NULL, NULL, 0, 1, &r, err,
	    sizeof(err)) == -1)
		return sk_fail(ctx, "E_CONNECT", "%s", err);
	if (r.status != 200)
		rc = sk_api_fail(ctx, r.status, r.json);
	else if (fwrite(r.body, 1, r.len, stdout) != r.len ||
	    fflush(stdout) != 0)
		rc = sk_fail(ctx, "E_IO", "stdout: %s", strerror(errno));
	client_resp_clear(&r);
	return rc;
}

int
sk_show(struct sk_ctx *ctx, const char *prefix, const char *arg,
    const char *what, sk_print_fn print)
{
	char	*enc, *path;
	int	 rc;

	if ((enc = evhttp_uriencode(arg, -1, 0)) == NULL)
		fatalx("%s: evhttp_uriencode", __func__);
	xasprintf(&path, "%s%s", prefix, enc);
	free(enc);
	rc = sk_call(ctx, CLIENT_GET, path, NULL, NULL, 0, what, print, NULL);
	free(path);
	return rc;
}
