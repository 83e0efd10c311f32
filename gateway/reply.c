/*
 * reply.c: the SMS reply (MO) grammar (see reply.h for the grammar and
 * every decision).
 *
 * Pure: no I/O, no state but the keyword table, which is folded once under
 * pthread_once() and read-only after that.  Guarantees: reply_parse()
 * fills every field of *out for any input bytes; reason is non-NULL
 * exactly when the intent is unknown; code is "" or 6 ASCII digits; qty is
 * 0 or 1..REPLY_QTY_MAX; text and union_code are NUL-terminated valid
 * UTF-8 inside their arrays; lang is "bn" or "en".
 *
 * Steps: length cap -> text_clean() (validates) -> tokens, each with its
 * byte span in the clean text and its folded form -> language -> grammar.
 * Tokens are folded one by one (text_fold() on the span), so an argument
 * can be copied from the clean text, in the sender's own spelling, by the
 * span of the token before it.  Keywords go through the very same
 * tokenizer, which is what makes a keyword written in one encoding of য়
 * match a reply written in the other.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "log.h"
#include "reply.h"
#include "text.h"
#include "xmalloc.h"

#define REPLY_KW_TOK	4	/* tokens per keyword, at most */

enum reply_tok_kind {
	TK_SEP = 0,
	TK_WORD,		/* letters and marks */
	TK_DIGIT		/* ASCII or Bangla digits */
};

/* Word classes besides the intents. */
#define W_COURTESY	16	/* greetings, thanks, "sir": skipped */
#define W_UNIT		17	/* after a quantity: skipped */

#define M(c)		(1u << (c))
#define M_INTENTS	(M(REPLY_CONFIRM) | M(REPLY_RECEIVED) |	\
	M(REPLY_NOT_RECEIVED) | M(REPLY_GRIEVANCE) |			\
	M(REPLY_REGISTER) | M(REPLY_STOP))
#define M_ALL		(M_INTENTS | M(W_COURTESY) | M(W_UNIT))

enum reply_lang {
	L_NEUTRAL = 0,		/* says nothing: "1", "ok", "kg" */
	L_EN,
	L_BN,			/* Bangla script: the script check finds it */
	L_BL			/* Banglish: Bangla in Latin letters */
};

struct reply_word {
	const char	*word;		/* as people type it */
	int		 cls;		/* enum reply_intent or W_* */
	int		 lang;
};

struct reply_kw {
	const struct reply_word	*w;
	char			*tok[REPLY_KW_TOK];	/* folded */
	size_t			 ntok;
};

/*
 * The one keyword table.  Spell entries as people do; the folding makes
 * case, digits and the two encodings of ড় ঢ় য় irrelevant.
 */
