/*
 * test_campaign.c: awareness campaigns on a real SQLite file, driven by
 * an injected clock: the request's refusals, the plan (every person once,
 * spread over the windows, on air), claims only on air and paced on the
 * monotonic clock (a five-hour wall-clock step fires no burst), budgets,
 * retries and caps between airings, a restart's calls counted as aired,
 * the hotline's spot drawn by weight, reach counted from call records
 * (people once per union and per spot), cancel, the pending counter kept,
 * and the upgrade of a database made before the counters.
 *
 * T0 is 2026-12-01 08:00 Asia/Dhaka; windows 10:00-13:00 and 16:00-20:00.
 */
#include "config.h"

#include <jansson.h>
#include <math.h>

#include "campaigns.h"
#include "test_fixture.h"

#define T0	1796090400LL			/* 2026-12-01T08:00+06:00 */
#define H	3600000LL
#define DAY	(24 * H)
#define MS(t)	((t) * 1000LL)
#define AT(d, h, m) (MS(T0) + (d) * DAY + ((h) - 8) * H + (m) * 60000LL)

static struct token	 national;
static int64_t		 spot_a, spot_b;

/* The parsed body: r->areas point into it (freed by the next parse). */
static json_t	*body_json;

/* Parse body at T0: 0 or -1 (status, msg). */
static int
parse(const char *body, struct camp_req *r, int *status, char *msg,
    size_t len)
{
	json_error_t	 e;
	const char	*code;

	json_decref(body_json);
	if ((body_json = json_loads(body, 0, &e)) == NULL) {
		snprintf(msg, len, "bad test JSON: %s", e.text);
		memset(r, 0, sizeof(*r));
		return -1;
	}
	return camp_campaign_parse(body_json, T0, 8 * 60, 21 * 60, 3, r,
	    status, &code, msg, len);
}

static void
refused(const char *body, int want_status, const char *want_msg,
    const char *what)
{
	struct camp_req	 r;
	char		 msg[320];
	int		 status = 0;

	if (!ok(parse(body, &r, &status, msg, sizeof(msg)) == -1 &&
	    status == want_status && strstr(msg, want_msg) != NULL,
	    "refused: %s", what))
		diag("status %d, message \"%s\"", status, msg);
	camp_campaign_req_clear(&r);
}

/* Create from body at T0: the campaign id, or 0. */
static int64_t
create(struct store *s, const char *body, struct camp_made *m)
{
	struct camp_req	 r;
	const char	*code;
	char		 msg[320];
	int		 status;

	if (parse(body, &r, &status, msg, sizeof(msg)) == -1) {
		diag("parse: %s", msg);
		return 0;
	}
	if (store_tx_begin(s) == -1 || camp_campaign_create(s, &r, &national,
	    m, &status, &code, msg, sizeof(msg)) != 0 ||
	    store_tx_commit(s) == -1) {
		diag("create: %s", msg);
		camp_campaign_req_clear(&r);
		return 0;
	}
	camp_campaign_req_clear(&r);
	return m->id;
}

static int
claim(struct camp_run *run, struct store *s, int64_t now, int64_t mono,
    int want, struct camp_dial *d)
{
	int	 n = camp_claim(run, s, now, mono, want, d);

	store_batch_flush(s);
	return n;
}

static void
done(struct store *s, const struct camp_dial *d, int answered, int64_t now)
{
	camp_call_done(s, d->campaign_id, d->recipient_id, 1, answered, now,
	    2, 60);
	store_batch_flush(s);
}

/* campaigns.pending is the count of contacts still waiting or calling. */
static void
pending_kept(const char *when)
{
	is_int(count("SELECT count(*) FROM campaigns c WHERE pending !="
	    " (SELECT count(*) FROM campaign_contacts cc WHERE"
	    " cc.campaign_id = c.id AND cc.state IN (0, 1))"), 0,
	    "%s: every campaign's pending counter equals its waiting and "
	    "calling contacts", when);
}

