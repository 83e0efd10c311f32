/*
 * test_reply.c: unit tests for gateway/reply.c (TAP).
 *
 * One table of replies as people send them from feature phones: Bangla
 * script, English, Banglish, both encodings of য় (precomposed U+09DF and
 * য + nukta), Bangla digits, mixed case, spacing and punctuation, emoji,
 * greetings, malformed codes, over-long and invalid input.  Each row gives
 * the intent, code, quantity, text or union code and language expected;
 * unknown rows give the reason.  Every row also checks the invariants of
 * reply.h (reason set exactly for unknown, fields empty when they do not
 * belong to the intent).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "reply.h"
#include "tap.h"
#include "text.h"

/* The two encodings of য়, ড় and invisibles, spelled out. */
#define YA_PRE	"\xe0\xa7\x9f"			/* U+09DF */
#define YA_DEC	"\xe0\xa6\xaf\xe0\xa6\xbc"	/* U+09AF U+09BC */
#define RRA_PRE	"\xe0\xa7\x9c"			/* U+09DC ড় */
#define RRA_DEC	"\xe0\xa6\xa1\xe0\xa6\xbc"	/* U+09A1 U+09BC */
#define ZWJ	"\xe2\x80\x8d"
#define ZWNJ	"\xe2\x80\x8c"
#define ZWSP	"\xe2\x80\x8b"
#define RLM	"\xe2\x80\x8f"
#define LRM	"\xe2\x80\x8e"
#define BOM	"\xef\xbb\xbf"
#define NBSP	"\xc2\xa0"
#define PEYECHI_PRE	"পে" YA_PRE "েছি"
#define PEYECHI_DEC	"পে" YA_DEC "েছি"

struct reply_case {
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	int		 intent;
	const char	*code;
	long		 qty;
	const char	*arg;		/* text, or union code for register */
	const char	*lang;
	const char	*reason;	/* unknown only */
};

#define CONF(in, lang)		{ in, 0, REPLY_CONFIRM, "", 0, "", lang, NULL }
#define STOP(in, lang)		{ in, 0, REPLY_STOP, "", 0, "", lang, NULL }
#define RCV(in, c, q, lang)	{ in, 0, REPLY_RECEIVED, c, q, "", lang, NULL }
#define NRCV(in, c, t, lang)	{ in, 0, REPLY_NOT_RECEIVED, c, 0, t, lang, \
				    NULL }
#define GRS(in, t, lang)	{ in, 0, REPLY_GRIEVANCE, "", 0, t, lang, NULL }
#define REG(in, u, lang)	{ in, 0, REPLY_REGISTER, "", 0, u, lang, NULL }
#define UNK(in, why, lang)	{ in, 0, REPLY_UNKNOWN, "", 0, "", lang, why }
#define BIN(in, n, why, lang)	{ in, n, REPLY_UNKNOWN, "", 0, "", lang, why }

#define R_CODE	"relief code missing"
#define R_LEN	"relief code must be exactly 6 digits"
#define R_QTY	"quantity must be a whole number above 0"
#define R_BIG	"quantity too large"
#define R_AFTER	"unexpected text after the relief code"
#define R_KW	"no reply keyword"
#define R_EMPTY	"empty message"
#define R_CONF	"other text after a confirm word"
#define R_STOP	"other text after a stop word"
#define R_GRS	"grievance text missing"
#define R_UNION	"union code missing"
#define R_UAFT	"unexpected text after the union code"
#define R_UTF8	"invalid UTF-8"

