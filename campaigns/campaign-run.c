/*
 * campaign-run.c: airing campaigns: which calls to place now, what a call
 * that ended means for the person's next airing, the hotline's spot.
 *
 * A contact (campaign_contacts) moves
 *
 *	WAITING --due, on air, paced, in budget: camp_claim--> CALLING
 *	CALLING --answered: aired + 1, the next airing--> WAITING | DONE
 *	CALLING --not answered, attempts left--> WAITING (interval later)
 *	CALLING --not answered, none left: airing given up--> WAITING | DONE
 *	CALLING --never placed--> WAITING (no attempt counted)
 *	WAITING --opted out (camp_claim); flight over, cancelled
 *	    (camp_sweep, fifty a voice tick)--> STOPPED
 *
 * The next airing is the plan's (sched_due) but never sooner than the
 * frequency caps allow after the last one heard (sched_spacing), moved
 * to the next on-air instant.  Claims are made in the group-commit batch
 * and the calls placed only once they are committed (voice-callout.c),
 * so after a crash a CALLING row is a call that may have been heard:
 * camp_recover counts it as aired, which can only keep a person further
 * under the caps, never over them.
 *
 * Pacing: each campaign may place at most its planned rate (people x
 * airings over the flight's window time) times CAMP_CATCHUP per second,
 * measured on the monotonic clock.  A campaign that falls behind (a busy
 * trunk, warnings first) catches up gently, and a step of the wall clock
 * that makes hours of airings due at once still drains at that rate.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaigns.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

#define CAMP_CATCHUP	1.5	/* x the planned rate, at most */
#define CAMP_RUN_MAX	64	/* campaigns on air at once */

struct camp_pacer {
	int64_t			 id;
	double			 rate;
	struct sched_pace	 pace;
};

struct camp_run {
	struct camp_pacer	 p[CAMP_RUN_MAX];
	int			 n;
};

struct camp_run *
camp_run_new(void)
{
	return xcalloc(1, sizeof(struct camp_run));
}

void
camp_run_free(struct camp_run *r)
{
	free(r);
}

static struct sched_pace *
camp_pacer(struct camp_run *r, int64_t id, double rate)
{
	int	 i;

	for (i = 0; i < r->n; i++)
		if (r->p[i].id == id)
			break;
	if (i == r->n) {
		if (r->n == CAMP_RUN_MAX)
			i = (int)(id % CAMP_RUN_MAX);	/* reuse a slot */
		else
			r->n++;
		r->p[i].id = id;
		r->p[i].rate = -1;
	}
	if (r->p[i].rate != rate) {
		r->p[i].rate = rate;
		sched_pace_init(&r->p[i].pace, rate, rate > 2 ? rate : 2);
	}
	return &r->p[i].pace;
}

/* A campaign's spots and weights, loaded once per claim. */
struct camp_spotset {
	int64_t		 id[CAMP_MAX_SPOTS];
	int		 w[CAMP_MAX_SPOTS];
	char		 path[CAMP_MAX_SPOTS][1024];
	int		 n, total;
};

static void
camp_spots_load(struct store *s, int64_t campaign_id, struct camp_spotset *ss)
{
	static const char q[] = "SELECT cs.spot_id, cs.weight, s.cache_path"
	    " FROM campaign_spots cs JOIN spots s ON s.id = cs.spot_id"
	    " WHERE cs.campaign_id = ?1 ORDER BY cs.spot_id";
	sqlite3_stmt	*st;

	ss->n = ss->total = 0;
	if ((st = store_prepare(s, q)) == NULL)
		return;
	sqlite3_bind_int64(st, 1, campaign_id);
	while (ss->n < CAMP_MAX_SPOTS && sqlite3_step(st) == SQLITE_ROW) {
		ss->id[ss->n] = sqlite3_column_int64(st, 0);
		ss->w[ss->n] = sqlite3_column_int(st, 1);
		camp_col(st, 2, ss->path[ss->n], sizeof(ss->path[ss->n]));
		ss->total += ss->w[ss->n++];
	}
	sqlite3_reset(st);
}

/* One spot drawn by weight: its id (path set), or 0 if there is none. */
static int64_t
camp_spot_draw(const struct camp_spotset *ss, char *path, size_t len)
{
	int	 x, i;

	if (ss->n == 0 || ss->total <= 0)
		return 0;
	x = (int)arc4random_uniform((uint32_t)ss->total);
	for (i = 0; i < ss->n; i++) {
		if (x < ss->w[i]) {
			snprintf(path, len, "%s", ss->path[i]);
			return ss->id[i];
		}
		x -= ss->w[i];
	}
	return 0;
}

