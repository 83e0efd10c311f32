/*
 * cmd-relief.c: `sanket relief create|report|verify`, the officials' and
 * auditors' side of docs/api.md "Relief" (docs/relief.md: the workflow).
 *
 *	relief create ...	POST /api/v1/distributions; prints
 *				"distribution 3: 120 entitlements, notice
 *				alert 17 (bn: ucs2, 3 parts; en: gsm7, 2 parts)"
 *	relief report --union U	GET /api/v1/unions/U/relief as a table;
 *				--csv prints the CSV (--list: per beneficiary)
 *	relief verify --union U	GET /api/v1/unions/U/receipts/verify; exit 1
 *				when the chain is broken (with --json too)
 *
 * What a client can check is checked before any request (exit 2): the
 * options present, the quantity a positive number, the time's shape, the
 * beneficiaries file readable.  Whether the union, the numbers and the
 * programme make sense is the server's to say.
 *
 * --at (sk_time_arg): all digits is epoch seconds, "+N[smhd]" is now + N
 * (at most 400 days), a bare "N[smhd]" is refused as a slip for "+N",
 * anything else goes as a string for the server to read as RFC 3339.
 * --beneficiaries: one number per line; blank lines, "#" comments and a
 * "msisdn" header are skipped; the server's row numbers count the numbers
 * sent, from 1.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "log.h"
#include "sanket.h"
#include "text.h"
#include "xmalloc.h"

static int	cmd_relief_exec(struct sk_ctx *, const struct cmd_entry *,
		    int, char **);

const struct cmd_entry cmd_relief_entry = {
	"relief",
	"relief create --union CODE --programme NAME --item TEXT --qty N "
	"[--unit TEXT] --place TEXT --at TIME [--beneficiaries FILE]\n"
	"relief report --union CODE [--csv [--list]]\n"
	"relief verify --union CODE",
	"create a relief distribution, report on a union, verify its receipts",
	cmd_relief_exec
};

enum relief_opt {
	RO_UNION,
	RO_PROGRAMME,
	RO_ITEM,
	RO_QTY,
	RO_UNIT,
	RO_PLACE,
	RO_AT,
	RO_BENEF,
	RO_N
};
#define OPT_RO		0x2201
#define OPT_CSV		0x2301
#define OPT_LIST	0x2302

/* The first RO_N entries in enum relief_opt order. */
static const struct option cmd_relief_opts[] = {
	{ "union", required_argument, NULL, OPT_RO + RO_UNION },
	{ "programme", required_argument, NULL, OPT_RO + RO_PROGRAMME },
	{ "item", required_argument, NULL, OPT_RO + RO_ITEM },
	{ "qty", required_argument, NULL, OPT_RO + RO_QTY },
	{ "unit", required_argument, NULL, OPT_RO + RO_UNIT },
	{ "place", required_argument, NULL, OPT_RO + RO_PLACE },
	{ "at", required_argument, NULL, OPT_RO + RO_AT },
	{ "beneficiaries", required_argument, NULL, OPT_RO + RO_BENEF },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "list", no_argument, NULL, OPT_LIST },
	{ NULL, 0, NULL, 0 }
};

#define RELIEF_FILE_MAX	(8 * 1024 * 1024)
#define RELIEF_MAX_AHEAD (400LL * 86400)	/* longest --at +N */

/* The numbers of a beneficiaries file as a JSON list. */
static json_t *
relief_benef_list(char *buf, size_t len)
{
	json_t	*list = json_array();
	char	*p = buf, *end = buf + len, *nl, *a, *b;

	while (p < end) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		*nl = '\0';
		for (a = p; *a == ' ' || *a == '\t'; a++)
			;
		for (b = a + strlen(a); b > a && (b[-1] == ' ' ||
		    b[-1] == '\t' || b[-1] == '\r'); b--)
			;
		*b = '\0';
		if (*a != '\0' && *a != '#' && !(json_array_size(list) == 0 &&
		    strcasecmp(a, "msisdn") == 0))
			json_array_append_new(list, json_string(a));
		p = nl + 1;
	}
	return list;
}

static int
relief_create_print(struct sk_ctx *ctx, json_t *o, void *arg)
{
	json_t		*sms = json_object_get(o, "sms"), *l;
	const char	*lang;
	int		 first = 1;

	printf("distribution %lld in union %s: %lld entitlements, notice "
	    "alert %lld", sk_int(o, "id"), sk_str(o, "union", "?"),
	    sk_int(o, "entitlements"), sk_int(o, "alert_id"));
	json_object_foreach(sms, lang, l) {
		printf("%s%s: %s, %lld parts", first ? " (" : "; ", lang,
		    sk_str(l, "encoding", "?"), sk_int(l, "parts"));
		first = 0;
	}
	printf("%s\n", first ? "" : ")");
	return SK_EXIT_OK;
}

