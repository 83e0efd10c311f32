/*
 * cmd-areas.c: `sanket areas import FILE|- [--dry-run]`,
 * `sanket areas import --bd-geo DIR [--dry-run]` and `sanket areas show
 * CODE`.
 *
 * An areas import is all or nothing on the server, so the whole file goes
 * in one request: POST /api/v1/areas, text/csv, columns
 * code,parent,level,name_en,name_bn (docs/api.md).
 *
 * --bd-geo DIR converts the Bangladesh geography of
 * github.com/nuhil/bangladesh-geocode on the fly: four headerless CSV files
 *
 *	divisions.csv	id,name,bn_name,url
 *	districts.csv	id,division_id,name,bn_name,lat,lon,url
 *	upazilas.csv	id,district_id,name,bn_name,url
 *	unions.csv	id,upazilla_id,name,bn_name,url
 *
 * That dataset has its own sequential ids, not BBS geocodes, so the codes
 * are derived, each level appending its zero-padded id to its parent's
 * code:
 *
 *	division	%02d of its id			"01"
 *	district	division code + %02d of id	"0101"
 *	upazila		district code + %03d of id	"0101001"
 *	union		upazila code + %04d of id	"01010010001"
 *
 * A code thus names its whole path, and ids too big for their width are
 * refused rather than silently made ambiguous.  The mapping is stable as
 * long as the dataset's ids are (docs/areas-import.md).  Parent ids must
 * exist in the level above; ids must be unique per level.  Names are sent
 * as they are: the server cleans them (NFC, stray tabs and direction
 * marks).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "csv.h"
#include "log.h"
#include "sanket.h"
#include "xmalloc.h"

static int	cmd_areas_exec(struct sk_ctx *, const struct cmd_entry *, int,
		    char **);

const struct cmd_entry cmd_areas_entry = {
	"areas",
	"areas import FILE|- [--dry-run]\n"
	"areas import --bd-geo DIR [--dry-run]\n"
	"areas show CODE",
	"import administrative areas (CSV or bd-geo), show one",
	cmd_areas_exec
};

#define OPT_DRY_RUN	0x2001
#define OPT_BD_GEO	0x2002

static const struct option cmd_areas_opts[] = {
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "bd-geo", required_argument, NULL, OPT_BD_GEO },
	{ NULL, 0, NULL, 0 }
};

/* Refuse bigger files. */
#define AREAS_FILE_MAX	((size_t)1024 * 1024 * 1024)
#define AREAS_HEADER	"code,parent,level,name_en,name_bn\n"

/* --- bd-geo conversion ------------------------------------------------ */

#define BDGEO_CODE	16	/* longest code: 11 digits */

struct bdgeo_level {
	const char	*file;
	const char	*level;		/* our level name */
	const char	*what;		/* in messages */
	size_t		 nfields;
	int		 parent;	/* field with the parent id, -1 none */
	size_t		 name_en;
	size_t		 name_bn;
	int		 width;		/* digits this level appends */
	long		 max;		/* largest id that fits */
};

static const struct bdgeo_level bdgeo_levels[] = {
	{ "divisions.csv", "division", "division", 4, -1, 1, 2, 2, 99 },
	{ "districts.csv", "district", "district", 7, 1, 2, 3, 2, 99 },
	{ "upazilas.csv", "upazila", "upazila", 5, 1, 2, 3, 3, 999 },
	{ "unions.csv", "union", "union", 5, 1, 2, 3, 4, 9999 }
};
#define BDGEO_NLEVELS	nitems(bdgeo_levels)

struct bdgeo {
	const char	*path;			/* file being read */
	size_t		 lv;			/* index in bdgeo_levels */
	char		(*codes[BDGEO_NLEVELS])[BDGEO_CODE];	/* by id */
	size_t		 count[BDGEO_NLEVELS];
	FILE		*out;			/* the CSV we build */
	char		 err[512];
};

static int
bdgeo_id(const char *s, long max, long *out)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || n < 1 || n > max)
		return -1;
	*out = n;
	return 0;
}

