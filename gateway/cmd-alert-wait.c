/*
 * cmd-alert-wait.c: `sanket alert send --wait` and `sanket alert status ID
 * --wait`, following an alert until it settles (cmd-alert.c parses the
 * verbs and calls alert_wait()).
 *
 * alert_wait polls GET /api/v1/alerts/ID every 500 ms until "settled" is
 * true or the alert is cancelled or expired:
 *
 *	poll -> draw -> settled? -> done		(alert_wait)
 *	  |       no answer / 503 -> retry for 30 s -> fail
 *	  |       other refusal -> fail		(alert_wait_fail)
 *	  +-- Ctrl-C -> stop waiting (the alert goes on), exit 0
 *
 * On a terminal stderr carries a live line (alert_wait_draw): a bar of the
 * messages past Kannel's door (delivered, failed, submitted, no_report,
 * cancelled, expired) over all messages, counts and the rate over the last
 * 5 s; otherwise one line every 5 s.  The daemon not answering is waited
 * out for 30 s (a restart, alert_wait_down), but only once it has answered
 * in this run.  The first Ctrl-C only sets a flag (SA_RESETHAND): a
 * request under way finishes first, and a second Ctrl-C kills, for a
 * daemon that hangs.  Exit 0 when settled with nothing failed (or on
 * Ctrl-C), 1 when any message failed.  With --json the one object printed
 * is the last GET answer (on a failure mid-wait: that object plus
 * "error").
 */
#include "config.h"

#include <sys/ioctl.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd-alert.h"
#include "sanket.h"

#define AW_POLL		0.5		/* seconds between polls */
#define AW_LINE_EVERY	5.0		/* progress line when not a tty */
#define AW_RATE_SPAN	5.0		/* rate over about this long */
#define AW_SAMPLES	32
#define AW_DOWN_MAX	30.0		/* wait out a silent daemon this long */
#define AW_BAR_MIN	8		/* narrower: no bar */
#define AW_BAR_MAX	40

/* One wait: the alert, the screen, the rate samples. */
struct alert_wait {
	struct sk_ctx	*ctx;
	long long	 id;
	char		 path[64];
	int		 tty;
	int		 answered;	/* the daemon answered in this run */
	int		 drawn;		/* a tty line is on screen */
	double		 last_line;	/* last non-tty line */
	double		 down_since;	/* no answer since; 0 = answering */
	double		 st[AW_SAMPLES];	/* sample times */
	long long	 sd[AW_SAMPLES];	/* done at each */
	size_t		 ns;
	json_t		*last;		/* the last answer about the alert */
};

static volatile sig_atomic_t alert_stop;

/* Messages past Kannel's door: what the progress bar fills with. */
static long long
al_done(json_t *t)
{
	return sk_int(t, "delivered") + sk_int(t, "failed") +
	    sk_int(t, "submitted") + sk_int(t, "no_report") +
	    sk_int(t, "cancelled") + sk_int(t, "expired");
}

static void
alert_sigint(int sig)
{
	alert_stop = 1;
}

static int
alert_settled(json_t *o)
{
	const char	*st = sk_str(o, "status", "");

	return json_is_true(json_object_get(o, "settled")) ||
	    strcmp(st, "cancelled") == 0 || strcmp(st, "expired") == 0;
}

static int
alert_cols_tty(void)
{
	struct winsize	 ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
}

/* Messages per second over the last AW_RATE_SPAN seconds. */
static double
alert_wait_rate(struct alert_wait *w, double now, long long done)
{
	size_t	 i;

	if (w->ns == AW_SAMPLES) {
		memmove(w->st, w->st + 1, sizeof(w->st[0]) * (AW_SAMPLES - 1));
		memmove(w->sd, w->sd + 1, sizeof(w->sd[0]) * (AW_SAMPLES - 1));
		w->ns--;
	}
	w->st[w->ns] = now;
	w->sd[w->ns] = done;
	w->ns++;
	for (i = 0; i + 1 < w->ns; i++)
		if (now - w->st[i] <= AW_RATE_SPAN)
			break;
	if (i + 1 >= w->ns || now - w->st[i] <= 0)
		return 0;
	return (done - w->sd[i]) / (now - w->st[i]);
}

