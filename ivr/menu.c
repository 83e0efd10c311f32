/*
 * menu.c: the hotline menu (see ivr.h), read once from an INI file with
 * inih into typed fields.  One table names every key a section may hold;
 * anything else is an error.  Every error is "FILE:LINE: message" and the
 * load either returns the whole menu or nothing.
 *
 * inih does not tell a handler its line, so the file is fed through
 * menu_reader, which counts lines and sees section headers as they go by:
 *
 *	menu_reader --"[...]"--> menu_section_end (checks the section just
 *	    finished) --> menu_section_begin (names the new one)
 *	inih --key = value--> menu_handler (table lookup, typed parse)
 *	EOF --> menu_section_end --> menu_resolve (submenu names, top menu)
 *
 * The reader stops feeding inih at the first error, so the message always
 * names the first problem in file order.  Empty sections are seen too,
 * which inih alone would skip.
 */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ivr.h"
#include "xmalloc.h"

#define MENU_KEYCHARS	"0123456789*#"

/* What a section may hold: one row per key (after gateway/conf.c). */
enum menu_field {
	F_GREETING, F_INVALID, F_GOODBYE, F_TIMEOUT, F_RETRIES,
	F_ACTION, F_PROMPT, F_MAXSEC, F_MENU, F_OUTCOME, F_QUANTITY,
	F_N
};

enum menu_sect {
	S_NONE,			/* before the first header */
	S_PAGE,			/* [menu] or [menu NAME] */
	S_KEY			/* [key K] or [key NAME K] */
};

enum menu_type {
	MT_PROMPT, MT_INT, MT_ACTION, MT_NAME
};

static const struct menu_field_def {
	const char	*name;
	enum menu_sect	 sect;
	enum menu_type	 type;
	int		 min, max;
} menu_fields[F_N] = {
	[F_GREETING] = { "greeting", S_PAGE, MT_PROMPT, 0, 0 },
	[F_INVALID] = { "invalid", S_PAGE, MT_PROMPT, 0, 0 },
	[F_GOODBYE] = { "goodbye", S_PAGE, MT_PROMPT, 0, 0 },
	[F_TIMEOUT] = { "timeout", S_PAGE, MT_INT, 1, 60 },
	[F_RETRIES] = { "retries", S_PAGE, MT_INT, 0, 10 },
	[F_ACTION] = { "action", S_KEY, MT_ACTION, 0, 0 },
	[F_PROMPT] = { "prompt", S_KEY, MT_PROMPT, 0, 0 },
	[F_MAXSEC] = { "max_seconds", S_KEY, MT_INT, 1, 600 },
	[F_MENU] = { "menu", S_KEY, MT_NAME, 0, 0 },
	[F_OUTCOME] = { "outcome_prompt", S_KEY, MT_PROMPT, 0, 0 },
	[F_QUANTITY] = { "quantity_prompt", S_KEY, MT_PROMPT, 0, 0 },
};

static const char *const menu_actions[] = {
	[IVR_ACT_NONE] = "none",
	[IVR_ACT_PLAY] = "play",
	[IVR_ACT_WARNING] = "warning",
	[IVR_ACT_RELIEF] = "relief",
	[IVR_ACT_GRIEVANCE] = "grievance",
	[IVR_ACT_SPOT] = "spot",
	[IVR_ACT_REPEAT] = "repeat",
	[IVR_ACT_MENU] = "menu",
	[IVR_ACT_BACK] = "back",
	[IVR_ACT_HANGUP] = "hangup",
};
#define MENU_NACTIONS	(int)(sizeof(menu_actions) / sizeof(menu_actions[0]))

struct menu_ref {
	char		 name[IVR_MENU_NAME_MAX];
	int		 line;		/* 0: no menu = in this key */
};

