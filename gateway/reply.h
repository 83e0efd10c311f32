/*
 * reply.h: the SMS reply (MO) grammar as one pure function.
 *
 * reply_parse() reads what a citizen texted back and says what it means:
 * one intent (named as DESIGN.md stores and shows them) plus its argument,
 * a guess of the sender's language, and, for "unknown", why.  No I/O, no
 * database: whether a relief code or union exists is the caller's business;
 * this only reads the text.
 *
 * Matching.  The input is validated (invalid UTF-8 is "unknown"), cleaned
 * and folded with text.h (NFC, so both encodings of ড় ঢ় য় are one; Bangla
 * digits read as ASCII; case folded; zero-width and direction marks
 * dropped), then cut into tokens: runs of letters/marks and runs of digits.
 * Everything else (spaces, punctuation, the danda, emoji, symbols)
 * separates tokens, and a letter-digit boundary is a separator too, so
 * "RCV482913", "RCV: 482913", "rcv-482913", "পেয়েছি, ৪৮২৯১৩!" and
 * "RCV 482913।" all read as [rcv] [482913].  Keywords live in one table in
 * reply.c, written as people type them and folded once, through the same
 * path, on first use; they match whole tokens (and token sequences:
 * "not received", "pai nai", "thik ache"), the longest entry winning.
 *
 * Grammar ([..] optional, * any number; "courtesy" is a short list of
 * greetings and thanks such as "sir", "ভাই", "salam", "thanks", "ধন্যবাদ"):
 *
 *	courtesy* CONFIRM (CONFIRM | courtesy)*		  confirm
 *	courtesy* STOP (STOP | courtesy)*		  stop
 *	courtesy* RECEIVED code [qty [unit]] courtesy*	  received
 *	courtesy* NOT_RECEIVED code [text]		  not_received
 *	courtesy* GRIEVANCE text			  grievance
 *	courtesy* REGISTER union courtesy*		  register
 *	anything else					  unknown
 *
 * Decisions:
 *  - The keyword comes first.  "482913 পেয়েছি" is unknown: the relief
 *    notice shows the order, and a reply that starts with digits is not
 *    guessed at.
 *  - A relief code is one token of exactly 6 digits (ASCII or Bangla, mixed
 *    allowed).  Anything else is never guessed: "RCV 48291", "RCV 4829133",
 *    "RCV 482 913", "RCV 48a913" are unknown with a reason.
 *  - A bare "NO" / "পাইনি" (no code) is unknown, reason "relief code
 *    missing": "no" may answer anything (a warning, a question), and a
 *    dispute must name the entitlement.  The answer asks for the code.
 *  - Quantity: optional whole number 1..REPLY_QTY_MAX after the code, with
 *    an optional unit word after it ("8", "৮ কেজি", "8kg", "2500 taka").
 *    0, "2.5" and more than REPLY_QTY_MAX are unknown with a reason: a
 *    short receipt must be exact or not counted.  qty 0 means "not given",
 *    that is, received in full.
 *  - received, confirm, stop and register allow nothing but courtesy words
 *    after their argument: "RCV 482913 only half" or "OK RCV 482913" are
 *    unknown rather than a wrong receipt or confirmation.  This is also why
 *    "বন্ধ" (which means "closed") must stand alone to be a stop: "বন্ধ
 *    রাস্তা" is a report, not an opt-out.
 *  - not_received keeps whatever follows the code as text (the dispute's
 *    detail, may be empty); grievance needs at least one word of text.
 *    Text is the sender's own words after the keyword (or code), cleaned
 *    (text_clean: NFC, invisibles dropped, spaces collapsed) but not folded,
 *    leading spaces and punctuation dropped, capped at REPLY_TEXT_MAX - 1
 *    bytes on a code point boundary that does not split a vowel sign from
 *    its letter (text_truncated is then 1).
 *  - Union code: the [0-9A-Za-z_-] run after REG (Bangla digits read as
 *    ASCII, letters keep their case), 1..REPLY_UNION_MAX - 1 bytes, trailing
 *    '-'/'_' dropped.  Names ("REG কালিগঞ্জ") are unknown, reason "union
 *    code missing"; whether the code exists is checked by the caller.
 *  - Bare emoji ("👍") or punctuation is unknown ("empty message"): emoji
 *    only separate words.  Non-Bangla, non-ASCII digits (fullwidth, Arabic)
 *    are letters here, so they never make a code.
 *  - Input longer than REPLY_IN_MAX bytes is unknown ("message too long")
 *    without being read further; only REPLY_TOK_MAX tokens are looked at,
 *    so the work per message is bounded.
 *  - lang is "bn" if the message holds Bangla script (U+0980..U+09FF, or
 *    the danda U+0964/U+0965) or a Banglish word from the table anywhere
 *    ("ha", "peyechi", "dhonnobad"), else "en".  lang_neutral is 1 when
 *    nothing in the text shows a language ("1", "OK", "Sir 1", emoji): lang
 *    is then "en" by default and the caller should prefer the recipient's
 *    stored language.  Invalid or too long input is still checked for
 *    Bangla bytes, so its help text can be in Bangla.
 */
#ifndef SK_REPLY_H
#define SK_REPLY_H

#include <stddef.h>

#define REPLY_CODE_LEN	6	/* relief codes: exactly 6 digits */
#define REPLY_QTY_MAX	100000	/* kg, litres, taka, pieces */
#define REPLY_TEXT_MAX	2048	/* 10 Bangla SMS parts, with the NUL */
#define REPLY_UNION_MAX	33	/* as AREA_CODE_MAX: 32 and the NUL */
#define REPLY_IN_MAX	8192	/* longer input is not parsed */
#define REPLY_TOK_MAX	128	/* tokens looked at per message */

enum reply_intent {
	REPLY_UNKNOWN = 0,
	REPLY_CONFIRM,
	REPLY_RECEIVED,
	REPLY_NOT_RECEIVED,
	REPLY_GRIEVANCE,
	REPLY_REGISTER,
	REPLY_STOP
};

struct reply {
	int		 intent;	/* enum reply_intent, = return value */
	char		 code[REPLY_CODE_LEN + 1]; /* received, not_received */
	long		 qty;		/* received: 0 = not given (in full) */
	char		 text[REPLY_TEXT_MAX];	/* grievance, not_received */
	int		 text_truncated;
	char		 union_code[REPLY_UNION_MAX];	/* register */
	const char	*lang;		/* "bn" or "en", static */
	int		 lang_neutral;	/* 1: no language evidence at all */
	const char	*reason;	/* unknown: why (static); else NULL */
};

/*
 * Parse text[0..len) (any bytes; NUL bytes are dropped as controls) into
 * *out, which is overwritten completely.  Returns out->intent.  Fields that
 * do not belong to the intent are "" or 0.  Thread-safe; the keyword table
 * is folded once, on first use.
 */
int		 reply_parse(const char *text, size_t len, struct reply *out);

/* "confirm", "received", ..., "unknown" for anything out of range. */
const char	*reply_intent_name(int);

#endif