static const struct reply_word reply_words[] = {
	/* confirm */
	{ "1", REPLY_CONFIRM, L_NEUTRAL },
	{ "ok", REPLY_CONFIRM, L_NEUTRAL },
	{ "okay", REPLY_CONFIRM, L_NEUTRAL },
	{ "okey", REPLY_CONFIRM, L_NEUTRAL },
	{ "yes", REPLY_CONFIRM, L_EN },
	{ "y", REPLY_CONFIRM, L_EN },
	{ "yeah", REPLY_CONFIRM, L_EN },
	{ "হ্যাঁ", REPLY_CONFIRM, L_BN },
	{ "হ্যা", REPLY_CONFIRM, L_BN },
	{ "হাঁ", REPLY_CONFIRM, L_BN },
	{ "জি", REPLY_CONFIRM, L_BN },
	{ "জ্বি", REPLY_CONFIRM, L_BN },
	{ "জী", REPLY_CONFIRM, L_BN },
	{ "ঠিক আছে", REPLY_CONFIRM, L_BN },
	{ "আচ্ছা", REPLY_CONFIRM, L_BN },
	{ "ওকে", REPLY_CONFIRM, L_BN },
	{ "ha", REPLY_CONFIRM, L_BL },
	{ "haa", REPLY_CONFIRM, L_BL },
	{ "hya", REPLY_CONFIRM, L_BL },
	{ "hyaa", REPLY_CONFIRM, L_BL },
	{ "ji", REPLY_CONFIRM, L_BL },
	{ "jee", REPLY_CONFIRM, L_BL },
	{ "jii", REPLY_CONFIRM, L_BL },
	{ "thik ache", REPLY_CONFIRM, L_BL },
	{ "thik ase", REPLY_CONFIRM, L_BL },
	{ "thik achhe", REPLY_CONFIRM, L_BL },
	{ "tik ache", REPLY_CONFIRM, L_BL },
	{ "accha", REPLY_CONFIRM, L_BL },
	{ "acha", REPLY_CONFIRM, L_BL },

	/* received */
	{ "rcv", REPLY_RECEIVED, L_EN },
	{ "recv", REPLY_RECEIVED, L_EN },
	{ "rcvd", REPLY_RECEIVED, L_EN },
	{ "received", REPLY_RECEIVED, L_EN },
	{ "পেয়েছি", REPLY_RECEIVED, L_BN },
	{ "পাইছি", REPLY_RECEIVED, L_BN },
	{ "পাইসি", REPLY_RECEIVED, L_BN },
	{ "peyechi", REPLY_RECEIVED, L_BL },
	{ "payechi", REPLY_RECEIVED, L_BL },
	{ "peyesi", REPLY_RECEIVED, L_BL },
	{ "paichi", REPLY_RECEIVED, L_BL },
	{ "paisi", REPLY_RECEIVED, L_BL },

	/* not_received */
	{ "no", REPLY_NOT_RECEIVED, L_EN },
	{ "not received", REPLY_NOT_RECEIVED, L_EN },
	{ "not recv", REPLY_NOT_RECEIVED, L_EN },
	{ "not rcv", REPLY_NOT_RECEIVED, L_EN },
	{ "no rcv", REPLY_NOT_RECEIVED, L_EN },
	{ "পাইনি", REPLY_NOT_RECEIVED, L_BN },
	{ "পাই নি", REPLY_NOT_RECEIVED, L_BN },
	{ "পাই নাই", REPLY_NOT_RECEIVED, L_BN },
	{ "পাইনাই", REPLY_NOT_RECEIVED, L_BN },
	{ "পাই না", REPLY_NOT_RECEIVED, L_BN },
	{ "পাইনা", REPLY_NOT_RECEIVED, L_BN },
	{ "paini", REPLY_NOT_RECEIVED, L_BL },
	{ "pai ni", REPLY_NOT_RECEIVED, L_BL },
	{ "pai nai", REPLY_NOT_RECEIVED, L_BL },
	{ "painai", REPLY_NOT_RECEIVED, L_BL },
	{ "pai na", REPLY_NOT_RECEIVED, L_BL },
	{ "paina", REPLY_NOT_RECEIVED, L_BL },
	{ "payni", REPLY_NOT_RECEIVED, L_BL },

	/* grievance */
	{ "grs", REPLY_GRIEVANCE, L_EN },
	{ "complaint", REPLY_GRIEVANCE, L_EN },
	{ "complain", REPLY_GRIEVANCE, L_EN },
	{ "অভিযোগ", REPLY_GRIEVANCE, L_BN },
	{ "ovijog", REPLY_GRIEVANCE, L_BL },
	{ "obhijog", REPLY_GRIEVANCE, L_BL },
	{ "abhijog", REPLY_GRIEVANCE, L_BL },
	{ "ovijoq", REPLY_GRIEVANCE, L_BL },

	/* register */
	{ "reg", REPLY_REGISTER, L_EN },
	{ "register", REPLY_REGISTER, L_EN },
	{ "নিবন্ধন", REPLY_REGISTER, L_BN },
	{ "nibondhon", REPLY_REGISTER, L_BL },

	/* stop */
	{ "stop", REPLY_STOP, L_EN },
	{ "unsubscribe", REPLY_STOP, L_EN },
	{ "বন্ধ", REPLY_STOP, L_BN },
	{ "বন্ধ করুন", REPLY_STOP, L_BN },
	{ "বন্ধ করো", REPLY_STOP, L_BN },
	{ "bondho", REPLY_STOP, L_BL },
	{ "bondo", REPLY_STOP, L_BL },
	{ "bondho korun", REPLY_STOP, L_BL },
	{ "bondho koren", REPLY_STOP, L_BL },
	{ "bondho koro", REPLY_STOP, L_BL },

	/* courtesy: skipped before the keyword and after the argument */
	{ "sir", W_COURTESY, L_NEUTRAL },
	{ "madam", W_COURTESY, L_NEUTRAL },
	{ "hi", W_COURTESY, L_NEUTRAL },
	{ "hello", W_COURTESY, L_NEUTRAL },
	{ "thanks", W_COURTESY, L_EN },
	{ "thank you", W_COURTESY, L_EN },
	{ "thx", W_COURTESY, L_EN },
	{ "please", W_COURTESY, L_EN },
	{ "pls", W_COURTESY, L_EN },
	{ "স্যার", W_COURTESY, L_BN },
	{ "ভাই", W_COURTESY, L_BN },
	{ "আপা", W_COURTESY, L_BN },
	{ "ধন্যবাদ", W_COURTESY, L_BN },
	{ "সালাম", W_COURTESY, L_BN },
	{ "আসসালামু আলাইকুম", W_COURTESY, L_BN },
	{ "bhai", W_COURTESY, L_BL },
	{ "vai", W_COURTESY, L_BL },
	{ "apa", W_COURTESY, L_BL },
	{ "dhonnobad", W_COURTESY, L_BL },
	{ "dhonnobaad", W_COURTESY, L_BL },
	{ "donnobad", W_COURTESY, L_BL },
	{ "salam", W_COURTESY, L_BL },
	{ "slm", W_COURTESY, L_BL },
	{ "assalamualaikum", W_COURTESY, L_BL },
	{ "assalamu alaikum", W_COURTESY, L_BL },

	/* units, only right after a quantity */
	{ "kg", W_UNIT, L_NEUTRAL },
	{ "kgs", W_UNIT, L_NEUTRAL },
	{ "kilo", W_UNIT, L_NEUTRAL },
	{ "tk", W_UNIT, L_NEUTRAL },
	{ "taka", W_UNIT, L_NEUTRAL },
	{ "litre", W_UNIT, L_EN },
	{ "liter", W_UNIT, L_EN },
	{ "ltr", W_UNIT, L_NEUTRAL },
	{ "l", W_UNIT, L_NEUTRAL },
	{ "pcs", W_UNIT, L_EN },
	{ "packet", W_UNIT, L_EN },
	{ "কেজি", W_UNIT, L_BN },
	{ "টাকা", W_UNIT, L_BN },
	{ "লিটার", W_UNIT, L_BN },
	{ "টি", W_UNIT, L_BN },
	{ "টা", W_UNIT, L_BN },
	{ "প্যাকেট", W_UNIT, L_BN },
	{ "keji", W_UNIT, L_BL },
	{ "kezi", W_UNIT, L_BL },
	{ "ta", W_UNIT, L_BL },
	{ "ti", W_UNIT, L_BL },
};
#define REPLY_NKWS	(sizeof(reply_words) / sizeof(reply_words[0]))

