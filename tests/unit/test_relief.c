/*
 * test_relief.c: relief distributions, codes, receipts and the receipt
 * chain (campaigns/relief-dist.c, relief.c, relief-chain.c).
 *
 * Codes: 6 digits, spread evenly, unique within a distribution of 5,000.
 * Distributions: every refusal, beneficiaries by programme or by list
 * (one bad row refuses all), the notice per language with its code.
 * Receipts: full, short, too much, repeat, not the owner, unknown code,
 * the wrong-code rate limit and its window, the officer's path, a
 * dispute (when grievance.c is there).  The chain: an intact chain of
 * 3,000 verifies; an edited raw text or quantity, two swapped entries and
 * a deleted one (triggers dropped first, as an attacker with the file
 * would) are each named at the right entry.
 */
#include "config.h"

#include <time.h>

#include "campaigns.h"
#include "recipients.h"
#include "tap.h"
#include "xmalloc.h"
#include "test_fixture.h"

static struct store *s;

/* Parse js and create; returns relief_dist_create's value (or -2). */
static int
create(const char *js, int max_parts, struct relief_made *m,
    const char **code, json_t **rows)
{
	struct relief_req	 r;
	json_error_t		 e;
	json_t			*j;
	char			 msg[512];
	int			 status, rc;

	if ((j = json_loads(js, 0, &e)) == NULL) {
		diag("bad test JSON: %s", e.text);
		return -2;
	}
	if (relief_dist_parse(j, store_now(), &r, &status, code, msg,
	    sizeof(msg)) == -1) {
		diag("parse: %s", msg);
		json_decref(j);
		return -2;
	}
	if (store_tx_begin(s) == -1)
		return -2;
	rc = relief_dist_create(s, &r, 7, max_parts, m, &status, code, msg,
	    sizeof(msg), rows);
	if (rc == 0)
		store_tx_commit(s);
	else {
		diag("create: %d %s %s", status, *code, msg);
		store_tx_rollback(s);
	}
	relief_req_clear(&r);
	json_decref(j);
	return rc;
}

/* One receipt in its own transaction. */
static int
receipt(const struct receipt_in *in, struct receipt_out *out)
{
	int	 rc;

	store_tx_begin(s);
	rc = relief_receipt(s, in, out);
	if (rc == RECEIPT_ERROR)
		store_tx_rollback(s);
	else
		store_tx_commit(s);
	return rc;
}

static struct receipt_in
sms(const char *msisdn, const char *code, long qty, int64_t now_ms)
{
	struct receipt_in	 in;

	memset(&in, 0, sizeof(in));
	in.kind = RECEIPT_RECEIVED;
	in.code = code;
	in.msisdn = msisdn;
	in.qty = qty;
	in.channel = "sms";
	in.actor = msisdn;
	in.raw = "RCV";
	in.wrong_codes = 3;
	in.wrong_window = 600;
	in.now_ms = now_ms;
	return in;
}

static json_t *
verify(const char *uc, const char **reason, int64_t *seq, int64_t *id)
{
	json_t	*v = relief_verify(s, uc), *b;

	*reason = "";
	*seq = *id = 0;
	if (v != NULL && (b = json_object_get(v, "first_broken")) != NULL &&
	    json_is_object(b)) {
		*reason = json_string_value(json_object_get(b, "reason"));
		*seq = json_integer_value(json_object_get(b, "seq"));
		*id = json_integer_value(json_object_get(b, "id"));
	}
	return v;
}

static int
parse_refused(const char *js, int want_status, const char *want)
{
	struct relief_req	 r;
	json_t			*j = json_loads(js, 0, NULL);
	const char		*code = "";
	char			 msg[512] = "";
	int			 status = 0, rc;

	if (j == NULL)
		return 0;
	rc = relief_dist_parse(j, store_now(), &r, &status, &code, msg,
	    sizeof(msg));
	relief_req_clear(&r);
	json_decref(j);
	if (rc != -1 || status != want_status || strstr(msg, want) == NULL) {
		diag("rc %d status %d %s: %s", rc, status, code, msg);
		return 0;
	}
	return 1;
}

