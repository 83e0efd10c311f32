/*
 * campaign.c: awareness campaigns: the request, the plan, the reach.
 *
 * A campaign airs one or more prepared spots (rotated by weight) to the
 * people of its areas, over outbound calls inside daily windows
 * (Asia/Dhaka) between its start and end, on the hotline's spot key, and
 * with an optional SMS teaser.  Creating it plans it: one contact row per
 * person, ord its place in an even spread over the flight's window time
 * (sched_due), in one INSERT ... SELECT, so a million people cost one
 * statement.  campaign-run.c places the calls.  The status reads only
 * counters: the audience per union (written by the plan), the contacts
 * still pending (campaigns.pending, kept by campaign-run.c) and the reach
 * per union and spot, which a trigger keeps from the call records
 * (calls.campaign_id, spot_id; schema.c, migration 8), so looking at a
 * campaign of a million people reads a few hundred rows.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "areas.h"
#include "campaigns.h"
#include "log.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

#define CAMP_DEFAULT_WINDOWS	"10:00-13:00,16:00-20:00"

void
camp_campaign_req_clear(struct camp_req *r)
{
	free(r->name);
	free(r->areas);
	free(r->teaser_bn);
	free(r->teaser_en);
	memset(r, 0, sizeof(*r));
}

/* "spots": [3, {"id": 4, "weight": 2}]. */
static int
camp_parse_spots(json_t *spots, struct camp_req *r, char *msg, size_t msglen)
{
	json_t		*v, *id, *w;
	size_t		 i;
	int		 j;

	if (!json_is_array(spots) || json_array_size(spots) == 0 ||
	    json_array_size(spots) > CAMP_MAX_SPOTS) {
		snprintf(msg, msglen, "spots must be a list of 1-%d spot ids "
		    "or {\"id\", \"weight\"}", CAMP_MAX_SPOTS);
		return -1;
	}
	json_array_foreach(spots, i, v) {
		id = json_is_object(v) ? json_object_get(v, "id") : v;
		w = json_is_object(v) ? json_object_get(v, "weight") : NULL;
		if (!json_is_integer(id) || json_integer_value(id) <= 0 ||
		    (json_is_object(v) && json_object_size(v) !=
		    1 + (w != NULL))) {
			snprintf(msg, msglen, "spots[%zu] is not a spot id or "
			    "{\"id\", \"weight\"}", i);
			return -1;
		}
		if (w != NULL && (!json_is_integer(w) ||
		    json_integer_value(w) < 1 || json_integer_value(w) > 1000)) {
			snprintf(msg, msglen, "spots[%zu].weight must be "
			    "1-1000", i);
			return -1;
		}
		for (j = 0; j < r->nspots; j++)
			if (r->spot[j] == json_integer_value(id)) {
				snprintf(msg, msglen, "spots[%zu]: spot %lld "
				    "is listed twice", i,
				    (long long)r->spot[j]);
				return -1;
			}
		r->spot[r->nspots] = json_integer_value(id);
		r->weight[r->nspots++] = w ? (int)json_integer_value(w) : 1;
	}
	return 0;
}

static int
camp_parse_channels(json_t *ch, struct camp_req *r, char *msg, size_t msglen)
{
	json_t		*v;
	const char	*s;
	size_t		 i;

	if (ch == NULL) {
		r->channels = CAMP_CALL | CAMP_HOTLINE;
		return 0;
	}
	if (!json_is_array(ch) || json_array_size(ch) == 0)
		goto bad;
	json_array_foreach(ch, i, v) {
		if ((s = json_string_value(v)) == NULL)
			goto bad;
		if (strcmp(s, "call") == 0)
			r->channels |= CAMP_CALL;
		else if (strcmp(s, "hotline") == 0)
			r->channels |= CAMP_HOTLINE;
		else if (strcmp(s, "sms") == 0)
			r->channels |= CAMP_SMS;
		else
			goto bad;
	}
	return 0;
bad:
	snprintf(msg, msglen, "channels must be a list of \"call\", "
	    "\"hotline\" and \"sms\"");
	return -1;
}