/* reply_words folded, built once by reply_kws_init(). */
static struct reply_kw reply_kws[REPLY_NKWS];

struct reply_tok {
	size_t		 start, end;	/* bytes in the clean text */
	int		 kind;
	char		*fold;
};

struct reply_toks {
	struct reply_tok t[REPLY_TOK_MAX];
	size_t		 n;
	int		 more;		/* tokens past REPLY_TOK_MAX */
};

static const char *const reply_names[] = {
	"unknown", "confirm", "received", "not_received", "grievance",
	"register", "stop"
};

static pthread_once_t reply_once = PTHREAD_ONCE_INIT;

const char *
reply_intent_name(int intent)
{
	if (intent < 0 ||
	    (size_t)intent >= sizeof(reply_names) / sizeof(reply_names[0]))
		return "unknown";
	return reply_names[intent];
}

/* Decode the code point at s[0..len) of valid UTF-8; its length. */
static size_t
reply_cp(const char *s, size_t len, int32_t *cp)
{
	utf8proc_ssize_t	 n;

	n = utf8proc_iterate((const utf8proc_uint8_t *)s,
	    (utf8proc_ssize_t)len, cp);
	if (n <= 0) {			/* not after text_clean() */
		*cp = 0xfffd;
		return 1;
	}
	return (size_t)n;
}

static int
reply_cp_kind(int32_t cp)
{
	if ((cp >= '0' && cp <= '9') || (cp >= 0x09e6 && cp <= 0x09ef))
		return TK_DIGIT;
	if (cp < 0x80)
		return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ?
		    TK_WORD : TK_SEP;
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT: case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return TK_WORD;
	default:
		return TK_SEP;
	}
}

/* Spaces and punctuation, dropped before an argument's text. */
static int
reply_cp_lead(int32_t cp)
{
	int	 c = utf8proc_category(cp);

	return (c >= UTF8PROC_CATEGORY_PC && c <= UTF8PROC_CATEGORY_PO) ||
	    (c >= UTF8PROC_CATEGORY_ZS && c <= UTF8PROC_CATEGORY_ZP);
}

