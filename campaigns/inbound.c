/*
 * inbound.c: what citizens text back (Kannel MO), from the raw callback
 * to the answer.
 *
 * inbound_handle() runs inside the current group-commit batch, in this
 * order, and each step is a row in the same transaction as the ones
 * before it:
 *
 *	1. store	the row (inbound: sender as given, the number in
 *			E.164 or NULL, the text bytes as Kannel passed them,
 *			Kannel's id, coding, charset, SMSC), in the same
 *			commit as whatever is done for it.  A grievance or
 *			a dispute points at it, so then it is written
 *			first, raw, and completed at the end; otherwise its
 *			id is taken first and it is written once, complete,
 *			at the end.  A failure while acting is written into
 *			its outcome, never rolled back over it.
 *	2. dedupe	a repeat (the same Kannel id again: a retried
 *			callback; or the same number and text within
 *			[replies] dedupe_window) is marked duplicate_of and
 *			stops here: not acted on, not answered.
 *	3. parse	reply_parse() (gateway/reply.h): intent + argument.
 *	4. act		confirm: the latest warning sent to this number
 *			whose confirmation window (from submission) is open
 *			gets confirmed_at; received / not_received:
 *			relief_receipt(); grievance: grievance_open();
 *			register: create or move the recipient (and resume
 *			awareness messages); stop: opt out of awareness only;
 *			unknown: nothing.
 *	5. answer	one SMS in the sender's language (inbound_lang():
 *			Bangla if they wrote Bangla, else the language they
 *			registered with, else Bangla unless they wrote
 *			English words of their own) through the outbox, at
 *			reply priority.
 *			A sender that is not a phone number (an operator's
 *			alphanumeric id) is not answered.
 *
 * The caller (api-inbound.c) answers Kannel only once the batch holding
 * all of this has committed, so an MO that Kannel was told is accepted
 * survives a crash.
 */
#include "config.h"

#include <event2/buffer.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "areas.h"
#include "auth.h"
#include "campaigns.h"
#include "conf.h"
#include "log.h"
#include "msisdn.h"
#include "reply.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

static uint64_t	 mo_intents[REPLY_STOP + 1];
static uint64_t	 mo_duplicates, mo_forged, mo_unanswered, mo_answers;

/* --- answers ------------------------------------------------------------ */

enum answer {
	A_CONFIRM_OK,
	A_CONFIRM_NONE,
	A_RCV_FULL,
	A_RCV_SHORT,
	A_RCV_REPEAT,
	A_RCV_BADCODE,
	A_RCV_LIMITED,
	A_RCV_TOOMUCH,
	A_DISPUTE,
	A_GRIEVANCE,
	A_REG_OK,
	A_REG_UNKNOWN,
	A_STOP_OK,
	A_STOP_NOTREG,
	A_HELP,
	A_HELP_CODE,
	A_HELP_UNION,
	A_ERROR,
	A_COUNT
};

/*
 * One line per answer, Bangla then English.  printf formats: the
 * arguments each answer takes are named in the comment; numbers in the
 * Bangla lines are written in Bangla digits by inbound_answer().
 */
