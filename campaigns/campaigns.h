/*
 * campaigns.h: alerts, their fan-out into messages, and the dispatcher
 * that feeds them to Kannel.  Uses gateway/ (store, auth, the Kannel
 * client); gateway/ knows only the route table entries below.
 */
#ifndef SK_CAMPAIGNS_H
#define SK_CAMPAIGNS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "auth.h"
#include "reply.h"
#include "sms.h"

struct gw;
struct store;

/* Message states, as stored (messages.state). */
enum msg_state {
	MSG_QUEUED = 0,
	MSG_SUBMITTING = 1,
	MSG_SUBMITTED = 2,
	MSG_DELIVERED = 3,
	MSG_FAILED = 4,
	MSG_CANCELLED = 5,
	MSG_EXPIRED = 6
};
#define MSG_NSTATES	7

const char	*camp_msg_state_name(int);
/* Step a statement that returns no row we need, and reset it: 0, or -1
 * logged with what ("relief: insert receipt"). */
int		 camp_step(struct store *, sqlite3_stmt *, const char *what);
/* Text column col of the current row into out ("" when NULL). */
void		 camp_col(sqlite3_stmt *, int col, char *out, size_t len);
/*
 * A time in a request body: epoch seconds (a non-negative integer) or an
 * RFC 3339 string ("2026-11-22T18:00:00+06:00", "...Z"; fractions of a
 * second ignored).  0, or -1 if v is neither.
 */
int		 camp_time_parse(json_t *v, int64_t *out);
/*
 * Alert text field (for messages): NFC, no control characters but
 * newlines and tabs, trimmed, not empty.  Caller frees; NULL with msg
 * filled when refused.
 */
char		*camp_text(const char *field, const char *in, char *msg,
		    size_t msglen);
/*
 * The unions inside areas (any level), duplicates dropped, into the
 * temporary table temp.fanout_unions(code) that a fan-out then joins:
 * one indexed range query per area.  0 or -1.
 */
int		 camp_unions_resolve(struct store *, const char *const *areas,
		    size_t n);

#define ALERT_MAX_AREAS	1000

/*
 * A request's "areas": a list of 1-ALERT_MAX_AREAS area codes, into
 * *out (allocated; the strings stay the JSON's) and *n.  0, or -1 with
 * msg (*out may be set: the caller frees it with its request).
 */
int		 camp_areas_parse(json_t *areas, const char ***out, size_t *n,
		    char *msg, size_t msglen);

struct alert_req {
	const char	*kind;
	int		 priority;		/* -1 = by kind */
	const char	**areas;
	size_t		 nareas;
	char		*text_bn;		/* NFC, owned; NULL = none */
	char		*text_en;
	int64_t		 confirm_within;	/* seconds, 0 = none */
	int64_t		 starts_at;		/* seconds */
	int64_t		 expires_at;		/* seconds, 0 = none */
	int		 channels;		/* ALERT_SMS | ALERT_VOICE; 0 = sms */
	int		 escalate;		/* 1: unconfirmed SMS -> a call */
	int64_t		 supersedes;		/* alert id; 0 = none */
};

#define ALERT_SMS	0x1
#define ALERT_VOICE	0x2

struct alert_made {
	int64_t		 id;
	int64_t		 messages;		/* every channel */
	int64_t		 voice;			/* of them, calls */
	struct sms_len	 bn, en;
};

/*
 * Parse and validate a POST /api/v1/alerts body into req (caller frees
 * with camp_alert_req_clear).  0, or -1 with an HTTP status, an error code
 * and a message.  Scope is checked by the caller per area.
 */
int	camp_alert_parse(json_t *, int max_parts, int64_t now,
	    struct alert_req *, int *status, const char **code, char *msg,
	    size_t msglen);
void	camp_alert_req_clear(struct alert_req *);
/*
 * Create the alert and fan it out: one message row per recipient in the
 * target unions, by set-based SQL, inside the caller's open transaction.
 * 0 or -1 (store error).
 */
int	camp_alert_create(struct store *, const struct alert_req *,
	    int64_t token_id, struct alert_made *);
