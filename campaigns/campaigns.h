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

/* Route handlers (campaigns/api-alerts.c). */
struct http_req;
void	api_alerts_create(struct http_req *);
void	api_alerts_get(struct http_req *);
void	api_alerts_list(struct http_req *);
void	api_alerts_cancel(struct http_req *);
void	api_kannel_dlr(struct http_req *);

#endif