/* A teaser text: cleaned, and within max_parts SMS. */
static char *
camp_teaser(const char *field, json_t *v, int max_parts, const char **code,
    char *msg, size_t msglen)
{
	struct sms_len	 l;
	const char	*why;
	char		*t;

	if (!json_is_string(v)) {
		snprintf(msg, msglen, "%s must be a string", field);
		return NULL;
	}
	if ((t = text_clean(json_string_value(v), json_string_length(v),
	    &why)) == NULL || t[0] == '\0') {
		snprintf(msg, msglen, "%s: %s", field, t ? "empty" : why);
		free(t);
		return NULL;
	}
	if (sms_measure(t, &l) == -1 || l.parts > max_parts) {
		*code = "E_TOO_LONG";
		snprintf(msg, msglen, "%s needs %d SMS parts; the limit is %d "
		    "([kannel] max_parts)", field, l.parts, max_parts);
		free(t);
		return NULL;
	}
	return t;
}

int
camp_campaign_parse(json_t *j, int64_t now, int day_from, int day_to,
    int max_parts, struct camp_req *r, int *status, const char **code,
    char *msg, size_t msglen)
{
	json_t		*spots = NULL, *areas = NULL, *starts = NULL;
	json_t		*ends = NULL, *ch = NULL, *tbn = NULL, *ten = NULL;
	json_int_t	 per_day = 1, per_week = 3, airings = 1, budget = 0;
	const char	*name, *windows = CAMP_DEFAULT_WINDOWS, *why;
	int64_t		 t0 = now, t1, spacing;

	memset(r, 0, sizeof(*r));
	*status = 400;
	*code = "E_BAD_REQUEST";
	if (json_unpack(j, "{s:s,s:o,s:o,s?o,s:o,s?s,s?o,s?I,s?I,s?I,s?I,"
	    "s?o,s?o!}", "name", &name, "spots", &spots, "areas", &areas,
	    "starts_at", &starts, "ends_at", &ends, "windows", &windows,
	    "channels", &ch, "per_day", &per_day, "per_week", &per_week,
	    "airings", &airings, "budget", &budget, "teaser_bn", &tbn,
	    "teaser_en", &ten) == -1) {
		*code = "E_BAD_JSON";
		snprintf(msg, msglen, "expected {name, spots, areas, ends_at, "
		    "[starts_at, windows, channels, per_day, per_week, "
		    "airings, budget, teaser_bn, teaser_en]} with the right "
		    "types and nothing else");
		return -1;
	}
	if ((r->name = text_clean(name, strlen(name), &why)) == NULL ||
	    r->name[0] == '\0' || text_codepoints(r->name) > CAMP_NAME_MAX) {
		snprintf(msg, msglen, "name must be 1-%d characters of valid "
		    "UTF-8", CAMP_NAME_MAX);
		goto fail;
	}
	if (camp_parse_spots(spots, r, msg, msglen) == -1)
		goto fail;
	if (camp_areas_parse(areas, &r->areas, &r->nareas, msg, msglen) == -1)
		goto fail;
	if (starts != NULL && camp_time_parse(starts, &t0) == -1) {
		snprintf(msg, msglen, "starts_at is not epoch seconds or RFC "
		    "3339 time");
		goto fail;
	}
	if (t0 < now)
		t0 = now;
	if (camp_time_parse(ends, &t1) == -1) {
		snprintf(msg, msglen, "ends_at is not epoch seconds or RFC "
		    "3339 time");
		goto fail;
	}
	if (t1 <= now) {
		snprintf(msg, msglen, "ends_at must be in the future");
		goto fail;
	}
	if (t1 <= t0) {
		snprintf(msg, msglen, "the campaign starts (%lld) after it "
		    "ends (%lld)", (long long)t0, (long long)t1);
		goto fail;
	}
	if (t1 - t0 > CAMP_MAX_DAYS * 86400LL) {
		snprintf(msg, msglen, "a flight is at most %d days",
		    CAMP_MAX_DAYS);
		goto fail;
	}
	r->sc.starts = t0 * 1000;
	r->sc.ends = t1 * 1000;
	if (sched_windows_parse(&r->sc, windows, day_from, day_to, msg,
	    msglen) == -1)
		goto fail;
	if (sched_total(&r->sc) == 0) {
		snprintf(msg, msglen, "no window opens between starts_at and "
		    "ends_at");
		goto fail;
	}
	if (camp_parse_channels(ch, r, msg, msglen) == -1)
		goto fail;
	if (per_day < 1 || per_day > 24 || per_week < 1 || per_week > 168) {
		snprintf(msg, msglen, "per_day must be 1-24 and per_week "
		    "1-168: a cap of zero would air nothing");
		goto fail;
	}
	if (per_week < per_day) {
		snprintf(msg, msglen, "per_week (%lld) is below per_day "
		    "(%lld)", (long long)per_week, (long long)per_day);
		goto fail;
	}
	r->per_day = per_day;
	r->per_week = per_week;
	if (airings < 1 || airings > CAMP_MAX_AIRINGS) {
		snprintf(msg, msglen, "airings must be 1-%d",
		    CAMP_MAX_AIRINGS);
		goto fail;
	}
	spacing = sched_spacing(r->per_day, r->per_week);
	if ((airings - 1) * spacing >= r->sc.ends - r->sc.starts) {
		*status = 422;
		*code = "E_CAPS";
		snprintf(msg, msglen, "%lld airings a person do not fit the "
		    "flight: the caps (%d a day, %d a week) keep airings %lld "
		    "minutes apart", (long long)airings, r->per_day,
		    r->per_week, (long long)(spacing / 60000));
		goto fail;
	}
	r->airings = airings;
	if (json_object_get(j, "budget") != NULL && budget < 1) {
		snprintf(msg, msglen, "budget must be at least 1 call (leave "
		    "it out for none)");
		goto fail;
	}
	r->budget = budget;
	if ((tbn != NULL || ten != NULL) && !(r->channels & CAMP_SMS)) {
		snprintf(msg, msglen, "a teaser needs the \"sms\" channel");
		goto fail;
	}
	if ((r->channels & CAMP_SMS) && tbn == NULL && ten == NULL) {
		snprintf(msg, msglen, "the \"sms\" channel needs teaser_bn "
		    "and/or teaser_en");
		goto fail;
	}
	if (tbn != NULL && (r->teaser_bn = camp_teaser("teaser_bn", tbn,
	    max_parts, code, msg, msglen)) == NULL)
		goto fail;
	if (ten != NULL && (r->teaser_en = camp_teaser("teaser_en", ten,
	    max_parts, code, msg, msglen)) == NULL)
		goto fail;
	return 0;
fail:
	return -1;
}