/* Stop what has not been handed to Kannel.  0 done, 1 not found, 2 not
 * cancellable (already cancelled or expired), -1 store error. */
int	camp_alert_cancel(struct store *, int64_t id, int64_t *stopped);
/* Status JSON (totals, per union) or NULL if unknown.  dlr_timeout in s. */
json_t	*camp_alert_status(struct store *, int64_t id, int dlr_timeout,
	    int with_unions);
/*
 * The scope rule alerts and campaigns share: 1 if the row named by
 * exists (?1 = id) exists and outside (?1 = id, ?2 = the token's scope)
 * counts none of its areas outside the scope; 0 if it counts some; -1
 * unknown or error.  A national token (or NULL) sees everything.
 */
int	camp_visible(struct store *, const char *exists, const char *outside,
	    int64_t id, const struct token *);
/* The ids that newest (SELECT id ... newest first) yields and the token
 * may see, at most limit, into *ids (caller frees).  Returns the count. */
size_t	camp_visible_ids(struct store *, const char *newest,
	    int (*visible)(struct store *, int64_t, const struct token *),
	    const struct token *, int limit, int64_t **ids);
/* 1 if every area of the alert lies in the token's scope, 0 if not, -1
 * unknown alert or error. */
int	camp_alert_visible(struct store *, int64_t id, const struct token *);
json_t	*camp_alert_list(struct store *, const struct token *, int limit,
	    int dlr_timeout);

/* The dispatcher (dispatch.c). */
struct dispatch;
struct dispatch	*dispatch_new(struct gw *);
void		 dispatch_free(struct dispatch *);
/* New work may be due: look now instead of at the next tick. */
void		 dispatch_kick(struct dispatch *);
/* Stop taking new work; in-flight requests finish or are requeued. */
void		 dispatch_stop(struct dispatch *);
/* DLR: apply Kannel status s to message id.  0 changed or idempotent,
 * 1 unknown message, -1 store error. */
int		 dispatch_dlr(struct dispatch *, int64_t id, int attempt,
		    int status);
/* A forged or stale DLR was refused (counted in the metrics). */
void		 dispatch_dlr_forged(struct dispatch *);
/* sendsms requests in flight or awaiting the commit of their outcome. */
int		 dispatch_inflight(const struct dispatch *);
/* Metrics lines (Prometheus text) appended to buf. */
struct evbuffer;
void		 dispatch_metrics(struct dispatch *, struct evbuffer *);


/*
 * Priorities (messages.priority; the dispatcher takes 3 first).  An
 * answer to a citizen's reply goes with relief notices: ahead of any
 * awareness blast, behind every warning.
 */
#define PRIO_WARNING	3
#define PRIO_RELIEF	2
#define PRIO_REPLY	2
#define PRIO_AWARENESS	0

/* --- outbox.c: one SMS with its own number and text ------------------- */

struct outbox_msg {
	int64_t		 alert_id;	/* 0 = none (a reply, a resolution) */
	int64_t		 recipient_id;	/* 0 = an unregistered sender */
	const char	*msisdn;	/* E.164; NULL = the recipient's */
	const char	*union_code;	/* NULL = unknown */
	const char	*lang;		/* "bn" or "en": of text */
	const char	*origin;	/* "reply", "relief", "grievance" */
	int		 priority;
	const char	*text;		/* UTF-8, NFC */
	int64_t		 due_ms;	/* 0 = now */
};

/*
 * Queue one SMS in the caller's transaction (explicit or batch); the
 * dispatcher sends it like any other message (retries, DLRs).  Returns
 * the message id, or -1 (store error).  Kick the dispatcher once the
 * change is committed (dispatch_kick).
 */
int64_t	camp_outbox_add(struct store *, const struct outbox_msg *);

/* --- relief.c, relief-dist.c, relief-chain.c -------------------------- */
/*
 * Receipts (relief.c), distributions with their entitlements and codes
 * (relief-dist.c), each union's receipt chain (relief-chain.c).
 */

#define RELIEF_CODE_LEN	6

enum receipt_kind {
	RECEIPT_RECEIVED = 0,		/* qty 0 = in full */
	RECEIPT_DISPUTED		/* "NO code": opens a grievance */
};

