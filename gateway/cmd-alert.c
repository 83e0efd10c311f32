/*
 * cmd-alert.c: `sanket alert send|status|cancel|list`, the officials' side
 * of docs/api.md "Alerts and SMS dispatch".
 *
 *	alert send ...		POST /api/v1/alerts; prints "alert 42 queued:
 *				2891 messages (bn: ucs2, 48 chars, 1 part; en:
 *				gsm7, 57 chars, 1 part)"
 *	alert status ID		GET /api/v1/alerts/ID as a table
 *	alert cancel ID		POST /api/v1/alerts/ID/cancel
 *	alert list		GET /api/v1/alerts?limit=N, one line each
 *
 * What a client can check is checked before any request (exit 2): the
 * kind, at least one area, at least one text (valid UTF-8), priority 0-3,
 * channels sms/voice, the durations and times.  What needs the database
 * (areas known and in scope, text length in SMS parts, start before
 * expiry) is the server's to refuse.
 *
 * Times (--start, --expires): all digits is epoch seconds, sent as a JSON
 * integer; "+N[smhd]" is now + N, converted here to epoch seconds;
 * anything else goes as a string for the server to parse as RFC 3339.
 *
 * --wait (send, status) follows the alert until it settles, with a live
 * progress line: cmd-alert-wait.c.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd-alert.h"
#include "log.h"
#include "sanket.h"
#include "text.h"
#include "xmalloc.h"

static int	cmd_alert_exec(struct sk_ctx *, const struct cmd_entry *,
		    int, char **);

const struct cmd_entry cmd_alert_entry = {
	"alert",
	"alert send --kind warning|relief_notice|awareness --area CODE "
	"[--area CODE ...] [--text-bn TEXT] [--text-en TEXT] [--priority 0-3] "
	"[--channels sms[,voice]] [--confirm-within SECONDS] [--start TIME] "
	"[--expires TIME] [--supersedes ID] [--wait]\n"
	"alert status ID [--wait]\n"
	"alert cancel ID [--all-clear [--text-bn TEXT] [--text-en TEXT]]\n"
	"alert list [--limit N]",
	"send a warning or notice to areas, follow, cancel or list alerts",
	cmd_alert_exec
};

/* alert send's one-value options: getopt code OPT_SEND + index. */
enum alert_opt {
	AO_KIND,
	AO_TEXT_BN,
	AO_TEXT_EN,
	AO_PRIORITY,
	AO_CHANNELS,
	AO_CONFIRM,
	AO_START,
	AO_EXPIRES,
	AO_SUPERSEDES,
	AO_N
};
#define OPT_SEND	0x2001
#define OPT_AREA	0x2101
#define OPT_WAIT	0x2102
#define OPT_LIMIT	0x2103
#define OPT_ALLCLEAR	0x2104

/* The first AO_N entries in enum alert_opt order. */
static const struct option cmd_alert_opts[] = {
	{ "kind", required_argument, NULL, OPT_SEND + AO_KIND },
	{ "text-bn", required_argument, NULL, OPT_SEND + AO_TEXT_BN },
	{ "text-en", required_argument, NULL, OPT_SEND + AO_TEXT_EN },
	{ "priority", required_argument, NULL, OPT_SEND + AO_PRIORITY },
	{ "channels", required_argument, NULL, OPT_SEND + AO_CHANNELS },
	{ "confirm-within", required_argument, NULL, OPT_SEND + AO_CONFIRM },
	{ "start", required_argument, NULL, OPT_SEND + AO_START },
	{ "expires", required_argument, NULL, OPT_SEND + AO_EXPIRES },
	{ "supersedes", required_argument, NULL, OPT_SEND + AO_SUPERSEDES },
	{ "area", required_argument, NULL, OPT_AREA },
	{ "wait", no_argument, NULL, OPT_WAIT },
	{ "limit", required_argument, NULL, OPT_LIMIT },
	{ "all-clear", no_argument, NULL, OPT_ALLCLEAR },
	{ NULL, 0, NULL, 0 }
};

