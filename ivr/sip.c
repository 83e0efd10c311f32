/*
 * sip.c: the SIP user agent.  libosip2's transaction layer (osip_t) driven
 * from a libevent loop; dialogs ("calls") kept in memory.
 *
 * Transport.  One UDP socket and one TCP listener on the same host:port.
 * TCP streams are framed by Content-Length, capped at IVR_SIP_MAX bytes
 * per message and SIP_TCP_MAX connections; answers go back on the
 * connection the request came in on.  Responses to UDP requests go to
 * the source address of the request (symmetric, as rport asks).
 *
 * Transactions.  Every request we receive (but ACK) gets an IST or NIST,
 * every request we send (but ACK for a 2xx) an ICT or NICT; osip owns
 * retransmissions, timers A-K and the ACK for non-2xx finals.  Its
 * timers and ours (2xx retransmission, ACK wait, ring timeout, REGISTER
 * refresh, idle TCP) share ONE libevent timer, re-armed after every event
 * by sip_rearm from osip_timers_gettimeout and the earliest call deadline.
 *
 * Re-entrancy.  osip callbacks never run application code: they queue
 * work (sip_work) or a dead transaction (sip_grave).  Application
 * callbacks run from the event handlers or from sip_pump's work loop,
 * never inside osip_*_execute, and API functions (dial, answer, hangup)
 * only queue events and kick the timer: they never call back.  Dead
 * transactions are freed in sip_reap, outside any execute loop.
 *
 * Inbound call (UAS):
 *
 *	INVITE --sip_in_invite--> 100, cb->invite
 *	    <0: final code, call freed (no cb->ended)
 *	     0: 180, RINGING --ivr_call_answer--> ANSWERED
 *	    >0: 200 + SDP, ANSWERED
 *	ANSWERED --ACK (sip_in_ack)--> UP, cb->up
 *	ANSWERED --64*T1 without ACK (sip_call_tick)--> BYE, ended NOACK
 *	RINGING --CANCEL (sip_in_cancel)--> 200, 487, ended REMOTE
 *	UP --BYE (sip_in_bye)--> 200, ended REMOTE
 *	UP --INVITE (sip_in_reinvite)--> 200 (SDP version + 1), cb->reinvite
 *
 * Outbound call (UAC):
 *
 *	ivr_sip_dial --> CALLING (INVITE with our offer)
 *	CALLING --1xx--> PROGRESS
 *	CALLING/PROGRESS --2xx (sip_out_answered)--> ACK, UP, cb->up
 *	CALLING/PROGRESS --401/407, once (sip_out_auth)--> INVITE again
 *	CALLING/PROGRESS --3xx-6xx--> ended BUSY / NOANSWER / REJECTED
 *	CALLING/PROGRESS --ring timeout or hangup (sip_out_cancel)--> CANCEL
 *	    (after the first 1xx), then 487 ends it
 *	CALLING --timer B or transport error--> ended FAILED
 *
 * Either side: UP --ivr_call_hangup--> BYE, ended LOCAL.  Each call gets
 * exactly one cb->ended (sip_call_end), after which it is freed.
 *
 * Not handled: INVITEs without an offer (488), strict routing (a route
 * set without ;lr is used as if loose), outbound calls over TCP, 2xx
 * from a second fork (dropped, not ACKed and hung up), trunk names
 * other than the one resolved at start.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <osip2/osip.h>
#include <osipparser2/osip_parser.h>

#include "ivr.h"
#include "log.h"
#include "xmalloc.h"

#define SIP_T1_MS	500
#define SIP_T2_MS	4000
#define SIP_HASH	256		/* Call-ID buckets */
#define SIP_TCP_MAX	64		/* connections at once */
#define SIP_TCP_OUT_MAX	(4 * IVR_SIP_MAX) /* unread output: stop writing */
#define SIP_TCP_IDLE_MS	(5 * 60 * 1000)	/* idle, no call: closed */
#define SIP_RATE_SLOTS	64		/* source IPs rate-limited */
#define SIP_ROUTES	8		/* route set entries kept */
#define SIP_SDP_MAX	2048		/* our SDP */
#define SIP_UDP_BURST	64		/* datagrams per wake-up */
#define SIP_REG_RETRY_S	30		/* REGISTER again after failing */
#define SIP_RING_MAX_S	120		/* ringing out, no ring_timeout */
#define SIP_CID_MAX	256		/* Call-ID bytes we keep */
#define SIP_USER	"sanket"	/* From/Contact user when none */

enum sip_state {
	CALL_RINGING_IN,	/* inbound, not answered yet */
	CALL_ANSWERED,		/* inbound, 200 sent, no ACK yet */
	CALL_CALLING,		/* outbound, INVITE sent */
	CALL_PROGRESS,		/* outbound, a 1xx came back */
	CALL_UP
};

/* Where a transaction's (or call's) messages go. */
struct sip_dest {
	uint64_t		 conn;	/* TCP connection id; 0: UDP */
	struct sockaddr_in	 sin;	/* sin_family 0: the next hop */
};

enum sip_work_kind {
	W_RESP,		/* a response to our INVITE or REGISTER */
	W_TIMEOUT,	/* timer B/F: no response */
	W_ERROR,	/* transport error */
	W_END		/* ivr_call_hangup / a failed ivr_call_answer */
};

struct sip_work {
	TAILQ_ENTRY(sip_work)	 entry;
	struct ivr_call		*call;	/* NULL: registration */
	enum sip_work_kind	 kind;
	enum ivr_call_end	 reason;	/* W_END */
	osip_message_t		*msg;	/* W_RESP: a clone */
};

struct sip_conn {
	TAILQ_ENTRY(sip_conn)	 entry;
	struct ivr_sip		*sip;
	uint64_t		 id;
	struct bufferevent	*bev;
	struct sockaddr_in	 sin;
	uint64_t		 last;	/* ms of the last message */
};

struct sip_rate {
	uint32_t	 addr;
	uint64_t	 mtokens;	/* tokens * 1000 */
	uint64_t	 last;
};

struct sip_reg {
	osip_transaction_t	*tr;	/* in flight */
	char			 callid[48], tag[24];
	uint32_t		 cseq;
	int			 auth_tried;
	char			*auth;	/* "Authorization: ..." */
	uint64_t		 next;	/* next REGISTER (ms); 0 none */
};

struct ivr_call {
	TAILQ_ENTRY(ivr_call)	 entry;		/* sip->calls */
	TAILQ_ENTRY(ivr_call)	 hentry;	/* sip->hash[] */
	struct ivr_sip		*sip;
	enum ivr_call_dir	 dir;
	enum sip_state		 state;
	char			*callid, *ltag, *rtag, *peer;
	char			*lhdr, *rhdr;	/* our, their name-addr */
	char			*target;	/* remote target URI */
	char			*routes[SIP_ROUTES];
	int			 nroutes;
	uint32_t		 lcseq, rcseq;
	struct sip_dest		 src;	/* responses (in); trunk (out) */
	uint64_t		 conn;	/* TCP connection of the dialog */
	void			*user;
	struct ivr_media	 media;
	uint16_t		 rtp_port;
	uint64_t		 sess_id, sess_ver;
	int			 ended, hangup;

	/* inbound */
	osip_transaction_t	*ist;	/* until the final response */
	char			*ok;	/* our 2xx, resent until ACK */
	uint32_t		 ok_cseq;
	int			 ok_interval;
	uint64_t		 ok_next, ok_deadline;

	/* outbound */
	osip_transaction_t	*ict;
	char			 inv_branch[40];
	uint32_t		 inv_cseq;
	char			*auth;	/* "Authorization: ..." */
	int			 auth_tried;
	char			*ack;	/* our ACK for the 2xx */
	int			 cancel_wanted, cancel_sent;
	enum ivr_call_end	 end_reason;

	uint64_t		 ring_deadline, cancel_deadline, due;
};

TAILQ_HEAD(sip_calls, ivr_call);

struct ivr_sip {
	struct event_base	*base;
	struct ivr_sip_cb	 cb;
	void			*arg;
	osip_t			*osip;
	char			 host[INET_ADDRSTRLEN];
	char			 media_ip[INET_ADDRSTRLEN];
	uint16_t		 port;
	char			*user, *pass;
	char			*trunk_host;
	uint16_t		 trunk_port;
	struct sockaddr_in	 trunk_sin;
	int			 channels, max_calls, rate, trunk_only;
	int			 register_s, ring_timeout_s, t1;
	int			 udp;
	struct event		*udp_ev, *timer;
	struct evconnlistener	*lev;
	TAILQ_HEAD(, sip_conn)	 conns;
	int			 nconns;
	uint64_t		 conn_ids;
	struct sip_calls	 calls;
	struct sip_calls	 hash[SIP_HASH];
	int			 nout;
	TAILQ_HEAD(, sip_work)	 work;
	osip_transaction_t	**grave;
	size_t			 ngrave, grave_cap;
	struct sip_rate		 rates[SIP_RATE_SLOTS];
	struct sip_reg		 reg;
	struct ivr_sip_stats	 st;
	int			 dirty, pumping, closing;
	char			 buf[IVR_SIP_MAX + 1];
};

static void	sip_pump(struct ivr_sip *);
static void	sip_rearm(struct ivr_sip *);
static void	sip_call_end(struct ivr_call *, enum ivr_call_end, int);
static void	sip_call_due(struct ivr_call *);
static int	sip_send_bye(struct ivr_call *);

/* --- small helpers ---------------------------------------------------- */

static uint64_t
sip_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* n random bytes as 2n hex digits into out (2n + 1 bytes). */
static void
sip_hex(char *out, size_t n)
{
	unsigned char	rnd[32];
	size_t		i;

	if (n > sizeof(rnd))
		n = sizeof(rnd);
	arc4random_buf(rnd, n);
	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", rnd[i]);
}

static void
sip_branch(char *out, size_t outsz)
{
	char	hex[33];

	sip_hex(hex, 16);
	snprintf(out, outsz, "z9hG4bK%s", hex);
}

/* A growing string; allocation failure is fatal (xmalloc). */
struct sip_sb {
	char	*p;
	size_t	 len, cap;
};

static void __attribute__((format(printf, 2, 3)))
sb_add(struct sip_sb *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p == NULL ? NULL : b->p + b->len,
		    b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			fatalx("%s: vsnprintf", __func__);
		if (b->p != NULL && (size_t)n < b->cap - b->len) {
			b->len += n;
			return;
		}
		b->cap = b->cap * 2 + n + 256;
		b->p = xreallocarray(b->p, 1, b->cap);
	}
}

static const char *
sip_tag(osip_from_t *h)
{
	osip_generic_param_t	*p = NULL;

	if (h == NULL || osip_from_get_tag(h, &p) != 0 || p == NULL)
		return NULL;
	return p->gvalue;
}

static const char *
sip_branch_of(osip_via_t *v)
{
	osip_generic_param_t	*p = NULL;

	if (v == NULL || osip_via_param_get_byname(v, "branch", &p) != 0 ||
	    p == NULL)
		return NULL;
	return p->gvalue;
}

