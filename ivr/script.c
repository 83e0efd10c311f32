/*
 * script.c: the IVR scripts (see ivr.h) as event-driven state machines.
 * A script owns no socket, file or database handle: it asks for audio,
 * timers, recordings and the store through struct ivr_script_ops and moves
 * only when an ivr_script_* event arrives.  One timer per script: it runs
 * only while we wait for the caller (after the prompts have played); a key
 * cancels it, or re-arms it while digits are being collected.
 *
 * HOTLINE (inbound, runs the menu; "page" is the menu now current):
 *
 *	start --menu_greet--> MENU: greeting plays, then timer(page timeout)
 *	MENU --key--> menu_key, by the key's action:
 *	    play	prompt, greeting		--> MENU
 *	    warning	have_union ? warning_play	--> MENU
 *			: union_ask			--> UNION
 *	    relief	code_ask			--> CODE
 *	    grievance	prompt, beep			--> BEEP
 *	    spot	spot_play			--> MENU
 *	    repeat	greeting			--> MENU
 *	    menu, back	page = submenu or top, greeting	--> MENU
 *	    hangup	script_goodbye			--> BYE
 *	    not in use	invalid, script_retry
 *	MENU --timer--> script_retry
 *	UNION --digits #--> union_submit: set_union 0 warning_play --> MENU
 *	    1 unknown-union, script_retry
 *	CODE --6 digits #--> code_submit --> OUTCOME (else invalid, retry)
 *	OUTCOME --1, 3--> relief_receipt; --2--> qty_ask --> QTY
 *	QTY --1..6 digits (> 0) #--> qty_submit --> relief_receipt
 *	relief_receipt: ok, refused or limit, greeting --> MENU
 *	    error --> BYE
 *	BEEP --played--> griev_record: RECORD (fails: error, greeting, MENU)
 *	RECORD --#, recorded, ended--> griev_finish: grievance-ok, greeting
 *	    --> MENU
 *	script_retry: ++tries > page retries ? script_goodbye --> BYE
 *	    : ask again (the state's ask function)
 *	BYE --played--> script_hangup --> DONE
 *	any --ended--> DONE (a recording under way still becomes a grievance)
 *
 * CALLOUT (outbound warning, no menu):
 *
 *	start --callout_ask--> warning, confirm: CONFIRM; played, timer 8 s
 *	CONFIRM --1 (barge-in too)--> confirm, confirmed --> BYE
 *	CONFIRM --other key, timer--> callout_again: first time warning and
 *	    confirm again --> CONFIRM; second time goodbye --> BYE
 *
 * SPOT (outbound campaign airing, no menu): start --airing_play--> the
 *	spot, goodbye: BYE (keys change nothing); no spot: error, BYE
 *
 * Waiting states (MENU, UNION, CODE, OUTCOME, QTY) take barge-in: a key
 * while prompts play flushes them (ops->flush) and is then handled as if
 * they had finished.  In the digit-collecting states (UNION, CODE, QTY)
 * '#' submits, '*' clears, and the timer restarts after every key
 * (inter-digit timeout = page timeout); when it fires with keys collected
 * the entry is submitted as if '#' had been pressed, with none it is a
 * retry.  Keys while the grievance prompt and beep play, and keys other
 * than '1' while the callout's prompts play, are kept for the call record
 * but do nothing.  A warning or spot key's own prompt, when the menu gives
 * one, plays just before the warning or spot as its introduction.
 *
 * ivr_script_result is the strongest outcome so far, in script_results
 * order (a receipt outranks a refusal, a grievance, a warning, ...).
 *
 * Playback is counted: every clip queued (ops->play, ops->play_stock, and
 * ops->play_warning or ops->play_spot when they return 0) is one clip, and
 * ivr_script_played reports one clip each.  When the count falls to zero
 * the state's idle function runs (start the timer, record, hang up).  A
 * flush forgets the queue; the clips it drops may be reported (completed
 * 0) at once from inside ops->flush or later, and that many completed-0
 * reports are ignored.  Ops may call back into the script (a clip that
 * cannot play reported from inside ops->play, ended from inside
 * ops->hangup): the idle step is then deferred to the end of the
 * outermost event (script_leave), so a transition is never cut in half.
 * Once the script is done (it hung up, or the call ended) no op is ever
 * called again and every event is ignored.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ivr.h"
#include "xmalloc.h"

#define SCRIPT_DIGITS_MAX	64	/* the call record keeps 63 keys */
#define SCRIPT_IN_MAX		16	/* keys collected before '#' */
#define SCRIPT_CODE_LEN		6	/* relief codes */
#define SCRIPT_QTY_MAX		6	/* quantity digits */
#define SCRIPT_CONFIRM_MS	8000	/* callout: wait for '1' */
#define SCRIPT_CALLOUT_ASKS	2	/* callout: warning played at most */
#define SCRIPT_GRIEVANCE_S	60	/* a grievance key without a limit */