/*
 * The plan's two SQL functions.  sk_plan_ord(id): the place of the
 * person read with recipient id in the spread (sched_spread of the count
 * of people read so far; the same id asked again, as the statement does
 * for the due time, gets the same place).  sk_plan_due(ord): that
 * place's first airing (sched_due, ms).
 */
struct camp_plan {
	const struct sched	*sc;
	int64_t			 n, step, k, last_id, last_ord;
	int			 airings;
};

static void
camp_plan_ord(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct camp_plan	*p = sqlite3_user_data(ctx);
	int64_t			 id = sqlite3_value_int64(argv[0]);

	(void)argc;
	if (p->k == 0 || id != p->last_id) {
		if (p->k >= p->n) {
			sqlite3_result_error(ctx, "more people than counted",
			    -1);
			return;
		}
		p->last_id = id;
		p->last_ord = sched_spread(p->k++, p->n, p->step);
	}
	sqlite3_result_int64(ctx, p->last_ord);
}

static void
camp_plan_due(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct camp_plan	*p = sqlite3_user_data(ctx);

	(void)argc;
	sqlite3_result_int64(ctx, sched_due(p->sc, sqlite3_value_int64(argv[0]),
	    p->n, p->airings, 0));
}

/* Each spot exists and the token may use it (national, or on the same
 * branch of the area tree as the token's scope).  0, or 1 with msg. */
static int
camp_check_spots(struct store *s, const struct camp_req *r,
    const struct token *t, int *status, const char **code, char *msg,
    size_t msglen)
{
	static const char q[] = "SELECT sp.scope IS NULL OR ?2 = '' OR"
	    " substr(a.path, 1, length(b.path)) = b.path OR"
	    " substr(b.path, 1, length(a.path)) = a.path"
	    " FROM spots sp LEFT JOIN areas a ON a.code = sp.scope"
	    " LEFT JOIN areas b ON b.code = ?2 WHERE sp.id = ?1";
	sqlite3_stmt	*st;
	int		 i, rc, ok;

	for (i = 0; i < r->nspots; i++) {
		if ((st = store_prepare(s, q)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, r->spot[i]);
		sqlite3_bind_text(st, 2, t != NULL ? t->scope : "", -1,
		    SQLITE_STATIC);
		rc = sqlite3_step(st);
		ok = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return -1;
		if (rc == SQLITE_DONE || !ok) {
			*status = 422;
			*code = "E_UNKNOWN_SPOT";
			snprintf(msg, msglen, "spot %lld %s", (long long)
			    r->spot[i], rc == SQLITE_DONE ? "does not exist "
			    "(upload it: POST /api/v1/spots)" :
			    "belongs to an area outside your scope");
			return 1;
		}
	}
	return 0;
}

static const char *
camp_channels_str(int ch, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s", ch & CAMP_CALL ? "call" : "",
	    (ch & CAMP_CALL) && (ch & (CAMP_HOTLINE | CAMP_SMS)) ? "," : "",
	    ch & CAMP_HOTLINE ? "hotline" : "",
	    (ch & CAMP_HOTLINE) && (ch & CAMP_SMS) ? "," : "",
	    ch & CAMP_SMS ? "sms" : "");
	return buf;
}