static int
sip_streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* The whole Call-ID of m ("number@host") in buf. */
static const char *
sip_cid(const osip_message_t *m, char *buf, size_t bufsz)
{
	const osip_call_id_t	*id = m->call_id;

	if (id->host != NULL)
		snprintf(buf, bufsz, "%s@%s", id->number, id->host);
	else
		snprintf(buf, bufsz, "%s", id->number);
	return buf;
}

/* A header value as osip writes it, malloc'd; NULL on failure. */
static char *
sip_hdr_str(osip_from_t *h)
{
	char	*s = NULL, *r;

	if (h == NULL || osip_from_to_str(h, &s) != 0 || s == NULL)
		return NULL;
	r = xstrdup(s);
	osip_free(s);
	return r;
}

static char *
sip_uri_str(osip_uri_t *u)
{
	char	*s = NULL, *r;

	if (u == NULL || osip_uri_to_str(u, &s) != 0 || s == NULL)
		return NULL;
	r = xstrdup(s);
	osip_free(s);
	return r;
}

/* Host and port of a URI or "<URI>;params"; 0 or -1. */
static int
sip_uri_hop(const char *s, char *host, size_t hostsz, int *port)
{
	osip_uri_t	*u = NULL;
	char		*copy, *p, *e, *end;
	long		 lp;
	int		 ret = -1;

	copy = xstrdup(s);
	p = copy;
	if ((e = strchr(p, '<')) != NULL) {
		p = e + 1;
		if ((e = strchr(p, '>')) != NULL)
			*e = '\0';
	}
	if (osip_uri_init(&u) == 0 && osip_uri_parse(u, p) == 0 &&
	    u->host != NULL && strlen(u->host) < hostsz) {
		snprintf(host, hostsz, "%s", u->host);
		errno = 0;
		lp = u->port != NULL ? strtol(u->port, &end, 10) : 5060;
		if (u->port != NULL && (errno != 0 || end == u->port ||
		    *end != '\0'))
			lp = 0;
		*port = (int)(lp > 0 && lp < 65536 ? lp : 0);
		if (*port > 0)
			ret = 0;
	}
	osip_uri_free(u);
	free(copy);
	return ret;
}

/* --- transport -------------------------------------------------------- */

static struct sip_conn *
sip_conn_find(struct ivr_sip *sip, uint64_t id)
{
	struct sip_conn	*cn;

	TAILQ_FOREACH(cn, &sip->conns, entry)
		if (cn->id == id)
			return cn;
	return NULL;
}

static void
sip_conn_close(struct sip_conn *cn)
{
	struct ivr_sip	*sip = cn->sip;

	TAILQ_REMOVE(&sip->conns, cn, entry);
	sip->nconns--;
	bufferevent_free(cn->bev);
	free(cn);
}

/* The trunk by name, else a dotted IPv4 address. */
static int
sip_resolve(struct ivr_sip *sip, const char *host, int port,
    struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	if (host == NULL || port <= 0 || port > 65535)
		return -1;
	if (sip->trunk_host != NULL && strcasecmp(host, sip->trunk_host) ==
	    0 && port == sip->trunk_port) {
		*sin = sip->trunk_sin;
		return 0;
	}
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		return -1;
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	return 0;
}

