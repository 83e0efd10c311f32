/*
 * cmd-grievance.c: `sanket grievance list|resolve`, the officials' side of
 * docs/api.md "Grievances".
 *
 *	grievance list [--union CODE] [--status open|resolved|all]
 *	    [--since TIME] [--limit N] [--csv]
 *				GET /api/v1/grievances; a table, one line
 *				each (--json: the API's object; --csv: the
 *				GRS export as the server wrote it)
 *	grievance resolve ID --note TEXT
 *				POST /api/v1/grievances/ID/resolve; prints
 *				"grievance 12 resolved: SMS 3051 queued
 *				(bn, ucs2, 1 part)"
 *
 * What a client can check is checked before any request (exit 2): the
 * status word, the number forms, a note of 1..500 characters in valid
 * UTF-8.  Scope, existence and state are the server's to refuse.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>
#include <utf8proc.h>

#include "log.h"
#include "sanket.h"
#include "text.h"
#include "xmalloc.h"

#define GR_NOTE_MAX	500		/* characters, as the server */
#define GR_LIMIT_MAX	100000		/* the server's cap for --csv */
#define GR_TEXT_COLS	48		/* text column in the table */

static int	cmd_grievance_exec(struct sk_ctx *, const struct cmd_entry *,
		    int, char **);

const struct cmd_entry cmd_grievance_entry = {
	"grievance",
	"grievance list [--union CODE] [--status open|resolved|all] "
	"[--since EPOCH] [--limit N] [--csv]\n"
	"grievance resolve ID --note TEXT",
	"list grievances (or export them for GRS), resolve one",
	cmd_grievance_exec
};

#define OPT_UNION	0x2001
#define OPT_STATUS	0x2002
#define OPT_SINCE	0x2003
#define OPT_LIMIT	0x2004
#define OPT_CSV		0x2005
#define OPT_NOTE	0x2006

static const struct option cmd_grievance_opts[] = {
	{ "union", required_argument, NULL, OPT_UNION },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "note", required_argument, NULL, OPT_NOTE },
	{ NULL, 0, NULL, 0 }
};

struct gr_args {
	const char	*area, *status, *since, *limit, *note;
	int		 csv;
};

/* s cut to about cols columns on a character boundary, "…" if cut. */
static char *
gr_clip(const char *s, int cols)
{
	utf8proc_int32_t	 cp;
	utf8proc_ssize_t	 n;
	const char		*p = s;
	char			*out;
	int			 w = 0, cw;

	while (*p != '\0') {
		n = utf8proc_iterate((const utf8proc_uint8_t *)p, -1, &cp);
		if (n <= 0)
			break;
		cw = utf8proc_charwidth(cp);
		if (w + cw > cols - 1 && cw > 0)
			break;
		w += cw > 0 ? cw : 0;
		p += n;
	}
	if (*p == '\0')
		return xstrdup(s);
	xasprintf(&out, "%.*s…", (int)(p - s), s);
	return out;
}

static int
gr_list_print(struct sk_ctx *ctx, json_t *o, void *arg)
{
	static const char *const head[] = {
	    "id", "status", "created", "union", "number", "category", "text"
	};
	json_t		*list, *g, *u;
	const char	*name, *text;
	char		**cell, when[32];
	size_t		 i, c, k = 0;

	(void)arg;
	if (!json_is_array(list = json_object_get(o, "grievances")))
		return sk_fail(ctx, "E_PROTOCOL", "grievance list: the answer "
		    "holds no \"grievances\" list");
	if (json_array_size(list) == 0) {
		printf("no grievances\n");
		return SK_EXIT_OK;
	}
	cell = xcalloc((json_array_size(list) + 1) * nitems(head),
	    sizeof(*cell));
	for (c = 0; c < nitems(head); c++)
		cell[k++] = xstrdup(head[c]);
	json_array_foreach(list, i, g) {
		xasprintf(&cell[k++], "%lld", sk_int(g, "id"));
		cell[k++] = xstrdup(sk_str(g, "status", "-"));
		sk_time(json_object_get(g, "created_at"), "%Y-%m-%d %H:%M",
		    when, sizeof(when));
		cell[k++] = xstrdup(when);
		u = json_object_get(g, "union");
		name = json_is_object(u) ? sk_str(u, "name_en", "") : "";
		if (json_is_object(u))
			xasprintf(&cell[k++], "%s %s", sk_str(u, "code", ""),
			    *name != '\0' ? name : sk_str(u, "name_bn", ""));
		else
			cell[k++] = xstrdup("-");
		cell[k++] = xstrdup(sk_str(g, "msisdn", "-"));
		cell[k++] = xstrdup(sk_str(g, "category", "-"));
		text = sk_str(g, "text", "");
		cell[k++] = gr_clip(*text != '\0' ? text :
		    json_is_string(json_object_get(g, "recording")) ?
		    "(recording)" : "-", GR_TEXT_COLS);
	}
	sk_table(cell, json_array_size(list) + 1, "rllllll");
	free(cell);
	return SK_EXIT_OK;
}

