/*
 * client.c: the sanket CLI's HTTP client (see sanket.h): libevent's evhttp
 * used synchronously.
 *
 * One event_base and one evhttp_connection per client; HTTP/1.1 keeps the
 * connection alive, so a 50-batch recipients import opens one TCP
 * connection, not fifty.  client_request() queues one request and runs the
 * loop until the request callback fires, which breaks the loop.
 *
 * The address is chosen once, on the first request (client_connect()):
 * getaddrinfo() on the URL's host, and if it yields more than one address
 * (localhost is often ::1 and 127.0.0.1) each is probed with a plain
 * connect() and the first that accepts is kept, as curl does.  When a
 * request gets no answer, client_diagnose() probes that address once more
 * so the message names the cause ("connection refused", "connection timed
 * out") instead of libevent's generic failure.
 *
 * A kept-alive connection that the server closed while we were idle is
 * noticed by one non-blocking turn of the loop before each request; an
 * idempotent request that still fails on a reused connection is sent once
 * more on a fresh one.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>

#include "log.h"
#include "sanket.h"
#include "xmalloc.h"

#define CLIENT_TIMEOUT		120		/* seconds per request */
#define CLIENT_PROBE_MS		3000		/* connect() probe */
#define CLIENT_MAX_ANSWER	(64 * 1024 * 1024)
#define CLIENT_BIG_BODY		(1024 * 1024)	/* may hit max_body */

struct client {
	struct event_base	*base;
	struct evhttp_connection *evcon;
	char			*url;		/* normalised, for messages */
	char			*hostname;	/* to resolve, no [] */
	char			*hosthdr;	/* Host: header */
	char			*prefix;	/* "" or "/path", no final / */
	char			*auth;		/* "Bearer ..." or NULL */
	int			 port;
	struct sockaddr_storage	 ss;		/* the address in use */
	socklen_t		 sslen;
	size_t			 nanswers;	/* on the current connection */
};

struct client_call {
	struct client		*cl;
	struct client_resp	*resp;
	int			 done;
	int			 failed;	/* the error callback ran */
	enum evhttp_request_error error;
};

static void
client_log_cb(int severity, const char *msg)
{
	log_debug("libevent: %s", msg);
}

struct client *
client_new(const char *url, const char *token, char *err, size_t errlen)
{
	struct client		*cl;
	struct evhttp_uri	*uri = NULL;
	const char		*host, *path, *scheme;
	char			*withscheme = NULL;
	size_t			 n;

	if (strstr(url, "://") == NULL) {
		xasprintf(&withscheme, "http://%s", url);
		url = withscheme;
	}
	if ((uri = evhttp_uri_parse(url)) == NULL) {
		snprintf(err, errlen, "%s: not a URL", url);
		goto fail;
	}
	scheme = evhttp_uri_get_scheme(uri);
	if (scheme == NULL || strcasecmp(scheme, "http") != 0) {
		snprintf(err, errlen, "%s: only http:// URLs are supported",
		    url);
		goto fail;
	}
	host = evhttp_uri_get_host(uri);
	if (host == NULL || *host == '\0') {
		snprintf(err, errlen, "%s: no host", url);
		goto fail;
	}
	if (evhttp_uri_get_query(uri) != NULL ||
	    evhttp_uri_get_fragment(uri) != NULL ||
	    evhttp_uri_get_userinfo(uri) != NULL) {
		snprintf(err, errlen, "%s: a user, query or fragment is not "
		    "allowed", url);
		goto fail;
	}

	cl = xcalloc(1, sizeof(*cl));
	cl->port = evhttp_uri_get_port(uri);
	if (cl->port <= 0)
		cl->port = 80;
	n = strlen(host);
	if (host[0] == '[' && n > 2 && host[n - 1] == ']')
		cl->hostname = xstrndup(host + 1, n - 2);
	else
		cl->hostname = xstrdup(host);
	if (cl->port == 80)
		cl->hosthdr = xstrdup(host);
	else
		xasprintf(&cl->hosthdr, "%s:%d", host, cl->port);
	path = evhttp_uri_get_path(uri);
	if (path == NULL)
		path = "";
	n = strlen(path);
	while (n > 0 && path[n - 1] == '/')
		n--;
	cl->prefix = xstrndup(path, n);
	xasprintf(&cl->url, "http://%s%s", cl->hosthdr, cl->prefix);
	if (token != NULL && *token != '\0')
		xasprintf(&cl->auth, "Bearer %s", token);

	event_set_log_callback(client_log_cb);
	if ((cl->base = event_base_new()) == NULL)
		fatalx("%s: event_base_new", __func__);
	evhttp_uri_free(uri);
	free(withscheme);
	return cl;

fail:
	if (uri != NULL)
		evhttp_uri_free(uri);
	free(withscheme);
	return NULL;
}

