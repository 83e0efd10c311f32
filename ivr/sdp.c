/*
 * sdp.c: SDP offer/answer (RFC 3264, RFC 4566) as pure functions.
 *
 * ivr_sdp_negotiate parses an offer with libosip2's sdp_message parser and
 * picks the first usable audio stream: m=audio with a non-zero port and
 * profile RTP/AVP, carrying PCMU or PCMA at 8000 Hz (by static payload type
 * 0/8 or by a=rtpmap name, so a dynamic PT also works; PCMU wins when both
 * are offered).  RFC 4733 telephone-event/8000 is taken at the peer's
 * payload type with its a=fmtp event list.  The peer's address is the
 * media-level c= or else the session-level one (IN IP4, unicast); its
 * direction is the media-level attribute or else the session-level one, and
 * ours is the mirror.  The answer always asks for ptime 20.
 *
 * For our own calls ivr_sdp_offer writes the offer (PCMU 0, PCMA 8,
 * telephone-event IVR_OFFER_TE_PT, ptime 20) and ivr_sdp_read_answer reads
 * the peer's answer with the same parser, taking the codec the answerer
 * listed first.
 *
 * Guarantees: the offer is bounded (IVR_SDP_MAX bytes, no NUL, at most
 * IVR_SDP_MAX_MEDIA m= lines, tokens copied only when they fit and contain
 * only the characters their grammar allows), ports are 0..65535, payload
 * types 0..127.  Nothing taken from the offer reaches the answer unchecked,
 * so an offer cannot inject lines into our answer.  No I/O, no logging, no
 * global state besides libosip2's allocator.
 */
#include "config.h"

#include <arpa/inet.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osipparser2/osip_port.h>
#include <osipparser2/sdp_message.h>

#include "ivr.h"

#define PT_MAX	127

