/*
 * test_menu.c: the hotline menu file (ivr/menu.c): the shipped example
 * loads as the 1090 layout, a submenu resolves, and a table of broken
 * files each fail with the expected "FILE:LINE: message" and no menu.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ivr.h"
#include "tap.h"

static char	 dir[] = "/tmp/sk-menu-XXXXXX";
static char	 path[256];

static struct ivr_menu *
load(const char *text, char *err, size_t errlen)
{
	FILE	*f;

	snprintf(path, sizeof(path), "%s/menu.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		return NULL;
	fputs(text, f);
	fclose(f);
	err[0] = '\0';
	return ivr_menu_load(path, err, errlen);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t	 a, b;

	if (s == NULL)
		return 0;
	a = strlen(s);
	b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

#define MENU_OK	"[menu]\ngreeting = g.ul\n"

static const struct bad {
	const char	*text;
	const char	*want;		/* error after "menu.conf" */
} bad[] = {
	{ MENU_OK "[key 1]\naction = dance\n",
	    ":4: unknown action \"dance\"" },
	{ MENU_OK "[key 1]\naction = spot\n[key 1]\naction = repeat\n",
	    ":5: duplicate [key 1] (first at line 3)" },
	{ MENU_OK "[key 1]\naction = play\n\n",
	    ":4: action = play needs a prompt" },
	{ MENU_OK "[key 1]\nprompt = a.ul\naction = play\n[key 2]\n"
	    "action = play\n", ":7: action = play needs a prompt" },
	{ MENU_OK "[key A]\naction = spot\n",
	    ":3: bad key \"A\": use 0-9, * or #" },
	{ MENU_OK "[key 10]\naction = spot\n", ":3: bad key \"10\"" },
	{ "[menu]\ngreeting = g.ul\ntimeout = 0\n[key 1]\naction = spot\n",
	    ":3: timeout: \"0\" is not an integer in 1..60" },
	{ "[menu]\ntimeout = 61\n", ":2: timeout: \"61\" is not an integer" },
	{ "[menu]\ntimeout = 5s\n", ":2: timeout: \"5s\" is not" },
	{ MENU_OK "[key 1]\naction = spot\ncolour = red\n",
	    ":5: unknown key \"colour\" in [key 1]" },
	{ MENU_OK "colour = red\n", ":3: unknown key \"colour\" in [menu]" },
	{ MENU_OK "[key 1]\naction = play\nprompt = ../secret.ul\n",
	    ":5: prompt: \"../secret.ul\" leaves the menu file's directory" },
	{ MENU_OK "[key 1]\naction = play\nprompt = a/../../b.ul\n",
	    ":5: prompt: \"a/../../b.ul\" leaves" },
	{ MENU_OK "[key 1]\naction = play\nprompt = /etc/passwd\n",
	    ":5: prompt: \"/etc/passwd\" must be relative" },
	{ "[menu]\ngreeting = ..\n", ":2: greeting: \"..\" leaves" },
	{ MENU_OK "[key 1]\naction = play\nprompt =\n",
	    ":5: prompt: empty path" },
	{ "[menu]\n[key 1]\naction = spot\n", ":1: [menu] needs a greeting" },
	{ MENU_OK "[key 1]\n[key 2]\naction = spot\n",
	    ":3: [key 1] needs an action" },
	{ MENU_OK "[key 1]\naction = spot\naction = repeat\n",
	    ":5: action given twice (first at line 4)" },
	{ MENU_OK "[key 1]\naction = spot\nmax_seconds = 30\n",
	    ":5: max_seconds is only for action = grievance" },
	{ MENU_OK "[key 1]\naction = grievance\nmax_seconds = 601\n",
	    ":5: max_seconds: \"601\" is not an integer in 1..600" },
	{ MENU_OK "[key 1]\noutcome_prompt = o.ul\naction = spot\n",
	    ":4: outcome_prompt is only for action = relief" },
	{ MENU_OK "[key 1]\naction = menu\n",
	    ":4: action = menu needs menu = NAME" },
	{ MENU_OK "[key 1]\naction = menu\nmenu = nosuch\n",
	    ":5: no [menu nosuch] in this file" },
	{ MENU_OK "[key 1]\naction = back\n",
	    ":4: action = back is only for submenus" },
	{ MENU_OK "[key w 1]\naction = spot\n",
	    ":3: no [menu w] above this line" },
	{ MENU_OK "[key 1]\naction = spot\n[menu w]\ngreeting = w.ul\n"
	    "[menu w]\n", ":7: duplicate [menu w] (first at line 5)" },
	{ MENU_OK "[key 1]\naction = spot\n[menu W!]\n",
	    ":5: bad menu name \"W!\"" },
	{ MENU_OK "[key 1]\naction = spot\n[menu w]\ngreeting = w.ul\n",
	    ":5: [menu w] has no keys" },
	{ MENU_OK "[key 1]\naction = spot\n[menu]\n",
	    ":5: duplicate [menu] (first at line 1)" },
	{ MENU_OK, ":1: [menu] has no keys" },
	{ MENU_OK "[relief]\n", ":3: unknown section [relief]" },
	{ "greeting = g.ul\n[menu]\n", ":1: greeting: outside a section" },
	{ MENU_OK "[key 1]\naction = spot\nthis is not ini\n",
	    ":5: syntax error" },
	/* a syntax error before a later semantic one is the one reported */
	{ MENU_OK "[key 1]\nnot ini\naction = dance\n", ":4: syntax error" },
	{ MENU_OK "[key 1]\naction = spot\n; long\nprompt = "
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    ".ul\n", ":6: line longer than" },
	{ "[key 1]\naction = spot\n", ": no [menu] section" },
	{ "", ": no [menu] section" },
};