static const struct reply_case cases[] = {
	/* confirm: English and neutral */
	CONF("1", "en"),
	CONF(" 1 ", "en"),
	CONF("1.", "en"),
	CONF("১", "bn"),
	CONF("১।", "bn"),
	CONF("OK", "en"),
	CONF("ok", "en"),
	CONF("Ok!", "en"),
	CONF("okay", "en"),
	CONF("OKAY", "en"),
	CONF("okey", "en"),
	CONF("ok ok", "en"),
	CONF("YES", "en"),
	CONF("Yes.", "en"),
	CONF("y", "en"),
	CONF("Y", "en"),
	CONF("yeah", "en"),
	CONF("yes sir", "en"),
	CONF("Sir, ok", "en"),
	CONF("ok thanks", "en"),
	CONF("OK, thank you!", "en"),
	CONF("👍 ok 👍", "en"),
	CONF("ok" ZWSP, "en"),
	CONF(BOM "OK", "en"),
	/* confirm: Bangla script */
	CONF("হ্যাঁ", "bn"),
	CONF("হ্যা", "bn"),
	CONF("হ্যাঁ।", "bn"),
	CONF("হ্যাঁ!", "bn"),
	CONF("হাঁ", "bn"),
	CONF("জি", "bn"),
	CONF("জ্বি", "bn"),
	CONF("জী", "bn"),
	CONF("জি হ্যাঁ", "bn"),
	CONF("জ্বি স্যার", "bn"),
	CONF("ঠিক আছে", "bn"),
	CONF("ঠিক  আছে।", "bn"),
	CONF("আচ্ছা", "bn"),
	CONF("ওকে", "bn"),
	CONF("হ্যাঁ ধন্যবাদ", "bn"),
	CONF("হ" ZWJ "্যাঁ", "bn"),
	CONF(RLM "জি" LRM, "bn"),
	/* confirm: Banglish */
	CONF("ha", "bn"),
	CONF("Ha", "bn"),
	CONF("HAA", "bn"),
	CONF("hya", "bn"),
	CONF("hyaa", "bn"),
	CONF("ji", "bn"),
	CONF("Jee", "bn"),
	CONF("jii", "bn"),
	CONF("ji ha", "bn"),
	CONF("thik ache", "bn"),
	CONF("Thik Ache!", "bn"),
	CONF("thik-ache", "bn"),
	CONF("thik ase", "bn"),
	CONF("thik achhe", "bn"),
	CONF("tik ache", "bn"),
	CONF("accha", "bn"),
	CONF("ok vai", "bn"),
	CONF("ok dhonnobad", "bn"),

	/* confirm that is not */
	UNK("11", R_KW, "en"),
	UNK("1 482913", R_CONF, "en"),
	UNK("ok rcv 482913", R_CONF, "en"),
	UNK("yes I got it", R_CONF, "en"),
	UNK("হ্যাঁ পেয়েছি", R_CONF, "bn"),
	UNK("oks", R_KW, "en"),
	UNK("yesterday", R_KW, "en"),
	UNK("hai", R_KW, "en"),

	/* received: English */
	RCV("RCV 482913", "482913", 0, "en"),
	RCV("rcv 482913", "482913", 0, "en"),
	RCV("Rcv 482913", "482913", 0, "en"),
	RCV("RCV482913", "482913", 0, "en"),
	RCV("RCV: 482913", "482913", 0, "en"),
	RCV("RCV:482913", "482913", 0, "en"),
	RCV("rcv-482913", "482913", 0, "en"),
	RCV("RCV.482913.", "482913", 0, "en"),
	RCV("RCV 482913!", "482913", 0, "en"),
	RCV("RCV 482913!!!", "482913", 0, "en"),
	RCV("  RCV   482913  ", "482913", 0, "en"),
	RCV("RCV\t482913\n", "482913", 0, "en"),
	RCV("RCV" NBSP "482913", "482913", 0, "en"),
	RCV("RCV 482913।", "482913", 0, "bn"),
	RCV("RECEIVED 482913", "482913", 0, "en"),
	RCV("received 482913", "482913", 0, "en"),
	RCV("recv 482913", "482913", 0, "en"),
	RCV("rcvd 482913", "482913", 0, "en"),
	RCV("RCV 000001", "000001", 0, "en"),
	RCV("RCV 482913 thanks", "482913", 0, "en"),
	RCV("Sir RCV 482913", "482913", 0, "en"),
	RCV("hello, RCV 482913, thank you", "482913", 0, "en"),
	RCV("✅ RCV 482913 ✅", "482913", 0, "en"),
	RCV("RCV 48" ZWSP "2913", "482913", 0, "en"),
	RCV("RCV ৪৮২৯১৩", "482913", 0, "bn"),
	RCV("RCV ৪৮2913", "482913", 0, "bn"),
	/* received with quantity */
	RCV("RCV 482913 8", "482913", 8, "en"),
	RCV("RCV 482913 22", "482913", 22, "en"),
	RCV("RCV 482913 22 kg", "482913", 22, "en"),
	RCV("RCV 482913 22kg", "482913", 22, "en"),
	RCV("RCV 482913 22KG", "482913", 22, "en"),
	RCV("RCV482913 8", "482913", 8, "en"),
	RCV("RCV 482913, 8", "482913", 8, "en"),
	RCV("RCV 482913 08", "482913", 8, "en"),
	RCV("RCV 482913 2500 taka", "482913", 2500, "en"),
	RCV("RCV 482913 2500tk", "482913", 2500, "en"),
	RCV("RCV 482913 5 litre", "482913", 5, "en"),
	RCV("RCV 482913 100000", "482913", 100000, "en"),
	RCV("RCV 482913 8 kg thanks", "482913", 8, "en"),
	/* received: Bangla script, both encodings of য় */
	RCV("পেয়েছি ৪৮২৯১৩", "482913", 0, "bn"),
	RCV(PEYECHI_PRE " ৪৮২৯১৩", "482913", 0, "bn"),
	RCV(PEYECHI_DEC " ৪৮২৯১৩", "482913", 0, "bn"),
	RCV("পে" YA_DEC ZWJ "েছি ৪৮২৯১৩", "482913", 0, "bn"),
	RCV("পেয়েছি, ৪৮২৯১৩", "482913", 0, "bn"),
	RCV("পেয়েছি,৪৮২৯১৩।", "482913", 0, "bn"),
	RCV("পেয়েছি৪৮২৯১৩", "482913", 0, "bn"),
	RCV("পেয়েছি 482913", "482913", 0, "bn"),
	RCV("পেয়েছি ৪৮২৯১৩ ৮", "482913", 8, "bn"),
	RCV("পেয়েছি ৪৮২৯১৩ ২২ কেজি", "482913", 22, "bn"),
	RCV("পেয়েছি ৪৮২৯১৩ ২২কেজি।", "482913", 22, "bn"),
	RCV(PEYECHI_PRE " ৪৮২৯১৩ ৮ টাকা", "482913", 8, "bn"),
	RCV("পেয়েছি ৪৮২৯১৩ ১টি", "482913", 1, "bn"),
	RCV("পাইছি ৪৮২৯১৩", "482913", 0, "bn"),
	RCV("পাইসি ৪৮২৯১৩", "482913", 0, "bn"),
	RCV("ভাই পেয়েছি ৪৮২৯১৩ ধন্যবাদ", "482913", 0, "bn"),
	RCV("আসসালামু আলাইকুম, পেয়েছি ৪৮২৯১৩", "482913", 0, "bn"),
	/* received: Banglish */
	RCV("peyechi 482913", "482913", 0, "bn"),
	RCV("Peyechi 482913", "482913", 0, "bn"),
	RCV("payechi 482913", "482913", 0, "bn"),
	RCV("paichi 482913 8", "482913", 8, "bn"),
	RCV("paisi 482913", "482913", 0, "bn"),
	RCV("peyesi 482913 30 keji", "482913", 30, "bn"),
	RCV("PEYECHI482913", "482913", 0, "bn"),
	RCV("salam, peyechi 482913 dhonnobad", "482913", 0, "bn"),

	/* received: malformed, never guessed */
	UNK("RCV", R_CODE, "en"),
	UNK("RCV!", R_CODE, "en"),
	UNK("RCV 48291", R_LEN, "en"),
	UNK("RCV 4829133", R_LEN, "en"),
	UNK("RCV 482 913", R_LEN, "en"),
	UNK("RCV 48-29-13", R_LEN, "en"),
	UNK("RCV 48a913", R_LEN, "en"),
	UNK("RCV 482913482913", R_LEN, "en"),
	UNK("RCV abc", R_CODE, "en"),
	UNK("RCV code", R_CODE, "en"),
	UNK("RCV ABC123", R_CODE, "en"),
	UNK("RCV ４８２９１３", R_CODE, "en"),
	UNK("পেয়েছি ৪৮২৯১", R_LEN, "bn"),
	UNK("পেয়েছি", R_CODE, "bn"),
	UNK("peyechi", R_CODE, "bn"),
	UNK("RCV 482913 0", R_QTY, "en"),
	UNK("RCV 482913 000", R_QTY, "en"),
	UNK("RCV 482913 2.5", R_QTY, "en"),
	UNK("RCV 482913 8 9", R_QTY, "en"),
	UNK("RCV 482913 100001", R_BIG, "en"),
	UNK("RCV 482913 99999999999999999999", R_BIG, "en"),
	UNK("RCV 482913 482913", R_BIG, "en"),
	UNK("RCV 482913 only half", R_AFTER, "en"),
	UNK("RCV 482913abc", R_AFTER, "en"),
	UNK("RCV 482913 kg", R_AFTER, "en"),
	UNK("RCV 482913 8 kg 9", R_AFTER, "en"),
	UNK("পেয়েছি ৪৮২৯১৩ অর্ধেক", R_AFTER, "bn"),
	UNK("482913", R_KW, "en"),
	UNK("৪৮২৯১৩", R_KW, "bn"),
	UNK("482913 RCV", R_KW, "en"),
	UNK("৪৮২৯১৩ পেয়েছি", R_KW, "bn"),
	UNK("RCVD482913X", R_AFTER, "en"),

	/* not_received */
	NRCV("NO 482913", "482913", "", "en"),
	NRCV("no 482913", "482913", "", "en"),
	NRCV("No: 482913", "482913", "", "en"),
	NRCV("NO482913", "482913", "", "en"),
	NRCV("no-482913!", "482913", "", "en"),
	NRCV("not received 482913", "482913", "", "en"),
	NRCV("NOT RECEIVED 482913", "482913", "", "en"),
	NRCV("Not  Received: 482913", "482913", "", "en"),
	NRCV("not rcv 482913", "482913", "", "en"),
	NRCV("NO 482913 dealer kept it", "482913", "dealer kept it", "en"),
	NRCV("NO 482913: Dealer kept it!", "482913", "Dealer kept it!",
	    "en"),
	NRCV("পাইনি ৪৮২৯১৩", "482913", "", "bn"),
	NRCV("পাইনি, ৪৮২৯১৩।", "482913", "", "bn"),
	NRCV("পাই নাই ৪৮২৯১৩", "482913", "", "bn"),
	NRCV("পাই নি ৪৮২৯১৩", "482913", "", "bn"),
	NRCV("পাইনাই ৪৮২৯১৩", "482913", "", "bn"),
	NRCV("পাই না ৪৮২৯১৩", "482913", "", "bn"),
	NRCV("পাইনি ৪৮২৯১৩, ডিলার দেয়নি।", "482913",
	    "ডিলার দে" YA_DEC "নি।", "bn"),
	NRCV("পাইনি ৪৮২৯১৩ ডিলার দে" YA_PRE "নি", "482913",
	    "ডিলার দে" YA_DEC "নি", "bn"),
	NRCV("paini 482913", "482913", "", "bn"),
	NRCV("Pai Nai 482913", "482913", "", "bn"),
	NRCV("pai ni 482913", "482913", "", "bn"),
	NRCV("pai na 482913", "482913", "", "bn"),
	NRCV("painai482913", "482913", "", "bn"),
	NRCV("payni 482913 chairman niye geche", "482913",
	    "chairman niye geche", "bn"),
	UNK("NO", R_CODE, "en"),
	UNK("no", R_CODE, "en"),
	UNK("No!", R_CODE, "en"),
	UNK("no problem", R_CODE, "en"),
	UNK("NO 48291", R_LEN, "en"),
	UNK("NO 4829133", R_LEN, "en"),
	UNK("পাইনি", R_CODE, "bn"),
	UNK("পাই নাই", R_CODE, "bn"),
	UNK("paini", R_CODE, "bn"),
	UNK("not received", R_CODE, "en"),

	/* grievance */
	GRS("GRS dealer took 5 kg", "dealer took 5 kg", "en"),
	GRS("grs dealer took 5 kg", "dealer took 5 kg", "en"),
	GRS("GRS: Dealer took 5 KG.", "Dealer took 5 KG.", "en"),
	GRS("GRS-no rice", "no rice", "en"),
	GRS("GRS   two   spaces", "two spaces", "en"),
	GRS("complaint: list is wrong", "list is wrong", "en"),
	GRS("Complain chairman", "chairman", "en"),
	GRS("অভিযোগ চাল কম দিয়েছে", "চাল কম দি" YA_DEC "েছে", "bn"),
	GRS("অভিযোগ: চাল কম দিয়েছে।", "চাল কম দি" YA_DEC "েছে।", "bn"),
	GRS("অভিযোগ বড় সমস্যা", "ব" RRA_DEC " সমস্যা", "bn"),
	GRS("অভিযোগ ব" RRA_PRE " সমস্যা", "ব" RRA_DEC " সমস্যা", "bn"),
	GRS("ovijog chal kom", "chal kom", "bn"),
	GRS("obhijog member taka chay", "member taka chay", "bn"),
	GRS("abhijog 482913", "482913", "bn"),
	GRS("GRS 😡 no food", "😡 no food", "en"),
	GRS("GRS ৪৮২৯১৩ পাইনি", "৪৮২৯১৩ পাইনি", "bn"),
	GRS("GRS" ZWSP " help", "help", "en"),
	GRS("sir GRS water", "water", "en"),
	UNK("GRS", R_GRS, "en"),
	UNK("GRS:", R_GRS, "en"),
	UNK("অভিযোগ।", R_GRS, "bn"),
	UNK("GRS 😡", R_GRS, "en"),
	UNK("GRSX hello", R_KW, "en"),

	/* register */
	REG("REG 30261851", "30261851", "en"),
	REG("reg 30261851", "30261851", "en"),
	REG("REG30261851", "30261851", "en"),
	REG("REG: 30261851.", "30261851", "en"),
	REG("REG-30261851", "30261851", "en"),
	REG("REGISTER 30261851", "30261851", "en"),
	REG("REG ৩০২৬১৮৫১", "30261851", "bn"),
	REG("নিবন্ধন ৩০২৬১৮৫১", "30261851", "bn"),
	REG("নিবন্ধন: ৩০২৬১৮৫১।", "30261851", "bn"),
	REG("nibondhon 30261851", "30261851", "bn"),
	REG("REG Dhk_01", "Dhk_01", "en"),
	REG("REG abc-12-", "abc-12", "en"),
	REG("REG 30261851 thanks", "30261851", "en"),
	REG("REG 30261851 ভাই", "30261851", "bn"),
	UNK("REG", R_UNION, "en"),
	UNK("REG কালিগঞ্জ", R_UNION, "bn"),
	UNK("REG 3026 1851", R_UAFT, "en"),
	UNK("REG 3026abcদ", R_UAFT, "bn"),
	UNK("REG 123456789012345678901234567890123",
	    "union code too long", "en"),
	UNK("REG 😀 30261851", R_UNION, "en"),

	/* stop */
	STOP("STOP", "en"),
	STOP("stop", "en"),
	STOP("Stop!", "en"),
	STOP("stop please", "en"),
	STOP("STOP STOP", "en"),
	STOP("UNSUBSCRIBE", "en"),
	STOP("বন্ধ", "bn"),
	STOP("বন্ধ।", "bn"),
	STOP("বন্ধ করুন", "bn"),
	STOP("বন্ধ করো", "bn"),
	STOP("bondho", "bn"),
	STOP("Bondho korun", "bn"),
	STOP("bondo", "bn"),
	UNK("বন্ধ রাস্তা", R_STOP, "bn"),
	UNK("stop sending rice", R_STOP, "en"),
	UNK("রাস্তা বন্ধ", R_KW, "bn"),
	UNK("stopp", R_KW, "en"),

	/* anything else */
	UNK("", R_EMPTY, "en"),
	UNK("   ", R_EMPTY, "en"),
	UNK("!!!", R_EMPTY, "en"),
	UNK("👍", R_EMPTY, "en"),
	UNK("।", R_EMPTY, "bn"),
	UNK(ZWSP ZWNJ BOM, R_EMPTY, "en"),
	UNK("sir", R_KW, "en"),
	UNK("ধন্যবাদ", R_KW, "bn"),
	UNK("hello how are you", R_KW, "en"),
	UNK("ami chal pai nai", R_KW, "bn"),
	UNK("আমি চাল পাইনি", R_KW, "bn"),
	UNK("'; DROP TABLE inbound; --", R_KW, "en"),
	UNK("RCV' OR '1'='1", R_CODE, "en"),
	UNK("%s%n%x", R_KW, "en"),
	UNK("ক", R_KW, "bn"),
	{ "RCV\0 482913", 11, REPLY_RECEIVED, "482913", 0, "", "en", NULL },
	BIN("\xff\xfe" "R\0C\0V\0", 8, R_UTF8, "en"),
	BIN("RCV 48291\xc3", 10, R_UTF8, "en"),
	BIN("\xc0\x80", 2, R_UTF8, "en"),
	BIN("\xed\xa0\x80 ok", 6, R_UTF8, "en"),
	BIN("পেয়েছি \xe0\xa7", 0, R_UTF8, "bn"),
	BIN("\xf8\x88\x80\x80\x80", 5, R_UTF8, "en"),
};

