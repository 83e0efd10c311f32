/*
 * test_calls.c: call records (campaigns/calls.c) on a real SQLite file:
 * a row written inside a batch and inside an explicit transaction (and
 * gone with its rollback), records the schema would refuse refused first,
 * the peer normalised to E.164 when it is a number, every list filter
 * (since, direction, alert, msisdn), a scoped official's view (calls
 * without a union are national only), cursor paging by id, and the
 * limit's default and ceiling.
 */
#include "config.h"

#include "auth.h"
#include "campaigns.h"
#include "tap.h"
#include "xmalloc.h"
#include "test_fixture.h"

static struct store	*s;
static int64_t		 t0;

/* A finished call with the common fields filled; the caller adjusts. */
static void
call_init(struct call_rec *c, const char *call_id, const char *dir,
    const char *peer, int64_t at)
{
	memset(c, 0, sizeof(*c));
	c->call_id = call_id;
	c->direction = dir;
	c->peer = peer;
	c->script = strcmp(dir, "in") == 0 ? "hotline" : "callout";
	c->started_at = at;
	c->answered_at = at + 3000;
	c->ended_at = at + 33000;
	c->outcome = "answered";
	c->end_reason = "remote";
}

/* Record in a group-commit batch, then commit it. */
static int64_t
record(const struct call_rec *c)
{
	int64_t	 id = calls_record(s, c);

	if (store_batch_flush(s) == -1)
		return -1;
	return id;
}

/* The calls list for tok and f, or NULL. */
static json_t *
list(const struct token *tok, const struct calls_filter *f)
{
	return calls_list(s, tok, f);
}

static size_t
nlisted(json_t *o)
{
	return json_array_size(json_object_get(o, "calls"));
}

static json_t *
nth(json_t *o, size_t i)
{
	return json_array_get(json_object_get(o, "calls"), i);
}

