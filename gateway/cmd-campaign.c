/*
 * cmd-campaign.c: `sanket campaign create|status|list|cancel`, the
 * officials' side of docs/api.md "Campaigns": awareness spots aired over
 * calls inside daily windows (Asia/Dhaka) between a start and an end.
 *
 *	campaign create ...	POST /api/v1/campaigns; prints "campaign 7
 *				scheduled: 1234 people, 1234 airings planned,
 *				first 2026-12-01 10:00 +06 (windows ...)"
 *	campaign status ID	GET /api/v1/campaigns/ID: the flight, caps,
 *				budget, reach, then a table per union and
 *				one per spot
 *	campaign list		GET /api/v1/campaigns?limit=N, a table
 *	campaign cancel ID	POST /api/v1/campaigns/ID/cancel
 *
 * What a client can check is checked before any request (exit 2): a name,
 * at least one --spot ID[:WEIGHT] and one --area, an --end, numbers that
 * are numbers, the channels, valid UTF-8, the times' syntax.  What needs
 * the database or the configuration (spots and areas known and in scope,
 * windows inside the allowed hours, caps that fit the flight, teaser
 * length) is the server's to refuse (exit 1, its message shown).
 *
 * Times (--start, --end) are read as `alert send` reads them
 * (sk_time_arg): epoch seconds, +N[smhd] from now, or RFC 3339.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "log.h"
#include "sanket.h"
#include "text.h"
#include "xmalloc.h"

static int	cmd_campaign_exec(struct sk_ctx *, const struct cmd_entry *,
		    int, char **);

const struct cmd_entry cmd_campaign_entry = {
	"campaign",
	"campaign create --name NAME --spot ID[:WEIGHT] [--spot ...] "
	"--area CODE [--area ...]\n"
	"    [--start TIME] --end TIME [--windows HH:MM-HH:MM,...] "
	"[--channels call,hotline,sms]\n"
	"    [--per-day N] [--per-week N] [--airings N] [--budget N] "
	"[--teaser-bn TEXT] [--teaser-en TEXT]\n"
	"campaign status ID\n"
	"campaign list [--limit N]\n"
	"campaign cancel ID",
	"air awareness spots over calls in daily windows; follow, list, "
	"cancel",
	cmd_campaign_exec
};

/* create's one-value options: getopt code OPT_CREATE + index. */
enum camp_opt {
	CO_NAME,
	CO_START,
	CO_END,
	CO_WINDOWS,
	CO_CHANNELS,
	CO_PER_DAY,
	CO_PER_WEEK,
	CO_AIRINGS,
	CO_BUDGET,
	CO_TEASER_BN,
	CO_TEASER_EN,
	CO_N
};
#define OPT_CREATE	0x2001
#define OPT_SPOT	0x2101
#define OPT_AREA	0x2102
#define OPT_LIMIT	0x2103

/* The first CO_N entries in enum camp_opt order. */
static const struct option cmd_campaign_opts[] = {
	{ "name", required_argument, NULL, OPT_CREATE + CO_NAME },
	{ "start", required_argument, NULL, OPT_CREATE + CO_START },
	{ "end", required_argument, NULL, OPT_CREATE + CO_END },
	{ "windows", required_argument, NULL, OPT_CREATE + CO_WINDOWS },
	{ "channels", required_argument, NULL, OPT_CREATE + CO_CHANNELS },
	{ "per-day", required_argument, NULL, OPT_CREATE + CO_PER_DAY },
	{ "per-week", required_argument, NULL, OPT_CREATE + CO_PER_WEEK },
	{ "airings", required_argument, NULL, OPT_CREATE + CO_AIRINGS },
	{ "budget", required_argument, NULL, OPT_CREATE + CO_BUDGET },
	{ "teaser-bn", required_argument, NULL, OPT_CREATE + CO_TEASER_BN },
	{ "teaser-en", required_argument, NULL, OPT_CREATE + CO_TEASER_EN },
	{ "spot", required_argument, NULL, OPT_SPOT },
	{ "area", required_argument, NULL, OPT_AREA },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ NULL, 0, NULL, 0 }
};