/* Rows whose input needs building: long and repeated texts. */
static void
test_long(void)
{
	struct reply	 r;
	char		*buf, *p;
	size_t		 i, n;

	/* Over REPLY_IN_MAX: not read at all. */
	n = REPLY_IN_MAX + 1;
	buf = malloc(n);
	memset(buf, 'a', n);
	memcpy(buf, "RCV 482913 ", 11);
	is_int(reply_parse(buf, n, &r), REPLY_UNKNOWN, "over-long: unknown");
	is_str(r.reason, "message too long", "over-long: reason");
	is_str(r.lang, "en", "over-long: lang");
	memcpy(buf, "অভিযোগ", strlen("অভিযোগ"));
	reply_parse(buf, n, &r);
	is_str(r.lang, "bn", "over-long Bangla: lang bn");
	free(buf);

	/* Exactly REPLY_IN_MAX bytes of ASCII grievance: capped text. */
	n = REPLY_IN_MAX;
	buf = malloc(n);
	memset(buf, 'x', n);
	memcpy(buf, "GRS ", 4);
	for (i = 10; i < n; i += 10)
		buf[i] = ' ';
	is_int(reply_parse(buf, n, &r), REPLY_GRIEVANCE, "long GRS: grievance");
	ok(r.text_truncated, "long GRS: truncated");
	ok(strlen(r.text) < REPLY_TEXT_MAX && strlen(r.text) > 1900,
	    "long GRS: text capped (%zu bytes)", strlen(r.text));
	ok(r.text[strlen(r.text) - 1] != ' ', "long GRS: no trailing space");
	free(buf);

	/* Bangla grievance past the cap: cut between whole letters. */
	n = 0;
	buf = malloc(REPLY_IN_MAX);
	p = buf;
	memcpy(p, "অভিযোগ ", strlen("অভিযোগ "));
	p += strlen("অভিযোগ ");
	while ((size_t)(p - buf) + 12 < REPLY_IN_MAX - 8) {
		memcpy(p, "কি", strlen("কি"));	/* letter + vowel sign */
		p += strlen("কি");
	}
	reply_parse(buf, (size_t)(p - buf), &r);
	is_int(r.intent, REPLY_GRIEVANCE, "long Bangla GRS: grievance");
	ok(r.text_truncated, "long Bangla GRS: truncated");
	n = strlen(r.text);
	ok(n >= strlen("কি") && strcmp(r.text + n - strlen("কি"), "কি") == 0,
	    "long Bangla GRS: ends on a whole কি");
	is_str(r.lang, "bn", "long Bangla GRS: lang");
	free(buf);

	/* More tokens than REPLY_TOK_MAX. */
	n = 3 * (REPLY_TOK_MAX + 10);
	buf = malloc(n + 1);
	for (i = 0; i + 3 <= n; i += 3)
		memcpy(buf + i, "ok ", 3);
	buf[n] = '\0';
	reply_parse(buf, n, &r);
	is_int(r.intent, REPLY_UNKNOWN, "%d x ok: past the token cap",
	    REPLY_TOK_MAX + 10);
	reply_parse(buf, 3 * (REPLY_TOK_MAX - 1), &r);
	is_int(r.intent, REPLY_CONFIRM, "%d x ok: confirm",
	    REPLY_TOK_MAX - 1);
	free(buf);

	/* NULL text. */
	is_int(reply_parse(NULL, 0, &r), REPLY_UNKNOWN, "NULL: unknown");
	is_str(r.reason, R_EMPTY, "NULL: empty");
	is_int(reply_parse(NULL, 5, &r), REPLY_UNKNOWN, "NULL, 5: unknown");
}

