/*
 * test_escalate.c: a warning's follow-ups (campaigns/escalate.c), driven
 * with explicit clock values: a failed SMS escalates at once, an
 * unconfirmed one only once its window is over, a confirmed one never,
 * each once; cancelled, superseded and expired warnings never escalate;
 * reach per channel and per union in the status; supersede stops the old
 * alert's queued rows and puts those it reached first; the all-clear
 * goes only to those reached, on the channel that reached them.
 */
#include "config.h"

#include "campaigns.h"
#include "recipients.h"
#include "tap.h"
#include "xmalloc.h"
#include "test_fixture.h"

static struct store *s;
static int64_t	 now;		/* s, the alerts' start */

/* Recipient n (1-9) as SQL. */
#define RID(n)	"(SELECT id FROM recipients WHERE msisdn = '+880171100000" \
		#n "')"

/* Parse and create an alert: its id, or -1. */
static int64_t
mk(const char *js, struct alert_req *out)
{
	struct alert_req	 r;
	struct alert_made	 m;
	json_error_t		 e;
	json_t			*j;
	const char		*code;
	char			 msg[256];
	int			 status;

	if ((j = json_loads(js, 0, &e)) == NULL) {
		diag("bad test JSON: %s", e.text);
		return -1;
	}
	if (camp_alert_parse(j, 10, now, &r, &status, &code, msg,
	    sizeof(msg)) == -1) {
		diag("refused: %s", msg);
		json_decref(j);
		return -1;
	}
	if (store_tx_begin(s) == -1 || camp_alert_create(s, &r, 1, &m) == -1 ||
	    store_tx_commit(s) == -1)
		m.id = -1;
	if (out != NULL)
		*out = r;		/* r.areas point into j: not read */
	else
		camp_alert_req_clear(&r);
	json_decref(j);
	return m.id;
}

/* Parse only: 0, or -1 with msg. */
static int
parse(const char *js, struct alert_req *r, char *msg, size_t len)
{
	json_t		*j = json_loads(js, 0, NULL);
	const char	*code;
	int		 status, rc;

	if (j == NULL)
		return -2;
	rc = camp_alert_parse(j, 10, now, r, &status, &code, msg, len);
	if (rc == 0) {
		free(r->areas);
		r->areas = NULL;
		camp_alert_req_clear(r);
	}
	json_decref(j);
	return rc;
}

/* The sweep, committed. */
static int
sweep(int64_t at_ms, int limit)
{
	int	 n = camp_escalate(s, at_ms, limit);

	store_batch_flush(s);
	return n;
}

/* j (taken) as compact JSON, in a static buffer. */
static const char *
compact(json_t *j)
{
	static char	 buf[256];
	char		*t = json_dumps(j, JSON_COMPACT);

	snprintf(buf, sizeof(buf), "%s", t ? t : "");
	free(t);
	json_decref(j);
	return buf;
}

static int64_t
total(json_t *st, const char *key)
{
	return json_integer_value(json_object_get(json_object_get(st,
	    "totals"), key));
}

/* Field key of union code in a status with unions. */
static int64_t
per_union(json_t *st, const char *code, const char *key)
{
	json_t	*u;
	size_t	 i;

	json_array_foreach(json_object_get(st, "unions"), i, u)
		if (strcmp(json_string_value(json_object_get(u, "code")),
		    code) == 0)
			return json_integer_value(json_object_get(u, key));
	return -1;
}

