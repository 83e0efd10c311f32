/*
 * cmd-spot.c: `sanket spot upload FILE [--name NAME] [--format ulaw|alaw]`
 * and `sanket spot show ID`, over POST /api/v1/spots and
 * GET /api/v1/spots/{id} (docs/api.md "Spots").
 *
 * The file goes up as it is (any format the server's libsndfile reads);
 * the server decodes, normalises and keeps both the original and the
 * prepared G.711 cache, and answers with its measurements, which are
 * printed as "spot 7 "cyclone-bn": 42.10 s, -19.0 LUFS (was -24.3),
 * peak -3.1 dBTP, ulaw, 2105 frames".  The whole file is read into memory
 * first (at most SPOT_MAX_FILE bytes; the server's [gateway] max_body
 * decides what it accepts).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "log.h"
#include "sanket.h"
#include "xmalloc.h"

#define SPOT_MAX_FILE	((size_t)256 * 1024 * 1024)

static int	cmd_spot_exec(struct sk_ctx *, const struct cmd_entry *, int,
		    char **);

const struct cmd_entry cmd_spot_entry = {
	"spot",
	"spot upload FILE [--name NAME] [--format ulaw|alaw]\n"
	"spot show ID",
	"upload a voice spot (stored and prepared by sanketd), show one",
	cmd_spot_exec
};

#define OPT_NAME	0x2001
#define OPT_FORMAT	0x2002

static const struct option cmd_spot_opts[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ NULL, 0, NULL, 0 }
};

static double
spot_num(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static int
spot_print(struct sk_ctx *ctx, json_t *o, void *arg)
{
	const char	*name, *codec;

	name = json_string_value(json_object_get(o, "name"));
	codec = json_string_value(json_object_get(o, "codec"));
	printf("spot %lld \"%s\": %.2f s, %.1f LUFS (was %.1f), peak %.1f "
	    "dBTP, %s, %lld frames\n",
	    (long long)json_integer_value(json_object_get(o, "id")),
	    name != NULL ? name : "", spot_num(o, "seconds"),
	    spot_num(o, "lufs_after"), spot_num(o, "lufs_before"),
	    spot_num(o, "true_peak"), codec != NULL ? codec : "?",
	    (long long)json_integer_value(json_object_get(o, "frames")));
	if (spot_num(json_object_get(o, "source"), "clipped") > 0.001)
		printf("warning: the source is clipped (%.1f %% of samples at "
		    "full scale)\n", 100 *
		    spot_num(json_object_get(o, "source"), "clipped"));
	return SK_EXIT_OK;
}

static int
spot_upload(struct sk_ctx *ctx, const char *file, const char *name,
    const char *format)
{
	const char	*base;
	char		*body = NULL, *enc, *path;
	size_t		 len = 0;
	int		 rc;

	if ((rc = sk_slurp(ctx, file, SPOT_MAX_FILE, &body, &len)) !=
	    SK_EXIT_OK)
		return rc;
	if (name == NULL) {
		base = strrchr(file, '/');
		name = base != NULL ? base + 1 : file;
	}
	if ((enc = evhttp_uriencode(name, -1, 0)) == NULL)
		fatalx("%s: evhttp_uriencode", __func__);
	xasprintf(&path, "/api/v1/spots?name=%s&format=%s", enc, format);
	free(enc);
	rc = sk_call(ctx, CLIENT_POST, path, "application/octet-stream", body,
	    len, "spots", spot_print, NULL);
	free(path);
	free(body);
	return rc;
}

static int
cmd_spot_exec(struct sk_ctx *ctx, const struct cmd_entry *entry, int argc,
    char **argv)
{
	const char	*name = NULL, *format = "ulaw", *verb;
	int		 ch, nops;

	while ((ch = sk_getopt(ctx, entry, argc, argv, "", cmd_spot_opts))
	    != -1) {
		switch (ch) {
		case OPT_NAME:
			name = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "ulaw") != 0 &&
			    strcmp(optarg, "alaw") != 0)
				return sk_usage(ctx, entry, "--format: ulaw or "
				    "alaw, not \"%s\"", optarg);
			format = optarg;
			break;
		default:
			return sk_getopt_exit(ch);
		}
	}
	if ((verb = sk_verb(ctx, entry, argc, argv, "upload or show",
	    &nops)) == NULL)
		return SK_EXIT_USAGE;
	if (strcmp(verb, "upload") == 0) {
		if (nops != 1)
			return sk_usage(ctx, entry, "spot upload takes one "
			    "FILE");
		return spot_upload(ctx, argv[optind + 1], name, format);
	}
	if (strcmp(verb, "show") == 0) {
		if (nops != 1 || name != NULL)
			return sk_usage(ctx, entry, "spot show takes one ID");
		return sk_show(ctx, "/api/v1/spots/", argv[optind + 1],
		    "spots", spot_print);
	}
	return sk_usage(ctx, entry, "spot: unknown verb %s", verb);
}