int
main(void)
{
	static const char people[] =
	    "01711000001,20224510,bn,sms,VGF;GR\n"
	    "01711000002,20224510,en,sms,vgf\n"
	    "01711000003,20224510,bn,sms,GR\n"
	    "01711000004,20224520,bn,sms,VGF\n"
	    "01711000005,20224510,bn,sms,\n";
	struct relief_made	 m, m2;
	struct receipt_in	 in;
	struct receipt_out	 out;
	struct grievance_in	 gi;
	const char		*code, *reason;
	char			 c[RELIEF_CODE_LEN + 1], c1[8], c2[8], c3[8];
	char			 body[2048], raw[256], mask[32];
	json_t			*rows = NULL, *v;
	int64_t			 now_ms, seq, id, id100, id101, n;
	long			 digit[10] = { 0 };
	int			 i, good, have_grievance;
	struct timespec		 t0, t1;
	double			 ms;

	s = fixture_open();
	fixture_recipients(people);

	/* --- codes ---------------------------------------------------- */
	good = 1;
	for (i = 0; i < 200000; i++) {
		if (relief_code_new(c) == -1 || strlen(c) != 6 ||
		    strspn(c, "0123456789") != 6) {
			good = 0;
			break;
		}
		digit[c[0] - '0']++;
	}
	ok(good, "200000 codes: each 6 ASCII digits");
	good = 1;
	for (i = 0; i < 10; i++)
		if (digit[i] < 19000 || digit[i] > 21000) {
			good = 0;
			diag("first digit %d: %ld of 200000", i, digit[i]);
		}
	ok(good, "codes spread evenly (first digit 10%% +- 0.5%% each)");
	relief_msisdn_mask("+8801711000001", mask, sizeof(mask));
	is_str(mask, "+88017XXXX0001", "numbers masked for the social audit");

	/* --- parse refusals ------------------------------------------ */
	ok(parse_refused("{\"union\":\"20224510\"}", 400, "expected"),
	    "missing fields: 400");
	ok(parse_refused("{\"union\":\"20224510\",\"programme\":\"VGF\","
	    "\"item\":\"rice\",\"quantity\":0,\"place\":\"UP\",\"at\":"
	    "\"2030-01-01T10:00:00Z\"}", 400, "quantity"), "quantity 0: 400");
	ok(parse_refused("{\"union\":\"20224510\",\"programme\":\"VGF\","
	    "\"item\":\"rice\",\"quantity\":\"30\",\"place\":\"UP\",\"at\":"
	    "1}", 400, "quantity"), "quantity as a string: 400");
	ok(parse_refused("{\"union\":\"20224510\",\"programme\":\"V;G\","
	    "\"item\":\"rice\",\"quantity\":3,\"place\":\"UP\",\"at\":1}",
	    400, "one name"), "programme with ';': 400");
	ok(parse_refused("{\"union\":\"20224510\",\"programme\":\"VGF\","
	    "\"item\":\"rice\",\"quantity\":3,\"place\":\" \",\"at\":1}",
	    400, "place"), "empty place: 400");
	ok(parse_refused("{\"union\":\"20224510\",\"programme\":\"VGF\","
	    "\"item\":\"rice\",\"quantity\":3,\"place\":\"UP\",\"at\":"
	    "\"tomorrow\"}", 400, "at is not"), "bad time: 400");
	ok(parse_refused("{\"union\":\"20224510\",\"programme\":\"VGF\","
	    "\"item\":\"rice\",\"quantity\":3,\"place\":\"UP\",\"at\":"
	    "1000}", 422, "a day ago"), "a time long past: 422");
	ok(parse_refused("{\"union\":\"2022 4510\",\"programme\":\"VGF\","
	    "\"item\":\"rice\",\"quantity\":3,\"place\":\"UP\",\"at\":1}",
	    400, "area code"), "bad union code: 400");

	/* --- create ---------------------------------------------------- */
	snprintf(body, sizeof(body), "{\"union\":\"20224510\",\"programme\":"
	    "\"vgf\",\"item\":\"rice\",\"unit\":\"kg\",\"quantity\":30,"
	    "\"place\":\"Union Parishad office\",\"at\":%lld}",
	    (long long)store_now() + 86400);
	is_int(create(body, 10, &m, &code, NULL), 0, "by programme: created");
	is_int(m.entitlements, 2, "VGF in 20224510: 2 of 5 (case-insensitive, "
	    "other union and programme left out)");
	is_int(count("SELECT count(*) FROM entitlements WHERE distribution_id"
	    " = %lld AND msisdn IN ('+8801711000001', '+8801711000002')",
	    (long long)m.id), 2, "the two VGF recipients of the union");
	is_int(count("SELECT count(*) FROM alerts WHERE id = %lld AND kind = "
	    "'relief_notice' AND priority = 2 AND messages = 2",
	    (long long)m.alert_id), 1, "a relief_notice alert, priority 2");
	is_int(count("SELECT count(*) FROM alert_areas WHERE alert_id = %lld "
	    "AND code = '20224510'", (long long)m.alert_id), 1,
	    "its area is the union");
	is_int(count("SELECT count(*) FROM messages m JOIN entitlements e ON "
	    "e.message_id = m.id WHERE m.alert_id = %lld AND m.origin = "
	    "'relief' AND m.priority = 2 AND m.state = 0 AND m.msisdn = "
	    "e.msisdn AND m.union_code = '20224510' AND instr(m.text, e.code)"
	    " > 0", (long long)m.alert_id), 2,
	    "one queued notice each, carrying the owner's code");
	snprintf(c1, sizeof(c1), "%s", str("SELECT code FROM entitlements "
	    "WHERE distribution_id = %lld AND msisdn = '+8801711000001'",
	    (long long)m.id));
	snprintf(c2, sizeof(c2), "%s", str("SELECT code FROM entitlements "
	    "WHERE distribution_id = %lld AND msisdn = '+8801711000002'",
	    (long long)m.id));
	snprintf(raw, sizeof(raw), "%s", str("SELECT text FROM messages "
	    "WHERE alert_id = %lld AND msisdn = '+8801711000002'",
	    (long long)m.alert_id));
	ok(strstr(raw, "Relief (vgf): 30 kg rice") != NULL &&
	    strstr(raw, "Union Parishad office") != NULL &&
	    strstr(raw, c2) != NULL && strstr(raw, "NO ") != NULL &&
	    strstr(raw, "reply RCV ") != NULL, "English notice: what, where, "
	    "code, how to answer");
	diag("en: %s", raw);
	ok(m.en.coding == SMS_GSM7 && m.en.parts <= 2, "English notice: GSM "
	    "7-bit, %d parts", m.en.parts);
	snprintf(raw, sizeof(raw), "%s", str("SELECT text FROM messages "
	    "WHERE alert_id = %lld AND msisdn = '+8801711000001'",
	    (long long)m.alert_id));
	snprintf(body, sizeof(body), "পেয়েছি %s", c1);
	ok(strstr(raw, body) != NULL && strstr(raw, "৩০ kg") != NULL,
	    "Bangla notice: পেয়েছি <code>, quantity in Bangla digits");
	diag("bn: %s", raw);
	ok(m.bn.coding == SMS_UCS2 && m.bn.parts <= 4, "Bangla notice: UCS-2, "
	    "%d parts", m.bn.parts);

	/* Refusals: nothing is left behind. */
	n = count("SELECT count(*) FROM distributions");
	snprintf(body, sizeof(body), "{\"union\":\"20224510\",\"programme\":"
	    "\"GR\",\"item\":\"rice\",\"quantity\":5,\"place\":\"UP\",\"at\":"
	    "%lld,\"beneficiaries\":[\"01711000001\",\"0171100000x\","
	    "\"01711000004\",\"01711000009\",7]}", (long long)store_now());
	is_int(create(body, 10, &m2, &code, &rows), 1, "a bad list: refused");
	is_str(code, "E_ROWS", "E_ROWS");
	is_int(json_array_size(rows), 4, "four bad rows listed");
	ok(json_integer_value(json_object_get(json_array_get(rows, 0), "row"))
	    == 2, "row numbers count list entries from 1");
	json_decref(rows);
	rows = NULL;
	snprintf(body, sizeof(body), "{\"union\":\"20224510\",\"programme\":"
	    "\"OMS\",\"item\":\"rice\",\"quantity\":5,\"place\":\"UP\",\"at\":"
	    "%lld}", (long long)store_now());
	is_int(create(body, 10, &m2, &code, NULL), 1, "nobody in programme");
	is_str(code, "E_NO_BENEFICIARIES", "E_NO_BENEFICIARIES");
	snprintf(body, sizeof(body), "{\"union\":\"202245\",\"programme\":"
	    "\"VGF\",\"item\":\"rice\",\"quantity\":5,\"place\":\"UP\",\"at\":"
	    "%lld}", (long long)store_now());
	is_int(create(body, 10, &m2, &code, NULL), 1, "an upazila");
	is_str(code, "E_NOT_UNION", "E_NOT_UNION");
	snprintf(body, sizeof(body), "{\"union\":\"20224510\",\"programme\":"
	    "\"VGF\",\"item\":\"rice\",\"quantity\":5,\"place\":\"%s\","
	    "\"at\":%lld}", "the big school by the river, behind the market, "
	    "next to the mosque, opposite the cyclone shelter, near the pond",
	    (long long)store_now());
	is_int(create(body, 2, &m2, &code, NULL), 1, "too long for 2 parts");
	is_str(code, "E_TOO_LONG", "E_TOO_LONG");
	is_int(count("SELECT count(*) FROM distributions"), n,
	    "refusals created nothing");
	is_int(count("SELECT count(*) FROM alerts"), 1, "no stray alert");
	snprintf(body, sizeof(body), "{\"union\":\"20224510\",\"programme\":"
	    "\"GR\",\"item\":\"dal\",\"quantity\":2,\"place\":\"UP\",\"at\":"
	    "%lld,\"beneficiaries\":[\"+880 1711-000003\",\"01711000003\","
	    "\"01711000005\"]}", (long long)store_now());
	is_int(create(body, 10, &m2, &code, NULL), 0, "by list: created");
	is_int(m2.entitlements, 2, "by list: a number listed twice counts "
	    "once; a recipient outside the programme may be listed");
	snprintf(c3, sizeof(c3), "%s", str("SELECT code FROM entitlements "
	    "WHERE distribution_id = %lld AND msisdn = '+8801711000003'",
	    (long long)m2.id));

	/* --- receipts -------------------------------------------------- */
	now_ms = store_now_ms();
	in = sms("+8801711000001", c1, 0, now_ms);
	is_int(receipt(&in, &out), RECEIPT_OK, "RCV code: recorded");
	ok(strcmp(out.state, "received") == 0 && out.received == 30 &&
	    out.entitled == 30 && strcmp(out.item, "rice") == 0 &&
	    strcmp(out.unit, "kg") == 0 && strcmp(out.union_code,
	    "20224510") == 0 && strcmp(out.programme, "vgf") == 0 &&
	    out.receipt_id > 0, "received in full: 30 of 30 kg rice");
	is_int(receipt(&in, &out), RECEIPT_REPEAT, "the same again: repeat");
	ok(strcmp(out.state, "received") == 0 && out.receipt_id == 0,
	    "repeat: the same answer, no new entry");
	is_int(count("SELECT count(*) FROM receipts"), 1, "one chain entry");

	in = sms("+8801711000002", c2, 22, now_ms);
	is_int(receipt(&in, &out), RECEIPT_OK, "RCV code 22: recorded");
	ok(strcmp(out.state, "short") == 0 && out.received == 22,
	    "22 of 30: short");
	is_int(receipt(&in, &out), RECEIPT_REPEAT, "RCV code 22 again: repeat");
	in.qty = 31;
	is_int(receipt(&in, &out), RECEIPT_TOO_MUCH, "RCV code 31: too much");
	is_int(count("SELECT received_qty FROM entitlements WHERE code = '%s'"
	    " AND distribution_id = %lld", c2, (long long)m.id), 22,
	    "too much changed nothing");
	in.qty = 0;
	is_int(receipt(&in, &out), RECEIPT_OK, "then RCV code: in full");
	is_str(out.state, "received", "short -> received, chained");

	n = count("SELECT count(*) FROM code_attempts");
	in = sms("+8801711000001", c3, 0, now_ms);
	is_int(receipt(&in, &out), RECEIPT_NOT_OWNER, "someone else's code");
	is_int(count("SELECT count(*) FROM code_attempts WHERE msisdn = "
	    "'+8801711000001' AND reason = 'not_owner' AND code = '%s' AND "
	    "entitlement_id IS NOT NULL", c3), 1, "recorded as not_owner");
	is_int(count("SELECT count(*) FROM entitlements WHERE code = '%s' AND "
	    "state = 'pending'", c3), 1, "the owner's entitlement untouched");
	for (i = 0; i < 1000000; i++) {
		snprintf(c, sizeof(c), "%06llu",
		    (unsigned long long)i * 7919 % 1000000);
		if (count("SELECT count(*) FROM entitlements WHERE code = '%s'",
		    c) == 0)
			break;
	}
	in = sms("+8801711000001", c, 0, now_ms);
	is_int(receipt(&in, &out), RECEIPT_UNKNOWN_CODE, "an unknown code");
	in = sms("+8801711000001", "12345", 0, now_ms);
	is_int(receipt(&in, &out), RECEIPT_UNKNOWN_CODE, "a 5-digit code");
	is_int(count("SELECT count(*) FROM code_attempts"), n + 3,
	    "each wrong code recorded");
	in = sms("+8801711000001", c1, 0, now_ms);
	is_int(receipt(&in, &out), RECEIPT_RATE_LIMITED, "3 wrong codes in "
	    "the window: even the right code is refused");
	in = sms("+8801711000001", c, 0, now_ms);
	is_int(receipt(&in, &out), RECEIPT_RATE_LIMITED, "and a wrong one");
	is_int(count("SELECT count(*) FROM code_attempts"), n + 3,
	    "rate limited: nothing recorded");
	in = sms("+8801711000001", c1, 0, now_ms + 601 * 1000);
	is_int(receipt(&in, &out), RECEIPT_REPEAT, "after the window: "
	    "accepted again (a repeat here)");

	/* The officer's path: a named distribution, no owner check. */
	memset(&in, 0, sizeof(in));
	in.kind = RECEIPT_RECEIVED;
	in.distribution_id = m2.id;
	in.code = c3;
	in.qty = 1;
	in.channel = "api";
	in.actor = "token:7";
	in.raw = "handed over at the UP office";
	is_int(receipt(&in, &out), RECEIPT_OK, "officer: recorded by code");
	ok(strcmp(out.state, "short") == 0 && out.received == 1 &&
	    out.entitled == 2, "officer: 1 of 2: short");
	in.distribution_id = m.id;
	is_int(receipt(&in, &out), RECEIPT_UNKNOWN_CODE, "officer: a code of "
	    "another distribution is unknown here");
	in.code = NULL;
	in.entitlement_id = count("SELECT id FROM entitlements WHERE "
	    "distribution_id = %lld AND msisdn = '+8801711000005'",
	    (long long)m2.id);
	in.distribution_id = m2.id;
	in.qty = 0;
	is_int(receipt(&in, &out), RECEIPT_OK, "officer: recorded by "
	    "entitlement id");
	is_str(out.state, "received", "officer: in full");
	in.distribution_id = m.id;
	is_int(receipt(&in, &out), RECEIPT_UNKNOWN_CODE, "officer: an "
	    "entitlement of another distribution");

	/* Disputes need grievance.c. */
	memset(&gi, 0, sizeof(gi));
	gi.msisdn = "+8801711000001";
	gi.channel = "sms";
	gi.category = "general";
	gi.text = "probe";
	gi.lang = "bn";
	gi.now = store_now();
	store_tx_begin(s);
	have_grievance = grievance_open(s, &gi) > 0;
	store_tx_rollback(s);
	if (have_grievance) {
		in = sms("+8801711000002", c2, 0, now_ms);
		in.kind = RECEIPT_DISPUTED;
		in.raw = "NO";
		in.note = "the dealer kept it";
		is_int(receipt(&in, &out), RECEIPT_OK, "NO code: recorded");
		ok(strcmp(out.state, "disputed") == 0 && out.grievance_id > 0,
		    "received -> disputed, grievance %lld",
		    (long long)out.grievance_id);
		is_int(count("SELECT count(*) FROM grievances WHERE id = %lld "
		    "AND category = 'relief' AND entitlement_id = %lld",
		    (long long)out.grievance_id, (long long)out.entitlement_id),
		    1, "the grievance names the entitlement");
		is_int(receipt(&in, &out), RECEIPT_REPEAT, "NO code again: "
		    "repeat, no second grievance");
		in.kind = RECEIPT_RECEIVED;
		is_int(receipt(&in, &out), RECEIPT_OK, "disputed -> received");
	} else
		for (i = 0; i < 5; i++)
			skip("grievance_open is not there yet");

	v = verify("20224510", &reason, &seq, &id);
	ok(v != NULL && json_is_true(json_object_get(v, "ok")) &&
	    json_integer_value(json_object_get(v, "entries")) ==
	    count("SELECT count(*) FROM receipts WHERE union_code = "
	    "'20224510'"), "the union's chain verifies (%lld entries)",
	    (long long)json_integer_value(json_object_get(v, "entries")));
	ok(v != NULL && strlen(json_string_value(json_object_get(v, "head")) ?
	    json_string_value(json_object_get(v, "head")) : "") == 64,
	    "head: a SHA-256");
	json_decref(v);
	is_int(count("SELECT count(*) FROM receipts r1 JOIN receipts r2 ON "
	    "r2.union_code = r1.union_code AND r2.seq = r1.seq + 1 WHERE "
	    "r2.prev_hash != r1.hash"), 0, "each entry points at the one "
	    "before");
	v = verify("20224520", &reason, &seq, &id);
	ok(v != NULL && json_is_true(json_object_get(v, "ok")) &&
	    json_integer_value(json_object_get(v, "entries")) == 0,
	    "an empty chain verifies");
	json_decref(v);

	/* --- 5,000 beneficiaries, 3,000 receipts, tampering ---------- */
	exec("WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k "
	    "WHERE n < 5000) INSERT INTO recipients (msisdn, union_code, lang,"
	    " channel, programmes, created_at, updated_at) SELECT '+88019' || "
	    "printf('%%08d', n), '20229010', CASE WHEN n %% 3 THEN 'bn' ELSE "
	    "'en' END, 'sms', 'VGF', 0, 0 FROM k");
	snprintf(body, sizeof(body), "{\"union\":\"20229010\",\"programme\":"
	    "\"VGF\",\"item\":\"rice\",\"unit\":\"kg\",\"quantity\":30,"
	    "\"place\":\"Sabrang UP\",\"at\":%lld}", (long long)store_now());
	clock_gettime(CLOCK_MONOTONIC, &t0);
	is_int(create(body, 10, &m, &code, NULL), 0, "5000 beneficiaries");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	diag("created in %.0f ms", (t1.tv_sec - t0.tv_sec) * 1e3 +
	    (t1.tv_nsec - t0.tv_nsec) / 1e6);
	is_int(count("SELECT count(DISTINCT code) FROM entitlements WHERE "
	    "distribution_id = %lld", (long long)m.id), 5000,
	    "5000 codes, no two alike");
	is_int(count("SELECT count(*) FROM messages WHERE alert_id = %lld",
	    (long long)m.alert_id), 5000, "5000 notices queued");
	store_tx_begin(s);
	memset(&in, 0, sizeof(in));
	in.kind = RECEIPT_RECEIVED;
	in.distribution_id = m.id;
	in.channel = "api";
	in.actor = "token:7";
	good = 1;
	for (i = 0; i < 3000; i++) {
		in.entitlement_id = count("SELECT min(id) + %d FROM "
		    "entitlements WHERE distribution_id = %lld", i,
		    (long long)m.id);
		in.qty = i % 10 == 0 ? 25 : 0;
		snprintf(raw, sizeof(raw), "hand-over %d", i);
		in.raw = raw;
		in.now_ms = now_ms + i;
		if (relief_receipt(s, &in, &out) != RECEIPT_OK)
			good = 0;
	}
	store_tx_commit(s);
	ok(good, "3000 receipts recorded");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	v = verify("20229010", &reason, &seq, &id);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
	ok(v != NULL && json_is_true(json_object_get(v, "ok")) &&
	    json_integer_value(json_object_get(v, "entries")) == 3000,
	    "3000 entries verify (%.1f ms)", ms);
	json_decref(v);

	ok(exec("UPDATE receipts SET raw = 'x' WHERE union_code = '20229010' "
	    "AND seq = 5") == -1, "the trigger stops an update");
	exec("DROP TRIGGER receipts_no_update");
	exec("DROP TRIGGER receipts_no_delete");

	snprintf(raw, sizeof(raw), "%s", str("SELECT raw FROM receipts "
	    "WHERE union_code = '20229010' AND seq = 1500"));
	exec("UPDATE receipts SET raw = 'hand-over 9999' WHERE union_code = "
	    "'20229010' AND seq = 1500");
	v = verify("20229010", &reason, &seq, &id);
	ok(!json_is_true(json_object_get(v, "ok")) && seq == 1500 &&
	    strcmp(reason, "edited") == 0 && id == count("SELECT id FROM "
	    "receipts WHERE union_code = '20229010' AND seq = 1500"),
	    "raw text edited: entry 1500 named (%s)", reason);
	ok(json_is_null(json_object_get(v, "head")), "broken: no head");
	json_decref(v);
	exec("UPDATE receipts SET raw = '%s' WHERE union_code = '20229010' "
	    "AND seq = 1500", raw);
	v = verify("20229010", &reason, &seq, &id);
	ok(json_is_true(json_object_get(v, "ok")), "restored: verifies");
	json_decref(v);

	exec("UPDATE receipts SET quantity = 30 WHERE union_code = '20229010' "
	    "AND seq = 11");
	v = verify("20229010", &reason, &seq, &id);
	ok(seq == 11 && strcmp(reason, "edited") == 0, "a short 25 made 30: "
	    "entry 11 named (%s)", reason);
	json_decref(v);
	exec("UPDATE receipts SET quantity = 25 WHERE union_code = '20229010' "
	    "AND seq = 11");

	id100 = count("SELECT id FROM receipts WHERE union_code = '20229010' "
	    "AND seq = 100");
	id101 = count("SELECT id FROM receipts WHERE union_code = '20229010' "
	    "AND seq = 101");
	exec("UPDATE receipts SET seq = -1 WHERE id = %lld", (long long)id100);
	exec("UPDATE receipts SET seq = 100 WHERE id = %lld", (long long)id101);
	exec("UPDATE receipts SET seq = 101 WHERE id = %lld", (long long)id100);
	v = verify("20229010", &reason, &seq, &id);
	ok(seq == 100 && id == id101 && strcmp(reason, "relinked") == 0,
	    "entries 100 and 101 swapped: entry 100 (id %lld) named (%s)",
	    (long long)id, reason);
	json_decref(v);
	exec("UPDATE receipts SET seq = -1 WHERE id = %lld", (long long)id101);
	exec("UPDATE receipts SET seq = 100 WHERE id = %lld", (long long)id100);
	exec("UPDATE receipts SET seq = 101 WHERE id = %lld", (long long)id101);

	exec("UPDATE receipts SET prev_hash = (SELECT prev_hash FROM receipts"
	    " WHERE union_code = '20229010' AND seq = 7) WHERE union_code = "
	    "'20229010' AND seq = 8");
	v = verify("20229010", &reason, &seq, &id);
	ok(seq == 8 && strcmp(reason, "relinked") == 0, "a relinked entry: "
	    "entry 8 named (%s)", reason);
	json_decref(v);
	exec("UPDATE receipts SET prev_hash = (SELECT hash FROM receipts"
	    " WHERE union_code = '20229010' AND seq = 7) WHERE union_code = "
	    "'20229010' AND seq = 8");

	/* Entries removed from the end: the links alone cannot tell, the
	 * entitlements they decided can. */
	exec("CREATE TABLE saved AS SELECT * FROM receipts WHERE union_code"
	    " = '20229010' AND seq > 2997");
	exec("DELETE FROM receipts WHERE union_code = '20229010' AND seq >"
	    " 2997");
	v = verify("20229010", &reason, &seq, &id);
	ok(!json_is_true(json_object_get(v, "ok")) && seq == 2998 &&
	    strcmp(reason, "deleted") == 0, "the last 3 entries deleted: "
	    "found, entry 2998 named (%s: %s)", reason, json_string_value(
	    json_object_get(json_object_get(v, "first_broken"), "message")));
	json_decref(v);
	exec("INSERT INTO receipts SELECT * FROM saved");
	v = verify("20229010", &reason, &seq, &id);
	ok(json_is_true(json_object_get(v, "ok")), "put back: verifies");
	json_decref(v);
	/* An entitlement edited to say what its receipts do not. */
	n = count("SELECT entitlement_id FROM receipts WHERE union_code ="
	    " '20229010' AND seq = 11");
	exec("UPDATE entitlements SET state = 'received', received_qty = 30"
	    " WHERE id = %lld", (long long)n);
	v = verify("20229010", &reason, &seq, &id);
	ok(seq == 11 && strcmp(reason, "edited") == 0, "an entitlement's "
	    "short 25 edited to 30: its entry 11 named (%s)", reason);
	json_decref(v);
	exec("UPDATE entitlements SET state = 'short', received_qty = 25"
	    " WHERE id = %lld", (long long)n);
	v = verify("20229010", &reason, &seq, &id);
	ok(json_is_true(json_object_get(v, "ok")), "restored: verifies");
	json_decref(v);

	id = count("SELECT id FROM receipts WHERE union_code = '20229010' AND "
	    "seq = 2001");
	exec("DELETE FROM receipts WHERE union_code = '20229010' AND seq = "
	    "2000");
	n = id;
	v = verify("20229010", &reason, &seq, &id);
	ok(!json_is_true(json_object_get(v, "ok")) && seq == 2000 &&
	    id == n && strcmp(reason, "deleted") == 0, "entry 2000 deleted: "
	    "named, with the next present one (%s)", reason);
	is_int(json_integer_value(json_object_get(v, "entries")), 2999,
	    "2999 entries counted");
	json_decref(v);
	v = verify("20224510", &reason, &seq, &id);
	ok(json_is_true(json_object_get(v, "ok")), "another union's chain is "
	    "not affected");
	json_decref(v);

	fixture_close(s);
	return done_testing();
}