static void
test_parse(void)
{
	struct alert_req	 r;
	char			 msg[256];

	ok(parse("{\"kind\":\"warning\",\"areas\":[\"20\"],\"text_en\":\"x\","
	    "\"escalate\":true}", &r, msg, sizeof(msg)) == -1 &&
	    strstr(msg, "confirm_within") != NULL, "escalate without "
	    "confirm_within: refused (%s)", msg);
	ok(parse("{\"kind\":\"warning\",\"areas\":[\"20\"],\"text_en\":\"x\","
	    "\"confirm_within\":60,\"channels\":[\"voice\"],"
	    "\"escalate\":true}", &r, msg, sizeof(msg)) == -1,
	    "escalate without the sms channel: refused");
	ok(parse("{\"kind\":\"relief_notice\",\"areas\":[\"20\"],"
	    "\"text_en\":\"x\",\"confirm_within\":60,\"escalate\":true}", &r,
	    msg, sizeof(msg)) == -1, "escalate on a relief notice: refused");
	ok(parse("{\"kind\":\"warning\",\"areas\":[\"20\"],\"text_en\":\"x\","
	    "\"confirm_within\":60,\"escalate\":\"yes\"}", &r, msg,
	    sizeof(msg)) == -1 && strstr(msg, "true or false") != NULL,
	    "escalate not a boolean: refused");
	ok(parse("{\"kind\":\"warning\",\"areas\":[\"20\"],\"text_en\":\"x\","
	    "\"supersedes\":-3}", &r, msg, sizeof(msg)) == -1,
	    "supersedes -3: refused");
	ok(parse("{\"kind\":\"warning\",\"areas\":[\"20\"],\"text_en\":\"x\","
	    "\"supersedes\":\"7\"}", &r, msg, sizeof(msg)) == -1,
	    "supersedes as a string: refused");
	ok(parse("{\"kind\":\"awareness\",\"areas\":[\"20\"],\"text_en\":\"x\","
	    "\"escalate\":false}", &r, msg, sizeof(msg)) == 0,
	    "escalate false refuses nothing");
}

static void
test_all_clear_parse(void)
{
	static const struct {
		const char	*json;
		int		 rc, want;
		const char	*en;
	} c[] = {
		{ "{}", 0, 0, NULL },
		{ "{\"all_clear\":false}", 0, 0, NULL },
		{ "{\"all_clear\":true}", 0, 1, NULL },
		{ "{\"all_clear\":{\"text_en\":\" Safe now \"}}", 0, 1,
		    "Safe now" },
		{ "{\"all_clear\":\"yes\"}", -1, 0, NULL },
		{ "{\"all_clear\":{}}", -1, 0, NULL },
		{ "{\"all_clear\":{\"text_en\":5}}", -1, 0, NULL },
		{ "{\"all_clear\":{\"text_fr\":\"x\"}}", -1, 0, NULL },
		{ "{\"all_clear\":{\"text_en\":\"a\\u0001\"}}", -1, 0, NULL },
		{ "{\"reason\":\"x\"}", -1, 0, NULL },
	};
	const char	*code;
	char		 msg[256], *bn, *en;
	json_t		*j;
	size_t		 i;
	int		 want, status, rc;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		j = json_loads(c[i].json, 0, NULL);
		rc = camp_all_clear_parse(j, 10, &want, &bn, &en, &status,
		    &code, msg, sizeof(msg));
		ok(rc == c[i].rc && (rc == -1 ? status == 400 : want ==
		    c[i].want) && ((c[i].en == NULL && en == NULL) ||
		    (c[i].en != NULL && en != NULL && strcmp(en, c[i].en) ==
		    0)), "cancel body %s: %s", c[i].json, rc == 0 ? (want ?
		    "all-clear" : "plain cancel") : msg);
		free(bn);
		free(en);
		json_decref(j);
	}
}

