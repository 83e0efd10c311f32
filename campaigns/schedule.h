/*
 * schedule.h: when a campaign may air, and when each person's next airing is
 * due.  Pure functions of time: no clock, no SQLite, so the tests drive
 * them with any instant they like (campaigns/schedule.c).
 *
 * Times are epoch milliseconds (UTC).  Windows are local Asia/Dhaka time
 * (UTC+6 all year: Bangladesh has kept no daylight saving since 2009),
 * minutes after local midnight, start < end, none across midnight.
 * "Window time" is the on-air time of the flight: the milliseconds inside
 * a window and inside [starts, ends).
 */
#ifndef SK_SCHEDULE_H
#define SK_SCHEDULE_H

#include <stddef.h>
#include <stdint.h>

#define SCHED_TZ_MS		(6 * 3600 * 1000LL)	/* Asia/Dhaka */
#define SCHED_DAY_MS		(86400 * 1000LL)
#define SCHED_WEEK_MS		(7 * SCHED_DAY_MS)
#define SCHED_MAX_WINDOWS	8

struct sched_window {
	int	 start, end;		/* minutes after local midnight */
};

struct sched {
	int64_t			 starts, ends;	/* ms: the flight */
	int			 nwin;		/* sorted, disjoint */
	struct sched_window	 win[SCHED_MAX_WINDOWS];
	int64_t			 day_ms;	/* on-air ms of a whole day */
};

/*
 * Parse windows "10:00-13:00,16:00-20:00" (commas or spaces between; one
 * to SCHED_MAX_WINDOWS; "24:00" may end one) into sc->win, sorted, with
 * sc->day_ms; every window must lie inside [quiet_end, quiet_start)
 * minutes (the hours when calling people is decent, e.g. 8:00-21:00).
 * 0, or -1 with a message: empty window, across midnight, overlapping,
 * outside the allowed hours, malformed.
 */
int	sched_windows_parse(struct sched *, const char *, int day_from,
	    int day_to, char *msg, size_t msglen);
/* "10:00-13:00,16:00-20:00" */
void	sched_windows_format(const struct sched *, char *, size_t);

/* 1 if t is on air: inside the flight and inside a window. */
int	sched_on_air(const struct sched *, int64_t t);
/* The first on-air instant >= t, or -1 if the flight has no more. */
int64_t	sched_next_open(const struct sched *, int64_t t);
/* On air at t: when this stretch of air time ends (window end, or the
 * flight's end); otherwise t. */
int64_t	sched_window_end(const struct sched *, int64_t t);
/* Window time of the flight in [starts, t). */
int64_t	sched_elapsed(const struct sched *, int64_t t);
/* Window time of the whole flight. */
int64_t	sched_total(const struct sched *);
/* The on-air instant at which w ms of window time have elapsed (the
 * inverse of sched_elapsed); -1 if w >= sched_total. */
int64_t	sched_at(const struct sched *, int64_t w);

/*
 * Frequency caps: the least time between two airings to one person that
 * keeps both at most per_day in any 24 hours and per_week in any 7 days:
 * max(24 h / per_day, 7 d / per_week).  per_day, per_week > 0.
 */
int64_t	sched_spacing(int per_day, int per_week);
/*
 * The plan: person ord (0..n-1) hears airing j (0..airings-1) when this
 * much window time has elapsed: (j + ord / n) * total / airings, so each
 * round of airings is spread evenly over its share of the flight and the
 * people over the round.  Returns the instant (sched_at), -1 if none.
 */
int64_t	sched_due(const struct sched *, int64_t ord, int64_t n, int airings,
	    int j);
/*
 * The spread's order without a sort: the k-th person read (0..n-1) gets
 * ord = k * step mod n, step the integer nearest n / golden ratio that is
 * prime to n (sched_spread_step), so the map is a permutation of 0..n-1
 * and people read one after the other (one union, then the next) land
 * far apart in time: the unions of a campaign are reached side by side.
 */
int64_t	sched_spread_step(int64_t n);
int64_t	sched_spread(int64_t k, int64_t n, int64_t step);

/*
 * Pacing: a token bucket on a monotonic clock, so a step of the wall clock
 * never fires a burst.  rate per second; burst tokens at most.
 */
struct sched_pace {
	double		 rate, burst, tokens;
	int64_t		 last;		/* monotonic ms; 0 = not started */
};
void	sched_pace_init(struct sched_pace *, double rate, double burst);
/* Refill up to mono_ms (only while on_air) and return the whole tokens
 * available. */
int	sched_pace_avail(struct sched_pace *, int64_t mono_ms, int on_air);
void	sched_pace_take(struct sched_pace *, int n);

#endif
