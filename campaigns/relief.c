/*
 * relief.c: relief distributions, their entitlements and one-time codes,
 * and the append-only, hash-chained receipt log of each union.
 *
 * A distribution (union, programme, item, quantity each, place, time)
 * issues one entitlement per beneficiary, each with a 6-digit code drawn
 * from getrandom(2) by rejection sampling (uniform, no modulo bias),
 * unique within the distribution and never equal to another pending code
 * of the same number.  The code is bound to the beneficiary's number: a
 * receipt by SMS or keypad is accepted only from that number.  Every
 * beneficiary gets a notice SMS (when, where, what, how much, the code,
 * how to answer) through the outbox at relief priority, under one
 * relief_notice alert so its delivery is counted like any alert's.
 *
 * Entitlement states (entitlements.state), every change made by
 * relief_receipt() and chained as one entry in the union's log:
 *
 *	from \ receipt	RCV (full)	RCV n (n < N)	NO (dispute)
 *	pending		received	short n		disputed + grievance
 *	received	(repeat)	short n		disputed + grievance
 *	short m		received	short n (m = n: repeat)	disputed + grv.
 *	disputed	received	short n		(repeat)
 *
 *	RCV n with n > N (the entitlement): RECEIPT_TOO_MUCH, nothing changes.
 *
 * The latest receipt decides the state: a beneficiary who first said
 * "RCV code" and then "RCV code 20" is short; an officer's "received" after
 * a dispute makes it received again (the grievance stays open until it is
 * resolved).  The same receipt again (same state, same quantity) is a
 * repeat: no new entry, the same answer.  A dispute opens a grievance.
 *
 * The chain: receipts(union_code, seq) numbers each union's entries 1, 2,
 * ...; entry n stores prev_hash = hash of entry n - 1 (64 '0' for the
 * first) and hash = lowercase hex SHA-256 over the concatenation of these
 * netstrings ("<decimal byte length>:<bytes>,"), in this order:
 *
 *	"sanket-receipt-v1", prev_hash, union_code, seq, distribution_id,
 *	entitlement_id, kind, quantity ("" when NULL), channel, actor,
 *	at_ms, raw
 *
 * integers in decimal ASCII without leading zeros.  docs/relief.md shows
 * the same in a few lines of Python.  relief_verify() reads the union's
 * entries in seq order through the (union_code, seq) index, once, and
 * names the first entry that breaks: a gap in seq (an entry deleted or
 * moved to another union), a prev_hash that is not the previous entry's
 * hash (reordered or relinked), or a hash that is not the hash of the
 * entry's content (edited).
 */
#include "config.h"

#include <sys/random.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "areas.h"
#include "campaigns.h"
#include "log.h"
#include "msisdn.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

#define RELIEF_ZERO_HASH \
    "0000000000000000000000000000000000000000000000000000000000000000"
#define RELIEF_HASH_HEX	64
#define RELIEF_TAG	"sanket-receipt-v1"
#define RELIEF_DHAKA	(6 * 3600)	/* Asia/Dhaka: UTC+6, no DST */
#define RELIEF_MAX_ROWS	100		/* bad beneficiary rows listed */
#define RELIEF_CODE_SPACE 1000000U
/* The largest multiple of 10^6 that fits 32 bits: draws above it are
 * thrown away, so every code is equally likely. */
#define RELIEF_CODE_LIMIT 4294000000U

/* --- codes ------------------------------------------------------------- */

int
relief_code_new(char out[RELIEF_CODE_LEN + 1])
{
	uint32_t	 v;
	ssize_t		 n;

	do {
		n = getrandom(&v, sizeof(v), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(v)) {
			log_warn("%s: getrandom", __func__);
			return -1;
		}
	} while (n != (ssize_t)sizeof(v) || v >= RELIEF_CODE_LIMIT);
	snprintf(out, RELIEF_CODE_LEN + 1, "%06u", v % RELIEF_CODE_SPACE);
	return 0;
}

void
relief_msisdn_mask(const char *m, char *out, size_t len)
{
	size_t	 n = strlen(m), i;
	char	 buf[MSISDN_MAX + 8];

	/* +88017 XXXX 0001: the operator and the last four digits. */
	if (n < 10 || n >= sizeof(buf)) {
		snprintf(out, len, "%s", n < 10 ? "XXXX" : "?");
		return;
	}
	memcpy(buf, m, n + 1);
	for (i = 6; i + 4 < n; i++)
		buf[i] = 'X';
	snprintf(out, len, "%s", buf);
}

/* --- the hash chain ---------------------------------------------------- */

struct relief_buf {
	char	*p;
	size_t	 len, cap;
};