static int
bdgeo_row_cb(void *arg, size_t row, char **f, size_t n)
{
	struct bdgeo			*g = arg;
	const struct bdgeo_level	*l = &bdgeo_levels[g->lv];
	const char			*parent = "";
	char				*out[5], *line;
	char				 code[BDGEO_CODE];
	long				 id, pid;
	size_t				 len;

	if (n != l->nfields) {
		snprintf(g->err, sizeof(g->err), "%s: row %zu: %zu fields, "
		    "expected %zu", g->path, row, n, l->nfields);
		return -1;
	}
	if (bdgeo_id(f[0], l->max, &id) == -1) {
		snprintf(g->err, sizeof(g->err), "%s: row %zu: %s id \"%s\" "
		    "is not a number in 1..%ld", g->path, row, l->what, f[0],
		    l->max);
		return -1;
	}
	if (g->codes[g->lv][id][0] != '\0') {
		snprintf(g->err, sizeof(g->err), "%s: row %zu: %s id %ld "
		    "appears twice", g->path, row, l->what, id);
		return -1;
	}
	if (l->parent != -1) {
		if (bdgeo_id(f[l->parent], bdgeo_levels[g->lv - 1].max,
		    &pid) == -1 || g->codes[g->lv - 1][pid][0] == '\0') {
			snprintf(g->err, sizeof(g->err), "%s: row %zu: "
			    "unknown %s id \"%s\"", g->path, row,
			    bdgeo_levels[g->lv - 1].what, f[l->parent]);
			return -1;
		}
		parent = g->codes[g->lv - 1][pid];
	}
	snprintf(code, sizeof(code), "%s%0*ld", parent, l->width, id);
	strlcpy_sk(g->codes[g->lv][id], code, BDGEO_CODE);
	g->count[g->lv]++;

	out[0] = code;
	out[1] = (char *)parent;
	out[2] = (char *)l->level;
	out[3] = f[l->name_en];
	out[4] = f[l->name_bn];
	line = csv_format_row(out, 5, &len);
	fwrite(line, 1, len, g->out);
	free(line);
	return 0;
}

static int
bdgeo_read(struct bdgeo *g, const char *dir)
{
	struct csv	*p;
	FILE		*f;
	char		 buf[65536], *path;
	size_t		 n;
	int		 rc = -1;

	xasprintf(&path, "%s/%s", dir, bdgeo_levels[g->lv].file);
	g->path = path;
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(g->err, sizeof(g->err), "%s: %s", path,
		    strerror(errno));
		free(path);
		return -1;
	}
	p = csv_new(bdgeo_row_cb, g);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (csv_feed(p, buf, n) == -1)
			goto out;
	if (ferror(f)) {
		snprintf(g->err, sizeof(g->err), "%s: %s", path,
		    strerror(errno));
		goto out;
	}
	if (csv_finish(p) == -1)
		goto out;
	if (g->count[g->lv] == 0) {
		snprintf(g->err, sizeof(g->err), "%s: no rows", path);
		goto out;
	}
	rc = 0;
out:
	if (rc == -1 && g->err[0] == '\0')
		snprintf(g->err, sizeof(g->err), "%s: %s", path,
		    csv_error(p) != NULL ? csv_error(p) : "cannot read");
	csv_free(p);
	fclose(f);
	free(path);
	g->path = NULL;
	return rc;
}

/*
 * Convert DIR into one CSV body in *buf (caller frees).  0, or -1 with
 * err filled.  counts[] gets the rows per level.
 */
static int
bdgeo_convert(const char *dir, char **buf, size_t *len,
    size_t counts[BDGEO_NLEVELS], char *err, size_t errlen)
{
	struct bdgeo	 g;
	size_t		 i;
	int		 rc = -1;

	memset(&g, 0, sizeof(g));
	*buf = NULL;
	*len = 0;
	if ((g.out = open_memstream(buf, len)) == NULL) {
		snprintf(err, errlen, "open_memstream: %s", strerror(errno));
		return -1;
	}
	fputs(AREAS_HEADER, g.out);
	for (i = 0; i < BDGEO_NLEVELS; i++)
		g.codes[i] = xcalloc(bdgeo_levels[i].max + 1, BDGEO_CODE);
	for (g.lv = 0; g.lv < BDGEO_NLEVELS; g.lv++)
		if (bdgeo_read(&g, dir) == -1)
			goto out;
	rc = 0;
out:
	if (fclose(g.out) == EOF && rc == 0) {
		snprintf(g.err, sizeof(g.err), "out of memory");
		rc = -1;
	}
	for (i = 0; i < BDGEO_NLEVELS; i++) {
		free(g.codes[i]);
		counts[i] = g.count[i];
	}
	if (rc == -1) {
		strlcpy_sk(err, g.err, errlen);
		free(*buf);
		*buf = NULL;
	}
	return rc;
}

/* --- import and show -------------------------------------------------- */

static int
areas_print_report(struct sk_ctx *ctx, json_t *a, void *arg)
{
	printf("areas: %lld rows, %lld created, %lld updated, %lld "
	    "unchanged%s\n",
	    (long long)json_integer_value(json_object_get(a, "rows")),
	    (long long)json_integer_value(json_object_get(a, "created")),
	    (long long)json_integer_value(json_object_get(a, "updated")),
	    (long long)json_integer_value(json_object_get(a, "unchanged")),
	    json_is_true(json_object_get(a, "dry_run")) ?
	    " (dry run: nothing written)" : "");
	return SK_EXIT_OK;
}