static void
alert_wait_clear(struct alert_wait *w)
{
	if (w->drawn)
		fprintf(stderr, "\r\033[K");
	w->drawn = 0;
}

static void
alert_wait_draw(struct alert_wait *w, double now)
{
	static const char	 bar[AW_BAR_MAX + 1] =
	    "########################################";
	json_t			*t = json_object_get(w->last, "totals");
	const char		*st;
	long long		 msgs, done;
	double			 rate;
	char			 line[512];
	int			 pct, width, bw, n;

	msgs = sk_int(t, "messages");
	done = al_done(t);
	rate = alert_wait_rate(w, now, done);
	pct = msgs > 0 ? (int)(done * 100 / msgs) : 100;
	if (pct > 100)
		pct = 100;
	if (w->tty) {
		/*
		 * The bar gets what the terminal leaves beside the counts at
		 * their widest (each at most msgs), so it does not jitter.
		 */
		st = sk_str(w->last, "status", "?");
		if (strcmp(st, "sending") == 0)
			st = "";
		width = alert_cols_tty() - 1;
		n = snprintf(line, sizeof(line), "%s%s", st, *st != '\0' ?
		    " " : "");
		bw = width - n - 3 - snprintf(NULL, 0, "%3d%%  %5d msg/s  "
		    "delivered %lld  submitted %lld  failed %lld  queued %lld",
		    100, 0, msgs, msgs, msgs, msgs);
		if (bw > AW_BAR_MAX)
			bw = AW_BAR_MAX;
		if (bw >= AW_BAR_MIN)
			n += snprintf(line + n, sizeof(line) - n, "[%-*.*s] ",
			    bw, pct * bw / 100, bar);
		snprintf(line + n, sizeof(line) - n, "%3d%%  %.0f msg/s  "
		    "delivered %lld  submitted %lld  failed %lld  queued %lld",
		    pct, rate, sk_int(t, "delivered"), sk_int(t, "submitted"),
		    sk_int(t, "failed"), sk_int(t, "queued"));
		fprintf(stderr, "\r%.*s\033[K", width, line);
		w->drawn = 1;
	} else if (now - w->last_line >= AW_LINE_EVERY) {
		w->last_line = now;
		fprintf(stderr, "alert %lld %s: %d%% (%lld of %lld), %lld "
		    "delivered, %lld submitted, %lld failed, %lld queued, "
		    "%.0f msg/s\n", w->id, sk_str(w->last, "status", "?"),
		    pct, done, msgs, sk_int(t, "delivered"),
		    sk_int(t, "submitted"), sk_int(t, "failed"),
		    sk_int(t, "queued"), rate);
	}
	fflush(stderr);
}

static void
alert_wait_down(struct alert_wait *w, struct alert_answer *a, double now)
{
	char	 line[1280];

	if (a->status == 0)
		snprintf(line, sizeof(line), "no answer for %.0f s, retrying "
		    "for up to %.0f s: %s", now - w->down_since, AW_DOWN_MAX,
		    a->err);
	else
		snprintf(line, sizeof(line), "sanketd answers %d (for %.0f s), "
		    "retrying for up to %.0f s", a->status,
		    now - w->down_since, AW_DOWN_MAX);
	if (w->tty) {
		fprintf(stderr, "\r%.*s\033[K", alert_cols_tty() - 1, line);
		w->drawn = 1;
	} else if (w->down_since == now) {
		fprintf(stderr, "sanket: %s\n", line);
	}
	fflush(stderr);
}