static int
relief_create(struct sk_ctx *ctx, const struct cmd_entry *entry,
    const char **v)
{
	static const char *const need[] = { "union", "programme", "item",
	    "qty", "place", "at" };
	static const int needo[] = { RO_UNION, RO_PROGRAMME, RO_ITEM, RO_QTY,
	    RO_PLACE, RO_AT };
	json_t		*req, *at;
	char		*buf = NULL, why[256];
	size_t		 i, len;
	long long	 qty;
	int		 rc;

	for (i = 0; i < nitems(need); i++)
		if (v[needo[i]] == NULL)
			return sk_usage(ctx, entry, "relief create: give "
			    "--%s", need[i]);
	for (i = 0; i < RO_N; i++)
		if (v[i] != NULL && i != RO_BENEF &&
		    !text_utf8_valid(v[i], strlen(v[i])))
			return sk_usage(ctx, entry, "--%s: not valid UTF-8",
			    cmd_relief_opts[i].name);
	if ((qty = sk_num(v[RO_QTY])) <= 0 || qty > 1000000)
		return sk_usage(ctx, entry, "--qty: \"%s\" is not a whole "
		    "number 1-1000000", v[RO_QTY]);
	if ((at = sk_time_arg(v[RO_AT], RELIEF_MAX_AHEAD, why,
	    sizeof(why))) == NULL)
		return sk_usage(ctx, entry, "--at: %s", why);
	req = json_pack("{s:s,s:s,s:s,s:I,s:s,s:o}", "union", v[RO_UNION],
	    "programme", v[RO_PROGRAMME], "item", v[RO_ITEM], "quantity",
	    (json_int_t)qty, "place", v[RO_PLACE], "at", at);
	if (v[RO_UNIT] != NULL)
		json_object_set_new(req, "unit", json_string(v[RO_UNIT]));
	if (v[RO_BENEF] != NULL) {
		if ((rc = sk_slurp(ctx, v[RO_BENEF], RELIEF_FILE_MAX, &buf,
		    &len)) != SK_EXIT_OK) {
			json_decref(req);
			return rc;
		}
		json_object_set_new(req, "beneficiaries",
		    relief_benef_list(buf, len));
		free(buf);
	}
	return sk_post_json(ctx, "/api/v1/distributions", req,
	    "relief create", relief_create_print, NULL);
}

static int
relief_report_print(struct sk_ctx *ctx, json_t *o, void *arg)
{
	json_t	*d, *bc, *t;
	size_t	 i;

	printf("union %s: %zu distribution%s\n", sk_str(o, "union", "?"),
	    json_array_size(json_object_get(o, "distributions")),
	    json_array_size(json_object_get(o, "distributions")) == 1 ? "" :
	    "s");
	printf("%6s  %-10s %-16s %7s %8s %8s %6s %6s %9s %8s %7s  %s\n",
	    "id", "programme", "item", "each", "entitled", "notified",
	    "full", "short", "shortfall", "disputed", "pending",
	    "sms/api/ivr");
	json_array_foreach(json_object_get(o, "distributions"), i, d) {
		bc = json_object_get(d, "by_channel");
		printf("%6lld  %-10.10s %-16.16s %4lld %-2.2s %8lld %8lld "
		    "%6lld %6lld %9lld %8lld %7lld  %lld/%lld/%lld\n",
		    sk_int(d, "id"), sk_str(d, "programme", ""),
		    sk_str(d, "item", ""), sk_int(d, "quantity"),
		    sk_str(d, "unit", ""), sk_int(d, "entitled"),
		    sk_int(d, "notified"), sk_int(d, "received_full"),
		    sk_int(d, "received_short"), sk_int(d, "shortfall"),
		    sk_int(d, "disputed"), sk_int(d, "pending"),
		    sk_int(bc, "sms"), sk_int(bc, "api"), sk_int(bc, "ivr"));
	}
	t = json_object_get(o, "totals");
	if (json_is_object(t))
		printf("total: %lld entitled, %lld notified, %lld in full, "
		    "%lld short (%lld units short), %lld disputed, %lld "
		    "pending\n", sk_int(t, "entitled"), sk_int(t, "notified"),
		    sk_int(t, "received_full"), sk_int(t, "received_short"),
		    sk_int(t, "shortfall"), sk_int(t, "disputed"),
		    sk_int(t, "pending"));
	return SK_EXIT_OK;
}