struct menu_ctx {
	struct ivr_menu	*m;
	FILE		*f;
	int		 nl;		/* newlines read so far */
	int		 line;		/* line inih is working on */
	char		 err[256];
	int		 err_line;	/* 0: no error yet */
	enum menu_sect	 sect;
	int		 page;		/* current page */
	int		 key;		/* current key index (S_KEY) */
	int		 sect_line;
	int		 seen[F_N];	/* line of each key in this section */
	int		 key_line[IVR_MENU_MAX][IVR_MENU_KEYS];
	struct menu_ref	 ref[IVR_MENU_MAX][IVR_MENU_KEYS];
};

static void __attribute__((format(printf, 3, 4)))
menu_err(struct menu_ctx *ctx, int line, const char *fmt, ...)
{
	va_list	 ap;

	if (ctx->err_line != 0 && ctx->err_line <= line)
		return;
	ctx->err_line = line;
	va_start(ap, fmt);
	vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
	va_end(ap);
}

const char *
ivr_action_name(enum ivr_action a)
{
	if ((int)a < 0 || (int)a >= MENU_NACTIONS)
		return "?";
	return menu_actions[a];
}

static int
menu_keyidx(char c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(MENU_KEYCHARS, c)) == NULL)
		return -1;
	return p - MENU_KEYCHARS;
}

const struct ivr_menu_key *
ivr_menu_key(const struct ivr_menu *m, int page, char key)
{
	int	 i;

	if (m == NULL || page < 0 || page >= m->nmenus ||
	    (i = menu_keyidx(key)) == -1 ||
	    m->menus[page].keys[i].action == IVR_ACT_NONE)
		return NULL;
	return &m->menus[page].keys[i];
}

int
ivr_menu_find(const struct ivr_menu *m, const char *name)
{
	int	 i;

	for (i = 0; i < m->nmenus; i++)
		if (strcmp(m->menus[i].name, name) == 0)
			return i;
	return -1;
}

void
ivr_menu_free(struct ivr_menu *m)
{
	struct ivr_menu_page	*p;
	int			 i, k;

	if (m == NULL)
		return;
	for (i = 0; i < IVR_MENU_MAX; i++) {
		p = &m->menus[i];
		free(p->greeting);
		free(p->invalid);
		free(p->goodbye);
		for (k = 0; k < IVR_MENU_KEYS; k++) {
			free(p->keys[k].prompt);
			free(p->keys[k].outcome_prompt);
			free(p->keys[k].quantity_prompt);
		}
	}
	free(m->path);
	free(m->dir);
	free(m);
}

/* Submenu names: 1-31 of a-z 0-9 _ -. */
static int
menu_name_ok(const char *s)
{
	size_t	 n = strlen(s);

	if (n == 0 || n >= IVR_MENU_NAME_MAX)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* A prompt path: relative, no ".." component, joined to the menu's dir. */
static char *
menu_prompt(struct menu_ctx *ctx, const char *key, const char *v)
{
	const char	*p;
	size_t		 n;
	char		*out;

	if (*v == '\0') {
		menu_err(ctx, ctx->line, "%s: empty path", key);
		return NULL;
	}
	if (*v == '/') {
		menu_err(ctx, ctx->line, "%s: \"%s\" must be relative to the "
		    "menu file's directory", key, v);
		return NULL;
	}
	for (p = v; *p != '\0'; p += n + (p[n] == '/')) {
		n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			menu_err(ctx, ctx->line, "%s: \"%s\" leaves the menu "
			    "file's directory", key, v);
			return NULL;
		}
	}
	xasprintf(&out, "%s/%s", ctx->m->dir, v);
	return out;
}