static const char *const answers[A_COUNT][2] = {
	[A_CONFIRM_OK] = {
	    "ধন্যবাদ। সতর্কবার্তা পাওয়ার নিশ্চিতকরণ নথিভুক্ত হয়েছে। নিরাপদে থাকুন।",
	    "Thank you. Your confirmation of the warning is recorded. "
	    "Stay safe." },
	[A_CONFIRM_NONE] = {
	    "এখন নিশ্চিত করার মতো কোনো সতর্কবার্তা নেই।",
	    "There is no open warning to confirm now." },
	/* item */
	[A_RCV_FULL] = {
	    "ধন্যবাদ। আপনার ত্রাণ (%s) পুরোপুরি পাওয়া নথিভুক্ত হয়েছে।",
	    "Thank you. Your relief (%s) is recorded as received in full." },
	/* received, unit, entitled, unit, item */
	[A_RCV_SHORT] = {
	    "ধন্যবাদ। নথিভুক্ত: %ld%s পেয়েছেন, বরাদ্দ %ld%s (%s)। ঘাটতির তথ্য "
	    "কর্তৃপক্ষের কাছে যাবে।",
	    "Thank you. Recorded: %ld%s received of %ld%s (%s). The "
	    "shortfall is reported." },
	[A_RCV_REPEAT] = {
	    "আপনার এই প্রাপ্তি আগেই নথিভুক্ত হয়েছে।",
	    "This receipt was already recorded." },
	[A_RCV_BADCODE] = {
	    "কোডটি আপনার নম্বরের সাথে মেলেনি। ত্রাণ বার্তার ৬ অঙ্কের কোডটি পাঠান।",
	    "That code does not match your number. Send the 6-digit code "
	    "from your relief notice." },
	[A_RCV_LIMITED] = {
	    "অনেকবার ভুল কোড এসেছে। পরে আবার চেষ্টা করুন বা ইউনিয়ন পরিষদে "
	    "যোগাযোগ করুন।",
	    "Too many wrong codes. Try again later or contact your union "
	    "parishad." },
	/* entitled, unit */
	[A_RCV_TOOMUCH] = {
	    "আপনার বরাদ্দ %ld%s। যত পেয়েছেন সেই সংখ্যাটি আবার পাঠান।",
	    "Your entitlement is %ld%s. Send the quantity you received "
	    "again." },
	/* grievance id */
	[A_DISPUTE] = {
	    "ত্রাণ না পাওয়ার অভিযোগ নথিভুক্ত হয়েছে, নং %lld। কর্মকর্তারা "
	    "যোগাযোগ করবেন।",
	    "Recorded that you did not receive your relief. Complaint "
	    "#%lld is open; officials will follow up." },
	/* grievance id */
	[A_GRIEVANCE] = {
	    "আপনার অভিযোগ গৃহীত হয়েছে। অভিযোগ নং %lld।",
	    "Your complaint is recorded. Reference #%lld." },
	/* union name */
	[A_REG_OK] = {
	    "আপনি %s ইউনিয়নে নিবন্ধিত হয়েছেন। সতর্কবার্তা ও ত্রাণের খবর এই "
	    "নম্বরে আসবে।",
	    "You are registered for %s union. Warnings and relief news "
	    "will come to this number." },
	/* code */
	[A_REG_UNKNOWN] = {
	    "ইউনিয়ন কোড %s পাওয়া যায়নি। লিখুন: REG <ইউনিয়ন কোড>",
	    "Union code %s not found. Send: REG <union code>" },
	[A_STOP_OK] = {
	    "সচেতনতামূলক বার্তা বন্ধ হয়েছে। সতর্কবার্তা ও ত্রাণের বার্তা আসবে। "
	    "আবার চালু: REG <ইউনিয়ন কোড>",
	    "Awareness messages stopped. Warnings and relief notices will "
	    "still come. To resume: REG <union code>" },
	[A_STOP_NOTREG] = {
	    "এই নম্বরটি নিবন্ধিত নয়; বন্ধ করার মতো কিছু নেই।",
	    "This number is not registered; there is nothing to stop." },
	[A_HELP] = {
	    "উত্তর দিন: ১ = সতর্কবার্তা পেয়েছি; পেয়েছি <কোড>; পাইনি <কোড>; "
	    "অভিযোগ <লিখুন>; বন্ধ",
	    "Reply: 1 = warning received; RCV <code>; NO <code> = not "
	    "received; GRS <text> = complaint; STOP" },
	[A_HELP_CODE] = {
	    "ত্রাণ কোড ৬ অঙ্কের। লিখুন: পেয়েছি ১২৩৪৫৬ (কম পেলে: পেয়েছি ১২৩৪৫৬ ২০)",
	    "A relief code has 6 digits. Send: RCV 123456 (if less: "
	    "RCV 123456 20)" },
	[A_HELP_UNION] = {
	    "নিবন্ধনের জন্য লিখুন: REG <ইউনিয়ন কোড>",
	    "To register, send: REG <union code>" },
	[A_ERROR] = {
	    "দুঃখিত, এখন আপনার বার্তাটি প্রক্রিয়া করা গেল না। পরে আবার পাঠান।",
	    "Sorry, your message could not be processed now. Please send "
	    "it again later." },
};

/* The answer text (caller frees).  en: 0 Bangla, 1 English. */
static char *
inbound_answer(int which, int en, ...)
{
	char	 buf[1024], bn[sizeof(buf) * 3];
	va_list	 ap;

	va_start(ap, en);
	vsnprintf(buf, sizeof(buf), answers[which][en], ap);
	va_end(ap);
	if (en)
		return xstrdup(buf);
	/* On the stack: a 3 KiB malloc per answer made glibc consolidate
	 * its small free chunks every time. */
	text_bn_digits(buf, bn, sizeof(bn));
	return xstrdup(bn);
}

/* --- the steps ---------------------------------------------------------- */

