/*
 * test_alerts.c: alert validation (every refusal), fan-out (one message
 * per recipient of the target unions, overlapping areas counted once,
 * language choice, opt-outs for awareness only), cancel and status.
 */
#include "config.h"

#include "campaigns.h"
#include "recipients.h"
#include "tap.h"
#include "xmalloc.h"
#include "test_fixture.h"

static struct store *s;
static json_t	*kept[8];	/* parsed bodies: requests point into them */
static size_t	 nkept;
static int64_t	 now;

static int
parse(const char *js, struct alert_req *r, int *status, const char **code,
    char *msg, size_t msglen)
{
	json_error_t	 e;
	json_t		*j = json_loads(js, 0, &e);
	int		 rc;

	if (j == NULL) {
		snprintf(msg, msglen, "bad test JSON: %s", e.text);
		return -2;
	}
	rc = camp_alert_parse(j, 10, now, r, status, code, msg, msglen);
	/* Area strings point into j: keep j alive as long as r. */
	if (rc == 0 && nkept < sizeof(kept) / sizeof(kept[0]))
		kept[nkept++] = j;
	else
		json_decref(j);
	return rc;
}

struct bad {
	const char	*json;
	int		 status;
	const char	*code;
	const char	*want;
} bad[] = {
	{ "{\"areas\":[\"20\"],\"text_en\":\"x\"}", 400, "E_BAD_JSON", "" },
	{ "{\"kind\":\"panic\",\"areas\":[\"20\"],\"text_en\":\"x\"}", 400,
	    "E_BAD_REQUEST", "kind must be" },
	{ "{\"kind\":\"warning\",\"areas\":[],\"text_en\":\"x\"}", 400,
	    "E_BAD_REQUEST", "areas must be" },
	{ "{\"kind\":\"warning\",\"areas\":[\"a b\"],\"text_en\":\"x\"}", 400,
	    "E_BAD_REQUEST", "not an area code" },
	{ "{\"kind\":\"warning\",\"areas\":[\"20\"]}", 400, "E_BAD_REQUEST",
	    "give text_bn, text_en or both" },
	{ "{\"kind\":\"warning\",\"areas\":[\"20\"],\"text_en\":\"  \\n \"}",
	    400, "E_BAD_REQUEST", "text_en is empty" },
	{ "{\"kind\":\"warning\",\"areas\":[\"20\"],\"text_en\":\"a\\u0007\"}",
	    400, "E_BAD_REQUEST", "control character" },
	{ "{\"kind\":\"warning\",\"areas\":[\"20\"],\"text_en\":\"x\","
	    "\"priority\":7}", 400, "E_BAD_REQUEST", "priority must be 0-3" },
	{ "{\"kind\":\"warning\",\"areas\":[\"20\"],\"text_en\":\"x\","
	    "\"channels\":[]}", 400, "E_BAD_REQUEST", "channels" },
	{ "{\"kind\":\"warning\",\"areas\":[\"20\"],\"text_en\":\"x\","
	    "\"channels\":[\"fax\"]}", 400, "E_BAD_REQUEST", "channels" },
	{ "{\"kind\":\"warning\",\"areas\":[\"20\"],\"text_en\":\"x\","
	    "\"expires_at\":1700000000}", 400, "E_BAD_REQUEST",
	    "expires_at must be in the future" },
	{ "{\"kind\":\"warning\",\"areas\":[\"20\"],\"text_en\":\"x\","
	    "\"starts_at\":\"2030-01-01T00:00:00Z\",\"expires_at\":"
	    "\"2029-12-31T23:00:00Z\"}", 400, "E_BAD_REQUEST", "after starts_at"
	},
	{ "{\"kind\":\"warning\",\"areas\":[\"20\"],\"text_en\":\"x\","
	    "\"starts_at\":\"tomorrow\"}", 400, "E_BAD_REQUEST", "RFC 3339" },
	{ "{\"kind\":\"warning\",\"areas\":[\"20\"],\"text_en\":\"x\","
	    "\"colour\":\"red\"}", 400, "E_BAD_JSON", "nothing else" },
	{ "{\"kind\":\"warning\",\"areas\":[\"20\"],\"text_en\":\"x\","
	    "\"confirm_within\":-5}", 400, "E_BAD_REQUEST", "confirm_within" },
};