/* The SMS teaser: an awareness alert to the same areas, at the first
 * window, expiring with the flight. */
static int
camp_teaser_create(struct store *s, const struct camp_req *r,
    const struct token *t, int64_t first, struct alert_made *made)
{
	struct alert_req	 a;

	memset(&a, 0, sizeof(a));
	a.kind = "awareness";
	a.priority = PRIO_AWARENESS;
	a.areas = r->areas;
	a.nareas = r->nareas;
	a.text_bn = r->teaser_bn;
	a.text_en = r->teaser_en;
	a.starts_at = (first + 999) / 1000;
	a.expires_at = r->sc.ends / 1000;
	a.channels = ALERT_SMS;
	return camp_alert_create(s, &a, t != NULL ? t->id : 0, made);
}

int
camp_campaign_create(struct store *s, const struct camp_req *r,
    const struct token *t, struct camp_made *made, int *status,
    const char **code, char *msg, size_t msglen)
{
	static const char ins[] = "INSERT INTO campaigns (name, channels,"
	    " starts_at, ends_at, windows, per_day, per_week, airings,"
	    " budget, token_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, nullif(?9, 0), nullif(?10, 0), ?11)";
	static const char area[] = "INSERT OR IGNORE INTO campaign_areas"
	    " (campaign_id, code) VALUES (?1, ?2)";
	static const char spot[] = "INSERT INTO campaign_spots (campaign_id,"
	    " spot_id, weight) VALUES (?1, ?2, ?3)";
	/* Each union's audience, read from the covering union index. */
	static const char unions[] = "INSERT INTO campaign_unions"
	    " (campaign_id, union_code, audience) SELECT ?1, r.union_code,"
	    " count(*) FROM recipients r WHERE r.union_code IN"
	    " (SELECT code FROM temp.fanout_unions) AND r.opted_out = 0"
	    " GROUP BY r.union_code";
	static const char count[] = "SELECT coalesce(sum(audience), 0) FROM"
	    " campaign_unions WHERE campaign_id = ?1";
	/*
	 * The spread's order comes from the order the people are read in
	 * (sched_spread), not from a sort: sorting a million rows would
	 * hold them all in SQLite's sorter (32 MB here).  Read in index
	 * order, union after union, the spread still sets the unions of a
	 * campaign side by side, and the plan is the same on every run.
	 */
	static const char plan[] = "INSERT INTO campaign_contacts"
	    " (campaign_id, recipient_id, ord, union_code, next_at)"
	    " SELECT ?1, r.id, sk_plan_ord(r.id), r.union_code,"
	    " sk_plan_due(sk_plan_ord(r.id)) FROM recipients r"
	    " WHERE r.union_code IN (SELECT code FROM temp.fanout_unions)"
	    " AND r.opted_out = 0";
	static const char fix[] = "UPDATE campaigns SET audience = ?2,"
	    " alert_id = nullif(?3, 0), pending = ?4 WHERE id = ?1";
	struct camp_plan p;
	sqlite3_stmt	*st;
	sqlite3		*db = store_db(s);
	char		 win[128], chans[32];
	size_t		 i;
	int		 rc;

	memset(made, 0, sizeof(*made));
	if ((rc = camp_check_spots(s, r, t, status, code, msg, msglen)) != 0)
		return rc;
	sched_windows_format(&r->sc, win, sizeof(win));
	if ((st = store_prepare(s, ins)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, camp_channels_str(r->channels, chans,
	    sizeof(chans)), -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, r->sc.starts / 1000);
	sqlite3_bind_int64(st, 4, r->sc.ends / 1000);
	sqlite3_bind_text(st, 5, win, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 6, r->per_day);
	sqlite3_bind_int(st, 7, r->per_week);
	sqlite3_bind_int(st, 8, r->airings);
	sqlite3_bind_int64(st, 9, r->budget);
	sqlite3_bind_int64(st, 10, t != NULL ? t->id : 0);
	sqlite3_bind_int64(st, 11, store_now());
	if (camp_step(s, st, "campaign: insert") == -1)
		return -1;
	made->id = sqlite3_last_insert_rowid(db);
	for (i = 0; i < r->nareas; i++) {
		if ((st = store_prepare(s, area)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, made->id);
		sqlite3_bind_text(st, 2, r->areas[i], -1, SQLITE_STATIC);
		if (camp_step(s, st, "campaign: area") == -1)
			return -1;
	}
	for (i = 0; i < (size_t)r->nspots; i++) {
		if ((st = store_prepare(s, spot)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, made->id);
		sqlite3_bind_int64(st, 2, r->spot[i]);
		sqlite3_bind_int(st, 3, r->weight[i]);
		if (camp_step(s, st, "campaign: spot") == -1)
			return -1;
	}
	if (camp_unions_resolve(s, r->areas, r->nareas) == -1 ||
	    (st = store_prepare(s, unions)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, made->id);
	if (camp_step(s, st, "campaign: unions") == -1 ||
	    (st = store_prepare(s, count)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, made->id);
	rc = sqlite3_step(st);
	made->audience = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return -1;
	made->first_airing = sched_next_open(&r->sc, r->sc.starts);
	if ((r->channels & CAMP_CALL) && made->audience > 0) {
		memset(&p, 0, sizeof(p));
		p.sc = &r->sc;
		p.n = made->audience;
		p.step = sched_spread_step(p.n);
		p.airings = r->airings;
		if (sqlite3_create_function(db, "sk_plan_ord", 1,
		    SQLITE_UTF8, &p, camp_plan_ord, NULL, NULL) != SQLITE_OK ||
		    sqlite3_create_function(db, "sk_plan_due", 1,
		    SQLITE_UTF8, &p, camp_plan_due, NULL, NULL) != SQLITE_OK)
			return -1;
		st = NULL;
		rc = sqlite3_prepare_v2(db, plan, -1, &st, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, made->id);
			rc = sqlite3_step(st);
		}
		if (rc != SQLITE_DONE)
			log_warnx("campaign: plan: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		sqlite3_create_function(db, "sk_plan_ord", 1, SQLITE_UTF8,
		    NULL, NULL, NULL, NULL);
		sqlite3_create_function(db, "sk_plan_due", 1, SQLITE_UTF8,
		    NULL, NULL, NULL, NULL);
		if (rc == SQLITE_DONE && p.k != p.n) {
			log_warnx("campaign: plan: %lld people planned, %lld "
			    "counted", (long long)p.k, (long long)p.n);
			return -1;
		}
		if (rc != SQLITE_DONE)
			return -1;
		made->planned = made->audience * r->airings;
		if (r->budget > 0 && made->planned > r->budget)
			made->planned = r->budget;
	}
	if ((r->channels & CAMP_SMS) && camp_teaser_create(s, r, t,
	    made->first_airing, &made->teaser) == -1)
		return -1;
	if ((st = store_prepare(s, fix)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, made->id);
	sqlite3_bind_int64(st, 2, made->audience);
	sqlite3_bind_int64(st, 3, made->teaser.id);
	sqlite3_bind_int64(st, 4, made->planned > 0 ? made->audience : 0);
	if (camp_step(s, st, "campaign: audience") == -1)
		return -1;
	log_info("campaign=%lld created: audience=%lld airings=%d windows=%s "
	    "spots=%d", (long long)made->id, (long long)made->audience,
	    r->airings, win, r->nspots);
	return 0;
}

static const char *
camp_status_name(int64_t now_ms, const struct sched *sc, int cancelled,
    int64_t budget, int64_t placed, int64_t pending, int channels)
{
	if (cancelled)
		return "cancelled";
	if (now_ms >= sc->ends || (channels == CAMP_CALL && pending == 0))
		return "done";
	if (budget > 0 && placed >= budget)
		return "budget_spent";
	if (now_ms < sc->starts)
		return "scheduled";
	return sched_on_air(sc, now_ms) ? "on_air" : "off_air";
}

static json_t *
camp_reach_new(void)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:f,s:I}", "placed",
	    (json_int_t)0, "answered", (json_int_t)0, "reached", (json_int_t)0,
	    "full", (json_int_t)0, "hotline_plays", (json_int_t)0,
	    "listen_through", 0.0, "audience", (json_int_t)0);
}

/*
 * The reach columns of a group of campaign_reach rows r (kept from the
 * call records by the trigger of migration 8, schema.c): placed,
 * answered, reached (people who heard some of a spot: the column given,
 * as people are counted once per union and once per spot), full (played
 * to the end), listen_through (the mean share of the spot heard per
 * answered call), hotline plays.
 */
#define CAMP_REACH_SUMS(reached) \
	" coalesce(sum(r.placed), 0), coalesce(sum(r.answered), 0), " \
	reached ", coalesce(sum(r.full), 0)," \
	" sum(r.listen_sum) / sum(r.listen_n)," \
	" coalesce(sum(r.hotline_plays), 0)"

static void
camp_reach_fill(json_t *o, sqlite3_stmt *st, int col)
{
	json_object_set_new(o, "placed", json_integer(
	    sqlite3_column_int64(st, col)));
	json_object_set_new(o, "answered", json_integer(
	    sqlite3_column_int64(st, col + 1)));
	json_object_set_new(o, "reached", json_integer(
	    sqlite3_column_int64(st, col + 2)));
	json_object_set_new(o, "full", json_integer(
	    sqlite3_column_int64(st, col + 3)));
	/* Three decimals are plenty for a share. */
	json_object_set_new(o, "listen_through", json_real((double)(int64_t)
	    (sqlite3_column_double(st, col + 4) * 1000 + 0.5) / 1000));
	json_object_set_new(o, "hotline_plays", json_integer(
	    sqlite3_column_int64(st, col + 5)));
}

/* unions: each union's audience and reach, in code order. */
static json_t *
camp_unions(struct store *s, int64_t id)
{
	static const char q[] = "SELECT u.union_code, u.audience,"
	    CAMP_REACH_SUMS("u.reached") ", a.name_en, a.name_bn"
	    " FROM campaign_unions u LEFT JOIN campaign_reach r ON"
	    " r.campaign_id = u.campaign_id AND r.union_code = u.union_code"
	    " LEFT JOIN areas a ON a.code = u.union_code"
	    " WHERE u.campaign_id = ?1 AND u.union_code != ''"
	    " GROUP BY u.union_code ORDER BY u.union_code";
	sqlite3_stmt	*st;
	json_t		*list = json_array(), *o;

	if ((st = store_prepare(s, q)) == NULL)
		return list;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		o = camp_reach_new();
		json_object_set_new(o, "audience", json_integer(
		    sqlite3_column_int64(st, 1)));
		camp_reach_fill(o, st, 2);
		json_object_set_new(o, "code", json_string((const char *)
		    sqlite3_column_text(st, 0)));
		if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
			json_object_set_new(o, "name_en", json_string(
			    (const char *)sqlite3_column_text(st, 8)));
			json_object_set_new(o, "name_bn", json_string(
			    (const char *)sqlite3_column_text(st, 9)));
		}
		json_array_append_new(list, o);
	}
	sqlite3_reset(st);
	return list;
}