/* enum receipt_outcome (campaigns/campaigns.h), which ivr/ must not use. */
#define RCPT_OK			0
#define RCPT_REPEAT		1
#define RCPT_UNKNOWN_CODE	2
#define RCPT_NOT_OWNER		3
#define RCPT_RATE_LIMITED	4
#define RCPT_TOO_MUCH		5

enum script_state {
	ST_NEW = 0,		/* not started */
	ST_MENU,		/* greeting, then a key */
	ST_UNION,		/* union code, then # */
	ST_CODE,		/* relief code, then # */
	ST_OUTCOME,		/* 1 full, 2 less, 3 none */
	ST_QTY,			/* quantity, then # */
	ST_BEEP,		/* grievance prompt and beep */
	ST_RECORD,		/* recording, # ends */
	ST_CONFIRM,		/* callout: warning, confirm, then a key */
	ST_BYE,			/* last prompt, then hang up */
	ST_DONE,		/* hung up or ended */
	ST_N
};

/* Ordered: a later outcome outranks an earlier one. */
enum script_result {
	RES_NONE = 0,
	RES_NO_INPUT,
	RES_PLAYED,
	RES_SPOT,
	RES_WARNING,
	RES_GRIEVANCE,
	RES_LIMITED,
	RES_REFUSED,
	RES_RECEIPT
};

static const char *const script_results[] = {
	[RES_NONE] = "",
	[RES_NO_INPUT] = "no_input",
	[RES_PLAYED] = "played",
	[RES_SPOT] = "spot",
	[RES_WARNING] = "warning",
	[RES_GRIEVANCE] = "grievance",
	[RES_LIMITED] = "receipt_limited",
	[RES_REFUSED] = "receipt_refused",
	[RES_RECEIPT] = "receipt"
};

static const char *const script_stocks[IVR_STOCK_N] = {
	[IVR_STOCK_BEEP] = "beep",
	[IVR_STOCK_INVALID] = "invalid",
	[IVR_STOCK_GOODBYE] = "goodbye",
	[IVR_STOCK_NO_WARNING] = "no-warning",
	[IVR_STOCK_NO_SPOT] = "no-spot",
	[IVR_STOCK_ENTER_UNION] = "enter-union",
	[IVR_STOCK_UNKNOWN_UNION] = "unknown-union",
	[IVR_STOCK_ENTER_CODE] = "enter-code",
	[IVR_STOCK_OUTCOME] = "outcome",
	[IVR_STOCK_QUANTITY] = "quantity",
	[IVR_STOCK_RECEIPT_OK] = "receipt-ok",
	[IVR_STOCK_RECEIPT_REFUSED] = "receipt-refused",
	[IVR_STOCK_RECEIPT_LIMIT] = "receipt-limit",
	[IVR_STOCK_GRIEVANCE_OK] = "grievance-ok",
	[IVR_STOCK_CONFIRM] = "confirm",
	[IVR_STOCK_CONFIRMED] = "confirmed",
	[IVR_STOCK_ERROR] = "error"
};

struct ivr_script {
	enum ivr_script_kind	 kind;
	const struct ivr_menu	*menu;		/* NULL for a callout */
	const struct ivr_script_ops *ops;
	void			*arg;

	enum script_state	 state;
	int			 done;
	int			 page;		/* index into menu->menus */
	const struct ivr_menu_key *key;		/* action under way */
	int			 tries;		/* failures at this step */

	int			 queued;	/* clips not yet reported */
	int			 stale;		/* flushed, not yet reported */
	int			 drained;	/* queue emptied: run idle */
	int			 depth;		/* events being handled */
	int			 timer_on;
	int			 recording;

