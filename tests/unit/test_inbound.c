/*
 * test_inbound.c: one MO from the raw row to the answer (campaigns/
 * inbound.c) on a real SQLite file: the raw bytes kept exactly, repeats
 * not acted on twice, confirmations attached to the latest open warning,
 * REG and STOP, senders that are not numbers, UTF-16BE from an smsbox
 * without mo-recode, and the answer queued in the sender's language.
 */
#include "config.h"

#include "campaigns.h"
#include "conf.h"
#include "recipients.h"
#include "tap.h"
#include "xmalloc.h"
#include "test_fixture.h"

static struct store	*s;
static struct conf	 cf;
static int64_t		 t0;

static int
mo(const char *from, const char *text, size_t len, const char *id,
    int64_t at_ms, struct mo_result *res)
{
	struct mo_in	 in;
	int		 rc;

	memset(&in, 0, sizeof(in));
	in.sender = from;
	in.text = text;
	in.len = len == 0 ? strlen(text) : len;
	in.kannel_id = id;
	in.charset = "UTF-8";
	in.coding = 0;
	in.now_ms = at_ms;
	rc = inbound_handle(s, &cf, &in, res);
	store_batch_flush(s);
	return rc;
}

/* The answer's text, or "" if none. */
static const char *
answer(const struct mo_result *r)
{
	return r->reply_id ? str("SELECT text FROM messages WHERE id = %lld",
	    (long long)r->reply_id) : "";
}