static void
reply_toks_free(struct reply_toks *tk)
{
	size_t	 i;

	for (i = 0; i < tk->n; i++)
		free(tk->t[i].fold);
	tk->n = 0;
}

/*
 * Cut the clean text s[0..len) into tokens and fold each.  Returns 0, or
 * -1 if folding failed (then tk is empty).
 */
static int
reply_tokenize(const char *s, size_t len, struct reply_toks *tk)
{
	struct reply_tok	*t;
	size_t			 off = 0, n, start = 0;
	int32_t			 cp;
	int			 kind, cur = TK_SEP;

	tk->n = 0;
	tk->more = 0;
	for (;;) {
		kind = TK_SEP;
		n = 0;
		if (off < len) {
			n = reply_cp(s + off, len - off, &cp);
			kind = reply_cp_kind(cp);
		}
		if (kind != cur && cur != TK_SEP) {
			if (tk->n == REPLY_TOK_MAX) {
				tk->more = 1;
				break;
			}
			t = &tk->t[tk->n];
			t->start = start;
			t->end = off;
			t->kind = cur;
			if ((t->fold = text_fold(s + start, off - start,
			    NULL)) == NULL) {
				reply_toks_free(tk);
				return -1;
			}
			tk->n++;
		}
		if (off >= len)
			break;
		if (kind != cur)
			start = off;
		cur = kind;
		off += n;
	}
	return 0;
}

static void
reply_kws_init(void)
{
	struct reply_toks	*tk;
	struct reply_kw		*kw;
	char			*clean;
	size_t			 i, j;

	tk = xmalloc(sizeof(*tk));
	for (i = 0; i < REPLY_NKWS; i++) {
		kw = &reply_kws[i];
		kw->w = &reply_words[i];
		clean = text_clean(kw->w->word, strlen(kw->w->word), NULL);
		if (clean == NULL ||
		    reply_tokenize(clean, strlen(clean), tk) == -1 ||
		    tk->n == 0 || tk->n > REPLY_KW_TOK || tk->more)
			fatalx("%s: bad keyword \"%s\"", __func__,
			    kw->w->word);
		for (j = 0; j < tk->n; j++) {
			kw->tok[j] = tk->t[j].fold;
			tk->t[j].fold = NULL;
		}
		kw->ntok = tk->n;
		free(clean);
	}
	free(tk);
}

/* The longest keyword of a class in mask at token i, or NULL. */
static const struct reply_kw *
reply_kw_match(const struct reply_toks *tk, size_t i, unsigned int mask)
{
	const struct reply_kw	*kw, *best = NULL;
	size_t			 k, j;

	for (k = 0; k < REPLY_NKWS; k++) {
		kw = &reply_kws[k];
		if (!(mask & M(kw->w->cls)) || i + kw->ntok > tk->n)
			continue;
		if (best != NULL && kw->ntok <= best->ntok)
			continue;
		for (j = 0; j < kw->ntok; j++)
			if (strcmp(tk->t[i + j].fold, kw->tok[j]) != 0)
				break;
		if (j == kw->ntok)
			best = kw;
	}
	return best;
}

/* Skip keywords of the classes in mask from token i; the next token. */
static size_t
reply_skip(const struct reply_toks *tk, size_t i, unsigned int mask)
{
	const struct reply_kw	*kw;

	while ((kw = reply_kw_match(tk, i, mask)) != NULL)
		i += kw->ntok;
	return i;
}

static int
reply_at_end(const struct reply_toks *tk, size_t i)
{
	return i >= tk->n && !tk->more;
}

/* Bangla block U+0980..U+09FF (E0 A6/A7 xx) or danda U+0964/5. */
static int
reply_has_bangla(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i + 2 < len; i++) {
		if (p[i] != 0xe0)
			continue;
		if ((p[i + 1] == 0xa6 || p[i + 1] == 0xa7) &&
		    (p[i + 2] & 0xc0) == 0x80)
			return 1;
		if (p[i + 1] == 0xa5 && (p[i + 2] == 0xa4 || p[i + 2] == 0xa5))
			return 1;
	}
	return 0;
}

static void
reply_lang(const char *clean, size_t len, const struct reply_toks *tk,
    struct reply *out)
{
	const struct reply_kw	*kw;
	size_t			 i;
	int			 bn, en = 0;

	bn = reply_has_bangla(clean, len);
	for (i = 0; i < tk->n && !bn;) {
		if ((kw = reply_kw_match(tk, i, M_ALL)) != NULL) {
			if (kw->w->lang == L_BL)
				bn = 1;
			else if (kw->w->lang == L_EN)
				en = 1;
			i += kw->ntok;
			continue;
		}
		if (tk->t[i].kind == TK_WORD)
			en = 1;
		i++;
	}
	out->lang = bn ? "bn" : "en";
	out->lang_neutral = !bn && !en;
}

