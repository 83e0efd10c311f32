/*
 * schedule.c: airing windows, the even spread, frequency caps and pacing
 * (schedule.h).  Everything is O(windows): the window time up to an instant
 * is whole local days times the day's air time plus the part of the last
 * day, so planning a million people costs a million small sums, not a
 * walk over the calendar.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"

#define MIN_MS	(60 * 1000LL)

/* Floor division for negative numerators too. */
static int64_t
fdiv(int64_t a, int64_t b)
{
	int64_t	 q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* "HH:MM" at *pp (00:00-24:00): minutes, or -1. */
static int
sched_hhmm(const char **pp)
{
	const char	*p = *pp;
	int		 h, m;

	if (!isdigit((unsigned char)p[0]))
		return -1;
	h = p[0] - '0';
	p++;
	if (isdigit((unsigned char)*p))
		h = h * 10 + (*p++ - '0');
	if (*p++ != ':' || !isdigit((unsigned char)p[0]) ||
	    !isdigit((unsigned char)p[1]))
		return -1;
	m = (p[0] - '0') * 10 + (p[1] - '0');
	p += 2;
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*pp = p;
	return h * 60 + m;
}

static int
win_cmp(const void *a, const void *b)
{
	const struct sched_window *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

int
sched_windows_parse(struct sched *sc, const char *s, int day_from,
    int day_to, char *msg, size_t msglen)
{
	struct sched_window	 w;
	const char		*p = s;
	int			 i;

	sc->nwin = 0;
	sc->day_ms = 0;
	for (;;) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if ((w.start = sched_hhmm(&p)) == -1 || *p++ != '-' ||
		    (w.end = sched_hhmm(&p)) == -1 ||
		    (*p != '\0' && *p != ',' && *p != ' ')) {
			snprintf(msg, msglen, "windows: \"%s\" is not a list "
			    "of HH:MM-HH:MM (Asia/Dhaka)", s);
			return -1;
		}
		if (w.start == w.end) {
			snprintf(msg, msglen, "windows: %02d:%02d-%02d:%02d is"
			    " empty", w.start / 60, w.start % 60, w.end / 60,
			    w.end % 60);
			return -1;
		}
		if (w.end < w.start) {
			snprintf(msg, msglen, "windows: %02d:%02d-%02d:%02d "
			    "crosses midnight; calls are not placed at night",
			    w.start / 60, w.start % 60, w.end / 60,
			    w.end % 60);
			return -1;
		}
		if (w.start < day_from || w.end > day_to) {
			snprintf(msg, msglen, "windows: %02d:%02d-%02d:%02d "
			    "lies outside %02d:%02d-%02d:%02d, the hours when "
			    "people may be called ([campaigns] day)",
			    w.start / 60, w.start % 60, w.end / 60,
			    w.end % 60, day_from / 60, day_from % 60,
			    day_to / 60, day_to % 60);
			return -1;
		}
		if (sc->nwin == SCHED_MAX_WINDOWS) {
			snprintf(msg, msglen, "windows: at most %d a day",
			    SCHED_MAX_WINDOWS);
			return -1;
		}
		sc->win[sc->nwin++] = w;
	}
	if (sc->nwin == 0) {
		snprintf(msg, msglen, "windows: give at least one "
		    "HH:MM-HH:MM");
		return -1;
	}
	qsort(sc->win, sc->nwin, sizeof(sc->win[0]), win_cmp);
	for (i = 0; i < sc->nwin; i++) {
		if (i > 0 && sc->win[i].start < sc->win[i - 1].end) {
			snprintf(msg, msglen, "windows: %02d:%02d-%02d:%02d "
			    "overlaps the window before it",
			    sc->win[i].start / 60, sc->win[i].start % 60,
			    sc->win[i].end / 60, sc->win[i].end % 60);
			return -1;
		}
		sc->day_ms += (sc->win[i].end - sc->win[i].start) * MIN_MS;
	}
	return 0;
}

void
sched_windows_format(const struct sched *sc, char *out, size_t len)
{
	size_t	 o = 0;
	int	 i, n;

	out[0] = '\0';
	for (i = 0; i < sc->nwin && o < len; i++) {
		n = snprintf(out + o, len - o, "%s%02d:%02d-%02d:%02d",
		    i ? "," : "", sc->win[i].start / 60, sc->win[i].start % 60,
		    sc->win[i].end / 60, sc->win[i].end % 60);
		if (n < 0)
			break;
		o += (size_t)n;
	}
}

/* Window time from the local epoch day 0 up to t. */
static int64_t
sched_cum(const struct sched *sc, int64_t t)
{
	int64_t	 local = t + SCHED_TZ_MS, day = fdiv(local, SCHED_DAY_MS);
	int64_t	 in = local - day * SCHED_DAY_MS, sum = day * sc->day_ms;
	int64_t	 s, e;
	int	 i;

	for (i = 0; i < sc->nwin; i++) {
		s = sc->win[i].start * MIN_MS;
		e = sc->win[i].end * MIN_MS;
		if (in > s)
			sum += (in < e ? in : e) - s;
	}
	return sum;
}

/* The instant at which the cumulative window time reaches c (the first
 * on-air instant from there). */
static int64_t
sched_uncum(const struct sched *sc, int64_t c)
{
	int64_t	 day = fdiv(c, sc->day_ms), rem = c - day * sc->day_ms, len;
	int	 i;

	for (i = 0; i < sc->nwin; i++) {
		len = (sc->win[i].end - sc->win[i].start) * MIN_MS;
		if (rem < len)
			return day * SCHED_DAY_MS - SCHED_TZ_MS +
			    sc->win[i].start * MIN_MS + rem;
		rem -= len;
	}
	return -1;	/* not reached: rem < day_ms */
}

static int64_t
clamp(int64_t t, int64_t lo, int64_t hi)
{
	return t < lo ? lo : t > hi ? hi : t;
}

int64_t
sched_elapsed(const struct sched *sc, int64_t t)
{
	if (sc->nwin == 0 || sc->ends <= sc->starts)
		return 0;
	return sched_cum(sc, clamp(t, sc->starts, sc->ends)) -
	    sched_cum(sc, sc->starts);
}

int64_t
sched_total(const struct sched *sc)
{
	return sched_elapsed(sc, sc->ends);
}

int64_t
sched_at(const struct sched *sc, int64_t w)
{
	if (w < 0 || w >= sched_total(sc))
		return -1;
	return sched_uncum(sc, sched_cum(sc, sc->starts) + w);
}

int
sched_on_air(const struct sched *sc, int64_t t)
{
	int64_t	 local, in;
	int	 i;

	if (t < sc->starts || t >= sc->ends)
		return 0;
	local = t + SCHED_TZ_MS;
	in = local - fdiv(local, SCHED_DAY_MS) * SCHED_DAY_MS;
	for (i = 0; i < sc->nwin; i++)
		if (in >= sc->win[i].start * MIN_MS &&
		    in < sc->win[i].end * MIN_MS)
			return 1;
	return 0;
}

int64_t
sched_next_open(const struct sched *sc, int64_t t)
{
	if (t < sc->starts)
		t = sc->starts;
	if (sched_on_air(sc, t))
		return t;
	return sched_at(sc, sched_elapsed(sc, t));
}

int64_t
sched_window_end(const struct sched *sc, int64_t t)
{
	int64_t	 local, day, in, e;
	int	 i;

	if (!sched_on_air(sc, t))
		return t;
	local = t + SCHED_TZ_MS;
	day = fdiv(local, SCHED_DAY_MS);
	in = local - day * SCHED_DAY_MS;
	for (i = 0; i < sc->nwin; i++) {
		if (in >= sc->win[i].start * MIN_MS &&
		    in < sc->win[i].end * MIN_MS) {
			e = day * SCHED_DAY_MS - SCHED_TZ_MS +
			    sc->win[i].end * MIN_MS;
			return e < sc->ends ? e : sc->ends;
		}
	}
	return t;
}

int64_t
sched_spacing(int per_day, int per_week)
{
	int64_t	 d, w;

	if (per_day <= 0 || per_week <= 0)
		return -1;
	d = (SCHED_DAY_MS + per_day - 1) / per_day;
	w = (SCHED_WEEK_MS + per_week - 1) / per_week;
	return d > w ? d : w;
}

int64_t
sched_due(const struct sched *sc, int64_t ord, int64_t n, int airings,
    int j)
{
	int64_t	 total = sched_total(sc);
	__int128 w;

	if (n <= 0 || airings <= 0 || ord < 0 || ord >= n || j < 0 ||
	    j >= airings)
		return -1;
	w = ((__int128)j * n + ord) * total / ((__int128)airings * n);
	return sched_at(sc, (int64_t)w);
}

static int64_t
sched_gcd(int64_t a, int64_t b)
{
	int64_t	 t;

	while (b != 0) {
		t = a % b;
		a = b;
		b = t;
	}
	return a;
}

int64_t
sched_spread_step(int64_t n)
{
	int64_t	 a;

	if (n <= 2)
		return 1;
	a = (int64_t)((double)n * 0.6180339887498949 + 0.5);
	while (sched_gcd(n, a) != 1)
		a++;		/* n - 1 is always prime to n */
	return a;
}

int64_t
sched_spread(int64_t k, int64_t n, int64_t step)
{
	if (n <= 0 || k < 0 || k >= n)
		return -1;
	return (int64_t)((unsigned __int128)k * (uint64_t)step % (uint64_t)n);
}

void
sched_pace_init(struct sched_pace *p, double rate, double burst)
{
	p->rate = rate;
	p->burst = burst < 1 ? 1 : burst;
	p->tokens = 1;
	p->last = 0;
}

int
sched_pace_avail(struct sched_pace *p, int64_t mono_ms, int on_air)
{
	if (p->last != 0 && mono_ms <= p->last)
		return (int)p->tokens;	/* no time passed, or went back */
	if (p->last != 0 && on_air) {
		p->tokens += (mono_ms - p->last) / 1000.0 * p->rate;
		if (p->tokens > p->burst)
			p->tokens = p->burst;
	}
	p->last = mono_ms;
	return (int)p->tokens;
}

void
sched_pace_take(struct sched_pace *p, int n)
{
	p->tokens -= n;
	if (p->tokens < 0)
		p->tokens = 0;
}
