/*
 * test_script.c: the IVR scripts (ivr/script.c), driven by a table of
 * scenarios.  Each scenario loads one of our own menu files, runs a string
 * of events through the script and compares what the script asked for (a
 * transcript written by fake ops: "play greeting.sau; timer 5000; ...")
 * with the expected one, then the result, the keys kept and whether the
 * call was hung up.  The fake ops play nothing: they keep a count of the
 * clips queued, and the events say when the head clip ends.
 *
 * Events:	s start, . head clip completed, ~ every queued clip
 *		completed, , a flushed clip reported (completed 0),
 *		t the timer fires, r recording time limit (30 s),
 *		e the caller hung up, 0-9 * # A-D a key, space nothing
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ivr.h"
#include "tap.h"

/* Fake behaviour, per scenario. */
#define F_UNION		0x001	/* have_union: 1 */
#define F_NO_WARNING	0x002	/* play_warning: 1 */
#define F_NO_SPOT	0x004	/* play_spot: 1 */
#define F_REC_FAIL	0x008	/* record: -1 */
#define F_GRIEV_FAIL	0x010	/* grievance: -1 */
#define F_FLUSH_SYNC	0x020	/* flush reports the dropped clips at once */
#define F_PLAY_SYNC	0x040	/* every clip completes inside play */
#define F_HANGUP_ENDS	0x080	/* hangup calls ivr_script_ended at once */

#define UNION_OK	"2211"	/* the one union code set_union knows */

enum { M_FULL, M_BARE, M_CALLOUT };

struct fake {
	struct ivr_script *s;
	int		 flags;
	int		 receipt;
	char		 log[4096];
	int		 queue;		/* clips queued, not yet ended */
	int		 dropped;	/* flushed, not yet reported */
	int		 after_done;	/* ops called once done */
	int		 hangups;
};

static char	 dir[] = "/tmp/sk-script-XXXXXX";
static char	 full_path[256], bare_path[256];

static void __attribute__((format(printf, 2, 3)))
fake_log(struct fake *f, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 len = strlen(f->log);

	if (f->s != NULL && ivr_script_done(f->s) &&
	    strncmp(fmt, "hangup", 6) != 0)
		f->after_done++;
	va_start(ap, fmt);
	vsnprintf(f->log + len, sizeof(f->log) - len, fmt, ap);
	va_end(ap);
	len = strlen(f->log);
	snprintf(f->log + len, sizeof(f->log) - len, "; ");
}

/* A clip was queued. */
static void
fake_queue(struct fake *f)
{
	if (f->flags & F_PLAY_SYNC)
		ivr_script_played(f->s, 1);
	else
		f->queue++;
}

static void
fake_play(void *arg, const char *prompt)
{
	struct fake	*f = arg;
	const char	*base = strrchr(prompt, '/');

	fake_log(f, "play %s", base != NULL ? base + 1 : prompt);
	fake_queue(f);
}

static void
fake_play_stock(void *arg, enum ivr_stock which)
{
	struct fake	*f = arg;

	fake_log(f, "stock %s", ivr_stock_name(which));
	fake_queue(f);
}

static int
fake_play_warning(void *arg)
{
	struct fake	*f = arg;

	fake_log(f, "warning");
	if (f->flags & F_NO_WARNING)
		return 1;
	fake_queue(f);
	return 0;
}

static int
fake_play_spot(void *arg)
{
	struct fake	*f = arg;

	fake_log(f, "spot");
	if (f->flags & F_NO_SPOT)
		return 1;
	fake_queue(f);
	return 0;
}

static void
fake_flush(void *arg)
{
	struct fake	*f = arg;
	int		 n;

	fake_log(f, "flush");
	n = f->queue;
	f->queue = 0;
	if (f->flags & F_FLUSH_SYNC) {
		while (n-- > 0)
			ivr_script_played(f->s, 0);
	} else
		f->dropped += n;
}

static void
fake_timer(void *arg, int ms)
{
	fake_log(arg, "timer %d", ms);
}

static int
fake_record(void *arg, int max_seconds)
{
	struct fake	*f = arg;

	fake_log(f, "record %d", max_seconds);
	return f->flags & F_REC_FAIL ? -1 : 0;
}

static double
fake_record_stop(void *arg)
{
	fake_log(arg, "record_stop");
	return 12.5;
}