static void
test_refusals(void)
{
	static const char head[] = "{\"name\":\"prep\",\"spots\":[%lld],"
	    "\"areas\":[\"202245\"],\"ends_at\":%lld%s}";
	char	 b[512];
	struct {
		const char	*extra;
		int		 status;
		const char	*msg, *what;
	} t[] = {
		{ ",\"windows\":\"10:00-10:00\"", 400, "empty",
		    "an empty window" },
		{ ",\"windows\":\"20:00-02:00\"", 400, "crosses midnight",
		    "a window across midnight" },
		{ ",\"windows\":\"05:00-07:00\"", 400, "outside 08:00-21:00",
		    "a window at night" },
		{ ",\"windows\":\"10:00-12:00,11:00-13:00\"", 400, "overlaps",
		    "overlapping windows" },
		{ ",\"windows\":\"ten to one\"", 400, "HH:MM-HH:MM",
		    "malformed windows" },
		{ ",\"per_day\":0", 400, "cap of zero", "per_day 0" },
		{ ",\"per_week\":0", 400, "cap of zero", "per_week 0" },
		{ ",\"airings\":5,\"per_week\":1", 422, "do not fit",
		    "5 airings, 1 a week, in a week" },
		{ ",\"channels\":[\"sms\"]", 400, "needs teaser",
		    "sms without a teaser" },
		{ ",\"channels\":[\"fax\"]", 400, "channels",
		    "an unknown channel" },
		{ ",\"budget\":0", 400, "budget", "a budget of 0" },
		{ ",\"colour\":\"red\"", 400, "nothing else",
		    "an unknown field" },
		{ ",\"starts_at\":1796781600", 400, "after it ends",
		    "starts after it ends" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(b, sizeof(b), head, (long long)spot_a,
		    (long long)(T0 + 7 * 86400), t[i].extra);
		refused(b, t[i].status, t[i].msg, t[i].what);
	}
	snprintf(b, sizeof(b), head, (long long)spot_a, (long long)(T0 - 60),
	    "");
	refused(b, 400, "future", "ends in the past");
	snprintf(b, sizeof(b), "{\"name\":\"x\",\"spots\":[],\"areas\":"
	    "[\"202245\"],\"ends_at\":%lld}", (long long)(T0 + 86400));
	refused(b, 400, "spots", "no spots");
	/* A spot that does not exist: refused at create, nothing made. */
	{
		struct camp_req	 r;
		struct camp_made m;
		const char	*code = "";
		char		 msg[320];
		int		 status = 0, rc;

		snprintf(b, sizeof(b), head, 999LL, (long long)(T0 + 86400),
		    "");
		parse(b, &r, &status, msg, sizeof(msg));
		store_tx_begin(fixture_store);
		rc = camp_campaign_create(fixture_store, &r, &national, &m,
		    &status, &code, msg, sizeof(msg));
		store_tx_rollback(fixture_store);
		ok(rc == 1 && status == 422 && strcmp(code,
		    "E_UNKNOWN_SPOT") == 0 && strstr(msg, "999") != NULL,
		    "an unknown spot: 422 E_UNKNOWN_SPOT naming it (%s)", msg);
		camp_campaign_req_clear(&r);
		is_int(count("SELECT count(*) FROM campaigns"), 0,
		    "... and no campaign row");
	}
}

static void
test_plan_and_claims(struct store *s)
{
	struct camp_made m;
	struct camp_dial d[64];
	struct camp_run	*run = camp_run_new();
	char		 b[512];
	int64_t		 id, mono = 1000000, first;
	int		 n, total, i, k, bad = 0;

	snprintf(b, sizeof(b), "{\"name\":\"Cyclone preparedness\","
	    "\"spots\":[{\"id\":%lld,\"weight\":3},{\"id\":%lld}],"
	    "\"areas\":[\"202245\"],\"ends_at\":%lld,"
	    "\"windows\":\"16:00-20:00, 10:00-13:00\"}", (long long)spot_a,
	    (long long)spot_b, (long long)(T0 + 7 * 86400));
	id = create(s, b, &m);
	ok(id > 0, "a week-long campaign for Kutubdia is created");
	is_int(m.audience, 50, "audience: the 50 of Kutubdia not opted out");
	is_int(count("SELECT count(*) FROM campaign_contacts WHERE "
	    "campaign_id = %lld", (long long)id), 50, "one contact each");
	is_int(count("SELECT count(DISTINCT ord) || '' FROM campaign_contacts"
	    " WHERE campaign_id = %lld AND ord BETWEEN 0 AND 49",
	    (long long)id), 50, "ord 0..49, each once");
	is_int(m.first_airing, AT(0, 10, 0), "first airing 10:00 on day 1");
	is_int(count("SELECT min(next_at) FROM campaign_contacts WHERE "
	    "campaign_id = %lld", (long long)id), AT(0, 10, 0),
	    "the first person is due at the first opening");
	is_int(count("SELECT count(*) FROM campaign_contacts WHERE "
	    "campaign_id = %lld AND next_at >= %lld", (long long)id,
	    (long long)AT(6, 20, 0)), 0, "nobody due after the last window");
	/* Every planned instant on air; about 50/14 per window. */
	{
		sqlite3_stmt	*st;
		struct sched	 sc;
		int		 pd, pw, a, per_day[7] = { 0 };
		int64_t		 aud, t;

		camp_campaign_get_sched(s, id, &sc, &pd, &pw, &a, &aud);
		sqlite3_prepare_v2(store_db(s), "SELECT next_at FROM "
		    "campaign_contacts WHERE campaign_id = ?1", -1, &st, NULL);
		sqlite3_bind_int64(st, 1, id);
		while (sqlite3_step(st) == SQLITE_ROW) {
			t = sqlite3_column_int64(st, 0);
			if (!sched_on_air(&sc, t))
				bad++;
			if (t >= AT(0, 0, 0) && t < AT(7, 0, 0))
				per_day[(t - AT(0, 0, 0)) / DAY]++;
		}
		sqlite3_finalize(st);
		is_int(bad, 0, "every planned airing is inside a window");
		for (i = 0, bad = 0; i < 7; i++)
			if (per_day[i] < 6 || per_day[i] > 8)
				bad++;
		ok(bad == 0, "spread evenly: 7 +- 1 a day (%d %d %d %d %d %d "
		    "%d)", per_day[0], per_day[1], per_day[2], per_day[3],
		    per_day[4], per_day[5], per_day[6]);
	}

	/* Off air: nothing, however much is due. */
	is_int(claim(run, s, AT(0, 9, 59), mono, 10, d), 0,
	    "09:59: not on air, nothing claimed");
	is_int(claim(run, s, AT(0, 10, 0), mono += 1000, 10, d), 1,
	    "10:00: the first person is claimed");
	ok(d[0].campaign_id == id && d[0].msisdn[0] == '+' &&
	    (d[0].spot_id == spot_a || d[0].spot_id == spot_b) &&
	    strncmp(d[0].union_code, "202245", 6) == 0 &&
	    strstr(d[0].clip, ".sau") != NULL,
	    "the claim names the person, a spot of the campaign and its file");
	is_int(count("SELECT state FROM campaign_contacts WHERE campaign_id ="
	    " %lld AND recipient_id = %lld", (long long)id,
	    (long long)d[0].recipient_id), CONTACT_CALLING,
	    "the contact is CALLING, committed before the call");
	is_int(count("SELECT placed FROM campaigns WHERE id = %lld",
	    (long long)id), 1, "placed: 1");
	is_int(claim(run, s, AT(0, 10, 0), mono, 10, d + 1), 0,
	    "claimed again at once: nothing (not due, no tokens)");

	/* The wall clock steps 5 h 50 m (NTP): 21 people due at once. */
	first = AT(0, 16, 0);
	total = 0;
	for (i = 0; i < 5; i++)
		total += claim(run, s, first + i * 1000, mono += 1000, 10,
		    d + 1);
	ok(total <= 1, "a wall-clock step makes 20 due: 5 s later at most "
	    "one went out (%d), not 20", total);
	/* An hour on air at the planned pace (50 people in 49 hours, x1.5)
	 * lets one or two go. */
	n = claim(run, s, first + 3600000, mono += 3600000, 10, d + 1 + total);
	total += n;
	ok(n >= 1 && n <= 2, "an hour on air later: the pace lets 1-2 go "
	    "(%d)", n);
	/* A step back: nothing new due, nothing claimed. */
	is_int(claim(run, s, AT(0, 9, 0), mono += 60000, 10, d + 10), 0,
	    "the clock steps back before the window: nothing");
	/* After the flight: nothing. */
	is_int(claim(run, s, AT(7, 10, 0), mono += 60000, 10, d + 10), 0,
	    "after the flight: nothing");

	/* An answered airing: done (one airing a person). */
	done(s, &d[0], 1, AT(0, 10, 1));
	is_int(count("SELECT state || aired || slot FROM campaign_contacts "
	    "WHERE campaign_id = %lld AND recipient_id = %lld", (long long)id,
	    (long long)d[0].recipient_id), 211, "answered: DONE, aired 1");
	/* Not answered: once more after the interval, then given up. */
	if (ok(total > 0, "a second person was claimed after the step")) {
		char	 want[64];

		done(s, &d[1], 0, AT(0, 16, 10));
		snprintf(want, sizeof(want), "0:1:%lld",
		    (long long)AT(0, 16, 11));
		is_str(str("SELECT state || ':' || attempts || ':' || next_at"
		    " FROM campaign_contacts WHERE campaign_id = %lld AND "
		    "recipient_id = %lld", (long long)id,
		    (long long)d[1].recipient_id), want,
		    "not answered: waiting, retried [ivr] callout_interval "
		    "later");
		/* Those due before it go first, two an hour at most. */
		for (k = 0, i = n = 0; k < 20 && i == n; k++) {
			n = claim(run, s, AT(0, 16, 11), mono += 3600000, 2,
			    d + 20);
			for (i = 0; i < n; i++)
				if (d[20 + i].recipient_id ==
				    d[1].recipient_id)
					break;
		}
		ok(i < n, "the retry is claimed in its turn (by due time)");
		if (i < n)
			done(s, &d[20 + i], 0, AT(0, 16, 12));
		is_str(str("SELECT state || ':' || aired || ':' || slot FROM "
		    "campaign_contacts WHERE campaign_id = %lld AND "
		    "recipient_id = %lld", (long long)id,
		    (long long)d[1].recipient_id), "2:0:1",
		    "two unanswered calls ([ivr] callout_attempts): the "
		    "airing is given up, DONE, not aired");
	}
	/* A restart with a call under way: counted as aired. */
	n = claim(run, s, AT(0, 17, 0), mono += 3600000, 1, d + 40);
	if (ok(n == 1, "one more claimed")) {
		int	 calling = (int)count("SELECT count(*) FROM "
		    "campaign_contacts WHERE state = 1");

		store_tx_begin(s);
		is_int(camp_recover(s, AT(0, 17, 5)), calling,
		    "camp_recover finds every call under way");
		store_tx_commit(s);
		is_str(str("SELECT state || ':' || aired FROM campaign_contacts"
		    " WHERE campaign_id = %lld AND recipient_id = %lld",
		    (long long)id, (long long)d[40].recipient_id), "2:1",
		    "... and counts it as aired: the caps stay kept");
	}
	/* Cancel: the waiting stop, nothing more is claimed. */
	{
		int64_t	 stopped;
		int	 waiting = (int)count("SELECT count(*) FROM "
		    "campaign_contacts WHERE campaign_id = %lld AND state = 0",
		    (long long)id);

		store_tx_begin(s);
		is_int(camp_campaign_cancel(s, id, &stopped), 0, "cancel");
		store_tx_commit(s);
		is_int(stopped, waiting, "stopped = the waiting contacts");
		is_int(claim(run, s, AT(1, 10, 30), mono += 9000000, 10, d), 0,
		    "a cancelled campaign claims nothing");
		/* The rows are stopped in the background, 10 at a time. */
		is_int(count("SELECT count(*) FROM campaign_contacts WHERE "
		    "campaign_id = %lld AND state = 0", (long long)id), waiting,
		    "the cancel itself rewrote no contact");
		k = 0;
		store_tx_begin(s);
		while ((n = camp_sweep(s, AT(1, 10, 31), 10)) > 0 && k < 100)
			k += n;
		store_tx_commit(s);
		is_int(n, 0, "camp_sweep ends with nothing left");
		is_int(k, waiting, "... having stopped every waiting contact");
		is_int(count("SELECT count(*) FROM campaign_contacts WHERE "
		    "campaign_id = %lld AND state = 3", (long long)id), waiting,
		    "... now STOPPED");
		ok(count("SELECT swept_at FROM campaigns WHERE id = %lld",
		    (long long)id) > 0, "... and the campaign is marked swept");
		pending_kept("after a cancel and its sweep");
		store_tx_begin(s);
		is_int(camp_campaign_cancel(s, id, &stopped), 2,
		    "a second cancel: already cancelled");
		store_tx_commit(s);
	}
	camp_run_free(run);
}

/* Three airings, caps 1 a day and 2 a week: 3.5 days apart at least. */
static void
test_caps_budget(struct store *s)
{
	struct camp_made m;
	struct camp_dial d[8];
	struct camp_run	*run = camp_run_new();
	char		 b[512];
	int64_t		 id, mono = 5000000, next;
	int		 n;

	snprintf(b, sizeof(b), "{\"name\":\"caps\",\"spots\":[%lld],"
	    "\"areas\":[\"10096510\"],\"ends_at\":%lld,\"airings\":3,"
	    "\"per_day\":1,\"per_week\":2,\"budget\":4,"
	    "\"channels\":[\"call\"]}", (long long)spot_a,
	    (long long)(T0 + 14 * 86400));
	id = create(s, b, &m);
	ok(id > 0 && m.audience == 5, "Hajirhat: 5 people, 3 airings each");
	is_int(m.planned, 4, "planned calls capped by the budget: 4");
	n = claim(run, s, AT(0, 10, 0), mono += 1000, 8, d);
	is_int(n, 1, "10:00: the first person");
	done(s, &d[0], 1, AT(0, 10, 1));
	next = count("SELECT next_at FROM campaign_contacts WHERE "
	    "campaign_id = %lld AND recipient_id = %lld", (long long)id,
	    (long long)d[0].recipient_id);
	ok(next >= AT(0, 10, 1) + 84 * H,
	    "heard at 10:01: the next airing is 3.5 days later or more "
	    "(7 d / 2 a week), %.1f h", (next - AT(0, 10, 1)) / 3600000.0);
	is_int(count("SELECT state || aired || slot FROM campaign_contacts "
	    "WHERE campaign_id = %lld AND recipient_id = %lld",
	    (long long)id, (long long)d[0].recipient_id), 11,
	    "... waiting for airing 2, 1 heard");
	/* The budget: 4 calls placed, then nothing. */
	for (n = 0; n < 40 && count("SELECT placed FROM campaigns WHERE "
	    "id = %lld", (long long)id) < 4; n++)
		if (claim(run, s, AT(13, 19, 0), mono += 3600000, 8, d) > 0)
			done(s, &d[0], 1, AT(13, 19, 0));
	is_int(count("SELECT placed FROM campaigns WHERE id = %lld",
	    (long long)id), 4, "4 calls placed: the budget");
	is_int(claim(run, s, AT(13, 19, 30), mono += 36000000, 8, d), 0,
	    "the budget is spent: nothing more");
	{
		json_t	*st = camp_campaign_status(s, id, AT(13, 19, 30), 0);

		is_str(json_string_value(json_object_get(st, "status")),
		    "budget_spent", "status: budget_spent");
		json_decref(st);
	}
	/* The flight is over: its waiting contacts are stopped. */
	store_tx_begin(s);
	is_int(camp_sweep(s, AT(13, 19, 30), 100), 0,
	    "in flight: nothing to sweep");
	n = (int)count("SELECT count(*) FROM campaign_contacts WHERE "
	    "campaign_id = %lld AND state = 0", (long long)id);
	is_int(camp_sweep(s, AT(14, 8, 0), 100), n,
	    "the flight over: its %d waiting contacts stopped", n);
	store_tx_commit(s);
	is_int(count("SELECT pending FROM campaigns WHERE id = %lld",
	    (long long)id), count("SELECT count(*) FROM campaign_contacts "
	    "WHERE campaign_id = %lld AND state IN (0, 1)", (long long)id),
	    "... and its pending counter follows");
	camp_run_free(run);
}

/* The hotline's spot: on air, by weight; off air or elsewhere: none. */
static void
test_hotline(struct store *s)
{
	struct camp_made m;
	char		 b[512], path[256];
	int64_t		 id, cid, sp;
	int		 i, a = 0, other = 0;

	snprintf(b, sizeof(b), "{\"name\":\"hotline\",\"spots\":["
	    "{\"id\":%lld,\"weight\":3},{\"id\":%lld,\"weight\":1}],"
	    "\"areas\":[\"20224520\"],\"ends_at\":%lld,"
	    "\"channels\":[\"hotline\"]}", (long long)spot_a,
	    (long long)spot_b, (long long)(T0 + 86400));
	id = create(s, b, &m);
	ok(id > 0, "a hotline-only campaign for Uttar Dhurung");
	is_int(count("SELECT count(*) FROM campaign_contacts WHERE "
	    "campaign_id = %lld", (long long)id), 0,
	    "hotline only: nobody is planned for calls");
	for (i = 0; i < 4000; i++) {
		sp = camp_hotline_spot(s, "20224520", AT(0, 11, 0), &cid,
		    path, sizeof(path));
		if (sp == spot_a && cid == id)
			a++;
		else if (sp != spot_b || cid != id)
			other++;
	}
	ok(other == 0 && a > 2800 && a < 3200, "4,000 callers at 11:00 hear "
	    "spot a about 3 times in 4 (weight 3:1): %d", a);
	is_int(camp_hotline_spot(s, "20224520", AT(0, 14, 0), &cid, path,
	    sizeof(path)), 0, "14:00, between windows: no campaign spot");
	is_int(camp_hotline_spot(s, "20224510", AT(0, 11, 0), &cid, path,
	    sizeof(path)), 0, "another union: none");
	is_int(camp_hotline_spot(s, "20224520", AT(2, 11, 0), &cid, path,
	    sizeof(path)), 0, "after the flight: none");
}

/* Reach, from call records. */
static void
test_reach(struct store *s)
{
	struct camp_made m;
	struct call_rec	 c;
	char		 b[512], cid[32];
	int64_t		 id;
	json_t		*st, *t, *u, *sp;
	size_t		 i;

	snprintf(b, sizeof(b), "{\"name\":\"reach\",\"spots\":[%lld,"
	    "%lld],\"areas\":[\"20224510\",\"20224520\"],"
	    "\"ends_at\":%lld}", (long long)spot_a, (long long)spot_b,
	    (long long)(T0 + 86400));
	id = create(s, b, &m);
	is_int(m.audience, 50, "two unions: 50 people (one opted out)");
	/* 20224510: +8801711000000 heard all of a (10 s) twice; ...01 heard
	 * 5 s of b (20 s); ...02 did not answer.  20224520: a hotline caller
	 * heard 4 s of a. */
	struct { const char *msisdn, *uc, *dir; int64_t spot, ans, ms;
	    int full; } r[] = {
		{ "+8801711000000", "20224510", "out", 1, 1, 10000, 1 },
		{ "+8801711000000", "20224510", "out", 1, 1, 10000, 1 },
		{ "+8801711000001", "20224510", "out", 2, 1, 5000, 0 },
		{ "+8801711000002", "20224510", "out", 1, 0, 0, 0 },
		{ "+8801811000003", "20224520", "in", 1, 1, 4000, 0 },
	};
	store_tx_begin(s);
	for (i = 0; i < sizeof(r) / sizeof(r[0]); i++) {
		memset(&c, 0, sizeof(c));
		snprintf(cid, sizeof(cid), "reach-%zu", i);
		c.call_id = cid;
		c.direction = r[i].dir;
		c.msisdn = r[i].msisdn;
		c.peer = r[i].msisdn;
		c.union_code = r[i].uc;
		c.script = strcmp(r[i].dir, "in") == 0 ? "hotline" : "callout";
		c.started_at = AT(0, 10, 0);
		c.answered_at = r[i].ans ? AT(0, 10, 0) + 1000 : 0;
		c.ended_at = AT(0, 10, 1);
		c.outcome = r[i].ans ? "answered" : "no_answer";
		c.played_ms = r[i].ms;
		c.played_full = r[i].full;
		c.campaign_id = id;
		c.spot_id = r[i].spot;
		calls_record(s, &c);
	}
	store_tx_commit(s);
	st = camp_campaign_status(s, id, AT(0, 10, 5), 1);
	t = json_object_get(st, "totals");
	is_int(json_integer_value(json_object_get(t, "placed")), 4,
	    "totals: 4 calls placed");
	is_int(json_integer_value(json_object_get(t, "answered")), 3,
	    "... 3 answered");
	is_int(json_integer_value(json_object_get(t, "reached")), 3,
	    "... 3 people reached (one twice; the hotline caller counts)");
	is_int(json_integer_value(json_object_get(t, "full")), 2,
	    "... 2 played to the end");
	is_int(json_integer_value(json_object_get(t, "hotline_plays")), 1,
	    "... 1 hotline play");
	ok(fabs(json_real_value(json_object_get(t, "listen_through")) -
	    (1 + 1 + 0.25 + 0.4) / 4) < 0.001, "listen-through: the mean "
	    "share heard per play, 0.6625 (%g)",
	    json_real_value(json_object_get(t, "listen_through")));
	u = json_object_get(st, "unions");
	for (i = 0; i < json_array_size(u); i++) {
		json_t	*x = json_array_get(u, i);
		const char *code = json_string_value(json_object_get(x,
		    "code"));

		if (strcmp(code, "20224510") == 0) {
			is_int(json_integer_value(json_object_get(x,
			    "audience")), 30, "Ali Akbar Deil: audience 30");
			is_int(json_integer_value(json_object_get(x,
			    "reached")), 2, "... reached 2");
		} else if (strcmp(code, "20224520") == 0) {
			is_int(json_integer_value(json_object_get(x,
			    "audience")), 20, "Uttar Dhurung: audience 20");
			is_int(json_integer_value(json_object_get(x,
			    "hotline_plays")), 1, "... 1 hotline play");
		}
	}
	is_int(json_array_size(u), 2, "two unions");
	sp = json_object_get(st, "spots");
	is_int(json_array_size(sp), 2, "two spots compared");
	is_int(json_integer_value(json_object_get(json_array_get(sp, 1),
	    "answered")), 1, "spot b: 1 answered");
	ok(fabs(json_real_value(json_object_get(json_array_get(sp, 1),
	    "listen_through")) - 0.25) < 0.001, "spot b: listen-through 0.25");
	json_decref(st);

	/* ...01 (heard b) now hears a; ...00 hears b.  People count once
	 * in the totals and their union, once per spot. */
	store_tx_begin(s);
	for (i = 0; i < 2; i++) {
		memset(&c, 0, sizeof(c));
		snprintf(cid, sizeof(cid), "reach-more-%zu", i);
		c.call_id = cid;
		c.direction = "out";
		c.msisdn = c.peer = i ? "+8801711000000" : "+8801711000001";
		c.union_code = "20224510";
		c.script = "callout";
		c.started_at = AT(0, 11, 0);
		c.answered_at = AT(0, 11, 0) + 1000;
		c.ended_at = AT(0, 11, 1);
		c.outcome = "answered";
		c.played_ms = 1000;
		c.campaign_id = id;
		c.spot_id = i ? spot_b : spot_a;
		calls_record(s, &c);
	}
	store_tx_commit(s);
	st = camp_campaign_status(s, id, AT(0, 11, 5), 1);
	t = json_object_get(st, "totals");
	is_int(json_integer_value(json_object_get(t, "placed")), 6,
	    "two more calls: 6 placed");
	is_int(json_integer_value(json_object_get(t, "reached")), 3,
	    "... still 3 people reached");
	sp = json_object_get(st, "spots");
	is_int(json_integer_value(json_object_get(json_array_get(sp, 0),
	    "reached")), 3, "spot a: 3 people (...00, ...01, the caller)");
	is_int(json_integer_value(json_object_get(json_array_get(sp, 1),
	    "reached")), 2, "spot b: 2 people (...01, ...00)");
	u = json_array_get(json_object_get(st, "unions"), 0);
	is_str(json_string_value(json_object_get(u, "code")), "20224510",
	    "unions in code order");
	is_int(json_integer_value(json_object_get(u, "reached")), 2,
	    "Ali Akbar Deil: still 2 people");
	is_int(json_integer_value(json_object_get(u, "placed")), 6,
	    "... 6 calls placed (the hotline call was in the other union)");
	is_str(json_string_value(json_object_get(u, "name_en")),
	    "Ali Akbar Deil", "... with its name");
	json_decref(st);
}

/*
 * A database made before the counters (schema version 7) with a campaign
 * under way: the upgrade fills them from the contacts and call records,
 * and the calls recorded after it keep them.
 */
static void
test_upgrade(void)
{
	static const char seed[] =
	    "INSERT INTO spots (id, name, created_at, source_sha256,"
	    " source_format, source_rate, source_channels, source_bytes,"
	    " source_seconds, codec, frames, seconds, target_lufs,"
	    " lufs_before, lufs_after, true_peak, gain_db, original_path,"
	    " cache_path) VALUES (1, 'a', 0, '', 'WAV', 8000, 1, 1, 10,"
	    " 'ulaw', 500, 10, -19, -20, -19, -2, 1, 'a.wav', 'a.sau');"
	    "INSERT INTO campaigns (id, name, channels, starts_at, ends_at,"
	    " windows, per_day, per_week, airings, placed, audience,"
	    " created_at) VALUES (1, 'old', 'call', 1796090400, 1796695200,"
	    " '10:00-13:00', 1, 3, 1, 3, 4, 0);"
	    "INSERT INTO campaign_spots VALUES (1, 1, 1);"
	    "INSERT INTO campaign_contacts (campaign_id, recipient_id, ord,"
	    " union_code, state, next_at) VALUES (1, 1, 0, 'U1', 2, 0),"
	    " (1, 2, 1, 'U1', 0, 0), (1, 3, 2, 'U2', 1, 0),"
	    " (1, 4, 3, 'U2', 0, 0);"
	    "INSERT INTO calls (call_id, direction, msisdn, peer, union_code,"
	    " script, started_at, answered_at, ended_at, outcome, played_ms,"
	    " played_full, campaign_id, spot_id) VALUES"
	    " ('u1', 'out', '+8801711000001', '01711000001', 'U1', 'callout',"
	    " 0, 1, 2, 'answered', 10000, 1, 1, 1),"
	    " ('u2', 'out', '+8801711000001', '01711000001', 'U1', 'callout',"
	    " 0, 1, 2, 'answered', 5000, 0, 1, 1),"
	    " ('u3', 'out', '+8801711000003', '01711000003', 'U2', 'callout',"
	    " 0, NULL, 2, 'no_answer', 0, 0, 1, 1),"
	    " ('u4', 'in', NULL, 'anon', NULL, 'hotline',"
	    " 0, 1, 2, 'answered', 2500, 0, 1, 1);"
	    "PRAGMA user_version = 7;";
	struct store	*s;
	struct call_rec	 c;
	sqlite3		*db;
	char		 path[128], err[256];
	json_t		*st, *t, *u;
	int		 i, bad = 0;

	snprintf(path, sizeof(path), "%s/v7.db", fixture_dir);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		bad++;
	for (i = 0; i < 7 && !bad; i++)
		if (sqlite3_exec(db, store_migrations[i], NULL, NULL, NULL) !=
		    SQLITE_OK)
			bad++;
	if (!bad && sqlite3_exec(db, seed, NULL, NULL, NULL) != SQLITE_OK) {
		diag("seed: %s", sqlite3_errmsg(db));
		bad++;
	}
	sqlite3_close(db);
	is_int(bad, 0, "a version 7 database with a campaign under way");
	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		ok(0, "upgrade: %s", err);
		return;
	}
	is_int(store_version(s), store_nmigrations, "upgraded to version %d",
	    store_nmigrations);
	st = camp_campaign_status(s, 1, MS(1796090400) + H, 1);
	t = json_object_get(st, "totals");
	is_int(json_integer_value(json_object_get(t, "pending")), 3,
	    "pending: the 3 contacts waiting or calling");
	is_int(json_integer_value(json_object_get(t, "placed")), 3,
	    "placed 3, from the call records");
	is_int(json_integer_value(json_object_get(t, "answered")), 2,
	    "answered 2");
	is_int(json_integer_value(json_object_get(t, "reached")), 2,
	    "reached 2 (...01 twice, the anonymous caller)");
	is_int(json_integer_value(json_object_get(t, "hotline_plays")), 1,
	    "1 hotline play");
	ok(fabs(json_real_value(json_object_get(t, "listen_through")) -
	    (1 + 0.5 + 0.25) / 3) < 0.001, "listen-through (1 + 0.5 + 0.25) "
	    "/ 3 (%g)", json_real_value(json_object_get(t, "listen_through")));
	u = json_object_get(st, "unions");
	is_int(json_array_size(u), 2, "two unions (the caller's is unknown)");
	is_int(json_integer_value(json_object_get(json_array_get(u, 1),
	    "audience")), 2, "U2: audience 2, from its contacts");
	json_decref(st);

	/* A call after the upgrade: ...03 now answers. */
	memset(&c, 0, sizeof(c));
	c.call_id = "u5";
	c.direction = "out";
	c.msisdn = "+8801711000003";
	c.peer = "01711000003";
	c.union_code = "U2";
	c.script = "callout";
	c.started_at = MS(1796090400) + H;
	c.answered_at = c.started_at + 1000;
	c.ended_at = c.started_at + 12000;
	c.outcome = "answered";
	c.played_ms = 10000;
	c.played_full = 1;
	c.campaign_id = 1;
	c.spot_id = 1;
	store_tx_begin(s);
	calls_record(s, &c);
	camp_call_done(s, 1, 3, 1, 1, MS(1796090400) + H, 2, 60);
	store_tx_commit(s);
	st = camp_campaign_status(s, 1, MS(1796090400) + H, 1);
	t = json_object_get(st, "totals");
	is_int(json_integer_value(json_object_get(t, "reached")), 3,
	    "a call after the upgrade: reached 3");
	is_int(json_integer_value(json_object_get(t, "full")), 2,
	    "... 2 played to the end");
	is_int(json_integer_value(json_object_get(t, "pending")), 2,
	    "... and its contact done: 2 pending");
	json_decref(st);
	store_close(s);
}