/* spots: each with its weight and its own reach (spot-level comparison). */
static json_t *
camp_spots(struct store *s, int64_t id)
{
	static const char q[] = "SELECT cs.spot_id, s.name, cs.weight,"
	    " s.seconds," CAMP_REACH_SUMS("coalesce(sum(r.reached), 0)")
	    " FROM campaign_spots cs JOIN spots s ON s.id = cs.spot_id"
	    " LEFT JOIN campaign_reach r ON r.campaign_id = cs.campaign_id"
	    " AND r.spot_id = cs.spot_id WHERE cs.campaign_id = ?1"
	    " GROUP BY cs.spot_id ORDER BY cs.spot_id";
	sqlite3_stmt	*st;
	json_t		*list = json_array(), *o;

	if ((st = store_prepare(s, q)) == NULL)
		return list;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		o = camp_reach_new();
		json_object_del(o, "audience");
		json_object_set_new(o, "id", json_integer(
		    sqlite3_column_int64(st, 0)));
		json_object_set_new(o, "name", json_string((const char *)
		    sqlite3_column_text(st, 1)));
		json_object_set_new(o, "weight", json_integer(
		    sqlite3_column_int(st, 2)));
		json_object_set_new(o, "seconds", json_real(
		    sqlite3_column_double(st, 3)));
		camp_reach_fill(o, st, 4);
		json_array_append_new(list, o);
	}
	sqlite3_reset(st);
	return list;
}