static void
fake_hangup(void *arg)
{
	struct fake	*f = arg;

	fake_log(f, "hangup");
	f->hangups++;
	if (f->flags & F_HANGUP_ENDS)
		ivr_script_ended(f->s);
}

static int
fake_have_union(void *arg)
{
	struct fake	*f = arg;

	fake_log(f, "have_union");
	return f->flags & F_UNION ? 1 : 0;
}

static int
fake_set_union(void *arg, const char *digits)
{
	fake_log(arg, "union %s", digits);
	return strcmp(digits, UNION_OK) == 0 ? 0 : 1;
}

static int
fake_receipt(void *arg, const char *code, enum ivr_relief_outcome o,
    long qty)
{
	struct fake	*f = arg;
	static const char *const names[] = { "?", "full", "less", "none" };

	fake_log(f, "receipt %s %s %ld", code, o >= IVR_RELIEF_FULL &&
	    o <= IVR_RELIEF_NONE ? names[o] : "?", qty);
	return f->receipt;
}

static int
fake_grievance(void *arg, double seconds)
{
	struct fake	*f = arg;

	fake_log(f, "grievance %.1f", seconds);
	return f->flags & F_GRIEV_FAIL ? -1 : 0;
}

static void
fake_confirm(void *arg)
{
	fake_log(arg, "confirm");
}

static const struct ivr_script_ops fake_ops = {
	fake_play, fake_play_stock, fake_play_warning, fake_play_spot,
	fake_flush, fake_timer, fake_record, fake_record_stop, fake_hangup,
	fake_have_union, fake_set_union, fake_receipt, fake_grievance,
	fake_confirm
};

/* The head clip ended. */
static void
fake_end(struct fake *f, int completed)
{
	if (completed) {
		if (f->queue > 0)
			f->queue--;
	} else if (f->dropped > 0)
		f->dropped--;
	ivr_script_played(f->s, completed);
}

static void
run(struct fake *f, const char *events)
{
	const char	*e;

	for (e = events; *e != '\0'; e++) {
		switch (*e) {
		case 's':
			ivr_script_start(f->s);
			break;
		case '.':
			fake_end(f, 1);
			break;
		case '~':
			while (f->queue > 0 && !ivr_script_done(f->s))
				fake_end(f, 1);
			break;
		case ',':
			fake_end(f, 0);
			break;
		case 't':
			ivr_script_timer(f->s);
			break;
		case 'r':
			ivr_script_recorded(f->s, 30.0);
			break;
		case 'e':
			ivr_script_ended(f->s);
			break;
		case ' ':
			break;
		default:
			ivr_script_digit(f->s, *e);
			break;
		}
	}
}

/*
 * The full menu: our own prompts, invalid and goodbye, a submenu with its
 * own timeout and no retries.  The bare one leaves every optional prompt
 * out, so the stock prompts play.
 */
static const char full_menu[] =
    "[menu]\n"
    "greeting = greeting.sau\n"
    "timeout = 5\n"
    "retries = 2\n"
    "invalid = invalid.sau\n"
    "goodbye = goodbye.sau\n"
    "[key 1]\naction = play\nprompt = fishermen.sau\n"
    "[key 4]\naction = warning\nprompt = cyclone.sau\n"
    "[key 6]\naction = relief\nprompt = code.sau\n"
    "outcome_prompt = outcome.sau\nquantity_prompt = qty.sau\n"
    "[key 7]\naction = grievance\nprompt = grievance.sau\n"
    "max_seconds = 30\n"
    "[key 8]\naction = spot\n"
    "[key 9]\naction = repeat\n"
    "[key 0]\naction = menu\nmenu = weather\n"
    "[key #]\naction = hangup\n"
    "[menu weather]\n"
    "greeting = weather.sau\n"
    "timeout = 3\n"
    "retries = 0\n"
    "[key weather 1]\naction = play\nprompt = coast.sau\n"
    "[key weather *]\naction = back\n";

static const char bare_menu[] =
    "[menu]\n"
    "greeting = greeting.sau\n"
    "retries = 1\n"
    "[key 4]\naction = warning\n"
    "[key 6]\naction = relief\n"
    "[key 7]\naction = grievance\n";