/* Claim up to want due contacts of campaign id. */
static int
camp_claim_one(struct camp_run *r, struct store *s, int64_t id,
    int64_t now_ms, int64_t mono_ms, int want, struct camp_dial *out)
{
	static const char due[] = "SELECT cc.recipient_id, cc.union_code,"
	    " r.msisdn, r.lang, r.opted_out FROM campaign_contacts cc"
	    " JOIN recipients r ON r.id = cc.recipient_id"
	    " WHERE cc.campaign_id = ?1 AND cc.state = 0 AND"
	    " cc.next_at <= ?2 ORDER BY cc.next_at LIMIT ?3";
	static const char take[] = "UPDATE campaign_contacts SET state = ?3,"
	    " attempts = attempts + (?3 = 1) WHERE campaign_id = ?1 AND"
	    " recipient_id = ?2 AND state = 0";
	static const char placed[] = "UPDATE campaigns SET placed ="
	    " placed + ?2, pending = pending - ?3 WHERE id = ?1";
	static const char head[] = "SELECT coalesce(budget, 0), placed"
	    " FROM campaigns WHERE id = ?1";
	struct sched_pace *pace;
	struct camp_spotset spots;
	struct sched	 sc;
	sqlite3_stmt	*st;
	int64_t		 audience, budget = 0, nplaced = 0, total;
	int64_t		 stop[64];
	int		 per_day, per_week, airings, n = 0, nstop = 0, k, i;
	int		 stopped = 0;
	double		 rate;

	if (camp_campaign_get_sched(s, id, &sc, &per_day, &per_week,
	    &airings, &audience) != 0 || (total = sched_total(&sc)) <= 0)
		return 0;
	rate = (double)audience * airings / (total / 1000.0) * CAMP_CATCHUP;
	pace = camp_pacer(r, id, rate);
	k = sched_pace_avail(pace, mono_ms, sched_on_air(&sc, now_ms));
	if (!sched_on_air(&sc, now_ms) || k <= 0)
		return 0;
	if ((st = store_prepare(s, head)) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		budget = sqlite3_column_int64(st, 0);
		nplaced = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (budget > 0 && budget - nplaced < k)
		k = (int)(budget - nplaced);
	if (k > want)
		k = want;
	if (k <= 0)
		return 0;
	if ((st = store_prepare(s, due)) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_int(st, 3, k);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_int(st, 4) != 0 ||
		    sqlite3_column_type(st, 2) == SQLITE_NULL) {
			if (nstop < (int)(sizeof(stop) / sizeof(stop[0])))
				stop[nstop++] = sqlite3_column_int64(st, 0);
			continue;
		}
		memset(&out[n], 0, sizeof(out[n]));
		out[n].campaign_id = id;
		out[n].recipient_id = sqlite3_column_int64(st, 0);
		camp_col(st, 1, out[n].union_code, sizeof(out[n].union_code));
		camp_col(st, 2, out[n].msisdn, sizeof(out[n].msisdn));
		camp_col(st, 3, out[n].lang, sizeof(out[n].lang));
		n++;
	}
	sqlite3_reset(st);
	for (i = 0; i < n + nstop; i++) {
		if ((st = store_prepare(s, take)) == NULL)
			return 0;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, i < n ? out[i].recipient_id :
		    stop[i - n]);
		sqlite3_bind_int(st, 3, i < n ? CONTACT_CALLING :
		    CONTACT_STOPPED);
		if (camp_step(s, st, "campaign: claim") == -1)
			return 0;
		if (i >= n)
			stopped += sqlite3_changes(store_db(s));
	}
	camp_spots_load(s, id, &spots);
	for (i = 0; i < n; i++)
		out[i].spot_id = camp_spot_draw(&spots, out[i].clip,
		    sizeof(out[i].clip));
	if ((n > 0 || stopped > 0) &&
	    (st = store_prepare(s, placed)) != NULL) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, n);
		sqlite3_bind_int(st, 3, stopped);
		camp_step(s, st, "campaign: placed");
	}
	sched_pace_take(pace, n);
	return n;
}