static void
test_example(void)
{
	const struct ivr_menu_key	*k;
	struct ivr_menu			*m;
	const char			*top;
	char				 p[1024], err[512] = "";
	static const char *const plays[] = {
		"1/prompts/fishermen.sau", "2/prompts/river-ports.sau",
		"3/prompts/daily-weather.sau", "5/prompts/flood.sau"
	};
	size_t				 i;

	if ((top = getenv("top_srcdir")) == NULL) {
		skip("top_srcdir not set (run under make check)");
		return;
	}
	snprintf(p, sizeof(p), "%s/etc/ivr-menu.conf", top);
	m = ivr_menu_load(p, err, sizeof(err));
	if (!ok(m != NULL, "etc/ivr-menu.conf loads"))
		diag("%s", err);
	if (m == NULL)
		return;
	is_int(m->nmenus, 1, "example: one menu");
	is_int(m->menus[0].timeout, 5, "example: timeout");
	is_int(m->menus[0].retries, 2, "example: retries");
	ok(ends_with(m->menus[0].greeting, "/etc/prompts/greeting.sau"),
	    "example: greeting resolved next to the file");
	ok(m->menus[0].greeting[0] == '/', "example: greeting is absolute");
	for (i = 0; i < sizeof(plays) / sizeof(plays[0]); i++) {
		k = ivr_menu_key(m, 0, plays[i][0]);
		ok(k != NULL && k->action == IVR_ACT_PLAY &&
		    ends_with(k->prompt, plays[i] + 1), "example: key %c "
		    "plays %s", plays[i][0], plays[i] + 2);
	}
	k = ivr_menu_key(m, 0, '4');
	ok(k != NULL && k->action == IVR_ACT_WARNING, "example: 4 warning");
	k = ivr_menu_key(m, 0, '6');
	ok(k != NULL && k->action == IVR_ACT_RELIEF &&
	    ends_with(k->outcome_prompt, "/relief-outcome.sau") &&
	    ends_with(k->quantity_prompt, "/relief-quantity.sau"),
	    "example: 6 relief with outcome and quantity prompts");
	k = ivr_menu_key(m, 0, '7');
	ok(k != NULL && k->action == IVR_ACT_GRIEVANCE &&
	    k->max_seconds == 60, "example: 7 grievance, 60 s");
	k = ivr_menu_key(m, 0, '8');
	ok(k != NULL && k->action == IVR_ACT_SPOT && k->prompt == NULL,
	    "example: 8 spot");
	k = ivr_menu_key(m, 0, '9');
	ok(k != NULL && k->action == IVR_ACT_REPEAT, "example: 9 repeat");
	ok(ivr_menu_key(m, 0, '0') == NULL && ivr_menu_key(m, 0, '*') ==
	    NULL && ivr_menu_key(m, 0, '#') == NULL &&
	    ivr_menu_key(m, 0, 'A') == NULL, "example: 0 * # unused, A no key");
	ivr_menu_free(m);
}