int
main(void)
{
	struct store	*s = fixture_open();
	struct call_rec	 c;
	char		*csv = NULL;
	size_t		 len = 0;
	FILE		*f = open_memstream(&csv, &len);
	int		 i;

	for (i = 0; i < 30; i++)
		fprintf(f, "0171100%04d,20224510,bn,voice,\n", i);
	for (i = 0; i < 21; i++)
		fprintf(f, "0181100%04d,20224520,en,sms,\n", i);
	for (i = 0; i < 5; i++)
		fprintf(f, "0191100%04d,10096510,bn,both,\n", i);
	fclose(f);
	fixture_recipients(csv);
	free(csv);
	exec("UPDATE recipients SET opted_out = 1 WHERE msisdn = "
	    "'+8801811000020'");
	exec("INSERT INTO spots (name, created_at, source_sha256, "
	    "source_format, source_rate, source_channels, source_bytes, "
	    "source_seconds, codec, frames, seconds, target_lufs, lufs_before,"
	    " lufs_after, true_peak, gain_db, original_path, cache_path) "
	    "VALUES ('a', 0, '', 'WAV', 8000, 1, 1, 10, 'ulaw', 500, 10, -19,"
	    " -20, -19, -2, 1, 'spots/1.wav', 'spots/1.sau'), ('b', 0, '', "
	    "'WAV', 8000, 1, 1, 20, 'ulaw', 1000, 20, -19, -20, -19, -2, 1, "
	    "'spots/2.wav', 'spots/2.sau')");
	spot_a = 1;
	spot_b = 2;
	(void)c;

	test_refusals();
	test_plan_and_claims(s);
	pending_kept("after claims, retries, a restart and a cancel");
	test_caps_budget(s);
	pending_kept("after caps and a budget");
	test_hotline(s);
	test_reach(s);
	test_upgrade();
	json_decref(body_json);
	fixture_close(s);
	return done_testing();
}