struct receipt_in {
	int		 kind;		/* enum receipt_kind */
	const char	*code;		/* 6 digits; NULL when entitlement_id */
	int64_t		 distribution_id; /* api: the one named in the path */
	int64_t		 entitlement_id;  /* api: alternative to code */
	const char	*msisdn;	/* sms, ivr: the caller; NULL for api */
	long		 qty;		/* received: 0 = in full */
	const char	*channel;	/* "sms", "api", "ivr" */
	const char	*actor;		/* msisdn, or "token:ID" */
	const char	*raw;		/* the text, keys or officer's note */
	const char	*note;		/* disputed: the sender's detail */
	const char	*lang;		/* "bn"/"en": of a grievance opened */
	int64_t		 inbound_id;	/* 0 = none */
	int		 wrong_codes;	/* [relief] wrong_codes */
	int		 wrong_window;	/* [relief] wrong_code_window, s */
	int64_t		 now_ms;
};

enum receipt_outcome {
	RECEIPT_OK = 0,			/* recorded, chained */
	RECEIPT_REPEAT,			/* the same again: nothing new */
	RECEIPT_UNKNOWN_CODE,		/* no such code (recorded attempt) */
	RECEIPT_NOT_OWNER,		/* someone else's code (recorded) */
	RECEIPT_RATE_LIMITED,		/* too many wrong codes lately */
	RECEIPT_TOO_MUCH,		/* qty above the entitlement */
	RECEIPT_ERROR = -1		/* store error */
};

struct receipt_out {
	int		 outcome;	/* enum receipt_outcome */
	int64_t		 entitlement_id, distribution_id;
	int64_t		 receipt_id;	/* 0 unless RECEIPT_OK */
	int64_t		 grievance_id;	/* disputed: the one opened */
	char		 union_code[33];
	char		 programme[32], item[64], unit[16];
	long		 entitled, received;
	char		 state[12];	/* the entitlement's, after */
};

/* relief.c */
/*
 * Record a receipt or a dispute inside the caller's transaction: checks
 * the code and its owner (the same rules for sms, api and ivr), appends
 * to the union's hash chain, updates the entitlement, and for a dispute
 * opens a grievance.  Returns out->outcome.
 */
int	relief_receipt(struct store *, const struct receipt_in *,
	    struct receipt_out *);

/* relief-dist.c */
#define RELIEF_MAX_BENEFICIARIES	100000	/* per distribution */

/* A POST /api/v1/distributions body, checked (relief_dist_parse). */
struct relief_req {
	const char	*union_code;	/* points into the parsed JSON */
	char		*programme;	/* cleaned (text_clean), owned */
	char		*item, *unit, *place;
	long		 quantity;	/* per beneficiary, > 0 */
	int64_t		 at;		/* hand-out time, s */
	json_t		*beneficiaries;	/* borrowed list; NULL = programme */
};

struct relief_made {
	int64_t		 id, alert_id, entitlements;
	struct sms_len	 bn, en;	/* of one notice, code included */
};

/* A 6-digit code from getrandom(2), uniform over 000000-999999. 0/-1. */
int	relief_code_new(char out[RELIEF_CODE_LEN + 1]);
/*
 * Parse and validate a distribution body (shape, lengths, time).  0, or
 * -1 with an HTTP status, an error code and a message.  The caller frees
 * with relief_req_clear (also after -1).
 */
int	relief_dist_parse(json_t *, int64_t now, struct relief_req *,
	    int *status, const char **code, char *msg, size_t msglen);
void	relief_req_clear(struct relief_req *);
/*
 * Create the distribution in the caller's open transaction: resolve the
 * beneficiaries, issue one entitlement and code each, the notice alert
 * and one notice SMS each (camp_outbox_add).  0 done; 1 refused (status,
 * code, msg; *rows, if not NULL, the bad beneficiary rows, caller
 * decrefs), -1 store error.  The caller commits, then dispatch_kick.
 */
int	relief_dist_create(struct store *, const struct relief_req *,
	    int64_t token_id, int max_parts, struct relief_made *,
	    int *status, const char **code, char *msg, size_t msglen,
	    json_t **rows);