static int
relief_verify(struct sk_ctx *ctx, const char *path)
{
	struct client		*cl;
	struct client_resp	 r;
	json_t			*o, *b;
	char			 err[1024];
	int			 rc;

	if ((cl = sk_client(ctx)) == NULL)
		return SK_EXIT_FAIL;
	if (client_request(cl, CLIENT_GET, path, NULL, NULL, 0, 1, &r, err,
	    sizeof(err)) == -1)
		return sk_fail(ctx, "E_CONNECT", "%s", err);
	o = r.json;
	if (r.status != 200)
		rc = sk_api_fail(ctx, r.status, o);
	else if (!json_is_object(o) || !json_is_boolean(json_object_get(o,
	    "ok")))
		rc = sk_fail(ctx, "E_PROTOCOL", "relief verify: the answer is "
		    "not a verification");
	else {
		rc = json_is_true(json_object_get(o, "ok")) ? SK_EXIT_OK :
		    SK_EXIT_FAIL;
		b = json_object_get(o, "first_broken");
		if (ctx->json)
			sk_json_print(o);
		else if (rc == SK_EXIT_OK)
			printf("union %s: %lld receipt%s, chain intact; head "
			    "%s\n", sk_str(o, "union", "?"), sk_int(o,
			    "entries"), sk_int(o, "entries") == 1 ? "" : "s",
			    sk_str(o, "head", "-"));
		else
			printf("union %s: %lld receipts, chain BROKEN at entry "
			    "%lld (id %lld): %s: %s\n", sk_str(o, "union", "?"),
			    sk_int(o, "entries"), sk_int(b, "seq"),
			    sk_int(b, "id"), sk_str(b, "reason", "?"),
			    sk_str(b, "message", ""));
	}
	client_resp_clear(&r);
	return rc;
}

static int
cmd_relief_exec(struct sk_ctx *ctx, const struct cmd_entry *entry, int argc,
    char **argv)
{
	const char	*v[RO_N] = { NULL }, *verb, *first = NULL;
	char		*enc, *path;
	int		 ch, csv = 0, list = 0, nops, rc;
	size_t		 i;

	while ((ch = sk_getopt(ctx, entry, argc, argv, "", cmd_relief_opts))
	    != -1) {
		if (ch >= OPT_RO && ch < OPT_RO + RO_N) {
			v[ch - OPT_RO] = optarg;
			continue;
		}
		switch (ch) {
		case OPT_CSV:
			csv = 1;
			break;
		case OPT_LIST:
			list = 1;
			break;
		default:
			return sk_getopt_exit(ch);
		}
	}
	if ((verb = sk_verb(ctx, entry, argc, argv, "create, report or verify",
	    &nops)) == NULL)
		return SK_EXIT_USAGE;
	if (nops != 0)
		return sk_usage(ctx, entry, "relief %s: unexpected argument %s "
		    "(quote texts with spaces)", verb, argv[optind + 1]);
	if (strcmp(verb, "create") == 0) {
		if (csv || list)
			return sk_usage(ctx, entry, "--csv and --list are for "
			    "relief report");
		return relief_create(ctx, entry, v);
	}
	if (strcmp(verb, "report") != 0 && strcmp(verb, "verify") != 0)
		return sk_usage(ctx, entry, "relief: unknown verb %s", verb);
	for (i = 0; i < RO_N; i++)
		if (i != RO_UNION && v[i] != NULL && first == NULL)
			first = cmd_relief_opts[i].name;
	if (first != NULL)
		return sk_usage(ctx, entry, "--%s is for relief create", first);
	if (v[RO_UNION] == NULL || *v[RO_UNION] == '\0')
		return sk_usage(ctx, entry, "relief %s: give --union CODE",
		    verb);
	if (strcmp(verb, "verify") == 0 && (csv || list))
		return sk_usage(ctx, entry, "--csv and --list are for relief "
		    "report");
	if (list && !csv)
		return sk_usage(ctx, entry, "--list goes with --csv (the JSON "
		    "report always lists the beneficiaries)");
	if ((enc = evhttp_uriencode(v[RO_UNION], -1, 0)) == NULL)
		fatalx("%s: evhttp_uriencode", __func__);
	if (strcmp(verb, "verify") == 0) {
		xasprintf(&path, "/api/v1/unions/%s/receipts/verify", enc);
		rc = relief_verify(ctx, path);
	} else if (csv && !ctx->json) {
		xasprintf(&path, "/api/v1/unions/%s/relief?format=csv%s", enc,
		    list ? "&list=1" : "");
		rc = sk_get_raw(ctx, path);
	} else {
		xasprintf(&path, "/api/v1/unions/%s/relief", enc);
		rc = sk_call(ctx, CLIENT_GET, path, NULL, NULL, 0,
		    "relief report", relief_report_print, NULL);
	}
	free(enc);
	free(path);
	return rc;
}