static void
test_submenu(void)
{
	const struct ivr_menu_key	*k;
	struct ivr_menu			*m;
	char				 err[512];
	int				 w;

	m = load("; comment\n"
	    "[key 0]\n"			/* before [menu]: fine */
	    "action = menu\n"
	    "menu = weather\n"
	    "[menu]\n"
	    "greeting = prompts/g.ul\n"
	    "timeout = 10\n"
	    "retries = 0\n"
	    "[key #]\n"
	    "action = hangup\n"
	    "[menu weather]\n"
	    "greeting = ./prompts/w.ul\n"
	    "[key weather 1]\n"
	    "action = play\n"
	    "prompt = w1.ul\n"
	    "[key weather *]\n"
	    "action = back\n"
	    "[key weather 1x]\n", err, sizeof(err));
	ok(m == NULL && strstr(err, "menu.conf:18: bad key \"1x\"") != NULL,
	    "submenu: error names the line (%s)", err);
	ivr_menu_free(m);

	m = load("[key 0]\naction = menu\nmenu = weather\n"
	    "[menu]\ngreeting = prompts/g.ul\ntimeout = 10\nretries = 0\n"
	    "[key #]\naction = hangup\n"
	    "[menu weather]\ngreeting = ./prompts/w.ul\n"
	    "[key weather 1]\naction = play\nprompt = w1.ul\n"
	    "[key weather *]\naction = back\n", err, sizeof(err));
	if (!ok(m != NULL, "submenu file loads"))
		diag("%s", err);
	if (m == NULL)
		return;
	is_int(m->nmenus, 2, "submenu: two menus");
	w = ivr_menu_find(m, "weather");
	is_int(w, 1, "submenu: found by name");
	is_int(ivr_menu_find(m, ""), 0, "submenu: top is \"\"");
	is_int(ivr_menu_find(m, "nosuch"), -1, "submenu: unknown is -1");
	is_int(m->menus[0].timeout, 10, "submenu: top timeout");
	is_int(m->menus[0].retries, 0, "submenu: retries 0 allowed");
	is_int(m->menus[1].timeout, 5, "submenu: default timeout");
	k = ivr_menu_key(m, 0, '0');
	ok(k != NULL && k->action == IVR_ACT_MENU && k->submenu == w,
	    "submenu: key 0 goes to weather");
	is_int(k != NULL ? k->line : 0, 1, "submenu: key line kept");
	k = ivr_menu_key(m, 0, '#');
	ok(k != NULL && k->action == IVR_ACT_HANGUP, "submenu: # hangs up");
	k = ivr_menu_key(m, w, '*');
	ok(k != NULL && k->action == IVR_ACT_BACK, "submenu: * goes back");
	k = ivr_menu_key(m, w, '1');
	ok(k != NULL && ends_with(k->prompt, "/w1.ul") &&
	    strncmp(k->prompt, m->dir, strlen(m->dir)) == 0,
	    "submenu: prompt under the file's directory");
	ok(ends_with(m->menus[w].greeting, "/./prompts/w.ul"),
	    "submenu: ./ allowed");
	ok(ivr_menu_key(m, 5, '1') == NULL && ivr_menu_key(m, -1, '1') ==
	    NULL, "out-of-range menu index is NULL");
	is_str(ivr_action_name(IVR_ACT_GRIEVANCE), "grievance", "action name");
	ivr_menu_free(m);
}

int
main(void)
{
	struct ivr_menu	*m;
	char		 err[512], want[512];
	size_t		 i;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_example();
	test_submenu();

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = load(bad[i].text, err, sizeof(err));
		snprintf(want, sizeof(want), "%s%s", path, bad[i].want);
		ok(m == NULL && strncmp(err, want, strlen(want)) == 0,
		    "bad %zu: %s", i, bad[i].want);
		if (m != NULL || strncmp(err, want, strlen(want)) != 0)
			diag("got \"%s\"", err);
		ivr_menu_free(m);
	}

	snprintf(path, sizeof(path), "%s/nosuch.conf", dir);
	m = ivr_menu_load(path, err, sizeof(err));
	ok(m == NULL && strstr(err, "nosuch.conf: cannot open") != NULL,
	    "missing file: %s", err);
	ivr_menu_free(NULL);
	ok(1, "ivr_menu_free(NULL) is a no-op");

	snprintf(path, sizeof(path), "%s/menu.conf", dir);
	unlink(path);
	rmdir(dir);
	return done_testing();
}