int
main(void)
{
	struct alert_req	 r;
	struct alert_made	 m;
	const char		*code;
	char			 msg[256], *longbn;
	int			 status;
	int64_t			 stopped;
	json_t			*st, *u;
	size_t			 i;

	s = fixture_open();
	now = store_now();
	/* 6 recipients: 2 + 1 in Kutubdia, 1 in Teknaf, 1 in Manpura, one
	 * opted out in Kutubdia. */
	static const char people[] =
	    "01711000001,20224510,bn,sms,\n"
	    "01711000002,20224510,en,sms,\n"
	    "01711000003,20224520,bn,voice,\n"
	    "01711000004,20229010,en,both,\n"
	    "01711000005,10096510,bn,sms,\n"
	    "01711000006,20224510,bn,sms,\n";

	fixture_recipients(people);
	sqlite3_exec(store_db(s), "UPDATE recipients SET opted_out = 1 WHERE "
	    "msisdn = '+8801711000006'", NULL, NULL, NULL);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg[0] = '\0';
		ok(parse(bad[i].json, &r, &status, &code, msg, sizeof(msg))
		    == -1 && status == bad[i].status && strcmp(code,
		    bad[i].code) == 0 && strstr(msg, bad[i].want) != NULL,
		    "refused: %s", bad[i].want[0] ? bad[i].want : bad[i].code);
		if (strstr(msg, bad[i].want) == NULL)
			diag("%s", msg);
	}
	{
		static const char head[] = "{\"kind\":\"warning\",\"areas\":"
		    "[\"20\"],\"text_bn\":\"";
		size_t	 off;

		longbn = xmalloc(sizeof(head) + 3 * 671 + 3);
		off = strlcpy_sk(longbn, head, sizeof(head));
		for (i = 0; i < 671; i++, off += 3)
			memcpy(longbn + off, "ক", 3);
		memcpy(longbn + off, "\"}", 3);	/* with its NUL */
	}
	ok(parse(longbn, &r, &status, &code, msg, sizeof(msg)) == -1 &&
	    strcmp(code, "E_TOO_LONG") == 0 && strstr(msg, "11 SMS parts"),
	    "671 Bangla characters = 11 parts: refused, not cut (%s)", msg);
	longbn[strlen(longbn) - 5] = '"';	/* 670 characters */
	longbn[strlen(longbn) - 4] = '}';
	longbn[strlen(longbn) - 3] = '\0';
	ok(parse(longbn, &r, &status, &code, msg, sizeof(msg)) == 0,
	    "670 Bangla characters = 10 parts: accepted");
	camp_alert_req_clear(&r);
	free(longbn);

	ok(parse("{\"kind\":\"warning\",\"areas\":[\"202245\",\"20224510\","
	    "\"202290\"],\"text_bn\":\"ঝড়\\u200b\",\"text_en\":\"Storm\","
	    "\"starts_at\":\"2020-01-15T06:00:00+06:00\"}", &r, &status, &code,
	    msg, sizeof(msg)) == 0, "valid warning");
	is_int(r.priority, 3, "warning defaults to priority 3");
	is_int(r.starts_at, now, "past start becomes now");
	ok(store_tx_begin(s) == 0 && camp_alert_create(s, &r, 1, &m) == 0 &&
	    store_tx_commit(s) == 0, "created");
	is_int(m.messages, 5, "5 messages: overlapping areas counted once, "
	    "Manpura not targeted, opted-out still warned");
	is_int(count("SELECT count(*) FROM messages WHERE lang = 'en'"), 2,
	    "English recipients get the English text");
	is_int(count("SELECT count(*) FROM alert_areas"), 3, "areas kept");
	camp_alert_req_clear(&r);

	ok(parse("{\"kind\":\"awareness\",\"areas\":[\"20\"],\"text_bn\":"
	    "\"প্রস্তুত থাকুন\"}", &r, &status, &code, msg, sizeof(msg)) == 0 &&
	    store_tx_begin(s) == 0 && camp_alert_create(s, &r, 1, &m) == 0 &&
	    store_tx_commit(s) == 0, "awareness, Bangla only");
	is_int(r.priority, 0, "awareness defaults to priority 0");
	is_int(m.messages, 4, "opted-out recipient skipped for awareness");
	is_int(count("SELECT count(*) FROM messages WHERE alert_id = 2 AND "
	    "lang = 'bn'"), 4, "English recipients fall back to the Bangla "
	    "text when there is no English one");
	camp_alert_req_clear(&r);

	st = camp_alert_status(s, 1, 3600, 1);
	ok(st != NULL, "status");
	is_str(json_string_value(json_object_get(st, "status")), "sending",
	    "sending");
	is_int(json_integer_value(json_object_get(json_object_get(st,
	    "totals"), "queued")), 5, "5 queued");
	is_int(json_array_size(json_object_get(st, "unions")), 3,
	    "3 unions in the breakdown");
	u = json_array_get(json_object_get(st, "unions"), 0);
	ok(json_object_get(u, "name_en") != NULL, "unions carry their names");
	json_decref(st);

	ok(sqlite3_exec(store_db(s), "UPDATE messages SET state = 2, "
	    "submitted_at = 1 WHERE alert_id = 1 AND recipient_id = (SELECT id "
	    "FROM recipients WHERE msisdn = '+8801711000001')", NULL, NULL,
	    NULL) == SQLITE_OK && sqlite3_changes(store_db(s)) == 1,
	    "one message submitted long ago");
	is_int(camp_alert_cancel(s, 1, &stopped), 0, "cancel");
	is_int(stopped, 4, "4 not yet submitted are stopped");
	is_int(camp_alert_cancel(s, 1, &stopped), 2, "cancel twice: refused");
	is_int(camp_alert_cancel(s, 99, &stopped), 1, "unknown alert");
	st = camp_alert_status(s, 1, 3600, 0);
	is_str(json_string_value(json_object_get(st, "status")), "cancelled",
	    "status cancelled");
	is_int(json_integer_value(json_object_get(json_object_get(st,
	    "totals"), "no_report")), 1, "submitted long ago without a DLR "
	    "shows as no_report");
	is_int(json_integer_value(json_object_get(json_object_get(st,
	    "totals"), "cancelled")), 4, "4 cancelled");
	ok(json_is_true(json_object_get(st, "settled")), "settled");
	json_decref(st);

	{
		struct token	 t;

		memset(&t, 0, sizeof(t));
		t.role = ROLE_OFFICIAL;
		strlcpy_sk(t.scope, "202245", sizeof(t.scope));
		is_int(camp_alert_visible(s, 1, &t), 0, "an alert reaching "
		    "Teknaf is not visible to a Kutubdia token");
		strlcpy_sk(t.scope, "2022", sizeof(t.scope));
		is_int(camp_alert_visible(s, 1, &t), 1, "visible to the "
		    "district");
		is_int(camp_alert_visible(s, 2, &t), 0, "division-wide alert "
		    "not visible to the district");
		is_int(camp_alert_visible(s, 42, &t), -1, "unknown alert");
	}
	{
		int64_t	 t;

		ok(parse("{\"kind\":\"warning\",\"areas\":[\"20\"],"
		    "\"text_en\":\"x\",\"starts_at\":\"2030-01-01T06:00:00+06:00\","
		    "\"expires_at\":\"2030-01-01T01:30:00.5Z\"}", &r, &status,
		    &code, msg, sizeof(msg)) == 0, "RFC 3339 with offsets and "
		    "fractions");
		t = r.starts_at;
		is_int(t, 1893456000, "06:00+06:00 is 00:00Z");
		is_int(r.expires_at, 1893461400, "01:30:00.5Z");
		camp_alert_req_clear(&r);
	}
	while (nkept > 0)
		json_decref(kept[--nkept]);
	fixture_close(s);
	return done_testing();
}
