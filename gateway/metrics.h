/*
 * metrics.h: counters for GET /metrics (Prometheus text format 0.0.4).
 * Counters live in memory and restart at zero with the daemon, as
 * Prometheus expects; gauges (areas, recipients) are read from the store
 * at scrape time.
 */
#ifndef SK_METRICS_H
#define SK_METRICS_H

struct evbuffer;
struct gw;
struct metrics;

struct metrics	*metrics_new(void);
void		 metrics_free(struct metrics *);
void		 metrics_http(struct metrics *, const char *route, int status);
void		 metrics_write(struct metrics *, struct gw *,
		    struct evbuffer *);

#endif