int
main(void)
{
	struct alert_req	 ar;
	struct alert_made	 made;
	struct mo_result	 r;
	struct mo_in		 in;
	const char		*areas[] = { "202245" };
	int64_t			 alert1, alert2, n;
	static const char people[] =
	    "01711000001,20224510,bn,sms,VGF\n"
	    "01711000002,20224510,en,sms,\n"
	    "01711000003,20224520,bn,voice,\n";
	/* হ্যাঁ in UTF-16BE */
	static const char utf16[] = "\x09\xb9\x09\xcd\x09\xaf\x09\xbe\x09\x81";
	static const char bad[] = "RCV \xff\xfe 12";
	static const char nul[] = "GRS a\0b";

	s = fixture_open();
	conf_defaults(&cf);
	t0 = store_now_ms();
	fixture_recipients(people);

	/* Two warnings with a 1-hour window; the later one is "latest". */
	memset(&ar, 0, sizeof(ar));
	ar.kind = "warning";
	ar.priority = 3;
	ar.areas = areas;
	ar.nareas = 1;
	ar.text_bn = "সংকেত ৭";
	ar.text_en = "Signal 7";
	ar.confirm_within = 3600;
	ar.starts_at = t0 / 1000;
	ok(store_tx_begin(s) == 0 && camp_alert_create(s, &ar, 0, &made) ==
	    0 && store_tx_commit(s) == 0, "warning 1 created");
	alert1 = made.id;
	ok(store_tx_begin(s) == 0 && camp_alert_create(s, &ar, 0, &made) ==
	    0 && store_tx_commit(s) == 0, "warning 2 created");
	alert2 = made.id;
	is_int(count("SELECT count(*) FROM messages WHERE confirm_ms ="
	    " 3600000"), 6, "warnings' rows carry the window");
	/* Everything submitted now, except #3's copy of warning 2. */
	sqlite3_exec(store_db(s), "UPDATE messages SET state = 2,"
	    " submitted_at = (SELECT max(at) FROM (SELECT 0 AS at))", NULL,
	    NULL, NULL);
	{
		char	 sql[256];

		snprintf(sql, sizeof(sql), "UPDATE messages SET submitted_at ="
		    " %lld", (long long)t0);
		sqlite3_exec(store_db(s), sql, NULL, NULL, NULL);
	}

	/* Confirm: "1" from a Bangla recipient. */
	ok(mo("8801711000001", "1", 0, "k-1", t0 + 1000, &r) == 0, "MO 1");
	is_str(r.intent, "confirm", "intent confirm");
	ok(strstr(r.outcome, "confirmed alert") != NULL, "outcome: %s",
	    r.outcome);
	{
		char	 want[64];

		snprintf(want, sizeof(want), "confirmed alert %lld",
		    (long long)alert2);
		is_str(r.outcome, want, "the latest warning is the one "
		    "confirmed");
	}
	is_int(count("SELECT count(*) FROM messages WHERE confirmed_at IS NOT"
	    " NULL"), 1, "one message confirmed");
	ok(strstr(answer(&r), "ধন্যবাদ") != NULL, "answered in Bangla (the "
	    "recipient's language for a neutral \"1\"): %s", answer(&r));
	is_str(str("SELECT origin || ' ' || priority || ' ' || msisdn || ' ' ||"
	    " lang FROM messages ORDER BY id DESC LIMIT 1"),
	    "reply 2 +8801711000001 bn", "the answer is a reply at priority 2");
	{
		json_t	*st = camp_alert_status(s, alert2, 3600, 1);
		json_t	*t = json_object_get(st, "totals");

		is_int(json_integer_value(json_object_get(t, "confirmed")), 1,
		    "alert status counts the confirmation");
		json_decref(st);
	}

	/* A retried callback: same Kannel id. */
	n = count("SELECT count(*) FROM messages WHERE origin = 'reply'");
	ok(mo("8801711000001", "1", 0, "k-1", t0 + 1500, &r) == 0, "MO again");
	ok(r.duplicate_of > 0, "same Kannel id: a duplicate");
	is_int(r.reply_id, 0, "not answered");
	is_int(count("SELECT count(*) FROM messages WHERE origin = 'reply'"), n,
	    "no second answer");
	/* Same sender and text, new id, inside the window. */
	ok(mo("8801711000001", "1", 0, "k-2", t0 + 2000, &r) == 0 &&
	    r.duplicate_of > 0, "same text within dedupe_window: duplicate");
	is_int(count("SELECT count(*) FROM inbound"), 3, "but every MO is "
	    "stored");
	/* Another word: acted on, already confirmed. */
	ok(mo("8801711000001", "OK", 0, "k-3", t0 + 3000, &r) == 0 &&
	    r.duplicate_of == 0, "OK: not a repeat");
	ok(strstr(r.outcome, "already confirmed") != NULL, "already "
	    "confirmed: %s", r.outcome);
	/* After the dedupe window, the same text counts again. */
	ok(mo("8801711000001", "1", 0, "k-4", t0 + 3000 + 601000, &r) == 0 &&
	    r.duplicate_of == 0, "same text after the window: acted on");

	/* English speaker, window closed (submitted 2 h ago). */
	sqlite3_exec(store_db(s), "UPDATE messages SET submitted_at ="
	    " submitted_at - 7200000 WHERE recipient_id = 2", NULL, NULL, NULL);
	ok(mo("+8801711000002", "yes", 0, NULL, t0 + 4000, &r) == 0, "yes");
	is_str(r.outcome, "nothing to confirm", "window closed: nothing to "
	    "confirm");
	ok(strstr(answer(&r), "no open warning") != NULL, "answered in "
	    "English: %s", answer(&r));
	(void)alert1;

	/* Unregistered sender registers in a union, in Bangla. */
	ok(mo("01811000009", "REG 20224520", 0, NULL, t0 + 5000, &r) == 0,
	    "REG");
	is_str(r.intent, "register", "intent register");
	is_str(r.arg, "20224520", "arg: the union code");
	is_str(str("SELECT union_code || ' ' || lang FROM recipients WHERE"
	    " msisdn = '+8801811000009'"), "20224520 bn", "registered");
	ok(strstr(answer(&r), "উত্তর ধুরুং") != NULL, "the answer names the "
	    "union in Bangla: %s", answer(&r));
	is_int(count("SELECT count(*) FROM audit WHERE action ="
	    " 'recipient.register'"), 1, "audited");
	ok(mo("01811000009", "REG 99999999", 0, NULL, t0 + 6000, &r) == 0 &&
	    strstr(r.outcome, "unknown union") != NULL, "unknown union: %s",
	    r.outcome);
	ok(mo("01811000009", "REG 202245", 0, NULL, t0 + 6500, &r) == 0 &&
	    strstr(r.outcome, "unknown union") != NULL, "an upazila is not a "
	    "union");

	/* STOP: awareness only. */
	ok(mo("8801711000003", "বন্ধ", 0, NULL, t0 + 7000, &r) == 0, "বন্ধ");
	is_str(r.intent, "stop", "intent stop");
	is_int(count("SELECT opted_out FROM recipients WHERE msisdn ="
	    " '+8801711000003'"), 1, "opted out");
	ok(strstr(answer(&r), "সতর্কবার্তা") != NULL, "answer says warnings "
	    "still come");
	ok(mo("01811000009", "reg 20224520", 0, NULL, t0 + 8000, &r) == 0 &&
	    strstr(r.outcome, "again") != NULL, "REG again: %s", r.outcome);
	ok(mo("8801711000003", "REG 20224520", 0, NULL, t0 + 8500, &r) == 0 &&
	    count("SELECT opted_out FROM recipients WHERE msisdn ="
	    " '+8801711000003'") == 0, "REG resumes awareness messages");

	/* Unknown text, a malformed code, invalid UTF-8, NUL bytes. */
	ok(mo("8801711000002", "what is this", 0, NULL, t0 + 9000, &r) == 0,
	    "unknown");
	is_str(r.intent, "unknown", "intent unknown");
	ok(strstr(answer(&r), "Reply: 1") != NULL, "help in English");
	ok(mo("8801711000001", "RCV 4829", 0, NULL, t0 + 9100, &r) == 0 &&
	    strstr(answer(&r), "৬ অঙ্কের") != NULL, "short code: the code "
	    "help, in Bangla: %s", answer(&r));
	ok(mo("8801711000001", bad, sizeof(bad) - 1, NULL, t0 + 9200, &r) ==
	    0, "invalid UTF-8 accepted");
	is_str(r.intent, "unknown", "invalid UTF-8 is unknown");
	is_int(count("SELECT count(*) FROM inbound WHERE text ="
	    " X'52435620FFFE203132'"), 1, "its bytes are stored exactly");
	ok(mo("8801711000001", nul, sizeof(nul) - 1, NULL, t0 + 9300, &r) ==
	    0, "NUL byte accepted");
	is_int(count("SELECT length(text) FROM inbound ORDER BY id DESC LIMIT"
	    " 1"), 7, "NUL byte kept in the raw row");

	/* A sender that is not a number: stored, not answered. */
	ok(mo("GP-INFO", "1", 0, NULL, t0 + 9400, &r) == 0, "alphanumeric");
	is_int(r.reply_id, 0, "not answered");
	ok(strstr(r.outcome, "not a phone number") != NULL, "outcome says "
	    "why");
	is_int(count("SELECT count(*) FROM inbound WHERE sender = 'GP-INFO'"
	    " AND msisdn IS NULL"), 1, "stored with no number");

	/* SQL metacharacters are data. */
	ok(mo("8801711000002", "x'); DROP TABLE recipients; --", 0, NULL,
	    t0 + 9500, &r) == 0, "SQL metacharacters");
	is_int(count("SELECT count(*) FROM recipients"), 4, "recipients "
	    "intact");

	/* UTF-16BE from an smsbox without mo-recode. */
	memset(&in, 0, sizeof(in));
	in.sender = "8801711000002";
	in.text = utf16;
	in.len = sizeof(utf16) - 1;
	in.charset = "UTF-16BE";
	in.coding = 2;
	in.now_ms = t0 + 9600;
	ok(inbound_handle(s, &cf, &in, &r) == 0 && store_batch_flush(s) == 0,
	    "UTF-16BE MO");
	is_str(r.intent, "confirm", "হ্যাঁ in UTF-16BE read as confirm");
	ok(strstr(answer(&r), "নিশ্চিত") != NULL, "Bangla text gets a Bangla "
	    "answer even from an English recipient");

	is_int(count("SELECT count(*) FROM inbound WHERE intent IS NULL OR"
	    " outcome IS NULL"), 0, "every row says what it meant and what "
	    "was done");

	fixture_close(s);
	conf_free(&cf);
	return done_testing();
}