void
client_free(struct client *cl)
{
	if (cl == NULL)
		return;
	if (cl->evcon != NULL)
		evhttp_connection_free(cl->evcon);
	if (cl->base != NULL)
		event_base_free(cl->base);
	free(cl->url);
	free(cl->hostname);
	free(cl->hosthdr);
	free(cl->prefix);
	if (cl->auth != NULL) {
		explicit_bzero(cl->auth, strlen(cl->auth));
		free(cl->auth);
	}
	free(cl);
}

const char *
client_url(const struct client *cl)
{
	return cl->url;
}

void
client_resp_clear(struct client_resp *r)
{
	free(r->body);
	if (r->json != NULL)
		json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

/* errno as the lower-case phrase our messages use. */
static void
client_errno_str(int e, char *buf, size_t len)
{
	switch (e) {
	case ECONNREFUSED:
		strlcpy_sk(buf, "connection refused", len);
		break;
	case ETIMEDOUT:
		strlcpy_sk(buf, "connection timed out", len);
		break;
	default:
		strlcpy_sk(buf, strerror(e), len);
		if (len > 0)
			buf[0] = tolower((unsigned char)buf[0]);
		break;
	}
}

/* Try one TCP connect() with a timeout: 0, or the errno that failed it. */
static int
client_probe(const struct sockaddr *sa, socklen_t salen)
{
	struct pollfd	 pfd;
	socklen_t	 olen;
	int		 fd, e = 0;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1)
		return errno;
	if (connect(fd, sa, salen) == -1) {
		if (errno != EINPROGRESS) {
			e = errno;
			goto out;
		}
		pfd.fd = fd;
		pfd.events = POLLOUT;
		switch (poll(&pfd, 1, CLIENT_PROBE_MS)) {
		case -1:
			e = errno;
			goto out;
		case 0:
			e = ETIMEDOUT;
			goto out;
		}
		olen = sizeof(e);
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &olen) == -1)
			e = errno;
	}
out:
	close(fd);
	return e;
}

/* Choose the address and create the connection, once. */
static int
client_connect(struct client *cl, char *err, size_t errlen)
{
	struct addrinfo	 hints, *res, *ai;
	char		 port[8], numeric[NI_MAXHOST], why[128];
	int		 rc, e, first = 0;

	if (cl->evcon != NULL)
		return 0;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%d", cl->port);
	if ((rc = getaddrinfo(cl->hostname, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "cannot reach sanketd at %s: cannot "
		    "resolve %s: %s", cl->url, cl->hostname, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(cl->ss))
			continue;
		if (res->ai_next != NULL &&
		    (e = client_probe(ai->ai_addr, ai->ai_addrlen)) != 0) {
			if (first == 0)
				first = e;
			continue;
		}
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, numeric,
		    sizeof(numeric), NULL, 0, NI_NUMERICHOST) != 0)
			continue;
		memcpy(&cl->ss, ai->ai_addr, ai->ai_addrlen);
		cl->sslen = ai->ai_addrlen;
		break;
	}
	freeaddrinfo(res);
	if (ai == NULL) {
		client_errno_str(first ? first : EADDRNOTAVAIL, why,
		    sizeof(why));
		snprintf(err, errlen, "cannot reach sanketd at %s: %s",
		    cl->url, why);
		return -1;
	}
	cl->evcon = evhttp_connection_base_new(cl->base, NULL, numeric,
	    (ev_uint16_t)cl->port);
	if (cl->evcon == NULL) {
		snprintf(err, errlen, "cannot reach sanketd at %s: cannot "
		    "create a connection", cl->url);
		return -1;
	}
	evhttp_connection_set_timeout(cl->evcon, CLIENT_TIMEOUT);
	evhttp_connection_set_retries(cl->evcon, 0);
	evhttp_connection_set_max_body_size(cl->evcon, CLIENT_MAX_ANSWER);
	cl->nanswers = 0;
	return 0;
}

static void
client_error_cb(enum evhttp_request_error error, void *arg)
{
	struct client_call	*call = arg;

	call->failed = 1;
	call->error = error;
}

static void
client_done_cb(struct evhttp_request *req, void *arg)
{
	struct client_call	*call = arg;
	struct client_resp	*r = call->resp;
	struct evbuffer		*in;
	size_t			 n;

	call->done = 1;
	event_base_loopbreak(call->cl->base);
	if (req == NULL || evhttp_request_get_response_code(req) == 0)
		return;
	r->status = evhttp_request_get_response_code(req);
	in = evhttp_request_get_input_buffer(req);
	n = evbuffer_get_length(in);
	r->body = xmalloc(n + 1);
	if (evbuffer_remove(in, r->body, n) != (int)n)
		n = 0;
	r->body[n] = '\0';
	r->len = n;
}