static int
gr_list(struct sk_ctx *ctx, const struct cmd_entry *entry,
    const struct gr_args *a)
{
	char		*path, *enc = NULL, lim[32] = "", since[40] = "";
	long long	 n;
	int		 rc;

	if (a->status != NULL && strcmp(a->status, "open") != 0 &&
	    strcmp(a->status, "resolved") != 0 && strcmp(a->status, "all") !=
	    0)
		return sk_usage(ctx, entry, "--status: \"%s\" is not open, "
		    "resolved or all", a->status);
	if (a->limit != NULL) {
		if ((n = sk_num(a->limit)) < 1 || n > GR_LIMIT_MAX)
			return sk_usage(ctx, entry, "--limit: \"%s\" is not a "
			    "number in 1..%d", a->limit, GR_LIMIT_MAX);
		snprintf(lim, sizeof(lim), "&limit=%lld", n);
	}
	if (a->since != NULL) {
		if ((n = sk_num(a->since)) < 0)
			return sk_usage(ctx, entry, "--since: \"%s\" is not "
			    "epoch seconds", a->since);
		snprintf(since, sizeof(since), "&since=%lld", n);
	}
	if (a->area != NULL) {
		if (*a->area == '\0' || !text_utf8_valid(a->area,
		    strlen(a->area)))
			return sk_usage(ctx, entry, "--union: give an area "
			    "code");
		if ((enc = evhttp_uriencode(a->area, -1, 0)) == NULL)
			fatalx("%s: evhttp_uriencode", __func__);
	}
	xasprintf(&path, "/api/v1/grievances?status=%s%s%s%s%s%s",
	    a->status != NULL ? a->status : "open", enc != NULL ? "&union=" :
	    "", enc != NULL ? enc : "", since, lim, a->csv ?
	    "&format=csv" : "");
	free(enc);
	if (a->csv)
		rc = sk_get_raw(ctx, path);
	else
		rc = sk_call(ctx, CLIENT_GET, path, NULL, NULL, 0,
		    "grievance list", gr_list_print, NULL);
	free(path);
	return rc;
}

static int
gr_resolve_print(struct sk_ctx *ctx, json_t *o, void *arg)
{
	json_t	*sms = json_object_get(o, "sms");

	(void)ctx;
	(void)arg;
	printf("grievance %lld %s: SMS %lld queued (%s, %s, %lld part%s)%s\n",
	    sk_int(o, "id"), sk_str(o, "status", "resolved"),
	    sk_int(o, "message_id"), sk_str(sms, "lang", "?"),
	    sk_str(sms, "encoding", "?"), sk_int(sms, "parts"),
	    sk_int(sms, "parts") == 1 ? "" : "s",
	    json_is_true(json_object_get(sms, "truncated")) ?
	    "; the note was cut to fit the SMS" : "");
	return SK_EXIT_OK;
}

static int
gr_resolve(struct sk_ctx *ctx, const struct cmd_entry *entry,
    const char *idarg, const char *note)
{
	char		 path[64];
	long long	 id;
	size_t		 n;

	if ((id = sk_num(idarg)) < 1)
		return sk_usage(ctx, entry, "grievance resolve: \"%s\" is not "
		    "a grievance ID (a number)", idarg);
	if (note == NULL)
		return sk_usage(ctx, entry, "grievance resolve: give --note "
		    "TEXT (what was done)");
	if (!text_utf8_valid(note, strlen(note)))
		return sk_usage(ctx, entry, "--note: not valid UTF-8");
	n = text_codepoints(note);
	if (n == 0 || n > GR_NOTE_MAX)
		return sk_usage(ctx, entry, "--note: 1 to %d characters, not "
		    "%zu", GR_NOTE_MAX, n);
	snprintf(path, sizeof(path), "/api/v1/grievances/%lld/resolve", id);
	return sk_post_json(ctx, path, json_pack("{s:s}", "note", note),
	    "grievance resolve", gr_resolve_print, NULL);
}

static int
cmd_grievance_exec(struct sk_ctx *ctx, const struct cmd_entry *entry,
    int argc, char **argv)
{
	struct gr_args	 a;
	const char	*verb;
	int		 ch, nops;

	memset(&a, 0, sizeof(a));
	while ((ch = sk_getopt(ctx, entry, argc, argv, "",
	    cmd_grievance_opts)) != -1) {
		switch (ch) {
		case OPT_UNION:
			a.area = optarg;
			break;
		case OPT_STATUS:
			a.status = optarg;
			break;
		case OPT_SINCE:
			a.since = optarg;
			break;
		case OPT_LIMIT:
			a.limit = optarg;
			break;
		case OPT_CSV:
			a.csv = 1;
			break;
		case OPT_NOTE:
			a.note = optarg;
			break;
		default:
			return sk_getopt_exit(ch);
		}
	}
	if ((verb = sk_verb(ctx, entry, argc, argv, "list or resolve",
	    &nops)) == NULL)
		return SK_EXIT_USAGE;
	if (strcmp(verb, "list") == 0) {
		if (nops != 0)
			return sk_usage(ctx, entry, "grievance list: "
			    "unexpected argument %s", argv[optind + 1]);
		if (a.note != NULL)
			return sk_usage(ctx, entry, "--note is for grievance "
			    "resolve");
		return gr_list(ctx, entry, &a);
	}
	if (strcmp(verb, "resolve") == 0) {
		if (nops != 1)
			return sk_usage(ctx, entry, "grievance resolve takes "
			    "one ID (quote a note with spaces)");
		if (a.area != NULL || a.status != NULL || a.since != NULL ||
		    a.limit != NULL || a.csv)
			return sk_usage(ctx, entry, "grievance resolve takes "
			    "only ID and --note");
		return gr_resolve(ctx, entry, argv[optind + 1], a.note);
	}
	return sk_usage(ctx, entry, "grievance: unknown verb %s", verb);
}
