/*
 * kstatus.c: see gateway.h.  One evhttp client connection, one request in
 * flight at most, a timer between polls.  A refused connection (bearerbox
 * or its admin port down) is "down", never an error.
 */
#include "config.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "gateway.h"
#include "http.h"
#include "log.h"
#include "xmalloc.h"

static struct {
	struct gw			*gw;
	struct evhttp_uri		*uri;
	struct evhttp_connection	*conn;
	struct event			*timer;
	char				*target;	/* path?query */
	int				 busy;
} ks;

static void
kstatus_set(int up, const char *why)
{
	if (ks.gw->kannel_up != up)
		log_info("kannel: bearerbox %s (%s)", up ? "up" : "down",
		    why);
	ks.gw->kannel_up = up;
}

static void
kstatus_done_cb(struct evhttp_request *req, void *arg)
{
	struct evbuffer	*b;
	char		 buf[1024];
	const char	*p;
	long long	 sent, queued;
	size_t		 n;

	ks.busy = 0;
	if (req == NULL || evhttp_request_get_response_code(req) == 0) {
		kstatus_set(0, "no answer");
		return;
	}
	if (evhttp_request_get_response_code(req) != 200) {
		snprintf(buf, sizeof(buf), "HTTP %d",
		    evhttp_request_get_response_code(req));
		kstatus_set(0, buf);
		return;
	}
	b = evhttp_request_get_input_buffer(req);
	n = evbuffer_copyout(b, buf, sizeof(buf) - 1);
	buf[n] = '\0';
	kstatus_set(strstr(buf, "running") != NULL, "status page");
	/* "SMS: received 5 (0 queued), sent 120 (37 queued), ..." */
	if ((p = strstr(buf, "sent ")) != NULL &&
	    sscanf(p, "sent %lld (%lld queued)", &sent, &queued) == 2)
		ks.gw->kannel_queue = queued;
}

static void
kstatus_poll_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct evhttp_request	*req;
	struct timeval		 tv = { ks.gw->conf->status_interval, 0 };

	evtimer_add(ks.timer, &tv);
	if (ks.busy)
		return;
	req = evhttp_request_new(kstatus_done_cb, NULL);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
	    evhttp_uri_get_host(ks.uri));
	if (evhttp_make_request(ks.conn, req, EVHTTP_REQ_GET, ks.target)
	    == -1) {
		kstatus_set(0, "request failed");
		return;
	}
	ks.busy = 1;
}

void
kstatus_start(struct gw *gw)
{
	const char	*url = gw->conf->status_url, *q;
	int		 port;
	char		*enc;

	ks.gw = gw;
	gw->kannel_up = -1;
	if (url[0] == '\0')
		return;
	if ((ks.uri = evhttp_uri_parse(url)) == NULL ||
	    evhttp_uri_get_host(ks.uri) == NULL)
		fatalx("[kannel] status_url \"%s\" is not a URL", url);
	port = evhttp_uri_get_port(ks.uri);
	ks.conn = evhttp_connection_base_new(gw->base, NULL,
	    evhttp_uri_get_host(ks.uri), port > 0 ? port : 80);
	evhttp_connection_set_timeout(ks.conn, 5);
	q = evhttp_uri_get_query(ks.uri);
	enc = evhttp_encode_uri(gw->conf->status_password);
	xasprintf(&ks.target, "%s%s%s%s%s%s",
	    evhttp_uri_get_path(ks.uri)[0] ? evhttp_uri_get_path(ks.uri) : "/",
	    q || enc[0] ? "?" : "", q ? q : "", q && enc[0] ? "&" : "",
	    enc[0] ? "password=" : "", enc);
	free(enc);
	ks.timer = evtimer_new(gw->base, kstatus_poll_cb, NULL);
	kstatus_poll_cb(-1, 0, NULL);
}

void
kstatus_stop(void)
{
	if (ks.timer != NULL)
		event_free(ks.timer);
	if (ks.conn != NULL)
		evhttp_connection_free(ks.conn);
	if (ks.uri != NULL)
		evhttp_uri_free(ks.uri);
	free(ks.target);
	memset(&ks, 0, sizeof(ks));
}