static void
test_lang_neutral(void)
{
	static const struct {
		const char	*in;
		int		 neutral;
	} t[] = {
		{ "1", 1 }, { "OK", 1 }, { "sir ok", 1 }, { "👍", 1 },
		{ "", 1 }, { "482913", 1 }, { "RCV 482913", 0 },
		{ "yes", 0 }, { "ha", 0 }, { "১", 0 }, { "hello world", 0 },
		{ "\xc0", 1 },
	};
	struct reply	 r;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		reply_parse(t[i].in, strlen(t[i].in), &r);
		is_int(r.lang_neutral, t[i].neutral, "lang_neutral \"%s\"",
		    t[i].in);
	}
}

static void
test_names(void)
{
	is_str(reply_intent_name(REPLY_CONFIRM), "confirm", "name confirm");
	is_str(reply_intent_name(REPLY_RECEIVED), "received",
	    "name received");
	is_str(reply_intent_name(REPLY_NOT_RECEIVED), "not_received",
	    "name not_received");
	is_str(reply_intent_name(REPLY_GRIEVANCE), "grievance",
	    "name grievance");
	is_str(reply_intent_name(REPLY_REGISTER), "register",
	    "name register");
	is_str(reply_intent_name(REPLY_STOP), "stop", "name stop");
	is_str(reply_intent_name(REPLY_UNKNOWN), "unknown", "name unknown");
	is_str(reply_intent_name(-1), "unknown", "name -1");
	is_str(reply_intent_name(7), "unknown", "name 7");
}

