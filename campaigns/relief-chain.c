/*
 * relief-chain.c: the append-only, hash-chained receipt log of each union
 * (relief.c appends an entry for every receipt and dispute).
 *
 * receipts(union_code, seq) numbers each union's entries 1, 2, ...;
 * entry n stores prev_hash = hash of entry n - 1 (64 '0' for the first)
 * and hash = lowercase hex SHA-256 over the concatenation of these
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

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "campaigns.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

#define RELIEF_ZERO_HASH \
    "0000000000000000000000000000000000000000000000000000000000000000"
#define RELIEF_HASH_HEX	64
#define RELIEF_TAG	"sanket-receipt-v1"

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
 * The union's last entry is one backwards step on the (union_code, seq)
 * index.
 */
int64_t
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

/* What the chain last said about one entitlement (relief_verify). */
struct relief_last {
	int64_t		 ent, seq, qty;
	int		 disputed, has_qty;
};

static int
relief_last_cmp(const void *a, const void *b)
{
	const struct relief_last *x = a, *y = b;

	if (x->ent != y->ent)
		return x->ent < y->ent ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * The chain against the entitlements it decides: each entitlement's state
 * (and received quantity) must be what its last chain entry says, and an
 * entitlement that is not pending must have one.  This catches what the
 * links alone cannot: entries removed from the end of the chain (the
 * entitlements still say received), and an entitlement edited to say
 * something its receipts do not.  NULL if consistent, else the first
 * finding; *err on a store error.
 */
static json_t *
relief_verify_entitlements(struct store *s, const char *union_code,
    struct relief_last *last, size_t nlast, int64_t n, int *err)
{
	static const char q[] = "SELECT e.id, e.state, e.received_qty"
	    " FROM entitlements e JOIN distributions d ON"
	    " d.id = e.distribution_id WHERE d.union_code = ?1 ORDER BY e.id";
	struct relief_last	*l;
	sqlite3_stmt		*st;
	json_t			*broken = NULL;
	const char		*state;
	size_t			 i, k;
	int64_t			 ent, rq;
	int			 rc, pending, disputed;

	/* Keep the last entry (highest seq) of each entitlement. */
	if (nlast > 0)
		qsort(last, nlast, sizeof(*last), relief_last_cmp);
	for (i = k = 0; i < nlast; i++) {
		if (k > 0 && last[k - 1].ent == last[i].ent)
			k--;
		last[k++] = last[i];
	}
	nlast = k;
	if ((st = store_prepare(s, q)) == NULL) {
		*err = 1;
		return NULL;
	}
	sqlite3_bind_text(st, 1, union_code, -1, SQLITE_STATIC);
	while (broken == NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		ent = sqlite3_column_int64(st, 0);
		state = (const char *)sqlite3_column_text(st, 1);
		rq = sqlite3_column_int64(st, 2);
		pending = state == NULL || strcmp(state, "pending") == 0;
		disputed = state != NULL && strcmp(state, "disputed") == 0;
		l = NULL;
		if (nlast > 0) {
			/* first entry with this ent (seq is unique per ent) */
			size_t	 lo = 0, hi = nlast;

			while (lo < hi) {
				size_t	 mid = (lo + hi) / 2;

				if (last[mid].ent < ent)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo < nlast && last[lo].ent == ent)
				l = &last[lo];
		}
		if (l == NULL && !pending)
			broken = relief_broken(n + 1, 0, "deleted",
			    "entitlement %lld is %s but the chain holds no "
			    "receipt for it: entries were removed (the end of "
			    "the chain?) or the entitlement was edited",
			    (long long)ent, state);
		else if (l != NULL && (pending || disputed != l->disputed ||
		    (!disputed && l->has_qty && rq != l->qty))) {
			char	 says[48];

			if (pending || disputed)
				snprintf(says, sizeof(says), "%s", state);
			else
				snprintf(says, sizeof(says), "%s %lld", state,
				    (long long)rq);
			broken = relief_broken(l->seq, 0, "edited",
			    "entitlement %lld says %s, but its last chain "
			    "entry (%lld) says %s", (long long)ent, says,
			    (long long)l->seq, l->disputed ? "disputed" :
			    "received");
		}
	}
	if (broken == NULL && rc != SQLITE_DONE)
		*err = 1;
	sqlite3_reset(st);
	return broken;
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
	struct relief_last	*last = NULL;
	size_t			 nlast = 0, caplast = 0;
	int64_t			 n = 0, id;
	int			 rc, err = 0;

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
		if (nlast == caplast) {
			caplast = caplast ? caplast * 2 : 1024;
			last = xreallocarray(last, caplast, sizeof(*last));
		}
		last[nlast].ent = e.entitlement_id;
		last[nlast].seq = e.seq;
		last[nlast].qty = e.qty;
		last[nlast].has_qty = e.has_qty;
		last[nlast].disputed = strcmp(e.kind, "disputed") == 0;
		nlast++;
	}
	sqlite3_reset(st);
	relief_hasher_free(&h);
	if (rc == SQLITE_DONE && broken == NULL)
		broken = relief_verify_entitlements(s, union_code, last,
		    nlast, n, &err);
	free(last);
	if (rc != SQLITE_DONE || err) {
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