/* The campaign row as a struct sched and its fields. */
struct camp_row {
	struct sched	 sc;
	int		 channels, per_day, per_week, airings;
	int64_t		 budget, placed, audience, alert_id, cancelled_at;
	int64_t		 created_at, pending;
	char		 name[512], windows[128], chans[32];
};

static int
camp_row_get(struct store *s, int64_t id, struct camp_row *c)
{
	static const char q[] = "SELECT name, channels, starts_at, ends_at,"
	    " windows, per_day, per_week, airings, coalesce(budget, 0),"
	    " placed, audience, coalesce(alert_id, 0),"
	    " coalesce(cancelled_at, 0), created_at, pending FROM campaigns"
	    " WHERE id = ?1";
	sqlite3_stmt	*st;
	char		 msg[256];
	int		 rc;

	memset(c, 0, sizeof(*c));
	if ((st = store_prepare(s, q)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? 1 : -1;
	}
	camp_col(st, 0, c->name, sizeof(c->name));
	camp_col(st, 1, c->chans, sizeof(c->chans));
	c->channels = (strstr(c->chans, "call") ? CAMP_CALL : 0) |
	    (strstr(c->chans, "hotline") ? CAMP_HOTLINE : 0) |
	    (strstr(c->chans, "sms") ? CAMP_SMS : 0);
	c->sc.starts = sqlite3_column_int64(st, 2) * 1000;
	c->sc.ends = sqlite3_column_int64(st, 3) * 1000;
	camp_col(st, 4, c->windows, sizeof(c->windows));
	c->per_day = sqlite3_column_int(st, 5);
	c->per_week = sqlite3_column_int(st, 6);
	c->airings = sqlite3_column_int(st, 7);
	c->budget = sqlite3_column_int64(st, 8);
	c->placed = sqlite3_column_int64(st, 9);
	c->audience = sqlite3_column_int64(st, 10);
	c->alert_id = sqlite3_column_int64(st, 11);
	c->cancelled_at = sqlite3_column_int64(st, 12);
	c->created_at = sqlite3_column_int64(st, 13);
	c->pending = sqlite3_column_int64(st, 14);
	sqlite3_reset(st);
	/* Stored after the same parse, so it parses; any hours allowed. */
	if (sched_windows_parse(&c->sc, c->windows, 0, 1440, msg,
	    sizeof(msg)) == -1)
		return -1;
	return 0;
}

int
camp_campaign_get_sched(struct store *s, int64_t id, struct sched *sc,
    int *per_day, int *per_week, int *airings, int64_t *audience)
{
	struct camp_row	 c;
	int		 rc;

	if ((rc = camp_row_get(s, id, &c)) != 0)
		return rc;
	*sc = c.sc;
	*per_day = c.per_day;
	*per_week = c.per_week;
	*airings = c.airings;
	*audience = c.audience;
	return 0;
}

json_t *
camp_campaign_status(struct store *s, int64_t id, int64_t now_ms,
    int with_detail)
{
	static const char areas[] = "SELECT code FROM campaign_areas"
	    " WHERE campaign_id = ?1 ORDER BY code";
	static const char tot[] = "SELECT" CAMP_REACH_SUMS("(SELECT"
	    " coalesce(sum(reached), 0) FROM campaign_unions WHERE"
	    " campaign_id = ?1)") " FROM campaign_reach r"
	    " WHERE r.campaign_id = ?1";
	struct camp_row	 c;
	sqlite3_stmt	*st;
	json_t		*o, *alist, *chans, *totals;
	int64_t		 pending, next;

	if (camp_row_get(s, id, &c) != 0)
		return NULL;
	/* Nothing more is called once it is cancelled or over. */
	pending = c.cancelled_at != 0 || now_ms >= c.sc.ends ? 0 : c.pending;
	alist = json_array();
	if ((st = store_prepare(s, areas)) != NULL) {
		sqlite3_bind_int64(st, 1, id);
		while (sqlite3_step(st) == SQLITE_ROW)
			json_array_append_new(alist, json_string((const char *)
			    sqlite3_column_text(st, 0)));
		sqlite3_reset(st);
	}
	chans = json_array();
	if (c.channels & CAMP_CALL)
		json_array_append_new(chans, json_string("call"));
	if (c.channels & CAMP_HOTLINE)
		json_array_append_new(chans, json_string("hotline"));
	if (c.channels & CAMP_SMS)
		json_array_append_new(chans, json_string("sms"));
	next = c.cancelled_at ? -1 : sched_next_open(&c.sc, now_ms);
	totals = camp_reach_new();
	json_object_set_new(totals, "audience", json_integer(c.audience));
	json_object_set_new(totals, "pending", json_integer(pending));
	if ((st = store_prepare(s, tot)) != NULL) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW)
			camp_reach_fill(totals, st, 0);
		sqlite3_reset(st);
	}
	o = json_pack("{s:I,s:s,s:s,s:o,s:o,s:I,s:I,s:s,s:i,s:i,s:i,s:o,"
	    "s:I,s:I,s:o,s:o,s:I,s:o,s:o}",
	    "id", (json_int_t)id, "name", c.name,
	    "status", camp_status_name(now_ms, &c.sc, c.cancelled_at != 0,
	    c.budget, c.placed, pending, c.channels),
	    "channels", chans, "areas", alist,
	    "starts_at", (json_int_t)(c.sc.starts / 1000),
	    "ends_at", (json_int_t)(c.sc.ends / 1000),
	    "windows", c.windows, "per_day", c.per_day,
	    "per_week", c.per_week, "airings", c.airings,
	    "budget", c.budget ? json_integer(c.budget) : json_null(),
	    "placed", (json_int_t)c.placed, "audience",
	    (json_int_t)c.audience,
	    "next_on_air", next >= 0 && next > now_ms ?
	    json_integer(next / 1000) : json_null(),
	    "cancelled_at", c.cancelled_at ? json_integer(c.cancelled_at) :
	    json_null(), "created_at", (json_int_t)c.created_at,
	    "teaser", c.alert_id ? json_integer(c.alert_id) : json_null(),
	    "totals", totals);
	if (with_detail) {
		json_object_set_new(o, "spots", camp_spots(s, id));
		json_object_set_new(o, "unions", camp_unions(s, id));
	}
	return o;
}