/* Transcript pieces. */
#define GREET	"play greeting.sau; "
#define T5	"timer 5000; "
#define T8	"timer 8000; "
#define STOP	"timer 0; "
#define MENU	GREET T5			/* greeting, then the wait */
#define CODE6	T5 T5 T5 T5 T5 T5		/* six keys collected */
/* key 6, the code keyed, the outcome prompt, the outcome key */
#define RELIEF	STOP "play code.sau; " T5 CODE6 STOP "play outcome.sau; " \
	T5 STOP

static const struct scen {
	const char	*name;
	int		 menu;
	int		 flags;
	int		 receipt;	/* what ops->receipt returns */
	const char	*events;
	const char	*want;
	const char	*result;
	const char	*digits;	/* NULL: not checked */
	int		 done;
} scens[] = {
	{ "start plays the greeting, then waits", M_FULL, 0, 0, "s~",
	    MENU, "", "", 0 },
	{ "nothing happens before start", M_FULL, 0, 0, "1t.r",
	    "", "", "", 0 },
	{ "key 1 plays fishermen, then the greeting", M_FULL, 0, 0, "s~1~",
	    MENU STOP "play fishermen.sau; " MENU, "played", "1", 0 },
	{ "timer waits for the last prompt", M_FULL, 0, 0, "s~1.",
	    MENU STOP "play fishermen.sau; " GREET, "played", "1", 0 },
	{ "repeat", M_FULL, 0, 0, "s~9~", MENU STOP MENU, "", "9", 0 },

	/* relief receipts */
	{ "relief: received in full", M_FULL, 0, 0, "s~6~123456#~1~",
	    MENU RELIEF "receipt 123456 full 0; stock receipt-ok; " MENU,
	    "receipt", "6123456#1", 0 },
	{ "relief: received less, with quantity", M_FULL, 0, 1,
	    "s~6~123456#~2~12#~",
	    MENU RELIEF "play qty.sau; " T5 T5 T5 STOP
	    "receipt 123456 less 12; stock receipt-ok; " MENU,
	    "receipt", "6123456#212#", 0 },
	{ "relief: received nothing, stock prompts", M_BARE, 0, 0,
	    "s~6~000001#~3~",
	    MENU STOP "stock enter-code; " T5 CODE6 STOP "stock outcome; "
	    T5 STOP "receipt 000001 none 0; stock receipt-ok; " MENU,
	    "receipt", NULL, 0 },
	{ "relief: quantity by stock prompt", M_BARE, 0, 0,
	    "s~6~000001#~2~7#~",
	    MENU STOP "stock enter-code; " T5 CODE6 STOP "stock outcome; "
	    T5 STOP "stock quantity; " T5 T5 STOP
	    "receipt 000001 less 7; stock receipt-ok; " MENU,
	    "receipt", NULL, 0 },
	{ "relief: a five-digit code is asked again", M_FULL, 0, 0,
	    "s~6~12345#~123456#~1~",
	    MENU STOP "play code.sau; " T5 T5 T5 T5 T5 T5 STOP
	    "play invalid.sau; play code.sau; " T5 CODE6 STOP
	    "play outcome.sau; " T5 STOP
	    "receipt 123456 full 0; stock receipt-ok; " MENU,
	    "receipt", NULL, 0 },
	{ "relief: '*' clears, letters spoil the entry", M_FULL, 0, 0,
	    "s~6~99*12345A6#~",
	    MENU STOP "play code.sau; " T5 T5 T5 T5 CODE6 T5 STOP
	    "play invalid.sau; play code.sau; " T5,
	    "", NULL, 0 },
	{ "relief: bad codes until goodbye", M_FULL, 0, 0,
	    "s~6~1#~1234567#~#~",
	    MENU STOP "play code.sau; " T5 T5 STOP
	    "play invalid.sau; play code.sau; " T5 CODE6 T5 STOP
	    "play invalid.sau; play code.sau; " T5 STOP
	    "play invalid.sau; play goodbye.sau; hangup; ",
	    "", NULL, 1 },
	{ "relief: a code left without # is taken", M_FULL, 0, 0,
	    "s~6~123456t~1~",
	    MENU STOP "play code.sau; " T5 CODE6 "play outcome.sau; " T5 STOP
	    "receipt 123456 full 0; stock receipt-ok; " MENU,
	    "receipt", "6123456" "1", 0 },
	{ "relief: bad outcome key, then outcome timeout", M_FULL, 0, 0,
	    "s~6~123456#~5~t~3~",
	    MENU RELIEF "play invalid.sau; play outcome.sau; " T5
	    "play outcome.sau; " T5 STOP
	    "receipt 123456 none 0; stock receipt-ok; " MENU,
	    "receipt", NULL, 0 },
	{ "relief: quantity 0 is asked again", M_FULL, 0, 0,
	    "s~6~123456#~2~0#~5#~",
	    MENU RELIEF "play qty.sau; " T5 T5 STOP
	    "play invalid.sau; play qty.sau; " T5 T5 STOP
	    "receipt 123456 less 5; stock receipt-ok; " MENU,
	    "receipt", NULL, 0 },
	{ "relief: seven-digit quantity is refused", M_FULL, 0, 0,
	    "s~6~123456#~2~1234567#~",
	    MENU RELIEF "play qty.sau; " T5 CODE6 T5 STOP
	    "play invalid.sau; play qty.sau; " T5,
	    "", NULL, 0 },
	{ "relief: unknown code refused", M_FULL, 0, 2, "s~6~123456#~1~",
	    MENU RELIEF "receipt 123456 full 0; stock receipt-refused; " MENU,
	    "receipt_refused", NULL, 0 },
	{ "relief: not the owner refused", M_FULL, 0, 3, "s~6~123456#~3~",
	    MENU RELIEF "receipt 123456 none 0; stock receipt-refused; " MENU,
	    "receipt_refused", NULL, 0 },
	{ "relief: too much refused", M_FULL, 0, 5, "s~6~123456#~2~99#~",
	    MENU RELIEF "play qty.sau; " T5 T5 T5 STOP
	    "receipt 123456 less 99; stock receipt-refused; " MENU,
	    "receipt_refused", NULL, 0 },
	{ "relief: rate limited", M_FULL, 0, 4, "s~6~123456#~1~",
	    MENU RELIEF "receipt 123456 full 0; stock receipt-limit; " MENU,
	    "receipt_limited", NULL, 0 },
	{ "relief: store error hangs up", M_FULL, 0, -1, "s~6~123456#~1~9",
	    MENU RELIEF "receipt 123456 full 0; stock error; hangup; ",
	    "", "6123456#1", 1 },
	{ "relief: barge-in on the code prompt", M_FULL, 0, 0,
	    "s~6123456#,~1~",
	    MENU STOP "play code.sau; flush; " T5 T5 T5 T5 T5 T5 STOP
	    "play outcome.sau; " T5 STOP
	    "receipt 123456 full 0; stock receipt-ok; " MENU,
	    "receipt", NULL, 0 },

	/* grievances */
	{ "grievance: # ends the recording", M_FULL, 0, 0, "s~7~#~",
	    MENU STOP "play grievance.sau; stock beep; record 30; "
	    "record_stop; grievance 12.5; stock grievance-ok; " MENU,
	    "grievance", "7#", 0 },
	{ "grievance: keys before the beep do nothing", M_FULL, 0, 0,
	    "s~7#.5~#~",
	    MENU STOP "play grievance.sau; stock beep; record 30; "
	    "record_stop; grievance 12.5; stock grievance-ok; " MENU,
	    "grievance", "7#5#", 0 },
	{ "grievance: the time limit ends it", M_FULL, 0, 0, "s~7~1r~",
	    MENU STOP "play grievance.sau; stock beep; record 30; "
	    "grievance 30.0; stock grievance-ok; " MENU,
	    "grievance", "71", 0 },
	{ "grievance: hang-up mid-recording still lodges it", M_FULL, 0, 0,
	    "s~7~e#r1t~",
	    MENU STOP "play grievance.sau; stock beep; record 30; "
	    "record_stop; grievance 12.5; ",
	    "grievance", "7", 1 },
	{ "grievance: stock beep, 60 s by default", M_BARE, 0, 0, "s~7~#~",
	    MENU STOP "stock beep; record 60; record_stop; grievance 12.5; "
	    "stock grievance-ok; " MENU, "grievance", NULL, 0 },
	{ "grievance: recorder fails", M_FULL, F_REC_FAIL, 0, "s~7~~",
	    MENU STOP "play grievance.sau; stock beep; record 30; "
	    "stock error; " MENU, "", "7", 0 },
	{ "grievance: store fails", M_FULL, F_GRIEV_FAIL, 0, "s~7~#~",
	    MENU STOP "play grievance.sau; stock beep; record 30; "
	    "record_stop; grievance 12.5; stock error; " MENU, "", NULL, 0 },

	/* warnings and the spot */
	{ "warning: registered union", M_FULL, F_UNION, 0, "s~4~",
	    MENU STOP "have_union; play cyclone.sau; warning; " MENU,
	    "warning", "4", 0 },
	{ "warning: none active", M_BARE, F_UNION | F_NO_WARNING, 0, "s~4~",
	    MENU STOP "have_union; warning; stock no-warning; " MENU,
	    "", "4", 0 },
	{ "warning: union keyed", M_FULL, 0, 0, "s~4~2211#~",
	    MENU STOP "have_union; stock enter-union; " T5 T5 T5 T5 T5 STOP
	    "union 2211; play cyclone.sau; warning; " MENU,
	    "warning", "42211#", 0 },
	{ "warning: unknown union asked again, '*' clears", M_FULL, 0, 0,
	    "s~4~99#~#~9*2211#~",
	    MENU STOP "have_union; stock enter-union; " T5 T5 T5 STOP
	    "union 99; stock unknown-union; stock enter-union; " T5 STOP
	    "stock unknown-union; stock enter-union; " T5 T5 T5 T5 T5 T5 T5
	    STOP "union 2211; play cyclone.sau; warning; " MENU,
	    "warning", "499##9*2211#", 0 },
	{ "warning: unknown union until goodbye", M_BARE, 0, 0,
	    "s~4~1#~t~",
	    MENU STOP "have_union; stock enter-union; " T5 T5 STOP
	    "union 1; stock unknown-union; stock enter-union; " T5
	    "stock goodbye; hangup; ", "no_input", NULL, 1 },
	{ "spot", M_FULL, 0, 0, "s~8~",
	    MENU STOP "spot; " MENU, "spot", "8", 0 },
	{ "spot: none", M_FULL, F_NO_SPOT, 0, "s~8~",
	    MENU STOP "spot; stock no-spot; " MENU, "", "8", 0 },

	/* wrong keys, silence, goodbye */
	{ "invalid key", M_FULL, 0, 0, "s~5~",
	    MENU STOP "play invalid.sau; " MENU, "", "5", 0 },
	{ "invalid keys until goodbye", M_FULL, 0, 0, "s~5~3~A~",
	    MENU STOP "play invalid.sau; " MENU STOP "play invalid.sau; "
	    MENU STOP "play invalid.sau; play goodbye.sau; hangup; ",
	    "", "53A", 1 },
	{ "timeouts until goodbye", M_FULL, 0, 0, "s~t~t~t~",
	    MENU GREET T5 GREET T5 "play goodbye.sau; hangup; ",
	    "no_input", "", 1 },
	{ "timeouts: stock invalid and goodbye", M_BARE, 0, 0, "s~5~t~",
	    MENU STOP "stock invalid; " MENU "stock goodbye; hangup; ",
	    "no_input", "5", 1 },
	{ "a valid key resets the retries", M_FULL, 0, 0, "s~t~t~9~t~t~",
	    MENU GREET T5 GREET T5 STOP MENU GREET T5 GREET T5,
	    "", "9", 0 },
	{ "hangup key", M_FULL, 0, 0, "s~#~1",
	    MENU STOP "play goodbye.sau; hangup; ", "", "#", 1 },
	{ "keys during goodbye are ignored", M_FULL, 0, 0, "s~#1~",
	    MENU STOP "play goodbye.sau; hangup; ", "", "#1", 1 },

	/* barge-in */
	{ "barge-in flushes the greeting", M_FULL, 0, 0, "s1,.",
	    GREET "flush; play fishermen.sau; " GREET, "played", "1", 0 },
	{ "barge-in: late flush reports are not clips", M_FULL, 0, 0,
	    "s1,..", GREET "flush; play fishermen.sau; " MENU,
	    "played", "1", 0 },
	{ "barge-in: flush reported at once", M_FULL, F_FLUSH_SYNC, 0,
	    "s~19..", MENU STOP "play fishermen.sau; " GREET "flush; " MENU,
	    "played", "19", 0 },
	{ "barge-in into the outcome prompt", M_FULL, F_FLUSH_SYNC, 0,
	    "s~6~123456#3~",
	    MENU STOP "play code.sau; " T5 CODE6 STOP "play outcome.sau; "
	    "flush; receipt 123456 none 0; stock receipt-ok; " MENU,
	    "receipt", NULL, 0 },

	/* submenus */
	{ "submenu and back", M_FULL, 0, 0, "s~0~1~*~",
	    MENU STOP "play weather.sau; timer 3000; " STOP
	    "play coast.sau; play weather.sau; timer 3000; " STOP MENU,
	    "played", "01*", 0 },
	{ "submenu: its own invalid, goodbye and retries", M_FULL, 0, 0,
	    "s~0~5~",
	    MENU STOP "play weather.sau; timer 3000; " STOP
	    "stock invalid; stock goodbye; hangup; ", "", "05", 1 },
	{ "submenu: its own timeout", M_FULL, 0, 0, "s~0~t~",
	    MENU STOP "play weather.sau; timer 3000; stock goodbye; hangup; ",
	    "no_input", "0", 1 },

	/* after the end */
	{ "nothing is called after ended", M_FULL, 0, 0, "s~e1t.,r#s",
	    MENU, "", "", 1 },
	{ "ended before start", M_FULL, 0, 0, "es1~", "", "", "", 1 },
	{ "the strongest result is kept", M_FULL, 0, 0,
	    "s~6~123456#~1~7~#~8~1~",
	    MENU RELIEF "receipt 123456 full 0; stock receipt-ok; " MENU
	    STOP "play grievance.sau; stock beep; record 30; record_stop; "
	    "grievance 12.5; stock grievance-ok; " MENU STOP "spot; " MENU
	    STOP "play fishermen.sau; " MENU, "receipt", NULL, 0 },

	/* ops that call back into the script */
	{ "clips that end inside play", M_FULL, F_PLAY_SYNC, 0, "s1tt9ttt",
	    MENU STOP "play fishermen.sau; " MENU GREET T5 GREET T5 STOP MENU
	    GREET T5 GREET T5 "play goodbye.sau; hangup; ",
	    "played", "19", 1 },
	{ "hangup that ends the call at once", M_FULL, F_HANGUP_ENDS, 0,
	    "s~#~e1", MENU STOP "play goodbye.sau; hangup; ", "", "#", 1 },

	/* the callout */
	{ "callout: confirmed", M_CALLOUT, 0, 0, "s~1~",
	    "warning; stock confirm; " T8 STOP
	    "confirm; stock confirmed; hangup; ", "confirmed", "1", 1 },
	{ "callout: confirmed during the warning", M_CALLOUT, 0, 0, "s1,,~",
	    "warning; stock confirm; flush; confirm; stock confirmed; "
	    "hangup; ", "confirmed", "1", 1 },
	{ "callout: other keys do not interrupt", M_CALLOUT, 0, 0, "s5.7.",
	    "warning; stock confirm; " T8, "not_confirmed", "57", 0 },
	{ "callout: no answer, once more, goodbye", M_CALLOUT, 0, 0,
	    "s~t~t~",
	    "warning; stock confirm; " T8 "warning; stock confirm; " T8
	    "stock goodbye; hangup; ", "not_confirmed", "", 1 },
	{ "callout: wrong key, then confirmed", M_CALLOUT, 0, 0, "s~2~1~",
	    "warning; stock confirm; " T8 STOP "warning; stock confirm; " T8
	    STOP "confirm; stock confirmed; hangup; ", "confirmed", "21", 1 },
	{ "callout: second wrong key, goodbye", M_CALLOUT, 0, 0, "s~2~3~",
	    "warning; stock confirm; " T8 STOP "warning; stock confirm; " T8
	    STOP "stock goodbye; hangup; ", "not_confirmed", "23", 1 },
	{ "callout: nothing to play", M_CALLOUT, F_NO_WARNING, 0, "s1~",
	    "warning; stock error; hangup; ", "not_confirmed", "1", 1 },
	{ "callout: hang-up while asking", M_CALLOUT, 0, 0, "s~e1t~",
	    "warning; stock confirm; " T8, "not_confirmed", "", 1 },
};

