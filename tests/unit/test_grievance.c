/*
 * test_grievance.c: grievances (campaigns/grievance.c): open and its
 * validation, the list filters, the scope rule (scoped tokens see their
 * unions only; no union = national only), resolve (state change, the
 * outbox row with origin, language and text, double resolve refused and
 * nothing sent), the SMS text cut to max_parts, and the GRS CSV export
 * read back with the project's own RFC 4180 reader (commas, quotes,
 * newlines, Bangla).
 *
 * Also a helper for tests/e2e/grievances.sh until grievances arrive over
 * /kannel/mo: `test_grievance open DB MSISDN UNION|- LANG TEXT [CATEGORY]`
 * opens one through grievance_open() on sanketd's database and prints
 * its id.
 */
#include "config.h"

#include "campaigns.h"
#include "csv.h"
#include "recipients.h"
#include "sms.h"
#include "tap.h"
#include "text.h"
#include "xmalloc.h"
#include "test_fixture.h"

static struct store *s;
static int64_t	 now;

/* The recipient's id, or 0 (unregistered, or no number). */
static int64_t
recipient_of(const char *msisdn)
{
	static const char sql[] = "SELECT id FROM recipients WHERE"
	    " msisdn = ?1";
	sqlite3_stmt	*st;
	int64_t		 id = 0;

	if (msisdn == NULL || (st = store_prepare(s, sql)) == NULL)
		return 0;
	sqlite3_bind_text(st, 1, msisdn, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

static int64_t
open1(const char *msisdn, const char *un, const char *channel,
    const char *lang, const char *text)
{
	struct grievance_in	 in;
	int64_t			 id;

	memset(&in, 0, sizeof(in));
	in.msisdn = msisdn;
	in.union_code = un;
	in.channel = channel;
	in.lang = lang;
	in.text = text;
	in.now = now;
	in.recipient_id = recipient_of(msisdn);
	if (store_tx_begin(s) == -1)
		return -2;
	id = grievance_open(s, &in);
	if (store_tx_commit(s) == -1)
		return -2;
	return id;
}

static size_t
nlist(const struct token *t, const char *area, int status)
{
	struct grievance_filter	 f;
	json_t			*l;
	size_t			 n;

	memset(&f, 0, sizeof(f));
	f.area = area;
	f.status = status;
	f.limit = 100;
	if ((l = grievance_list(s, t, &f)) == NULL)
		return (size_t)-1;
	n = json_array_size(l);
	json_decref(l);
	return n;
}

/* The CSV read back: rows of fields, kept as copies. */
struct rows {
	char	***f;
	size_t	  *nf;
	size_t	   n;
};

static int
rows_cb(void *arg, size_t row, char **fields, size_t n)
{
	struct rows	*r = arg;
	size_t		 i;

	(void)row;
	r->f = xreallocarray(r->f, r->n + 1, sizeof(*r->f));
	r->nf = xreallocarray(r->nf, r->n + 1, sizeof(*r->nf));
	r->f[r->n] = xcalloc(n, sizeof(char *));
	for (i = 0; i < n; i++)
		r->f[r->n][i] = xstrdup(fields[i]);
	r->nf[r->n++] = n;
	return 0;
}

static void
rows_free(struct rows *r)
{
	size_t	 i, j;

	for (i = 0; i < r->n; i++) {
		for (j = 0; j < r->nf[i]; j++)
			free(r->f[i][j]);
		free(r->f[i]);
	}
	free(r->f);
	free(r->nf);
	memset(r, 0, sizeof(*r));
}

/* Column index of name in the header row, or -1. */
static int
col(struct rows *r, const char *name)
{
	size_t	 i;

	for (i = 0; r->n > 0 && i < r->nf[0]; i++)
		if (strcmp(r->f[0][i], name) == 0)
			return (int)i;
	return -1;
}

/* The e2e helper: open one grievance on an existing database. */
static int
helper_open(int argc, char **argv)
{
	struct grievance_in	 in;
	char			 err[256];
	int64_t			 id;

	if (argc < 7) {
		fprintf(stderr, "usage: test_grievance open DB MSISDN "
		    "UNION|- LANG TEXT [CATEGORY]\n");
		return 2;
	}
	if ((s = store_open(argv[2], err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	memset(&in, 0, sizeof(in));
	in.msisdn = argv[3];
	in.union_code = strcmp(argv[4], "-") == 0 ? NULL : argv[4];
	in.lang = argv[5];
	in.text = argv[6];
	in.category = argc > 7 ? argv[7] : NULL;
	in.channel = "sms";
	in.recipient_id = recipient_of(in.msisdn);
	if (store_tx_begin(s) == -1)
		return 1;
	if ((id = grievance_open(s, &in)) == -1) {
		store_tx_rollback(s);
		store_close(s);
		return 1;
	}
	if (store_tx_commit(s) == -1)
		return 1;
	store_close(s);
	printf("%lld\n", (long long)id);
	return 0;
}

int
main(int argc, char **argv)
{
	struct grievance_in		 in;
	struct grievance_filter		 f;
	struct grievance_resolved	 g;
	struct token			 nat, kut, cox, bho;
	struct sms_len			 l;
	struct rows			 rows;
	struct csv			*cv;
	json_t				*list, *o;
	char				*big, *txt, *csvs;
	const char			*p;
	int64_t				 a1, a2, a3, a4, a5, a6 = 0, id;
	size_t				 i, len;
	int				 trunc, c;

	if (argc > 1 && strcmp(argv[1], "open") == 0)
		return helper_open(argc, argv);

	s = fixture_open();
	now = store_now();
	static const char people[] =
	    "01711000001,20224510,bn,sms,VGF\n"
	    "01711000002,20224510,en,sms,\n"
	    "01711000004,20229010,en,both,\n";
	fixture_recipients(people);

	memset(&nat, 0, sizeof(nat));
	nat.id = 1;
	nat.role = ROLE_ADMIN;
	kut = nat;
	kut.id = 2;
	kut.role = ROLE_OFFICIAL;
	strlcpy_sk(kut.scope, "202245", sizeof(kut.scope));
	cox = kut;
	cox.id = 3;
	strlcpy_sk(cox.scope, "2022", sizeof(cox.scope));
	bho = kut;
	bho.id = 4;
	strlcpy_sk(bho.scope, "1009", sizeof(bho.scope));

	/* --- open and validate ------------------------------------------ */
	a1 = open1("+8801711000001", "20224510", "sms", "bn",
	    "  চাল  কম\u200b দেওয়া হয়েছে ");
	ok(a1 > 0, "open: Bangla grievance in Ali Akbar Deil");
	is_int(count("SELECT count(*) FROM grievances WHERE text ="
	    " 'চাল কম দেওয়া হয়েছে' AND status = 'open' AND category ="
	    " 'general'"), 1, "text cleaned (spaces, zero-width), open, "
	    "general");
	a2 = open1("+8801711000002", "20224520", "sms", "en",
	    "Shelter closed, \"no\" water");
	ok(a2 > 0, "open: English in Uttar Dhurung");
	a3 = open1("+8801711000004", "20229010", "api", "en", "Teknaf road");
	ok(a3 > 0, "open: Teknaf (api channel)");
	a4 = open1("+8801711000009", "10096510", "ivr", "bn", "মনপুরা");
	ok(a4 > 0, "open: Manpura (ivr channel)");
	a5 = open1("+8801811000000", NULL, "sms", "bn", "নিবন্ধন নেই");
	ok(a5 > 0, "open: unregistered sender, no union");

	is_int(open1("+8801711000001", "20224510", "sms", "bn", "\xff\xfe"),
	    -1, "refused: invalid UTF-8");
	is_int(open1("+8801711000001", "20224510", "sms", "bn", " \u200b "),
	    -1, "refused: empty after cleaning");
	is_int(open1("+8801711000001", "20224510", "fax", "bn", "x"), -1,
	    "refused: unknown channel");
	is_int(open1("+8801711000001", "20224510", "sms", "fr", "x"), -1,
	    "refused: unknown language");
	is_int(open1("+8801711000001", "a b'; DROP TABLE grievances;--",
	    "sms", "bn", "x"), -1, "refused: not an area code");
	is_int(open1(NULL, "20224510", "sms", "bn", "x"), -1,
	    "refused: no number");
	memset(&in, 0, sizeof(in));
	in.msisdn = "+8801711000001";
	in.channel = "sms";
	in.text = "x";
	in.category = "weather";
	ok(store_tx_begin(s) == 0 && grievance_open(s, &in) == -1 &&
	    store_tx_commit(s) == 0, "refused: unknown category");
	is_int(count("SELECT count(*) FROM grievances"), 5,
	    "nothing stored for the refused ones");

	big = xmalloc(3 * 1000 + 1);
	for (i = 0; i < 1000; i++)
		memcpy(big + 3 * i, "ক", 3);
	big[3 * 1000] = '\0';
	id = open1("+8801711000001", "20224510", "sms", "bn", big);
	ok(id > 0, "a 3000-byte text is kept, cut");
	free(big);
	is_int(count("SELECT length(CAST(text AS BLOB)) FROM grievances"
	    " WHERE id = %lld", (long long)id), 2046, "cut to 2046 bytes: on "
	    "a character boundary under %d", GRIEVANCE_TEXT_MAX);
	exec("DELETE FROM grievances WHERE id = %lld", (long long)id);

	/* A relief dispute: category relief, no text, with its entitlement. */
	ok(sqlite3_exec(store_db(s), "INSERT INTO distributions (id,"
	    " union_code, programme, item, unit, quantity, place, at,"
	    " created_at) VALUES (7, '20224510', 'VGF', 'rice', 'kg', 30,"
	    " 'UP office', 1, 1); INSERT INTO entitlements (id,"
	    " distribution_id, recipient_id, msisdn, code, quantity) VALUES"
	    " (70, 7, (SELECT id FROM recipients WHERE msisdn ="
	    " '+8801711000001'), '+8801711000001', '482913', 30)", NULL, NULL,
	    NULL) == SQLITE_OK, "a distribution and an entitlement");
	memset(&in, 0, sizeof(in));
	in.msisdn = "+8801711000001";
	in.union_code = "20224510";
	in.channel = "sms";
	in.category = "relief";
	in.text = "";
	in.lang = "bn";
	in.entitlement_id = 70;
	in.now = now;
	ok(store_tx_begin(s) == 0 && (a6 = grievance_open(s, &in)) > 0 &&
	    store_tx_commit(s) == 0, "relief dispute with an empty note: "
	    "opened");

	/* --- list, filters, scope --------------------------------------- */
	is_int(nlist(&nat, NULL, GRIEVANCE_OPEN), 6, "national: all 6 open");
	is_int(nlist(&nat, "20224510", GRIEVANCE_OPEN), 2, "union 20224510: 2");
	is_int(nlist(&nat, "202245", GRIEVANCE_OPEN), 3, "upazila Kutubdia: "
	    "its unions' 3");
	is_int(nlist(&nat, "2022", GRIEVANCE_OPEN), 4, "district Cox's "
	    "Bazar: 4");
	is_int(nlist(&nat, "10", GRIEVANCE_OPEN), 1, "division Barishal: 1");
	is_int(nlist(&nat, NULL, GRIEVANCE_RESOLVED), 0, "none resolved yet");
	is_int(nlist(&kut, NULL, GRIEVANCE_ALL), 3, "Kutubdia token: its 3");
	is_int(nlist(&cox, NULL, GRIEVANCE_ALL), 4, "Cox's Bazar token: 4");
	is_int(nlist(&cox, "202290", GRIEVANCE_ALL), 1, "Cox's Bazar token, "
	    "Teknaf: 1");
	is_int(nlist(&kut, "202290", GRIEVANCE_ALL), 0, "Kutubdia token asking "
	    "for Teknaf: nothing (the API answers 403 first)");
	is_int(nlist(&bho, NULL, GRIEVANCE_ALL), 1, "Bhola token: Manpura's 1");
	memset(&f, 0, sizeof(f));
	f.status = GRIEVANCE_ALL;
	f.limit = 100;
	list = grievance_list(s, &kut, &f);
	ok(list != NULL, "list as JSON");
	for (i = 0, c = 0; i < json_array_size(list); i++)
		if (json_is_null(json_object_get(json_array_get(list, i),
		    "union")))
			c++;
	is_int(c, 0, "no union-less grievance shows to a scoped token");
	o = json_array_get(list, 0);
	is_int(json_integer_value(json_object_get(o, "id")), a6,
	    "newest first");
	is_str(json_string_value(json_object_get(json_object_get(o, "union"),
	    "name_bn")), "আলী আকবর ডেইল", "union named in Bangla");
	is_str(json_string_value(json_object_get(json_object_get(
	    json_object_get(o, "union"), "district"), "name_en")),
	    "Cox's Bazar", "and its district");
	is_str(json_string_value(json_object_get(json_object_get(o,
	    "entitlement"), "programme")), "VGF", "entitlement: programme");
	is_int(json_integer_value(json_object_get(json_object_get(o,
	    "entitlement"), "distribution_id")), 7, "entitlement: "
	    "distribution");
	is_str(json_string_value(json_object_get(o, "category")), "relief",
	    "category relief");
	ok(json_is_null(json_object_get(o, "resolved_at")) &&
	    json_is_null(json_object_get(o, "resolution")), "not resolved");
	json_decref(list);
	f.limit = 2;
	list = grievance_list(s, &nat, &f);
	is_int(json_array_size(list), 2, "limit");
	json_decref(list);
	f.limit = 100;
	f.since = now + 10;
	list = grievance_list(s, &nat, &f);
	is_int(json_array_size(list), 0, "since: after all of them");
	json_decref(list);

	/* --- the SMS text ----------------------------------------------- */
	txt = grievance_sms_text(12, "en", "Rice delivered", 10, &trunc);
	is_str(txt, "Your complaint #12 has been resolved: Rice delivered",
	    "English resolution text");
	ok(!trunc, "not cut");
	free(txt);
	txt = grievance_sms_text(12, "bn", "চাল পৌঁছেছে", 10, &trunc);
	is_str(txt, "আপনার অভিযোগ নং ১২ নিষ্পত্তি হয়েছে: চাল পৌঁছেছে",
	    "Bangla resolution text, Bangla digits");
	free(txt);
	big = xmalloc(3 * 500 + 1);
	for (i = 0; i < 250; i++)
		memcpy(big + 6 * i, "কি", 6);	/* letter + vowel sign */
	big[1500] = '\0';
	txt = grievance_sms_text(7, "bn", big, 2, &trunc);
	ok(trunc, "500 Bangla characters into 2 parts: cut");
	ok(sms_measure(txt, &l) == 0 && l.parts == 2, "fits 2 parts "
	    "(%zu chars)", l.chars);
	len = strlen(txt);
	ok(len > 3 && strcmp(txt + len - 3, "…") == 0, "ends in …");
	ok(len > 6 && memcmp(txt + len - 6, "ি", 3) == 0, "the cut keeps the "
	    "vowel sign with its letter");
	free(txt);
	for (i = 0; i < 500; i++)
		big[i] = 'a' + i % 26;
	big[500] = '\0';
	txt = grievance_sms_text(7, "en", big, 1, &trunc);
	ok(trunc && sms_measure(txt, &l) == 0 && l.parts == 1 &&
	    l.coding == SMS_GSM7 && strcmp(txt + strlen(txt) - 3, "...") ==
	    0, "English cut to 1 GSM 7-bit part with ...");
	free(txt);
	free(big);

	/* --- resolve ---------------------------------------------------- */
	ok(store_tx_begin(s) == 0, "begin");
	is_int(grievance_resolve(s, a3, &kut, "done", 10, &g),
	    GRIEVANCE_RESOLVE_SCOPE, "Kutubdia token on Teknaf: scope");
	is_int(grievance_resolve(s, a5, &cox, "done", 10, &g),
	    GRIEVANCE_RESOLVE_SCOPE, "scoped token on a union-less one: "
	    "scope");
	is_int(grievance_resolve(s, 999, &nat, "done", 10, &g),
	    GRIEVANCE_RESOLVE_UNKNOWN, "unknown id");
	is_int(grievance_resolve(s, a1, &kut, "৩০ কেজি চাল বুঝিয়ে দেওয়া "
	    "হয়েছে", 10, &g), GRIEVANCE_RESOLVE_OK, "Kutubdia resolves its "
	    "own");
	ok(store_tx_commit(s) == 0, "commit");
	ok(g.message_id > 0, "message queued (%lld)", (long long)g.message_id);
	is_str(g.lang, "bn", "in the grievance's language");
	is_int(count("SELECT count(*) FROM grievances WHERE id = %lld AND"
	    " status = 'resolved' AND resolved_by = 2 AND resolved_at >= %lld"
	    " AND message_id = %lld AND"
	    " resolution = '৩০ কেজি চাল বুঝিয়ে দেওয়া হয়েছে'",
	    (long long)a1, (long long)now, (long long)g.message_id), 1,
	    "resolved, by whom, when, the message");
	is_int(count("SELECT count(*) FROM messages WHERE id = %lld AND"
	    " origin = 'grievance' AND priority = %d AND lang = 'bn' AND"
	    " msisdn = '+8801711000001' AND recipient_id IS NOT NULL AND"
	    " union_code = '20224510' AND state = 0 AND alert_id IS NULL",
	    (long long)g.message_id, PRIO_REPLY), 1, "outbox row: origin, "
	    "priority, lang, number, recipient, union, queued");
	is_int(count("SELECT count(*) FROM messages WHERE id = %lld AND"
	    " text = 'আপনার অভিযোগ নং ১ নিষ্পত্তি হয়েছে:"
	    " ৩০ কেজি চাল বুঝিয়ে দেওয়া হয়েছে'", (long long)g.message_id), 1,
	    "outbox text in Bangla");
	ok(store_tx_begin(s) == 0, "begin");
	is_int(grievance_resolve(s, a1, &nat, "again", 10, &g),
	    GRIEVANCE_RESOLVE_DONE, "resolve twice: refused");
	store_tx_rollback(s);
	is_int(count("SELECT count(*) FROM messages"), 1,
	    "nothing sent the second time");
	ok(store_tx_begin(s) == 0 && grievance_resolve(s, a5, &nat,
	    "Please register: REG <union code>", 10, &g) ==
	    GRIEVANCE_RESOLVE_OK && store_tx_commit(s) == 0,
	    "national resolves the union-less one");
	is_int(count("SELECT count(*) FROM messages WHERE msisdn ="
	    " '+8801811000000' AND recipient_id IS NULL AND union_code IS"
	    " NULL"), 1, "unregistered complainant: by number alone");
	ok(store_tx_begin(s) == 0 && grievance_resolve(s, a2, &cox,
	    "Water truck sent", 10, &g) == GRIEVANCE_RESOLVE_OK &&
	    store_tx_commit(s) == 0, "Cox's Bazar resolves the English one");
	is_str(g.lang, "en", "English");
	is_int(count("SELECT count(*) FROM messages WHERE lang = 'en' AND"
	    " text = 'Your complaint #2 has been resolved: Water truck sent'"),
	    1, "outbox text in English");
	is_int(nlist(&nat, NULL, GRIEVANCE_RESOLVED), 3, "3 resolved");
	is_int(nlist(&nat, NULL, GRIEVANCE_OPEN), 3, "3 open");
	is_int(nlist(&nat, NULL, GRIEVANCE_ALL), 6, "6 in all");

	/* --- CSV -------------------------------------------------------- */
	ok(sqlite3_exec(store_db(s), "UPDATE grievances SET text ="
	    " 'line one, \"quoted\"' || char(10) || 'line two, বাংলা'"
	    " WHERE id = 3", NULL, NULL, NULL) == SQLITE_OK,
	    "a text with commas, quotes and a newline");
	memset(&f, 0, sizeof(f));
	f.status = GRIEVANCE_ALL;
	f.limit = 100;
	csvs = grievance_csv(s, &cox, &f, &len);
	ok(csvs != NULL && len == strlen(csvs), "CSV export");
	ok(memcmp(csvs, "\xef\xbb\xbf", 3) == 0, "starts with a UTF-8 BOM");
	ok(text_utf8_valid(csvs, len), "valid UTF-8");
	memset(&rows, 0, sizeof(rows));
	cv = csv_new(rows_cb, &rows);
	ok(csv_feed(cv, csvs, len) == 0 && csv_finish(cv) == 0,
	    "reads back as RFC 4180");
	csv_free(cv);
	is_int(rows.n, 5, "header and the district's 4 rows");
	is_str(rows.n ? rows.f[0][0] : NULL, "reference", "header");
	for (i = 1, c = 0; i < rows.n; i++)
		if (rows.nf[i] != rows.nf[0])
			c++;
	is_int(c, 0, "every row has the header's columns");
	for (i = 1; i < rows.n; i++)
		if (strcmp(rows.f[i][0], "SANKET-3") == 0)
			break;
	ok(i < rows.n, "row for grievance 3");
	if (i < rows.n) {
		is_str(rows.f[i][col(&rows, "description")],
		    "line one, \"quoted\"\nline two, বাংলা", "description "
		    "survives commas, quotes, the newline and Bangla");
		is_str(rows.f[i][col(&rows, "complainant_phone")],
		    "01711000004", "phone in local form");
		is_str(rows.f[i][col(&rows, "complainant_name")], "",
		    "name left empty");
		is_str(rows.f[i][col(&rows, "union")], "সাবরাং",
		    "union in Bangla");
		is_str(rows.f[i][col(&rows, "upazila")], "টেকনাফ", "upazila");
		is_str(rows.f[i][col(&rows, "district")], "কক্সবাজার",
		    "district");
		is_str(rows.f[i][col(&rows, "division")], "চট্টগ্রাম",
		    "division");
		is_str(rows.f[i][col(&rows, "channel")], "api", "channel");
		ok(strlen(rows.f[i][col(&rows, "date")]) == 16, "date %s",
		    rows.f[i][col(&rows, "date")]);
	}
	for (i = 1; i < rows.n; i++)
		if (strcmp(rows.f[i][0], "SANKET-6") == 0 ||
		    strcmp(rows.f[i][col(&rows, "category")], "relief") == 0)
			break;
	ok(i < rows.n && strstr(rows.f[i][col(&rows, "subject")], "VGF rice")
	    != NULL && strcmp(rows.f[i][col(&rows, "distribution_id")], "7")
	    == 0, "relief row: subject names the programme, distribution 7");
	p = strstr(csvs, "\"line one, \"\"quoted\"\"\nline two, বাংলা\"");
	ok(p != NULL, "quoted field on the wire: doubled quotes, raw "
	    "newline");
	rows_free(&rows);
	free(csvs);
	csvs = grievance_csv(s, &kut, &f, &len);
	ok(csvs != NULL && strstr(csvs, "SANKET-3") == NULL &&
	    strstr(csvs, "SANKET-5") == NULL, "Kutubdia's CSV: no Teknaf, "
	    "no union-less");
	free(csvs);

	fixture_close(s);
	return done_testing();
}