	char			 in[SCRIPT_IN_MAX + 1];	/* keys before # */
	size_t			 nin;
	int			 in_bad;	/* too long, or not a digit */
	char			 code[SCRIPT_CODE_LEN + 1];

	enum script_result	 result;
	int			 confirmed;	/* callout */
	int			 asks;		/* callout: warnings played */
	char			 digits[SCRIPT_DIGITS_MAX];
	size_t			 ndigits;
};

struct script_state_def {
	int		 barge;		/* a key flushes the prompts */
	void		(*idle)(struct ivr_script *);	/* prompts played */
	void		(*key)(struct ivr_script *, char);
	void		(*timeout)(struct ivr_script *);
	void		(*ask)(struct ivr_script *);	/* again, on retry */
	void		(*submit)(struct ivr_script *);	/* '#' */
};

static void	 wait_idle(struct ivr_script *);
static void	 bye_idle(struct ivr_script *);
static void	 griev_record(struct ivr_script *);
static void	 menu_key(struct ivr_script *, char);
static void	 menu_timeout(struct ivr_script *);
static void	 menu_greet(struct ivr_script *);
static void	 collect_key(struct ivr_script *, char);
static void	 collect_timeout(struct ivr_script *);
static void	 union_ask(struct ivr_script *);
static void	 union_submit(struct ivr_script *);
static void	 code_ask(struct ivr_script *);
static void	 code_submit(struct ivr_script *);
static void	 outcome_ask(struct ivr_script *);
static void	 outcome_key(struct ivr_script *, char);
static void	 outcome_timeout(struct ivr_script *);
static void	 qty_ask(struct ivr_script *);
static void	 qty_submit(struct ivr_script *);
static void	 record_key(struct ivr_script *, char);
static void	 confirm_key(struct ivr_script *, char);
static void	 confirm_timeout(struct ivr_script *);

static const struct script_state_def script_states[ST_N] = {
	/* barge, idle, key, timeout; then ask (a retry), submit (#) */
	[ST_MENU] = {	1,	wait_idle,	menu_key,	menu_timeout,
	    menu_greet, NULL },
	[ST_UNION] = {	1,	wait_idle,	collect_key,	collect_timeout,
	    union_ask, union_submit },
	[ST_CODE] = {	1,	wait_idle,	collect_key,	collect_timeout,
	    code_ask, code_submit },
	[ST_OUTCOME] = { 1,	wait_idle,	outcome_key,	outcome_timeout,
	    outcome_ask, NULL },
	[ST_QTY] = {	1,	wait_idle,	collect_key,	collect_timeout,
	    qty_ask, qty_submit },
	[ST_BEEP] = {	0,	griev_record,	NULL,		NULL,
	    NULL, NULL },
	[ST_RECORD] = {	0,	NULL,		record_key,	NULL,
	    NULL, NULL },
	[ST_CONFIRM] = { 0,	wait_idle,	confirm_key,	confirm_timeout,
	    NULL, NULL },
	[ST_BYE] = {	0,	bye_idle,	NULL,		NULL,
	    NULL, NULL }
	/* ST_NEW, ST_DONE: nothing happens */
};

/* --- ops, guarded: nothing is called once the script is done ----------- */

static void
script_play(struct ivr_script *s, const char *prompt)
{
	if (s->done)
		return;
	s->queued++;
	s->ops->play(s->arg, prompt);
}

static void
script_stock(struct ivr_script *s, enum ivr_stock which)
{
	if (s->done)
		return;
	s->queued++;
	s->ops->play_stock(s->arg, which);
}

/* ops->play_warning or ops->play_spot: 0 when a clip was queued. */
static int
script_play_op(struct ivr_script *s, int (*op)(void *))
{
	int	 r;

	if (s->done)
		return 1;
	s->queued++;
	if ((r = op(s->arg)) != 0 && s->queued > 0)
		s->queued--;
	return r != 0;
}

static void
script_flush(struct ivr_script *s)
{
	if (s->done || s->queued == 0)
		return;
	s->stale += s->queued;
	s->queued = 0;
	s->drained = 0;
	s->ops->flush(s->arg);
}