int
camp_campaign_visible(struct store *s, int64_t id, const struct token *t)
{
	static const char exists[] = "SELECT 1 FROM campaigns WHERE id = ?1";
	static const char outside[] = "SELECT count(*) FROM campaign_areas"
	    " ca, areas a, areas sc WHERE ca.campaign_id = ?1 AND"
	    " a.code = ca.code AND sc.code = ?2 AND"
	    " substr(a.path, 1, length(sc.path)) != sc.path";

	return camp_visible(s, exists, outside, id, t);
}

json_t *
camp_campaign_list(struct store *s, const struct token *t, int limit,
    int64_t now_ms)
{
	static const char q[] = "SELECT id FROM campaigns ORDER BY id DESC";
	json_t		*list = json_array(), *o;
	int64_t		*ids;
	size_t		 n, i;

	n = camp_visible_ids(s, q, camp_campaign_visible, t, limit, &ids);
	for (i = 0; i < n; i++)
		if ((o = camp_campaign_status(s, ids[i], now_ms, 0)) != NULL)
			json_array_append_new(list, o);
	free(ids);
	return list;
}

/*
 * Cancel: the campaign claims nothing from now on (camp_claim takes only
 * campaigns not cancelled), and camp_sweep stops its waiting contacts in
 * the background, so a cancel of a million people is one row here.
 * *stopped: the people whose airings stop (those not done).
 */
int
camp_campaign_cancel(struct store *s, int64_t id, int64_t *stopped)
{
	static const char mark[] = "UPDATE campaigns SET cancelled_at = ?2"
	    " WHERE id = ?1";
	struct camp_row	 c;
	sqlite3_stmt	*st;
	int64_t		 teaser = 0;
	int		 rc;

	*stopped = 0;
	if ((rc = camp_row_get(s, id, &c)) != 0)
		return rc;
	if (c.cancelled_at != 0 || store_now_ms() >= c.sc.ends)
		return 2;
	*stopped = c.pending;
	if ((st = store_prepare(s, mark)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, store_now());
	if (camp_step(s, st, "campaign: cancel mark") == -1)
		return -1;
	if (c.alert_id != 0 && camp_alert_cancel(s, c.alert_id, &teaser) == -1)
		return -1;
	log_info("campaign=%lld cancelled: %lld people not called, %lld "
	    "teasers stopped", (long long)id, (long long)*stopped,
	    (long long)teaser);
	*stopped += teaser;
	return 0;
}