static struct ivr_menu *
write_menu(const char *path, const char *text)
{
	struct ivr_menu	*m;
	FILE		*f;
	char		 err[512];

	if ((f = fopen(path, "w")) == NULL)
		return NULL;
	fputs(text, f);
	fclose(f);
	if ((m = ivr_menu_load(path, err, sizeof(err))) == NULL)
		diag("%s", err);
	return m;
}

static void
test_scen(const struct scen *sc, const struct ivr_menu *full,
    const struct ivr_menu *bare)
{
	struct fake	 f;
	const char	*digits;

	memset(&f, 0, sizeof(f));
	f.flags = sc->flags;
	f.receipt = sc->receipt;
	if (sc->menu == M_CALLOUT)
		f.s = ivr_script_new(IVR_SCRIPT_CALLOUT, NULL, &fake_ops, &f);
	else
		f.s = ivr_script_new(IVR_SCRIPT_HOTLINE, sc->menu == M_FULL ?
		    full : bare, &fake_ops, &f);
	if (!ok(f.s != NULL, "%s: new", sc->name))
		return;
	run(&f, sc->events);
	is_str(f.log, sc->want, "%s: transcript", sc->name);
	is_str(ivr_script_result(f.s), sc->result, "%s: result", sc->name);
	if (sc->digits != NULL) {
		digits = ivr_script_digits(f.s);
		is_str(digits, sc->digits, "%s: digits", sc->name);
	}
	ok(ivr_script_done(f.s) == sc->done && f.hangups <= 1 &&
	    f.after_done == 0, "%s: done %d, %d hangups, %d ops after done",
	    sc->name, ivr_script_done(f.s), f.hangups, f.after_done);
	ivr_script_free(f.s);
}