int
main(void)
{
	struct alert_req	 r;
	struct alert_made	 ac;
	json_t			*st;
	int64_t			 t0, w1, w2, w3, w4, w5, w6, w7, w8, stopped,
				 first;

	s = fixture_open();
	now = store_now();
	t0 = now * 1000 + 5000;		/* SMS submitted then */
	/* 1-5 Ali Akbar Deil, 6-7 Uttar Dhurung, 8 Sabrang (both). */
	fixture_recipients(
	    "01711000001,20224510,bn,sms,\n"
	    "01711000002,20224510,en,sms,\n"
	    "01711000003,20224510,bn,sms,\n"
	    "01711000004,20224510,bn,sms,\n"
	    "01711000005,20224510,bn,sms,\n"
	    "01711000006,20224520,bn,sms,\n"
	    "01711000007,20224520,bn,sms,\n"
	    "01711000008,20229010,bn,both,\n");

	test_parse();
	test_all_clear_parse();

	/* --- escalation ------------------------------------------------ */
	w1 = mk("{\"kind\":\"warning\",\"areas\":[\"202245\"],"
	    "\"text_bn\":\"ঝড়\",\"text_en\":\"Storm\",\"confirm_within\":600}",
	    &r);
	ok(w1 > 0 && r.escalate == 1, "a warning with a window escalates by "
	    "default");
	camp_alert_req_clear(&r);
	ok(exec("UPDATE messages SET state = 4, reason = 'kannel 403'"
	    " WHERE alert_id = %lld AND recipient_id = " RID(1) ";"
	    "UPDATE messages SET state = 3, submitted_at = %lld WHERE"
	    " alert_id = %lld AND recipient_id IN (" RID(2) "," RID(4) ","
	    RID(6) ");"
	    "UPDATE messages SET state = 2, submitted_at = %lld WHERE"
	    " alert_id = %lld AND recipient_id = " RID(3) ";"
	    "UPDATE messages SET confirmed_at = %lld WHERE alert_id = %lld"
	    " AND recipient_id = " RID(4) ";"
	    "UPDATE messages SET state = 3, submitted_at = %lld WHERE"
	    " alert_id = %lld AND recipient_id = " RID(7),
	    (long long)w1, (long long)t0, (long long)w1, (long long)t0,
	    (long long)w1, (long long)t0 + 60000, (long long)w1,
	    (long long)t0 + 300000, (long long)w1) == 0,
	    "1 failed, 2 and 6 delivered, 3 submitted, 4 confirmed, 5 queued, "
	    "7 delivered 5 minutes later");
	is_int(sweep(t0 + 1000, 100), 1, "a failed SMS escalates at once");
	is_str(str("SELECT group_concat(r.msisdn || ':' || m.lang || ':' ||"
	    " m.priority || ':' || m.confirm_ms || ':' || m.state || ':' ||"
	    " (m.next_at - %lld) || ':' || m.parts || ':' || m.origin) FROM"
	    " messages m JOIN recipients r ON r.id = m.recipient_id WHERE"
	    " m.alert_id = %lld AND m.channel = 'voice'", (long long)t0,
	    (long long)w1), "+8801711000001:bn:3:600000:0:1000:0:alert",
	    "its call: same alert, language, priority and window, due now");
	is_int(count("SELECT count(*) FROM messages WHERE alert_id = %lld AND"
	    " channel = 'sms' AND escalated_at = %lld", (long long)w1,
	    (long long)t0 + 1000), 1, "the SMS row is marked escalated");
	is_int(sweep(t0 + 599999, 100), 0, "nothing more 1 ms before the "
	    "window is over");
	is_int(sweep(t0 + 600000, 100), 3, "at the end of the window: the "
	    "delivered and submitted unconfirmed ones (2, 3, 6)");
	is_int(sweep(t0 + 600000, 100), 0, "a second sweep: nothing (once)");
	is_int(count("SELECT count(*) FROM messages WHERE alert_id = %lld AND"
	    " channel = 'voice' AND recipient_id IN (" RID(4) "," RID(5) ","
	    RID(7) ")", (long long)w1), 0, "confirmed (4), queued (5) and "
	    "still in window (7): not called");
	is_int(sweep(t0 + 900000, 0), 0, "limit 0: nothing");
	is_int(sweep(t0 + 900000, 100), 1, "7's window ends 5 minutes later");
	is_int(sweep(t0 + 86400000, 100), 0, "a day later: the confirmed one "
	    "never escalates");
	is_int(count("SELECT count(*) FROM messages WHERE alert_id = %lld AND"
	    " channel = 'voice'", (long long)w1), 5, "5 calls, one a person");
	is_int(count("SELECT count(*) FROM messages WHERE alert_id = %lld AND"
	    " channel = 'voice' AND lang = 'en'", (long long)w1), 1,
	    "the English reader is called in English");

	/* Reach: 1 answered (key 1), 2's call failed, 3's call failed. */
	ok(exec("UPDATE messages SET state = 3, confirmed_at = %lld WHERE"
	    " alert_id = %lld AND channel = 'voice' AND recipient_id = " RID(1)
	    "; UPDATE messages SET state = 4 WHERE alert_id = %lld AND"
	    " channel = 'voice' AND recipient_id IN (" RID(2) "," RID(3) ")",
	    (long long)t0 + 700000, (long long)w1, (long long)w1) == 0,
	    "calls: 1 answered and confirmed, 2 and 3 failed");
	st = camp_alert_status(s, w1, 3600, 1);
	is_str(compact(json_pack("[I,I,I,I,I]", total(st, "reached_sms"),
	    total(st, "reached_voice"), total(st, "escalated"), total(st,
	    "unreached"), total(st, "confirmed"))), "[4,1,5,1,2]",
	    "totals: reached by SMS 4 (2, 4, 6, 7), by call 1, escalated 5, "
	    "unreached 1 (3), confirmed 2");
	is_str(compact(json_pack("[I,I,I,I]", per_union(st, "20224510",
	    "reached_sms"), per_union(st, "20224510", "reached_voice"),
	    per_union(st, "20224510", "escalated"), per_union(st, "20224510",
	    "unreached"))), "[2,1,3,1]", "Ali Akbar Deil: 2 by "
	    "SMS, 1 by call, 3 escalated, 1 unreached (5 still queued)");
	is_str(compact(json_pack("[I,I,I,I]", per_union(st, "20224520",
	    "reached_sms"), per_union(st, "20224520", "reached_voice"),
	    per_union(st, "20224520", "escalated"), per_union(st, "20224520",
	    "unreached"))), "[2,0,2,0]", "Uttar Dhurung: 2 by "
	    "SMS, 2 escalated (their calls queued), none unreached");
	ok(json_is_true(json_object_get(st, "escalate")) &&
	    json_is_null(json_object_get(st, "superseded_by")),
	    "status shows escalate true, superseded_by null");
	json_decref(st);

	/* A person with their own call of the alert is not called twice. */
	w2 = mk("{\"kind\":\"warning\",\"areas\":[\"20229010\"],"
	    "\"text_bn\":\"ঝড়\",\"confirm_within\":60,\"channels\":"
	    "[\"sms\",\"voice\"]}", NULL);
	exec("UPDATE messages SET state = 3, submitted_at = %lld WHERE"
	    " alert_id = %lld AND channel = 'sms'", (long long)t0,
	    (long long)w2);
	is_int(sweep(t0 + 60000, 100), 1, "sms+voice: the SMS row escalates");
	is_int(count("SELECT count(*) FROM messages WHERE alert_id = %lld AND"
	    " channel = 'voice'", (long long)w2), 1, "but the person keeps "
	    "their one call");

	/* escalate false. */
	w3 = mk("{\"kind\":\"warning\",\"areas\":[\"20224520\"],"
	    "\"text_bn\":\"ঝড়\",\"confirm_within\":60,\"escalate\":false}",
	    NULL);
	exec("UPDATE messages SET state = 4 WHERE alert_id = %lld",
	    (long long)w3);
	is_int(sweep(t0 + 1000, 100), 0, "escalate false: failed SMS stay SMS");

	/* Cancelled, then superseded, then expired: never. */
	w4 = mk("{\"kind\":\"warning\",\"areas\":[\"20224520\"],"
	    "\"text_bn\":\"ঝড়\",\"confirm_within\":60}", NULL);
	exec("UPDATE messages SET state = 4 WHERE alert_id = %lld AND"
	    " recipient_id = " RID(6), (long long)w4);
	ok(camp_alert_cancel(s, w4, &stopped) == 0 && stopped == 1,
	    "cancel: the queued one stopped");
	is_int(sweep(t0 + 1000, 100), 0, "a cancelled warning never escalates");
	is_int(camp_alert_supersede_check(s, w4), SUPERSEDE_CANCELLED,
	    "a cancelled alert cannot be superseded");
	is_int(camp_alert_supersede_check(s, 999), SUPERSEDE_UNKNOWN,
	    "unknown alert");

	/* --- supersede -------------------------------------------------- */
	w5 = mk("{\"kind\":\"warning\",\"areas\":[\"202245\"],"
	    "\"text_bn\":\"ঝড় ১\",\"confirm_within\":60,\"channels\":"
	    "[\"sms\",\"voice\"]}", NULL);
	ok(exec("UPDATE messages SET state = 3, submitted_at = %lld WHERE"
	    " alert_id = %lld AND channel = 'sms' AND recipient_id IN ("
	    RID(1) "," RID(6) ");"
	    "UPDATE messages SET state = 1 WHERE alert_id = %lld AND"
	    " channel = 'sms' AND recipient_id = " RID(2) ";"
	    "UPDATE messages SET state = 4 WHERE alert_id = %lld AND"
	    " channel = 'sms' AND recipient_id = " RID(3),
	    (long long)t0, (long long)w5, (long long)w5, (long long)w5) == 0,
	    "old: 1 and 6 delivered, 2 in flight, 3 failed, 4 5 7 queued");
	is_int(camp_alert_supersede_check(s, w5), SUPERSEDE_OK,
	    "a live alert may be superseded");
	w6 = mk("{\"kind\":\"warning\",\"areas\":[\"202245\"],"
	    "\"text_bn\":\"ঝড় ২\",\"confirm_within\":60}", NULL);
	ok(store_tx_begin(s) == 0 && camp_alert_supersede(s, w5, w6, &stopped,
	    &first) == 0 && store_tx_commit(s) == 0, "supersede");
	is_int(stopped, 3, "the old alert's 3 queued rows stopped");
	is_int(count("SELECT count(*) FROM messages WHERE alert_id = %lld AND"
	    " state = 5 AND reason = 'superseded'", (long long)w5), 3,
	    "cancelled with reason superseded");
	is_int(count("SELECT count(*) FROM messages WHERE alert_id = %lld AND"
	    " state = 1", (long long)w5), 1, "the one in flight is left to "
	    "finish");
	is_int(first, 2, "2 re-recipients (1, 6: SMS delivered)");
	is_str(str("SELECT group_concat(x, ',') FROM (SELECT"
	    " substr(r.msisdn, -1) || ':' || (m.next_at - a.starts_at * 1000)"
	    " AS x FROM messages m JOIN recipients r ON r.id = m.recipient_id"
	    " JOIN alerts a ON a.id = m.alert_id WHERE m.alert_id = %lld"
	    " ORDER BY m.priority DESC, m.next_at, r.msisdn)", (long long)w6),
	    "1:-1,6:-1,2:0,3:0,4:0,5:0,7:0", "in the dispatchers' order the "
	    "re-recipients come first");
	st = camp_alert_status(s, w5, 3600, 0);
	ok(st != NULL && strcmp(json_string_value(json_object_get(st,
	    "status")), "superseded") == 0 && json_integer_value(
	    json_object_get(st, "superseded_by")) == w6, "old: status "
	    "superseded, superseded_by the new one");
	json_decref(st);
	st = camp_alert_status(s, w6, 3600, 0);
	ok(json_integer_value(json_object_get(st, "supersedes")) == w5,
	    "new: supersedes the old one");
	json_decref(st);
	is_int(camp_alert_supersede_check(s, w5), SUPERSEDE_TWICE,
	    "superseded twice: refused");
	is_int(sweep(t0 + 3600000, 100), 0, "a superseded warning never "
	    "escalates (1, 6 unconfirmed past the window, 3 failed)");

	/* Expired. */
	w7 = mk("{\"kind\":\"warning\",\"areas\":[\"20224520\"],"
	    "\"text_bn\":\"ঝড়\",\"confirm_within\":60,\"expires_at\":"
	    "9999999999}", NULL);
	exec("UPDATE alerts SET expires_at = %lld WHERE id = %lld",
	    (long long)now + 100, (long long)w7);
	exec("UPDATE messages SET state = 4 WHERE alert_id = %lld",
	    (long long)w7);
	is_int(sweep((now + 100) * 1000, 100), 0, "an expired warning never "
	    "escalates");
	is_int(sweep((now + 99) * 1000, 100), 2, "(a second before expiry "
	    "its 2 failed SMS would have)");

	/* --- cancel with all-clear --------------------------------------- */
	w8 = mk("{\"kind\":\"warning\",\"areas\":[\"20224510\"],"
	    "\"text_bn\":\"ঝড়\",\"text_en\":\"Storm\",\"confirm_within\":60}",
	    NULL);
	exec("UPDATE messages SET state = 3, submitted_at = %lld WHERE"
	    " alert_id = %lld AND recipient_id = " RID(1) ";"
	    "UPDATE messages SET state = 2, submitted_at = %lld WHERE"
	    " alert_id = %lld AND recipient_id = " RID(2) ";"
	    "UPDATE messages SET state = 4 WHERE alert_id = %lld AND"
	    " recipient_id IN (" RID(3) "," RID(5) ")",
	    (long long)t0, (long long)w8, (long long)t0, (long long)w8,
	    (long long)w8);
	sweep(t0 + 1000, 100);
	ok(exec("UPDATE messages SET state = 3 WHERE alert_id = %lld AND"
	    " channel = 'voice' AND recipient_id = " RID(3), (long long)w8) ==
	    0, "1 SMS delivered, 2 SMS submitted, 3 SMS failed but the call "
	    "answered, 4 queued, 5 SMS failed and called (queued)");
	ok(store_tx_begin(s) == 0 && camp_alert_cancel(s, w8, &stopped) == 0
	    && camp_alert_all_clear(s, w8, NULL, NULL, 1, &ac) == 0 &&
	    store_tx_commit(s) == 0, "cancel with all-clear");
	is_int(stopped, 2, "stopped at once: 4's SMS and 5's call");
	is_int(ac.messages, 3, "all-clear: 3 messages");
	is_int(ac.voice, 1, "of them 1 call");
	is_str(str("SELECT group_concat(substr(r.msisdn, -1) || ':' ||"
	    " m.channel || ':' || m.lang || ':' || m.priority, ',') FROM"
	    " (SELECT * FROM messages WHERE alert_id = %lld ORDER BY"
	    " recipient_id) m JOIN recipients r ON r.id = m.recipient_id",
	    (long long)ac.id), "1:sms:bn:3,2:sms:en:3,3:voice:bn:3",
	    "only the reached, on the channel that reached them");
	is_str(str("SELECT kind || ':' || priority || ':' ||"
	    " coalesce(confirm_within, 0) || ':' || escalate || ':' ||"
	    " channels || ':' || (text_en LIKE '%%#%lld%%') FROM alerts"
	    " WHERE id = %lld", (long long)w8, (long long)ac.id),
	    "warning:3:0:0:sms,voice:1", "a priority 3 warning, no window, no "
	    "escalation, the stock text names the old alert");
	is_int(count("SELECT all_clear_id FROM alerts WHERE id = %lld",
	    (long long)w8), ac.id, "the cancelled alert links its all-clear");
	is_int(count("SELECT count(*) FROM alert_areas WHERE alert_id = %lld",
	    (long long)ac.id), 1, "same areas");
	is_int(sweep(t0 + 3600000, 100), 0, "the cancelled warning never "
	    "escalates (2 unconfirmed)");
	{
		struct alert_made	 none;

		w8 = mk("{\"kind\":\"warning\",\"areas\":[\"20224520\"],"
		    "\"text_en\":\"x\"}", NULL);
		ok(store_tx_begin(s) == 0 && camp_alert_cancel(s, w8,
		    &stopped) == 0 && camp_alert_all_clear(s, w8, NULL,
		    "Safe now", 1, &none) == 0 && store_tx_commit(s) == 0 &&
		    none.id == 0 && none.messages == 0, "nobody reached: no "
		    "all-clear alert");
	}
	{
		struct alert_made	 rn;

		w8 = mk("{\"kind\":\"relief_notice\",\"areas\":[\"20224510\"],"
		    "\"text_en\":\"Rice at the school, 10:00\"}", NULL);
		exec("UPDATE messages SET state = 3 WHERE alert_id = %lld AND"
		    " recipient_id = " RID(1), (long long)w8);
		ok(store_tx_begin(s) == 0 && camp_alert_cancel(s, w8,
		    &stopped) == 0 && camp_alert_all_clear(s, w8, NULL, NULL,
		    1, &rn) == 0 && store_tx_commit(s) == 0 && rn.id > 0,
		    "a relief notice cancelled with the stock all-clear");
		is_str(str("SELECT kind || ':' || priority || ':' || text_en"
		    " FROM alerts WHERE id = %lld", (long long)rn.id),
		    str("SELECT 'relief_notice:' || priority || ':Notice #' ||"
		    " id || ' has been withdrawn.' FROM alerts WHERE id = %lld",
		    (long long)w8), "... is a relief notice of the same "
		    "priority, saying the notice is withdrawn (not a warning)");
		is_int(count("SELECT count(*) FROM messages WHERE alert_id ="
		    " %lld AND priority = (SELECT priority FROM alerts WHERE"
		    " id = %lld)", (long long)rn.id, (long long)w8), 1,
		    "... its one message at that priority");
	}

	fixture_close(s);
	return done_testing();
}
