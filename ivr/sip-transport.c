/*
 * sip-transport.c: the SIP UA's wire (see sip.c).  One UDP socket and one
 * TCP listener on the same address and port (sip_listen).  At most
 * SIP_TCP_MAX connections; a TCP stream is cut into messages by
 * Content-Length, each capped at IVR_SIP_MAX bytes, and a stream that
 * breaks either rule is closed.  Every message read, from either socket,
 * goes to sip_input; sip_pump and sip_rearm run after each wake-up.
 *
 * sip_send_raw writes on a TCP connection (refused while the peer leaves
 * more than SIP_TCP_OUT_MAX bytes unread) or sends a datagram to an
 * address: the destination given, else the trunk's (resolved once at
 * start by sip_trunk), else a dotted IPv4 host.  sip_call_send picks the
 * next hop of an in-dialog request.  sip_bad_answer is the stateless 400
 * to a request that does not parse.  Idle connections are closed by the
 * timer in sip.c.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <osip2/osip.h>
#include <osipparser2/osip_parser.h>

#include "ivr.h"
#include "log.h"
#include "sip-int.h"
#include "xmalloc.h"

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

void
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

int
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
int
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

/*
 * A message that ivr_sip_parse refused: 400 when its headers alone (body
 * and Content-Length set aside) name a request we can answer, else
 * nothing.  Stateless: a retransmission gets another 400.
 */
void
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

/* --- reading ---------------------------------------------------------- */

void
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

int
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

int
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
