/*
 * sip-dialog.c: what the SIP UA says in a call (see sip.c for the state
 * machines).  Inbound (UAS): sip_in_request takes every new request but
 * ACK on its server transaction, after ivr_sip_check: a new INVITE
 * (trunk_only, per-source rate, max_calls, the offer, then cb->invite),
 * re-INVITE, BYE, CANCEL, OPTIONS, 501 for the rest; sip_in_ack stops our
 * 2xx's retransmission.  Outbound (UAC): ivr_sip_dial sends the INVITE to
 * the trunk; sip_out_response takes what the work queue delivers for it
 * (1xx, 2xx with our ACK, digest once for 401/407, other finals),
 * sip_out_cancel gives up ringing, sip_out_stray_2xx ACKs a 2xx again
 * once the ICT is gone.  REGISTER with the trunk: sip_reg_send and
 * sip_reg_response, refreshed at half the granted expiry, retried after
 * SIP_REG_RETRY_S (at most register_s) when refused.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osip2/osip.h>
#include <osipparser2/osip_parser.h>

#include "ivr.h"
#include "log.h"
#include "sip-int.h"
#include "xmalloc.h"

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
int
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

void
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
void
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

void
sip_out_send_cancel(struct ivr_call *c)
{
	c->cancel_sent = 1;
	sip_tr_send(c->sip, NICT, sip_req_text(c, "CANCEL", c->target,
	    c->inv_cseq, c->inv_branch, NULL, NULL), &c->src, NULL);
}

/* Give up ringing: CANCEL once a 1xx came, then wait for the final. */
void
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

void
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
void
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

/* --- registration ----------------------------------------------------- */

void
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

void
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

/* --- interface -------------------------------------------------------- */

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