static void
test_digits(const struct ivr_menu *full)
{
	struct fake	 f;
	char		 want[64];
	int		 i;

	memset(&f, 0, sizeof(f));
	f.s = ivr_script_new(IVR_SCRIPT_HOTLINE, full, &fake_ops, &f);
	if (f.s == NULL)
		return;
	ivr_script_start(f.s);
	run(&f, "~7~");			/* recording: keys go nowhere */
	for (i = 0; i < 70; i++)
		ivr_script_digit(f.s, "0123456789"[i % 10]);
	for (i = 0; i < 63; i++)
		want[i] = i == 0 ? '7' : "0123456789"[(i - 1) % 10];
	want[63] = '\0';
	is_str(ivr_script_digits(f.s), want, "digits: the first 63 kept");
	ivr_script_free(f.s);
}

static void
test_misc(const struct ivr_menu *full)
{
	static const char *const names[IVR_STOCK_N] = {
		"beep", "invalid", "goodbye", "no-warning", "no-spot",
		"enter-union", "unknown-union", "enter-code", "outcome",
		"quantity", "receipt-ok", "receipt-refused", "receipt-limit",
		"grievance-ok", "confirm", "confirmed", "error"
	};
	struct ivr_script	*s;
	int			 i, good = 1;

	for (i = 0; i < IVR_STOCK_N; i++)
		if (strcmp(ivr_stock_name(i), names[i]) != 0) {
			diag("stock %d: %s", i, ivr_stock_name(i));
			good = 0;
		}
	ok(good, "stock prompt names");
	is_str(ivr_stock_name(IVR_STOCK_N), "?", "stock name out of range");
	ok(ivr_script_new(IVR_SCRIPT_HOTLINE, NULL, &fake_ops, NULL) == NULL,
	    "a hotline needs a menu");
	ok(ivr_script_new(IVR_SCRIPT_HOTLINE, full, NULL, NULL) == NULL,
	    "a script needs ops");
	s = ivr_script_new(IVR_SCRIPT_HOTLINE, full, &fake_ops, NULL);
	ok(s != NULL && !ivr_script_done(s) &&
	    strcmp(ivr_script_result(s), "") == 0 &&
	    strcmp(ivr_script_digits(s), "") == 0, "a new script");
	ivr_script_free(s);
	ivr_script_free(NULL);
	ok(1, "ivr_script_free(NULL) is a no-op");
}

int
main(void)
{
	struct ivr_menu	*full, *bare;
	size_t		 i;

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(full_path, sizeof(full_path), "%s/full.conf", dir);
	snprintf(bare_path, sizeof(bare_path), "%s/bare.conf", dir);
	full = write_menu(full_path, full_menu);
	bare = write_menu(bare_path, bare_menu);
	if (ok(full != NULL && bare != NULL, "test menus load")) {
		for (i = 0; i < sizeof(scens) / sizeof(scens[0]); i++)
			test_scen(&scens[i], full, bare);
		test_digits(full);
		test_misc(full);
	}
	ivr_menu_free(full);
	ivr_menu_free(bare);
	unlink(full_path);
	unlink(bare_path);
	rmdir(dir);
	return done_testing();
}