/* The input as a printable test name: controls as \xNN. */
static const char *
show(const char *s, size_t len)
{
	static char	 buf[256];
	size_t		 i, o = 0;
	int		 valid = text_utf8_valid(s, len);

	for (i = 0; i < len && o + 5 < sizeof(buf); i++) {
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f ||
		    (!valid && (unsigned char)s[i] >= 0x80))
			o += snprintf(buf + o, sizeof(buf) - o, "\\x%02x",
			    (unsigned char)s[i]);
		else
			buf[o++] = s[i];
	}
	buf[o] = '\0';
	return buf;
}

int
main(void)
{
	const struct reply_case	*c;
	struct reply		 r;
	const char		*arg;
	size_t			 i, len;
	int			 got, good;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = &cases[i];
		len = c->len != 0 ? c->len : strlen(c->in);
		memset(&r, 0xa5, sizeof(r));
		got = reply_parse(c->in, len, &r);
		arg = c->intent == REPLY_REGISTER ? r.union_code : r.text;
		good = got == c->intent && r.intent == got &&
		    strcmp(r.code, c->code) == 0 && r.qty == c->qty &&
		    strcmp(arg, c->arg) == 0 && strcmp(r.lang, c->lang) == 0 &&
		    (c->reason == NULL || (r.reason != NULL &&
		    strcmp(r.reason, c->reason) == 0));
		if (!ok(good, "%s \"%s\"", reply_intent_name(c->intent),
		    show(c->in, len)))
			diag("got %s code \"%s\" qty %ld arg \"%s\" lang %s "
			    "reason %s", reply_intent_name(got), r.code,
			    r.qty, arg, r.lang,
			    r.reason ? r.reason : "(none)");
		ok((r.reason != NULL) == (got == REPLY_UNKNOWN) &&
		    (got == REPLY_REGISTER || r.union_code[0] == '\0') &&
		    (got == REPLY_GRIEVANCE || got == REPLY_NOT_RECEIVED ||
		    r.text[0] == '\0') && (got == REPLY_RECEIVED ||
		    r.qty == 0) && !r.text_truncated,
		    "invariants \"%s\"", show(c->in, len));
	}
	test_long();
	test_lang_neutral();
	test_names();
	return done_testing();
}