/*
 * Copy the sender's words from clean[off..len) into out->text: leading
 * spaces and punctuation dropped, capped on a code point boundary that
 * does not leave a mark without its letter, trailing space trimmed.
 */
static void
reply_text_copy(struct reply *out, const char *clean, size_t len, size_t off)
{
	size_t	 n, cut, prev;
	int32_t	 cp;

	while (off < len) {
		n = reply_cp(clean + off, len - off, &cp);
		if (!reply_cp_lead(cp))
			break;
		off += n;
	}
	len -= off;
	clean += off;
	if (len >= sizeof(out->text)) {
		out->text_truncated = 1;
		cut = sizeof(out->text) - 1;
		while (cut > 0 && ((unsigned char)clean[cut] & 0xc0) == 0x80)
			cut--;
		for (;;) {
			reply_cp(clean + cut, len - cut, &cp);
			if (cut == 0 || !(utf8proc_category(cp) >=
			    UTF8PROC_CATEGORY_MN && utf8proc_category(cp) <=
			    UTF8PROC_CATEGORY_ME))
				break;
			prev = cut - 1;
			while (prev > 0 &&
			    ((unsigned char)clean[prev] & 0xc0) == 0x80)
				prev--;
			cut = prev;
		}
		while (cut > 0 && clean[cut - 1] == ' ')
			cut--;
		len = cut;
	}
	memcpy(out->text, clean, len);
	out->text[len] = '\0';
}

/* Relief code at token i: 0 and out->code set, or -1 and reason set. */
static int
reply_code(const struct reply_toks *tk, size_t i, struct reply *out)
{
	if (i >= tk->n || tk->t[i].kind != TK_DIGIT) {
		out->reason = "relief code missing";
		return -1;
	}
	if (strlen(tk->t[i].fold) != REPLY_CODE_LEN) {
		out->reason = "relief code must be exactly 6 digits";
		return -1;
	}
	memcpy(out->code, tk->t[i].fold, REPLY_CODE_LEN + 1);
	return 0;
}

/* received: code [qty [unit]] courtesy*, from token i. */
static int
reply_received(const struct reply_toks *tk, size_t i, struct reply *out)
{
	const char	*q;
	long		 qty = 0;

	if (reply_code(tk, i, out) == -1)
		return REPLY_UNKNOWN;
	i++;
	if (i < tk->n && tk->t[i].kind == TK_DIGIT) {
		for (q = tk->t[i].fold; *q == '0'; q++)
			;
		if (strlen(q) > 6 || (qty = strtol(q, NULL, 10)) >
		    REPLY_QTY_MAX) {
			out->reason = "quantity too large";
			goto fail;
		}
		if (qty == 0 || (i + 1 < tk->n &&
		    tk->t[i + 1].kind == TK_DIGIT)) {
			out->reason = "quantity must be a whole number above 0";
			goto fail;
		}
		i = reply_skip(tk, i + 1, M(W_UNIT));
	}
	i = reply_skip(tk, i, M(W_COURTESY));
	if (!reply_at_end(tk, i)) {
		out->reason = "unexpected text after the relief code";
		goto fail;
	}
	out->qty = qty;
	return REPLY_RECEIVED;
fail:
	out->code[0] = '\0';
	return REPLY_UNKNOWN;
}

