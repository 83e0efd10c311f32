/*
 * metrics.c: see metrics.h.  A small fixed table of (route, status)
 * counters; routes are static strings from the route table, so they are
 * compared by address first.
 */
#include "config.h"

#include <event2/buffer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "campaigns.h"
#include "gateway.h"
#include "http.h"
#include "metrics.h"
#include "store.h"
#include "xmalloc.h"

#define METRICS_MAX	256

struct metrics_http {
	const char	*route;
	int		 status;
	uint64_t	 n;
};

struct metrics {
	struct metrics_http	 http[METRICS_MAX];
	size_t			 nhttp;
};

struct metrics *
metrics_new(void)
{
	return xcalloc(1, sizeof(struct metrics));
}

void
metrics_free(struct metrics *m)
{
	free(m);
}

void
metrics_http(struct metrics *m, const char *route, int status)
{
	size_t	 i;

	for (i = 0; i < m->nhttp; i++)
		if (m->http[i].status == status &&
		    (m->http[i].route == route ||
		    strcmp(m->http[i].route, route) == 0)) {
			m->http[i].n++;
			return;
		}
	if (m->nhttp == METRICS_MAX)
		return;
	m->http[m->nhttp].route = route;
	m->http[m->nhttp].status = status;
	m->http[m->nhttp].n = 1;
	m->nhttp++;
}

void
metrics_write(struct metrics *m, struct gw *gw, struct evbuffer *b)
{
	int64_t	 n;
	size_t	 i;

	evbuffer_add_printf(b, "# HELP sanket_build_info Build information.\n"
	    "# TYPE sanket_build_info gauge\n"
	    "sanket_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	evbuffer_add_printf(b, "# HELP sanket_uptime_seconds Seconds since "
	    "sanketd started.\n# TYPE sanket_uptime_seconds gauge\n"
	    "sanket_uptime_seconds %lld\n",
	    (long long)(time(NULL) - gw->started));
	evbuffer_add_printf(b, "# HELP sanket_http_requests_total HTTP "
	    "requests by route and status.\n"
	    "# TYPE sanket_http_requests_total counter\n");
	for (i = 0; i < m->nhttp; i++)
		evbuffer_add_printf(b, "sanket_http_requests_total{route=\"%s\","
		    "status=\"%d\"} %llu\n", m->http[i].route,
		    m->http[i].status, (unsigned long long)m->http[i].n);
	if (store_int64(gw->store, "SELECT count(*) FROM areas", &n) == 0)
		evbuffer_add_printf(b, "# HELP sanket_areas Areas stored.\n"
		    "# TYPE sanket_areas gauge\nsanket_areas %lld\n",
		    (long long)n);
	if (store_int64(gw->store, "SELECT count(*) FROM recipients", &n) == 0)
		evbuffer_add_printf(b, "# HELP sanket_recipients Recipients "
		    "registered.\n# TYPE sanket_recipients gauge\n"
		    "sanket_recipients %lld\n", (long long)n);
	evbuffer_add_printf(b, "# HELP sanket_kannel_up 1 if bearerbox "
	    "reports running, 0 if not, -1 if not polled.\n"
	    "# TYPE sanket_kannel_up gauge\nsanket_kannel_up %d\n",
	    gw->kannel_up);
	dispatch_metrics(gw->dispatch, b);
	camp_escalate_metrics(b);
	inbound_metrics(b);
	voice_metrics(gw->voice, b);
}
