/*
 * cmd-inbound.c: `sanket inbound list [--from NUMBER] [--since TIME]
 * [--limit N]`: what citizens texted back, with the intent read and what
 * was done (GET /api/v1/inbound).  --json prints the API's object.
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

static int	cmd_inbound_exec(struct sk_ctx *, const struct cmd_entry *,
		    int, char **);

const struct cmd_entry cmd_inbound_entry = {
	"inbound",
	"inbound list [--from NUMBER] [--since EPOCH-SECONDS] [--limit N]",
	"list inbound SMS with their intent and outcome",
	cmd_inbound_exec
};

enum { OPT_FROM = 256, OPT_SINCE, OPT_LIMIT };

static const struct option cmd_inbound_opts[] = {
	{ "from", required_argument, NULL, OPT_FROM },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ NULL, 0, NULL, 0 }
};

static int
inbound_list_print(struct sk_ctx *ctx, json_t *o, void *arg)
{
	json_t		*list, *m;
	size_t		 i;
	time_t		 t;
	struct tm	 tm;
	char		 when[32];

	(void)arg;
	if (!json_is_array(list = json_object_get(o, "inbound")))
		return sk_fail(ctx, "E_PROTOCOL", "inbound list: the answer "
		    "holds no \"inbound\" list");
	if (json_array_size(list) == 0) {
		printf("no inbound messages\n");
		return SK_EXIT_OK;
	}
	json_array_foreach(list, i, m) {
		t = (time_t)json_integer_value(json_object_get(m, "at"));
		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		printf("#%lld %s %s %-12s %s\n", (long long)json_integer_value(
		    json_object_get(m, "id")), when, sk_str(m, "from",
		    sk_str(m, "sender", "-")), sk_str(m, "intent", "-"),
		    sk_str(m, "text", ""));
		printf("    %s%s\n", sk_str(m, "outcome", "-"),
		    json_is_object(json_object_get(m, "reply")) ?
		    " (answered)" : "");
	}
	if (json_is_integer(json_object_get(o, "next_after")))
		printf("(more: --limit or a later --since)\n");
	return SK_EXIT_OK;
}

static int
cmd_inbound_exec(struct sk_ctx *ctx, const struct cmd_entry *entry, int argc,
    char **argv)
{
	const char	*from = NULL, *since = NULL, *limit = NULL;
	char		*path, *enc;
	int		 ch, rc;

	while ((ch = sk_getopt(ctx, entry, argc, argv, "", cmd_inbound_opts))
	    != -1) {
		switch (ch) {
		case OPT_FROM:
			from = optarg;
			break;
		case OPT_SINCE:
			since = optarg;
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
	if ((since != NULL && strspn(since, "0123456789") != strlen(since)) ||
	    (limit != NULL && (strspn(limit, "0123456789") != strlen(limit) ||
	    *limit == '\0')))
		return sk_usage(ctx, entry, "--since and --limit take numbers");
	enc = from != NULL ? evhttp_uriencode(from, -1, 0) : NULL;
	xasprintf(&path, "/api/v1/inbound?limit=%s%s%s%s%s", limit ? limit :
	    "100", enc ? "&from=" : "", enc ? enc : "", since ? "&since=" : "",
	    since ? since : "");
	free(enc);
	rc = sk_call(ctx, CLIENT_GET, path, NULL, NULL, 0, "inbound list",
	    inbound_list_print, NULL);
	free(path);
	return rc;
}