static int
sip_send_raw(struct ivr_sip *sip, const struct sip_dest *d, const char *host,
    int port, const char *buf, size_t len)
{
	struct sockaddr_in	 sin;
	struct sip_conn		*cn;

	if (d != NULL && d->conn != 0) {
		if ((cn = sip_conn_find(sip, d->conn)) == NULL ||
		    evbuffer_get_length(bufferevent_get_output(cn->bev)) >
		    SIP_TCP_OUT_MAX)
			return -1;	/* gone, or a peer that does not read */
		return bufferevent_write(cn->bev, buf, len) == 0 ? 0 : -1;
	}
	if (d != NULL && d->sin.sin_family == AF_INET)
		sin = d->sin;
	else if (sip_resolve(sip, host, port, &sin) == -1) {
		log_debug("sip: cannot send to %s:%d", host ? host : "?",
		    port);
		return -1;
	}
	if (sendto(sip->udp, buf, len, 0, (struct sockaddr *)&sin,
	    sizeof(sin)) == -1) {
		log_debug("sip: sendto: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* The next hop of an in-dialog request: the first route, else target. */
static int
sip_call_send(struct ivr_call *c, const char *buf)
{
	struct sip_dest	d;
	char		host[256];
	int		port;

	memset(&d, 0, sizeof(d));
	d.conn = c->conn;
	if (d.conn == 0 && sip_uri_hop(c->nroutes > 0 ? c->routes[0] :
	    c->target, host, sizeof(host), &port) == -1)
		return -1;
	return sip_send_raw(c->sip, &d, host, port, buf, strlen(buf));
}

/* --- osip glue -------------------------------------------------------- */

static struct ivr_sip *
sip_of(osip_transaction_t *tr)
{
	return osip_get_application_context(tr->config);
}

static void
sip_tr_set_dest(osip_transaction_t *tr, const struct sip_dest *d)
{
	struct sip_dest	*copy;

	copy = xcalloc(1, sizeof(*copy));
	if (d != NULL)
		*copy = *d;
	osip_transaction_set_reserved2(tr, copy);
}

static int
sip_send_cb(osip_transaction_t *tr, osip_message_t *msg, char *host, int port,
    int sock)
{
	struct ivr_sip	*sip = sip_of(tr);
	char		*s = NULL;
	size_t		 len;
	int		 rc;

	if (osip_message_to_str(msg, &s, &len) != 0 || s == NULL)
		return -1;
	rc = sip_send_raw(sip, tr->reserved2, host, port, s, len);
	osip_free(s);
	return rc;
}

/* A dead transaction, freed by sip_reap outside any execute loop. */
static void
sip_grave(struct ivr_sip *sip, osip_transaction_t *tr)
{
	if (tr->reserved3 != NULL)
		return;
	tr->reserved3 = sip;
	if (sip->ngrave == sip->grave_cap) {
		sip->grave_cap = sip->grave_cap * 2 + 16;
		sip->grave = xreallocarray(sip->grave, sip->grave_cap,
		    sizeof(*sip->grave));
	}
	sip->grave[sip->ngrave++] = tr;
}

static void
sip_tr_free(osip_transaction_t *tr)
{
	free(tr->reserved2);
	tr->reserved2 = NULL;
	osip_transaction_free(tr);
}

static void
sip_reap(struct ivr_sip *sip)
{
	size_t	i;

	for (i = 0; i < sip->ngrave; i++)
		sip_tr_free(sip->grave[i]);
	sip->ngrave = 0;
}

/* Detach a transaction from its call; one not yet finished is dropped. */
static void
sip_tr_detach(struct ivr_sip *sip, osip_transaction_t *tr, int drop)
{
	if (tr == NULL)
		return;
	osip_transaction_set_your_instance(tr, NULL);
	if (drop)
		sip_grave(sip, tr);
}

static void
sip_kill_cb(int type, osip_transaction_t *tr)
{
	struct ivr_sip	*sip = sip_of(tr);
	void		*owner = osip_transaction_get_your_instance(tr);
	struct ivr_call	*c;

	if (owner == &sip->reg) {
		if (sip->reg.tr == tr)
			sip->reg.tr = NULL;
	} else if ((c = owner) != NULL) {
		if (c->ist == tr)
			c->ist = NULL;
		if (c->ict == tr)
			c->ict = NULL;
	}
	osip_transaction_set_your_instance(tr, NULL);
	sip_grave(sip, tr);
}

static void
sip_work_add(struct ivr_sip *sip, struct ivr_call *c, enum sip_work_kind k,
    enum ivr_call_end reason, osip_message_t *msg)
{
	struct sip_work	*w;

	w = xcalloc(1, sizeof(*w));
	w->call = c;
	w->kind = k;
	w->reason = reason;
	if (msg != NULL && osip_message_clone(msg, &w->msg) != 0)
		w->msg = NULL;
	TAILQ_INSERT_TAIL(&sip->work, w, entry);
}

static void
sip_work_free(struct sip_work *w)
{
	if (w->msg != NULL)
		osip_message_free(w->msg);
	free(w);
}

/* Responses, timeouts and errors of our INVITEs and REGISTERs. */
static void
sip_client_cb(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	struct ivr_sip	*sip = sip_of(tr);
	void		*owner = osip_transaction_get_your_instance(tr);

	if (owner == NULL)
		return;		/* BYE, CANCEL: nothing to do */
	if (owner == &sip->reg) {
		if (tr->ctx_type != NICT)
			return;
		owner = NULL;	/* work for the registration */
	} else if (tr->ctx_type != ICT)
		return;
	if (type == OSIP_ICT_STATUS_TIMEOUT || type == OSIP_NICT_STATUS_TIMEOUT)
		sip_work_add(sip, owner, W_TIMEOUT, 0, NULL);
	else
		sip_work_add(sip, owner, W_RESP, 0, msg);
}

static void
sip_again_cb(int type, osip_transaction_t *tr, osip_message_t *msg)
{
	sip_of(tr)->st.retransmissions++;
}

static void
sip_tperr_cb(int type, osip_transaction_t *tr, int error)
{
	struct ivr_sip	*sip = sip_of(tr);
	void		*owner = osip_transaction_get_your_instance(tr);

	if (owner == &sip->reg && tr->ctx_type == NICT)
		sip_work_add(sip, NULL, W_ERROR, 0, NULL);
	else if (owner != NULL && owner != &sip->reg && tr->ctx_type == ICT)
		sip_work_add(sip, owner, W_ERROR, 0, NULL);
}

/* libosip2's own complaints (per message): debug log, never stdout. */
static void
sip_trace_cb(const char *fi, int li, osip_trace_level_t level,
    const char *fmt, va_list ap)
{
	char	buf[512];
	size_t	n;

	if (log_getverbose() <= 0)
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	log_debug("sip: osip %s:%d: %s", fi, li, buf);
}

static int
sip_osip_init(struct ivr_sip *sip)
{
	static const int client[] = {
		OSIP_ICT_STATUS_1XX_RECEIVED, OSIP_ICT_STATUS_2XX_RECEIVED,
		OSIP_ICT_STATUS_3XX_RECEIVED, OSIP_ICT_STATUS_4XX_RECEIVED,
		OSIP_ICT_STATUS_5XX_RECEIVED, OSIP_ICT_STATUS_6XX_RECEIVED,
		OSIP_ICT_STATUS_TIMEOUT, OSIP_NICT_STATUS_2XX_RECEIVED,
		OSIP_NICT_STATUS_3XX_RECEIVED, OSIP_NICT_STATUS_4XX_RECEIVED,
		OSIP_NICT_STATUS_5XX_RECEIVED, OSIP_NICT_STATUS_6XX_RECEIVED,
		OSIP_NICT_STATUS_TIMEOUT
	};
	static const int again[] = {
		OSIP_ICT_INVITE_SENT_AGAIN, OSIP_NICT_REQUEST_SENT_AGAIN,
		OSIP_IST_STATUS_2XX_SENT_AGAIN,
		OSIP_IST_STATUS_3456XX_SENT_AGAIN,
		OSIP_NIST_STATUS_2XX_SENT_AGAIN,
		OSIP_NIST_STATUS_3456XX_SENT_AGAIN
	};
	size_t	i;

	osip_trace_initialize_func(OSIP_INFO1, sip_trace_cb);
	if (osip_init(&sip->osip) != 0)
		return -1;
	osip_set_application_context(sip->osip, sip);
	osip_set_cb_send_message(sip->osip, sip_send_cb);
	for (i = 0; i < sizeof(client) / sizeof(client[0]); i++)
		osip_set_message_callback(sip->osip, client[i], sip_client_cb);
	for (i = 0; i < sizeof(again) / sizeof(again[0]); i++)
		osip_set_message_callback(sip->osip, again[i], sip_again_cb);
	osip_set_kill_transaction_callback(sip->osip,
	    OSIP_ICT_KILL_TRANSACTION, sip_kill_cb);
	osip_set_kill_transaction_callback(sip->osip,
	    OSIP_IST_KILL_TRANSACTION, sip_kill_cb);
	osip_set_kill_transaction_callback(sip->osip,
	    OSIP_NICT_KILL_TRANSACTION, sip_kill_cb);
	osip_set_kill_transaction_callback(sip->osip,
	    OSIP_NIST_KILL_TRANSACTION, sip_kill_cb);
	osip_set_transport_error_callback(sip->osip,
	    OSIP_ICT_TRANSPORT_ERROR, sip_tperr_cb);
	osip_set_transport_error_callback(sip->osip,
	    OSIP_NICT_TRANSPORT_ERROR, sip_tperr_cb);
	return 0;
}

/* Run the state machines until no transaction has an event pending. */
static void
sip_exec(struct ivr_sip *sip)
{
	while (sip->dirty) {
		sip->dirty = 0;
		osip_ict_execute(sip->osip);
		osip_ist_execute(sip->osip);
		osip_nict_execute(sip->osip);
		osip_nist_execute(sip->osip);
	}
}

static void
sip_kick(struct ivr_sip *sip)
{
	struct timeval	tv = { 0, 0 };

	if (!sip->pumping && !sip->closing)
		evtimer_add(sip->timer, &tv);
}

static osip_event_t *
sip_event_in(osip_message_t *m)
{
	osip_event_t	*e;

	if ((e = osip_malloc(sizeof(*e))) == NULL)
		return NULL;
	memset(e, 0, sizeof(*e));
	if (MSG_IS_REQUEST(m)) {
		if (strcmp(m->sip_method, "INVITE") == 0)
			e->type = RCV_REQINVITE;
		else if (strcmp(m->sip_method, "ACK") == 0)
			e->type = RCV_REQACK;
		else
			e->type = RCV_REQUEST;
	} else if (MSG_IS_STATUS_1XX(m))
		e->type = RCV_STATUS_1XX;
	else if (MSG_IS_STATUS_2XX(m))
		e->type = RCV_STATUS_2XX;
	else
		e->type = RCV_STATUS_3456XX;
	e->sip = m;
	return e;
}

/* --- building messages ------------------------------------------------ */

static void
sip_contact(struct ivr_sip *sip, uint64_t conn, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "<sip:%s@%s:%u%s>", sip->user, sip->host,
	    (unsigned)sip->port, conn != 0 ? ";transport=tcp" : "");
}

/* A request of call c as text; extra is one more header line or NULL. */
static char *
sip_req_text(struct ivr_call *c, const char *method, const char *ruri,
    uint32_t cseq, const char *branch, const char *extra, const char *body)
{
	struct ivr_sip	*sip = c->sip;
	struct sip_sb	 b = { NULL, 0, 0 };
	char		 contact[320];
	int		 i;

	sb_add(&b, "%s %s SIP/2.0\r\n"
	    "Via: SIP/2.0/%s %s:%u;branch=%s;rport\r\n"
	    "Max-Forwards: 70\r\n", method, ruri, c->conn ? "TCP" : "UDP",
	    sip->host, (unsigned)sip->port, branch);
	for (i = 0; i < c->nroutes; i++)
		sb_add(&b, "Route: %s\r\n", c->routes[i]);
	sb_add(&b, "From: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %u %s\r\n",
	    c->lhdr, c->rhdr, c->callid, cseq, method);
	if (strcmp(method, "INVITE") == 0) {
		sip_contact(sip, c->conn, contact, sizeof(contact));
		sb_add(&b, "Contact: %s\r\nAllow: %s\r\n", contact,
		    IVR_SIP_ALLOW);
	}
	if (extra != NULL)
		sb_add(&b, "%s\r\n", extra);
	sb_add(&b, "User-Agent: sanket\r\n");
	if (body != NULL)
		sb_add(&b, "Content-Type: application/sdp\r\n"
		    "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	else
		sb_add(&b, "Content-Length: 0\r\n\r\n");
	return b.p;
}

/* Sends request text (freed here) in a new client transaction. */
static osip_transaction_t *
sip_tr_send(struct ivr_sip *sip, osip_fsm_type_t type, char *text,
    const struct sip_dest *d, void *owner)
{
	osip_message_t		*m = NULL;
	osip_transaction_t	*tr = NULL;
	osip_event_t		*ev;
	char			 err[128];

	if (ivr_sip_parse(text, strlen(text), &m, err, sizeof(err)) == -1) {
		log_warnx("%s: our own request does not parse: %s", __func__,
		    err);
		goto done;
	}
	if (osip_transaction_init(&tr, type, sip->osip, m) != 0) {
		tr = NULL;
		goto done;
	}
	sip_tr_set_dest(tr, d);
	osip_transaction_set_your_instance(tr, owner);
	if ((ev = osip_new_outgoing_sipmessage(m)) == NULL) {
		sip_grave(sip, tr);
		tr = NULL;
		goto done;
	}
	m = NULL;
	osip_transaction_add_event(tr, ev);
	sip->dirty = 1;
done:
	if (m != NULL)
		osip_message_free(m);
	free(text);
	return tr;
}

/*
 * Answers the request of server transaction tr.  tag NULL: a random one
 * (used only when the request's To has none).  contact and body, when not
 * NULL, add our Contact and an SDP body.  *text gets the response as sent
 * (for 2xx retransmission).  0 or -1.
 */
static int
sip_respond(struct ivr_sip *sip, osip_transaction_t *tr, int code,
    const char *reason, const char *tag, const char *hname,
    const char *hvalue, const char *contact, const char *body, char **text)
{
	osip_message_t	*r = NULL;
	osip_event_t	*ev;
	char		*s = NULL, *str = NULL, rtag[17], clen[24];
	char		 err[128];
	size_t		 len;
	int		 ret = -1;

	if (text != NULL)
		*text = NULL;
	if (tr == NULL || tr->orig_request == NULL)
		return -1;
	if (tag == NULL) {
		sip_hex(rtag, 8);
		tag = rtag;
	}
	if (ivr_sip_response_hdr(tr->orig_request, code, reason, tag, hname,
	    hvalue, &s) == -1 ||
	    ivr_sip_parse(s, strlen(s), &r, err, sizeof(err)) == -1)
		goto done;
	if (contact != NULL && osip_message_set_contact(r, contact) != 0)
		goto done;
	if (body != NULL) {
		osip_content_length_free(r->content_length);
		r->content_length = NULL;
		snprintf(clen, sizeof(clen), "%zu", strlen(body));
		if (osip_message_set_content_type(r, "application/sdp") != 0 ||
		    osip_message_set_body(r, body, strlen(body)) != 0 ||
		    osip_message_set_content_length(r, clen) != 0)
			goto done;
	}
	if (text != NULL) {
		if (osip_message_to_str(r, &str, &len) != 0 || str == NULL)
			goto done;
		*text = xstrdup(str);
		osip_free(str);
	}
	if ((ev = osip_new_outgoing_sipmessage(r)) == NULL)
		goto done;
	r = NULL;
	osip_transaction_add_event(tr, ev);
	sip->dirty = 1;
	sip_exec(sip);		/* out now, in the order given */
	ret = 0;
done:
	if (ret == -1 && text != NULL) {
		free(*text);
		*text = NULL;
	}
	if (r != NULL)
		osip_message_free(r);
	free(s);
	return ret;
}

/*
 * A message that ivr_sip_parse refused: 400 when its headers alone (body
 * and Content-Length set aside) name a request we can answer, else
 * nothing.  Stateless: a retransmission gets another 400.
 */
static void
sip_bad_answer(struct ivr_sip *sip, const char *buf, size_t len,
    const struct sip_dest *src)
{
	osip_message_t	*m = NULL;
	const char	*p, *e, *end;
	char		*hdr, *out = NULL, tag[17];
	size_t		 n = 0;

	if (len == 0 || memchr(buf, '\0', len) != NULL)
		return;
	end = buf + len;
	hdr = xmalloc(len + 3);
	for (p = buf; p < end; p = e) {
		if ((e = memchr(p, '\n', end - p)) == NULL)
			e = end;
		else
			e++;
		if (e - p <= 2 && (*p == '\r' || *p == '\n'))
			break;		/* the blank line: no body */
		if (strncasecmp(p, "Content-Length", 14) == 0 ||
		    strncasecmp(p, "l:", 2) == 0 ||
		    strncasecmp(p, "l ", 2) == 0)
			continue;
		memcpy(hdr + n, p, e - p);
		n += e - p;
	}
	memcpy(hdr + n, "\r\n", 2);
	n += 2;
	if (osip_message_init(&m) == 0 && osip_message_parse(m, hdr, n) == 0 &&
	    MSG_IS_REQUEST(m) && m->sip_method != NULL &&
	    strcmp(m->sip_method, "ACK") != 0) {
		sip_hex(tag, 8);
		if (ivr_sip_response(m, 400, NULL, tag, &out) != -1)
			sip_send_raw(sip, src, NULL, 0, out, strlen(out));
	}
	free(out);
	if (m != NULL)
		osip_message_free(m);
	free(hdr);
}

/* --- calls ------------------------------------------------------------ */

/* The final response to the call's INVITE; its IST is ours no more. */
static int
sip_ist_final(struct ivr_call *c, int code, const char *contact,
    const char *sdp, char **text)
{
	osip_transaction_t	*tr = c->ist;

	if (tr == NULL || sip_respond(c->sip, tr, code, NULL, c->ltag,
	    code < 300 ? "Allow" : NULL, code < 300 ? IVR_SIP_ALLOW : NULL,
	    contact, sdp, text) == -1)
		return -1;
	c->ist = NULL;
	osip_transaction_set_your_instance(tr, NULL);
	return 0;
}

static unsigned
sip_hash(const char *s)
{
	unsigned	h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % SIP_HASH;
}

static struct ivr_call *
sip_call_new(struct ivr_sip *sip, enum ivr_call_dir dir, const char *callid)
{
	struct ivr_call	*c;
	char		 tag[17];

	c = xcalloc(1, sizeof(*c));
	c->sip = sip;
	c->dir = dir;
	c->callid = xstrdup(callid);
	sip_hex(tag, 8);
	c->ltag = xstrdup(tag);
	arc4random_buf(&c->sess_id, sizeof(c->sess_id));
	c->sess_id &= 0x7fffffffffffULL;
	c->sess_ver = 1;
	c->end_reason = IVR_END_LOCAL;
	TAILQ_INSERT_TAIL(&sip->calls, c, entry);
	TAILQ_INSERT_TAIL(&sip->hash[sip_hash(callid)], c, hentry);
	sip->st.active++;
	return c;
}

static void
sip_call_free(struct ivr_call *c)
{
	struct ivr_sip	*sip = c->sip;
	struct sip_work	*w, *wn;
	int		 i;

	if (c->ist != NULL && sip_ist_final(c, 487, NULL, NULL, NULL) == -1)
		sip_tr_detach(sip, c->ist, 0);
	if (c->ict != NULL)
		sip_tr_detach(sip, c->ict, c->ict->state < ICT_COMPLETED);
	for (w = TAILQ_FIRST(&sip->work); w != NULL; w = wn) {
		wn = TAILQ_NEXT(w, entry);
		if (w->call == c) {
			TAILQ_REMOVE(&sip->work, w, entry);
			sip_work_free(w);
		}
	}
	TAILQ_REMOVE(&sip->calls, c, entry);
	TAILQ_REMOVE(&sip->hash[sip_hash(c->callid)], c, hentry);
	sip->st.active--;
	if (c->dir == IVR_CALL_OUT)
		sip->nout--;
	for (i = 0; i < c->nroutes; i++)
		free(c->routes[i]);
	free(c->callid);
	free(c->ltag);
	free(c->rtag);
	free(c->peer);
	free(c->lhdr);
	free(c->rhdr);
	free(c->target);
	free(c->ok);
	free(c->auth);
	free(c->ack);
	free(c);
}

/* The dialog of an in-dialog message: Call-ID, our tag, theirs. */
static struct ivr_call *
sip_call_find(struct ivr_sip *sip, const char *callid, const char *ltag,
    const char *rtag)
{
	struct ivr_call	*c;

	if (callid == NULL || ltag == NULL)
		return NULL;
	TAILQ_FOREACH(c, &sip->hash[sip_hash(callid)], hentry)
		if (!c->ended && strcmp(c->callid, callid) == 0 &&
		    strcmp(c->ltag, ltag) == 0 &&
		    (c->rtag == NULL || sip_streq(c->rtag, rtag)))
			return c;
	return NULL;
}

static void
sip_call_end(struct ivr_call *c, enum ivr_call_end why, int code)
{
	struct ivr_sip	*sip = c->sip;

	if (c->ended)
		return;
	c->ended = 1;
	log_info("sip: call=%s %s %s ended %s %d", c->callid,
	    c->dir == IVR_CALL_IN ? "from" : "to", c->peer,
	    ivr_call_end_name(why), code);
	if (sip->cb.ended != NULL)
		sip->cb.ended(sip->arg, c, why, code);
	sip_call_free(c);
}

static void
sip_call_due(struct ivr_call *c)
{
	uint64_t	d[4];
	size_t		i;

	d[0] = c->ok != NULL ? c->ok_next : 0;
	d[1] = c->ok != NULL ? c->ok_deadline : 0;
	d[2] = c->ring_deadline;
	d[3] = c->cancel_deadline;
	c->due = 0;
	for (i = 0; i < 4; i++)
		if (d[i] != 0 && (c->due == 0 || d[i] < c->due))
			c->due = d[i];
}

/* The route set from Record-Route, reversed for the UAC (RFC 3261 12.1). */
static void
sip_call_routes(struct ivr_call *c, osip_message_t *m, int reverse)
{
	osip_record_route_t	*rr;
	int			 i, n;

	for (i = 0; i < c->nroutes; i++)
		free(c->routes[i]);
	c->nroutes = 0;
	n = osip_list_size(&m->record_routes);
	for (i = 0; i < n && c->nroutes < SIP_ROUTES; i++) {
		rr = osip_list_get(&m->record_routes, reverse ? n - 1 - i : i);
		if ((c->routes[c->nroutes] = sip_hdr_str(rr)) != NULL)
			c->nroutes++;
	}
}

/* The remote target from the Contact of m; keeps the old one if none. */
static void
sip_call_target(struct ivr_call *c, osip_message_t *m)
{
	osip_contact_t	*ct = NULL;
	char		*t;

	if (osip_message_get_contact(m, 0, &ct) < 0 || ct == NULL ||
	    (t = sip_uri_str(ct->url)) == NULL)
		return;
	free(c->target);
	c->target = t;
}

static int
sip_send_bye(struct ivr_call *c)
{
	struct sip_dest	d;
	char		branch[40];

	memset(&d, 0, sizeof(d));
	d.conn = c->conn;
	sip_branch(branch, sizeof(branch));
	return sip_tr_send(c->sip, NICT, sip_req_text(c, "BYE", c->target,
	    ++c->lcseq, branch, NULL, NULL), &d, NULL) != NULL ? 0 : -1;
}

/* --- inbound ---------------------------------------------------------- */

static int
sip_rate_ok(struct ivr_sip *sip, const struct sip_dest *src, uint64_t now)
{
	struct sip_rate	*r, *old = NULL;
	uint32_t	 addr = src->sin.sin_addr.s_addr;
	uint64_t	 cap = (uint64_t)sip->rate * 1000;
	size_t		 i;

	if (sip->rate <= 0)
		return 1;
	for (i = 0; i < SIP_RATE_SLOTS; i++) {
		r = &sip->rates[i];
		if (r->last != 0 && r->addr == addr)
			break;
		if (old == NULL || r->last < old->last)
			old = r;
	}
	if (i == SIP_RATE_SLOTS) {
		r = old;
		r->addr = addr;
		r->mtokens = cap;
		r->last = now;
	}
	r->mtokens += (now - r->last) * sip->rate;
	if (r->mtokens > cap)
		r->mtokens = cap;
	r->last = now;
	if (r->mtokens < 1000)
		return 0;
	r->mtokens -= 1000;
	return 1;
}

/* 200 with our SDP answer for port; the 2xx is retransmitted until ACK. */
static int
sip_call_answer(struct ivr_call *c, int port)
{
	struct ivr_sip	*sip = c->sip;
	char		 sdp[SIP_SDP_MAX], contact[320];

	if (port <= 0 || port > 65535 || c->ist == NULL)
		return -1;
	c->rtp_port = port;
	if (ivr_sdp_answer(&c->media, sip->media_ip, c->rtp_port, c->sess_id,
	    c->sess_ver, sdp, sizeof(sdp)) == -1)
		return -1;
	sip_contact(sip, c->conn, contact, sizeof(contact));
	free(c->ok);
	if (sip_ist_final(c, 200, contact, sdp, &c->ok) == -1)
		return -1;
	c->state = CALL_ANSWERED;
	c->ring_deadline = 0;
	c->ok_cseq = c->rcseq;
	c->ok_interval = sip->t1;
	c->ok_next = sip_now() + sip->t1;
	c->ok_deadline = sip_now() + 64 * (uint64_t)sip->t1;
	sip_call_due(c);
	return 0;
}

static int
sip_refuse(struct ivr_sip *sip, osip_transaction_t *tr, int code,
    const char *reason, const char *hname, const char *hvalue)
{
	sip->st.refused++;
	return sip_respond(sip, tr, code, reason, NULL, hname, hvalue, NULL,
	    NULL, NULL);
}

/*
 * An INVITE retransmitted after our 2xx ended its IST (RFC 3261
 * 13.3.1.4): the 2xx goes again and no call is made.  1 if req was one.
 */
static int
sip_in_invite_again(struct ivr_sip *sip, osip_transaction_t *tr,
    osip_message_t *req)
{
	struct ivr_call	*c;
	const char	*ftag = sip_tag(req->from);
	char		 cid[SIP_CID_MAX];

	if (ftag == NULL)
		return 0;
	sip_cid(req, cid, sizeof(cid));
	TAILQ_FOREACH(c, &sip->hash[sip_hash(cid)], hentry)
		if (c->dir == IVR_CALL_IN && !c->ended &&
		    strcmp(c->callid, cid) == 0 && sip_streq(c->rtag, ftag) &&
		    c->inv_cseq == strtoul(req->cseq->number, NULL, 10))
			break;
	if (c == NULL)
		return 0;
	if (c->ok != NULL && c->state == CALL_ANSWERED &&
	    sip_send_raw(sip, &c->src, NULL, 0, c->ok, strlen(c->ok)) == 0)
		sip->st.retransmissions++;
	sip_tr_detach(sip, tr, 1);
	return 1;
}

static void
sip_in_invite(struct ivr_sip *sip, osip_transaction_t *tr, osip_message_t *req,
    const struct sip_dest *src)
{
	struct ivr_media	 m;
	struct ivr_call		*c;
	osip_body_t		*body = NULL;
	osip_to_t		*to = NULL;
	const char		*user, *tag;
	char			 err[160], cid[SIP_CID_MAX];
	int			 rc;

	sip_cid(req, cid, sizeof(cid));
	if (sip_in_invite_again(sip, tr, req))
		return;
	if (sip->trunk_only && (sip->trunk_host == NULL ||
	    src->sin.sin_addr.s_addr != sip->trunk_sin.sin_addr.s_addr)) {
		sip_refuse(sip, tr, 403, NULL, NULL, NULL);
		return;
	}
	if (!sip_rate_ok(sip, src, sip_now())) {
		sip_refuse(sip, tr, 503, NULL, "Retry-After", "1");
		return;
	}
	if (sip->max_calls > 0 && sip->st.active >= (uint64_t)sip->max_calls) {
		sip_refuse(sip, tr, 503, NULL, NULL, NULL);
		return;
	}
	if (osip_list_size(&req->contacts) <= 0) {
		sip_refuse(sip, tr, 400, "Missing Contact", NULL, NULL);
		return;
	}
	if (osip_message_get_body(req, 0, &body) < 0 || body == NULL ||
	    body->body == NULL) {
		sip_refuse(sip, tr, 488, "Offer Required", NULL, NULL);
		return;
	}
	switch (ivr_sdp_negotiate(body->body, body->length, &m, err,
	    sizeof(err))) {
	case IVR_SDP_OK:
		break;
	case IVR_SDP_NOCODEC:
		log_debug("sip: INVITE %s: 488: %s", cid, err);
		sip_refuse(sip, tr, 488, NULL, NULL, NULL);
		return;
	default:
		log_debug("sip: INVITE %s: 400: %s", cid, err);
		sip_refuse(sip, tr, 400, "Bad SDP", NULL, NULL);
		return;
	}

	inet_ntop(AF_INET, &src->sin.sin_addr, m.sig_addr, sizeof(m.sig_addr));
	c = sip_call_new(sip, IVR_CALL_IN, cid);
	c->state = CALL_RINGING_IN;
	c->media = m;
	c->src = *src;
	c->conn = src->conn;
	if ((tag = sip_tag(req->from)) != NULL)
		c->rtag = xstrdup(tag);
	user = req->from->url != NULL ? req->from->url->username : NULL;
	c->peer = xstrndup(user != NULL ? user : "anonymous", 64);
	c->rhdr = sip_hdr_str(req->from);
	c->rcseq = c->inv_cseq = strtoul(req->cseq->number, NULL, 10);
	sip_call_routes(c, req, 0);
	sip_call_target(c, req);
	if (osip_to_clone(req->to, &to) == 0) {
		osip_to_set_tag(to, osip_strdup(c->ltag));
		c->lhdr = sip_hdr_str(to);
		osip_to_free(to);
	}
	if (c->rhdr == NULL || c->lhdr == NULL || c->target == NULL) {
		sip_respond(sip, tr, 500, NULL, c->ltag, NULL, NULL, NULL,
		    NULL, NULL);
		sip_call_free(c);
		return;
	}
	c->ist = tr;
	osip_transaction_set_your_instance(tr, c);
	sip->st.calls_in++;
	sip_respond(sip, tr, 100, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	log_info("sip: call=%s from %s", c->callid, c->peer);

	rc = sip->cb.invite != NULL ? sip->cb.invite(sip->arg, c, &c->media) :
	    -480;
	if (rc < 0) {
		rc = -rc;
		if (rc < 300 || rc > 699)
			rc = 500;
		sip->st.refused++;
		sip->st.calls_in--;
		sip_ist_final(c, rc, NULL, NULL, NULL);
		sip_call_free(c);
		return;
	}
	if (rc == 0) {
		sip_respond(sip, tr, 180, NULL, c->ltag, NULL, NULL, NULL,
		    NULL, NULL);
		if (sip->ring_timeout_s > 0)
			c->ring_deadline = sip_now() +
			    (uint64_t)sip->ring_timeout_s * 1000;
		sip_call_due(c);
		return;
	}
	if (sip_call_answer(c, rc) == -1) {
		sip_ist_final(c, 500, NULL, NULL, NULL);
		sip_call_end(c, IVR_END_FAILED, 0);
	}
}

static void
sip_in_reinvite(struct ivr_sip *sip, osip_transaction_t *tr,
    osip_message_t *req, struct ivr_call *c)
{
	struct ivr_media	 m;
	osip_body_t		*body = NULL;
	char			 sdp[SIP_SDP_MAX], contact[320], err[160];
	int			 have = 0;

	if (c->state != CALL_UP || c->ok != NULL) {
		sip_respond(sip, tr, 491, NULL, NULL, NULL, NULL, NULL, NULL,
		    NULL);
		return;
	}
	if (osip_message_get_body(req, 0, &body) >= 0 && body != NULL &&
	    body->body != NULL) {
		switch (ivr_sdp_negotiate(body->body, body->length, &m, err,
		    sizeof(err))) {
		case IVR_SDP_OK:
			memcpy(m.sig_addr, c->media.sig_addr,
			    sizeof(m.sig_addr));
			have = 1;
			break;
		case IVR_SDP_NOCODEC:
			sip_respond(sip, tr, 488, NULL, NULL, NULL, NULL,
			    NULL, NULL, NULL);
			return;
		default:
			sip_respond(sip, tr, 400, "Bad SDP", NULL, NULL, NULL,
			    NULL, NULL, NULL);
			return;
		}
	}
	if (have)
		c->media = m;
	c->rcseq = strtoul(req->cseq->number, NULL, 10);
	sip_call_target(c, req);
	if (ivr_sdp_answer(&c->media, sip->media_ip, c->rtp_port, c->sess_id,
	    c->sess_ver + 1, sdp, sizeof(sdp)) == -1) {
		sip_respond(sip, tr, 500, NULL, NULL, NULL, NULL, NULL, NULL,
		    NULL);
		return;
	}
	sip_contact(sip, c->conn, contact, sizeof(contact));
	if (sip_respond(sip, tr, 200, NULL, NULL, "Allow", IVR_SIP_ALLOW,
	    contact, sdp, &c->ok) == -1)
		return;
	c->sess_ver++;
	c->ok_cseq = c->rcseq;
	c->ok_interval = sip->t1;
	c->ok_next = sip_now() + sip->t1;
	c->ok_deadline = sip_now() + 64 * (uint64_t)sip->t1;
	sip_call_due(c);
	if (sip->cb.reinvite != NULL)
		sip->cb.reinvite(sip->arg, c, have ? &c->media : NULL);
}

static void
sip_in_ack(struct ivr_sip *sip, osip_message_t *ack)
{
	struct ivr_call	*c;
	char		 cid[SIP_CID_MAX];

	c = sip_call_find(sip, sip_cid(ack, cid, sizeof(cid)),
	    sip_tag(ack->to), sip_tag(ack->from));
	if (c == NULL || c->ok == NULL ||
	    strtoul(ack->cseq->number, NULL, 10) != c->ok_cseq)
		return;
	free(c->ok);
	c->ok = NULL;
	sip_call_due(c);
	if (c->state != CALL_ANSWERED)
		return;		/* the ACK of a re-INVITE */
	c->state = CALL_UP;
	log_debug("sip: call=%s up", c->callid);
	if (sip->cb.up != NULL)
		sip->cb.up(sip->arg, c, &c->media);
}

static void
sip_in_bye(struct ivr_sip *sip, osip_transaction_t *tr, osip_message_t *req)
{
	struct ivr_call	*c;
	char		 cid[SIP_CID_MAX];

	c = sip_call_find(sip, sip_cid(req, cid, sizeof(cid)),
	    sip_tag(req->to), sip_tag(req->from));
	if (c == NULL) {
		sip_respond(sip, tr, 481, NULL, NULL, NULL, NULL, NULL, NULL,
		    NULL);
		return;
	}
	sip_respond(sip, tr, 200, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	sip_call_end(c, IVR_END_REMOTE, 0);
}

static void
sip_in_cancel(struct ivr_sip *sip, osip_transaction_t *tr,
    osip_message_t *req)
{
	struct ivr_call	*c;
	const char	*branch;
	char		 cid[SIP_CID_MAX];

	branch = sip_branch_of(osip_list_get(&req->vias, 0));
	sip_cid(req, cid, sizeof(cid));
	TAILQ_FOREACH(c, &sip->hash[sip_hash(cid)], hentry)
		if (c->dir == IVR_CALL_IN && !c->ended && c->ist != NULL &&
		    strcmp(c->callid, cid) == 0 &&
		    sip_streq(branch, sip_branch_of(c->ist->topvia)))
			break;
	if (c == NULL) {
		sip_respond(sip, tr, 481, NULL, NULL, NULL, NULL, NULL, NULL,
		    NULL);
		return;
	}
	sip_respond(sip, tr, 200, NULL, c->ltag, NULL, NULL, NULL, NULL,
	    NULL);
	sip_ist_final(c, 487, NULL, NULL, NULL);
	sip_call_end(c, IVR_END_REMOTE, 0);
}

/* A request on its new server transaction tr (not ACK). */
static void
sip_in_request(struct ivr_sip *sip, osip_transaction_t *tr,
    osip_message_t *req, const struct sip_dest *src)
{
	struct ivr_sip_early	 e;
	struct ivr_call		*c;
	const char		*totag = sip_tag(req->to);
	char			 cid[SIP_CID_MAX];
	int			 invite;

	invite = strcmp(req->sip_method, "INVITE") == 0;
	ivr_sip_check(req, &e);
	if (e.code != 0) {
		if (invite)
			sip->st.refused++;
		sip_respond(sip, tr, e.code, e.reason, NULL, e.hname,
		    e.hname != NULL ? e.hvalue : NULL, NULL, NULL, NULL);
		return;
	}
	if (invite && totag == NULL)
		sip_in_invite(sip, tr, req, src);
	else if (invite) {
		c = sip_call_find(sip, sip_cid(req, cid, sizeof(cid)),
		    totag, sip_tag(req->from));
		if (c == NULL)
			sip_respond(sip, tr, 481, NULL, NULL, NULL, NULL,
			    NULL, NULL, NULL);
		else
			sip_in_reinvite(sip, tr, req, c);
	} else if (strcmp(req->sip_method, "BYE") == 0)
		sip_in_bye(sip, tr, req);
	else if (strcmp(req->sip_method, "CANCEL") == 0)
		sip_in_cancel(sip, tr, req);
	else if (strcmp(req->sip_method, "OPTIONS") == 0)
		sip_respond(sip, tr, 200, NULL, NULL, "Allow", IVR_SIP_ALLOW,
		    NULL, NULL, NULL);
	else
		sip_respond(sip, tr, 501, NULL, NULL, "Allow", IVR_SIP_ALLOW,
		    NULL, NULL, NULL);
}

/* --- outbound --------------------------------------------------------- */

static int
sip_out_send_invite(struct ivr_call *c)
{
	struct ivr_sip		*sip = c->sip;
	osip_transaction_t	*tr;
	char			 sdp[SIP_SDP_MAX];

	if (ivr_sdp_offer(sip->media_ip, c->rtp_port, c->sess_id, c->sess_ver,
	    sdp, sizeof(sdp)) == -1)
		return -1;
	sip_branch(c->inv_branch, sizeof(c->inv_branch));
	c->inv_cseq = c->lcseq;
	tr = sip_tr_send(sip, ICT, sip_req_text(c, "INVITE", c->target,
	    c->inv_cseq, c->inv_branch, c->auth, sdp), &c->src, c);
	if (tr == NULL)
		return -1;
	if (c->ict != NULL)
		sip_tr_detach(sip, c->ict, c->ict->state < ICT_COMPLETED);
	c->ict = tr;
	return 0;
}

static void
sip_out_send_cancel(struct ivr_call *c)
{
	c->cancel_sent = 1;
	sip_tr_send(c->sip, NICT, sip_req_text(c, "CANCEL", c->target,
	    c->inv_cseq, c->inv_branch, NULL, NULL), &c->src, NULL);
}

/* Give up ringing: CANCEL once a 1xx came, then wait for the final. */
static void
sip_out_cancel(struct ivr_call *c, enum ivr_call_end why)
{
	if (c->cancel_wanted)
		return;
	c->cancel_wanted = 1;
	c->end_reason = why;
	c->ring_deadline = 0;
	c->cancel_deadline = sip_now() + 64 * (uint64_t)c->sip->t1;
	if (c->state == CALL_PROGRESS)
		sip_out_send_cancel(c);
	sip_call_due(c);
}

static int
sip_out_auth(struct ivr_call *c, osip_message_t *resp)
{
	struct ivr_sip		*sip = c->sip;
	struct ivr_sip_digest	 d;
	char			 val[1024], err[128];

	if (c->auth_tried || sip->pass == NULL ||
	    ivr_sip_digest_chal(resp, &d, err, sizeof(err)) == -1 ||
	    ivr_sip_digest_auth(&d, sip->user, sip->pass, "INVITE", c->target,
	    NULL, val, sizeof(val)) == -1)
		return -1;
	c->auth_tried = 1;
	free(c->auth);
	xasprintf(&c->auth, "%s: %s", d.proxy ? "Proxy-Authorization" :
	    "Authorization", val);
	c->lcseq++;
	return sip_out_send_invite(c);
}

static void
sip_out_ack(struct ivr_call *c)
{
	char	branch[40];

	sip_branch(branch, sizeof(branch));
	free(c->ack);
	c->ack = sip_req_text(c, "ACK", c->target, c->inv_cseq, branch,
	    NULL, NULL);
	if (sip_call_send(c, c->ack) == -1)
		log_debug("sip: call=%s: ACK not sent", c->callid);
}

static void
sip_out_answered(struct ivr_call *c, osip_message_t *resp)
{
	struct ivr_sip	*sip = c->sip;
	osip_body_t	*body = NULL;
	const char	*tag = sip_tag(resp->to);
	char		 err[160];
	int		 ok = 0;

	free(c->rtag);
	c->rtag = tag != NULL ? xstrdup(tag) : NULL;
	free(c->rhdr);
	if ((c->rhdr = sip_hdr_str(resp->to)) == NULL)
		c->rhdr = xstrdup("<sip:invalid>");
	sip_call_target(c, resp);
	sip_call_routes(c, resp, 1);
	sip_out_ack(c);
	if (c->cancel_wanted || c->hangup) {
		sip_send_bye(c);
		sip_call_end(c, c->end_reason, 0);
		return;
	}
	if (osip_message_get_body(resp, 0, &body) >= 0 && body != NULL &&
	    body->body != NULL && ivr_sdp_read_answer(body->body,
	    body->length, &c->media, err, sizeof(err)) == IVR_SDP_OK) {
		inet_ntop(AF_INET, &c->src.sin.sin_addr, c->media.sig_addr,
		    sizeof(c->media.sig_addr));
		ok = 1;
	}
	if (!ok) {
		log_info("sip: call=%s: unusable answer", c->callid);
		sip_send_bye(c);
		sip_call_end(c, IVR_END_FAILED, 0);
		return;
	}
	c->state = CALL_UP;
	c->ring_deadline = c->cancel_deadline = 0;
	sip_call_due(c);
	log_debug("sip: call=%s up", c->callid);
	if (sip->cb.up != NULL)
		sip->cb.up(sip->arg, c, &c->media);
}

static void
sip_out_response(struct ivr_call *c, osip_message_t *resp)
{
	int			code = resp->status_code;
	enum ivr_call_end	why;

	if (resp->cseq == NULL || resp->cseq->number == NULL ||
	    strtoul(resp->cseq->number, NULL, 10) != c->inv_cseq)
		return;		/* of an INVITE we gave up (401) */
	if (code < 200) {
		if (c->state == CALL_CALLING)
			c->state = CALL_PROGRESS;
		if (c->cancel_wanted && !c->cancel_sent)
			sip_out_send_cancel(c);
		return;
	}
	if (code < 300) {
		sip_out_answered(c, resp);
		return;
	}
	if ((code == 401 || code == 407) && !c->cancel_wanted &&
	    sip_out_auth(c, resp) == 0)
		return;
	if (c->cancel_wanted)
		why = c->end_reason;
	else if (code == 486 || code == 600)
		why = IVR_END_BUSY;
	else if (code == 408 || code == 480 || code == 487)
		why = IVR_END_NOANSWER;
	else
		why = IVR_END_REJECTED;
	sip_call_end(c, why, why == IVR_END_LOCAL ? 0 : code);
}

/* A 2xx retransmission after the ICT is gone: ACK it again. */
static void
sip_out_stray_2xx(struct ivr_sip *sip, osip_message_t *resp)
{
	struct ivr_call	*c;
	char		 cid[SIP_CID_MAX];

	if (!MSG_IS_STATUS_2XX(resp) || strcmp(resp->cseq->method, "INVITE"))
		return;
	c = sip_call_find(sip, sip_cid(resp, cid, sizeof(cid)),
	    sip_tag(resp->from), sip_tag(resp->to));
	if (c != NULL && c->dir == IVR_CALL_OUT && c->ack != NULL &&
	    sip_call_send(c, c->ack) == 0)
		sip->st.retransmissions++;
}

/* ivr_call_hangup, from the work queue. */
static void
sip_call_hangup_now(struct ivr_call *c, enum ivr_call_end why)
{
	switch (c->state) {
	case CALL_RINGING_IN:
		sip_ist_final(c, why == IVR_END_LOCAL ? 480 : 500, NULL, NULL,
		    NULL);
		sip_call_end(c, why, 0);
		break;
	case CALL_CALLING:
	case CALL_PROGRESS:
		sip_out_cancel(c, why);
		break;
	case CALL_ANSWERED:
	case CALL_UP:
		sip_send_bye(c);
		sip_call_end(c, why, 0);
		break;
	}
}

/* --- registration ----------------------------------------------------- */

static void
sip_reg_send(struct ivr_sip *sip)
{
	struct sip_reg	*r = &sip->reg;
	struct sip_sb	 b = { NULL, 0, 0 };
	struct sip_dest	 d;
	char		 branch[40], contact[320];

	r->next = 0;
	if (r->tr != NULL)
		return;
	sip_branch(branch, sizeof(branch));
	sip_contact(sip, 0, contact, sizeof(contact));
	sb_add(&b, "REGISTER sip:%s:%u SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP %s:%u;branch=%s;rport\r\n"
	    "Max-Forwards: 70\r\n"
	    "From: <sip:%s@%s>;tag=%s\r\n"
	    "To: <sip:%s@%s>\r\n"
	    "Call-ID: %s\r\n"
	    "CSeq: %u REGISTER\r\n"
	    "Contact: %s\r\n"
	    "Expires: %d\r\n"
	    "%s%s"
	    "User-Agent: sanket\r\n"
	    "Content-Length: 0\r\n\r\n", sip->trunk_host,
	    (unsigned)sip->trunk_port, sip->host, (unsigned)sip->port, branch,
	    sip->user, sip->trunk_host, r->tag, sip->user, sip->trunk_host,
	    r->callid, ++r->cseq, contact, sip->register_s,
	    r->auth != NULL ? r->auth : "", r->auth != NULL ? "\r\n" : "");
	memset(&d, 0, sizeof(d));
	d.sin = sip->trunk_sin;
	r->tr = sip_tr_send(sip, NICT, b.p, &d, r);
	if (r->tr == NULL)
		r->next = sip_now() + SIP_REG_RETRY_S * 1000;
}

static void
sip_reg_response(struct ivr_sip *sip, osip_message_t *resp)
{
	struct sip_reg		*r = &sip->reg;
	struct ivr_sip_digest	 d;
	osip_header_t		*h = NULL;
	char			 uri[300], val[1024], err[128];
	long			 exp = sip->register_s;
	uint64_t		 retry = SIP_REG_RETRY_S;

	if (resp == NULL)
		goto fail;
	if (MSG_IS_STATUS_2XX(resp)) {
		if (osip_message_header_get_byname(resp, "expires", 0, &h) >=
		    0 && h != NULL && h->hvalue != NULL)
			exp = strtol(h->hvalue, NULL, 10);
		if (exp <= 0 || exp > sip->register_s)
			exp = sip->register_s;
		if (sip->st.registered != 1)
			log_info("sip: registered with %s:%u for %lds",
			    sip->trunk_host, (unsigned)sip->trunk_port, exp);
		sip->st.registered = 1;
		r->auth_tried = 0;
		r->next = sip_now() + (uint64_t)exp * 500;
		return;
	}
	if ((resp->status_code == 401 || resp->status_code == 407) &&
	    !r->auth_tried && sip->pass != NULL) {
		snprintf(uri, sizeof(uri), "sip:%s:%u", sip->trunk_host,
		    (unsigned)sip->trunk_port);
		if (ivr_sip_digest_chal(resp, &d, err, sizeof(err)) == 0 &&
		    ivr_sip_digest_auth(&d, sip->user, sip->pass, "REGISTER",
		    uri, NULL, val, sizeof(val)) != -1) {
			r->auth_tried = 1;
			free(r->auth);
			xasprintf(&r->auth, "%s: %s", d.proxy ?
			    "Proxy-Authorization" : "Authorization", val);
			r->tr = NULL;
			sip_reg_send(sip);
			return;
		}
	}
	log_warnx("sip: REGISTER with %s:%u refused: %d", sip->trunk_host,
	    (unsigned)sip->trunk_port, resp->status_code);
fail:
	sip->st.registered = 0;
	r->auth_tried = 0;
	if (retry > (uint64_t)sip->register_s)
		retry = sip->register_s;
	r->next = sip_now() + retry * 1000;
}

/* --- the loop --------------------------------------------------------- */

static void
sip_work_run(struct ivr_sip *sip, struct sip_work *w)
{
	struct ivr_call	*c = w->call;

	if (c == NULL) {
		if (sip->reg.tr != NULL) {
			osip_transaction_set_your_instance(sip->reg.tr, NULL);
			sip->reg.tr = NULL;
		}
		sip_reg_response(sip, w->kind == W_RESP ? w->msg : NULL);
		return;
	}
	switch (w->kind) {
	case W_RESP:
		if (w->msg != NULL)
			sip_out_response(c, w->msg);
		break;
	case W_TIMEOUT:
	case W_ERROR:
		if (c->state == CALL_CALLING || c->state == CALL_PROGRESS)
			sip_call_end(c, c->cancel_wanted ? c->end_reason :
			    IVR_END_FAILED, 0);
		break;
	case W_END:
		sip_call_hangup_now(c, w->reason);
		break;
	}
}

/*
 * Runs the state machines, frees dead transactions, then delivers queued
 * work (which may queue more) until nothing is left.
 */
static void
sip_pump(struct ivr_sip *sip)
{
	struct sip_work	*w;

	if (sip->pumping)
		return;
	sip->pumping = 1;
	for (;;) {
		sip_exec(sip);
		sip_reap(sip);
		if ((w = TAILQ_FIRST(&sip->work)) == NULL)
			break;
		TAILQ_REMOVE(&sip->work, w, entry);
		sip_work_run(sip, w);
		sip_work_free(w);
	}
	sip->pumping = 0;
}

static uint64_t
sip_next_due(struct ivr_sip *sip)
{
	struct ivr_call	*c;
	struct sip_conn	*cn;
	uint64_t	 due = sip->reg.next, d;

	TAILQ_FOREACH(c, &sip->calls, entry)
		if (c->due != 0 && (due == 0 || c->due < due))
			due = c->due;
	TAILQ_FOREACH(cn, &sip->conns, entry) {
		d = cn->last + SIP_TCP_IDLE_MS;
		if (due == 0 || d < due)
			due = d;
	}
	return due;
}

static void
sip_rearm(struct ivr_sip *sip)
{
	struct timeval	tv;
	uint64_t	us, now, due;

	if (sip->closing)
		return;
	if (sip->dirty || !TAILQ_EMPTY(&sip->work)) {
		tv.tv_sec = tv.tv_usec = 0;
		evtimer_add(sip->timer, &tv);
		return;
	}
	osip_timers_gettimeout(sip->osip, &tv);
	us = (uint64_t)tv.tv_sec * 1000000 + tv.tv_usec + 1000;
	if ((due = sip_next_due(sip)) != 0) {
		now = sip_now();
		if (due <= now)
			us = 0;
		else if ((due - now) * 1000 < us)
			us = (due - now) * 1000;
	}
	if (us > 3600ULL * 1000000)
		us = 3600ULL * 1000000;
	tv.tv_sec = us / 1000000;
	tv.tv_usec = us % 1000000;
	evtimer_add(sip->timer, &tv);
}

static void
sip_call_tick(struct ivr_call *c, uint64_t now)
{
	struct ivr_sip	*sip = c->sip;

	if (c->ok != NULL && now >= c->ok_deadline) {
		log_info("sip: call=%s: no ACK for our 200", c->callid);
		free(c->ok);
		c->ok = NULL;
		sip_send_bye(c);
		sip_call_end(c, IVR_END_NOACK, 0);
		return;
	}
	if (c->ok != NULL && now >= c->ok_next) {
		sip_send_raw(sip, &c->src, NULL, 0, c->ok, strlen(c->ok));
		sip->st.retransmissions++;
		c->ok_interval *= 2;
		if (c->ok_interval > SIP_T2_MS)
			c->ok_interval = SIP_T2_MS;
		c->ok_next = now + c->ok_interval;
	}
	if (c->ring_deadline != 0 && now >= c->ring_deadline) {
		c->ring_deadline = 0;
		if (c->state == CALL_RINGING_IN) {
			sip_ist_final(c, 480, NULL, NULL, NULL);
			sip_call_end(c, IVR_END_NOANSWER, 0);
			return;
		}
		if (c->state == CALL_CALLING || c->state == CALL_PROGRESS)
			sip_out_cancel(c, IVR_END_NOANSWER);
	}
	if (c->cancel_deadline != 0 && now >= c->cancel_deadline) {
		sip_call_end(c, c->end_reason, 0);
		return;
	}
	sip_call_due(c);
}

static void
sip_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ivr_sip	*sip = arg;
	struct ivr_call	*c, *next;
	struct sip_conn	*cn, *cnext;
	uint64_t	 now;

	osip_timers_ict_execute(sip->osip);
	osip_timers_ist_execute(sip->osip);
	osip_timers_nict_execute(sip->osip);
	osip_timers_nist_execute(sip->osip);
	sip->dirty = 1;
	sip_exec(sip);
	now = sip_now();
	for (c = TAILQ_FIRST(&sip->calls); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (c->due != 0 && c->due <= now)
			sip_call_tick(c, now);
	}
	if (sip->reg.next != 0 && sip->reg.next <= now)
		sip_reg_send(sip);
	for (cn = TAILQ_FIRST(&sip->conns); cn != NULL; cn = cnext) {
		cnext = TAILQ_NEXT(cn, entry);
		if (cn->last + SIP_TCP_IDLE_MS > now)
			continue;
		TAILQ_FOREACH(c, &sip->calls, entry)
			if (c->conn == cn->id)
				break;
		if (c == NULL)
			sip_conn_close(cn);
		else
			cn->last = now;
	}
	sip_pump(sip);
	sip_rearm(sip);
}

/* One message from the network (UDP datagram or TCP frame). */
static void
sip_input(struct ivr_sip *sip, const char *buf, size_t len,
    const struct sip_dest *src)
{
	osip_message_t		*m = NULL;
	osip_transaction_t	*tr;
	osip_event_t		*ev;
	char			 err[160];
	size_t			 i;

	for (i = 0; i < len && (buf[i] == '\r' || buf[i] == '\n'); i++)
		;
	if (len > 0 && i == len)
		return;		/* keep-alive */
	if (ivr_sip_parse(buf, len, &m, err, sizeof(err)) == -1) {
		sip->st.bad_messages++;
		log_debug("sip: bad message from %s: %s",
		    inet_ntoa(src->sin.sin_addr), err);
		sip_bad_answer(sip, buf, len, src);
		return;
	}
	if ((ev = sip_event_in(m)) == NULL) {
		osip_message_free(m);
		return;
	}
	if (osip_find_transaction_and_add_event(sip->osip, ev) == 0) {
		sip->dirty = 1;	/* a retransmission or a response */
		return;
	}
	if (MSG_IS_RESPONSE(m)) {
		sip_out_stray_2xx(sip, m);
		osip_event_free(ev);
		return;
	}
	if (MSG_IS_ACK(m)) {
		sip_in_ack(sip, m);
		osip_event_free(ev);
		return;
	}
	if ((tr = osip_create_transaction(sip->osip, ev)) == NULL) {
		sip->st.bad_messages++;
		osip_event_free(ev);
		return;
	}
	sip_tr_set_dest(tr, src);
	osip_transaction_add_event(tr, ev);
	sip->dirty = 1;
	sip_exec(sip);
	if (tr->orig_request != m)
		return;
	sip_in_request(sip, tr, m, src);
	sip_exec(sip);
}

static void
sip_udp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ivr_sip		*sip = arg;
	struct sockaddr_in	 sin;
	struct sip_dest		 d;
	socklen_t		 slen;
	ssize_t			 n;
	int			 i;

	for (i = 0; i < SIP_UDP_BURST; i++) {
		slen = sizeof(sin);
		n = recvfrom(fd, sip->buf, sizeof(sip->buf) - 1,
		    MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&sin, &slen);
		if (n == -1)
			break;
		if ((size_t)n >= sizeof(sip->buf) ||
		    sin.sin_family != AF_INET) {
			sip->st.bad_messages++;
			continue;
		}
		memset(&d, 0, sizeof(d));
		d.sin = sin;
		sip_input(sip, sip->buf, n, &d);
	}
	sip_pump(sip);
	sip_rearm(sip);
}

/* Content-Length of a header block; 0 when absent, -1 when bad. */
static long
sip_content_length(const char *h, size_t len)
{
	const char	*p, *e, *end = h + len, *v;
	char		*ep;
	long		 n;

	for (p = h; p < end; p = e + 1) {
		if ((e = memchr(p, '\n', end - p)) == NULL)
			break;
		if (strncasecmp(p, "content-length", 14) == 0)
			v = p + 14;
		else if ((*p == 'l' || *p == 'L') &&
		    (p[1] == ':' || p[1] == ' ' || p[1] == '\t'))
			v = p + 1;
		else
			continue;
		v += strspn(v, " \t");
		if (*v != ':')
			continue;
		v++;
		v += strspn(v, " \t");
		if (!isdigit((unsigned char)*v))
			return -1;
		n = strtol(v, &ep, 10);
		if (n < 0 || n > IVR_SIP_MAX)
			return -1;
		return n;
	}
	return 0;
}

static void
sip_tcp_read_cb(struct bufferevent *bev, void *arg)
{
	struct sip_conn		*cn = arg;
	struct ivr_sip		*sip = cn->sip;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer_ptr	 pos;
	struct sip_dest		 d;
	unsigned char		 ch;
	size_t			 hlen;
	long			 clen;

	for (;;) {
		while (evbuffer_copyout(in, &ch, 1) == 1 &&
		    (ch == '\r' || ch == '\n'))
			evbuffer_drain(in, 1);
		pos = evbuffer_search(in, "\r\n\r\n", 4, NULL);
		if (pos.pos == -1) {
			if (evbuffer_get_length(in) > IVR_SIP_MAX)
				goto bad;
			break;
		}
		hlen = pos.pos + 4;
		if (hlen > IVR_SIP_MAX)
			goto bad;
		evbuffer_copyout(in, sip->buf, hlen);
		if ((clen = sip_content_length(sip->buf, hlen)) == -1 ||
		    hlen + clen > IVR_SIP_MAX)
			goto bad;
		if (evbuffer_get_length(in) < hlen + clen)
			break;
		evbuffer_remove(in, sip->buf, hlen + clen);
		cn->last = sip_now();
		memset(&d, 0, sizeof(d));
		d.conn = cn->id;
		d.sin = cn->sin;
		sip_input(sip, sip->buf, hlen + clen, &d);
	}
	sip_pump(sip);
	sip_rearm(sip);
	return;
bad:
	sip->st.bad_messages++;
	log_debug("sip: bad TCP stream from %s", inet_ntoa(cn->sin.sin_addr));
	sip_conn_close(cn);
	sip_pump(sip);
	sip_rearm(sip);
}

static void
sip_tcp_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct sip_conn	*cn = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		sip_conn_close(cn);
}

static void
sip_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct ivr_sip	*sip = arg;
	struct sip_conn	*cn;

	if (sip->nconns >= SIP_TCP_MAX || sa->sa_family != AF_INET) {
		evutil_closesocket(fd);
		return;
	}
	cn = xcalloc(1, sizeof(*cn));
	if ((cn->bev = bufferevent_socket_new(sip->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		evutil_closesocket(fd);
		free(cn);
		return;
	}
	cn->sip = sip;
	cn->id = ++sip->conn_ids;
	memcpy(&cn->sin, sa, sizeof(cn->sin));
	cn->last = sip_now();
	bufferevent_setcb(cn->bev, sip_tcp_read_cb, NULL, sip_tcp_event_cb,
	    cn);
	bufferevent_setwatermark(cn->bev, EV_READ, 0, IVR_SIP_MAX + 1);
	bufferevent_enable(cn->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&sip->conns, cn, entry);
	sip->nconns++;
	sip_rearm(sip);
}

/* --- set-up ----------------------------------------------------------- */

static int
sip_listen(struct ivr_sip *sip, uint16_t port, char *err, size_t errlen)
{
	struct sockaddr_in	sin;
	socklen_t		slen;
	int			tries, tcp = -1, one = 1;

	for (tries = 0; tries < 32; tries++) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(port);
		inet_pton(AF_INET, sip->host, &sin.sin_addr);
		sip->udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (sip->udp == -1 ||
		    bind(sip->udp, (struct sockaddr *)&sin, sizeof(sin)) == -1)
			goto fail;
		slen = sizeof(sin);
		if (getsockname(sip->udp, (struct sockaddr *)&sin, &slen) == -1)
			goto fail;
		tcp = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (tcp == -1)
			goto fail;
		setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(tcp, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
		    listen(tcp, 64) == 0)
			break;
		close(tcp);
		tcp = -1;
		close(sip->udp);
		sip->udp = -1;
		if (port != 0)
			break;
	}
	if (tcp == -1)
		goto fail;
	sip->port = ntohs(sin.sin_port);
	sip->lev = evconnlistener_new(sip->base, sip_accept_cb, sip,
	    LEV_OPT_CLOSE_ON_FREE, 0, tcp);
	if (sip->lev == NULL) {
		close(tcp);
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "cannot listen on %s:%u: %s", sip->host,
	    (unsigned)port, strerror(errno));
	if (sip->udp != -1)
		close(sip->udp);
	sip->udp = -1;
	return -1;
}

static int
sip_trunk(struct ivr_sip *sip, const char *trunk, char *err, size_t errlen)
{
	struct addrinfo	 hints, *res = NULL;
	const char	*colon;
	char		*ep;
	long		 port = 5060;

	if ((colon = strrchr(trunk, ':')) != NULL) {
		port = strtol(colon + 1, &ep, 10);
		if (*ep != '\0' || port <= 0 || port > 65535) {
			snprintf(err, errlen, "bad trunk port in %s", trunk);
			return -1;
		}
		sip->trunk_host = xstrndup(trunk, colon - trunk);
	} else
		sip->trunk_host = xstrdup(trunk);
	sip->trunk_port = port;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_DGRAM;
	if (sip->trunk_host[0] == '\0' ||
	    getaddrinfo(sip->trunk_host, NULL, &hints, &res) != 0 ||
	    res == NULL) {
		snprintf(err, errlen, "cannot resolve trunk %s", trunk);
		return -1;
	}
	memcpy(&sip->trunk_sin, res->ai_addr, sizeof(sip->trunk_sin));
	sip->trunk_sin.sin_port = htons(port);
	freeaddrinfo(res);
	return 0;
}

/* --- interface -------------------------------------------------------- */

struct ivr_sip *
ivr_sip_new(struct event_base *base, const struct ivr_sip_conf *conf,
    const struct ivr_sip_cb *cb, void *arg, char *err, size_t errlen)
{
	struct ivr_sip	*sip;
	struct in_addr	 in;
	int		 i;

	if (conf->host == NULL || inet_pton(AF_INET, conf->host, &in) != 1) {
		snprintf(err, errlen, "listen address must be dotted IPv4");
		return NULL;
	}
	if (conf->media_ip != NULL && inet_pton(AF_INET, conf->media_ip,
	    &in) != 1) {
		snprintf(err, errlen, "media address must be dotted IPv4");
		return NULL;
	}
	sip = xcalloc(1, sizeof(*sip));
	sip->base = base;
	sip->cb = *cb;
	sip->arg = arg;
	sip->udp = -1;
	snprintf(sip->host, sizeof(sip->host), "%s", conf->host);
	snprintf(sip->media_ip, sizeof(sip->media_ip), "%s",
	    conf->media_ip != NULL ? conf->media_ip : conf->host);
	sip->user = xstrdup(conf->username != NULL &&
	    conf->username[0] != '\0' ? conf->username : SIP_USER);
	if (conf->password != NULL)
		sip->pass = xstrdup(conf->password);
	sip->channels = conf->channels;
	sip->max_calls = conf->max_calls;
	sip->rate = conf->rate_per_source;
	sip->trunk_only = conf->trunk_only;
	sip->register_s = conf->register_s;
	sip->ring_timeout_s = conf->ring_timeout_s;
	sip->t1 = conf->t1_ms > 0 ? conf->t1_ms : SIP_T1_MS;
	sip->st.registered = -1;
	TAILQ_INIT(&sip->conns);
	TAILQ_INIT(&sip->calls);
	TAILQ_INIT(&sip->work);
	for (i = 0; i < SIP_HASH; i++)
		TAILQ_INIT(&sip->hash[i]);
	if (conf->trunk != NULL && conf->trunk[0] != '\0' &&
	    sip_trunk(sip, conf->trunk, err, errlen) == -1)
		goto fail;
	if (sip_osip_init(sip) == -1) {
		snprintf(err, errlen, "osip_init failed");
		goto fail;
	}
	if (sip_listen(sip, conf->port, err, errlen) == -1)
		goto fail;
	sip->udp_ev = event_new(base, sip->udp, EV_READ | EV_PERSIST,
	    sip_udp_cb, sip);
	sip->timer = evtimer_new(base, sip_timer_cb, sip);
	if (sip->udp_ev == NULL || sip->timer == NULL ||
	    event_add(sip->udp_ev, NULL) == -1) {
		snprintf(err, errlen, "libevent set-up failed");
		goto fail;
	}
	if (sip->register_s > 0 && sip->trunk_host != NULL) {
		sip->st.registered = 0;
		sip_hex(sip->reg.tag, 8);
		sip_hex(sip->reg.callid, 16);
		snprintf(sip->reg.callid + 32, sizeof(sip->reg.callid) - 32,
		    "@sanket");
		sip->reg.next = sip_now();
	}
	sip_rearm(sip);
	log_info("sip: listening on %s:%u (udp, tcp)", sip->host,
	    (unsigned)sip->port);
	return sip;
fail:
	ivr_sip_free(sip);
	return NULL;
}

/* Shutdown: tell the peer, then ended(SHUTDOWN). */
static void
sip_call_shutdown(struct ivr_call *c)
{
	switch (c->state) {
	case CALL_RINGING_IN:
		sip_ist_final(c, 503, NULL, NULL, NULL);
		break;
	case CALL_PROGRESS:
		if (!c->cancel_sent)
			sip_out_send_cancel(c);
		break;
	case CALL_ANSWERED:
	case CALL_UP:
		sip_send_bye(c);
		break;
	default:
		break;
	}
	sip_exec(c->sip);
	sip_call_end(c, IVR_END_SHUTDOWN, 0);
}

static void
sip_tr_list_free(osip_list_t *l)
{
	osip_transaction_t	*tr;

	while ((tr = osip_list_get(l, 0)) != NULL)
		sip_tr_free(tr);
}

void
ivr_sip_free(struct ivr_sip *sip)
{
	struct ivr_call	*c;
	struct sip_work	*w;
	struct sip_conn	*cn;

	if (sip == NULL)
		return;
	sip->closing = 1;
	while ((c = TAILQ_FIRST(&sip->calls)) != NULL)
		sip_call_shutdown(c);
	while ((w = TAILQ_FIRST(&sip->work)) != NULL) {
		TAILQ_REMOVE(&sip->work, w, entry);
		sip_work_free(w);
	}
	if (sip->osip != NULL) {
		sip_exec(sip);
		sip_reap(sip);
		sip_tr_list_free(&sip->osip->osip_ict_transactions);
		sip_tr_list_free(&sip->osip->osip_ist_transactions);
		sip_tr_list_free(&sip->osip->osip_nict_transactions);
		sip_tr_list_free(&sip->osip->osip_nist_transactions);
		osip_release(sip->osip);
	}
	while ((cn = TAILQ_FIRST(&sip->conns)) != NULL)
		sip_conn_close(cn);
	if (sip->lev != NULL)
		evconnlistener_free(sip->lev);
	if (sip->udp_ev != NULL)
		event_free(sip->udp_ev);
	if (sip->timer != NULL)
		event_free(sip->timer);
	if (sip->udp != -1)
		close(sip->udp);
	free(sip->grave);
	free(sip->reg.auth);
	free(sip->user);
	free(sip->pass);
	free(sip->trunk_host);
	free(sip);
}

uint16_t
ivr_sip_port(const struct ivr_sip *sip)
{
	return sip->port;
}

void
ivr_sip_stats(const struct ivr_sip *sip, struct ivr_sip_stats *st)
{
	*st = sip->st;
}

int
ivr_sip_free_channels(const struct ivr_sip *sip)
{
	if (sip->trunk_host == NULL || sip->channels <= sip->nout)
		return 0;
	return sip->channels - sip->nout;
}

/* 1 if s may be the user part of our Request-URI. */
static int
sip_user_ok(const char *s)
{
	size_t	n;

	if (s == NULL || (n = strlen(s)) == 0 || n > 64)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789+*._-") == n;
}

struct ivr_call *
ivr_sip_dial(struct ivr_sip *sip, const char *number, uint16_t rtp_port,
    void *user)
{
	struct ivr_call	*c;
	char		 callid[64], tag_hdr[320];

	if (sip == NULL || sip->closing || ivr_sip_free_channels(sip) <= 0 ||
	    !sip_user_ok(number) || rtp_port == 0)
		return NULL;
	sip_hex(callid, 16);
	snprintf(callid + 32, sizeof(callid) - 32, "@%s", sip->host);
	c = sip_call_new(sip, IVR_CALL_OUT, callid);
	sip->nout++;
	c->state = CALL_CALLING;
	c->user = user;
	c->rtp_port = rtp_port;
	c->peer = xstrdup(number);
	c->lcseq = 1;
	c->src.sin = sip->trunk_sin;
	snprintf(tag_hdr, sizeof(tag_hdr), "<sip:%s@%s>;tag=%s", sip->user,
	    sip->host, c->ltag);
	c->lhdr = xstrdup(tag_hdr);
	xasprintf(&c->target, "sip:%s@%s:%u", number, sip->trunk_host,
	    (unsigned)sip->trunk_port);
	xasprintf(&c->rhdr, "<%s>", c->target);
	if (sip_out_send_invite(c) == -1) {
		sip_call_free(c);
		return NULL;
	}
	sip->st.calls_out++;
	c->ring_deadline = sip_now() + (uint64_t)(sip->ring_timeout_s > 0 ?
	    sip->ring_timeout_s : SIP_RING_MAX_S) * 1000;
	sip_call_due(c);
	log_info("sip: call=%s to %s", c->callid, c->peer);
	sip_kick(sip);
	return c;
}

int
ivr_call_answer(struct ivr_call *c, uint16_t rtp_port)
{
	if (c == NULL || c->ended || c->hangup || c->sip->closing ||
	    c->dir != IVR_CALL_IN || c->state != CALL_RINGING_IN)
		return -1;
	if (sip_call_answer(c, rtp_port) == -1) {
		c->hangup = 1;
		sip_work_add(c->sip, c, W_END, IVR_END_FAILED, NULL);
	}
	sip_kick(c->sip);
	return 0;
}

void
ivr_call_hangup(struct ivr_call *c)
{
	if (c == NULL || c->ended || c->hangup || c->sip->closing)
		return;
	c->hangup = 1;
	sip_work_add(c->sip, c, W_END, IVR_END_LOCAL, NULL);
	sip_kick(c->sip);
}

void
ivr_call_set_user(struct ivr_call *c, void *user)
{
	c->user = user;
}

void *
ivr_call_user(const struct ivr_call *c)
{
	return c->user;
}

enum ivr_call_dir
ivr_call_dir(const struct ivr_call *c)
{
	return c->dir;
}

const char *
ivr_call_id(const struct ivr_call *c)
{
	return c->callid;
}

const char *
ivr_call_peer(const struct ivr_call *c)
{
	return c->peer;
}

const char *
ivr_call_end_name(enum ivr_call_end e)
{
	switch (e) {
	case IVR_END_LOCAL:
		return "local";
	case IVR_END_REMOTE:
		return "remote";
	case IVR_END_BUSY:
		return "busy";
	case IVR_END_NOANSWER:
		return "noanswer";
	case IVR_END_REJECTED:
		return "rejected";
	case IVR_END_FAILED:
		return "failed";
	case IVR_END_NOACK:
		return "noack";
	case IVR_END_SHUTDOWN:
		return "shutdown";
	}
	return "?";
}
