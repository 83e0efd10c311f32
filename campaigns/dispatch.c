/*
 * dispatch.c: feeds queued messages to Kannel, in priority order, at the
 * configured rate, with a bounded window, and records what happens.
 *
 * Message state machine (messages.state; every transition is one UPDATE
 * guarded by the state it leaves, so late or repeated events never move
 * a message backwards):
 *
 *                 dispatch_claim             kannel 202 (disp_done_cb)
 *	QUEUED ----------------------> SUBMITTING ---------------> SUBMITTED
 *	  ^  |                            |  |  |                      |
 *	  |  | cancel: CANCELLED          |  |  | 4xx, out of          | DLR 1
 *	  |  | expiry: EXPIRED            |  |  | attempts: FAILED     v
 *	  |  +----------------------------+  |  |               DELIVERED
 *	  |    5xx/timeout: backoff, retry   |  |                      ^
 *	  +----------------------------------+  |  DLR 2/16: FAILED    |
 *	       refused: requeued, no attempt    +--- DLR 1 before 202 -+
 *	       counted, dispatcher pauses
 *
 * Crash safety: a claim (QUEUED -> SUBMITTING) is made in the group-commit
 * batch and the sendsms request goes out only once that batch has
 * committed; a window slot is freed only after the request's outcome is
 * committed.  So after kill -9 the SUBMITTING rows are
 * exactly the requests that may or may not have reached Kannel: at most
 * `window` of them.  dispatch_new() requeues them (at-least-once for
 * life-safety traffic) and counts them in sanket_sms_possible_duplicates.
 *
 * Order: each tick takes up to the free window (and the token bucket's
 * tokens) of due messages, priority 3 down to 0, oldest due first, one
 * short range scan of the partial index messages_due per priority.  A
 * warning created during an awareness blast is therefore taken on the next
 * tick.  Backpressure: while bearerbox reports more than queue_limit
 * messages queued, no new work is taken.
 */
#include "config.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "campaigns.h"
#include "conf.h"
#include "http.h"
#include "kannel.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

#define DISP_BATCH		512	/* claims per tick at most */
#define DISP_IDLE_MS		100	/* look again when nothing was due */
#define DISP_DOWN_MIN_MS	250	/* first pause when Kannel is down */
#define DISP_DOWN_MAX_MS	5000
#define DISP_RETRY_BASE_MS	1000	/* 1 s, 2 s, 4 s ... */
#define DISP_RETRY_MAX_MS	300000	/* 5 min */
#define DISP_BACKPRESSURE_MS	200

struct inflight {
	struct dispatch	*d;
	int64_t		 id;
	int64_t		 alert_id;
	int		 attempt;
	char		 msisdn[16];
	char		*text;
	char		*dlr_url;
};

struct dispatch {
	struct gw	*gw;
	struct kannel	*kannel;
	struct event	*tick;
	int		 scheduled;
	double		 tokens;
	int64_t		 refill_ms;
	int		 inflight;	/* claimed, not yet answered */
	int		 pending;	/* claimed, waiting for the commit */
	int64_t		 paused_until;
	int		 down_ms;
	int		 stopping;

	/* metrics */
	uint64_t	 n_submitted, n_failed, n_retried, n_down;
	uint64_t	 n_expired, n_dlr[5], n_dlr_bad;
	uint64_t	 possible_dups;
	int64_t		 queued;	/* last count, for the gauge */
};

static void	 disp_schedule(struct dispatch *, int ms);

static int64_t
disp_jitter(int64_t ms)
{
	uint32_t r;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = 0;
	/* +-20 % */
	return ms + (int64_t)((double)ms * 0.4 * ((double)r / UINT32_MAX -
	    0.5));
}

