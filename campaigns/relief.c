/*
 * relief.c: relief receipts: a beneficiary's "RCV code" or "NO code" (by
 * SMS or keypad) or an officer's hand-over settles an entitlement that a
 * distribution issued (relief-dist.c), and is chained into the union's
 * receipt log (relief-chain.c).
 *
 * A code is bound to the beneficiary's number: a receipt by SMS or keypad
 * is accepted only from that number.  Wrong codes (unknown, or someone
 * else's) are recorded in code_attempts, and a number with [relief]
 * wrong_codes of them within wrong_code_window is refused for a while.
 * An officer names the distribution and gives the code or the
 * entitlement id; there is no ownership check.
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
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaigns.h"
#include "log.h"
#include "msisdn.h"
#include "store.h"

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
		camp_col(st, 3, e->msisdn, sizeof(e->msisdn));
		e->quantity = (long)sqlite3_column_int64(st, 4);
		camp_col(st, 5, e->state, sizeof(e->state));
		e->has_received = sqlite3_column_type(st, 6) != SQLITE_NULL;
		e->received = (long)sqlite3_column_int64(st, 6);
		camp_col(st, 7, e->union_code, sizeof(e->union_code));
		camp_col(st, 8, e->programme, sizeof(e->programme));
		camp_col(st, 9, e->item, sizeof(e->item));
		camp_col(st, 10, e->unit, sizeof(e->unit));
		camp_col(st, 11, e->lang, sizeof(e->lang));
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
	/* At -v: the code_attempts row is the record, and a line (a write)
	 * per wrong code costs more than the attempt (bench/mo.sh). */
	log_debug("relief: wrong code from %s: %s%s%lld", in->msisdn, reason,
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
	/* Every entitlement with the code (usually none or one); the best
	 * is picked below: the sender's own first, then a pending one,
	 * then the newest.  (An ORDER BY on these expressions made SQLite
	 * open a sorter for every wrong code: bench/mo.sh.) */
	static const char bycode[] = "SELECT id, msisdn = ?2,"
	    " state = 'pending' FROM entitlements WHERE code = ?1";
	static const char indist[] = "SELECT id FROM entitlements"
	    " WHERE distribution_id = ?1 AND code = ?2";
	static const char byid[] = "SELECT id FROM entitlements"
	    " WHERE distribution_id = ?1 AND id = ?2";
	sqlite3_stmt	*st;
	int64_t		 n = 0;
	int		 rc, mine = 0, pending = 0;

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
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t	 eid = sqlite3_column_int64(st, 0);
		/* NULL below false, as ORDER BY ... DESC ranked it. */
		int	 own = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 :
			    sqlite3_column_int(st, 1);
		int	 pend = sqlite3_column_type(st, 2) == SQLITE_NULL ? -1 :
			    sqlite3_column_int(st, 2);

		if (*id == 0 || own > mine || (own == mine && (pend > pending ||
		    (pend == pending && eid > *id)))) {
			*id = eid;
			mine = own;
			pending = pend;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return RECEIPT_ERROR;
	if (*id != 0 && mine == 1)
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