#define AL_MAX_AREAS	1000		/* docs/api.md */
#define AL_MAX_LIMIT	500		/* the server's cap */
#define AL_MAX_SPAN	(10LL * 366 * 86400)	/* longest +N or duration */

/* The options as given; checked once the verb is known. */
struct alert_args {
	const char	*v[AO_N];	/* send's options, NULL = not given */
	const char	**areas;	/* every --area, as given */
	size_t		 nareas;
	const char	*limit;
	int		 wait;
	int		 all_clear;	/* cancel --all-clear */
	const char	*send_opt;	/* first send-only option, for errors */
};

static const char *
al_s(long long n)
{
	return n == 1 ? "" : "s";
}

long long
al_total(json_t *o, const char *key)
{
	json_t	*t = json_object_get(o, "totals");

	return sk_int(json_is_object(t) ? t : o, key);
}

int
alert_request(struct sk_ctx *ctx, enum client_method method,
    const char *path, json_t *body, struct alert_answer *a)
{
	struct client		*cl;
	struct client_resp	 r;
	char			*data = NULL;
	int			 rc;

	memset(a, 0, sizeof(*a));
	if ((cl = sk_client(ctx)) == NULL) {
		a->reported = 1;
		return -1;
	}
	if (body != NULL && (data = json_dumps(body, JSON_COMPACT)) == NULL)
		fatalx("%s: json_dumps", __func__);
	rc = client_request(cl, method, path, data != NULL ?
	    "application/json" : NULL, data, data != NULL ? strlen(data) : 0,
	    method == CLIENT_GET, &r, a->err, sizeof(a->err));
	free(data);
	if (rc == -1)
		return -1;
	a->status = r.status;
	a->json = r.json;
	r.json = NULL;
	client_resp_clear(&r);
	if ((a->status != 200 && a->status != 201) || !json_is_object(a->json))
		return -1;
	return 0;
}

void
alert_answer_clear(struct alert_answer *a)
{
	if (a->json != NULL)
		json_decref(a->json);
	a->json = NULL;
}

int
alert_answer_fail(struct sk_ctx *ctx, struct alert_answer *a,
    const char *what)
{
	if (a->reported)
		return SK_EXIT_FAIL;
	if (a->status == 0)
		return sk_fail(ctx, "E_CONNECT", "%s", a->err);
	if (a->status != 200 && a->status != 201)
		return sk_api_fail(ctx, a->status, a->json);
	return sk_fail(ctx, "E_PROTOCOL", "%s: the answer is not a JSON "
	    "object", what);
}

void
alert_totals_print(FILE *f, json_t *t)
{
	static const struct {
		const char	*key;
		const char	*label;
		int		 always;
	} parts[] = {
		{ "delivered", "delivered", 1 },
		{ "submitted", "submitted", 1 },
		{ "no_report", "no report", 0 },
		{ "failed", "failed", 1 },
		{ "queued", "queued", 1 },
		{ "submitting", "submitting", 0 },
		{ "cancelled", "cancelled", 0 },
		{ "expired", "expired", 0 },
		{ "confirmed", "confirmed", 1 },
	};
	long long	 n;
	size_t		 i;

	n = sk_int(t, "messages");
	fprintf(f, "%lld message%s", n, al_s(n));
	for (i = 0; i < nitems(parts); i++) {
		n = sk_int(t, parts[i].key);
		if (n != 0 || parts[i].always)
			fprintf(f, "%s%lld %s", i == 0 ? ": " : ", ", n,
			    parts[i].label);
	}
	if (json_is_integer(json_object_get(t, "parts")))
		fprintf(f, "; %lld SMS parts", sk_int(t, "parts"));
	fputc('\n', f);
}

/* --- send -------------------------------------------------------------- */