static enum ivr_sdp_result
sdp_fail(enum ivr_sdp_result r, char *err, size_t errlen, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static enum ivr_sdp_result
sdp_fail(enum ivr_sdp_result r, char *err, size_t errlen, const char *fmt,
    ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return r;
}

/* Decimal digits only, 1..5 of them, value <= max; -1 otherwise. */
static long
sdp_number(const char *s, size_t n, long max)
{
	long v = 0;
	size_t i;

	if (s == NULL || n == 0 || n > 5)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/* Copies s into dst when it fits and every byte is in allowed. */
static int
sdp_token(char *dst, size_t dstsz, const char *s, const char *allowed)
{
	size_t n;

	if (s == NULL)
		return -1;
	n = strlen(s);
	if (n == 0 || n >= dstsz || strspn(s, allowed) != n)
		return -1;
	memcpy(dst, s, n + 1);
	return 0;
}

#define TOK_ALNUM	"abcdefghijklmnopqrstuvwxyz" \
			"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define TOK_PROTO	TOK_ALNUM "/._-"
#define TOK_FMT		TOK_ALNUM "*._-"
#define TOK_EVENTS	"0123456789,-"

/*
 * Finds attribute field at media level pos_media (-1: session level) whose
 * value starts with "<pt> "; returns what follows, or NULL.
 */
static const char *
sdp_attr_pt(sdp_message_t *sdp, int pos_media, const char *field, int pt)
{
	const char *f, *v, *p;
	int i;

	for (i = 0; (f = sdp_message_a_att_field_get(sdp, pos_media, i)) !=
	    NULL; i++) {
		if (strcasecmp(f, field) != 0)
			continue;
		v = sdp_message_a_att_value_get(sdp, pos_media, i);
		if (v == NULL)
			continue;
		p = v + strspn(v, "0123456789");
		if (p == v || *p != ' ' || sdp_number(v, p - v, PT_MAX) != pt)
			continue;
		return p + strspn(p, " ");
	}
	return NULL;
}

/* The first value of attribute field at pos_media, or NULL. */
static const char *
sdp_attr(sdp_message_t *sdp, int pos_media, const char *field)
{
	const char *f;
	int i;

	for (i = 0; (f = sdp_message_a_att_field_get(sdp, pos_media, i)) !=
	    NULL; i++)
		if (strcasecmp(f, field) == 0)
			return sdp_message_a_att_value_get(sdp, pos_media, i);
	return NULL;
}

enum sdp_kind { K_OTHER, K_PCMU, K_PCMA, K_TE };

/* What payload type pt of media line i is: by a=rtpmap, else static. */
static enum sdp_kind
sdp_kind(sdp_message_t *sdp, int i, int pt)
{
	const char *map, *slash, *rate;
	size_t n, rn;

	if ((map = sdp_attr_pt(sdp, i, "rtpmap", pt)) == NULL) {
		if (pt == 0)
			return K_PCMU;
		if (pt == 8)
			return K_PCMA;
		return K_OTHER;
	}
	/* name/rate[/channels] */
	if ((slash = strchr(map, '/')) == NULL)
		return K_OTHER;
	n = slash - map;
	rate = slash + 1;
	rn = strcspn(rate, "/");
	if (sdp_number(rate, rn, 99999) != 8000)
		return K_OTHER;
	if (rate[rn] == '/' && strcmp(rate + rn + 1, "1") != 0)
		return K_OTHER;
	if (n == 4 && strncasecmp(map, "PCMU", 4) == 0)
		return K_PCMU;
	if (n == 4 && strncasecmp(map, "PCMA", 4) == 0)
		return K_PCMA;
	if (n == 15 && strncasecmp(map, "telephone-event", 15) == 0)
		return K_TE;
	return K_OTHER;
}

static int
sdp_dir_parse(sdp_message_t *sdp, int pos_media, enum ivr_dir *dir)
{
	static const struct {
		const char	*name;
		enum ivr_dir	 dir;
	} dirs[] = {
		{ "sendrecv", IVR_DIR_SENDRECV },
		{ "sendonly", IVR_DIR_SENDONLY },
		{ "recvonly", IVR_DIR_RECVONLY },
		{ "inactive", IVR_DIR_INACTIVE },
	};
	const char *f;
	size_t k;
	int i;

	for (i = 0; (f = sdp_message_a_att_field_get(sdp, pos_media, i)) !=
	    NULL; i++)
		for (k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++)
			if (strcasecmp(f, dirs[k].name) == 0) {
				*dir = dirs[k].dir;
				return 1;
			}
	return 0;
}

/*
 * Checks one m= line, records it in out->m[i] and, for a usable audio
 * line, fills the codec fields.  Returns 1 when line i is usable, 0 when
 * not (*why says why), -1 when malformed (err filled).
 */
static int
sdp_mline(sdp_message_t *sdp, int i, struct ivr_media *out,
    const char **why, char *err, size_t errlen)
{
	struct ivr_sdp_mline *ml = &out->m[i];
	const char *media, *port, *proto, *fmt;
	int k, pt, pcmu = -1, pcma = -1, te = -1, rtp;
	long p;

	media = sdp_message_m_media_get(sdp, i);
	proto = sdp_message_m_proto_get(sdp, i);
	port = sdp_message_m_port_get(sdp, i);
	fmt = sdp_message_m_payload_get(sdp, i, 0);
	if (sdp_token(ml->media, sizeof(ml->media), media, TOK_ALNUM) == -1 ||
	    sdp_token(ml->proto, sizeof(ml->proto), proto, TOK_PROTO) == -1) {
		sdp_fail(IVR_SDP_BAD, err, errlen, "m= line %d: bad media or "
		    "protocol", i + 1);
		return -1;
	}
	if (port == NULL ||
	    (p = sdp_number(port, strlen(port), 65535)) == -1) {
		sdp_fail(IVR_SDP_BAD, err, errlen, "m= line %d: bad port",
		    i + 1);
		return -1;
	}
	if (sdp_token(ml->fmt, sizeof(ml->fmt), fmt, TOK_FMT) == -1) {
		sdp_fail(IVR_SDP_BAD, err, errlen, "m= line %d: no or bad "
		    "format", i + 1);
		return -1;
	}
	rtp = strncasecmp(ml->proto, "RTP/", 4) == 0;
	for (k = 0; rtp && (fmt = sdp_message_m_payload_get(sdp, i, k)) !=
	    NULL; k++) {
		if ((pt = sdp_number(fmt, strlen(fmt), PT_MAX)) == -1) {
			sdp_fail(IVR_SDP_BAD, err, errlen, "m= line %d: bad "
			    "payload type \"%.8s\"", i + 1, fmt);
			return -1;
		}
		switch (sdp_kind(sdp, i, pt)) {
		case K_PCMU:
			if (pcmu == -1)
				pcmu = pt;
			break;
		case K_PCMA:
			if (pcma == -1)
				pcma = pt;
			break;
		case K_TE:
			if (te == -1)
				te = pt;
			break;
		case K_OTHER:
			break;
		}
	}
	if (strcasecmp(ml->media, "audio") != 0) {
		*why = "no audio stream";
		return 0;
	}
	if (p == 0) {
		*why = "audio stream declined (port 0)";
		return 0;
	}
	if (strcmp(ml->proto, "RTP/AVP") != 0) {
		*why = "unsupported audio profile (only RTP/AVP)";
		return 0;
	}
	if (pcmu == -1 && pcma == -1) {
		*why = "no common codec (PCMU or PCMA at 8000 Hz)";
		return 0;
	}
	if (out->mline != -1)
		return 0;	/* an earlier audio line was chosen */
	out->codec = pcmu != -1 ? IVR_CODEC_PCMU : IVR_CODEC_PCMA;
	out->pt = pcmu != -1 ? pcmu : pcma;
	out->te_pt = te;
	out->port = (uint16_t)p;
	out->mline = i;
	return 1;
}

/* The c= address for media line i (or the session's): 0, 1 (488), -1. */
static int
sdp_addr(sdp_message_t *sdp, int i, struct ivr_media *out, const char **why,
    char *err, size_t errlen)
{
	const char *addr, *net, *type;
	struct in_addr in;
	int pos = i;

	if ((addr = sdp_message_c_addr_get(sdp, pos, 0)) == NULL) {
		pos = -1;
		addr = sdp_message_c_addr_get(sdp, pos, 0);
	}
	if (addr == NULL) {
		sdp_fail(IVR_SDP_BAD, err, errlen, "no c= line for the audio "
		    "stream");
		return -1;
	}
	net = sdp_message_c_nettype_get(sdp, pos, 0);
	type = sdp_message_c_addrtype_get(sdp, pos, 0);
	if (net == NULL || strcasecmp(net, "IN") != 0 || type == NULL) {
		sdp_fail(IVR_SDP_BAD, err, errlen, "bad c= line");
		return -1;
	}
	if (strcasecmp(type, "IP4") != 0) {
		*why = "only IPv4 media is supported";
		return 1;
	}
	if (sdp_message_c_addr_multicast_ttl_get(sdp, pos, 0) != NULL ||
	    strlen(addr) >= sizeof(out->addr) ||
	    inet_pton(AF_INET, addr, &in) != 1) {
		sdp_fail(IVR_SDP_BAD, err, errlen, "bad c= address \"%.40s\"",
		    addr);
		return -1;
	}
	if (IN_MULTICAST(ntohl(in.s_addr))) {
		*why = "multicast media is not supported";
		return 1;
	}
	inet_ntop(AF_INET, &in, out->addr, sizeof(out->addr));
	return 0;
}

enum ivr_sdp_result
ivr_sdp_negotiate(const char *offer, size_t len, struct ivr_media *out,
    char *err, size_t errlen)
{
	char buf[IVR_SDP_MAX + 1];
	sdp_message_t *sdp = NULL;
	enum ivr_sdp_result r;
	const char *why = "no audio stream", *v;
	int i, n, rc;
	long ptime;

	memset(out, 0, sizeof(*out));
	out->te_pt = -1;
	out->mline = -1;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (offer == NULL || len == 0)
		return sdp_fail(IVR_SDP_BAD, err, errlen, "empty SDP");
	if (len > IVR_SDP_MAX)
		return sdp_fail(IVR_SDP_BAD, err, errlen, "SDP too large (%zu "
		    "bytes, at most %d)", len, IVR_SDP_MAX);
	if (memchr(offer, '\0', len) != NULL)
		return sdp_fail(IVR_SDP_BAD, err, errlen, "NUL byte in SDP");
	memcpy(buf, offer, len);
	buf[len] = '\0';

	if (sdp_message_init(&sdp) != 0) {
		sdp = NULL;
		r = sdp_fail(IVR_SDP_BAD, err, errlen, "out of memory");
		goto done;
	}
	if (sdp_message_parse(sdp, buf) != 0) {
		r = sdp_fail(IVR_SDP_BAD, err, errlen, "unparsable SDP");
		goto done;
	}
	for (n = 0; sdp_message_m_media_get(sdp, n) != NULL; n++)
		if (n >= IVR_SDP_MAX_MEDIA) {
			r = sdp_fail(IVR_SDP_BAD, err, errlen, "more than %d "
			    "m= lines", IVR_SDP_MAX_MEDIA);
			goto done;
		}
	if (n == 0) {
		r = sdp_fail(IVR_SDP_BAD, err, errlen, "no m= line");
		goto done;
	}
	out->nmline = n;
	for (i = 0; i < n; i++) {
		const char *w = NULL;

		if ((rc = sdp_mline(sdp, i, out, &w, err, errlen)) == -1) {
			r = IVR_SDP_BAD;
			goto done;
		}
		if (rc == 1)
			continue;
		/* Keep the reason of the most promising audio line. */
		if (w != NULL && (strcmp(why, "no audio stream") == 0 ||
		    strcmp(w, "no audio stream") != 0))
			why = w;
	}
	if (out->mline == -1) {
		r = sdp_fail(IVR_SDP_NOCODEC, err, errlen, "%s", why);
		goto done;
	}
	i = out->mline;
	why = NULL;
	if ((rc = sdp_addr(sdp, i, out, &why, err, errlen)) != 0) {
		r = rc == -1 ? IVR_SDP_BAD :
		    sdp_fail(IVR_SDP_NOCODEC, err, errlen, "%s", why);
		goto done;
	}

	if (out->te_pt != -1) {
		v = sdp_attr_pt(sdp, i, "fmtp", out->te_pt);
		if (v == NULL || sdp_token(out->te_fmtp, sizeof(out->te_fmtp),
		    v, TOK_EVENTS) == -1)
			snprintf(out->te_fmtp, sizeof(out->te_fmtp), "%s",
			    IVR_TE_FMTP_DEFAULT);
	}
	if ((v = sdp_attr(sdp, i, "ptime")) == NULL)
		v = sdp_attr(sdp, -1, "ptime");
	if (v != NULL && (ptime = sdp_number(v, strlen(v), 1000)) > 0)
		out->peer_ptime = (int)ptime;

	out->peer_dir = IVR_DIR_SENDRECV;
	if (!sdp_dir_parse(sdp, i, &out->peer_dir))
		sdp_dir_parse(sdp, -1, &out->peer_dir);
	/* RFC 3264 section 8.4: c=0.0.0.0 is the old way to hold. */
	if (strcmp(out->addr, "0.0.0.0") == 0 &&
	    out->peer_dir == IVR_DIR_SENDRECV)
		out->peer_dir = IVR_DIR_SENDONLY;
	switch (out->peer_dir) {
	case IVR_DIR_SENDONLY:
		out->dir = IVR_DIR_RECVONLY;
		break;
	case IVR_DIR_RECVONLY:
		out->dir = IVR_DIR_SENDONLY;
		break;
	default:
		out->dir = out->peer_dir;
		break;
	}
	r = IVR_SDP_OK;
done:
	if (sdp != NULL)
		sdp_message_free(sdp);
	if (r != IVR_SDP_OK) {
		out->codec = IVR_CODEC_NONE;
		out->mline = -1;
	}
	return r;
}

/* Appends to buf at *off; -1 when it does not fit. */
static int
sdp_put(char *buf, size_t bufsz, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
sdp_put(char *buf, size_t bufsz, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= bufsz)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, bufsz - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= bufsz - *off)
		return -1;
	*off += n;
	return 0;
}

int
ivr_sdp_answer(const struct ivr_media *m, const char *ip, uint16_t port,
    uint64_t sess_id, uint64_t sess_ver, char *buf, size_t bufsz)
{
	const struct ivr_sdp_mline *ml;
	struct in_addr in;
	size_t off = 0;
	int i;

	if (bufsz > 0)
		buf[0] = '\0';
	if (m == NULL || m->codec == IVR_CODEC_NONE || m->mline < 0 ||
	    m->mline >= m->nmline || m->nmline > IVR_SDP_MAX_MEDIA ||
	    ip == NULL || inet_pton(AF_INET, ip, &in) != 1)
		return -1;
	if (sdp_put(buf, bufsz, &off, "v=0\r\n"
	    "o=sanket %llu %llu IN IP4 %s\r\n"
	    "s=sanket\r\n"
	    "c=IN IP4 %s\r\n"
	    "t=0 0\r\n", (unsigned long long)sess_id,
	    (unsigned long long)sess_ver, ip, ip) == -1)
		goto fail;
	for (i = 0; i < m->nmline; i++) {
		ml = &m->m[i];
		if (i != m->mline) {
			if (sdp_put(buf, bufsz, &off, "m=%s 0 %s %s\r\n",
			    ml->media, ml->proto, ml->fmt) == -1)
				goto fail;
			continue;
		}
		if (sdp_put(buf, bufsz, &off, "m=audio %u RTP/AVP %d",
		    (unsigned)port, m->pt) == -1 ||
		    (m->te_pt != -1 &&
		    sdp_put(buf, bufsz, &off, " %d", m->te_pt) == -1) ||
		    sdp_put(buf, bufsz, &off, "\r\na=rtpmap:%d %s/8000\r\n",
		    m->pt, ivr_codec_name(m->codec)) == -1)
			goto fail;
		if (m->te_pt != -1 && sdp_put(buf, bufsz, &off,
		    "a=rtpmap:%d telephone-event/8000\r\n"
		    "a=fmtp:%d %s\r\n", m->te_pt, m->te_pt,
		    m->te_fmtp[0] != '\0' ? m->te_fmtp :
		    IVR_TE_FMTP_DEFAULT) == -1)
			goto fail;
		if (sdp_put(buf, bufsz, &off, "a=ptime:%d\r\na=%s\r\n",
		    IVR_PTIME, ivr_dir_name(m->dir)) == -1)
			goto fail;
	}
	return (int)off;
fail:
	if (bufsz > 0)
		buf[0] = '\0';
	return -1;
}

int
ivr_sdp_offer(const char *ip, uint16_t port, uint64_t sess_id,
    uint64_t sess_ver, char *buf, size_t bufsz)
{
	struct in_addr in;
	size_t off = 0;

	if (bufsz > 0)
		buf[0] = '\0';
	if (ip == NULL || inet_pton(AF_INET, ip, &in) != 1 || port == 0)
		return -1;
	if (sdp_put(buf, bufsz, &off, "v=0\r\n"
	    "o=sanket %llu %llu IN IP4 %s\r\n"
	    "s=sanket\r\n"
	    "c=IN IP4 %s\r\n"
	    "t=0 0\r\n"
	    "m=audio %u RTP/AVP 0 8 %d\r\n"
	    "a=rtpmap:0 PCMU/8000\r\n"
	    "a=rtpmap:8 PCMA/8000\r\n"
	    "a=rtpmap:%d telephone-event/8000\r\n"
	    "a=fmtp:%d %s\r\n"
	    "a=ptime:%d\r\n"
	    "a=sendrecv\r\n", (unsigned long long)sess_id,
	    (unsigned long long)sess_ver, ip, ip, (unsigned)port,
	    IVR_OFFER_TE_PT, IVR_OFFER_TE_PT, IVR_OFFER_TE_PT,
	    IVR_TE_FMTP_DEFAULT, IVR_PTIME) == -1) {
		if (bufsz > 0)
			buf[0] = '\0';
		return -1;
	}
	return (int)off;
}

enum ivr_sdp_result
ivr_sdp_read_answer(const char *answer, size_t len, struct ivr_media *out,
    char *err, size_t errlen)
{
	enum ivr_sdp_result r;

	if ((r = ivr_sdp_negotiate(answer, len, out, err, errlen)) !=
	    IVR_SDP_OK)
		return r;
	/* The answerer lists the codec it will send first (RFC 3264 6.1). */
	if (out->codec == IVR_CODEC_PCMU &&
	    strcmp(out->m[out->mline].fmt, "8") == 0) {
		out->codec = IVR_CODEC_PCMA;
		out->pt = 8;
	}
	return IVR_SDP_OK;
}

const char *
ivr_codec_name(enum ivr_codec c)
{
	switch (c) {
	case IVR_CODEC_PCMU:
		return "PCMU";
	case IVR_CODEC_PCMA:
		return "PCMA";
	default:
		return "none";
	}
}

const char *
ivr_dir_name(enum ivr_dir d)
{
	switch (d) {
	case IVR_DIR_SENDONLY:
		return "sendonly";
	case IVR_DIR_RECVONLY:
		return "recvonly";
	case IVR_DIR_INACTIVE:
		return "inactive";
	default:
		return "sendrecv";
	}
}