/* The union of distribution id: 0 found, 1 unknown, -1 error. */
int	relief_dist_union(struct store *, int64_t id, char union_code[33]);
/* GET /api/v1/distributions/{id}: NULL if unknown or on error. */
json_t	*relief_dist_status(struct store *, int64_t id, int dlr_timeout);
/* "+8801711000001" -> "+88017XXXX0001" (social-audit lists). */
void	relief_msisdn_mask(const char *msisdn, char *out, size_t len);

/* relief-chain.c */
/* One chain entry's content, as hashed (relief-chain.c says how). */
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

/*
 * Append e to its union's chain inside the caller's transaction (or
 * batch); e->prev_hash and e->seq are filled here, e->prev_hash pointing
 * at a buffer that lasts only for the call.  Returns the receipt id, or
 * -1.
 */
int64_t	relief_chain_append(struct store *, struct relief_entry *);
/*
 * Recompute the receipt chain of a union in one ordered index scan:
 * {union, entries, ok, head, first_broken: null | {seq, id, reason,
 * message}}.  NULL on a store error.
 */
json_t	*relief_verify(struct store *, const char *union_code);

/* --- grievance.c ------------------------------------------------------ */

struct grievance_in {
	const char	*msisdn;	/* E.164 */
	int64_t		 recipient_id;	/* 0 = unregistered */
	const char	*union_code;	/* NULL = unknown */
	const char	*channel;	/* "sms", "ivr", "api" */
	const char	*category;	/* "general", "relief" */
	const char	*text;		/* UTF-8 */
	const char	*lang;		/* "bn"/"en": of the resolution SMS */
	int64_t		 entitlement_id; /* 0 = none */
	int64_t		 inbound_id;	 /* 0 = none */
	const char	*recording;	/* WAV path, NULL = none */
	int64_t		 now;		/* s */
};

/*
 * Open a grievance in the caller's transaction: its id, or -1 (invalid
 * input, logged; or a store error).  text is cleaned (text_clean) and cut
 * to GRIEVANCE_TEXT_MAX - 1 bytes on a code point boundary; it may be
 * empty only for a relief dispute (entitlement_id) or a recording.
 * category NULL = "general", lang NULL = "bn".
 */
int64_t	grievance_open(struct store *, const struct grievance_in *);

#define GRIEVANCE_TEXT_MAX	2048	/* bytes with the NUL */
#define GRIEVANCE_NOTE_MAX	500	/* code points in a resolution */

enum grievance_status {
	GRIEVANCE_OPEN = 0,
	GRIEVANCE_RESOLVED,
	GRIEVANCE_ALL
};

struct grievance_filter {
	const char	*area;		/* any level; NULL = all in scope */
	int		 status;	/* enum grievance_status */
	int64_t		 since;		/* created_at >= since (s) */
	int		 limit;
};

/*
 * The grievances the token may see that match f, newest first: a JSON
 * array (docs/api.md "Grievances"), or NULL on a store error.  A scoped
 * token sees those whose union lies inside its scope; grievances without
 * a union only show to national tokens.
 */
json_t	*grievance_list(struct store *, const struct token *,
	    const struct grievance_filter *);
/*
 * The same as CSV for the national Grievance Redress System
 * (docs/grievances.md): a UTF-8 BOM, a header, one RFC 4180 row each.
 * Caller frees; NULL on a store error.
 */
char	*grievance_csv(struct store *, const struct token *,
	    const struct grievance_filter *, size_t *lenp);

enum grievance_resolve_rc {
	GRIEVANCE_RESOLVE_OK = 0,
	GRIEVANCE_RESOLVE_UNKNOWN,	/* no such grievance */
	GRIEVANCE_RESOLVE_SCOPE,	/* outside the token's scope */
	GRIEVANCE_RESOLVE_DONE,		/* already resolved: nothing sent */
	GRIEVANCE_RESOLVE_ERROR = -1
};

struct grievance_resolved {
	int64_t		 id;
	int64_t		 message_id;	/* the resolution SMS */
	char		 union_code[33];	/* "" = none */
	char		 lang[3];
	struct sms_len	 sms;
	int		 truncated;	/* the note was cut to fit the SMS */
};

