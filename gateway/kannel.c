/*
 * kannel.c: see kannel.h.
 *
 * The request is a GET with every parameter URL-encoded (the dlr-url too:
 * Kannel cuts an unencoded one at its first '&').  Bangla goes as
 * coding=2&charset=UTF-8 with the UTF-8 text, or, with
 * bangla_encoding = utf16be, as the UTF-16BE bytes and no charset.
 */
#include "config.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "conf.h"
#include "kannel.h"
#include "log.h"
#include "xmalloc.h"

#define KANNEL_TIMEOUT	30	/* seconds per sendsms request */

/*
 * Each connection carries up to KANNEL_DEPTH requests: libevent sends a
 * queued request the moment the previous answer arrives, so a connection
 * never idles between requests (smsbox answers an idle keep-alive
 * connection markedly slower than a busy one).
 */
#define KANNEL_DEPTH	2

struct kannel_conn {
	struct kannel			*k;
	struct evhttp_connection	*evcon;
	int				 busy;		/* requests queued */
};

struct kannel_req {
	struct kannel_conn		*c;
	kannel_done_cb			 cb;
	void				*arg;
	int				 failed;
	enum evhttp_request_error	 error;
};

struct kannel {
	const struct conf	*conf;
	struct evhttp_uri	*uri;
	char			*host;		/* Host: header */
	char			*path;
	struct kannel_conn	*conns;
	int			 nconns;
	int			 busy;		/* requests in flight */
	int			 max;		/* [kannel] window */
};

const char *
kannel_result_name(enum kannel_result r)
{
	switch (r) {
	case KANNEL_OK: return "ok";
	case KANNEL_PERMANENT: return "permanent";
	case KANNEL_RETRY: return "retry";
	case KANNEL_DOWN: return "down";
	}
	return "?";
}

struct kannel *
kannel_new(struct event_base *base, const struct conf *conf)
{
	struct kannel	*k;
	struct bufferevent	*bev;
	const char	*h;
	int		 i, port;

	k = xcalloc(1, sizeof(*k));
	k->conf = conf;
	if ((k->uri = evhttp_uri_parse(conf->sendsms_url)) == NULL ||
	    (h = evhttp_uri_get_host(k->uri)) == NULL)
		fatalx("[kannel] sendsms_url \"%s\" is not a URL",
		    conf->sendsms_url);
	port = evhttp_uri_get_port(k->uri);
	if (port <= 0)
		port = 80;
	xasprintf(&k->host, "%s:%d", h, port);
	k->path = xstrdup(evhttp_uri_get_path(k->uri)[0] ?
	    evhttp_uri_get_path(k->uri) : "/");
	k->nconns = conf->window;
	k->max = conf->window * KANNEL_DEPTH;
	k->conns = xcalloc(k->nconns, sizeof(*k->conns));
	for (i = 0; i < k->nconns; i++) {
		k->conns[i].k = k;
		/*
		 * Kannel's answers at the highest event priority: a burst of
		 * delivery reports on the callback listener (lowest) must
		 * not hold back the answer that frees a window slot.
		 */
		bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
		if (bev == NULL)
			fatalx("%s: bufferevent_socket_new", __func__);
		bufferevent_priority_set(bev, SK_PRIO_KANNEL);
		k->conns[i].evcon = evhttp_connection_base_bufferevent_new(base,
		    NULL, bev, h, (ev_uint16_t)port);
		if (k->conns[i].evcon == NULL)
			fatalx("%s: evhttp_connection_base_new", __func__);
		evhttp_connection_set_timeout(k->conns[i].evcon,
		    KANNEL_TIMEOUT);
		evhttp_connection_set_retries(k->conns[i].evcon, 0);
	}
	return k;
}

void
kannel_free(struct kannel *k)
{
	int	 i;

	if (k == NULL)
		return;
	for (i = 0; i < k->nconns; i++)
		evhttp_connection_free(k->conns[i].evcon);
	free(k->conns);
	evhttp_uri_free(k->uri);
	free(k->host);
	free(k->path);
	free(k);
}

int
kannel_free_slots(const struct kannel *k)
{
	return k->max - k->busy;
}

static void
kannel_error_cb(enum evhttp_request_error error, void *arg)
{
	struct kannel_req	*q = arg;

	q->failed = 1;
	q->error = error;
}

static void
kannel_done(struct kannel_req *q, enum kannel_result r, int status,
    const char *reason)
{
	kannel_done_cb	 cb = q->cb;
	void		*arg = q->arg;

	q->c->busy--;
	q->c->k->busy--;
	free(q);
	cb(arg, r, status, reason);
}

static void
kannel_response_cb(struct evhttp_request *req, void *arg)
{
	struct kannel_req	*c = arg;	/* freed by kannel_done() */
	char			 body[256];
	size_t			 n = 0;
	int			 status;

	status = req ? evhttp_request_get_response_code(req) : 0;
	if (status == 0) {
		if (c->failed && c->error == EVREQ_HTTP_TIMEOUT)
			kannel_done(c, KANNEL_RETRY, 0, "timeout");
		else
			kannel_done(c, KANNEL_DOWN, 0, "no answer "
			    "(connection refused or closed)");
		return;
	}
	n = evbuffer_copyout(evhttp_request_get_input_buffer(req), body,
	    sizeof(body) - 1);
	body[n] = '\0';
	body[strcspn(body, "\r\n")] = '\0';
	if (status == 202 || status == 200)
		kannel_done(c, KANNEL_OK, status, body);
	else if (status >= 400 && status < 500)
		kannel_done(c, KANNEL_PERMANENT, status, body);
	else
		kannel_done(c, KANNEL_RETRY, status, body);
}

