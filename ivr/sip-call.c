/*
 * sip-call.c: the calls of the SIP UA (see sip.c for their state
 * machines).  A call is one dialog: Call-ID, both tags, route set,
 * remote target, CSeqs, the INVITE transaction it answers or sent, and
 * the deadlines sip_call_tick keeps (our 2xx retransmitted until the ACK
 * or 64*T1, ringing, the final after our CANCEL).  Calls are kept in a
 * list and hashed by Call-ID; sip_call_find matches an in-dialog message
 * by Call-ID and both tags.  sip_call_new / sip_call_free;
 * sip_call_end gives a call its one cb->ended and frees it.
 *
 * Also here: reading tags, branches, Call-IDs and URIs out of messages,
 * the text of a request in a call (sip_req_text) and its BYE, hangup
 * from the work queue and shutdown in any state, and the ivr_call_*
 * functions of ivr.h.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osip2/osip.h>
#include <osipparser2/osip_parser.h>

#include "ivr.h"
#include "log.h"
#include "sip-int.h"
#include "xmalloc.h"

/* --- reading messages ------------------------------------------------- */

const char *
sip_tag(osip_from_t *h)
{
	osip_generic_param_t	*p = NULL;

	if (h == NULL || osip_from_get_tag(h, &p) != 0 || p == NULL)
		return NULL;
	return p->gvalue;
}

const char *
sip_branch_of(osip_via_t *v)
{
	osip_generic_param_t	*p = NULL;

	if (v == NULL || osip_via_param_get_byname(v, "branch", &p) != 0 ||
	    p == NULL)
		return NULL;
	return p->gvalue;
}

int
sip_streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* The whole Call-ID of m ("number@host") in buf. */
const char *
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
char *
sip_hdr_str(osip_from_t *h)
{
	char	*s = NULL, *r;

	if (h == NULL || osip_from_to_str(h, &s) != 0 || s == NULL)
		return NULL;
	r = xstrdup(s);
	osip_free(s);
	return r;
}

char *
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
int
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

/* --- building messages ------------------------------------------------ */

void
sip_contact(struct ivr_sip *sip, uint64_t conn, char *buf, size_t bufsz)
{
	snprintf(buf, bufsz, "<sip:%s@%s:%u%s>", sip->user, sip->host,
	    (unsigned)sip->port, conn != 0 ? ";transport=tcp" : "");
}

/* A request of call c as text; extra is one more header line or NULL. */
char *
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

/* --- calls ------------------------------------------------------------ */

/* The final response to the call's INVITE; its IST is ours no more. */
int
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

unsigned
sip_hash(const char *s)
{
	unsigned	h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % SIP_HASH;
}

struct ivr_call *
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

void
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
struct ivr_call *
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

void
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

void
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
void
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
void
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

int
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

void
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

/* ivr_call_hangup, from the work queue. */
void
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

/* Shutdown: tell the peer, then ended(SHUTDOWN). */
void
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

/* --- interface -------------------------------------------------------- */

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