/* Why the last request got no answer, as the message the user sees. */
static void
client_diagnose(struct client *cl, const struct client_call *call,
    size_t bodylen, char *err, size_t errlen)
{
	char	 why[128];
	int	 e;

	if (call->failed && call->error == EVREQ_HTTP_TIMEOUT) {
		snprintf(err, errlen, "no answer from sanketd at %s within "
		    "%d s", cl->url, CLIENT_TIMEOUT);
		return;
	}
	if (call->failed && call->error == EVREQ_HTTP_DATA_TOO_LONG) {
		snprintf(err, errlen, "answer from sanketd at %s is over "
		    "%d bytes", cl->url, CLIENT_MAX_ANSWER);
		return;
	}
	if (call->failed && call->error == EVREQ_HTTP_INVALID_HEADER) {
		snprintf(err, errlen, "%s did not answer in HTTP", cl->url);
		return;
	}
	if ((e = client_probe((struct sockaddr *)&cl->ss, cl->sslen)) != 0) {
		client_errno_str(e, why, sizeof(why));
		snprintf(err, errlen, "cannot reach sanketd at %s: %s",
		    cl->url, why);
		return;
	}
	/*
	 * evhttp answers 413 and closes before reading a body that is too
	 * big; the client, still writing, never sees the answer.
	 */
	if (bodylen >= CLIENT_BIG_BODY)
		snprintf(err, errlen, "sanketd at %s closed the connection "
		    "without an answer (the body was %zu bytes: over "
		    "[gateway] max_body?)", cl->url, bodylen);
	else
		snprintf(err, errlen, "sanketd at %s closed the connection "
		    "without an answer", cl->url);
}

int
client_request(struct client *cl, enum client_method method,
    const char *path, const char *ctype, const void *body, size_t len,
    int idempotent, struct client_resp *resp, char *err, size_t errlen)
{
	struct client_call	 call;
	struct evhttp_request	*req;
	struct evkeyvalq	*hdr;
	json_error_t		 jerr;
	char			*full;
	int			 attempt, reused;

	memset(resp, 0, sizeof(*resp));
	xasprintf(&full, "%s%s", cl->prefix, path);
	for (attempt = 0;; attempt++) {
		if (client_connect(cl, err, errlen) == -1)
			goto fail;
		/* Let evhttp notice a keep-alive the server closed. */
		event_base_loop(cl->base, EVLOOP_NONBLOCK);
		reused = cl->nanswers > 0;

		memset(&call, 0, sizeof(call));
		call.cl = cl;
		call.resp = resp;
		if ((req = evhttp_request_new(client_done_cb, &call)) == NULL)
			fatalx("%s: evhttp_request_new", __func__);
		evhttp_request_set_error_cb(req, client_error_cb);
		hdr = evhttp_request_get_output_headers(req);
		evhttp_add_header(hdr, "Host", cl->hosthdr);
		evhttp_add_header(hdr, "User-Agent", "sanket/" PACKAGE_VERSION);
		evhttp_add_header(hdr, "Accept", "application/json");
		if (cl->auth != NULL)
			evhttp_add_header(hdr, "Authorization", cl->auth);
		if (ctype != NULL)
			evhttp_add_header(hdr, "Content-Type", ctype);
		if (body != NULL && len > 0 && evbuffer_add(
		    evhttp_request_get_output_buffer(req), body, len) == -1)
			fatalx("%s: evbuffer_add", __func__);
		if (evhttp_make_request(cl->evcon, req,
		    method == CLIENT_POST ? EVHTTP_REQ_POST : EVHTTP_REQ_GET,
		    full) == -1) {
			snprintf(err, errlen, "cannot send a request to %s",
			    cl->url);
			goto fail;
		}
		while (!call.done)
			if (event_base_dispatch(cl->base) != 0)
				break;
		if (call.done && resp->status != 0)
			break;
		if (!call.done) {
			snprintf(err, errlen, "request to %s never completed",
			    cl->url);
			goto fail;
		}
		if (idempotent && reused && attempt == 0 &&
		    !(call.failed && call.error == EVREQ_HTTP_TIMEOUT)) {
			log_debug("%s: connection closed, sending again",
			    __func__);
			cl->nanswers = 0;
			continue;
		}
		client_diagnose(cl, &call, len, err, errlen);
		goto fail;
	}
	cl->nanswers++;
	if (resp->len > 0)
		resp->json = json_loadb(resp->body, resp->len, 0, &jerr);
	free(full);
	return 0;

fail:
	free(full);
	client_resp_clear(resp);
	return -1;
}