int
camp_claim(struct camp_run *r, struct store *s, int64_t now_ms,
    int64_t mono_ms, int want, struct camp_dial *out)
{
	static const char live[] = "SELECT id FROM campaigns WHERE"
	    " cancelled_at IS NULL AND instr(channels, 'call') > 0 AND"
	    " starts_at * 1000 <= ?1 AND ends_at * 1000 > ?1 AND"
	    " (budget IS NULL OR placed < budget) ORDER BY id LIMIT ?2";
	sqlite3_stmt	*st;
	int64_t		 ids[CAMP_RUN_MAX];
	int		 n = 0, got = 0, i;

	if (want <= 0 || store_batch_op(s) == -1 ||
	    (st = store_prepare(s, live)) == NULL)
		return 0;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_int(st, 2, CAMP_RUN_MAX);
	while (sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	/* Campaigns share what is free in turn; the oldest first. */
	for (i = 0; i < n && got < want; i++)
		got += camp_claim_one(r, s, ids[i], now_ms, mono_ms,
		    want - got, out + got);
	return got;
}

void
camp_call_done(struct store *s, int64_t campaign_id, int64_t recipient_id,
    int placed, int answered, int64_t now_ms, int attempts, int interval_s)
{
	static const char get[] = "SELECT ord, slot, attempts,"
	    " coalesce(last_aired_at, 0) FROM campaign_contacts WHERE"
	    " campaign_id = ?1 AND recipient_id = ?2 AND state = 1";
	static const char back[] = "UPDATE campaign_contacts SET state = 0,"
	    " attempts = max(attempts - 1, 0) WHERE campaign_id = ?1 AND"
	    " recipient_id = ?2 AND state = 1";
	static const char unplace[] = "UPDATE campaigns SET placed ="
	    " max(placed - 1, 0) WHERE id = ?1";
	static const char set[] = "UPDATE campaign_contacts SET state = ?3,"
	    " next_at = ?4, slot = ?5, aired = aired + ?6, attempts = ?7,"
	    " last_aired_at = nullif(?8, 0) WHERE campaign_id = ?1 AND"
	    " recipient_id = ?2 AND state = 1";
	static const char finished[] = "UPDATE campaigns SET pending ="
	    " pending - 1 WHERE id = ?1";
	struct sched	 sc;
	sqlite3_stmt	*st;
	int64_t		 audience, ord, last, next = 0;
	int		 per_day, per_week, airings, slot, tries, state;

	if (store_batch_op(s) == -1)
		return;
	if (!placed) {
		if ((st = store_prepare(s, back)) == NULL)
			return;
		sqlite3_bind_int64(st, 1, campaign_id);
		sqlite3_bind_int64(st, 2, recipient_id);
		camp_step(s, st, "campaign: requeue");
		if ((st = store_prepare(s, unplace)) == NULL)
			return;
		sqlite3_bind_int64(st, 1, campaign_id);
		camp_step(s, st, "campaign: unplace");
		return;
	}
	if (camp_campaign_get_sched(s, campaign_id, &sc, &per_day, &per_week,
	    &airings, &audience) != 0 || (st = store_prepare(s, get)) == NULL)
		return;
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int64(st, 2, recipient_id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return;
	}
	ord = sqlite3_column_int64(st, 0);
	slot = sqlite3_column_int(st, 1);
	tries = sqlite3_column_int(st, 2);
	last = sqlite3_column_int64(st, 3);
	sqlite3_reset(st);

	state = CONTACT_WAITING;
	if (!answered && tries < attempts) {
		/* Another try at the same airing, on air. */
		next = sched_next_open(&sc, now_ms + interval_s * 1000LL);
	} else {
		if (answered)
			last = now_ms;
		slot++;
		tries = 0;
		if (slot >= airings)
			state = CONTACT_DONE;
		else {
			next = sched_due(&sc, ord, audience, airings, slot);
			if (last != 0 && next < last + sched_spacing(per_day,
			    per_week))
				next = last + sched_spacing(per_day, per_week);
			next = sched_next_open(&sc, next);
		}
	}
	if (state == CONTACT_WAITING && next < 0)
		state = CONTACT_STOPPED;	/* the flight is over */
	if ((st = store_prepare(s, set)) == NULL)
		return;
	sqlite3_bind_int64(st, 1, campaign_id);
	sqlite3_bind_int64(st, 2, recipient_id);
	sqlite3_bind_int(st, 3, state);
	sqlite3_bind_int64(st, 4, next > 0 ? next : now_ms);
	sqlite3_bind_int(st, 5, slot);
	sqlite3_bind_int(st, 6, answered ? 1 : 0);
	sqlite3_bind_int(st, 7, tries);
	sqlite3_bind_int64(st, 8, last);
	if (camp_step(s, st, "campaign: call done") == -1 ||
	    state == CONTACT_WAITING || sqlite3_changes(store_db(s)) != 1 ||
	    (st = store_prepare(s, finished)) == NULL)
		return;
	sqlite3_bind_int64(st, 1, campaign_id);
	camp_step(s, st, "campaign: pending");
}

/*
 * The waiting contacts of a campaign cancelled or over are stopped here,
 * at most limit a call (the voice tick's), so that neither a cancel nor
 * a flight's end rewrites a million rows in one go; they are never
 * claimed meanwhile.  A campaign with none left is marked swept.
 */
int
camp_sweep(struct store *s, int64_t now_ms, int limit)
{
	static const char which[] = "SELECT id FROM campaigns WHERE"
	    " swept_at IS NULL AND (cancelled_at IS NOT NULL OR"
	    " ends_at * 1000 <= ?1) ORDER BY id LIMIT 1";
	/* From the partial index of the waiting: the key alone would walk
	 * past every row stopped by the sweeps before. */
	static const char stop[] = "UPDATE campaign_contacts SET state = 3"
	    " WHERE campaign_id = ?1 AND recipient_id IN (SELECT recipient_id"
	    " FROM campaign_contacts INDEXED BY campaign_due"
	    " WHERE campaign_id = ?1 AND state = 0 LIMIT ?2)";
	static const char mark[] = "UPDATE campaigns SET pending ="
	    " pending - ?2, swept_at = CASE WHEN ?2 < ?3 THEN ?4 END"
	    " WHERE id = ?1";
	sqlite3_stmt	*st;
	int64_t		 id;
	int		 rc, n;

	if (store_batch_op(s) == -1 || (st = store_prepare(s, which)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now_ms);
	rc = sqlite3_step(st);
	id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (id == 0)
		return rc == SQLITE_DONE ? 0 : -1;
	if ((st = store_prepare(s, stop)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, limit);
	if (camp_step(s, st, "campaign: sweep") == -1)
		return -1;
	n = sqlite3_changes(store_db(s));
	if ((st = store_prepare(s, mark)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, n);
	sqlite3_bind_int(st, 3, limit);
	sqlite3_bind_int64(st, 4, now_ms);
	if (camp_step(s, st, "campaign: swept") == -1)
		return -1;
	if (n < limit)
		log_info("campaign=%lld: its waiting contacts are stopped",
		    (long long)id);
	return n;
}

int
camp_recover(struct store *s, int64_t now_ms)
{
	static const char q[] = "SELECT campaign_id, recipient_id FROM"
	    " campaign_contacts WHERE state = 1";
	sqlite3_stmt	*st;
	int64_t		(*c)[2] = NULL;
	size_t		 n = 0, cap = 0, i;

	if ((st = store_prepare(s, q)) == NULL)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			c = xreallocarray(c, cap, sizeof(*c));
		}
		c[n][0] = sqlite3_column_int64(st, 0);
		c[n][1] = sqlite3_column_int64(st, 1);
		n++;
	}
	sqlite3_reset(st);
	for (i = 0; i < n; i++)
		camp_call_done(s, c[i][0], c[i][1], 1, 1, now_ms, 0, 0);
	free(c);
	if (n > 0)
		log_warnx("campaigns: %zu calls were under way at the last "
		    "stop; counted as aired (the caps stay kept)", n);
	return (int)n;
}

int64_t
camp_hotline_spot(struct store *s, const char *union_code, int64_t now_ms,
    int64_t *campaign_id, char *path, size_t len)
{
	static const char q[] = "SELECT DISTINCT c.id FROM campaigns c"
	    " JOIN campaign_areas ca ON ca.campaign_id = c.id"
	    " JOIN areas a ON a.code = ca.code JOIN areas u ON u.code = ?1"
	    " WHERE c.cancelled_at IS NULL AND"
	    " instr(c.channels, 'hotline') > 0 AND c.starts_at * 1000 <= ?2"
	    " AND c.ends_at * 1000 > ?2 AND u.path >= a.path AND"
	    " u.path < substr(a.path, 1, length(a.path) - 1) || '0'"
	    " ORDER BY c.id DESC LIMIT ?3";
	struct camp_spotset spots;
	struct sched	 sc;
	sqlite3_stmt	*st;
	int64_t		 ids[CAMP_RUN_MAX], audience, id;
	int		 n = 0, i, pd, pw, a;

	*campaign_id = 0;
	if (union_code == NULL || union_code[0] == '\0' ||
	    (st = store_prepare(s, q)) == NULL)
		return 0;
	sqlite3_bind_text(st, 1, union_code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	sqlite3_bind_int(st, 3, CAMP_RUN_MAX);
	while (sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	/* The newest campaign on air for the union. */
	for (i = 0; i < n; i++) {
		if (camp_campaign_get_sched(s, ids[i], &sc, &pd, &pw, &a,
		    &audience) != 0 || !sched_on_air(&sc, now_ms))
			continue;
		camp_spots_load(s, ids[i], &spots);
		if ((id = camp_spot_draw(&spots, path, len)) != 0) {
			*campaign_id = ids[i];
			return id;
		}
	}
	return 0;
}