static void
relief_buf_add(struct relief_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 512;
		b->p = xreallocarray(b->p, 1, b->cap);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

/* One netstring: "<len>:<bytes>,". */
static void
relief_ns(struct relief_buf *b, const char *p, size_t n)
{
	char	 head[24];
	int	 l;

	l = snprintf(head, sizeof(head), "%zu:", n);
	relief_buf_add(b, head, l);
	relief_buf_add(b, p, n);
	relief_buf_add(b, ",", 1);
}

static void
relief_ns_int(struct relief_buf *b, int64_t v)
{
	char	 num[24];
	int	 l;

	l = snprintf(num, sizeof(num), "%lld", (long long)v);
	relief_ns(b, num, l);
}

/* One chain entry's content, as hashed. */
struct relief_entry {
	const char	*prev_hash;
	const char	*union_code;
	int64_t		 seq, distribution_id, entitlement_id;
	const char	*kind;
	int		 has_qty;
	int64_t		 qty;
	const char	*channel, *actor;
	int64_t		 at_ms;
	const char	*raw;
	size_t		 raw_len;
};

struct relief_hasher {
	EVP_MD_CTX	*ctx;
	const EVP_MD	*md;
	struct relief_buf buf;
};

static int
relief_hasher_init(struct relief_hasher *h)
{
	memset(h, 0, sizeof(*h));
	if ((h->ctx = EVP_MD_CTX_new()) == NULL) {
		log_warnx("%s: EVP_MD_CTX_new failed", __func__);
		return -1;
	}
	h->md = EVP_sha256();
	return 0;
}

static void
relief_hasher_free(struct relief_hasher *h)
{
	EVP_MD_CTX_free(h->ctx);
	free(h->buf.p);
}

/* hex: RELIEF_HASH_HEX + 1 bytes.  0 or -1. */
static int
relief_hash(struct relief_hasher *h, const struct relief_entry *e, char *hex)
{
	static const char	 digits[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen, i;
	struct relief_buf	*b = &h->buf;

	b->len = 0;
	relief_ns(b, RELIEF_TAG, sizeof(RELIEF_TAG) - 1);
	relief_ns(b, e->prev_hash, strlen(e->prev_hash));
	relief_ns(b, e->union_code, strlen(e->union_code));
	relief_ns_int(b, e->seq);
	relief_ns_int(b, e->distribution_id);
	relief_ns_int(b, e->entitlement_id);
	relief_ns(b, e->kind, strlen(e->kind));
	if (e->has_qty)
		relief_ns_int(b, e->qty);
	else
		relief_ns(b, "", 0);
	relief_ns(b, e->channel, strlen(e->channel));
	relief_ns(b, e->actor, strlen(e->actor));
	relief_ns_int(b, e->at_ms);
	relief_ns(b, e->raw, e->raw_len);
	if (EVP_DigestInit_ex(h->ctx, h->md, NULL) != 1 ||
	    EVP_DigestUpdate(h->ctx, b->p, b->len) != 1 ||
	    EVP_DigestFinal_ex(h->ctx, md, &mdlen) != 1 || mdlen != 32) {
		log_warnx("%s: SHA-256 failed", __func__);
		return -1;
	}
	for (i = 0; i < mdlen; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 0xf];
	}
	hex[2 * mdlen] = '\0';
	return 0;
}

/*
 * Append e (prev_hash and seq filled here) to its union's chain.  The
 * union's last entry is one backwards step on the (union_code, seq)
 * index.  Returns the receipt id, or -1.
 */
static int64_t
relief_chain_append(struct store *s, struct relief_entry *e)
{
	static const char last[] = "SELECT seq, hash FROM receipts"
	    " WHERE union_code = ?1 ORDER BY seq DESC LIMIT 1";
	static const char ins[] = "INSERT INTO receipts (union_code, seq,"
	    " distribution_id, entitlement_id, kind, quantity, channel, actor,"
	    " at_ms, raw, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	    " ?8, ?9, ?10, ?11, ?12)";
	struct relief_hasher	 h;
	sqlite3_stmt		*st;
	char			 prev[RELIEF_HASH_HEX + 1];
	char			 hash[RELIEF_HASH_HEX + 1];
	const unsigned char	*p;
	int			 rc;

	if ((st = store_prepare(s, last)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, e->union_code, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		e->seq = sqlite3_column_int64(st, 0) + 1;
		p = sqlite3_column_text(st, 1);
		snprintf(prev, sizeof(prev), "%s", p != NULL ? (const char *)p :
		    "");
	} else if (rc == SQLITE_DONE) {
		e->seq = 1;
		snprintf(prev, sizeof(prev), "%s", RELIEF_ZERO_HASH);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		log_warnx("relief: chain head of %s: %s", e->union_code,
		    sqlite3_errmsg(store_db(s)));
		return -1;
	}
	e->prev_hash = prev;
	if (relief_hasher_init(&h) == -1)
		return -1;
	rc = relief_hash(&h, e, hash);
	relief_hasher_free(&h);
	if (rc == -1)
		return -1;
	if (store_batch_op(s) == -1 || (st = store_prepare(s, ins)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, e->union_code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, e->seq);
	sqlite3_bind_int64(st, 3, e->distribution_id);
	sqlite3_bind_int64(st, 4, e->entitlement_id);
	sqlite3_bind_text(st, 5, e->kind, -1, SQLITE_STATIC);
	if (e->has_qty)
		sqlite3_bind_int64(st, 6, e->qty);
	sqlite3_bind_text(st, 7, e->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, e->actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, e->at_ms);
	sqlite3_bind_text(st, 10, e->raw, (int)e->raw_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 12, hash, -1, SQLITE_STATIC);
	if (camp_step(s, st, "relief: insert receipt") == -1)
		return -1;
	return sqlite3_last_insert_rowid(store_db(s));
}

static json_t *
relief_broken(int64_t seq, int64_t id, const char *reason, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static json_t *
relief_broken(int64_t seq, int64_t id, const char *reason, const char *fmt,
    ...)
{
	char	 msg[256];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return json_pack("{s:I,s:I,s:s,s:s}", "seq", (json_int_t)seq, "id",
	    (json_int_t)id, "reason", reason, "message", msg);
}

json_t *
relief_verify(struct store *s, const char *union_code)
{
	static const char scan[] = "SELECT id, seq, distribution_id,"
	    " entitlement_id, kind, quantity, channel, actor, at_ms, raw,"
	    " prev_hash, hash FROM receipts WHERE union_code = ?1"
	    " ORDER BY seq";
	struct relief_hasher	 h;
	struct relief_entry	 e;
	sqlite3_stmt		*st;
	json_t			*broken = NULL;
	char			 prev[RELIEF_HASH_HEX + 1];
	char			 hash[RELIEF_HASH_HEX + 1];
	const char		*ph, *sh;
	int64_t			 n = 0, id;
	int			 rc;

	if ((st = store_prepare(s, scan)) == NULL)
		return NULL;
	if (relief_hasher_init(&h) == -1)
		return NULL;
	snprintf(prev, sizeof(prev), "%s", RELIEF_ZERO_HASH);
	sqlite3_bind_text(st, 1, union_code, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		if (broken != NULL)
			continue;	/* count the rest, check no more */
		id = sqlite3_column_int64(st, 0);
		memset(&e, 0, sizeof(e));
		e.union_code = union_code;
		e.seq = sqlite3_column_int64(st, 1);
		e.distribution_id = sqlite3_column_int64(st, 2);
		e.entitlement_id = sqlite3_column_int64(st, 3);
		e.kind = (const char *)sqlite3_column_text(st, 4);
		e.has_qty = sqlite3_column_type(st, 5) != SQLITE_NULL;
		e.qty = sqlite3_column_int64(st, 5);
		e.channel = (const char *)sqlite3_column_text(st, 6);
		e.actor = (const char *)sqlite3_column_text(st, 7);
		e.at_ms = sqlite3_column_int64(st, 8);
		e.raw = (const char *)sqlite3_column_text(st, 9);
		e.raw_len = sqlite3_column_bytes(st, 9);
		ph = (const char *)sqlite3_column_text(st, 10);
		sh = (const char *)sqlite3_column_text(st, 11);
		if (e.kind == NULL || e.channel == NULL || e.actor == NULL ||
		    e.raw == NULL || ph == NULL || sh == NULL) {
			broken = relief_broken(e.seq, id, "edited",
			    "entry %lld has an empty field", (long long)e.seq);
			continue;
		}
		if (e.seq != n) {
			broken = e.seq > n ? relief_broken(n, id, "deleted",
			    "entry %lld is missing (the next present entry is "
			    "%lld, id %lld)", (long long)n, (long long)e.seq,
			    (long long)id) : relief_broken(e.seq, id,
			    "reordered", "entry %lld appears out of order",
			    (long long)e.seq);
			continue;
		}
		if (strcmp(ph, prev) != 0) {
			broken = relief_broken(e.seq, id, "relinked", "entry "
			    "%lld does not point at entry %lld (reordered, "
			    "relinked, or entry %lld rewritten)",
			    (long long)e.seq, (long long)e.seq - 1,
			    (long long)e.seq - 1);
			continue;
		}
		e.prev_hash = ph;
		if (relief_hash(&h, &e, hash) == -1) {
			rc = SQLITE_ERROR;
			break;
		}
		if (strcmp(hash, sh) != 0) {
			broken = relief_broken(e.seq, id, "edited", "the "
			    "content of entry %lld does not match its hash",
			    (long long)e.seq);
			continue;
		}
		snprintf(prev, sizeof(prev), "%s", sh);
	}
	sqlite3_reset(st);
	relief_hasher_free(&h);
	if (rc != SQLITE_DONE) {
		log_warnx("relief: verify %s: %s", union_code,
		    sqlite3_errmsg(store_db(s)));
		json_decref(broken);
		return NULL;
	}
	return json_pack("{s:s,s:I,s:b,s:s?,s:o}", "union", union_code,
	    "entries", (json_int_t)n, "ok", broken == NULL, "head",
	    broken == NULL ? prev : NULL, "first_broken",
	    broken != NULL ? broken : json_null());
}

/* --- receipts ---------------------------------------------------------- */

/* An entitlement with what the answer needs. */
struct relief_ent {
	int64_t		 id, distribution_id, recipient_id;
	char		 msisdn[MSISDN_MAX];
	long		 quantity;
	char		 state[12];
	int		 has_received;
	long		 received;
	char		 union_code[33];
	char		 programme[32], item[64], unit[16];
	char		 lang[3];
};

static void
relief_col(sqlite3_stmt *st, int col, char *out, size_t len)
{
	const unsigned char	*p = sqlite3_column_text(st, col);

	snprintf(out, len, "%s", p != NULL ? (const char *)p : "");
}

/* 0 found, 1 not found, -1 error. */
static int
relief_ent_load(struct store *s, int64_t id, struct relief_ent *e)
{
	static const char sql[] = "SELECT e.id, e.distribution_id,"
	    " e.recipient_id, e.msisdn, e.quantity, e.state, e.received_qty,"
	    " d.union_code, d.programme, d.item, d.unit, r.lang"
	    " FROM entitlements e JOIN distributions d"
	    " ON d.id = e.distribution_id LEFT JOIN recipients r"
	    " ON r.id = e.recipient_id WHERE e.id = ?1";
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_prepare(s, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(e, 0, sizeof(*e));
		e->id = sqlite3_column_int64(st, 0);
		e->distribution_id = sqlite3_column_int64(st, 1);
		e->recipient_id = sqlite3_column_int64(st, 2);
		relief_col(st, 3, e->msisdn, sizeof(e->msisdn));
		e->quantity = (long)sqlite3_column_int64(st, 4);
		relief_col(st, 5, e->state, sizeof(e->state));
		e->has_received = sqlite3_column_type(st, 6) != SQLITE_NULL;
		e->received = (long)sqlite3_column_int64(st, 6);
		relief_col(st, 7, e->union_code, sizeof(e->union_code));
		relief_col(st, 8, e->programme, sizeof(e->programme));
		relief_col(st, 9, e->item, sizeof(e->item));
		relief_col(st, 10, e->unit, sizeof(e->unit));
		relief_col(st, 11, e->lang, sizeof(e->lang));
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	log_warnx("relief: entitlement %lld: %s", (long long)id,
	    sqlite3_errmsg(store_db(s)));
	return -1;
}

static int
relief_code_valid(const char *c)
{
	size_t	 i;

	if (c == NULL || strlen(c) != RELIEF_CODE_LEN)
		return 0;
	for (i = 0; i < RELIEF_CODE_LEN; i++)
		if (c[i] < '0' || c[i] > '9')
			return 0;
	return 1;
}

/* Record a wrong code from msisdn.  0 or -1. */
static int
relief_attempt(struct store *s, const struct receipt_in *in,
    const char *reason, int64_t ent_id, int64_t now_ms)
{
	static const char ins[] = "INSERT INTO code_attempts (at_ms, msisdn,"
	    " code, channel, reason, entitlement_id) VALUES (?1, ?2, ?3, ?4,"
	    " ?5, nullif(?6, 0))";
	sqlite3_stmt	*st;

	if (store_batch_op(s) == -1 || (st = store_prepare(s, ins)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_text(st, 2, in->msisdn, -1, SQLITE_STATIC);
	/* Whatever was sent, capped: it is evidence, not a key. */
	sqlite3_bind_text(st, 3, in->code != NULL ? in->code : "",
	    in->code != NULL && strlen(in->code) > 32 ? 32 : -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 4, in->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, ent_id);
	if (camp_step(s, st, "relief: insert code attempt") == -1)
		return -1;
	log_info("relief: wrong code from %s: %s%s%lld", in->msisdn, reason,
	    ent_id ? " entitlement=" : "", (long long)ent_id);
	return 0;
}

/*
 * Find the entitlement the receipt is about.  0 found (*id), or an
 * outcome (RECEIPT_UNKNOWN_CODE, RECEIPT_NOT_OWNER, RECEIPT_RATE_LIMITED,
 * RECEIPT_ERROR) with the attempt recorded where the rules say.
 */
static int
relief_find(struct store *s, const struct receipt_in *in, int64_t now_ms,
    int64_t *id, int64_t *other)
{
	static const char recent[] = "SELECT count(*) FROM code_attempts"
	    " WHERE msisdn = ?1 AND at_ms > ?2";
	static const char bycode[] = "SELECT id, msisdn = ?2 FROM entitlements"
	    " WHERE code = ?1 ORDER BY msisdn = ?2 DESC, state = 'pending'"
	    " DESC, id DESC LIMIT 1";
	static const char indist[] = "SELECT id FROM entitlements"
	    " WHERE distribution_id = ?1 AND code = ?2";
	static const char byid[] = "SELECT id FROM entitlements"
	    " WHERE distribution_id = ?1 AND id = ?2";
	sqlite3_stmt	*st;
	int64_t		 n = 0;
	int		 rc, mine = 0;

	*id = *other = 0;
	if (in->msisdn == NULL) {
		/* An officer: named distribution, no ownership check. */
		if (in->code != NULL) {
			if (!relief_code_valid(in->code))
				return RECEIPT_UNKNOWN_CODE;
			if ((st = store_prepare(s, indist)) == NULL)
				return RECEIPT_ERROR;
			sqlite3_bind_int64(st, 1, in->distribution_id);
			sqlite3_bind_text(st, 2, in->code, -1, SQLITE_STATIC);
		} else {
			if ((st = store_prepare(s, byid)) == NULL)
				return RECEIPT_ERROR;
			sqlite3_bind_int64(st, 1, in->distribution_id);
			sqlite3_bind_int64(st, 2, in->entitlement_id);
		}
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return RECEIPT_ERROR;
		return *id != 0 ? 0 : RECEIPT_UNKNOWN_CODE;
	}

	/* A beneficiary: rate limit first, then the code and its owner. */
	if (in->wrong_codes > 0) {
		if ((st = store_prepare(s, recent)) == NULL)
			return RECEIPT_ERROR;
		sqlite3_bind_text(st, 1, in->msisdn, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, now_ms - (int64_t)in->wrong_window *
		    1000);
		if ((rc = sqlite3_step(st)) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW)
			return RECEIPT_ERROR;
		if (n >= in->wrong_codes) {
			log_info("relief: %s rate limited (%lld wrong codes in "
			    "%d s)", in->msisdn, (long long)n,
			    in->wrong_window);
			return RECEIPT_RATE_LIMITED;
		}
	}
	if (!relief_code_valid(in->code)) {
		if (relief_attempt(s, in, "unknown", 0, now_ms) == -1)
			return RECEIPT_ERROR;
		return RECEIPT_UNKNOWN_CODE;
	}
	if ((st = store_prepare(s, bycode)) == NULL)
		return RECEIPT_ERROR;
	sqlite3_bind_text(st, 1, in->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, in->msisdn, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		mine = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return RECEIPT_ERROR;
	if (*id != 0 && mine)
		return 0;
	if (relief_attempt(s, in, *id != 0 ? "not_owner" : "unknown", *id,
	    now_ms) == -1)
		return RECEIPT_ERROR;
	*other = *id;
	*id = 0;
	return *other != 0 ? RECEIPT_NOT_OWNER : RECEIPT_UNKNOWN_CODE;
}

static void
relief_out_fill(struct receipt_out *out, const struct relief_ent *e)
{
	out->entitlement_id = e->id;
	out->distribution_id = e->distribution_id;
	snprintf(out->union_code, sizeof(out->union_code), "%s",
	    e->union_code);
	snprintf(out->programme, sizeof(out->programme), "%s", e->programme);
	snprintf(out->item, sizeof(out->item), "%s", e->item);
	snprintf(out->unit, sizeof(out->unit), "%s", e->unit);
	snprintf(out->state, sizeof(out->state), "%s", e->state);
	out->entitled = e->quantity;
	out->received = e->has_received ? e->received : 0;
}

int
relief_receipt(struct store *s, const struct receipt_in *in,
    struct receipt_out *out)
{
	static const char upd[] = "UPDATE entitlements SET state = ?2,"
	    " received_qty = ?3, received_at = ?4, channel = ?5 WHERE id = ?1";
	struct relief_ent	 e;
	struct relief_entry	 ce;
	struct grievance_in	 g;
	sqlite3_stmt		*st;
	const char		*state, *kind, *text;
	int64_t			 now_ms, id, other, rid, gid = 0;
	long			 qty = 0;
	int			 rc;

	memset(out, 0, sizeof(*out));
	out->outcome = RECEIPT_ERROR;
	now_ms = in->now_ms > 0 ? in->now_ms : store_now_ms();
	if (in->channel == NULL || (in->kind != RECEIPT_RECEIVED &&
	    in->kind != RECEIPT_DISPUTED) || in->qty < 0 ||
	    (in->msisdn == NULL && in->code == NULL &&
	    in->entitlement_id <= 0)) {
		log_warnx("%s: bad request", __func__);
		return RECEIPT_ERROR;
	}
	if ((rc = relief_find(s, in, now_ms, &id, &other)) != 0) {
		if (rc == RECEIPT_NOT_OWNER && other != 0 &&
		    relief_ent_load(s, other, &e) == 0) {
			/* Only where the code belongs: nothing personal. */
			snprintf(out->union_code, sizeof(out->union_code),
			    "%s", e.union_code);
		}
		out->outcome = rc;
		return rc;
	}
	if (relief_ent_load(s, id, &e) != 0)
		return RECEIPT_ERROR;
	relief_out_fill(out, &e);

	if (in->kind == RECEIPT_RECEIVED) {
		if (in->qty > e.quantity) {
			out->outcome = RECEIPT_TOO_MUCH;
			return RECEIPT_TOO_MUCH;
		}
		qty = in->qty == 0 ? e.quantity : in->qty;
		state = qty == e.quantity ? "received" : "short";
		kind = "received";
		if (strcmp(e.state, state) == 0 && e.has_received &&
		    e.received == qty) {
			out->outcome = RECEIPT_REPEAT;
			return RECEIPT_REPEAT;
		}
	} else {
		state = kind = "disputed";
		if (strcmp(e.state, "disputed") == 0) {
			out->outcome = RECEIPT_REPEAT;
			return RECEIPT_REPEAT;
		}
		text = in->note != NULL && *in->note != '\0' ? in->note :
		    in->raw != NULL && *in->raw != '\0' ? in->raw :
		    "not received";
		memset(&g, 0, sizeof(g));
		g.msisdn = in->msisdn != NULL ? in->msisdn : e.msisdn;
		g.recipient_id = e.recipient_id;
		g.union_code = e.union_code;
		g.channel = in->channel;
		g.category = "relief";
		g.text = text;
		g.lang = in->lang != NULL ? in->lang : e.lang[0] != '\0' ?
		    e.lang : "bn";
		g.entitlement_id = e.id;
		g.inbound_id = in->inbound_id;
		g.now = now_ms / 1000;
		if ((gid = grievance_open(s, &g)) == -1) {
			log_warnx("relief: entitlement=%lld: the grievance "
			    "could not be opened", (long long)e.id);
			return RECEIPT_ERROR;
		}
	}

	memset(&ce, 0, sizeof(ce));
	ce.union_code = e.union_code;
	ce.distribution_id = e.distribution_id;
	ce.entitlement_id = e.id;
	ce.kind = kind;
	ce.has_qty = in->kind == RECEIPT_RECEIVED;
	ce.qty = qty;
	ce.channel = in->channel;
	ce.actor = in->actor != NULL ? in->actor : in->msisdn != NULL ?
	    in->msisdn : "unknown";
	ce.at_ms = now_ms;
	ce.raw = in->raw != NULL ? in->raw : "";
	ce.raw_len = strlen(ce.raw);
	if ((rid = relief_chain_append(s, &ce)) == -1)
		return RECEIPT_ERROR;

	if (store_batch_op(s) == -1 || (st = store_prepare(s, upd)) == NULL)
		return RECEIPT_ERROR;
	sqlite3_bind_int64(st, 1, e.id);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	if (in->kind == RECEIPT_RECEIVED)
		sqlite3_bind_int64(st, 3, qty);
	sqlite3_bind_int64(st, 4, now_ms);
	sqlite3_bind_text(st, 5, in->channel, -1, SQLITE_STATIC);
	if (camp_step(s, st, "relief: update entitlement") == -1)
		return RECEIPT_ERROR;

	snprintf(out->state, sizeof(out->state), "%s", state);
	out->received = in->kind == RECEIPT_RECEIVED ? qty : 0;
	out->receipt_id = rid;
	out->grievance_id = gid;
	out->outcome = RECEIPT_OK;
	log_info("relief: receipt=%lld union=%s seq=%lld entitlement=%lld "
	    "%s -> %s qty=%ld via %s by %s", (long long)rid, e.union_code,
	    (long long)ce.seq, (long long)e.id, e.state, state, qty,
	    in->channel, ce.actor);
	return RECEIPT_OK;
}

/* --- distributions ------------------------------------------------------ */

void
relief_req_clear(struct relief_req *r)
{
	free(r->programme);
	free(r->item);
	free(r->unit);
	free(r->place);
	memset(r, 0, sizeof(*r));
}

/* Epoch seconds, or RFC 3339 ("2026-11-24T10:00:00+06:00", "...Z"). */
static int
relief_time_parse(json_t *v, int64_t *out)
{
	const char	*s;
	struct tm	 tm;
	int		 n = 0, oh = 0, om = 0, sign = 1;
	char		 z[2];

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return *out >= 0 ? 0 : -1;
	}
	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -1;
	s += n;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			;
	if (sscanf(s, "%1[Zz]%n", z, &n) == 1 && s[n] == '\0')
		;
	else if ((*s == '+' || *s == '-') && sscanf(s + 1, "%2d:%2d%n", &oh,
	    &om, &n) == 2 && s[1 + n] == '\0')
		sign = *s == '-' ? -1 : 1;
	else
		return -1;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60 || oh > 14 || om > 59)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (int64_t)timegm(&tm) - sign * (oh * 3600 + om * 60);
	return 0;
}

/* A cleaned text field of 1..max bytes (0..max if optional). */
static int
relief_field(json_t *v, const char *name, size_t max, int optional,
    char **out, char *msg, size_t msglen)
{
	const char	*s, *why = NULL;

	*out = NULL;
	if (v == NULL && optional) {
		*out = xstrdup("");
		return 0;
	}
	if (!json_is_string(v)) {
		snprintf(msg, msglen, "%s must be a string", name);
		return -1;
	}
	s = json_string_value(v);
	if ((*out = text_clean(s, json_string_length(v), &why)) == NULL) {
		snprintf(msg, msglen, "%s: %s", name, why != NULL ? why :
		    "not valid UTF-8");
		return -1;
	}
	if ((**out == '\0' && !optional) || strlen(*out) > max) {
		snprintf(msg, msglen, "%s must be 1-%zu bytes of text", name,
		    max);
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int
relief_dist_parse(json_t *j, int64_t now, struct relief_req *r,
    int *status, const char **code, char *msg, size_t msglen)
{
	json_t		*prog = NULL, *item = NULL, *unit = NULL, *place = NULL;
	json_t		*qty = NULL, *at = NULL, *ben = NULL;
	const char	*u = NULL;
	const char	*p;

	memset(r, 0, sizeof(*r));
	*status = 400;
	*code = "E_BAD_JSON";
	if (json_unpack(j, "{s:s,s:o,s:o,s?o,s:o,s:o,s:o,s?o!}",
	    "union", &u, "programme", &prog, "item", &item, "unit", &unit,
	    "quantity", &qty, "place", &place, "at", &at,
	    "beneficiaries", &ben) == -1) {
		snprintf(msg, msglen, "expected {union, programme, item, "
		    "quantity, place, at, [unit, beneficiaries]} and nothing "
		    "else");
		return -1;
	}
	*code = "E_BAD_REQUEST";
	if (!area_code_valid(u)) {
		snprintf(msg, msglen, "union is not an area code");
		return -1;
	}
	r->union_code = u;
	if (relief_field(prog, "programme", 31, 0, &r->programme, msg,
	    msglen) == -1 || relief_field(item, "item", 63, 0, &r->item, msg,
	    msglen) == -1 || relief_field(unit, "unit", 15, 1, &r->unit, msg,
	    msglen) == -1 || relief_field(place, "place", 200, 0, &r->place,
	    msg, msglen) == -1)
		goto fail;
	for (p = r->programme; *p != '\0'; p++)
		if (*p == ';' || *p == ',' || *p == '|') {
			snprintf(msg, msglen, "programme is one name (no ; , "
			    "or |)");
			goto fail;
		}
	if (!json_is_integer(qty) || json_integer_value(qty) <= 0 ||
	    json_integer_value(qty) > 1000000) {
		snprintf(msg, msglen, "quantity must be a whole number "
		    "1-1000000 (per beneficiary)");
		goto fail;
	}
	r->quantity = (long)json_integer_value(qty);
	if (relief_time_parse(at, &r->at) == -1) {
		snprintf(msg, msglen, "at is not epoch seconds or RFC 3339 "
		    "time");
		goto fail;
	}
	if (r->at < now - 86400 || r->at > now + 366 * 86400) {
		*status = 422;
		*code = "E_INVALID";
		snprintf(msg, msglen, "at must be between a day ago and a year "
		    "ahead");
		goto fail;
	}
	if (ben != NULL && !json_is_null(ben)) {
		if (!json_is_array(ben) || json_array_size(ben) >
		    RELIEF_MAX_BENEFICIARIES) {
			snprintf(msg, msglen, "beneficiaries must be a list of "
			    "at most %d numbers", RELIEF_MAX_BENEFICIARIES);
			goto fail;
		}
		r->beneficiaries = ben;
	}
	return 0;
fail:
	relief_req_clear(r);
	return -1;
}

/* ASCII digits of in as Bangla digits (U+09E6..U+09EF). */
static void
relief_bn_digits(const char *in, char *out, size_t len)
{
	size_t	 o = 0;

	for (; *in != '\0' && o + 4 < len; in++) {
		if (*in >= '0' && *in <= '9') {
			out[o++] = (char)0xe0;
			out[o++] = (char)0xa7;
			out[o++] = (char)(0xa6 + (*in - '0'));
		} else
			out[o++] = *in;
	}
	out[o] = '\0';
}

/*
 * The notice in lang with code (or "{code}" for the alert's template).
 * Times are Dhaka's.  Caller frees.
 */
static char *
relief_notice(const struct relief_req *r, const char *lang, const char *code)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	 tm;
	time_t		 t = (time_t)(r->at + RELIEF_DHAKA);
	char		 when[64], amount[64], bnwhen[192], bn[192], *out;

	gmtime_r(&t, &tm);
	snprintf(amount, sizeof(amount), "%ld%s%s", r->quantity,
	    r->unit[0] != '\0' ? " " : "", r->unit);
	if (strcmp(lang, "en") == 0) {
		snprintf(when, sizeof(when), "%d %s %02d:%02d", tm.tm_mday,
		    mon[tm.tm_mon], tm.tm_hour, tm.tm_min);
		xasprintf(&out, "Relief (%s): %s %s on %s at %s. Your code: "
		    "%s. When you get it, reply RCV %s (got less? RCV %s and "
		    "the amount). Not received: NO %s", r->programme, amount,
		    r->item, when, r->place, code, code, code, code);
		return out;
	}
	snprintf(when, sizeof(when), "%02d/%02d %02d:%02d", tm.tm_mday,
	    tm.tm_mon + 1, tm.tm_hour, tm.tm_min);
	relief_bn_digits(when, bnwhen, sizeof(bnwhen));
	relief_bn_digits(amount, bn, sizeof(bn));
	xasprintf(&out, "ত্রাণ (%s): %s %s, %s, %s। আপনার কোড %s। পেলে "
	    "লিখুন: পেয়েছি %s (কম পেলে শেষে পরিমাণ)। না পেলে: পাইনি %s",
	    r->programme, r->item, bn, bnwhen, r->place, code, code, code);
	return out;
}

struct relief_benef {
	int64_t		 rid;
	char		 msisdn[MSISDN_MAX];
	char		 lang[3];
};

static int
relief_benef_cmp(const void *a, const void *b)
{
	const struct relief_benef *x = a, *y = b;

	return x->rid < y->rid ? -1 : x->rid > y->rid;
}

/* Add a bad-row object (at most RELIEF_MAX_ROWS kept). */
static void
relief_row_bad(json_t *rows, size_t *nbad, size_t row, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
relief_row_bad(json_t *rows, size_t *nbad, size_t row, const char *fmt, ...)
{
	char	 msg[160];
	va_list	 ap;

	if ((*nbad)++ >= RELIEF_MAX_ROWS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(rows, json_pack("{s:I,s:s,s:s}", "row",
	    (json_int_t)row, "field", "beneficiaries", "message", msg));
}

/*
 * The beneficiaries: the union's recipients in the programme, or the
 * listed numbers (each a recipient of the union).  0 (*list, *n), 1 some
 * rows are bad (*rows), -1 store error.
 */
static int
relief_benef_resolve(struct store *s, const struct relief_req *r,
    struct relief_benef **list, size_t *n, json_t **rows, size_t *nbad)
{
	static const char byprog[] = "SELECT id, msisdn, lang FROM recipients"
	    " WHERE union_code = ?1 AND instr(';' || upper(programmes) || ';',"
	    " ';' || upper(?2) || ';') > 0 ORDER BY id";
	static const char bynum[] = "SELECT id, union_code, lang"
	    " FROM recipients WHERE msisdn = ?1";
	struct relief_benef	*b = NULL;
	sqlite3_stmt		*st;
	json_t			*v;
	const char		*why, *uc;
	char			 m[MSISDN_MAX];
	size_t			 cap = 0, i, o;
	int			 rc;

	*list = NULL;
	*n = *nbad = 0;
	*rows = json_array();
	if (r->beneficiaries == NULL) {
		if ((st = store_prepare(s, byprog)) == NULL)
			return -1;
		sqlite3_bind_text(st, 1, r->union_code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, r->programme, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW &&
		    *n < RELIEF_MAX_BENEFICIARIES) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 256;
				b = xreallocarray(b, cap, sizeof(*b));
			}
			b[*n].rid = sqlite3_column_int64(st, 0);
			relief_col(st, 1, b[*n].msisdn, sizeof(b[*n].msisdn));
			relief_col(st, 2, b[*n].lang, sizeof(b[*n].lang));
			(*n)++;
		}
		sqlite3_reset(st);
		*list = b;
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return -1;
		return 0;
	}
	json_array_foreach(r->beneficiaries, i, v) {
		if (!json_is_string(v)) {
			relief_row_bad(*rows, nbad, i + 1, "not a string");
			continue;
		}
		if (msisdn_normalise(json_string_value(v), m, &why) == -1) {
			relief_row_bad(*rows, nbad, i + 1, "%s", why);
			continue;
		}
		if ((st = store_prepare(s, bynum)) == NULL)
			goto fail;
		sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE)
			relief_row_bad(*rows, nbad, i + 1, "%s is not a "
			    "registered recipient", m);
		else if (rc == SQLITE_ROW) {
			uc = (const char *)sqlite3_column_text(st, 1);
			if (uc == NULL || strcmp(uc, r->union_code) != 0)
				relief_row_bad(*rows, nbad, i + 1, "%s is "
				    "registered in union %s, not %s", m,
				    uc != NULL ? uc : "?", r->union_code);
			else {
				if (*n == cap) {
					cap = cap ? cap * 2 : 256;
					b = xreallocarray(b, cap, sizeof(*b));
				}
				b[*n].rid = sqlite3_column_int64(st, 0);
				snprintf(b[*n].msisdn, sizeof(b[*n].msisdn),
				    "%s", m);
				relief_col(st, 2, b[*n].lang,
				    sizeof(b[*n].lang));
				(*n)++;
			}
		}
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			goto fail;
	}
	/* One entitlement per person, however often listed. */
	if (*n > 1) {
		qsort(b, *n, sizeof(*b), relief_benef_cmp);
		for (i = 1, o = 1; i < *n; i++)
			if (b[i].rid != b[o - 1].rid)
				b[o++] = b[i];
		*n = o;
	}
	*list = b;
	return *nbad > 0 ? 1 : 0;
fail:
	*list = b;
	return -1;
}

/* A code for msisdn: not in used[] (this distribution) nor pending. */
static int
relief_code_pick(struct store *s, unsigned char *used, const char *msisdn,
    char code[RELIEF_CODE_LEN + 1])
{
	static const char pending[] = "SELECT 1 FROM entitlements"
	    " WHERE code = ?1 AND msisdn = ?2 AND state = 'pending' LIMIT 1";
	sqlite3_stmt	*st;
	unsigned long	 v;
	int		 rc, tries;

	for (tries = 0; tries < 1000; tries++) {
		if (relief_code_new(code) == -1)
			return -1;
		v = strtoul(code, NULL, 10);
		if (used[v >> 3] & (1U << (v & 7)))
			continue;
		if ((st = store_prepare(s, pending)) == NULL)
			return -1;
		sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, msisdn, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_ROW)
			continue;
		if (rc != SQLITE_DONE)
			return -1;
		used[v >> 3] |= 1U << (v & 7);
		return 0;
	}
	log_warnx("%s: no free code after 1000 draws", __func__);
	return -1;
}

int
relief_dist_create(struct store *s, const struct relief_req *r,
    int64_t token_id, int max_parts, struct relief_made *made, int *status,
    const char **code, char *msg, size_t msglen, json_t **rowsp)
{
	static const char alert[] = "INSERT INTO alerts (kind, priority,"
	    " text_bn, text_en, starts_at, created_at, token_id, messages)"
	    " VALUES ('relief_notice', ?1, ?2, ?3, ?4, ?4, nullif(?5, 0), ?6)";
	static const char area[] = "INSERT INTO alert_areas (alert_id, code)"
	    " VALUES (?1, ?2)";
	static const char dist[] = "INSERT INTO distributions (union_code,"
	    " programme, item, unit, quantity, place, at, alert_id, token_id,"
	    " created_at, entitlements) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	    " ?8, nullif(?9, 0), ?10, ?11)";
	static const char ent[] = "INSERT INTO entitlements (distribution_id,"
	    " recipient_id, msisdn, code, quantity, message_id) VALUES (?1, ?2,"
	    " ?3, ?4, ?5, ?6)";
	struct relief_benef	*b = NULL;
	struct outbox_msg	 om;
	struct area		 a;
	struct sms_len		 l;
	sqlite3_stmt		*st;
	json_t			*rows = NULL;
	unsigned char		*used = NULL;
	char			*tbn = NULL, *ten = NULL, *text;
	char			 c[RELIEF_CODE_LEN + 1];
	size_t			 n = 0, nbad = 0, i;
	int64_t			 now = store_now(), mid;
	int			 rc, ret = -1;

	memset(made, 0, sizeof(*made));
	if (rowsp != NULL)
		*rowsp = NULL;
	*status = 422;
	*code = "E_INVALID";
	if ((rc = area_get(s, r->union_code, &a)) == -1)
		return -1;
	if (rc == 1) {
		*status = 404;
		*code = "E_NOT_FOUND";
		snprintf(msg, msglen, "unknown area %s", r->union_code);
		return 1;
	}
	rc = a.level;
	area_clear(&a);
	if (rc != AREA_UNION) {
		*code = "E_NOT_UNION";
		snprintf(msg, msglen, "%s is not a union (level %s): relief "
		    "is distributed per union", r->union_code,
		    area_level_name(rc));
		return 1;
	}

	/* The notice's length: the same for every code (6 digits). */
	tbn = relief_notice(r, "bn", "000000");
	ten = relief_notice(r, "en", "000000");
	if (sms_measure(tbn, &made->bn) == -1 ||
	    sms_measure(ten, &made->en) == -1) {
		snprintf(msg, msglen, "the notice is not valid UTF-8");
		ret = 1;
		goto out;
	}
	if (made->bn.parts > max_parts || made->en.parts > max_parts) {
		l = made->bn.parts > max_parts ? made->bn : made->en;
		*code = "E_TOO_LONG";
		snprintf(msg, msglen, "the notice would need %d SMS parts (%s, "
		    "%zu characters); the limit is %d ([kannel] max_parts): "
		    "shorten place or item", l.parts, sms_coding_name(l.coding),
		    l.chars, max_parts);
		ret = 1;
		goto out;
	}
	free(tbn);
	free(ten);
	tbn = ten = NULL;

	if ((rc = relief_benef_resolve(s, r, &b, &n, &rows, &nbad)) == -1)
		goto out;
	if (rc == 1) {
		*code = "E_ROWS";
		snprintf(msg, msglen, "%zu of %zu beneficiaries are not "
		    "registered recipients of union %s; nothing was created",
		    nbad, json_array_size(r->beneficiaries), r->union_code);
		if (rowsp != NULL) {
			*rowsp = rows;
			rows = NULL;
		}
		ret = 1;
		goto out;
	}
	if (n == 0) {
		*code = "E_NO_BENEFICIARIES";
		if (r->beneficiaries != NULL)
			snprintf(msg, msglen, "the beneficiary list is empty");
		else
			snprintf(msg, msglen, "no recipient of union %s is "
			    "registered for programme %s", r->union_code,
			    r->programme);
		ret = 1;
		goto out;
	}

	/* The notice alert, its union, the distribution. */
	tbn = relief_notice(r, "bn", "{code}");
	ten = relief_notice(r, "en", "{code}");
	if ((st = store_prepare(s, alert)) == NULL)
		goto out;
	sqlite3_bind_int(st, 1, PRIO_RELIEF);
	sqlite3_bind_text(st, 2, tbn, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ten, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, token_id);
	sqlite3_bind_int64(st, 6, (int64_t)n);
	if (camp_step(s, st, "relief: insert notice alert") == -1)
		goto out;
	made->alert_id = sqlite3_last_insert_rowid(store_db(s));
	if ((st = store_prepare(s, area)) == NULL)
		goto out;
	sqlite3_bind_int64(st, 1, made->alert_id);
	sqlite3_bind_text(st, 2, r->union_code, -1, SQLITE_STATIC);
	if (camp_step(s, st, "relief: insert alert area") == -1)
		goto out;
	if ((st = store_prepare(s, dist)) == NULL)
		goto out;
	sqlite3_bind_text(st, 1, r->union_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->programme, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->item, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->unit, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, r->quantity);
	sqlite3_bind_text(st, 6, r->place, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, r->at);
	sqlite3_bind_int64(st, 8, made->alert_id);
	sqlite3_bind_int64(st, 9, token_id);
	sqlite3_bind_int64(st, 10, now);
	sqlite3_bind_int64(st, 11, (int64_t)n);
	if (camp_step(s, st, "relief: insert distribution") == -1)
		goto out;
	made->id = sqlite3_last_insert_rowid(store_db(s));

	/* Per beneficiary: a code, the notice SMS, the entitlement. */
	used = xcalloc(1, RELIEF_CODE_SPACE / 8 + 1);
	for (i = 0; i < n; i++) {
		if (relief_code_pick(s, used, b[i].msisdn, c) == -1)
			goto out;
		text = relief_notice(r, b[i].lang, c);
		memset(&om, 0, sizeof(om));
		om.alert_id = made->alert_id;
		om.recipient_id = b[i].rid;
		om.msisdn = b[i].msisdn;
		om.union_code = r->union_code;
		om.lang = b[i].lang;
		om.origin = "relief";
		om.priority = PRIO_RELIEF;
		om.text = text;
		mid = camp_outbox_add(s, &om);
		free(text);
		if (mid == -1)
			goto out;
		if ((st = store_prepare(s, ent)) == NULL)
			goto out;
		sqlite3_bind_int64(st, 1, made->id);
		sqlite3_bind_int64(st, 2, b[i].rid);
		sqlite3_bind_text(st, 3, b[i].msisdn, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, c, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, r->quantity);
		sqlite3_bind_int64(st, 6, mid);
		if (camp_step(s, st, "relief: insert entitlement") == -1)
			goto out;
	}
	made->entitlements = (int64_t)n;
	log_info("relief: distribution=%lld alert=%lld union=%s programme=%s "
	    "entitlements=%zu", (long long)made->id, (long long)made->alert_id,
	    r->union_code, r->programme, n);
	ret = 0;
out:
	free(used);
	free(b);
	free(tbn);
	free(ten);
	json_decref(rows);
	return ret;
}

int
relief_dist_union(struct store *s, int64_t id, char union_code[33])
{
	static const char sql[] = "SELECT union_code FROM distributions"
	    " WHERE id = ?1";
	sqlite3_stmt	*st;
	int		 rc;

	if ((st = store_prepare(s, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		relief_col(st, 0, union_code, 33);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

json_t *
relief_dist_status(struct store *s, int64_t id, int dlr_timeout)
{
	static const char head[] = "SELECT union_code, programme, item, unit,"
	    " quantity, place, at, alert_id, token_id, created_at,"
	    " entitlements FROM distributions WHERE id = ?1";
	static const char states[] = "SELECT state, count(*),"
	    " sum(coalesce(received_qty, 0)) FROM entitlements"
	    " WHERE distribution_id = ?1 GROUP BY state";
	sqlite3_stmt	*st;
	json_t		*o, *byst, *notice;
	int64_t		 alert_id, units = 0;

	if ((st = store_prepare(s, head)) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return NULL;
	}
	alert_id = sqlite3_column_int64(st, 7);
	o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:s,s:I,s:I,s:I}",
	    "id", (json_int_t)id,
	    "union", (const char *)sqlite3_column_text(st, 0),
	    "programme", (const char *)sqlite3_column_text(st, 1),
	    "item", (const char *)sqlite3_column_text(st, 2),
	    "unit", (const char *)sqlite3_column_text(st, 3),
	    "quantity", (json_int_t)sqlite3_column_int64(st, 4),
	    "place", (const char *)sqlite3_column_text(st, 5),
	    "at", (json_int_t)sqlite3_column_int64(st, 6),
	    "created_at", (json_int_t)sqlite3_column_int64(st, 9),
	    "entitlements", (json_int_t)sqlite3_column_int64(st, 10));
	sqlite3_reset(st);
	if (o == NULL)
		return NULL;
	byst = json_pack("{s:i,s:i,s:i,s:i}", "pending", 0, "received", 0,
	    "short", 0, "disputed", 0);
	if ((st = store_prepare(s, states)) == NULL) {
		json_decref(byst);
		json_decref(o);
		return NULL;
	}
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		json_object_set_new(byst, (const char *)sqlite3_column_text(st,
		    0), json_integer(sqlite3_column_int64(st, 1)));
		units += sqlite3_column_int64(st, 2);
	}
	sqlite3_reset(st);
	json_object_set_new(o, "states", byst);
	json_object_set_new(o, "received_units", json_integer(units));
	json_object_set_new(o, "alert_id", alert_id ? json_integer(alert_id) :
	    json_null());
	if (alert_id && (notice = camp_alert_status(s, alert_id, dlr_timeout,
	    0)) != NULL) {
		json_object_set(o, "notice", json_object_get(notice, "totals"));
		json_decref(notice);
	} else
		json_object_set_new(o, "notice", json_null());
	return o;
}