static void
script_timer_on(struct ivr_script *s, int ms)
{
	if (s->done)
		return;
	s->timer_on = 1;
	s->ops->timer(s->arg, ms);
}

static void
script_timer_off(struct ivr_script *s)
{
	if (s->done || !s->timer_on)
		return;
	s->timer_on = 0;
	s->ops->timer(s->arg, 0);
}

static void
script_hangup(struct ivr_script *s)
{
	if (s->done)
		return;
	s->done = 1;
	s->state = ST_DONE;
	s->ops->hangup(s->arg);
}

/* --- helpers ------------------------------------------------------------ */

static const struct ivr_menu_page *
script_page(const struct ivr_script *s)
{
	return &s->menu->menus[s->page];
}

static void
script_result(struct ivr_script *s, enum script_result r)
{
	if (r > s->result)
		s->result = r;
}

static void
script_state(struct ivr_script *s, enum script_state st)
{
	if (!s->done)
		s->state = st;
}

static void
script_input_clear(struct ivr_script *s)
{
	s->nin = 0;
	s->in[0] = '\0';
	s->in_bad = 0;
}

/* The page's invalid prompt, or the stock one. */
static void
script_invalid(struct ivr_script *s)
{
	const struct ivr_menu_page	*pg = script_page(s);

	if (pg->invalid != NULL)
		script_play(s, pg->invalid);
	else
		script_stock(s, IVR_STOCK_INVALID);
}

static void
script_goodbye(struct ivr_script *s)
{
	if (s->kind == IVR_SCRIPT_HOTLINE && script_page(s)->goodbye != NULL)
		script_play(s, script_page(s)->goodbye);
	else
		script_stock(s, IVR_STOCK_GOODBYE);
	script_state(s, ST_BYE);
}

/* Error prompt, then hang up. */
static void
script_error_bye(struct ivr_script *s)
{
	script_stock(s, IVR_STOCK_ERROR);
	script_state(s, ST_BYE);
}

/*
 * A failed step (its failure prompt, if any, already queued): once more,
 * or goodbye when the page's retries are used up.
 */
static void
script_retry(struct ivr_script *s, int timeout)
{
	if (++s->tries > script_page(s)->retries) {
		if (timeout)
			script_result(s, RES_NO_INPUT);
		script_goodbye(s);
		return;
	}
	script_states[s->state].ask(s);
}

static int
script_wait_ms(const struct ivr_script *s)
{
	if (s->kind == IVR_SCRIPT_CALLOUT)
		return SCRIPT_CONFIRM_MS;
	return script_page(s)->timeout * 1000;
}

/* --- idle: every queued prompt has played ------------------------------- */

static void
wait_idle(struct ivr_script *s)
{
	script_timer_on(s, script_wait_ms(s));
}

static void
bye_idle(struct ivr_script *s)
{
	script_hangup(s);
}

/* --- the menu ----------------------------------------------------------- */

static void
menu_greet(struct ivr_script *s)
{
	script_state(s, ST_MENU);
	script_play(s, script_page(s)->greeting);
}

static void
menu_timeout(struct ivr_script *s)
{
	script_retry(s, 1);
}

static void
warning_play(struct ivr_script *s)
{
	if (s->key != NULL && s->key->prompt != NULL)
		script_play(s, s->key->prompt);
	if (script_play_op(s, s->ops->play_warning) == 0)
		script_result(s, RES_WARNING);
	else
		script_stock(s, IVR_STOCK_NO_WARNING);
	menu_greet(s);
}

static void
spot_play(struct ivr_script *s)
{
	if (s->key->prompt != NULL)
		script_play(s, s->key->prompt);
	if (script_play_op(s, s->ops->play_spot) == 0)
		script_result(s, RES_SPOT);
	else
		script_stock(s, IVR_STOCK_NO_SPOT);
	menu_greet(s);
}

static void
griev_ask(struct ivr_script *s)
{
	script_state(s, ST_BEEP);
	if (s->key->prompt != NULL)
		script_play(s, s->key->prompt);
	script_stock(s, IVR_STOCK_BEEP);
}