static const char *
field(json_t *o, size_t i, const char *key)
{
	json_t	*v = json_object_get(nth(o, i), key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static long long
ifield(json_t *o, size_t i, const char *key)
{
	return json_integer_value(json_object_get(nth(o, i), key));
}

int
main(void)
{
	struct call_rec		 c;
	struct calls_filter	 f;
	struct token		 national, kutubdia, bhola;
	json_t			*o;
	int64_t			 id1, id, first;
	char			 cid[32];
	int			 i, ok_all;

	s = fixture_open();
	t0 = store_now_ms() - 3600 * 1000;
	memset(&national, 0, sizeof(national));
	national.role = ROLE_AUDITOR;
	memset(&kutubdia, 0, sizeof(kutubdia));
	kutubdia.role = ROLE_OFFICIAL;
	strlcpy_sk(kutubdia.scope, "202245", sizeof(kutubdia.scope));
	bhola = kutubdia;
	strlcpy_sk(bhola.scope, "1009", sizeof(bhola.scope));

	is_int(count("SELECT count(*) FROM sqlite_master WHERE name IN"
	    " ('calls', 'calls_started', 'calls_alert')"), 3, "migration: "
	    "the table and its two indexes");

	/* 1: an inbound hotline call from a registered caller in 20224510,
	 * a relief receipt keyed, the peer in national form. */
	call_init(&c, "a1@gw", "in", "01711000001", t0);
	c.recipient_id = 1;
	c.union_code = "20224510";
	c.digits = "6#482913#1";
	c.result = "receipt";
	c.played_ms = 21000;
	c.clip = "prompts/greeting.sau";
	ok((id1 = record(&c)) > 0, "hotline call recorded in a batch");
	is_str(str("SELECT msisdn FROM calls WHERE id = %lld",
	    (long long)id1), "+8801711000001", "the peer normalised to "
	    "E.164");
	is_str(str("SELECT peer FROM calls WHERE id = %lld", (long long)id1),
	    "01711000001", "the peer kept as given");
	is_str(str("SELECT digits || ' ' || result || ' ' || played_full ||"
	    " ' ' || coalesce(alert_id, 'null') || ' ' ||"
	    " coalesce(sip_code, 'null') FROM calls WHERE id = %lld",
	    (long long)id1), "6#482913#1 receipt 0 null null",
	    "digits, result; absent ids and codes are NULL");

	/* 2: a callout for alert 7 in 20224520, confirmed, warning played
	 * in full; inside an explicit transaction. */
	call_init(&c, "b2@gw", "out", "+8801711000002", t0 + 60000);
	c.recipient_id = 2;
	c.union_code = "20224520";
	c.alert_id = 7;
	c.message_id = 1001;
	c.sip_code = 200;
	c.digits = "1";
	c.result = "confirmed";
	c.played_ms = 28000;
	c.played_full = 1;
	c.clip = "alert:7";
	c.end_reason = "local";
	ok(store_tx_begin(s) == 0 && calls_record(s, &c) > 0 &&
	    store_tx_commit(s) == 0, "callout recorded in a transaction");

	/* 3: a callout for alert 7 in Bhola: busy, never answered. */
	call_init(&c, "c3@gw", "out", "+8801711000003", t0 + 120000);
	c.union_code = "10096510";
	c.alert_id = 7;
	c.answered_at = 0;
	c.ended_at = t0 + 125000;
	c.outcome = "busy";
	c.end_reason = "busy";
	c.sip_code = 486;
	ok(record(&c) > 0, "busy callout recorded");
	is_int(count("SELECT count(*) FROM calls WHERE call_id = 'c3@gw' AND"
	    " answered_at IS NULL AND sip_code = 486"), 1, "never answered: "
	    "answered_at NULL");

	/* 4: an inbound call from an operator id, no union. */
	call_init(&c, "d4@gw", "in", "anonymous", t0 + 180000);
	c.result = "grievance";
	c.recording = "var/rec/d4.wav";
	c.grievance_id = 12;
	ok(record(&c) > 0, "call from a non-number recorded");
	is_int(count("SELECT count(*) FROM calls WHERE call_id = 'd4@gw' AND"
	    " msisdn IS NULL AND union_code IS NULL AND grievance_id = 12"), 1,
	    "not a number: msisdn NULL");

	/* 5: an explicit msisdn wins over the peer. */
	call_init(&c, "e5@gw", "in", "sip-user-5", t0 + 240000);
	c.msisdn = "+8801711000005";
	c.union_code = "20229010";
	c.outcome = "no_ack";
	c.end_reason = "no_ack";
	c.answered_at = 0;
	ok(record(&c) > 0, "no_ack call recorded");
	is_str(str("SELECT msisdn FROM calls WHERE call_id = 'e5@gw'"),
	    "+8801711000005", "msisdn given: kept");

	/* Rolled back with its transaction. */
	call_init(&c, "gone@gw", "in", "01711000009", t0 + 250000);
	ok(store_tx_begin(s) == 0 && calls_record(s, &c) > 0, "recorded in a "
	    "transaction...");
	store_tx_rollback(s);
	is_int(count("SELECT count(*) FROM calls WHERE call_id = 'gone@gw'"),
	    0, "...and gone with its rollback");

	/* Refused before the store. */
	id = count("SELECT count(*) FROM calls");
	call_init(&c, "x@gw", "sideways", "01711000001", t0);
	ok(calls_record(s, &c) == -1, "unknown direction refused");
	call_init(&c, "x@gw", "in", "01711000001", t0);
	c.outcome = "hung_up";
	ok(calls_record(s, &c) == -1, "unknown outcome refused");
	call_init(&c, "x@gw", "in", "01711000001", t0);
	c.script = "survey";
	ok(calls_record(s, &c) == -1, "unknown script refused");
	call_init(&c, NULL, "in", "01711000001", t0);
	ok(calls_record(s, &c) == -1, "no Call-ID refused");
	call_init(&c, "x@gw", "in", NULL, t0);
	ok(calls_record(s, &c) == -1, "no peer refused");
	call_init(&c, "x@gw", "in", "01711000001", 0);
	ok(calls_record(s, &c) == -1, "no start time refused");
	store_batch_flush(s);
	is_int(count("SELECT count(*) FROM calls"), id, "nothing written for "
	    "refused records");

	/* The list: everything, oldest first. */
	memset(&f, 0, sizeof(f));
	o = list(&national, &f);
	ok(o != NULL, "national list");
	is_int(nlisted(o), 5, "national: all five calls");
	is_int(json_integer_value(json_object_get(o, "count")), 5, "count");
	ok(json_is_null(json_object_get(o, "next_after")), "one page: "
	    "next_after null");
	is_str(field(o, 0, "call_id"), "a1@gw", "oldest first");
	is_str(field(o, 0, "msisdn"), "+8801711000001", "msisdn");
	is_str(field(o, 0, "union"), "20224510", "union");
	is_int(ifield(o, 0, "started_ms"), t0, "started_ms");
	is_int(ifield(o, 0, "answered_ms"), t0 + 3000, "answered_ms");
	is_int(ifield(o, 0, "talk_ms"), 30000, "talk_ms: answer to end");
	is_str(field(o, 1, "result"), "confirmed", "callout result");
	ok(json_is_true(json_object_get(nth(o, 1), "played_full")),
	    "played_full is a boolean");
	is_str(field(o, 1, "clip"), "alert:7", "clip");
	is_int(ifield(o, 1, "message_id"), 1001, "message_id");
	ok(json_is_null(json_object_get(nth(o, 2), "answered_ms")),
	    "unanswered: answered_ms null");
	is_int(ifield(o, 2, "talk_ms"), 0, "unanswered: talk_ms 0");
	is_str(field(o, 2, "outcome"), "busy", "busy");
	is_int(ifield(o, 2, "sip_code"), 486, "sip_code");
	ok(json_is_null(json_object_get(nth(o, 3), "msisdn")), "non-number: "
	    "msisdn null");
	is_str(field(o, 3, "recording"), "var/rec/d4.wav", "recording");
	is_int(ifield(o, 3, "grievance_id"), 12, "grievance_id");
	json_decref(o);

	/* Each filter. */
	memset(&f, 0, sizeof(f));
	f.direction = "out";
	o = list(NULL, &f);
	ok(o != NULL && nlisted(o) == 2 && strcmp(field(o, 0, "call_id"),
	    "b2@gw") == 0, "direction out: the two callouts");
	json_decref(o);
	f.direction = "in";
	o = list(NULL, &f);
	is_int(nlisted(o), 3, "direction in: three hotline calls");
	json_decref(o);
	memset(&f, 0, sizeof(f));
	f.alert_id = 7;
	o = list(NULL, &f);
	is_int(nlisted(o), 2, "alert 7: two callouts");
	json_decref(o);
	f.alert_id = 8;
	o = list(NULL, &f);
	is_int(nlisted(o), 0, "alert 8: none");
	json_decref(o);
	memset(&f, 0, sizeof(f));
	f.msisdn = "+8801711000002";
	o = list(NULL, &f);
	ok(nlisted(o) == 1 && strcmp(field(o, 0, "call_id"), "b2@gw") == 0,
	    "msisdn: that number's call");
	json_decref(o);
	memset(&f, 0, sizeof(f));
	f.since = (t0 + 120000) / 1000;
	o = list(NULL, &f);
	is_int(nlisted(o), 3, "since (seconds): the calls started then or "
	    "later");
	is_str(field(o, 0, "call_id"), "c3@gw", "since: first is the third");
	json_decref(o);
	memset(&f, 0, sizeof(f));
	f.since = (t0 + 120000) / 1000;
	f.direction = "out";
	f.alert_id = 7;
	o = list(NULL, &f);
	is_int(nlisted(o), 1, "filters combine");
	json_decref(o);

	/* Scope. */
	memset(&f, 0, sizeof(f));
	o = list(&kutubdia, &f);
	ok(o != NULL && nlisted(o) == 2, "Kutubdia official: the two calls "
	    "of its unions");
	is_str(field(o, 0, "call_id"), "a1@gw", "20224510 in scope");
	is_str(field(o, 1, "call_id"), "b2@gw", "20224520 in scope");
	json_decref(o);
	o = list(&bhola, &f);
	ok(nlisted(o) == 1 && strcmp(field(o, 0, "call_id"), "c3@gw") == 0,
	    "Bhola official: its one call; no union-less call");
	json_decref(o);
	f.msisdn = "+8801711000003";
	o = list(&kutubdia, &f);
	is_int(nlisted(o), 0, "a number outside the scope shows nothing");
	json_decref(o);

	/* Paging: 250 more calls, pages of 100 by the id cursor. */
	ok_all = 1;
	for (i = 0; i < 250; i++) {
		snprintf(cid, sizeof(cid), "p%d@gw", i);
		call_init(&c, cid, "out", "+8801711000004", t0 + 300000 + i);
		c.union_code = "20224510";
		c.alert_id = 9;
		if (calls_record(s, &c) <= 0)
			ok_all = 0;
	}
	ok(ok_all && store_batch_flush(s) == 0, "250 calls recorded in "
	    "batches");
	memset(&f, 0, sizeof(f));
	f.alert_id = 9;
	f.limit = 100;
	o = list(&kutubdia, &f);
	is_int(nlisted(o), 100, "page 1: 100");
	first = ifield(o, 0, "id");
	ok(json_is_integer(json_object_get(o, "next_after")) &&
	    json_integer_value(json_object_get(o, "next_after")) ==
	    ifield(o, 99, "id"), "a full page: next_after is its last id");
	f.after = json_integer_value(json_object_get(o, "next_after"));
	json_decref(o);
	o = list(&kutubdia, &f);
	is_int(nlisted(o), 100, "page 2: 100");
	is_int(ifield(o, 0, "id"), first + 100, "page 2 starts after page 1");
	f.after = json_integer_value(json_object_get(o, "next_after"));
	json_decref(o);
	o = list(&kutubdia, &f);
	is_int(nlisted(o), 50, "page 3: the last 50");
	ok(json_is_null(json_object_get(o, "next_after")), "last page: "
	    "next_after null");
	is_str(field(o, 49, "call_id"), "p249@gw", "ends with the last call");
	json_decref(o);

	/* The limit: default 100, at most 1000. */
	memset(&f, 0, sizeof(f));
	o = list(NULL, &f);
	is_int(nlisted(o), CALLS_LIMIT_DEF, "limit 0: the default, 100");
	json_decref(o);
	f.limit = 1;
	o = list(NULL, &f);
	is_int(nlisted(o), 1, "limit 1");
	json_decref(o);
	ok_all = 1;
	for (i = 0; i < 900; i++) {
		snprintf(cid, sizeof(cid), "q%d@gw", i);
		call_init(&c, cid, "in", "01711000001", t0 + 400000 + i);
		if (calls_record(s, &c) <= 0)
			ok_all = 0;
	}
	ok(ok_all && store_batch_flush(s) == 0, "900 more calls");
	f.limit = 5000;
	o = list(NULL, &f);
	is_int(nlisted(o), CALLS_LIMIT_MAX, "limit above 1000: 1000");
	json_decref(o);
	f.limit = CALLS_LIMIT_MAX;
	o = list(NULL, &f);
	is_int(nlisted(o), CALLS_LIMIT_MAX, "limit 1000");
	ok(json_is_integer(json_object_get(o, "next_after")), "1155 calls: "
	    "more after the first 1000");
	json_decref(o);

	/* SQL metacharacters and a hostile peer are data. */
	call_init(&c, "'); DROP TABLE calls; --", "in", "x\xff\xfe", t0);
	ok(record(&c) > 0, "hostile Call-ID and a peer that is not UTF-8");
	memset(&f, 0, sizeof(f));
	f.msisdn = "'); DROP TABLE calls; --";
	o = list(NULL, &f);
	ok(o != NULL && nlisted(o) == 0, "a metacharacter filter matches "
	    "nothing");
	json_decref(o);
	memset(&f, 0, sizeof(f));
	f.after = count("SELECT max(id) - 1 FROM calls");
	o = list(NULL, &f);
	is_str(field(o, 0, "peer"), "x??", "invalid UTF-8 shown as '?'");
	json_decref(o);

	fixture_close(s);
	return done_testing();
}