/* The wait failed: report with what is known of the alert.  Returns 1. */
static int
alert_wait_fail(struct alert_wait *w, struct alert_answer *a)
{
	json_t		*o, *err;
	char		 msg[64];

	alert_wait_clear(w);
	if (!w->answered)
		return alert_answer_fail(w->ctx, a, "alert");
	if (w->ctx->json && w->last != NULL) {
		o = json_copy(w->last);
		if (a->status == 0)
			err = json_pack("{s:s, s:s}", "code", "E_CONNECT",
			    "message", a->err);
		else if (json_is_object(json_object_get(a->json, "error")))
			err = json_incref(json_object_get(a->json, "error"));
		else {
			snprintf(msg, sizeof(msg), "HTTP status %d",
			    a->status);
			err = json_pack("{s:s, s:s}", "code", "E_HTTP",
			    "message", msg);
		}
		json_object_set_new(o, "error", err);
		sk_json_print(o);
		json_decref(o);
		return SK_EXIT_FAIL;
	}
	alert_answer_fail(w->ctx, a, "alert");
	fprintf(stderr, "sanket: stopped following alert %lld, which goes "
	    "on: `sanket alert status %lld` shows it\n", w->id, w->id);
	return SK_EXIT_FAIL;
}

/* Declared in cmd-alert.h. */
int
alert_wait(struct sk_ctx *ctx, long long id, json_t *first, int full)
{
	struct alert_wait	 w;
	struct alert_answer	 a;
	struct sigaction	 sa, old;
	struct timespec		 ts;
	double			 t;
	int			 rc;

	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.id = id;
	snprintf(w.path, sizeof(w.path), "/api/v1/alerts/%lld", id);
	w.tty = isatty(STDERR_FILENO);
	w.last_line = sk_now();
	if (first != NULL) {
		w.last = json_incref(first);
		w.answered = 1;
	}

	alert_stop = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = alert_sigint;
	sa.sa_flags = SA_RESETHAND;	/* no SA_RESTART: sleeps end early */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);

	for (;;) {
		t = sk_now();
		if (alert_request(ctx, CLIENT_GET, w.path, NULL, &a) == 0) {
			if (w.last != NULL)
				json_decref(w.last);
			w.last = a.json;
			a.json = NULL;
			w.answered = 1;
			w.down_since = 0;
			alert_wait_draw(&w, t);
			if (alert_settled(w.last))
				break;
		} else if (w.answered && !a.reported &&
		    (a.status == 0 || a.status == 503)) {
			if (w.down_since == 0)
				w.down_since = t;
			if (t - w.down_since >= AW_DOWN_MAX) {
				rc = alert_wait_fail(&w, &a);
				goto out;
			}
			alert_wait_down(&w, &a, t);
		} else {
			rc = alert_wait_fail(&w, &a);
			goto out;
		}
		alert_answer_clear(&a);
		if (alert_stop)
			break;
		if ((t = t + AW_POLL - sk_now()) > 0) {
			ts.tv_sec = (time_t)t;
			ts.tv_nsec = (long)((t - ts.tv_sec) * 1e9);
			nanosleep(&ts, NULL);	/* EINTR: alert_stop is set */
		}
		if (alert_stop)
			break;
	}
	alert_wait_clear(&w);
	if (alert_stop)
		fprintf(stderr, "sanket: stopped waiting; alert %lld goes on "
		    "(`sanket alert status %lld --wait` follows it again)\n",
		    id, id);
	if (ctx->json)
		sk_json_print(w.last);
	else if (full)
		alert_status_print(ctx, w.last, NULL);
	else if (json_is_object(json_object_get(w.last, "totals"))) {
		printf("alert %lld %s: ", id, sk_str(w.last, "status", "?"));
		alert_totals_print(stdout, json_object_get(w.last, "totals"));
	}
	if (alert_stop)
		rc = SK_EXIT_OK;
	else
		rc = al_total(w.last, "failed") > 0 ? SK_EXIT_FAIL :
		    SK_EXIT_OK;
out:
	alert_answer_clear(&a);
	sigaction(SIGINT, &old, NULL);
	if (w.last != NULL)
		json_decref(w.last);
	return rc;
}