static void
menu_key(struct ivr_script *s, char key)
{
	const struct ivr_menu_key	*k;

	if ((k = ivr_menu_key(s->menu, s->page, key)) == NULL) {
		script_invalid(s);
		script_retry(s, 0);
		return;
	}
	s->tries = 0;
	s->key = k;
	switch (k->action) {
	case IVR_ACT_PLAY:
		script_play(s, k->prompt);
		script_result(s, RES_PLAYED);
		menu_greet(s);
		break;
	case IVR_ACT_WARNING:
		if (s->done)
			break;
		if (s->ops->have_union(s->arg))
			warning_play(s);
		else
			union_ask(s);
		break;
	case IVR_ACT_RELIEF:
		code_ask(s);
		break;
	case IVR_ACT_GRIEVANCE:
		griev_ask(s);
		break;
	case IVR_ACT_SPOT:
		spot_play(s);
		break;
	case IVR_ACT_MENU:
		s->page = k->submenu;
		menu_greet(s);
		break;
	case IVR_ACT_BACK:
		s->page = 0;
		menu_greet(s);
		break;
	case IVR_ACT_HANGUP:
		script_goodbye(s);
		break;
	case IVR_ACT_REPEAT:
	default:
		menu_greet(s);
		break;
	}
}

/* --- collecting keys until '#' ----------------------------------------- */

static void
collect_key(struct ivr_script *s, char key)
{
	if (key == '#') {
		script_states[s->state].submit(s);
		return;
	}
	if (key == '*')
		script_input_clear(s);
	else if (key < '0' || key > '9' || s->nin >= SCRIPT_IN_MAX)
		s->in_bad = 1;
	else {
		s->in[s->nin++] = key;
		s->in[s->nin] = '\0';
	}
	if (s->queued == 0)
		script_timer_on(s, script_wait_ms(s));
}

static void
collect_timeout(struct ivr_script *s)
{
	if (s->nin > 0 || s->in_bad)
		script_states[s->state].submit(s);
	else
		script_retry(s, 1);
}

static void
union_ask(struct ivr_script *s)
{
	script_state(s, ST_UNION);
	script_input_clear(s);
	script_stock(s, IVR_STOCK_ENTER_UNION);
}

static void
union_submit(struct ivr_script *s)
{
	if (s->done)
		return;
	if (s->nin > 0 && !s->in_bad &&
	    s->ops->set_union(s->arg, s->in) == 0) {
		s->tries = 0;
		warning_play(s);
		return;
	}
	script_stock(s, IVR_STOCK_UNKNOWN_UNION);
	script_retry(s, 0);
}

/* --- relief receipts ---------------------------------------------------- */

static void
code_ask(struct ivr_script *s)
{
	script_state(s, ST_CODE);
	script_input_clear(s);
	if (s->key->prompt != NULL)
		script_play(s, s->key->prompt);
	else
		script_stock(s, IVR_STOCK_ENTER_CODE);
}

static void
code_submit(struct ivr_script *s)
{
	if (s->in_bad || s->nin != SCRIPT_CODE_LEN) {
		script_invalid(s);
		script_retry(s, 0);
		return;
	}
	memcpy(s->code, s->in, SCRIPT_CODE_LEN + 1);
	s->tries = 0;
	outcome_ask(s);
}

static void
outcome_ask(struct ivr_script *s)
{
	script_state(s, ST_OUTCOME);
	if (s->key->outcome_prompt != NULL)
		script_play(s, s->key->outcome_prompt);
	else
		script_stock(s, IVR_STOCK_OUTCOME);
}

static void
relief_receipt(struct ivr_script *s, enum ivr_relief_outcome o, long qty)
{
	int	 r;

	if (s->done)
		return;
	s->tries = 0;
	r = s->ops->receipt(s->arg, s->code, o, qty);
	switch (r) {
	case RCPT_OK:
	case RCPT_REPEAT:
		script_result(s, RES_RECEIPT);
		script_stock(s, IVR_STOCK_RECEIPT_OK);
		break;
	case RCPT_UNKNOWN_CODE:
	case RCPT_NOT_OWNER:
	case RCPT_TOO_MUCH:
		script_result(s, RES_REFUSED);
		script_stock(s, IVR_STOCK_RECEIPT_REFUSED);
		break;
	case RCPT_RATE_LIMITED:
		script_result(s, RES_LIMITED);
		script_stock(s, IVR_STOCK_RECEIPT_LIMIT);
		break;
	default:			/* RECEIPT_ERROR, or nonsense */
		script_error_bye(s);
		return;
	}
	menu_greet(s);
}