/* The POST body from the options; NULL after a usage error (*rc). */
static json_t *
alert_send_body(struct sk_ctx *ctx, const struct cmd_entry *entry,
    const struct alert_args *a, int *rc)
{
	static const char *const kinds[] = {
	    "warning", "relief_notice", "awareness"
	};
	static const char *const keys[AO_N] = {
	    [AO_TEXT_BN] = "text_bn", [AO_TEXT_EN] = "text_en",
	    [AO_START] = "starts_at", [AO_EXPIRES] = "expires_at"
	};
	json_t		*req, *areas, *v;
	const char	*p, *q, *kind = a->v[AO_KIND];
	char		 why[256], *dup, *tok, *save;
	long long	 n;
	size_t		 i;
	int		 o;

	req = json_object();
	for (i = 0; kind != NULL && i < nitems(kinds); i++)
		if (strcmp(kind, kinds[i]) == 0)
			break;
	if (kind == NULL || i == nitems(kinds)) {
		*rc = sk_usage(ctx, entry, "--kind: %s%s%s warning, "
		    "relief_notice or awareness", kind != NULL ? "\"" : "",
		    kind != NULL ? kind : "give", kind != NULL ? "\" is not" :
		    "");
		goto fail;
	}
	json_object_set_new(req, "kind", json_string(kind));

	if ((p = a->v[AO_PRIORITY]) != NULL) {
		if (strlen(p) != 1 || *p < '0' || *p > '3') {
			*rc = sk_usage(ctx, entry, "--priority: \"%s\" is not "
			    "0, 1, 2 or 3", p);
			goto fail;
		}
		json_object_set_new(req, "priority", json_integer(*p - '0'));
	}

	/* --area CODE, repeated; "CODE,CODE" is taken too. */
	areas = json_array();
	json_object_set_new(req, "areas", areas);
	for (i = 0; i < a->nareas; i++) {
		for (p = a->areas[i];; p = q + 1) {
			if ((q = strchr(p, ',')) == NULL)
				q = p + strlen(p);
			if (q == p || !text_utf8_valid(p, q - p)) {
				*rc = sk_usage(ctx, entry, "--area: \"%s\" "
				    "holds an empty or invalid code",
				    a->areas[i]);
				goto fail;
			}
			json_array_append_new(areas, json_stringn(p, q - p));
			if (*q == '\0')
				break;
		}
	}
	if (json_array_size(areas) == 0 ||
	    json_array_size(areas) > AL_MAX_AREAS) {
		*rc = sk_usage(ctx, entry, "alert send: give 1 to %d areas "
		    "(--area CODE)", AL_MAX_AREAS);
		goto fail;
	}

	/* An empty text is no text: scripts pass "$EN" that may be empty. */
	for (o = AO_TEXT_BN; o <= AO_TEXT_EN; o++) {
		if ((p = a->v[o]) == NULL || *p == '\0')
			continue;
		if (!text_utf8_valid(p, strlen(p))) {
			*rc = sk_usage(ctx, entry, "--%s: not valid UTF-8",
			    cmd_alert_opts[o].name);
			goto fail;
		}
		json_object_set_new(req, keys[o], json_string(p));
	}
	if (json_object_get(req, "text_bn") == NULL &&
	    json_object_get(req, "text_en") == NULL) {
		*rc = sk_usage(ctx, entry, "alert send: give --text-bn or "
		    "--text-en (or both)");
		goto fail;
	}

	if ((p = a->v[AO_CHANNELS]) != NULL) {
		v = json_array();
		json_object_set_new(req, "channels", v);
		dup = xstrdup(p);
		for (tok = strtok_r(dup, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			if (strcmp(tok, "sms") != 0 &&
			    strcmp(tok, "voice") != 0)
				break;
			json_array_append_new(v, json_string(tok));
		}
		free(dup);
		if (tok != NULL || json_array_size(v) == 0) {
			*rc = sk_usage(ctx, entry, "--channels: \"%s\" is not "
			    "sms, voice or sms,voice", p);
			goto fail;
		}
	}

	if ((p = a->v[AO_CONFIRM]) != NULL) {
		if ((n = sk_duration(p, AL_MAX_SPAN)) <= 0) {
			*rc = sk_usage(ctx, entry, "--confirm-within: \"%s\" "
			    "is not a number of seconds (or N with m, h, d)",
			    p);
			goto fail;
		}
		json_object_set_new(req, "confirm_within", json_integer(n));
	}
	for (o = AO_START; o <= AO_EXPIRES; o++) {
		if (a->v[o] == NULL)
			continue;
		if ((v = sk_time_arg(a->v[o], AL_MAX_SPAN, why,
		    sizeof(why))) == NULL) {
			*rc = sk_usage(ctx, entry, "--%s: %s",
			    cmd_alert_opts[o].name, why);
			goto fail;
		}
		json_object_set_new(req, keys[o], v);
	}
	if ((p = a->v[AO_SUPERSEDES]) != NULL) {
		if ((n = sk_num(p)) < 1) {
			*rc = sk_usage(ctx, entry, "--supersedes: \"%s\" is not "
			    "an alert ID", p);
			goto fail;
		}
		json_object_set_new(req, "supersedes", json_integer(n));
	}
	return req;

fail:
	json_decref(req);
	return NULL;
}

/* "alert 42 queued: 2891 messages (bn: ucs2, 48 chars, 1 part; ...)" */
static void
alert_send_print(json_t *o)
{
	json_t		*sms, *l;
	const char	*lang;
	long long	 n;
	int		 first = 1;

	n = sk_int(o, "messages");
	printf("alert %lld %s: %lld message%s", sk_int(o, "id"),
	    sk_str(o, "status", "queued"), n, al_s(n));
	sms = json_object_get(o, "sms");
	json_object_foreach(sms, lang, l) {
		if (!json_is_object(l))
			continue;
		printf("%s%s: %s, %lld char%s, %lld part%s", first ? " (" :
		    "; ", lang, sk_str(l, "encoding", "?"),
		    sk_int(l, "chars"), al_s(sk_int(l, "chars")),
		    sk_int(l, "parts"), al_s(sk_int(l, "parts")));
		first = 0;
	}
	printf("%s\n", first ? "" : ")");
	if (n == 0)
		fprintf(stderr, "sanket: alert %lld reaches nobody: no "
		    "recipients in those areas\n", sk_int(o, "id"));
}

/* --- status ------------------------------------------------------------ */

/* The per-union columns after code and name: keys and headings. */
static const char *const alert_cols[] = {
	"messages", "delivered", "submitted", "failed", "queued", "confirmed"
};

static const char *
alert_union_name(json_t *u)
{
	const char	*s = sk_str(u, "name_en", "");

	return *s != '\0' ? s : sk_str(u, "name_bn", "");
}

static void
alert_unions_print(json_t *unions)
{
	json_t	*u;
	char	**cell;
	size_t	 ncols = 2 + nitems(alert_cols), i, c, k = 0;

	cell = xcalloc((json_array_size(unions) + 1) * ncols, sizeof(*cell));
	cell[k++] = xstrdup("code");
	cell[k++] = xstrdup("name");
	for (c = 0; c < nitems(alert_cols); c++)
		cell[k++] = xstrdup(alert_cols[c]);
	json_array_foreach(unions, i, u) {
		cell[k++] = xstrdup(sk_str(u, "code", "-"));
		cell[k++] = xstrdup(alert_union_name(u));
		for (c = 0; c < nitems(alert_cols); c++)
			xasprintf(&cell[k++], "%lld", sk_int(u, alert_cols[c]));
	}
	sk_table(cell, json_array_size(unions) + 1, "llrrrrrr");
	free(cell);
}

int
alert_status_print(struct sk_ctx *ctx, json_t *o, void *arg)
{
	static const char	*fmt = "%Y-%m-%d %H:%M:%S %Z";
	static const struct {
		long long	 secs;
		char		 unit;
	} units[] = { { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' } };
	json_t			*v, *areas, *unions;
	char			 t[64];
	long long		 n;
	size_t			 i;

	printf("alert %lld  %s  priority %lld  %s%s\n", sk_int(o, "id"),
	    sk_str(o, "kind", "-"), sk_int(o, "priority"),
	    sk_str(o, "status", "-"),
	    json_is_false(json_object_get(o, "settled")) ? " (not settled)" :
	    "");
	sk_time(json_object_get(o, "created_at"), fmt, t, sizeof(t));
	printf("%-9s %s\n", "created", t);
	sk_time(json_object_get(o, "starts_at"), fmt, t, sizeof(t));
	printf("%-9s %s\n", "starts", t);
	sk_time(json_object_get(o, "expires_at"), fmt, t, sizeof(t));
	printf("%-9s %s\n", "expires", t);
	if (json_is_integer(v = json_object_get(o, "confirm_within"))) {
		n = json_integer_value(v);
		for (i = 0; i < 3 && (n <= 0 || n % units[i].secs != 0); i++)
			;
		printf("%-9s within %lld%c\n", "confirm", n / units[i].secs,
		    units[i].unit);
	}
	if (json_is_array(areas = json_object_get(o, "areas"))) {
		printf("%-9s", "areas");
		json_array_foreach(areas, i, v)
			printf("%s%s", i == 0 ? " " : ", ",
			    json_string_value(v) != NULL ?
			    json_string_value(v) : "?");
		printf("\n");
	}
	if (json_is_string(v = json_object_get(o, "text_bn")))
		printf("%-9s %s\n", "text bn", json_string_value(v));
	if (json_is_string(v = json_object_get(o, "text_en")))
		printf("%-9s %s\n", "text en", json_string_value(v));
	printf("%-9s ", "totals");
	alert_totals_print(stdout, json_object_get(o, "totals"));
	unions = json_object_get(o, "unions");
	if (json_array_size(unions) > 0) {
		printf("\n");
		alert_unions_print(unions);
	}
	return SK_EXIT_OK;
}

/* --- the verbs --------------------------------------------------------- */

static int
alert_send(struct sk_ctx *ctx, const struct cmd_entry *entry,
    const struct alert_args *args)
{
	struct alert_answer	 a;
	json_t			*body;
	long long		 id;
	int			 rc;

	if ((body = alert_send_body(ctx, entry, args, &rc)) == NULL)
		return rc;
	if (alert_request(ctx, CLIENT_POST, "/api/v1/alerts", body, &a) ==
	    -1) {
		rc = alert_answer_fail(ctx, &a, "alert send");
		goto out;
	}
	if ((id = sk_int(a.json, "id")) <= 0) {
		rc = sk_fail(ctx, "E_PROTOCOL", "alert send: the answer holds "
		    "no alert id");
		goto out;
	}
	if (!ctx->json)
		alert_send_print(a.json);
	if (args->wait)
		rc = alert_wait(ctx, id, a.json, 0);
	else {
		if (ctx->json)
			sk_json_print(a.json);
		rc = SK_EXIT_OK;
	}
out:
	alert_answer_clear(&a);
	json_decref(body);
	return rc;
}

static int
alert_cancel_print(struct sk_ctx *ctx, json_t *o, void *arg)
{
	long long	 n = sk_int(o, "stopped");

	json_t		*ac = json_object_get(o, "all_clear");

	printf("alert %lld %s: %lld message%s stopped\n", sk_int(o, "id"),
	    sk_str(o, "status", "cancelled"), n, al_s(n));
	if (json_is_object(ac) && sk_int(ac, "id") > 0)
		printf("all clear: alert %lld to the %lld people reached "
		    "(%lld SMS, %lld call%s)\n", sk_int(ac, "id"),
		    sk_int(ac, "messages") + sk_int(ac, "calls"),
		    sk_int(ac, "messages"), sk_int(ac, "calls"),
		    al_s(sk_int(ac, "calls")));
	else if (json_is_object(ac))
		printf("all clear: nobody was reached, none sent\n");
	return SK_EXIT_OK;
}

static int
alert_list_print(struct sk_ctx *ctx, json_t *o, void *arg)
{
	static const char *const head[] = {
	    "id", "kind", "status", "created", "messages", "delivered",
	    "failed"
	};
	json_t		*list, *al;
	char		**cell, t[32];
	size_t		 i, c, k = 0;

	if (!json_is_array(list = json_object_get(o, "alerts")))
		return sk_fail(ctx, "E_PROTOCOL", "alert list: the answer "
		    "holds no \"alerts\" list");
	if (json_array_size(list) == 0) {
		printf("no alerts\n");
		return SK_EXIT_OK;
	}
	cell = xcalloc((json_array_size(list) + 1) * nitems(head),
	    sizeof(*cell));
	for (c = 0; c < nitems(head); c++)
		cell[k++] = xstrdup(head[c]);
	json_array_foreach(list, i, al) {
		xasprintf(&cell[k++], "%lld", sk_int(al, "id"));
		cell[k++] = xstrdup(sk_str(al, "kind", "-"));
		cell[k++] = xstrdup(sk_str(al, "status", "-"));
		sk_time(json_object_get(al, "created_at"), "%Y-%m-%d %H:%M",
		    t, sizeof(t));
		cell[k++] = xstrdup(t);
		for (c = 4; c < nitems(head); c++)
			xasprintf(&cell[k++], "%lld", al_total(al, head[c]));
	}
	sk_table(cell, json_array_size(list) + 1, "rlllrrr");
	free(cell);
	return SK_EXIT_OK;
}

/*
 * cancel ID --all-clear [--text-bn T] [--text-en T]: the stock all-clear,
 * or these texts, to the people the alert reached (docs/api.md).
 */
static int
alert_cancel(struct sk_ctx *ctx, const struct cmd_entry *entry,
    const struct alert_args *a, long long id)
{
	json_t		*ac;
	char		 path[64];
	int		 o;

	for (o = 0; o < AO_N; o++)
		if (a->v[o] != NULL && o != AO_TEXT_BN && o != AO_TEXT_EN)
			return sk_usage(ctx, entry, "--%s is not an option of "
			    "alert cancel", cmd_alert_opts[o].name);
	if (a->nareas > 0 || a->wait || a->limit != NULL)
		return sk_usage(ctx, entry, "alert cancel takes only "
		    "--all-clear, --text-bn and --text-en");
	ac = json_object();
	for (o = AO_TEXT_BN; o <= AO_TEXT_EN; o++) {
		if (a->v[o] == NULL || a->v[o][0] == '\0')
			continue;
		if (!text_utf8_valid(a->v[o], strlen(a->v[o]))) {
			json_decref(ac);
			return sk_usage(ctx, entry, "--%s: not valid UTF-8",
			    cmd_alert_opts[o].name);
		}
		json_object_set_new(ac, o == AO_TEXT_BN ? "text_bn" :
		    "text_en", json_string(a->v[o]));
	}
	if (json_object_size(ac) == 0) {
		json_decref(ac);
		ac = json_true();
	}
	snprintf(path, sizeof(path), "/api/v1/alerts/%lld/cancel", id);
	return sk_post_json(ctx, path, json_pack("{s:o}", "all_clear", ac),
	    "alert cancel", alert_cancel_print, NULL);
}

static int
cmd_alert_exec(struct sk_ctx *ctx, const struct cmd_entry *entry, int argc,
    char **argv)
{
	struct alert_args	 a;
	const char		*verb;
	char			 path[64];
	long long		 id = 0;
	int			 ch, rc, nops;

	memset(&a, 0, sizeof(a));
	while ((ch = sk_getopt(ctx, entry, argc, argv, "", cmd_alert_opts))
	    != -1) {
		if (ch >= OPT_SEND && ch < OPT_SEND + AO_N) {
			a.v[ch - OPT_SEND] = optarg;
			if (a.send_opt == NULL)
				a.send_opt = cmd_alert_opts[ch - OPT_SEND].name;
			continue;
		}
		switch (ch) {
		case OPT_AREA:
			a.areas = xreallocarray(a.areas, a.nareas + 1,
			    sizeof(*a.areas));
			a.areas[a.nareas++] = optarg;
			if (a.send_opt == NULL)
				a.send_opt = "area";
			break;
		case OPT_WAIT:
			a.wait = 1;
			break;
		case OPT_LIMIT:
			a.limit = optarg;
			break;
		case OPT_ALLCLEAR:
			a.all_clear = 1;
			break;
		default:
			rc = sk_getopt_exit(ch);
			goto out;
		}
	}
	if ((verb = sk_verb(ctx, entry, argc, argv, "send, status, cancel or "
	    "list", &nops)) == NULL) {
		rc = SK_EXIT_USAGE;
		goto out;
	}

	if (strcmp(verb, "send") == 0) {
		if (a.all_clear)
			rc = sk_usage(ctx, entry, "--all-clear is an option "
			    "of alert cancel");
		else if (nops != 0)
			rc = sk_usage(ctx, entry, "alert send: unexpected "
			    "argument %s (quote texts with spaces)",
			    argv[optind + 1]);
		else if (a.limit != NULL)
			rc = sk_usage(ctx, entry, "--limit is for alert list");
		else
			rc = alert_send(ctx, entry, &a);
		goto out;
	}
	if (strcmp(verb, "list") == 0) {
		if (nops != 0 || a.send_opt != NULL || a.wait || a.all_clear)
			rc = sk_usage(ctx, entry, "alert list takes only "
			    "--limit N");
		else
			rc = sk_list(ctx, entry, a.limit, AL_MAX_LIMIT,
			    "/api/v1/alerts", alert_list_print);
		goto out;
	}
	if (strcmp(verb, "status") != 0 && strcmp(verb, "cancel") != 0) {
		rc = sk_usage(ctx, entry, "alert: unknown verb %s", verb);
		goto out;
	}

	/* status ID [--wait], cancel ID [--all-clear [texts]] */
	if (nops != 1 || (id = sk_num(argv[optind + 1])) < 1) {
		rc = sk_usage(ctx, entry, "alert %s takes one alert ID (a "
		    "number)", verb);
		goto out;
	}
	if (strcmp(verb, "cancel") == 0 && a.all_clear) {
		rc = alert_cancel(ctx, entry, &a, id);
		goto out;
	}
	if (a.all_clear) {
		rc = sk_usage(ctx, entry, "--all-clear is an option of alert "
		    "cancel");
		goto out;
	}
	if (a.send_opt != NULL || a.limit != NULL) {
		rc = sk_usage(ctx, entry, "--%s is not an option of alert %s",
		    a.send_opt != NULL ? a.send_opt : "limit", verb);
		goto out;
	}
	if (strcmp(verb, "cancel") == 0) {
		if (a.wait) {
			rc = sk_usage(ctx, entry, "--wait is not an option of "
			    "alert cancel");
			goto out;
		}
		snprintf(path, sizeof(path), "/api/v1/alerts/%lld/cancel", id);
		rc = sk_call(ctx, CLIENT_POST, path, NULL, NULL, 0,
		    "alert cancel", alert_cancel_print, NULL);
		goto out;
	}
	if (a.wait)
		rc = alert_wait(ctx, id, NULL, 1);
	else {
		snprintf(path, sizeof(path), "/api/v1/alerts/%lld", id);
		rc = sk_call(ctx, CLIENT_GET, path, NULL, NULL, 0,
		    "alert status", alert_status_print, NULL);
	}
out:
	free(a.areas);
	return rc;
}