/* The JSON keys of create's options; NULL: handled on their own. */
static const char *const camp_keys[CO_N] = {
	[CO_PER_DAY] = "per_day", [CO_PER_WEEK] = "per_week",
	[CO_AIRINGS] = "airings", [CO_BUDGET] = "budget",
	[CO_TEASER_BN] = "teaser_bn", [CO_TEASER_EN] = "teaser_en",
	[CO_START] = "starts_at", [CO_END] = "ends_at"
};

#define CA_MAX_LIMIT	500			/* the server's cap */
#define CA_MAX_SPAN	(10LL * 366 * 86400)	/* longest +N */

/* The options as given; checked once the verb is known. */
struct camp_args {
	const char	*v[CO_N];	/* create's options, NULL = not given */
	const char	**spots;	/* every --spot, as given */
	size_t		 nspots;
	const char	**areas;	/* every --area, as given */
	size_t		 nareas;
	const char	*limit;
	const char	*create_opt;	/* first create option, for errors */
};

static const char *
ca_s(long long n)
{
	return n == 1 ? "" : "s";
}

/* Append p's comma-separated items to a; -1 on an empty item. */
static int
ca_split(const char *p, const char ***a, size_t *n, char ***keep,
    size_t *nkeep)
{
	char	*dup, *tok, *save;

	dup = xstrdup(p);
	*keep = xreallocarray(*keep, *nkeep + 1, sizeof(**keep));
	(*keep)[(*nkeep)++] = dup;
	if (*p == '\0' || *p == ',' || p[strlen(p) - 1] == ',' ||
	    strstr(p, ",,") != NULL)
		return -1;
	for (tok = strtok_r(dup, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		*a = xreallocarray(*a, *n + 1, sizeof(**a));
		(*a)[(*n)++] = tok;
	}
	return 0;
}

/* "ID" or "ID:WEIGHT" as the API's spot item; NULL if it is neither. */
static json_t *
ca_spot(const char *s)
{
	const char	*colon;
	char		 id[24];
	long long	 n, w;

	if ((colon = strchr(s, ':')) == NULL)
		return (n = sk_num(s)) >= 1 ? json_integer(n) : NULL;
	if ((size_t)(colon - s) >= sizeof(id))
		return NULL;
	memcpy(id, s, colon - s);
	id[colon - s] = '\0';
	if ((n = sk_num(id)) < 1 || (w = sk_num(colon + 1)) < 1)
		return NULL;
	return json_pack("{s:I,s:I}", "id", (json_int_t)n, "weight",
	    (json_int_t)w);
}

/* --- create ------------------------------------------------------------ */

/* The POST body from the options; NULL after a usage error (*rc). */
static json_t *
camp_create_body(struct sk_ctx *ctx, const struct cmd_entry *entry,
    const struct camp_args *a, int *rc)
{
	json_t		*req, *list, *v;
	const char	*p, **items = NULL;
	char		 why[256], **keep = NULL;
	size_t		 i, nit = 0, nkeep = 0;
	long long	 n;
	int		 o;

	req = json_object();
	if ((p = a->v[CO_NAME]) == NULL || *p == '\0' ||
	    !text_utf8_valid(p, strlen(p))) {
		*rc = sk_usage(ctx, entry, "campaign create: give --name NAME "
		    "(valid UTF-8)");
		goto fail;
	}
	json_object_set_new(req, "name", json_string(p));

	/* --spot ID[:WEIGHT], repeated; "3:2,4" is taken too. */
	list = json_array();
	json_object_set_new(req, "spots", list);
	for (i = 0; i < a->nspots; i++) {
		if (ca_split(a->spots[i], &items, &nit, &keep,
		    &nkeep) == -1) {
			*rc = sk_usage(ctx, entry, "--spot: \"%s\" holds an "
			    "empty item", a->spots[i]);
			goto fail;
		}
	}
	for (i = 0; i < nit; i++) {
		if ((v = ca_spot(items[i])) == NULL) {
			*rc = sk_usage(ctx, entry, "--spot: \"%s\" is not ID "
			    "or ID:WEIGHT (positive numbers)", items[i]);
			goto fail;
		}
		json_array_append_new(list, v);
	}
	if (json_array_size(list) == 0) {
		*rc = sk_usage(ctx, entry, "campaign create: give at least "
		    "one --spot ID[:WEIGHT]");
		goto fail;
	}

	/* --area CODE, repeated; "CODE,CODE" is taken too. */
	free(items);
	items = NULL;
	nit = 0;
	list = json_array();
	json_object_set_new(req, "areas", list);
	for (i = 0; i < a->nareas; i++) {
		if (ca_split(a->areas[i], &items, &nit, &keep,
		    &nkeep) == -1 || !text_utf8_valid(a->areas[i],
		    strlen(a->areas[i]))) {
			*rc = sk_usage(ctx, entry, "--area: \"%s\" holds an "
			    "empty or invalid code", a->areas[i]);
			goto fail;
		}
	}
	for (i = 0; i < nit; i++)
		json_array_append_new(list, json_string(items[i]));
	if (json_array_size(list) == 0) {
		*rc = sk_usage(ctx, entry, "campaign create: give at least "
		    "one --area CODE");
		goto fail;
	}

	if (a->v[CO_END] == NULL) {
		*rc = sk_usage(ctx, entry, "campaign create: give --end TIME "
		    "(epoch seconds, +N[smhd] or RFC 3339)");
		goto fail;
	}
	for (o = CO_START; o <= CO_END; o++) {
		if (a->v[o] == NULL)
			continue;
		if ((v = sk_time_arg(a->v[o], CA_MAX_SPAN, why,
		    sizeof(why))) == NULL) {
			*rc = sk_usage(ctx, entry, "--%s: %s",
			    cmd_campaign_opts[o].name, why);
			goto fail;
		}
		json_object_set_new(req, camp_keys[o], v);
	}

	if ((p = a->v[CO_WINDOWS]) != NULL) {
		if (*p == '\0' || !text_utf8_valid(p, strlen(p))) {
			*rc = sk_usage(ctx, entry, "--windows: give "
			    "HH:MM-HH:MM[,HH:MM-HH:MM...] (Asia/Dhaka)");
			goto fail;
		}
		json_object_set_new(req, "windows", json_string(p));
	}

	if ((p = a->v[CO_CHANNELS]) != NULL) {
		free(items);
		items = NULL;
		nit = 0;
		list = json_array();
		json_object_set_new(req, "channels", list);
		if (ca_split(p, &items, &nit, &keep, &nkeep) == -1)
			i = 0;
		else {
			for (i = 0; i < nit; i++) {
				if (strcmp(items[i], "call") != 0 &&
				    strcmp(items[i], "hotline") != 0 &&
				    strcmp(items[i], "sms") != 0)
					break;
				json_array_append_new(list,
				    json_string(items[i]));
			}
		}
		if (nit == 0 || i != nit) {
			*rc = sk_usage(ctx, entry, "--channels: \"%s\" is not "
			    "a list of call, hotline and sms", p);
			goto fail;
		}
	}

	for (o = CO_PER_DAY; o <= CO_BUDGET; o++) {
		if ((p = a->v[o]) == NULL)
			continue;
		if ((n = sk_num(p)) < 1) {
			*rc = sk_usage(ctx, entry, "--%s: \"%s\" is not a "
			    "positive number", cmd_campaign_opts[o].name, p);
			goto fail;
		}
		json_object_set_new(req, camp_keys[o], json_integer(n));
	}

	/* An empty teaser is no teaser: scripts pass "$EN", maybe empty. */
	for (o = CO_TEASER_BN; o <= CO_TEASER_EN; o++) {
		if ((p = a->v[o]) == NULL || *p == '\0')
			continue;
		if (!text_utf8_valid(p, strlen(p))) {
			*rc = sk_usage(ctx, entry, "--%s: not valid UTF-8",
			    cmd_campaign_opts[o].name);
			goto fail;
		}
		json_object_set_new(req, camp_keys[o], json_string(p));
	}
	goto out;

fail:
	json_decref(req);
	req = NULL;
out:
	for (i = 0; i < nkeep; i++)
		free(keep[i]);
	free(keep);
	free(items);
	return req;
}

/* "campaign 7 scheduled: 1234 people, 1234 airings planned, first ..." */
static int
camp_create_print(struct sk_ctx *ctx, json_t *o, void *arg)
{
	json_t		*teaser;
	char		 t[64];
	long long	 n = sk_int(o, "audience");

	(void)arg;
	if (sk_int(o, "id") <= 0)
		return sk_fail(ctx, "E_PROTOCOL", "campaign create: the "
		    "answer holds no campaign id");
	printf("campaign %lld %s: %lld %s, %lld airing%s planned",
	    sk_int(o, "id"), sk_str(o, "status", "scheduled"), n,
	    n == 1 ? "person" : "people", sk_int(o, "planned"),
	    ca_s(sk_int(o, "planned")));
	if (json_is_integer(json_object_get(o, "first_airing"))) {
		sk_time(json_object_get(o, "first_airing"),
		    "%Y-%m-%d %H:%M %Z", t, sizeof(t));
		printf(", first %s", t);
	}
	printf(" (windows %s)", sk_str(o, "windows", "-"));
	if (json_is_object(teaser = json_object_get(o, "teaser")))
		printf("; teaser alert %lld, %lld message%s",
		    sk_int(teaser, "id"), sk_int(teaser, "messages"),
		    ca_s(sk_int(teaser, "messages")));
	printf("\n");
	if (n == 0)
		fprintf(stderr, "sanket: campaign %lld reaches nobody: no "
		    "recipients in those areas\n", sk_int(o, "id"));
	return SK_EXIT_OK;
}

/* --- status ------------------------------------------------------------ */

/* "63%", or "-" when nobody has been reached to listen. */
static char *
ca_pct(json_t *o)
{
	json_t	*v = json_object_get(o, "listen_through");
	char	*s;

	if (!json_is_number(v))
		return xstrdup("-");
	xasprintf(&s, "%.0f%%", json_number_value(v) * 100);
	return s;
}

static const char *
ca_union_name(json_t *u)
{
	const char	*s = sk_str(u, "name_en", "");

	return *s != '\0' ? s : sk_str(u, "name_bn", "");
}

/* The reach columns after a table's own: keys and headings. */
static const char *const ca_reach[] = {
	"placed", "answered", "reached", "full"
};

static void
camp_unions_print(json_t *unions)
{
	static const char *const head[] = { "code", "name", "audience" };
	json_t	*u;
	char	**cell;
	size_t	 ncols = nitems(head) + nitems(ca_reach) + 1, i, c, k = 0;

	cell = xcalloc((json_array_size(unions) + 1) * ncols, sizeof(*cell));
	for (c = 0; c < nitems(head); c++)
		cell[k++] = xstrdup(head[c]);
	for (c = 0; c < nitems(ca_reach); c++)
		cell[k++] = xstrdup(ca_reach[c]);
	cell[k++] = xstrdup("listen");
	json_array_foreach(unions, i, u) {
		cell[k++] = xstrdup(sk_str(u, "code", "-"));
		cell[k++] = xstrdup(ca_union_name(u));
		xasprintf(&cell[k++], "%lld", sk_int(u, "audience"));
		for (c = 0; c < nitems(ca_reach); c++)
			xasprintf(&cell[k++], "%lld", sk_int(u, ca_reach[c]));
		cell[k++] = ca_pct(u);
	}
	sk_table(cell, json_array_size(unions) + 1, "llrrrrrr");
	free(cell);
}

static void
camp_spots_print(json_t *spots)
{
	static const char *const head[] = {
	    "spot", "name", "weight", "seconds"
	};
	json_t	*sp;
	char	**cell;
	size_t	 ncols = nitems(head) + nitems(ca_reach) + 2, i, c, k = 0;

	cell = xcalloc((json_array_size(spots) + 1) * ncols, sizeof(*cell));
	for (c = 0; c < nitems(head); c++)
		cell[k++] = xstrdup(head[c]);
	for (c = 0; c < nitems(ca_reach); c++)
		cell[k++] = xstrdup(ca_reach[c]);
	cell[k++] = xstrdup("listen");
	cell[k++] = xstrdup("hotline");
	json_array_foreach(spots, i, sp) {
		xasprintf(&cell[k++], "%lld", sk_int(sp, "id"));
		cell[k++] = xstrdup(sk_str(sp, "name", "-"));
		xasprintf(&cell[k++], "%lld", sk_int(sp, "weight"));
		xasprintf(&cell[k++], "%.1f", json_number_value(
		    json_object_get(sp, "seconds")));
		for (c = 0; c < nitems(ca_reach); c++)
			xasprintf(&cell[k++], "%lld", sk_int(sp, ca_reach[c]));
		cell[k++] = ca_pct(sp);
		xasprintf(&cell[k++], "%lld", sk_int(sp, "hotline_plays"));
	}
	sk_table(cell, json_array_size(spots) + 1, "rlrrrrrrrr");
	free(cell);
}

/* "a, b, c" of an array of strings. */
static void
ca_list_print(const char *label, json_t *a)
{
	json_t	*v;
	size_t	 i;

	if (!json_is_array(a))
		return;
	printf("%-9s", label);
	json_array_foreach(a, i, v)
		printf("%s%s", i == 0 ? " " : ", ", json_string_value(v) !=
		    NULL ? json_string_value(v) : "?");
	printf("\n");
}

static int
camp_status_print(struct sk_ctx *ctx, json_t *o, void *arg)
{
	static const char	*fmt = "%Y-%m-%d %H:%M %Z";
	json_t			*v, *tot, *unions, *spots;
	char			 t0[64], t1[64], *pct;
	long long		 n;

	(void)ctx;
	(void)arg;
	printf("campaign %lld  %s  %s\n", sk_int(o, "id"),
	    sk_str(o, "name", "-"), sk_str(o, "status", "-"));
	sk_time(json_object_get(o, "starts_at"), fmt, t0, sizeof(t0));
	sk_time(json_object_get(o, "ends_at"), fmt, t1, sizeof(t1));
	printf("%-9s %s to %s\n", "flight", t0, t1);
	printf("%-9s %s (Asia/Dhaka)\n", "windows", sk_str(o, "windows",
	    "-"));
	if (json_is_integer(v = json_object_get(o, "next_on_air"))) {
		sk_time(v, fmt, t0, sizeof(t0));
		printf("%-9s %s\n", "next", t0);
	}
	ca_list_print("channels", json_object_get(o, "channels"));
	ca_list_print("areas", json_object_get(o, "areas"));
	n = sk_int(o, "airings");
	printf("%-9s %lld a day, %lld a week; %lld airing%s a person\n",
	    "caps", sk_int(o, "per_day"), sk_int(o, "per_week"), n, ca_s(n));
	n = sk_int(o, "placed");
	if (json_is_integer(json_object_get(o, "budget")))
		printf("%-9s %lld of %lld call%s placed\n", "budget", n,
		    sk_int(o, "budget"), ca_s(sk_int(o, "budget")));
	else
		printf("%-9s %lld call%s placed (no budget)\n", "budget", n,
		    ca_s(n));
	if (json_is_object(v = json_object_get(o, "teaser")))
		v = json_object_get(v, "id");
	if (json_is_integer(v))
		printf("%-9s alert %lld\n", "teaser", json_integer_value(v));
	tot = json_object_get(o, "totals");
	if (json_is_object(tot)) {
		pct = ca_pct(tot);
		n = sk_int(tot, "audience");
		printf("%-9s %lld %s: %lld placed, %lld answered, %lld "
		    "reached, %lld full, listen-through %s, %lld hotline "
		    "play%s, %lld pending\n", "reach", n, n == 1 ? "person" :
		    "people", sk_int(tot, "placed"), sk_int(tot, "answered"),
		    sk_int(tot, "reached"), sk_int(tot, "full"), pct,
		    sk_int(tot, "hotline_plays"),
		    ca_s(sk_int(tot, "hotline_plays")),
		    sk_int(tot, "pending"));
		free(pct);
	}
	if (json_array_size(unions = json_object_get(o, "unions")) > 0) {
		printf("\n");
		camp_unions_print(unions);
	}
	if (json_array_size(spots = json_object_get(o, "spots")) > 0) {
		printf("\n");
		camp_spots_print(spots);
	}
	return SK_EXIT_OK;
}

/* --- list, cancel ------------------------------------------------------ */

static int
camp_list_print(struct sk_ctx *ctx, json_t *o, void *arg)
{
	static const char *const head[] = {
	    "id", "name", "status", "starts", "ends", "audience", "placed",
	    "reached", "listen"
	};
	json_t		*list, *c, *tot;
	char		**cell, t[32];
	size_t		 i, k = 0;

	(void)arg;
	if (!json_is_array(list = json_object_get(o, "campaigns")))
		return sk_fail(ctx, "E_PROTOCOL", "campaign list: the answer "
		    "holds no \"campaigns\" list");
	if (json_array_size(list) == 0) {
		printf("no campaigns\n");
		return SK_EXIT_OK;
	}
	cell = xcalloc((json_array_size(list) + 1) * nitems(head),
	    sizeof(*cell));
	for (i = 0; i < nitems(head); i++)
		cell[k++] = xstrdup(head[i]);
	json_array_foreach(list, i, c) {
		tot = json_object_get(c, "totals");
		if (!json_is_object(tot))
			tot = c;
		xasprintf(&cell[k++], "%lld", sk_int(c, "id"));
		cell[k++] = xstrdup(sk_str(c, "name", "-"));
		cell[k++] = xstrdup(sk_str(c, "status", "-"));
		sk_time(json_object_get(c, "starts_at"), "%Y-%m-%d %H:%M", t,
		    sizeof(t));
		cell[k++] = xstrdup(t);
		sk_time(json_object_get(c, "ends_at"), "%Y-%m-%d %H:%M", t,
		    sizeof(t));
		cell[k++] = xstrdup(t);
		xasprintf(&cell[k++], "%lld", sk_int(c, "audience"));
		xasprintf(&cell[k++], "%lld", sk_int(c, "placed"));
		xasprintf(&cell[k++], "%lld", sk_int(tot, "reached"));
		cell[k++] = ca_pct(tot);
	}
	sk_table(cell, json_array_size(list) + 1, "rllllrrrr");
	free(cell);
	return SK_EXIT_OK;
}

static int
camp_cancel_print(struct sk_ctx *ctx, json_t *o, void *arg)
{
	long long	 n = sk_int(o, "stopped");

	(void)ctx;
	(void)arg;
	printf("campaign %lld %s: %lld stopped (calls not yet placed, "
	    "teasers not yet sent)\n", sk_int(o, "id"),
	    sk_str(o, "status", "cancelled"), n);
	return SK_EXIT_OK;
}

/* --- the verbs --------------------------------------------------------- */

static int
camp_create(struct sk_ctx *ctx, const struct cmd_entry *entry,
    const struct camp_args *args)
{
	json_t	*body;
	int	 rc;

	if ((body = camp_create_body(ctx, entry, args, &rc)) == NULL)
		return rc;
	return sk_post_json(ctx, "/api/v1/campaigns", body, "campaign create",
	    camp_create_print, NULL);
}

static int
cmd_campaign_exec(struct sk_ctx *ctx, const struct cmd_entry *entry,
    int argc, char **argv)
{
	struct camp_args	 a;
	const char		*verb;
	char			 path[64];
	long long		 id = 0;
	int			 ch, rc, nops;

	memset(&a, 0, sizeof(a));
	while ((ch = sk_getopt(ctx, entry, argc, argv, "",
	    cmd_campaign_opts)) != -1) {
		if (ch >= OPT_CREATE && ch < OPT_CREATE + CO_N) {
			a.v[ch - OPT_CREATE] = optarg;
			if (a.create_opt == NULL)
				a.create_opt =
				    cmd_campaign_opts[ch - OPT_CREATE].name;
			continue;
		}
		switch (ch) {
		case OPT_SPOT:
			a.spots = xreallocarray(a.spots, a.nspots + 1,
			    sizeof(*a.spots));
			a.spots[a.nspots++] = optarg;
			if (a.create_opt == NULL)
				a.create_opt = "spot";
			break;
		case OPT_AREA:
			a.areas = xreallocarray(a.areas, a.nareas + 1,
			    sizeof(*a.areas));
			a.areas[a.nareas++] = optarg;
			if (a.create_opt == NULL)
				a.create_opt = "area";
			break;
		case OPT_LIMIT:
			a.limit = optarg;
			break;
		default:
			rc = sk_getopt_exit(ch);
			goto out;
		}
	}
	if ((verb = sk_verb(ctx, entry, argc, argv, "create, status, list or "
	    "cancel", &nops)) == NULL) {
		rc = SK_EXIT_USAGE;
		goto out;
	}

	if (strcmp(verb, "create") == 0) {
		if (nops != 0)
			rc = sk_usage(ctx, entry, "campaign create: "
			    "unexpected argument %s (quote names with "
			    "spaces)", argv[optind + 1]);
		else if (a.limit != NULL)
			rc = sk_usage(ctx, entry, "--limit is for campaign "
			    "list");
		else
			rc = camp_create(ctx, entry, &a);
		goto out;
	}
	if (strcmp(verb, "list") == 0) {
		if (nops != 0 || a.create_opt != NULL)
			rc = sk_usage(ctx, entry, "campaign list takes only "
			    "--limit N");
		else
			rc = sk_list(ctx, entry, a.limit, CA_MAX_LIMIT,
			    "/api/v1/campaigns", camp_list_print);
		goto out;
	}
	if (strcmp(verb, "status") != 0 && strcmp(verb, "cancel") != 0) {
		rc = sk_usage(ctx, entry, "campaign: unknown verb %s", verb);
		goto out;
	}

	/* status ID, cancel ID */
	if (nops != 1 || (id = sk_num(argv[optind + 1])) < 1) {
		rc = sk_usage(ctx, entry, "campaign %s takes one campaign ID "
		    "(a number)", verb);
		goto out;
	}
	if (a.create_opt != NULL || a.limit != NULL) {
		rc = sk_usage(ctx, entry, "--%s is not an option of campaign "
		    "%s", a.create_opt != NULL ? a.create_opt : "limit", verb);
		goto out;
	}
	if (strcmp(verb, "cancel") == 0) {
		snprintf(path, sizeof(path), "/api/v1/campaigns/%lld/cancel",
		    id);
		rc = sk_call(ctx, CLIENT_POST, path, NULL, NULL, 0,
		    "campaign cancel", camp_cancel_print, NULL);
	} else {
		snprintf(path, sizeof(path), "/api/v1/campaigns/%lld", id);
		rc = sk_call(ctx, CLIENT_GET, path, NULL, NULL, 0,
		    "campaign status", camp_status_print, NULL);
	}
out:
	free(a.spots);
	free(a.areas);
	return rc;
}