/* Checks the section that just ended (at EOF, or before line "line"). */
static void
menu_section_end(struct menu_ctx *ctx)
{
	struct ivr_menu_page	*p = &ctx->m->menus[ctx->page];
	struct ivr_menu_key	*k;
	enum ivr_action		 a;
	int			 al = ctx->seen[F_ACTION];

	switch (ctx->sect) {
	case S_NONE:
		return;
	case S_PAGE:
		if (p->greeting == NULL)
			menu_err(ctx, ctx->sect_line, "[menu%s%s] needs a "
			    "greeting", p->name[0] ? " " : "", p->name);
		return;
	case S_KEY:
		break;
	}
	k = &p->keys[ctx->key];
	a = k->action;
	if (a == IVR_ACT_NONE) {
		menu_err(ctx, ctx->sect_line, "[key%s%s %c] needs an action",
		    p->name[0] ? " " : "", p->name, MENU_KEYCHARS[ctx->key]);
		return;
	}
	if (a == IVR_ACT_PLAY && k->prompt == NULL)
		menu_err(ctx, al, "action = play needs a prompt");
	if (a == IVR_ACT_MENU && ctx->seen[F_MENU] == 0)
		menu_err(ctx, al, "action = menu needs menu = NAME");
	if (a == IVR_ACT_BACK && ctx->page == 0)
		menu_err(ctx, al, "action = back is only for submenus");
	if (a != IVR_ACT_GRIEVANCE && ctx->seen[F_MAXSEC] != 0)
		menu_err(ctx, ctx->seen[F_MAXSEC], "max_seconds is only for "
		    "action = grievance");
	if (a != IVR_ACT_MENU && ctx->seen[F_MENU] != 0)
		menu_err(ctx, ctx->seen[F_MENU], "menu is only for "
		    "action = menu");
	if (a != IVR_ACT_RELIEF && ctx->seen[F_OUTCOME] != 0)
		menu_err(ctx, ctx->seen[F_OUTCOME], "outcome_prompt is only "
		    "for action = relief");
	if (a != IVR_ACT_RELIEF && ctx->seen[F_QUANTITY] != 0)
		menu_err(ctx, ctx->seen[F_QUANTITY], "quantity_prompt is only "
		    "for action = relief");
}

/* A header "[name]" at ctx->line: end the old section, start this one. */
static void
menu_section_begin(struct menu_ctx *ctx, const char *name)
{
	struct ivr_menu		*m = ctx->m;
	struct ivr_menu_page	*p;
	const char		*rest, *sp;
	char			 pname[IVR_MENU_NAME_MAX];
	int			 line = ctx->line, i, k;

	menu_section_end(ctx);
	memset(ctx->seen, 0, sizeof(ctx->seen));
	ctx->sect = S_NONE;
	ctx->sect_line = line;
	if (strcmp(name, "menu") == 0) {
		if (m->menus[0].line != 0) {
			menu_err(ctx, line, "duplicate [menu] (first at line "
			    "%d)", m->menus[0].line);
			return;
		}
		m->menus[0].line = line;
		ctx->sect = S_PAGE;
		ctx->page = 0;
		return;
	}
	if (strncmp(name, "menu ", 5) == 0) {
		rest = name + 5;
		if (!menu_name_ok(rest)) {
			menu_err(ctx, line, "bad menu name \"%s\": use 1-%d of "
			    "a-z 0-9 _ -", rest, IVR_MENU_NAME_MAX - 1);
			return;
		}
		if ((i = ivr_menu_find(m, rest)) != -1) {
			menu_err(ctx, line, "duplicate [menu %s] (first at "
			    "line %d)", rest, m->menus[i].line);
			return;
		}
		if (m->nmenus == IVR_MENU_MAX) {
			menu_err(ctx, line, "more than %d menus",
			    IVR_MENU_MAX);
			return;
		}
		p = &m->menus[m->nmenus];
		strlcpy_sk(p->name, rest, sizeof(p->name));
		p->line = line;
		p->timeout = 5;
		p->retries = 2;
		ctx->page = m->nmenus++;
		ctx->sect = S_PAGE;
		return;
	}
	if (strncmp(name, "key ", 4) != 0) {
		menu_err(ctx, line, "unknown section [%s]", name);
		return;
	}
	rest = name + 4;
	i = 0;
	if ((sp = strrchr(rest, ' ')) != NULL) {
		if ((size_t)(sp - rest) >= sizeof(pname)) {
			menu_err(ctx, line, "no [menu %s] above this line",
			    rest);
			return;
		}
		memcpy(pname, rest, sp - rest);
		pname[sp - rest] = '\0';
		if ((i = ivr_menu_find(m, pname)) <= 0) {
			menu_err(ctx, line, "no [menu %s] above this line",
			    pname);
			return;
		}
		rest = sp + 1;
	}
	if (strlen(rest) != 1 || (k = menu_keyidx(rest[0])) == -1) {
		menu_err(ctx, line, "bad key \"%s\": use 0-9, * or #", rest);
		return;
	}
	if (ctx->key_line[i][k] != 0) {
		menu_err(ctx, line, "duplicate [%s] (first at line %d)", name,
		    ctx->key_line[i][k]);
		return;
	}
	ctx->key_line[i][k] = line;
	m->menus[i].keys[k].line = line;
	m->menus[i].keys[k].max_seconds = 60;
	m->menus[i].keys[k].submenu = -1;
	ctx->page = i;
	ctx->key = k;
	ctx->sect = S_KEY;
}

