/*
 * cmd-calls.c: `sanket calls list [--since TIME] [--direction in|out]
 * [--alert N] [--msisdn NUMBER] [--after ID] [--limit N]`: the call
 * records, hotline and callouts, oldest first (GET /api/v1/calls).
 * TIME is epoch seconds, or N[smhd] for "that long ago".  --json prints
 * the API's object.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/http.h>
#include <jansson.h>

#include "sanket.h"
#include "xmalloc.h"

static int	cmd_calls_exec(struct sk_ctx *, const struct cmd_entry *,
		    int, char **);

const struct cmd_entry cmd_calls_entry = {
	"calls",
	"calls list [--since EPOCH-SECONDS|N[smhd]] [--direction in|out] "
	"[--alert ID]\n"
	"    [--msisdn NUMBER] [--after ID] [--limit N]",
	"list call records (hotline and callouts)",
	cmd_calls_exec
};

enum {
	OPT_SINCE = 256, OPT_DIRECTION, OPT_ALERT, OPT_MSISDN, OPT_AFTER,
	OPT_LIMIT
};

static const struct option cmd_calls_opts[] = {
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "direction", required_argument, NULL, OPT_DIRECTION },
	{ "alert", required_argument, NULL, OPT_ALERT },
	{ "msisdn", required_argument, NULL, OPT_MSISDN },
	{ "after", required_argument, NULL, OPT_AFTER },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ NULL, 0, NULL, 0 }
};

static int
calls_list_print(struct sk_ctx *ctx, json_t *o, void *arg)
{
	static const char *const head[] = {
	    "id", "started", "dir", "script", "number", "outcome", "talk",
	    "alert", "result"
	};
	json_t		*list, *c;
	const char	*num, *res;
	char		**cell, when[32];
	size_t		 i, k = 0, n;
	long long	 talk;

	(void)arg;
	if (!json_is_array(list = json_object_get(o, "calls")))
		return sk_fail(ctx, "E_PROTOCOL", "calls list: the answer "
		    "holds no \"calls\" list");
	if ((n = json_array_size(list)) == 0) {
		printf("no calls\n");
		return SK_EXIT_OK;
	}
	cell = xcalloc((n + 1) * nitems(head), sizeof(*cell));
	for (i = 0; i < nitems(head); i++)
		cell[k++] = xstrdup(head[i]);
	json_array_foreach(list, i, c) {
		xasprintf(&cell[k++], "%lld", sk_int(c, "id"));
		sk_time(json_object_get(c, "started_ms"), "%Y-%m-%d %H:%M:%S",
		    when, sizeof(when));
		cell[k++] = xstrdup(when);
		cell[k++] = xstrdup(sk_str(c, "direction", "-"));
		cell[k++] = xstrdup(sk_str(c, "script", "-"));
		num = sk_str(c, "msisdn", NULL);
		cell[k++] = xstrdup(num != NULL ? num : sk_str(c, "peer", "-"));
		cell[k++] = xstrdup(sk_str(c, "outcome", "-"));
		talk = sk_int(c, "talk_ms");
		xasprintf(&cell[k++], "%lld.%llds", talk / 1000,
		    talk % 1000 / 100);
		if (json_is_integer(json_object_get(c, "alert_id")))
			xasprintf(&cell[k++], "%lld", sk_int(c, "alert_id"));
		else
			cell[k++] = xstrdup("-");
		res = sk_str(c, "result", "");
		cell[k++] = xstrdup(*res != '\0' ? res : "-");
	}
	sk_table(cell, n + 1, "rllllllrl");
	free(cell);
	if (json_is_integer(json_object_get(o, "next_after")))
		printf("(more: --after %lld)\n", sk_int(o, "next_after"));
	return SK_EXIT_OK;
}

/* --since as epoch seconds: digits as they are, N[smhd] back from now. */
static long long
calls_since(const char *s)
{
	long long	 ago, now;

	if (*s != '\0' && strspn(s, "0123456789") == strlen(s))
		return sk_num(s);
	now = (long long)time(NULL);
	if ((ago = sk_duration(s, now)) == -1)
		return -1;
	return now - ago;
}

static int
cmd_calls_exec(struct sk_ctx *ctx, const struct cmd_entry *entry, int argc,
    char **argv)
{
	const char	*since = NULL, *dir = NULL, *alert = NULL;
	const char	*msisdn = NULL, *after = NULL, *limit = NULL;
	char		*path, *enc, sincebuf[24] = "";
	long long	 t;
	int		 ch, rc;

	while ((ch = sk_getopt(ctx, entry, argc, argv, "", cmd_calls_opts))
	    != -1) {
		switch (ch) {
		case OPT_SINCE:
			since = optarg;
			break;
		case OPT_DIRECTION:
			dir = optarg;
			break;
		case OPT_ALERT:
			alert = optarg;
			break;
		case OPT_MSISDN:
			msisdn = optarg;
			break;
		case OPT_AFTER:
			after = optarg;
			break;
		case OPT_LIMIT:
			limit = optarg;
			break;
		default:
			return sk_getopt_exit(ch);
		}
	}
	if ((rc = sk_only_verb(ctx, entry, argc, argv, "list")) != 0)
		return rc;
	if (since != NULL) {
		if ((t = calls_since(since)) == -1)
			return sk_usage(ctx, entry, "--since takes epoch "
			    "seconds or N[smhd] (that long ago)");
		snprintf(sincebuf, sizeof(sincebuf), "%lld", t);
	}
	if (dir != NULL && strcmp(dir, "in") != 0 && strcmp(dir, "out") != 0)
		return sk_usage(ctx, entry, "--direction is in or out");
	if ((alert != NULL && sk_num(alert) == -1) ||
	    (after != NULL && sk_num(after) == -1) ||
	    (limit != NULL && sk_num(limit) == -1))
		return sk_usage(ctx, entry, "--alert, --after and --limit take "
		    "numbers");
	enc = msisdn != NULL ? evhttp_uriencode(msisdn, -1, 0) : NULL;
	xasprintf(&path, "/api/v1/calls?limit=%s%s%s%s%s%s%s%s%s%s%s",
	    limit ? limit : "100",
	    since ? "&since=" : "", sincebuf,
	    dir ? "&direction=" : "", dir ? dir : "",
	    alert ? "&alert=" : "", alert ? alert : "",
	    after ? "&after=" : "", after ? after : "",
	    enc ? "&msisdn=" : "", enc ? enc : "");
	free(enc);
	rc = sk_call(ctx, CLIENT_GET, path, NULL, NULL, 0, "calls list",
	    calls_list_print, NULL);
	free(path);
	return rc;
}