static int
disp_exec(struct dispatch *d, const char *sql, int64_t a, int64_t b,
    int64_t c, const char *t)
{
	struct store	*s = d->gw->store;
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_prepare(s, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	sqlite3_bind_int64(st, 3, c);
	if (t != NULL)
		sqlite3_bind_text(st, 4, t, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("dispatch: %s", sqlite3_errmsg(store_db(s)));
		return -1;
	}
	return sqlite3_changes(store_db(s));
}

/*
 * A slot comes back when Kannel answers; the outcome commits with the
 * current batch.  Claims are gathered for a millisecond so that one
 * claim transaction serves several freed slots.
 */
static void
disp_release(struct dispatch *d)
{
	d->inflight--;
	disp_schedule(d, 1);
}

static void
disp_done_cb(void *arg, enum kannel_result r, int status, const char *reason)
{
	static const char ok[] = "UPDATE messages SET state = 2,"
	    " submitted_at = ?2 WHERE id = ?1 AND state = 1";
	/* Refused by Kannel: no part was sent (parts counts what was). */
	static const char fail[] = "UPDATE messages SET state = 4,"
	    " done_at = ?2, reason = ?4, parts = 0 WHERE id = ?1 AND state = 1";
	static const char retry[] = "UPDATE messages SET state = 0,"
	    " next_at = ?2, reason = ?4 WHERE id = ?1 AND state = 1";
	static const char down[] = "UPDATE messages SET state = 0,"
	    " next_at = ?2, attempts = attempts - 1 WHERE id = ?1 AND"
	    " state = 1";
	struct inflight	*f = arg;
	struct dispatch	*d = f->d;
	const struct conf *cf = d->gw->conf;
	int64_t		 now = store_now_ms(), delay;
	char		 why[320];

	store_batch_op(d->gw->store);
	switch (r) {
	case KANNEL_OK:
		disp_exec(d, ok, f->id, now, 0, NULL);
		d->n_submitted++;
		d->down_ms = 0;
		log_debug("alert=%lld msg=%lld submitted: %s",
		    (long long)f->alert_id, (long long)f->id, reason);
		break;
	case KANNEL_PERMANENT:
		snprintf(why, sizeof(why), "kannel %d: %s", status, reason);
		disp_exec(d, fail, f->id, now, 0, why);
		d->n_failed++;
		d->down_ms = 0;
		log_info("alert=%lld msg=%lld failed: %s", (long long)f->alert_id,
		    (long long)f->id, why);
		break;
	case KANNEL_RETRY:
		snprintf(why, sizeof(why), "%s%d: %s", status ? "kannel " : "",
		    status, reason);
		if (f->attempt >= cf->max_attempts) {
			char	 gave[400];

			snprintf(gave, sizeof(gave), "gave up after %d attempts:"
			    " %s", f->attempt, why);
			disp_exec(d, fail, f->id, now, 0, gave);
			d->n_failed++;
			log_info("alert=%lld msg=%lld failed: %s",
			    (long long)f->alert_id, (long long)f->id, gave);
			break;
		}
		delay = DISP_RETRY_BASE_MS << (f->attempt > 9 ? 9 :
		    f->attempt - 1);
		if (delay > DISP_RETRY_MAX_MS)
			delay = DISP_RETRY_MAX_MS;
		disp_exec(d, retry, f->id, now + disp_jitter(delay), 0, why);
		d->n_retried++;
		log_info("alert=%lld msg=%lld retry %d in ~%lld ms: %s",
		    (long long)f->alert_id, (long long)f->id, f->attempt,
		    (long long)delay, why);
		break;
	case KANNEL_DOWN:
		/* Nothing reached Kannel: not an attempt.  Pause all. */
		d->down_ms = d->down_ms ? d->down_ms * 2 : DISP_DOWN_MIN_MS;
		if (d->down_ms > DISP_DOWN_MAX_MS)
			d->down_ms = DISP_DOWN_MAX_MS;
		d->paused_until = now + d->down_ms;
		disp_exec(d, down, f->id, now + d->down_ms, 0, NULL);
		d->n_down++;
		if (d->down_ms == DISP_DOWN_MIN_MS)
			log_warnx("kannel: sendsms unreachable (%s): pausing, "
			    "messages stay queued", reason);
		break;
	}
	free(f->text);
	free(f->dlr_url);
	free(f);
	disp_release(d);
}

/* Messages claimed together, sent together. */
struct claim {
	struct dispatch	*d;
	struct inflight	**f;
	int		 n;
	int		 prio;
	int64_t		 now;
};

static void
disp_send_cb(void *arg)
{
	struct claim	*c = arg;
	struct dispatch	*d = c->d;
	struct kannel_sms sms;
	struct sms_len	 l;
	struct inflight	*f;
	int		 i;

	d->pending -= c->n;
	for (i = 0; i < c->n; i++) {
		f = c->f[i];
		sms_measure(f->text, &l);
		f->dlr_url = kannel_dlr_url(d->gw->conf, f->id, f->attempt,
		    c->now / 1000);
		sms.to = f->msisdn;
		sms.text = f->text;
		sms.coding = l.coding;
		sms.priority = c->prio;
		sms.dlr_url = f->dlr_url;
		if (d->stopping || kannel_submit(d->kannel, &sms, disp_done_cb,
		    f) == -1)
			/* Not sent after all: back to the queue. */
			disp_done_cb(f, KANNEL_DOWN, 0, d->stopping ?
			    "shutting down" : "no free connection");
	}
	free(c->f);
	free(c);
}

/*
 * Claim up to want due messages of one priority in one transaction and
 * send them once it has committed, so a request never goes out for a
 * claim that a crash could undo.
 */
static int
disp_claim(struct dispatch *d, int prio, int want, int64_t now)
{
	/* A message's own number and text (a reply, a relief notice with
	 * its code) win over its recipient's and its alert's. */
	static const char due[] = "SELECT m.id, m.alert_id,"
	    " coalesce(m.msisdn, r.msisdn), m.lang, m.attempts,"
	    " coalesce(m.text, a.text_bn), coalesce(m.text, a.text_en),"
	    " a.expires_at FROM messages m LEFT JOIN alerts a ON"
	    " a.id = m.alert_id LEFT JOIN recipients r ON"
	    " r.id = m.recipient_id WHERE m.channel = 'sms' AND m.state = 0"
	    " AND m.priority = ?1 AND m.next_at <= ?2 ORDER BY m.next_at"
	    " LIMIT ?3";
	static const char take[] = "UPDATE messages SET state = 1,"
	    " attempts = attempts + 1 WHERE id = ?1 AND state = 0";
	/* An expired alert: all its queued messages at once. */
	static const char expire[] = "UPDATE messages SET state = 6,"
	    " done_at = ?2 WHERE alert_id = ?1 AND state = 0";
	struct store	*s = d->gw->store;
	struct claim	*c;
	struct inflight	*f;
	sqlite3_stmt	*st;
	const char	*text, *lang;
	int64_t		*expired;
	int		 nexp = 0, i, k;

	c = xcalloc(1, sizeof(*c));
	c->d = d;
	c->prio = prio;
	c->now = now;
	c->f = xcalloc(want, sizeof(*c->f));
	expired = xcalloc(want, sizeof(*expired));
	i = 0;
	if (store_batch_op(s) == -1 || (st = store_prepare(s, due)) == NULL)
		goto out;
	sqlite3_bind_int(st, 1, prio);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, want);
	while (c->n < want && nexp < want && sqlite3_step(st) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);

		if (sqlite3_column_type(st, 7) != SQLITE_NULL &&
		    sqlite3_column_int64(st, 7) * 1000 <= now) {
			int64_t alert = sqlite3_column_int64(st, 1);

			if (nexp == 0 || expired[nexp - 1] != alert)
				expired[nexp++] = alert;
			continue;
		}
		lang = (const char *)sqlite3_column_text(st, 3);
		text = (const char *)sqlite3_column_text(st,
		    strcmp(lang, "en") == 0 ? 6 : 5);
		if (text == NULL)	/* fan-out picked an existing text */
			text = (const char *)sqlite3_column_text(st,
			    strcmp(lang, "en") == 0 ? 5 : 6);
		f = xcalloc(1, sizeof(*f));
		f->d = d;
		f->id = id;
		f->alert_id = sqlite3_column_int64(st, 1);
		/* Never NULL: recipients are updated, not deleted. */
		strlcpy_sk(f->msisdn, sqlite3_column_type(st, 2) ==
		    SQLITE_NULL ? "" : (const char *)sqlite3_column_text(st,
		    2), sizeof(f->msisdn));
		f->attempt = sqlite3_column_int(st, 4) + 1;
		f->text = xstrdup(text ? text : "");
		c->f[c->n++] = f;
	}
	sqlite3_reset(st);
	for (i = 0; i < nexp; i++) {
		int n = store_batch_op(s) == -1 ? -1 : disp_exec(d, expire,
		    expired[i], now, 0, NULL);

		if (n > 0) {
			d->n_expired += n;
			log_info("alert=%lld expired: %d messages not sent",
			    (long long)expired[i], n);
		}
	}
	for (i = k = 0; i < c->n; i++) {
		if (store_batch_op(s) == -1 || disp_exec(d, take,
		    c->f[i]->id, 0, 0, NULL) != 1) {
			free(c->f[i]->text);
			free(c->f[i]);
			continue;
		}
		c->f[k++] = c->f[i];
	}
	c->n = k;
	d->inflight += c->n;
	d->pending += c->n;
	d->tokens -= c->n;
	i = c->n + nexp;
	if (c->n > 0) {
		/* The requests go out once the claims are durable. */
		store_batch_after(s, disp_send_cb, c);
		c = NULL;
	}
