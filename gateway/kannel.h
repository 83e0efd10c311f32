/*
 * kannel.h: the client side of Kannel's smsbox sendsms interface, and the
 * signed dlr-url that comes back.
 *
 * A pool of `window` keep-alive HTTP connections (libevent's evhttp
 * client), each carrying the request on the wire and the next one queued
 * behind it, so at most `window` requests are at Kannel and as many wait
 * to follow at once.  kannel_submit() never blocks: it returns -1 when
 * every place is taken.  The answer is classified for the
 * dispatcher:
 *
 *	202			KANNEL_OK	(accepted or queued by Kannel)
 *	4xx			KANNEL_PERMANENT (bad number, auth, too long)
 *	5xx, timeout		KANNEL_RETRY	(may have been accepted)
 *	refused, reset, EOF	KANNEL_DOWN	(smsbox or bearerbox down)
 */
#ifndef SK_KANNEL_H
#define SK_KANNEL_H

#include <stddef.h>
#include <stdint.h>

#include "sms.h"

struct conf;
struct event_base;
struct kannel;

/*
 * sanketd's event priorities (event_base_priority_init(base, SK_NPRIO)):
 * Kannel's sendsms answers and the RTP send tick first, then timers, SIP
 * and the API, then Kannel's callbacks (delivery reports, MO), so a burst
 * of callbacks never delays the answers that keep the send window moving
 * nor the 20 ms frames callers hear.
 */
#define SK_PRIO_KANNEL		0
#define SK_PRIO_DEFAULT		1
#define SK_PRIO_CALLBACK	2
#define SK_NPRIO		3

enum kannel_result {
	KANNEL_OK,
	KANNEL_PERMANENT,
	KANNEL_RETRY,
	KANNEL_DOWN
};

struct kannel_sms {
	const char	*to;		/* E.164 */
	const char	*text;		/* UTF-8 */
	enum sms_coding	 coding;
	int		 priority;	/* 0-3 */
	const char	*dlr_url;	/* NULL: no DLR */
};

/* status: HTTP status or 0; reason: Kannel's answer or the failure. */
typedef void (*kannel_done_cb)(void *arg, enum kannel_result,
		    int status, const char *reason);

struct kannel	*kannel_new(struct event_base *, const struct conf *);
void		 kannel_free(struct kannel *);
int		 kannel_free_slots(const struct kannel *);
/* 0 queued (cb will run exactly once), -1 no free connection. */
int		 kannel_submit(struct kannel *, const struct kannel_sms *,
		    kannel_done_cb, void *arg);
const char	*kannel_result_name(enum kannel_result);

/*
 * The dlr-url for message id, attempt, at time ts (seconds):
 * <callback_url>/kannel/dlr?m=ID&a=N&t=TS&h=HMAC&s=%d.  Caller frees.
 * kannel_dlr_sign() writes the 32 hex digits of the HMAC into out[33].
 */
char	*kannel_dlr_url(const struct conf *, int64_t id, int attempt,
	    int64_t ts);
void	 kannel_dlr_sign(const struct conf *, int64_t id, int attempt,
	    int64_t ts, char out[33]);

#endif