static void
outcome_key(struct ivr_script *s, char key)
{
	switch (key) {
	case '1':
		relief_receipt(s, IVR_RELIEF_FULL, 0);
		break;
	case '2':
		s->tries = 0;
		qty_ask(s);
		break;
	case '3':
		relief_receipt(s, IVR_RELIEF_NONE, 0);
		break;
	default:
		script_invalid(s);
		script_retry(s, 0);
		break;
	}
}

static void
outcome_timeout(struct ivr_script *s)
{
	script_retry(s, 1);
}

static void
qty_ask(struct ivr_script *s)
{
	script_state(s, ST_QTY);
	script_input_clear(s);
	if (s->key->quantity_prompt != NULL)
		script_play(s, s->key->quantity_prompt);
	else
		script_stock(s, IVR_STOCK_QUANTITY);
}

static void
qty_submit(struct ivr_script *s)
{
	long	 qty;

	qty = s->in_bad || s->nin < 1 || s->nin > SCRIPT_QTY_MAX ? 0 :
	    strtol(s->in, NULL, 10);
	if (qty <= 0) {
		script_invalid(s);
		script_retry(s, 0);
		return;
	}
	relief_receipt(s, IVR_RELIEF_LESS, qty);
}

/* --- grievances --------------------------------------------------------- */

static void
griev_record(struct ivr_script *s)
{
	int	 max;

	if (s->done)
		return;
	max = s->key->max_seconds > 0 ? s->key->max_seconds :
	    SCRIPT_GRIEVANCE_S;
	if (s->ops->record(s->arg, max) == 0) {
		s->recording = 1;
		script_state(s, ST_RECORD);
		return;
	}
	script_stock(s, IVR_STOCK_ERROR);
	menu_greet(s);
}

/* The recording is over (seconds long): it becomes a grievance. */
static void
griev_finish(struct ivr_script *s, double seconds)
{
	s->recording = 0;
	if (s->done)
		return;
	if (s->ops->grievance(s->arg, seconds) == 0) {
		script_result(s, RES_GRIEVANCE);
		script_stock(s, IVR_STOCK_GRIEVANCE_OK);
	} else
		script_stock(s, IVR_STOCK_ERROR);
	menu_greet(s);
}

static void
record_key(struct ivr_script *s, char key)
{
	if (key != '#' || !s->recording || s->done)
		return;
	s->recording = 0;
	griev_finish(s, s->ops->record_stop(s->arg));
}

/* --- the callout -------------------------------------------------------- */

static void
callout_ask(struct ivr_script *s)
{
	s->asks++;
	if (script_play_op(s, s->ops->play_warning) != 0) {
		script_error_bye(s);
		return;
	}
	script_stock(s, IVR_STOCK_CONFIRM);
	script_state(s, ST_CONFIRM);
}

static void
callout_again(struct ivr_script *s)
{
	if (s->asks >= SCRIPT_CALLOUT_ASKS) {
		script_goodbye(s);
		return;
	}
	callout_ask(s);
}

static void
confirm_key(struct ivr_script *s, char key)
{
	if (key == '1') {
		script_flush(s);
		if (s->done)
			return;
		s->confirmed = 1;
		s->ops->confirm(s->arg);
		script_stock(s, IVR_STOCK_CONFIRMED);
		script_state(s, ST_BYE);
		return;
	}
	if (s->queued == 0)	/* other keys do not interrupt the warning */
		callout_again(s);
}

static void
confirm_timeout(struct ivr_script *s)
{
	callout_again(s);
}

/* --- the campaign airing ----------------------------------------------- */

static void
airing_play(struct ivr_script *s)
{
	if (script_play_op(s, s->ops->play_spot) != 0) {
		script_error_bye(s);
		return;
	}
	script_result(s, RES_SPOT);
	script_stock(s, IVR_STOCK_GOODBYE);
	script_state(s, ST_BYE);
}

/* --- events ------------------------------------------------------------- */

static void
script_enter(struct ivr_script *s)
{
	s->depth++;
}