/*
 * The SMS that tells the complainant: "Your complaint #N has been
 * resolved: NOTE" or its Bangla, NOTE cut on a character boundary with an
 * ellipsis so that the whole fits max_parts.  Caller frees; *truncated
 * says whether the note was cut.
 */
char	*grievance_sms_text(int64_t id, const char *lang, const char *note,
	    int max_parts, int *truncated);
/*
 * Resolve grievance id with note (clean, 1..GRIEVANCE_NOTE_MAX code
 * points: the caller validates) inside the caller's transaction: status,
 * resolution, resolved_by and the resolution SMS queued through the
 * outbox.  Returns enum grievance_resolve_rc; out is filled on OK.  Kick
 * the dispatcher after the commit.
 */
int	grievance_resolve(struct store *, int64_t id, const struct token *,
	    const char *note, int max_parts, struct grievance_resolved *out);

/* --- inbound.c: Kannel MO ---------------------------------------------- */

struct conf;

/* One MO as Kannel's get-url passed it. */
struct mo_in {
	const char	*sender;	/* %p, as given */
	const char	*to;		/* %P; NULL = absent */
	const char	*kannel_id;	/* %I; NULL = absent */
	const char	*smsc;		/* %i */
	const char	*charset;	/* %C: "UTF-8", "UTF-16BE", ... */
	int		 coding;	/* %c; -1 = absent */
	const char	*text;		/* %a: bytes, any */
	size_t		 len;
	int64_t		 now_ms;
};

struct mo_result {
	int64_t		 inbound_id;
	int64_t		 duplicate_of;	/* 0 = not a repeat */
	int64_t		 reply_id;	/* the answer's message; 0 = none */
	const char	*intent;	/* static; NULL = not parsed */
	char		 arg[REPLY_TEXT_MAX + 16];
	char		 outcome[256];
};

/*
 * Store, dedupe, parse, act on and answer one MO inside the current
 * group-commit batch (inbound.c draws the steps).  0, or -1 if the raw
 * row could not be stored (nothing was accepted: Kannel should retry).
 * Kick the dispatcher once committed (an answer may be queued).
 */
int	inbound_handle(struct store *, const struct conf *,
	    const struct mo_in *, struct mo_result *);
/* A forged MO callback was refused (counted). */
void	inbound_forged(void);
/* Inbound metrics lines (Prometheus text). */
void	inbound_metrics(struct evbuffer *);

/* --- calls.c: call records (CDRs) -------------------------------------- */

/*
 * One SIP call as it ended, hotline or callout: a row of the calls table
 * (schema.c, migration 5).  Strings are borrowed for the call only.
 */
struct call_rec {
	const char	*call_id;	/* SIP Call-ID, required */
	const char	*direction;	/* "in" or "out" */
	const char	*msisdn;	/* E.164; NULL = peer normalised here
					 * (stays NULL if not a number) */
	const char	*peer;		/* SIP user part as given, required */
	int64_t		 recipient_id;	/* 0 = not registered / unknown */
	const char	*union_code;	/* NULL = unknown */
	int64_t		 alert_id;	/* 0 = none */
	int64_t		 message_id;	/* callout: its voice message; 0 none */
	const char	*script;	/* "hotline" or "callout" */
	int64_t		 started_at;	/* ms: INVITE sent or received */
	int64_t		 answered_at;	/* ms; 0 = never answered */
	int64_t		 ended_at;	/* ms */
	const char	*outcome;	/* "answered", "busy", "no_answer",
					 * "rejected", "failed", "no_ack" */
	const char	*end_reason;	/* ivr_call_end_name(); NULL = none */
	int		 sip_code;	/* final response; 0 = none */
	const char	*digits;	/* keys pressed; NULL = "" */
	const char	*result;	/* the script's verdict; NULL = "" */
	int64_t		 played_ms;	/* of the main clip, played */
	int		 played_full;	/* 1: the main clip played to its end */
	const char	*clip;		/* main clip: path or "alert:N"; NULL */
	const char	*recording;	/* WAV path; NULL = none */
	int64_t		 grievance_id;	/* 0 = none */
	int64_t		 campaign_id;	/* the spot aired for; 0 = none */
	int64_t		 spot_id;	/* 0 = none */
};

