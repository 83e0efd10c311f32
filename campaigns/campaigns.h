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

#define ALERT_MAX_AREAS	1000

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
};

struct alert_made {
	int64_t		 id;
	int64_t		 messages;
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

/* --- relief.c: distributions, entitlements, the receipt chain --------- */

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

/*
 * Record a receipt or a dispute inside the caller's transaction: checks
 * the code and its owner (the same rules for sms, api and ivr), appends
 * to the union's hash chain, updates the entitlement, and for a dispute
 * opens a grievance.  Returns out->outcome.
 */
int	relief_receipt(struct store *, const struct receipt_in *,
	    struct receipt_out *);

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

/* Open a grievance in the caller's transaction: its id, or -1. */
int64_t	grievance_open(struct store *, const struct grievance_in *);

/* --- inbound.c: Kannel MO ---------------------------------------------- */

/* Inbound metrics lines (Prometheus text). */
void	inbound_metrics(struct evbuffer *);

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
/* 1 if the peer's address is in [kannel] callback_allow (api-alerts.c). */
int	api_source_allowed(struct http_req *);

#endif