/* Leave an event; the outermost one runs the deferred idle steps. */
static void
script_leave(struct ivr_script *s)
{
	const struct script_state_def	*st;

	if (s->depth > 1) {
		s->depth--;
		return;
	}
	while (s->drained) {
		s->drained = 0;
		st = &script_states[s->state];
		if (s->queued == 0 && !s->done && st->idle != NULL)
			st->idle(s);
	}
	s->depth--;
}

struct ivr_script *
ivr_script_new(enum ivr_script_kind kind, const struct ivr_menu *menu,
    const struct ivr_script_ops *ops, void *arg)
{
	struct ivr_script	*s;

	if (ops == NULL || (kind != IVR_SCRIPT_HOTLINE &&
	    kind != IVR_SCRIPT_CALLOUT && kind != IVR_SCRIPT_SPOT))
		return NULL;
	if (kind == IVR_SCRIPT_HOTLINE && (menu == NULL || menu->nmenus < 1))
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->kind = kind;
	s->menu = kind == IVR_SCRIPT_HOTLINE ? menu : NULL;
	s->ops = ops;
	s->arg = arg;
	s->state = ST_NEW;
	return s;
}

void
ivr_script_free(struct ivr_script *s)
{
	free(s);
}

void
ivr_script_start(struct ivr_script *s)
{
	if (s == NULL || s->done || s->state != ST_NEW)
		return;
	script_enter(s);
	if (s->kind == IVR_SCRIPT_CALLOUT)
		callout_ask(s);
	else if (s->kind == IVR_SCRIPT_SPOT)
		airing_play(s);
	else
		menu_greet(s);
	script_leave(s);
}

void
ivr_script_digit(struct ivr_script *s, char key)
{
	const struct script_state_def	*st;

	if (s == NULL || s->done || s->state == ST_NEW || key == '\0')
		return;
	if (s->ndigits < sizeof(s->digits) - 1) {
		s->digits[s->ndigits++] = key;
		s->digits[s->ndigits] = '\0';
	}
	st = &script_states[s->state];
	if (st->key == NULL)
		return;
	script_enter(s);
	if (st->barge)
		script_flush(s);
	if (st->submit == NULL || key == '#')	/* collecting re-arms it */
		script_timer_off(s);
	st->key(s, key);
	script_leave(s);
}

void
ivr_script_played(struct ivr_script *s, int completed)
{
	if (s == NULL || s->done)
		return;
	if (!completed && s->stale > 0) {
		s->stale--;
		return;
	}
	if (s->queued == 0)
		return;
	script_enter(s);
	if (--s->queued == 0)
		s->drained = 1;
	script_leave(s);
}

void
ivr_script_timer(struct ivr_script *s)
{
	const struct script_state_def	*st;

	if (s == NULL || s->done || !s->timer_on)
		return;
	s->timer_on = 0;
	st = &script_states[s->state];
	if (st->timeout == NULL)
		return;
	script_enter(s);
	st->timeout(s);
	script_leave(s);
}

void
ivr_script_recorded(struct ivr_script *s, double seconds)
{
	if (s == NULL || s->done || s->state != ST_RECORD || !s->recording)
		return;
	script_enter(s);
	griev_finish(s, seconds);
	script_leave(s);
}

void
ivr_script_ended(struct ivr_script *s)
{
	double	 seconds;

	if (s == NULL || s->done)
		return;
	if (s->recording) {
		s->recording = 0;
		seconds = s->ops->record_stop(s->arg);
		if (s->ops->grievance(s->arg, seconds) == 0)
			script_result(s, RES_GRIEVANCE);
	}
	s->done = 1;
	s->state = ST_DONE;
}

const char *
ivr_script_digits(const struct ivr_script *s)
{
	return s != NULL ? s->digits : "";
}

const char *
ivr_script_result(const struct ivr_script *s)
{
	if (s == NULL)
		return "";
	if (s->kind == IVR_SCRIPT_CALLOUT)
		return s->confirmed ? "confirmed" : "not_confirmed";
	return script_results[s->result];
}

int
ivr_script_done(const struct ivr_script *s)
{
	return s == NULL || s->done;
}

const char *
ivr_stock_name(enum ivr_stock which)
{
	if ((int)which < 0 || which >= IVR_STOCK_N)
		return "?";
	return script_stocks[which];
}
