/*
 * cmd-status.c: `sanket status`: GET /api/v1/status and show it as a
 * table (version, schema, uptime, areas per level, recipients, Kannel,
 * the token in use).  --json prints the API's object unchanged.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "sanket.h"

static int	cmd_status_exec(struct sk_ctx *, const struct cmd_entry *,
		    int, char **);

const struct cmd_entry cmd_status_entry = {
	"status",
	"status",
	"show the daemon's version, uptime, areas, recipients, Kannel",
	cmd_status_exec
};

static void
cmd_status_uptime(json_int_t s, char *buf, size_t len)
{
	if (s >= 86400)
		snprintf(buf, len, "%lldd %lldh %lldm", (long long)s / 86400,
		    (long long)(s % 86400) / 3600, (long long)(s % 3600) / 60);
	else if (s >= 3600)
		snprintf(buf, len, "%lldh %lldm %llds", (long long)s / 3600,
		    (long long)(s % 3600) / 60, (long long)s % 60);
	else if (s >= 60)
		snprintf(buf, len, "%lldm %llds", (long long)s / 60,
		    (long long)s % 60);
	else
		snprintf(buf, len, "%llds", (long long)s);
}

static void
cmd_status_print(json_t *st)
{
	static const char *const levels[] = {
	    "division", "district", "upazila", "union"
	};
	static const char *const plural[] = {
	    "divisions", "districts", "upazilas", "unions"
	};
	json_t		*areas, *tok, *v;
	char		 up[64];
	const char	*scope;
	size_t		 i;

	printf("%-11s %s\n", "version", sk_str(st, "version", "-"));
	printf("%-11s %lld\n", "schema",
	    (long long)json_integer_value(json_object_get(st, "schema")));
	cmd_status_uptime(json_integer_value(json_object_get(st, "uptime")),
	    up, sizeof(up));
	printf("%-11s %s\n", "uptime", up);
	areas = json_object_get(st, "areas");
	printf("%-11s", "areas");
	for (i = 0; i < nitems(levels); i++) {
		v = json_object_get(areas, levels[i]);
		printf("%s %lld %s", i == 0 ? "" : ",",
		    (long long)json_integer_value(v), plural[i]);
	}
	printf("\n");
	printf("%-11s %lld\n", "recipients", (long long)
	    json_integer_value(json_object_get(st, "recipients")));
	printf("%-11s %s\n", "kannel", sk_str(st, "kannel", "-"));
	if (json_is_object(tok = json_object_get(st, "token"))) {
		scope = json_string_value(json_object_get(tok, "scope"));
		printf("%-11s #%lld %s, %s%s\n", "token", (long long)
		    json_integer_value(json_object_get(tok, "id")),
		    sk_str(tok, "role", "-"),
		    scope != NULL ? "scope " : "national",
		    scope != NULL ? scope : "");
	}
}

static int
cmd_status_show(struct sk_ctx *ctx, json_t *o, void *arg)
{
	cmd_status_print(o);
	return SK_EXIT_OK;
}

static int
cmd_status_exec(struct sk_ctx *ctx, const struct cmd_entry *entry,
    int argc, char **argv)
{
	int	 ch;

	/* No options of its own: anything but the end is -h or an error. */
	if ((ch = sk_getopt(ctx, entry, argc, argv, "", NULL)) != -1)
		return sk_getopt_exit(ch);
	if (optind != argc)
		return sk_usage(ctx, entry, "unexpected argument: %s",
		    argv[optind]);
	return sk_call(ctx, CLIENT_GET, "/api/v1/status", NULL, NULL, 0,
	    "status", cmd_status_show, NULL);
}