#define CALLS_LIMIT_DEF	100
#define CALLS_LIMIT_MAX	1000

/* GET /api/v1/calls: every field optional (0 / NULL = no filter). */
struct calls_filter {
	int64_t		 since;		/* started_at >= since, epoch s */
	int64_t		 after;		/* id > after: the paging cursor */
	int		 limit;		/* 1..CALLS_LIMIT_MAX; 0 = default */
	const char	*direction;	/* "in" or "out" */
	int64_t		 alert_id;
	const char	*msisdn;	/* E.164 */
};

/*
 * Record one call inside the caller's transaction or group-commit batch
 * (store_batch_op: the row commits with whatever else the batch holds).
 * Returns the row id, or -1 (invalid record or store error, logged).
 */
int64_t	calls_record(struct store *, const struct call_rec *);
/*
 * The calls the token may see that match f, oldest first (by id):
 * {"calls": [...], "count": N, "next_after": ID | null} (docs/api.md
 * "Calls"); next_after is set when the page is full.  A scoped token sees
 * calls whose union lies inside its scope; calls without a union show to
 * national tokens only.  t NULL = national.  NULL on a store error.
 */
json_t	*calls_list(struct store *, const struct token *,
	    const struct calls_filter *);

/* --- campaign.c, campaign-run.c: awareness campaigns -------------------- */

#include "schedule.h"

#define CAMP_MAX_SPOTS		10
#define CAMP_NAME_MAX		100	/* code points */
#define CAMP_MAX_DAYS		366	/* a flight */
#define CAMP_MAX_AIRINGS	100

#define CAMP_CALL	0x1		/* channels: outbound calls */
#define CAMP_HOTLINE	0x2		/* the hotline's spot key */
#define CAMP_SMS	0x4		/* an SMS teaser */

/* Contact states (campaign_contacts.state; schema.c, migration 7). */
enum camp_contact_state {
	CONTACT_WAITING = 0,
	CONTACT_CALLING,
	CONTACT_DONE,
	CONTACT_STOPPED
};

/* A POST /api/v1/campaigns body, checked (camp_campaign_parse). */
struct camp_req {
	char		*name;		/* cleaned, owned */
	const char	**areas;	/* into the parsed JSON */
	size_t		 nareas;
	int64_t		 spot[CAMP_MAX_SPOTS];
	int		 weight[CAMP_MAX_SPOTS];
	int		 nspots;
	struct sched	 sc;		/* flight (ms) and windows */
	int		 channels;	/* CAMP_* */
	int		 per_day, per_week, airings;
	int64_t		 budget;	/* calls; 0 = none */
	char		*teaser_bn, *teaser_en;	/* owned; sms */
};

struct camp_made {
	int64_t		 id, audience, planned;
	int64_t		 first_airing;	/* ms; -1 = none */
	struct alert_made teaser;	/* id 0: no teaser */
};

/*
 * Parse and validate a campaign body at now (s).  day_from, day_to: the
 * decent calling hours in minutes ([campaigns] day).  0, or -1 with an
 * HTTP status, an error code and a message; clear with
 * camp_campaign_req_clear (also after -1).  Scope is the caller's.
 */
int	camp_campaign_parse(json_t *, int64_t now, int day_from, int day_to,
	    int max_parts, struct camp_req *, int *status, const char **code,
	    char *msg, size_t msglen);
void	camp_campaign_req_clear(struct camp_req *);
/*
 * Create the campaign in the caller's open transaction and plan it: one
 * contact per person of its areas (not opted out), spread evenly over
 * the flight's windows (sched_due), and the SMS teaser as an awareness
 * alert at the first window.  0 done; 1 refused (a spot unknown or
 * outside the token's scope: status, code, msg); -1 store error.
 */
int	camp_campaign_create(struct store *, const struct camp_req *,
	    const struct token *, struct camp_made *, int *status,
	    const char **code, char *msg, size_t msglen);