static void
kannel_param(struct evbuffer *b, const char *key, const char *value)
{
	char	*enc = evhttp_uriencode(value, -1, 0);

	evbuffer_add_printf(b, "%s%s=%s", evbuffer_get_length(b) ? "&" : "",
	    key, enc);
	free(enc);
}

/* UTF-8 to percent-encoded UTF-16BE bytes. */
static void
kannel_param_utf16be(struct evbuffer *b, const char *key, const char *text)
{
	const utf8proc_uint8_t	*p = (const utf8proc_uint8_t *)text;
	utf8proc_ssize_t	 len = strlen(text), n;
	utf8proc_int32_t	 c;
	unsigned int		 hi, lo;

	evbuffer_add_printf(b, "&%s=", key);
	while (len > 0 && (n = utf8proc_iterate(p, len, &c)) > 0) {
		p += n;
		len -= n;
		if (c > 0xffff) {
			c -= 0x10000;
			hi = 0xd800 + (c >> 10);
			lo = 0xdc00 + (c & 0x3ff);
			evbuffer_add_printf(b, "%%%02X%%%02X%%%02X%%%02X",
			    hi >> 8, hi & 0xff, lo >> 8, lo & 0xff);
		} else
			evbuffer_add_printf(b, "%%%02X%%%02X",
			    (unsigned int)c >> 8, (unsigned int)c & 0xff);
	}
}

int
kannel_submit(struct kannel *k, const struct kannel_sms *sms,
    kannel_done_cb cb, void *arg)
{
	const struct conf	*cf = k->conf;
	struct kannel_conn	*c = NULL;
	struct kannel_req	*kr;
	struct evhttp_request	*req;
	struct evbuffer		*q;
	char			*uri, num[16];
	int			 i;

	/* The least busy connection. */
	if (k->busy >= k->max)
		return -1;
	for (i = 0; i < k->nconns; i++)
		if (k->conns[i].busy < KANNEL_DEPTH && (c == NULL ||
		    k->conns[i].busy < c->busy))
			c = &k->conns[i];
	if (c == NULL)
		return -1;
	q = evbuffer_new();
	kannel_param(q, "username", cf->username);
	kannel_param(q, "password", cf->password);
	kannel_param(q, "from", cf->sender);
	/* Kannel and SMSCs want the number without the '+'. */
	kannel_param(q, "to", sms->to[0] == '+' ? sms->to + 1 : sms->to);
	if (sms->coding == SMS_UCS2 && cf->ucs2_utf16be) {
		kannel_param_utf16be(q, "text", sms->text);
		kannel_param(q, "coding", "2");
	} else {
		kannel_param(q, "text", sms->text);
		kannel_param(q, "charset", "UTF-8");
		if (sms->coding == SMS_UCS2)
			kannel_param(q, "coding", "2");
	}
	snprintf(num, sizeof(num), "%d", sms->priority);
	kannel_param(q, "priority", num);
	if (sms->dlr_url != NULL && cf->dlr_mask > 0) {
		snprintf(num, sizeof(num), "%d", cf->dlr_mask);
		kannel_param(q, "dlr-mask", num);
		kannel_param(q, "dlr-url", sms->dlr_url);
	}
	evbuffer_add(q, "", 1);
	xasprintf(&uri, "%s?%s", k->path, (const char *)evbuffer_pullup(q,
	    -1));
	evbuffer_free(q);

	kr = xcalloc(1, sizeof(*kr));
	kr->c = c;
	kr->cb = cb;
	kr->arg = arg;
	c->busy++;
	k->busy++;
	req = evhttp_request_new(kannel_response_cb, kr);
	evhttp_request_set_error_cb(req, kannel_error_cb);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
	    k->host);
	if (evhttp_make_request(c->evcon, req, EVHTTP_REQ_GET, uri) == -1) {
		/* evhttp freed req. */
		free(uri);
		free(kr);
		c->busy--;
		k->busy--;
		return -1;
	}
	free(uri);
	return 0;
}

void
kannel_dlr_sign(const struct conf *cf, int64_t id, int attempt, int64_t ts,
    char out[33])
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	char		 msg[96];
	int		 i, n;

	n = snprintf(msg, sizeof(msg), "dlr:%lld:%d:%lld", (long long)id,
	    attempt, (long long)ts);
	if (HMAC(EVP_sha256(), cf->callback_secret,
	    (int)strlen(cf->callback_secret), (unsigned char *)msg, n, mac,
	    &maclen) == NULL)
		fatalx("%s: HMAC", __func__);
	for (i = 0; i < 16; i++) {
		out[2 * i] = "0123456789abcdef"[mac[i] >> 4];
		out[2 * i + 1] = "0123456789abcdef"[mac[i] & 0xf];
	}
	out[32] = '\0';
}

char *
kannel_dlr_url(const struct conf *cf, int64_t id, int attempt, int64_t ts)
{
	char	 h[33], *url;
	size_t	 n = strlen(cf->callback_url);

	while (n > 0 && cf->callback_url[n - 1] == '/')
		n--;
	kannel_dlr_sign(cf, id, attempt, ts, h);
	xasprintf(&url, "%.*s/kannel/dlr?m=%lld&a=%d&t=%lld&h=%s&s=%%d",
	    (int)n, cf->callback_url, (long long)id, attempt, (long long)ts,
	    h);
	return url;
}