struct mo_ctx {
	struct store		*s;
	const struct conf	*cf;
	const struct mo_in	*in;
	struct mo_result	*res;
	char			 msisdn[MSISDN_MAX];	/* "" = not a number */
	char			*text;		/* UTF-8 view, NUL-terminated */
	size_t			 textlen;
	struct reply		 rp;
	/* the sender as registered */
	int64_t			 rid;
	char			 union_code[AREA_CODE_MAX];
	char			 rlang[3];
	const char		*lang;		/* of the answer */
	char			*answer;
};

/*
 * The text as UTF-8 for parsing: as given, or converted when Kannel
 * passed UTF-16BE / UCS-2 (an smsbox without mo-recode).  Caller frees.
 */
static char *
inbound_utf8(const struct mo_in *in, size_t *outlen)
{
	const char	*cs = in->charset;
	iconv_t		 cd;
	char		*out, *ip, *op;
	size_t		 il, ol, cap;

	if (cs == NULL || (strcasecmp(cs, "UTF-16BE") != 0 &&
	    strcasecmp(cs, "UCS-2") != 0 && strcasecmp(cs, "UCS-2BE") != 0 &&
	    strcasecmp(cs, "UTF-16") != 0)) {
		out = xmalloc(in->len + 1);
		memcpy(out, in->text, in->len);
		out[in->len] = '\0';
		*outlen = in->len;
		return out;
	}
	cap = in->len * 2 + 4;
	out = xmalloc(cap);
	if ((cd = iconv_open("UTF-8", "UTF-16BE")) == (iconv_t)-1) {
		out[0] = '\0';
		*outlen = 0;
		return out;
	}
	ip = (char *)in->text;
	il = in->len;
	op = out;
	ol = cap - 1;
	/* An odd byte or a lone surrogate stops here: the rest is kept raw
	 * in the row, and the parser sees what converted. */
	(void)iconv(cd, &ip, &il, &op, &ol);
	iconv_close(cd);
	*op = '\0';
	*outlen = (size_t)(op - out);
	return out;
}

/*
 * Write the row: the raw message only (full 0: what it meant follows in
 * inbound_record()), or everything at once (full 1).  With id 0 SQLite
 * picks the id.
 */