/* GET /api/v1/campaigns/{id} at now_ms; with_detail adds unions and
 * spots.  NULL if unknown or on error. */
json_t	*camp_campaign_status(struct store *, int64_t id, int64_t now_ms,
	    int with_detail);
/* 1 if every area of the campaign lies in the token's scope, 0 if not,
 * -1 unknown or error. */
int	camp_campaign_visible(struct store *, int64_t id, const struct token *);
json_t	*camp_campaign_list(struct store *, const struct token *, int limit,
	    int64_t now_ms);
/* Stop it: the waiting contacts and the teaser.  0 done, 1 unknown,
 * 2 already cancelled or over, -1 store error. */
int	camp_campaign_cancel(struct store *, int64_t id, int64_t *stopped);

/* A campaign's plan parameters (campaign-run.c): 0, 1 unknown, -1. */
int	camp_campaign_get_sched(struct store *, int64_t id, struct sched *,
	    int *per_day, int *per_week, int *airings, int64_t *audience);

/* campaign-run.c: the scheduler's side, inside the group-commit batch. */
struct camp_run;
struct camp_run	*camp_run_new(void);
void		 camp_run_free(struct camp_run *);

/* One claimed airing, to be dialled once the claim is committed. */
struct camp_dial {
	int64_t		 campaign_id, recipient_id, spot_id;
	char		 msisdn[16];	/* MSISDN_MAX */
	char		 lang[3];
	char		 union_code[33];
	char		 clip[1024];	/* the spot's cache, as stored */
};

/*
 * Claim up to want due airings of the campaigns on air at now_ms (wall
 * clock, the test clock included), paced on mono_ms (a monotonic clock)
 * so that no step of the wall clock fires a burst, within each budget:
 * state CALLING, attempts and the campaign's placed counted.  Returns
 * how many were written to out (at most want).
 */
int	camp_claim(struct camp_run *, struct store *, int64_t now_ms,
	    int64_t mono_ms, int want, struct camp_dial *out);
/*
 * An airing's call ended: answered (the spot was heard, played_ms > 0)
 * counts against the caps and moves the person to the next airing; not
 * answered retries after interval_s up to attempts calls, then gives the
 * airing up.  placed = 0: the call was never placed (back, no attempt).
 */
void	camp_call_done(struct store *, int64_t campaign_id,
	    int64_t recipient_id, int placed, int answered, int64_t now_ms,
	    int attempts, int interval_s);
/* After a restart: calls that were under way count as aired (the safe
 * side of the caps).  Returns how many. */
int	camp_recover(struct store *, int64_t now_ms);
/*
 * Stop up to limit waiting contacts of one campaign that is cancelled or
 * over, in the group-commit batch.  The voice tick calls it with
 * CAMP_SWEEP_ROWS: each row is a page of the table written (the rows lie
 * in the order of the spread, not of the key), ~20 us, so 50 a tick keep
 * a tick's share near 1 ms and stop a million in about 80 minutes;
 * meanwhile they are never claimed.  Returns how many, 0 when no
 * campaign needs it, -1 on a store error.
 */
#define CAMP_SWEEP_ROWS	50
int	camp_sweep(struct store *, int64_t now_ms, int limit);
/*
 * The hotline's spot for a caller of union_code at now_ms: from the
 * campaigns on air with the hotline channel whose areas hold the union,
 * one spot drawn by weight.  Returns the spot id (path and campaign set)
 * or 0 when none.
 */
int64_t	camp_hotline_spot(struct store *, const char *union_code,
	    int64_t now_ms, int64_t *campaign_id, char *path, size_t len);

/* --- escalate.c: a warning's follow-ups --------------------------------- */
/*
 * Escalation SMS -> voice, supersede (an update replaces a warning), and
 * the all-clear that may follow a cancel (docs/escalation.md).
 */

#define ESCALATE_BATCH	500	/* SMS rows one sweep escalates at most */

