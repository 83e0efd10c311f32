/*
 * sip.c: the SIP user agent.  libosip2's transaction layer (osip_t) driven
 * from a libevent loop; dialogs ("calls") kept in memory.
 *
 * Files.  sip.c (this one): the UA itself: small helpers, the osip glue
 * (callbacks, dead transactions, the work queue, requests and responses
 * sent in transactions), sip_input, the loop and its one timer,
 * ivr_sip_new and ivr_sip_free.  sip-transport.c: the UDP socket, the TCP
 * listener and its connections, Content-Length framing, sending, the
 * trunk's address.  sip-call.c: the calls (dialogs) and their table, what
 * a call reads from and writes into messages, its deadlines
 * (sip_call_tick), hangup and shutdown, the ivr_call_* functions.
 * sip-dialog.c: what is said in a call: inbound requests (UAS), outbound
 * INVITEs with CANCEL, ACK and digest (UAC), ivr_sip_dial and REGISTER.
 * sip-int.h: the structs, limits and functions they share.
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

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>
#include <osip2/osip.h>
#include <osipparser2/osip_parser.h>

#include "ivr.h"
#include "log.h"
#include "sip-int.h"
#include "xmalloc.h"

/* --- small helpers ---------------------------------------------------- */

uint64_t
sip_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* n random bytes as 2n hex digits into out (2n + 1 bytes). */
void
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

void
sip_branch(char *out, size_t outsz)
{
	char	hex[33];

	sip_hex(hex, 16);
	snprintf(out, outsz, "z9hG4bK%s", hex);
}


void __attribute__((format(printf, 2, 3)))
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
void
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

void
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

void
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
void
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

void
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

/* --- sending in transactions ------------------------------------------ */

/* Sends request text (freed here) in a new client transaction. */
osip_transaction_t *
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
int
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
void
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

void
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
void
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