/* fgets for inih that counts lines and spots section headers. */
static char *
menu_reader(char *buf, int num, void *arg)
{
	struct menu_ctx	*ctx = arg;
	char		*s, *e;
	size_t		 len;

	if (ctx->err_line != 0 || fgets(buf, num, ctx->f) == NULL)
		return NULL;
	ctx->line = ctx->nl + 1;
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == '\n')
		ctx->nl++;
	else if (!feof(ctx->f)) {
		/* inih would count the rest as another line. */
		menu_err(ctx, ctx->line, "line longer than %d bytes",
		    num - 2);
		return NULL;
	}
	s = buf;
	if (ctx->line == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	s += strspn(s, " \t");
	if (*s == '[' && (e = strchr(s, ']')) != NULL) {
		char	 name[INI_MAX_LINE];

		len = e - s - 1;
		if (len >= sizeof(name))
			len = sizeof(name) - 1;
		memcpy(name, s + 1, len);
		name[len] = '\0';
		menu_section_begin(ctx, name);
	}
	return buf;
}

static int
menu_handler(void *arg, const char *section, const char *key, const char *v)
{
	struct menu_ctx			*ctx = arg;
	const struct menu_field_def	*d = NULL;
	struct ivr_menu_page		*p = &ctx->m->menus[ctx->page];
	struct ivr_menu_key		*k = &p->keys[ctx->key];
	long long			 n;
	char				*end, **dst = NULL;
	int				 f, i;

	if (ctx->sect == S_NONE) {
		if (ctx->err_line == 0)
			menu_err(ctx, ctx->line, "%s: outside a section",
			    key);
		return 0;
	}
	for (f = 0; f < F_N; f++)
		if (menu_fields[f].sect == ctx->sect &&
		    strcmp(menu_fields[f].name, key) == 0) {
			d = &menu_fields[f];
			break;
		}
	if (d == NULL) {
		menu_err(ctx, ctx->line, "unknown key \"%s\" in [%s]", key,
		    section);
		return 0;
	}
	if (ctx->seen[f] != 0) {
		menu_err(ctx, ctx->line, "%s given twice (first at line %d)",
		    key, ctx->seen[f]);
		return 0;
	}
	ctx->seen[f] = ctx->line;
	switch (d->type) {
	case MT_PROMPT:
		switch (f) {
		case F_GREETING: dst = &p->greeting; break;
		case F_INVALID: dst = &p->invalid; break;
		case F_GOODBYE: dst = &p->goodbye; break;
		case F_PROMPT: dst = &k->prompt; break;
		case F_OUTCOME: dst = &k->outcome_prompt; break;
		case F_QUANTITY: dst = &k->quantity_prompt; break;
		}
		if (dst == NULL || (*dst = menu_prompt(ctx, key, v)) == NULL)
			return 0;
		return 1;
	case MT_INT:
		errno = 0;
		n = strtoll(v, &end, 10);
		if (end == v || *end != '\0' || errno != 0 || n < d->min ||
		    n > d->max) {
			menu_err(ctx, ctx->line, "%s: \"%s\" is not an integer "
			    "in %d..%d", key, v, d->min, d->max);
			return 0;
		}
		if (f == F_TIMEOUT)
			p->timeout = (int)n;
		else if (f == F_RETRIES)
			p->retries = (int)n;
		else
			k->max_seconds = (int)n;
		return 1;
	case MT_ACTION:
		for (i = 1; i < MENU_NACTIONS; i++)
			if (strcmp(menu_actions[i], v) == 0)
				break;
		if (i == MENU_NACTIONS) {
			menu_err(ctx, ctx->line, "unknown action \"%s\": use "
			    "play, warning, relief, grievance, spot, repeat, "
			    "menu, back or hangup", v);
			return 0;
		}
		k->action = (enum ivr_action)i;
		return 1;
	case MT_NAME:
		if (!menu_name_ok(v)) {
			menu_err(ctx, ctx->line, "%s: bad menu name \"%s\"",
			    key, v);
			return 0;
		}
		strlcpy_sk(ctx->ref[ctx->page][ctx->key].name, v,
		    IVR_MENU_NAME_MAX);
		ctx->ref[ctx->page][ctx->key].line = ctx->line;
		return 1;
	}
	return 0;
}