out:
	if (c != NULL) {
		free(c->f);
		free(c);
		i = nexp;
	}
	free(expired);
	return i;
}

static void
disp_tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct dispatch	*d = arg;
	const struct conf *cf = d->gw->conf;
	int64_t		 now = store_now_ms();
	double		 burst;
	int		 want, got = 0, p, n;

	d->scheduled = 0;
	if (d->stopping)
		return;
	/* Token bucket: rate per second, burst of a tenth of a second. */
	burst = cf->rate / 10 > cf->window ? cf->rate / 10 : cf->window;
	d->tokens += (double)(now - d->refill_ms) * cf->rate / 1000;
	if (d->tokens > burst)
		d->tokens = burst;
	d->refill_ms = now;
	if (now < d->paused_until) {
		disp_schedule(d, (int)(d->paused_until - now));
		return;
	}
	if (d->gw->kannel_up == 1 && d->gw->kannel_queue > cf->queue_limit) {
		disp_schedule(d, DISP_BACKPRESSURE_MS);
		return;
	}
	want = kannel_free_slots(d->kannel) - d->pending;
	if (want > (int)d->tokens)
		want = (int)d->tokens;
	if (want > DISP_BATCH)
		want = DISP_BATCH;
	if (d->down_ms > 0 && want > 1)
		want = 1;		/* probing a Kannel that was down */
	if (want <= 0) {
		/* A completion reschedules; else wait for a token. */
		if (d->tokens < 1)
			disp_schedule(d, (int)ceil((1 - d->tokens) * 1000 /
			    cf->rate));
		return;
	}
	for (p = 3; p >= 0 && got < want; p--) {
		n = disp_claim(d, p, want - got, now);
		got += n;
	}
	disp_schedule(d, got == want ? 0 : DISP_IDLE_MS);
}