/* register: union courtesy*, the union starting after byte off. */
static int
reply_register(const char *clean, size_t len, size_t off,
    const struct reply_toks *tk, struct reply *out)
{
	const unsigned char	*p = (const unsigned char *)clean;
	size_t			 o = 0, n, i;
	int32_t			 cp;
	int			 c, toolong = 0;

	while (off < len) {
		n = reply_cp(clean + off, len - off, &cp);
		if (!reply_cp_lead(cp))
			break;
		off += n;
	}
	while (off < len) {
		if (p[off] == 0xe0 && off + 2 < len && p[off + 1] == 0xa7 &&
		    p[off + 2] >= 0xa6 && p[off + 2] <= 0xaf) {
			c = '0' + (p[off + 2] - 0xa6);
			off += 3;
		} else if ((p[off] >= '0' && p[off] <= '9') ||
		    ((p[off] | 0x20) >= 'a' && (p[off] | 0x20) <= 'z') ||
		    p[off] == '_' || p[off] == '-') {
			c = p[off];
			off++;
		} else
			break;
		if (o < sizeof(out->union_code) - 1)
			out->union_code[o++] = c;
		else
			toolong = 1;
	}
	while (o > 0 && (out->union_code[o - 1] == '-' ||
	    out->union_code[o - 1] == '_'))
		o--;
	out->union_code[o] = '\0';
	if (toolong) {
		out->reason = "union code too long";
		goto fail;
	}
	if (o == 0) {
		out->reason = "union code missing";
		goto fail;
	}
	/* The code must end on a token boundary; then only courtesy. */
	for (i = 0; i < tk->n && tk->t[i].end <= off; i++)
		;
	if ((i < tk->n && tk->t[i].start < off) ||
	    !reply_at_end(tk, reply_skip(tk, i, M(W_COURTESY)))) {
		out->reason = "unexpected text after the union code";
		goto fail;
	}
	return REPLY_REGISTER;
fail:
	out->union_code[0] = '\0';
	return REPLY_UNKNOWN;
}

static int
reply_grammar(const char *clean, size_t len, const struct reply_toks *tk,
    struct reply *out)
{
	const struct reply_kw	*kw;
	size_t			 i;

	i = reply_skip(tk, 0, M(W_COURTESY));
	if (tk->n == 0) {
		out->reason = "empty message";
		return REPLY_UNKNOWN;
	}
	if ((kw = reply_kw_match(tk, i, M_INTENTS)) == NULL) {
		out->reason = "no reply keyword";
		return REPLY_UNKNOWN;
	}
	i += kw->ntok;

	switch (kw->w->cls) {
	case REPLY_CONFIRM:
	case REPLY_STOP:
		i = reply_skip(tk, i, M(kw->w->cls) | M(W_COURTESY));
		if (!reply_at_end(tk, i)) {
			out->reason = kw->w->cls == REPLY_CONFIRM ?
			    "other text after a confirm word" :
			    "other text after a stop word";
			return REPLY_UNKNOWN;
		}
		return kw->w->cls;
	case REPLY_RECEIVED:
		return reply_received(tk, i, out);
	case REPLY_NOT_RECEIVED:
		if (reply_code(tk, i, out) == -1)
			return REPLY_UNKNOWN;
		reply_text_copy(out, clean, len, tk->t[i].end);
		return REPLY_NOT_RECEIVED;
	case REPLY_GRIEVANCE:
		if (i >= tk->n) {
			out->reason = "grievance text missing";
			return REPLY_UNKNOWN;
		}
		reply_text_copy(out, clean, len, tk->t[i - 1].end);
		return REPLY_GRIEVANCE;
	case REPLY_REGISTER:
		return reply_register(clean, len, tk->t[i - 1].end, tk, out);
	}
	fatalx("%s: keyword class %d", __func__, kw->w->cls);
}

int
reply_parse(const char *text, size_t len, struct reply *out)
{
	struct reply_toks	*tk = NULL;
	char			*clean = NULL;
	size_t			 clen;

	memset(out, 0, sizeof(*out));
	out->intent = REPLY_UNKNOWN;
	out->lang = "en";
	if (text == NULL)
		len = 0;

	if (len > REPLY_IN_MAX) {
		out->reason = "message too long";
		goto raw;
	}
	if ((clean = text_clean(text, len, NULL)) == NULL) {
		out->reason = "invalid UTF-8";
		goto raw;
	}
	clen = strlen(clean);

	if (pthread_once(&reply_once, reply_kws_init) != 0)
		fatalx("%s: pthread_once failed", __func__);
	tk = xmalloc(sizeof(*tk));
	if (reply_tokenize(clean, clen, tk) == -1) {
		out->reason = "normalisation failed";
		goto raw;
	}
	reply_lang(clean, clen, tk, out);
	out->intent = reply_grammar(clean, clen, tk, out);
	if (out->intent != REPLY_UNKNOWN)
		out->reason = NULL;
	else if (out->reason == NULL)
		out->reason = "no reply keyword";
	reply_toks_free(tk);
	free(tk);
	free(clean);
	return out->intent;

raw:
	/* Unreadable: still answer a Bangla writer in Bangla. */
	out->lang_neutral = 1;
	if (text != NULL && reply_has_bangla(text,
	    len > REPLY_IN_MAX ? REPLY_IN_MAX : len)) {
		out->lang = "bn";
		out->lang_neutral = 0;
	}
	free(tk);
	free(clean);
	return out->intent;
}