static int
inbound_store(struct mo_ctx *c, int full, int64_t id)
{
	static const char ins[] = "INSERT INTO inbound (id, at_ms, kannel_id,"
	    " sender, msisdn, to_addr, smsc, coding, charset, text,"
	    " recipient_id, union_code, lang, intent, arg, outcome,"
	    " duplicate_of, reply_id) VALUES (nullif(?1, 0), ?2, ?3, ?4, ?5,"
	    " ?6, ?7, ?8, ?9, ?10, nullif(?11, 0), ?12, ?13, ?14, ?15, ?16,"
	    " nullif(?17, 0), nullif(?18, 0))";
	const struct mo_in *in = c->in;
	struct mo_result *r = c->res;
	sqlite3_stmt	*st;

	if (store_batch_op(c->s) == -1 ||
	    (st = store_prepare(c->s, ins)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, in->now_ms);
	if (in->kannel_id != NULL && *in->kannel_id != '\0')
		sqlite3_bind_text(st, 3, in->kannel_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, in->sender, -1, SQLITE_STATIC);
	if (c->msisdn[0] != '\0')
		sqlite3_bind_text(st, 5, c->msisdn, -1, SQLITE_STATIC);
	if (in->to != NULL)
		sqlite3_bind_text(st, 6, in->to, -1, SQLITE_STATIC);
	if (in->smsc != NULL)
		sqlite3_bind_text(st, 7, in->smsc, -1, SQLITE_STATIC);
	if (in->coding >= 0)
		sqlite3_bind_int(st, 8, in->coding);
	if (in->charset != NULL)
		sqlite3_bind_text(st, 9, in->charset, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 10, in->len ? in->text : "", (int)in->len,
	    SQLITE_STATIC);
	if (full) {
		sqlite3_bind_int64(st, 11, c->rid);
		if (c->rid != 0)
			sqlite3_bind_text(st, 12, c->union_code, -1,
			    SQLITE_STATIC);
		if (c->lang != NULL)
			sqlite3_bind_text(st, 13, c->lang, -1, SQLITE_STATIC);
		if (r->intent != NULL)
			sqlite3_bind_text(st, 14, r->intent, -1, SQLITE_STATIC);
		if (r->arg[0] != '\0')
			sqlite3_bind_text(st, 15, r->arg, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 16, r->outcome, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 17, r->duplicate_of);
		sqlite3_bind_int64(st, 18, r->reply_id);
	}
	if (camp_step(c->s, st, "inbound: store") == -1)
		return -1;
	r->inbound_id = sqlite3_last_insert_rowid(store_db(c->s));
	return 0;
}

/* The id the next row will get: this connection is the only writer of
 * the open transaction, and SQLite gives max(id) + 1. */
static int64_t
inbound_next_id(struct mo_ctx *c)
{
	int64_t	 id;

	if (store_batch_op(c->s) == -1 ||
	    store_int64(c->s, "SELECT coalesce(max(id), 0) + 1 FROM inbound",
	    &id) == -1)
		return -1;
	return id;
}

/* The earlier row this one repeats, or 0. */
static int64_t
inbound_repeat_of(struct mo_ctx *c)
{
	static const char by_id[] = "SELECT id FROM inbound WHERE"
	    " kannel_id = ?1 ORDER BY id LIMIT 1";
	static const char by_text[] = "SELECT id FROM inbound WHERE"
	    " msisdn = ?1 AND at_ms >= ?2 AND text = ?4 AND"
	    " duplicate_of IS NULL ORDER BY at_ms DESC LIMIT 1";
	const struct mo_in *in = c->in;
	sqlite3_stmt	*st;
	int64_t		 id = 0;

	if (in->kannel_id != NULL && *in->kannel_id != '\0' &&
	    (st = store_prepare(c->s, by_id)) != NULL) {
		sqlite3_bind_text(st, 1, in->kannel_id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (id != 0)
			return id;
	}
	if (c->msisdn[0] == '\0' || c->cf->dedupe_window == 0 ||
	    (st = store_prepare(c->s, by_text)) == NULL)
		return 0;
	sqlite3_bind_text(st, 1, c->msisdn, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, in->now_ms - (int64_t)c->cf->dedupe_window *
	    1000);
	sqlite3_bind_blob(st, 4, in->len ? in->text : "", (int)in->len,
	    SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

static void
inbound_lookup_sender(struct mo_ctx *c)
{
	static const char q[] = "SELECT id, union_code, lang FROM recipients"
	    " WHERE msisdn = ?1";
	sqlite3_stmt	*st;

	c->rid = 0;
	if (c->msisdn[0] == '\0' || (st = store_prepare(c->s, q)) == NULL)
		return;
	sqlite3_bind_text(st, 1, c->msisdn, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		c->rid = sqlite3_column_int64(st, 0);
		strlcpy_sk(c->union_code, (const char *)sqlite3_column_text(st,
		    1), sizeof(c->union_code));
		strlcpy_sk(c->rlang, (const char *)sqlite3_column_text(st, 2),
		    sizeof(c->rlang));
	}
	sqlite3_reset(st);
}

/*
 * The answer's language: Bangla when the text shows Bangla (script or a
 * Banglish word); else the language the sender registered with; else,
 * for an unregistered sender, English only when they wrote English words
 * of their own (a complaint, an unknown message): the keywords RCV, REG,
 * STOP, OK are typed by everyone, and the country's default is Bangla.
 */
static const char *
inbound_lang(const struct mo_ctx *c)
{
	if (!c->rp.lang_neutral && strcmp(c->rp.lang, "bn") == 0)
		return "bn";
	if (c->rid != 0)
		return strcmp(c->rlang, "en") == 0 ? "en" : "bn";
	if (!c->rp.lang_neutral && (c->rp.intent == REPLY_UNKNOWN ||
	    c->rp.intent == REPLY_GRIEVANCE || (c->rp.intent ==
	    REPLY_NOT_RECEIVED && c->rp.text[0] != '\0')))
		return "en";
	return "bn";
}

static int
inbound_en(const struct mo_ctx *c)
{
	return strcmp(c->lang, "en") == 0;
}

static void
inbound_outcome(struct mo_ctx *c, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(c->res->outcome, sizeof(c->res->outcome), fmt, ap);
	va_end(ap);
}

static int
inbound_confirm(struct mo_ctx *c)
{
	/* The partial index messages_confirm holds only warnings' rows. */
	static const char find[] = "SELECT id, alert_id, confirmed_at"
	    " FROM messages WHERE recipient_id = ?1 AND confirm_ms IS NOT NULL"
	    " AND state IN (2, 3) AND coalesce(submitted_at, done_at) +"
	    " confirm_ms >= ?2 ORDER BY id DESC LIMIT 1";
	static const char set[] = "UPDATE messages SET confirmed_at = ?2"
	    " WHERE id = ?1 AND confirmed_at IS NULL";
	sqlite3_stmt	*st;
	int64_t		 mid = 0, alert = 0;
	int		 already = 0;

	if (c->rid != 0 && (st = store_prepare(c->s, find)) != NULL) {
		sqlite3_bind_int64(st, 1, c->rid);
		sqlite3_bind_int64(st, 2, c->in->now_ms);
		if (sqlite3_step(st) == SQLITE_ROW) {
			mid = sqlite3_column_int64(st, 0);
			alert = sqlite3_column_int64(st, 1);
			already = sqlite3_column_type(st, 2) != SQLITE_NULL;
		}
		sqlite3_reset(st);
	}
	if (mid == 0) {
		inbound_outcome(c, c->rid ? "nothing to confirm" :
		    "nothing to confirm (not registered)");
		c->answer = inbound_answer(A_CONFIRM_NONE, inbound_en(c));
		return 0;
	}
	if (already)
		inbound_outcome(c, "already confirmed alert %lld",
		    (long long)alert);
	else {
		if (store_batch_op(c->s) == -1 ||
		    (st = store_prepare(c->s, set)) == NULL)
			return -1;
		sqlite3_bind_int64(st, 1, mid);
		sqlite3_bind_int64(st, 2, c->in->now_ms);
		if (camp_step(c->s, st, "inbound: confirm") == -1)
			return -1;
		inbound_outcome(c, "confirmed alert %lld", (long long)alert);
		log_debug("alert=%lld msg=%lld confirmed by reply inbound=%lld",
		    (long long)alert, (long long)mid,
		    (long long)c->res->inbound_id);
	}
	c->answer = inbound_answer(A_CONFIRM_OK, inbound_en(c));
	return 0;
}

static int
inbound_relief(struct mo_ctx *c)
{
	struct receipt_in	 ri;
	struct receipt_out	 ro;
	const char		*unit;
	char			 sp[20];
	int			 en = inbound_en(c);

	memset(&ri, 0, sizeof(ri));
	memset(&ro, 0, sizeof(ro));
	ri.kind = c->rp.intent == REPLY_RECEIVED ? RECEIPT_RECEIVED :
	    RECEIPT_DISPUTED;
	ri.code = c->rp.code;
	ri.msisdn = c->msisdn;
	ri.qty = c->rp.qty;
	ri.channel = "sms";
	ri.actor = c->msisdn;
	ri.raw = c->text;
	ri.note = c->rp.text;
	ri.lang = c->lang;
	ri.inbound_id = c->res->inbound_id;
	ri.wrong_codes = c->cf->wrong_codes;
	ri.wrong_window = c->cf->wrong_code_window;
	ri.now_ms = c->in->now_ms;
	relief_receipt(c->s, &ri, &ro);
	unit = ro.unit;
	snprintf(sp, sizeof(sp), "%s%s", *unit ? " " : "", unit);
	switch (ro.outcome) {
	case RECEIPT_OK:
		if (ri.kind == RECEIPT_DISPUTED) {
			inbound_outcome(c, "disputed entitlement %lld, "
			    "grievance %lld", (long long)ro.entitlement_id,
			    (long long)ro.grievance_id);
			c->answer = inbound_answer(A_DISPUTE, en,
			    (long long)ro.grievance_id);
		} else if (strcmp(ro.state, "short") == 0) {
			inbound_outcome(c, "receipt %lld: %ld of %ld (short)",
			    (long long)ro.receipt_id, ro.received, ro.entitled);
			c->answer = inbound_answer(A_RCV_SHORT, en, ro.received,
			    sp, ro.entitled, sp, ro.item);
		} else {
			inbound_outcome(c, "receipt %lld: in full",
			    (long long)ro.receipt_id);
			c->answer = inbound_answer(A_RCV_FULL, en, ro.item);
		}
		return 0;
	case RECEIPT_REPEAT:
		inbound_outcome(c, "repeat of a recorded receipt "
		    "(entitlement %lld)", (long long)ro.entitlement_id);
		c->answer = inbound_answer(A_RCV_REPEAT, en);
		return 0;
	case RECEIPT_UNKNOWN_CODE:
		inbound_outcome(c, "unknown code");
		c->answer = inbound_answer(A_RCV_BADCODE, en);
		return 0;
	case RECEIPT_NOT_OWNER:
		inbound_outcome(c, "code of another number (entitlement "
		    "%lld): refused, recorded", (long long)ro.entitlement_id);
		c->answer = inbound_answer(A_RCV_BADCODE, en);
		return 0;
	case RECEIPT_RATE_LIMITED:
		inbound_outcome(c, "too many wrong codes: refused");
		c->answer = inbound_answer(A_RCV_LIMITED, en);
		return 0;
	case RECEIPT_TOO_MUCH:
		inbound_outcome(c, "quantity %ld above the entitlement %ld",
		    c->rp.qty, ro.entitled);
		c->answer = inbound_answer(A_RCV_TOOMUCH, en, ro.entitled, sp);
		return 0;
	default:
		return -1;
	}
}

static int
inbound_grievance(struct mo_ctx *c)
{
	struct grievance_in	 g;
	int64_t			 id;

	memset(&g, 0, sizeof(g));
	g.msisdn = c->msisdn;
	g.recipient_id = c->rid;
	g.union_code = c->rid ? c->union_code : NULL;
	g.channel = "sms";
	g.category = "general";
	g.text = c->rp.text;
	g.lang = c->lang;
	g.inbound_id = c->res->inbound_id;
	g.now = c->in->now_ms / 1000;
	if ((id = grievance_open(c->s, &g)) == -1)
		return -1;
	inbound_outcome(c, "grievance %lld opened", (long long)id);
	c->answer = inbound_answer(A_GRIEVANCE, inbound_en(c), (long long)id);
	return 0;
}

static int
inbound_register(struct mo_ctx *c)
{
	static const char ins[] = "INSERT INTO recipients (msisdn,"
	    " union_code, lang, channel, created_at, updated_at) VALUES"
	    " (?1, ?2, ?3, 'sms', ?4, ?4)";
	static const char move[] = "UPDATE recipients SET union_code = ?2,"
	    " opted_out = 0, updated_at = ?3 WHERE id = ?1";
	struct area	 a;
	sqlite3_stmt	*st;
	char		 detail[256];
	int		 rc;

	memset(&a, 0, sizeof(a));
	rc = area_get(c->s, c->rp.union_code, &a);
	if (rc == -1)
		return -1;
	if (rc == 1 || a.level != AREA_UNION) {
		area_clear(&a);
		inbound_outcome(c, "unknown union %s", c->rp.union_code);
		c->answer = inbound_answer(A_REG_UNKNOWN, inbound_en(c),
		    c->rp.union_code);
		return 0;
	}
	if (store_batch_op(c->s) == -1)
		goto fail;
	if (c->rid == 0) {
		if ((st = store_prepare(c->s, ins)) == NULL)
			goto fail;
		sqlite3_bind_text(st, 1, c->msisdn, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, a.code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, c->lang, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, c->in->now_ms / 1000);
		if (camp_step(c->s, st, "inbound: register") == -1)
			goto fail;
		c->rid = sqlite3_last_insert_rowid(store_db(c->s));
		inbound_outcome(c, "registered in %s", a.code);
	} else {
		if ((st = store_prepare(c->s, move)) == NULL)
			goto fail;
		sqlite3_bind_int64(st, 1, c->rid);
		sqlite3_bind_text(st, 2, a.code, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, c->in->now_ms / 1000);
		if (camp_step(c->s, st, "inbound: move") == -1)
			goto fail;
		inbound_outcome(c, strcmp(c->union_code, a.code) == 0 ?
		    "registered again in %s" : "moved to %s", a.code);
	}
	snprintf(detail, sizeof(detail), "{\"msisdn\":\"%s\",\"union\":\"%s\","
	    "\"from\":\"%s\",\"inbound\":%lld}", c->msisdn, a.code,
	    c->union_code, (long long)c->res->inbound_id);
	if (audit_log(c->s, 0, "recipient.register", a.code, detail) == -1)
		goto fail;
	strlcpy_sk(c->union_code, a.code, sizeof(c->union_code));
	c->answer = inbound_answer(A_REG_OK, inbound_en(c), inbound_en(c) ?
	    a.name_en : a.name_bn);
	area_clear(&a);
	return 0;
fail:
	area_clear(&a);
	return -1;
}

static int
inbound_stop(struct mo_ctx *c)
{
	static const char stop[] = "UPDATE recipients SET opted_out = 1,"
	    " updated_at = ?2 WHERE id = ?1";
	sqlite3_stmt	*st;
	char		 detail[128];

	if (c->rid == 0) {
		inbound_outcome(c, "not registered: nothing to stop");
		c->answer = inbound_answer(A_STOP_NOTREG, inbound_en(c));
		return 0;
	}
	if (store_batch_op(c->s) == -1 ||
	    (st = store_prepare(c->s, stop)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, c->rid);
	sqlite3_bind_int64(st, 2, c->in->now_ms / 1000);
	if (camp_step(c->s, st, "inbound: stop") == -1)
		return -1;
	snprintf(detail, sizeof(detail), "{\"msisdn\":\"%s\",\"inbound\":%lld}",
	    c->msisdn, (long long)c->res->inbound_id);
	if (audit_log(c->s, 0, "recipient.stop", c->union_code, detail) == -1)
		return -1;
	inbound_outcome(c, "opted out of awareness messages");
	c->answer = inbound_answer(A_STOP_OK, inbound_en(c));
	return 0;
}

static void
inbound_unknown(struct mo_ctx *c)
{
	const char	*why = c->rp.reason ? c->rp.reason : "not understood";
	int		 which = A_HELP;

	if (strstr(why, "code") != NULL && strstr(why, "union") == NULL)
		which = A_HELP_CODE;
	else if (strstr(why, "union") != NULL)
		which = A_HELP_UNION;
	inbound_outcome(c, "unknown: %s", why);
	c->answer = inbound_answer(which, inbound_en(c));
}

/* What the row says it meant. */
static int
inbound_record(struct mo_ctx *c)
{
	static const char upd[] = "UPDATE inbound SET recipient_id ="
	    " nullif(?2, 0), union_code = ?3, lang = ?4, intent = ?5,"
	    " arg = ?6, outcome = ?7, duplicate_of = nullif(?8, 0),"
	    " reply_id = nullif(?9, 0) WHERE id = ?1";
	struct mo_result *r = c->res;
	sqlite3_stmt	*st;

	if (store_batch_op(c->s) == -1 ||
	    (st = store_prepare(c->s, upd)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, r->inbound_id);
	sqlite3_bind_int64(st, 2, c->rid);
	if (c->rid != 0)
		sqlite3_bind_text(st, 3, c->union_code, -1, SQLITE_STATIC);
	if (c->lang != NULL)
		sqlite3_bind_text(st, 4, c->lang, -1, SQLITE_STATIC);
	if (r->intent != NULL)
		sqlite3_bind_text(st, 5, r->intent, -1, SQLITE_STATIC);
	if (r->arg[0] != '\0')
		sqlite3_bind_text(st, 6, r->arg, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->outcome, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, r->duplicate_of);
	sqlite3_bind_int64(st, 9, r->reply_id);
	return camp_step(c->s, st, "inbound: record");
}

/* The argument as shown by the API. */
static void
inbound_arg(struct mo_ctx *c)
{
	struct mo_result *r = c->res;
	const struct reply *p = &c->rp;

	switch (p->intent) {
	case REPLY_RECEIVED:
		if (p->qty > 0)
			snprintf(r->arg, sizeof(r->arg), "%s %ld", p->code,
			    p->qty);
		else
			snprintf(r->arg, sizeof(r->arg), "%s", p->code);
		break;
	case REPLY_NOT_RECEIVED:
		snprintf(r->arg, sizeof(r->arg), "%s%s%s", p->code,
		    p->text[0] ? " " : "", p->text);
		break;
	case REPLY_GRIEVANCE:
		snprintf(r->arg, sizeof(r->arg), "%s", p->text);
		break;
	case REPLY_REGISTER:
		snprintf(r->arg, sizeof(r->arg), "%s", p->union_code);
		break;
	default:
		r->arg[0] = '\0';
	}
}

int
inbound_handle(struct store *s, const struct conf *cf,
    const struct mo_in *in, struct mo_result *res)
{
	struct mo_ctx	 c;
	struct outbox_msg om;
	const char	*why;
	int		 rc, early;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.cf = cf;
	c.in = in;
	c.res = res;
	if (msisdn_normalise(in->sender, c.msisdn, &why) == -1)
		c.msisdn[0] = '\0';

	/* Parse first (a repeat is parsed too, to show what it said). */
	c.text = inbound_utf8(in, &c.textlen);
	reply_parse(c.text, c.textlen, &c.rp);
	res->intent = reply_intent_name(c.rp.intent);
	inbound_arg(&c);
	inbound_lookup_sender(&c);
	c.lang = inbound_lang(&c);
	res->duplicate_of = inbound_repeat_of(&c);

	/*
	 * 1. The row.  A grievance (and a dispute, which opens one) points
	 * at it, so it is written first, raw, and completed at the end; for
	 * everything else its id is taken now and the row is written once,
	 * complete, at the end of the same transaction (one write instead
	 * of two: bench/mo.sh).  Either way the raw message is in the same
	 * commit as whatever was done for it, or nothing is.
	 */
	early = res->duplicate_of == 0 && c.msisdn[0] != '\0' &&
	    (c.rp.intent == REPLY_GRIEVANCE ||
	    c.rp.intent == REPLY_NOT_RECEIVED);
	if (early) {
		if (inbound_store(&c, 0, 0) == -1)
			goto fail;
	} else if ((res->inbound_id = inbound_next_id(&c)) == -1)
		goto fail;

	/* 2. a repeat stops here. */
	if (res->duplicate_of != 0) {
		mo_duplicates++;
		inbound_outcome(&c, "duplicate of inbound %lld: not acted on",
		    (long long)res->duplicate_of);
		log_debug("inbound=%lld from=%s duplicate of %lld",
		    (long long)res->inbound_id, in->sender,
		    (long long)res->duplicate_of);
		goto record;
	}
	mo_intents[c.rp.intent]++;

	/* 4. act. */
	if (c.msisdn[0] == '\0') {
		/* Nobody to act for or to answer. */
		inbound_outcome(&c, "sender \"%.32s\" is not a phone number: "
		    "not acted on", in->sender);
		mo_unanswered++;
		rc = 0;
		goto record;
	}
	switch (c.rp.intent) {
	case REPLY_CONFIRM:
		rc = inbound_confirm(&c);
		break;
	case REPLY_RECEIVED:
	case REPLY_NOT_RECEIVED:
		rc = inbound_relief(&c);
		break;
	case REPLY_GRIEVANCE:
		rc = inbound_grievance(&c);
		break;
	case REPLY_REGISTER:
		rc = inbound_register(&c);
		break;
	case REPLY_STOP:
		rc = inbound_stop(&c);
		break;
	default:
		inbound_unknown(&c);
		rc = 0;
		break;
	}
	if (rc == -1) {
		/* The raw row stays; say what failed and apologise. */
		inbound_outcome(&c, "error: the store failed while acting");
		free(c.answer);
		c.answer = inbound_answer(A_ERROR, inbound_en(&c));
	}

	/* 5. answer. */
	if (c.answer != NULL) {
		memset(&om, 0, sizeof(om));
		om.recipient_id = c.rid;
		om.msisdn = c.msisdn;
		om.union_code = c.rid ? c.union_code : NULL;
		om.lang = c.lang;
		om.origin = "reply";
		om.priority = PRIO_REPLY;
		om.text = c.answer;
		res->reply_id = camp_outbox_add(s, &om);
		if (res->reply_id == -1)
			res->reply_id = 0;
		else
			mo_answers++;
	}
	/* One line per reply at -v: at thousands a second the line (a
	 * write each) costs more than the reply's own work; failures and
	 * refusals are logged where they happen. */
	log_debug("inbound=%lld from=%s intent=%s: %s%s", (long long)
	    res->inbound_id, c.msisdn, res->intent, res->outcome,
	    res->reply_id ? "; answered" : "");
record:
	rc = early ? inbound_record(&c) : inbound_store(&c, 1,
	    res->inbound_id);
	free(c.answer);
	free(c.text);
	return rc;
fail:
	free(c.text);
	return -1;
}

void
inbound_forged(void)
{
	mo_forged++;
}

void
inbound_metrics(struct evbuffer *b)
{
	int	 i;

	evbuffer_add_printf(b, "# HELP sanket_mo_total Inbound SMS acted on, "
	    "by intent.\n# TYPE sanket_mo_total counter\n");
	for (i = 0; i <= REPLY_STOP; i++)
		evbuffer_add_printf(b, "sanket_mo_total{intent=\"%s\"} %llu\n",
		    reply_intent_name(i), (unsigned long long)mo_intents[i]);
	evbuffer_add_printf(b, "# HELP sanket_mo_duplicates_total Inbound "
	    "SMS recognised as repeats (not acted on).\n"
	    "# TYPE sanket_mo_duplicates_total counter\n"
	    "sanket_mo_duplicates_total %llu\n"
	    "# HELP sanket_mo_forged_total MO callbacks refused (source or "
	    "secret).\n# TYPE sanket_mo_forged_total counter\n"
	    "sanket_mo_forged_total %llu\n"
	    "# HELP sanket_mo_unanswered_total Inbound SMS from senders that "
	    "are not phone numbers.\n"
	    "# TYPE sanket_mo_unanswered_total counter\n"
	    "sanket_mo_unanswered_total %llu\n"
	    "# HELP sanket_mo_answers_total Answers to inbound SMS queued "
	    "(sent through sendsms at reply priority).\n"
	    "# TYPE sanket_mo_answers_total counter\n"
	    "sanket_mo_answers_total %llu\n",
	    (unsigned long long)mo_duplicates, (unsigned long long)mo_forged,
	    (unsigned long long)mo_unanswered, (unsigned long long)mo_answers);
}