static void
disp_schedule(struct dispatch *d, int ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	if (d->stopping)
		return;
	if (d->scheduled && ms > 0)
		return;		/* an earlier or equal wake-up is pending */
	evtimer_del(d->tick);
	evtimer_add(d->tick, &tv);
	d->scheduled = 1;
}

void
dispatch_kick(struct dispatch *d)
{
	if (d != NULL) {
		d->scheduled = 0;
		disp_schedule(d, 0);
	}
}

struct dispatch *
dispatch_new(struct gw *gw)
{
	static const char recover[] = "UPDATE messages SET state = 0"
	    " WHERE state = 1";
	struct dispatch	*d;
	int		 n;

	d = xcalloc(1, sizeof(*d));
	d->gw = gw;
	d->kannel = kannel_new(gw->base, gw->conf);
	d->tick = evtimer_new(gw->base, disp_tick_cb, d);
	d->refill_ms = store_now_ms();
	d->tokens = 1;
	if (store_tx_begin(gw->store) == 0) {
		n = disp_exec(d, recover, 0, 0, 0, NULL);
		if (n > 0) {
			d->possible_dups = n;
			log_warnx("dispatch: %d messages were in flight at the "
			    "last stop: sending them again (possible "
			    "duplicates)", n);
		}
		if (store_tx_commit(gw->store) == -1)
			fatalx("dispatch: cannot requeue in-flight messages");
	}
	disp_schedule(d, 0);
	return d;
}

void
dispatch_stop(struct dispatch *d)
{
	if (d == NULL)
		return;
	d->stopping = 1;
	evtimer_del(d->tick);
}

void
dispatch_free(struct dispatch *d)
{
	if (d == NULL)
		return;
	dispatch_stop(d);
	/* Claims waiting for their commit are requeued now, while d lives. */
	store_batch_flush(d->gw->store);
	/* Outstanding requests call back with KANNEL_DOWN and requeue. */
	kannel_free(d->kannel);
	event_free(d->tick);
	free(d);
}