static int
areas_post(struct sk_ctx *ctx, const char *body, size_t len, int dry_run)
{
	return sk_call(ctx, CLIENT_POST, dry_run ? "/api/v1/areas?dry_run=1" :
	    "/api/v1/areas", "text/csv; charset=utf-8", body, len, "areas",
	    areas_print_report, NULL);
}

static int
areas_import(struct sk_ctx *ctx, const char *file, const char *bdgeo,
    int dry_run)
{
	size_t	 counts[BDGEO_NLEVELS], len;
	char	*body, err[1024];
	int	 rc;

	if (bdgeo != NULL) {
		if (bdgeo_convert(bdgeo, &body, &len, counts, err,
		    sizeof(err)) == -1)
			return sk_fail(ctx, "E_BAD_CSV", "%s", err);
		if (!ctx->json)
			fprintf(stderr, "%s: %zu divisions, %zu districts, "
			    "%zu upazilas, %zu unions\n", bdgeo, counts[0],
			    counts[1], counts[2], counts[3]);
	} else if (sk_slurp(ctx, file, AREAS_FILE_MAX, &body, &len) !=
	    SK_EXIT_OK)
		return SK_EXIT_FAIL;
	rc = areas_post(ctx, body, len, dry_run);
	free(body);
	return rc;
}

static void
areas_print_area(json_t *a)
{
	json_t		*children, *c;
	const char	*parent;
	size_t		 i;

	printf("%-9s %s\n", "code", sk_str(a, "code", ""));
	printf("%-9s %s\n", "level", sk_str(a, "level", ""));
	printf("%-9s %s\n", "name_en", sk_str(a, "name_en", ""));
	printf("%-9s %s\n", "name_bn", sk_str(a, "name_bn", ""));
	parent = json_string_value(json_object_get(a, "parent"));
	printf("%-9s %s\n", "parent", parent != NULL && *parent != '\0' ?
	    parent : "-");
	if (json_is_integer(json_object_get(a, "unions")))
		printf("%-9s %lld\n", "unions", (long long)
		    json_integer_value(json_object_get(a, "unions")));
	children = json_object_get(a, "children");
	if (json_array_size(children) == 0)
		return;
	printf("children (%zu):\n", json_array_size(children));
	json_array_foreach(children, i, c)
		printf("  %-12s %-9s %s  %s\n", sk_str(c, "code", ""),
		    sk_str(c, "level", ""), sk_str(c, "name_en", ""),
		    sk_str(c, "name_bn", ""));
}

static int
areas_show_print(struct sk_ctx *ctx, json_t *o, void *arg)
{
	areas_print_area(o);
	return SK_EXIT_OK;
}

static int
areas_show(struct sk_ctx *ctx, const char *code)
{
	return sk_show(ctx, "/api/v1/areas/", code, "areas", areas_show_print);
}

static int
cmd_areas_exec(struct sk_ctx *ctx, const struct cmd_entry *entry, int argc,
    char **argv)
{
	const char	*bdgeo = NULL, *verb;
	int		 ch, dry_run = 0, nops;

	while ((ch = sk_getopt(ctx, entry, argc, argv, "", cmd_areas_opts))
	    != -1) {
		switch (ch) {
		case OPT_DRY_RUN:
			dry_run = 1;
			break;
		case OPT_BD_GEO:
			bdgeo = optarg;
			break;
		default:
			return sk_getopt_exit(ch);
		}
	}
	if ((verb = sk_verb(ctx, entry, argc, argv, "import or show",
	    &nops)) == NULL)
		return SK_EXIT_USAGE;
	if (strcmp(verb, "import") == 0) {
		if (bdgeo != NULL && nops == 0)
			return areas_import(ctx, NULL, bdgeo, dry_run);
		if (bdgeo == NULL && nops == 1)
			return areas_import(ctx, argv[optind + 1], NULL,
			    dry_run);
		return sk_usage(ctx, entry, "areas import takes FILE or "
		    "--bd-geo DIR");
	}
	if (strcmp(verb, "show") == 0) {
		if (nops != 1 || bdgeo != NULL || dry_run)
			return sk_usage(ctx, entry, "areas show takes one "
			    "CODE");
		return areas_show(ctx, argv[optind + 1]);
	}
	return sk_usage(ctx, entry, "areas: unknown verb %s", verb);
}