/*
 * One sweep, in the current group-commit batch (store_batch_op): for
 * every live alert with escalate = 1 (not cancelled, superseded or
 * expired), each SMS row that failed, or was submitted or delivered more
 * than its confirmation window before now_ms and is not confirmed, gets
 * a voice row of the same alert (unless the person has one) and
 * escalated_at.  Reads only the partial index messages_escalate.  Returns
 * the SMS rows escalated (up to limit), or -1 on a store error.  The
 * caller makes sure voice can call (a trunk), and kicks it after commit.
 */
int	camp_escalate(struct store *, int64_t now_ms, int limit);
/*
 * The sweep every second (sanketd; the kstatus pattern, one per process):
 * only while gw->voice runs with a [sip] trunk, else it logs once and
 * waits.  kick(gw) runs once a sweep's rows are committed.
 */
void	camp_escalate_start(struct gw *, void (*kick)(struct gw *));
void	camp_escalate_stop(void);
/* sanket_escalations_total (Prometheus text). */
void	camp_escalate_metrics(struct evbuffer *);

enum supersede_rc {
	SUPERSEDE_OK = 0,
	SUPERSEDE_UNKNOWN,		/* no such alert */
	SUPERSEDE_CANCELLED,		/* cancelled: nothing to replace */
	SUPERSEDE_TWICE,		/* already superseded */
	SUPERSEDE_ERROR = -1
};

/* May alert old be superseded?  enum supersede_rc (scope: the caller). */
int	camp_alert_supersede_check(struct store *, int64_t old);
/*
 * Inside the transaction that created new_id: old's queued rows (every
 * channel) cancelled with reason "superseded" (*stopped), the two linked,
 * and the new rows of those old reached (an SMS submitted or delivered,
 * a call answered) made due 1 ms before the others so both dispatchers
 * take them first (*first).  0, or -1 on a store error.
 */
int	camp_alert_supersede(struct store *, int64_t old, int64_t new_id,
	    int64_t *stopped, int64_t *first);

/*
 * A cancel body ({} or empty: no all-clear; {"all_clear": true};
 * {"all_clear": {"text_bn": ..., "text_en": ...}}) into *want and the
 * texts (owned, NULL = the stock text; the caller frees).  0, or -1 with
 * a status, a code and a message.
 */
int	camp_all_clear_parse(json_t *, int max_parts, int *want, char **bn,
	    char **en, int *status, const char **code, char *msg,
	    size_t msglen);
/*
 * After camp_alert_cancel in the same transaction: a priority 3 warning
 * (no window, no escalation) to those old reached, on the channel that
 * reached them (SMS if an SMS was submitted or delivered, else a call if
 * one was answered); bn/en NULL = stock texts naming old.  made->id 0
 * when nobody was reached (no alert made).  0, or -1 on a store error.
 */
int	camp_alert_all_clear(struct store *, int64_t old, const char *bn,
	    const char *en, int64_t token_id, struct alert_made *made);

/* Route handlers (campaigns/api-alerts.c). */
struct http_req;
void	api_alerts_create(struct http_req *);
void	api_alerts_get(struct http_req *);
void	api_alerts_list(struct http_req *);
void	api_alerts_cancel(struct http_req *);
void	api_kannel_dlr(struct http_req *);
/* campaigns/inbound.c */
void	api_kannel_mo(struct http_req *);
void	api_inbound_list(struct http_req *);
/* campaigns/api-relief.c */
void	api_distributions_create(struct http_req *);
void	api_distributions_get(struct http_req *);
void	api_receipts_create(struct http_req *);
void	api_union_relief(struct http_req *);
void	api_union_verify(struct http_req *);
/* campaigns/api-grievances.c */
void	api_grievances_list(struct http_req *);
void	api_grievances_resolve(struct http_req *);
/* campaigns/api-calls.c */
void	api_calls_list(struct http_req *);
/* campaigns/api-campaigns.c */
void	api_campaigns_create(struct http_req *);
void	api_campaigns_get(struct http_req *);
void	api_campaigns_list(struct http_req *);
void	api_campaigns_cancel(struct http_req *);
/* 1 if the peer's address is in [kannel] callback_allow (api-alerts.c). */
int	api_source_allowed(struct http_req *);
/* {encoding, chars, parts} of one SMS text, as the API shows it
 * (api-alerts.c). */
json_t	*api_sms_len(const struct sms_len *);

#endif