int
dispatch_dlr(struct dispatch *d, int64_t id, int attempt, int status)
{
	/*
	 * States only move forward: final states are never left.  A report
	 * for an attempt never made (a > attempts) matches nothing.
	 */
	static const char delivered[] = "UPDATE messages SET state = 3,"
	    " dlr = ?2, done_at = ?3 WHERE id = ?1 AND state IN (0, 1, 2)"
	    " AND attempts >= ?5";
	static const char failed[] = "UPDATE messages SET state = 4,"
	    " dlr = ?2, done_at = ?3, reason = ?4 WHERE id = ?1 AND"
	    " state IN (0, 1, 2) AND attempts >= ?5";
	static const char interim[] = "UPDATE messages SET dlr = ?2"
	    " WHERE id = ?1 AND state IN (1, 2) AND attempts >= ?5";
	static const char exists[] = "SELECT 1 FROM messages"
	    " WHERE id = ?1 AND attempts >= ?2";
	struct store	*s = d->gw->store;
	const char	*sql, *reason = NULL;
	sqlite3_stmt	*st;
	int		 rc, n, k;

	switch (status) {
	case 1:
		sql = delivered;
		k = 0;
		break;
	case 2:
		sql = failed;
		reason = "DLR 2: not delivered to the phone";
		k = 1;
		break;
	case 16:
		sql = failed;
		reason = "DLR 16: rejected by the SMSC";
		k = 4;
		break;
	default:	/* 4 buffered, 8 accepted by the SMSC */
		sql = interim;
		k = status == 4 ? 2 : 3;
		break;
	}
	/* The common case is one statement; only "nothing changed" asks
	 * whether the message exists at all. */
	if (store_batch_op(s) == -1 || (st = store_prepare(s, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, status);
	sqlite3_bind_int64(st, 3, store_now_ms());
	if (reason != NULL)
		sqlite3_bind_text(st, 4, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, attempt);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("dispatch: %s", sqlite3_errmsg(store_db(s)));
		return -1;
	}
	if ((n = sqlite3_changes(store_db(s))) == 0) {
		if ((st = store_prepare(s, exists)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, attempt);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return 1;		/* not ours */
		if (rc != SQLITE_ROW)
			return -1;
	}
	d->n_dlr[k]++;
	if (n > 0)
		log_debug("msg=%lld dlr %d", (long long)id, status);
	return 0;
}

void
dispatch_metrics(struct dispatch *d, struct evbuffer *b)
{
	static const char *const dlrs[] = { "1", "2", "4", "8", "16" };
	int64_t	 q = -1;
	int	 i;

	if (d == NULL)
		return;
	store_int64(d->gw->store, "SELECT count(*) FROM messages"
	    " WHERE state = 0", &q);
	evbuffer_add_printf(b,
	    "# HELP sanket_sms_queued Messages waiting to be sent.\n"
	    "# TYPE sanket_sms_queued gauge\nsanket_sms_queued %lld\n"
	    "# HELP sanket_sms_inflight sendsms requests in flight or "
	    "awaiting commit.\n# TYPE sanket_sms_inflight gauge\n"
	    "sanket_sms_inflight %d\n"
	    "# HELP sanket_sms_total Messages by outcome of a sendsms "
	    "request.\n# TYPE sanket_sms_total counter\n"
	    "sanket_sms_total{outcome=\"submitted\"} %llu\n"
	    "sanket_sms_total{outcome=\"failed\"} %llu\n"
	    "sanket_sms_total{outcome=\"retried\"} %llu\n"
	    "sanket_sms_total{outcome=\"kannel_down\"} %llu\n"
	    "sanket_sms_total{outcome=\"expired\"} %llu\n"
	    "# HELP sanket_sms_possible_duplicates Messages resent after a "
	    "crash because they were in flight.\n"
	    "# TYPE sanket_sms_possible_duplicates counter\n"
	    "sanket_sms_possible_duplicates %llu\n"
	    "# HELP sanket_kannel_queued Messages queued in bearerbox.\n"
	    "# TYPE sanket_kannel_queued gauge\nsanket_kannel_queued %lld\n"
	    "# HELP sanket_dlr_total Delivery reports by Kannel status.\n"
	    "# TYPE sanket_dlr_total counter\n",
	    (long long)q, d->inflight,
	    (unsigned long long)d->n_submitted,
	    (unsigned long long)d->n_failed,
	    (unsigned long long)d->n_retried,
	    (unsigned long long)d->n_down,
	    (unsigned long long)d->n_expired,
	    (unsigned long long)d->possible_dups,
	    (long long)d->gw->kannel_queue);
	for (i = 0; i < 5; i++)
		evbuffer_add_printf(b, "sanket_dlr_total{status=\"%s\"} %llu\n",
		    dlrs[i], (unsigned long long)d->n_dlr[i]);
	evbuffer_add_printf(b, "sanket_dlr_total{status=\"forged\"} %llu\n",
	    (unsigned long long)d->n_dlr_bad);
}

void
dispatch_dlr_forged(struct dispatch *d)
{
	if (d != NULL)
		d->n_dlr_bad++;
}

int
dispatch_inflight(const struct dispatch *d)
{
	return d != NULL ? d->inflight : 0;
}