/* After the last line: the top menu exists, submenu names resolve. */
static void
menu_resolve(struct menu_ctx *ctx)
{
	struct ivr_menu		*m = ctx->m;
	struct menu_ref		*r;
	int			 i, k, used;

	for (i = 0; i < m->nmenus; i++) {
		used = 0;
		for (k = 0; k < IVR_MENU_KEYS; k++) {
			if (m->menus[i].keys[k].action != IVR_ACT_NONE)
				used++;
			r = &ctx->ref[i][k];
			if (r->line == 0)
				continue;
			if ((m->menus[i].keys[k].submenu =
			    ivr_menu_find(m, r->name)) <= 0)
				menu_err(ctx, r->line, "no [menu %s] in this "
				    "file", r->name);
		}
		if (used == 0 && m->menus[i].line != 0)
			menu_err(ctx, m->menus[i].line, "[menu%s%s] has no "
			    "keys", i ? " " : "", m->menus[i].name);
	}
}

struct ivr_menu *
ivr_menu_load(const char *path, char *err, size_t errlen)
{
	struct menu_ctx	*ctx;
	struct ivr_menu	*m;
	char		*real, *slash;
	int		 r;

	ctx = xcalloc(1, sizeof(*ctx));
	m = ctx->m = xcalloc(1, sizeof(*m));
	m->path = xstrdup(path);
	m->nmenus = 1;
	m->menus[0].timeout = 5;
	m->menus[0].retries = 2;
	if ((ctx->f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		goto fail;
	}
	if ((real = realpath(path, NULL)) == NULL)
		real = xstrdup(path);
	if ((slash = strrchr(real, '/')) == NULL) {
		free(real);
		real = xstrdup(".");
	} else if (slash == real)
		slash[1] = '\0';
	else
		*slash = '\0';
	m->dir = real;

	r = ini_parse_stream(menu_reader, ctx, menu_handler, ctx);
	if (ferror(ctx->f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto fail;
	}
	if (r == -2) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	if (r > 0 && (ctx->err_line == 0 || r < ctx->err_line)) {
		snprintf(err, errlen, "%s:%d: syntax error", path, r);
		goto fail;
	}
	if (ctx->err_line == 0) {
		menu_section_end(ctx);
		menu_resolve(ctx);
	}
	if (ctx->err_line != 0) {
		snprintf(err, errlen, "%s:%d: %s", path, ctx->err_line,
		    ctx->err);
		goto fail;
	}
	if (m->menus[0].line == 0) {
		snprintf(err, errlen, "%s: no [menu] section", path);
		goto fail;
	}
	fclose(ctx->f);
	free(ctx);
	return m;
fail:
	if (ctx->f != NULL)
		fclose(ctx->f);
	free(ctx);
	ivr_menu_free(m);
	return NULL;
}
