/*
 * http.h: sanketd's HTTP front (libevent evhttp): listeners, the static
 * route table, and the reply helpers every handler uses.
 *
 * Each handler goes parse -> validate -> act -> exactly one reply
 * (http_reply_json / http_reply_error / http_reply_text).  Dispatch has
 * already checked the method, the bearer token and the role before a
 * handler runs; handlers check area scope with http_scope().  A handler
 * that returns without replying is a bug: dispatch answers 500 and logs it.
 */
#ifndef SK_HTTP_H
#define SK_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "auth.h"

struct conf;
struct store;
struct metrics;
struct import_report;
struct dispatch;

#define HTTP_MAX_PARAMS	4

/* Roles a route admits (bit per enum role); 0 = no token needed. */
#define R_ADMIN		(1 << ROLE_ADMIN)
#define R_OFFICIAL	(1 << ROLE_OFFICIAL)
#define R_AUDITOR	(1 << ROLE_AUDITOR)
#define R_ANY		(R_ADMIN | R_OFFICIAL | R_AUDITOR)

/* What the daemon shares with its handlers. */
struct gw {
	struct event_base	*base;
	struct conf		*conf;
	struct store		*store;
	struct metrics		*metrics;
	time_t			 started;
	int			 kannel_up;	/* -1 unknown, 0 down, 1 up */
	int64_t			 kannel_queue;	/* bearerbox "sent (N queued)" */
	struct dispatch		*dispatch;
	struct voice		*voice;		/* NULL: no voice */
	int			 stopping;
};

struct http_req;
struct listener;
typedef void (*http_handler)(struct http_req *);

struct route {
	enum evhttp_cmd_type	 method;
	const char		*pattern;	/* "/api/v1/areas/{}" */
	http_handler		 handler;
	int			 roles;
	const char		*name;		/* metrics label */
};

/* One key=value of the query string: the key as sent, the value
 * URL-decoded ('+' is a space), as evhttp_parse_query_str() gives them. */
struct http_qarg {
	const char		*key;
	const char		*value;
};

struct http_req {
	struct evhttp_request	*req;
	struct gw		*gw;
	struct listener		*listener;
	const struct route	*route;
	struct token		 tok;		/* valid if route->roles */
	char			*params[HTTP_MAX_PARAMS];	/* decoded */
	int			 nparams;
	struct http_qarg	*query;		/* decoded; http_query() */
	int			 nquery;
	int			 replied;
	int			 status;
};

/* The route tables (api.c): API listener and Kannel callback listener. */
extern const struct route api_routes[];
extern const struct route callback_routes[];

/* Bind and serve; NULL (logged) if the address cannot be bound.  Closing
 * stops accepting and drops open connections. */
struct listener	*http_listen(struct gw *, const char *host, uint16_t port,
		    const struct route *);
void		 http_close(struct listener *);

void	http_reply_json(struct http_req *, int status, json_t *body);
void	http_reply_error(struct http_req *, int status, const char *code,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	http_reply_text(struct http_req *, int status, const char *ctype,
	    const char *body, size_t len);

/*
 * Answer later, once something is durable (an MO after its commit):
 * marks r replied (status counts in the metrics) and returns a handle for
 * http_send_later(), which must be called exactly once and frees it.  If
 * the peer goes away meanwhile libevent keeps the request (it is not done
 * yet) and the late answer frees it; if the listener is closed first
 * (shutdown), the late answer only frees the handle.
 */
struct http_later;
struct http_later *http_defer(struct http_req *, int status);
void	http_send_later(struct http_later *, int status, const char *ctype,
	    const char *body, size_t len);

/* Query parameter, or NULL. */
const char	*http_query(struct http_req *, const char *key);
/* 0/1 flag parameter (absent = 0); -1 and a 400 reply if malformed. */
int		 http_query_flag(struct http_req *, const char *key);
/* Non-negative integer parameter (absent = def); -1 and a 400 if bad. */
int64_t		 http_query_int(struct http_req *, const char *key,
		    int64_t def, int64_t max);
/*
 * Path parameter i ("{}" in the route) as an id: 1 to 18 digits, the
 * first not 0.  Else -1 after a 404 E_NOT_FOUND reply, "no WHAT \"...\"".
 */
int64_t		 http_param_id(struct http_req *, int i, const char *what);
/* The request body, contiguous.  Never NULL; *len may be 0. */
const char	*http_body(struct http_req *, size_t *len);
/* The body as a JSON object, or NULL after a 400 E_BAD_JSON reply. */
json_t		*http_body_json(struct http_req *);
/* 0 if the token may act on area code; else -1 after a 403/404 reply. */
int		 http_scope(struct http_req *, const char *code);
/* An import report as JSON. */
json_t		*http_report_json(const struct import_report *, int dry_run);

#endif
