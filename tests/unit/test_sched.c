/*
 * test_sched.c: campaign air time (campaigns/schedule.h) at concrete instants
 * in Asia/Dhaka: window parsing and its refusals, on-air edges (start in,
 * end out, the flight's own edges), the next opening, the end of the
 * current stretch, window time elapsed and in total (whole and partial
 * flights), sched_at as the inverse of sched_elapsed, frequency caps, the
 * even spread of 1,000 people over a flight, and pacing across a jump of
 * the monotonic clock.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"
#include "tap.h"

#define SEC		1000LL
#define MIN		(60 * SEC)
#define HOUR		(60 * MIN)
#define DAY		SCHED_DAY_MS

/*
 * 2026-12-01 00:00 Asia/Dhaka = 2026-11-30 18:00 UTC.  2026-12-01 is day
 * 20788 after 1970-01-01, so 20788 * 86400 - 6 * 3600 = 1796061600 s
 * (date -d 2026-12-01T00:00:00+06:00 +%s agrees).
 */
#define D0		(1796061600LL * SEC)
/* Local Dhaka time: day d of December 2026 (0 = the 1st), hh:mm. */
#define AT(d, hh, mm)	(D0 + (d) * DAY + (hh) * HOUR + (mm) * MIN)

#define DAY_FROM	(8 * 60)	/* 08:00 */
#define DAY_TO		(21 * 60)	/* 21:00 */

static const char *
hm(int64_t t)
{
	static char	 buf[4][48];
	static int	 k;
	int64_t		 r;
	char		*b = buf[k++ % 4];

	if (t == -1)
		return "-1";
	r = t - D0;
	snprintf(b, sizeof(buf[0]), "Dec %lld %02lld:%02lld:%02lld.%03lld",
	    (long long)(r / DAY + 1), (long long)(r % DAY / HOUR),
	    (long long)(r % HOUR / MIN), (long long)(r % MIN / SEC),
	    (long long)(r % SEC));
	return b;
}

#define is_time(got, want, ...) do {					\
	int64_t g_ = (got), w_ = (want);				\
	if (!ok(g_ == w_, __VA_ARGS__))					\
		diag("got %s, want %s", hm(g_), hm(w_));		\
} while (0)

/* A schedule of windows w over [starts, ends); aborts the test if w is
 * refused, since everything after depends on it. */
static struct sched
mk(const char *w, int64_t starts, int64_t ends)
{
	struct sched	 sc;
	char		 msg[256];

	memset(&sc, 0, sizeof(sc));
	if (sched_windows_parse(&sc, w, DAY_FROM, DAY_TO, msg,
	    sizeof(msg)) == -1) {
		printf("Bail out! %s: %s\n", w, msg);
		exit(1);
	}
	sc.starts = starts;
	sc.ends = ends;
	return sc;
}

static const struct refusal {
	const char	*w;
	int		 from, to;
	const char	*says;		/* the message contains this */
} refusals[] = {
	{ "10:00-10:00", DAY_FROM, DAY_TO, "10:00-10:00 is empty" },
	{ "10:00-13:00,16:00-16:00", DAY_FROM, DAY_TO,
	    "16:00-16:00 is empty" },
	{ "22:00-02:00", 0, 24 * 60, "22:00-02:00 crosses midnight" },
	{ "13:00-10:00", DAY_FROM, DAY_TO, "13:00-10:00 crosses midnight" },
	{ "10:00-13:00,12:30-14:00", DAY_FROM, DAY_TO,
	    "12:30-14:00 overlaps" },
	{ "16:00-20:00,10:00-17:00", DAY_FROM, DAY_TO,
	    "16:00-20:00 overlaps" },
	{ "10:00-11:00,10:00-11:00", DAY_FROM, DAY_TO,
	    "10:00-11:00 overlaps" },
	{ "07:30-09:00", DAY_FROM, DAY_TO,
	    "07:30-09:00 lies outside 08:00-21:00" },
	{ "10:00-13:00,20:00-21:30", DAY_FROM, DAY_TO,
	    "20:00-21:30 lies outside 08:00-21:00" },
	{ "20:00-24:00", DAY_FROM, DAY_TO, "20:00-24:00 lies outside" },
	{ "10-13", DAY_FROM, DAY_TO, "\"10-13\" is not a list" },
	{ "10:00-13:00x", DAY_FROM, DAY_TO, "\"10:00-13:00x\" is not" },
	{ "10:00-13:00;16:00-20:00", DAY_FROM, DAY_TO,
	    "\"10:00-13:00;16:00-20:00\" is not" },
	{ "10:00 - 13:00", DAY_FROM, DAY_TO, "\"10:00 - 13:00\" is not" },
	{ "10:00-13:00-14:00", DAY_FROM, DAY_TO, "\"10:00-13:00-14:00\"" },
	{ "10:60-11:00", DAY_FROM, DAY_TO, "\"10:60-11:00\" is not" },
	{ "10:0-11:00", DAY_FROM, DAY_TO, "\"10:0-11:00\" is not" },
	{ "25:00-26:00", 0, 24 * 60, "\"25:00-26:00\" is not" },
	{ "23:00-24:01", 0, 24 * 60, "\"23:00-24:01\" is not" },
	{ "ten-one", DAY_FROM, DAY_TO, "\"ten-one\" is not" },
	{ "08:00-09:00,09:00-10:00,10:00-11:00,11:00-12:00,12:00-13:00,"
	    "13:00-14:00,14:00-15:00,15:00-16:00,16:00-17:00",
	    DAY_FROM, DAY_TO, "at most 8" },
	{ "", DAY_FROM, DAY_TO, "at least one" },
	{ " , ,", DAY_FROM, DAY_TO, "at least one" },
};

static void
test_parse(void)
{
	struct sched	 sc;
	char		 msg[256], out[256];
	size_t		 i;
	int		 r;

	memset(&sc, 0, sizeof(sc));
	ok(sched_windows_parse(&sc, "16:00-20:00,10:00-13:00", DAY_FROM,
	    DAY_TO, msg, sizeof(msg)) == 0 && sc.nwin == 2 &&
	    sc.win[0].start == 600 && sc.win[0].end == 780 &&
	    sc.win[1].start == 960 && sc.win[1].end == 1200,
	    "16:00-20:00,10:00-13:00 parses into two windows, sorted");
	is_int(sc.day_ms, 7 * HOUR, "a day of 10:00-13:00,16:00-20:00 is 7 h "
	    "on air");
	sched_windows_format(&sc, out, sizeof(out));
	is_str(out, "10:00-13:00,16:00-20:00", "formatted sorted");

	ok(sched_windows_parse(&sc, " 16:00-20:00  8:00-9:30 ,", DAY_FROM,
	    DAY_TO, msg, sizeof(msg)) == 0 && sc.nwin == 2 &&
	    sc.win[0].start == 480 && sc.win[0].end == 570,
	    "spaces separate too; one-digit hours; stray separators ignored");
	sched_windows_format(&sc, out, sizeof(out));
	is_str(out, "08:00-09:30,16:00-20:00", "formatted with two-digit "
	    "hours");

	ok(sched_windows_parse(&sc, "21:00-24:00", 0, 24 * 60, msg,
	    sizeof(msg)) == 0 && sc.nwin == 1 && sc.win[0].end == 24 * 60 &&
	    sc.day_ms == 3 * HOUR, "24:00 ends a window");
	sched_windows_format(&sc, out, sizeof(out));
	is_str(out, "21:00-24:00", "24:00 formatted as 24:00");

	ok(sched_windows_parse(&sc, "08:00-10:00,10:00-21:00", DAY_FROM,
	    DAY_TO, msg, sizeof(msg)) == 0 && sc.nwin == 2 &&
	    sc.day_ms == 13 * HOUR, "windows may touch; the allowed hours' "
	    "edges are allowed");

	ok(sched_windows_parse(&sc, "08:00-09:00,09:00-10:00,10:00-11:00,"
	    "11:00-12:00,12:00-13:00,13:00-14:00,14:00-15:00,15:00-16:00",
	    DAY_FROM, DAY_TO, msg, sizeof(msg)) == 0 &&
	    sc.nwin == SCHED_MAX_WINDOWS, "%d windows are allowed",
	    SCHED_MAX_WINDOWS);

	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *rf = &refusals[i];

		msg[0] = '\0';
		r = sched_windows_parse(&sc, rf->w, rf->from, rf->to, msg,
		    sizeof(msg));
		if (!ok(r == -1 && strstr(msg, rf->says) != NULL,
		    "\"%.40s%s\" refused: %s", rf->w,
		    strlen(rf->w) > 40 ? "..." : "", rf->says))
			diag("returned %d, message \"%s\"", r, msg);
	}
}

static void
test_on_air(void)
{
	struct sched	 sc = mk("10:00-13:00,16:00-20:00", D0, D0 + 7 * DAY);

	ok(sched_on_air(&sc, AT(0, 10, 0)), "on air at 10:00 (start is in)");
	ok(!sched_on_air(&sc, AT(0, 10, 0) - 1), "off air at 09:59:59.999");
	ok(sched_on_air(&sc, AT(0, 13, 0) - 1), "on air at 12:59:59.999");
	ok(!sched_on_air(&sc, AT(0, 13, 0)), "off air at 13:00 (end is out)");
	ok(!sched_on_air(&sc, AT(0, 15, 0)), "off air at 15:00, between "
	    "windows");
	ok(sched_on_air(&sc, AT(0, 16, 0)), "on air at 16:00");
	ok(!sched_on_air(&sc, AT(0, 20, 0)), "off air at 20:00");
	ok(!sched_on_air(&sc, AT(3, 3, 0)), "off air at 03:00");
	/* 04:00 UTC is 10:00 in Dhaka; 10:00 UTC is 16:00 in Dhaka. */
	ok(sched_on_air(&sc, AT(2, 10, 30)) && sched_on_air(&sc, AT(2, 16,
	    30)) && !sched_on_air(&sc, AT(2, 14, 30)) &&
	    !sched_on_air(&sc, AT(2, 8, 30)), "hours are Dhaka time, not UTC");
	ok(sched_on_air(&sc, AT(6, 19, 0)), "on air on the flight's last "
	    "day");
	ok(!sched_on_air(&sc, AT(7, 10, 0)), "off air in a window after the "
	    "flight");
	ok(!sched_on_air(&sc, AT(-1, 10, 0)), "off air in a window before "
	    "the flight");

	sc = mk("10:00-13:00,16:00-20:00", AT(0, 11, 0), AT(6, 18, 0));
	ok(!sched_on_air(&sc, AT(0, 11, 0) - 1), "flight starting 11:00: off "
	    "at 10:59:59.999 inside the window");
	ok(sched_on_air(&sc, AT(0, 11, 0)), "... on at 11:00, its start");
	ok(sched_on_air(&sc, AT(6, 18, 0) - 1), "flight ending 18:00: on at "
	    "17:59:59.999");
	ok(!sched_on_air(&sc, AT(6, 18, 0)), "... off at 18:00, its end");
}

static void
test_next_open(void)
{
	struct sched	 sc = mk("10:00-13:00,16:00-20:00", D0, D0 + 7 * DAY);

	is_time(sched_next_open(&sc, AT(0, 11, 17)), AT(0, 11, 17),
	    "inside a window: now");
	is_time(sched_next_open(&sc, AT(0, 10, 0)), AT(0, 10, 0),
	    "at a window's start: now");
	is_time(sched_next_open(&sc, AT(0, 13, 0)), AT(0, 16, 0),
	    "at 13:00: 16:00");
	is_time(sched_next_open(&sc, AT(0, 14, 30)), AT(0, 16, 0),
	    "between windows: the next window's start");
	is_time(sched_next_open(&sc, AT(2, 20, 0)), AT(3, 10, 0),
	    "at the last window's end: 10:00 the next day");
	is_time(sched_next_open(&sc, AT(2, 23, 59)), AT(3, 10, 0),
	    "at 23:59: 10:00 the next day");
	is_time(sched_next_open(&sc, AT(3, 2, 0)), AT(3, 10, 0),
	    "at 02:00: 10:00 the same day");
	is_time(sched_next_open(&sc, AT(3, 5, 0)), AT(3, 10, 0),
	    "at 05:00 (23:00 UTC the day before): 10:00 Dhaka");
	is_time(sched_next_open(&sc, AT(6, 20, 0)), -1,
	    "after the flight's last window: -1");
	is_time(sched_next_open(&sc, AT(7, 10, 0)), -1,
	    "after the flight: -1");
	is_time(sched_next_open(&sc, AT(-3, 11, 0)), AT(0, 10, 0),
	    "before the flight: its first opening");

	sc = mk("10:00-13:00,16:00-20:00", AT(0, 11, 30), AT(6, 12, 0));
	is_time(sched_next_open(&sc, AT(0, 10, 0)), AT(0, 11, 30),
	    "flight starting mid-window: its start");
	is_time(sched_next_open(&sc, AT(-1, 17, 0)), AT(0, 11, 30),
	    "... also from a window the day before");
	is_time(sched_next_open(&sc, AT(6, 11, 59)), AT(6, 11, 59),
	    "flight ending 12:00: 11:59 is now");
	is_time(sched_next_open(&sc, AT(6, 12, 0)), -1,
	    "... 12:00 is -1, though the window runs to 13:00");
}

static void
test_window_end(void)
{
	struct sched	 sc = mk("10:00-13:00,16:00-20:00", D0, AT(6, 12, 0));

	is_time(sched_window_end(&sc, AT(0, 10, 0)), AT(0, 13, 0),
	    "at 10:00: the stretch ends 13:00");
	is_time(sched_window_end(&sc, AT(1, 19, 59)), AT(1, 20, 0),
	    "at 19:59: 20:00");
	is_time(sched_window_end(&sc, AT(1, 14, 0)), AT(1, 14, 0),
	    "off air: t itself");
	is_time(sched_window_end(&sc, AT(6, 10, 30)), AT(6, 12, 0),
	    "flight ending 12:00 inside a window: 12:00");
	is_time(sched_window_end(&sc, AT(6, 16, 30)), AT(6, 16, 30),
	    "after the flight: t itself");

	sc = mk("20:00-21:00", D0, D0 + 7 * DAY);
	is_time(sched_window_end(&sc, AT(0, 20, 59)), AT(0, 21, 0),
	    "20:00-21:00 at 20:59: 21:00");
	{
		struct sched	 s24;
		char		 msg[128];

		memset(&s24, 0, sizeof(s24));
		ok(sched_windows_parse(&s24, "22:00-24:00", 0, 24 * 60, msg,
		    sizeof(msg)) == 0, "22:00-24:00 parses with a 24-hour day");
		s24.starts = D0;
		s24.ends = D0 + 7 * DAY;
		is_time(sched_window_end(&s24, AT(1, 23, 0)), AT(2, 0, 0),
		    "22:00-24:00 at 23:00: local midnight");
		is_time(sched_next_open(&s24, AT(2, 0, 0)), AT(2, 22, 0),
		    "... off air at midnight, next 22:00");
	}
}

static void
test_elapsed(void)
{
	struct sched	 sc = mk("10:00-13:00,16:00-20:00", D0, D0 + 7 * DAY);

	is_int(sched_total(&sc), 7 * 7 * HOUR, "7 days of 10:00-13:00,"
	    "16:00-20:00: 49 h on air");
	is_int(sched_elapsed(&sc, D0), 0, "elapsed at the start: 0");
	is_int(sched_elapsed(&sc, AT(-2, 12, 0)), 0, "elapsed before the "
	    "flight: 0");
	is_int(sched_elapsed(&sc, AT(0, 10, 0)), 0, "elapsed at 10:00 day 1: "
	    "0");
	is_int(sched_elapsed(&sc, AT(0, 12, 0)), 2 * HOUR, "at 12:00: 2 h");
	is_int(sched_elapsed(&sc, AT(0, 15, 0)), 3 * HOUR, "at 15:00: 3 h");
	is_int(sched_elapsed(&sc, AT(0, 17, 30)), 4 * HOUR + 30 * MIN,
	    "at 17:30: 4.5 h");
	is_int(sched_elapsed(&sc, AT(1, 0, 0)), 7 * HOUR, "at midnight: 7 h");
	is_int(sched_elapsed(&sc, AT(3, 14, 0)), 24 * HOUR, "day 4 14:00: "
	    "3 * 7 + 3 = 24 h");
	is_int(sched_elapsed(&sc, AT(6, 19, 0)), 48 * HOUR, "last day 19:00: "
	    "48 h");
	is_int(sched_elapsed(&sc, AT(9, 12, 0)), sched_total(&sc),
	    "elapsed after the flight: the total");

	/* 11:00 day 1 to 18:00 day 7: 2 + 4, five days of 7, then 3 + 2. */
	sc = mk("10:00-13:00,16:00-20:00", AT(0, 11, 0), AT(6, 18, 0));
	is_int(sched_total(&sc), 6 * HOUR + 35 * HOUR + 5 * HOUR,
	    "flight from 11:00 to 18:00 six days later: 46 h");
	is_int(sched_elapsed(&sc, AT(0, 12, 0)), 1 * HOUR, "... at 12:00 day "
	    "1: 1 h");
	is_int(sched_elapsed(&sc, AT(6, 17, 0)), 45 * HOUR, "... at 17:00 on "
	    "the last day: 45 h");

	sc = mk("10:00-13:00,16:00-20:00", AT(0, 14, 0), AT(0, 15, 0));
	is_int(sched_total(&sc), 0, "a flight between two windows: 0 h");
	is_time(sched_at(&sc, 0), -1, "... sched_at(0) is -1");
	is_time(sched_next_open(&sc, AT(0, 13, 0)), -1, "... never opens");

	sc = mk("10:00-13:00", D0, D0);
	is_int(sched_total(&sc), 0, "an empty flight: 0 h");
}

/* A small deterministic generator (numerical recipes LCG). */
static uint64_t
lcg(uint64_t *x)
{
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return *x >> 11;
}

static void
inverse(const char *name, const struct sched *sc)
{
	int64_t		 total = sched_total(sc), w, t, prev = -1;
	int64_t		 bad_w = -1, bad_t = 0, bad_e = 0;
	uint64_t	 x = 42;
	int		 i, nbad = 0, nmono = 0, n = 20000;

	for (i = 0; i < n; i++) {
		if (i < n / 2)	/* strided, so order can be checked */
			w = (int64_t)((__int128)total * i / (n / 2));
		else if (i == n / 2)
			w = total - 1;
		else
			w = (int64_t)(lcg(&x) % (uint64_t)total);
		t = sched_at(sc, w);
		if (t == -1 || sched_elapsed(sc, t) != w ||
		    !sched_on_air(sc, t)) {
			if (nbad++ == 0) {
				bad_w = w;
				bad_t = t;
				bad_e = t == -1 ? -1 : sched_elapsed(sc, t);
			}
		}
		if (i < n / 2) {
			if (t <= prev)
				nmono++;
			prev = t;
		}
	}
	if (!ok(nbad == 0, "%s: sched_elapsed(sched_at(w)) == w and on air, "
	    "%d samples", name, n))
		diag("%d bad; first w=%lld at %s elapsed %lld", nbad,
		    (long long)bad_w, hm(bad_t), (long long)bad_e);
	is_int(nmono, 0, "%s: sched_at strictly increasing", name);
	is_time(sched_at(sc, total), -1, "%s: sched_at(total) is -1", name);
	is_time(sched_at(sc, -1), -1, "%s: sched_at(-1) is -1", name);
}

static void
test_at(void)
{
	struct sched	 sc = mk("10:00-13:00,16:00-20:00", D0, D0 + 7 * DAY);

	is_time(sched_at(&sc, 0), AT(0, 10, 0), "sched_at(0): 10:00 day 1");
	is_time(sched_at(&sc, 3 * HOUR - 1), AT(0, 13, 0) - 1,
	    "sched_at(3 h - 1 ms): 12:59:59.999");
	is_time(sched_at(&sc, 3 * HOUR), AT(0, 16, 0),
	    "sched_at(3 h): 16:00, not 13:00");
	is_time(sched_at(&sc, 7 * HOUR), AT(1, 10, 0),
	    "sched_at(7 h): 10:00 day 2");
	is_time(sched_at(&sc, 49 * HOUR - 1), AT(6, 20, 0) - 1,
	    "sched_at(49 h - 1 ms): 19:59:59.999 on the last day");
	inverse("7 days at 10-13,16-20", &sc);

	sc = mk("10:00-13:00,16:00-20:00", AT(0, 11, 0), AT(6, 18, 0));
	is_time(sched_at(&sc, 0), AT(0, 11, 0), "flight from 11:00: "
	    "sched_at(0) is 11:00");
	inverse("11:00 day 1 to 18:00 day 7", &sc);

	sc = mk("08:15-08:16,12:00-12:30,20:59-21:00", AT(-40, 20, 59) + 17,
	    AT(300, 8, 15) + 1);
	inverse("three odd windows over ten months", &sc);
}

static void
test_spacing(void)
{
	is_int(sched_spacing(1, 3), (7 * DAY + 2) / 3, "1/day, 3/week: 7 d / "
	    "3 (56 h)");
	is_int(sched_spacing(2, 14), 12 * HOUR, "2/day, 14/week: 12 h");
	is_int(sched_spacing(2, 4), 42 * HOUR, "2/day, 4/week: 42 h");
	is_int(sched_spacing(7, 1000), (DAY + 6) / 7, "7/day: 24 h / 7 "
	    "rounded up");
	ok(7 * sched_spacing(7, 1000) >= DAY && 6 * sched_spacing(7, 1000) <
	    DAY, "7/day: the 8th airing falls 24 h or more after the 1st");
	is_int(sched_spacing(1, 5), 7 * DAY / 5, "1/day, 5/week: 33.6 h");
	is_int(sched_spacing(1, 7), DAY, "1/day, 7/week: 24 h");
	is_int(sched_spacing(0, 3), -1, "per_day 0: -1");
	is_int(sched_spacing(2, 0), -1, "per_week 0: -1");
	is_int(sched_spacing(-1, 3), -1, "per_day -1: -1");
}

static void
test_due(void)
{
	struct sched	 sc = mk("10:00-13:00,16:00-20:00", D0, D0 + 7 * DAY);
	int64_t		 n = 1000, ord, t, prev = -1, total = sched_total(&sc);
	int64_t		 r, e, lo, hi;
	int		 count[14], i, j, k, bad_ord = 0, bad_on = 0;
	int		 bad_cnt = 0, bad_after = 0, bad_share = 0;

	memset(count, 0, sizeof(count));
	is_time(sched_due(&sc, 0, n, 1, 0), AT(0, 10, 0), "the first person "
	    "is due at the flight's first opening");
	for (ord = 0; ord < n; ord++) {
		t = sched_due(&sc, ord, n, 1, 0);
		if (t < prev)
			bad_ord++;
		if (!sched_on_air(&sc, t))
			bad_on++;
		if (t == -1 || t >= sc.ends)
			bad_after++;
		prev = t;
		if (t >= D0 && t < sc.ends) {
			r = t - D0;
			count[r / DAY * 2 + (r % DAY >= 16 * HOUR)]++;
		}
	}
	is_int(bad_ord, 0, "1,000 people, 1 airing: due times non-decreasing "
	    "in ord");
	is_int(bad_on, 0, "... every one on air");
	is_int(bad_after, 0, "... none after the flight");
	is_time(prev, sched_at(&sc, (n - 1) * total / n), "... the last at "
	    "999/1000 of the window time");
	for (k = 0; k < 14; k++) {
		/* 3 h windows get 1000 * 3/49, 4 h ones 1000 * 4/49. */
		double want = (double)n * (k % 2 ? 4 : 3) / 49;

		if (count[k] < want - 1 || count[k] > want + 1) {
			bad_cnt++;
			diag("window %d: %d people, want %.1f", k, count[k],
			    want);
		}
	}
	is_int(bad_cnt, 0, "... people per window proportional to its length "
	    "(61.2 per 3 h, 81.6 per 4 h) within 1");
	is_time(sched_due(&sc, n, n, 1, 0), -1, "ord == n: -1");
	is_time(sched_due(&sc, -1, n, 1, 0), -1, "ord < 0: -1");
	is_time(sched_due(&sc, 0, n, 1, 1), -1, "j == airings: -1");
	is_time(sched_due(&sc, 0, 0, 1, 0), -1, "n == 0: -1");

	/* Three airings: person ord hears airing j in round j's third. */
	bad_ord = bad_share = bad_on = 0;
	for (ord = 0; ord < n; ord++) {
		for (j = 0; j < 3; j++) {
			t = sched_due(&sc, ord, n, 3, j);
			e = t == -1 ? -1 : sched_elapsed(&sc, t);
			lo = total * j / 3;
			hi = total * (j + 1) / 3;
			if (e < lo || e >= hi)
				bad_share++;
			if (!sched_on_air(&sc, t))
				bad_on++;
			if (j > 0 && t <= sched_due(&sc, ord, n, 3, j - 1))
				bad_ord++;
		}
	}
	is_int(bad_ord, 0, "3 airings: a person's airing j+1 after airing j");
	is_int(bad_on, 0, "... every one on air");
	is_int(bad_share, 0, "... airing j within the j-th third of the "
	    "window time");
	t = sched_due(&sc, 0, n, 3, 1);
	is_time(t, AT(2, 12, 20), "... the first person's second airing at "
	    "49/3 h = 16 h 20 min in: day 3 12:20");
	i = 0;
	for (ord = 1; ord < n; ord++)
		if (sched_due(&sc, ord, n, 3, 0) >= sched_due(&sc, 0, n, 3, 1))
			i++;
	is_int(i, 0, "... all of round 1 airs before round 2 starts");
}

/* sched_spread: a permutation of 0..n-1 that sets neighbours apart. */
static void
test_spread(void)
{
	static const int64_t ns[] = { 1, 2, 3, 4, 10, 12, 97, 1000, 4096,
	    65536, 100000, 999983, 1000000 };
	unsigned char	*seen;
	int64_t		 n, k, o, step, gap, mingap;
	size_t		 i;
	int		 dup, out, far;

	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		n = ns[i];
		step = sched_spread_step(n);
		seen = calloc((size_t)n, 1);
		dup = out = 0;
		for (k = 0; k < n; k++) {
			o = sched_spread(k, n, step);
			if (o < 0 || o >= n)
				out++;
			else if (seen[o]++)
				dup++;
		}
		free(seen);
		is_int(out + dup, 0, "n = %lld: every place once (step %lld)",
		    (long long)n, (long long)step);
	}
	n = 1000000;
	step = sched_spread_step(n);
	/* 10,000 people of one union read one after the other: their
	 * places are never closer than n / 10,000 / 3. */
	far = 1;
	mingap = n;
	for (k = 500000; k < 510000; k++) {
		gap = sched_spread(k + 1, n, step) - sched_spread(k, n, step);
		if (gap < 0)
			gap = -gap;
		if (gap < mingap)
			mingap = gap;
	}
	far = mingap >= n / 3;
	ok(far, "neighbours in the reading order are at least n/3 apart "
	    "(closest %lld of %lld)", (long long)mingap, (long long)n);
	{
		int64_t	 pl[100];
		int	 j, l, close = 0;

		for (j = 0; j < 100; j++)
			pl[j] = sched_spread(200000 + j, n, step);
		for (j = 0; j < 100; j++)
			for (l = j + 1; l < 100; l++)
				if (llabs(pl[j] - pl[l]) < n / 300)
					close++;
		is_int(close, 0, "100 consecutive people: no two within "
		    "n/300 of each other");
	}
	is_int(sched_spread(-1, 10, 3), -1, "k < 0: -1");
	is_int(sched_spread(10, 10, 3), -1, "k == n: -1");
	is_int(sched_spread_step(1), 1, "n = 1: step 1");
}

static void
test_pace(void)
{
	struct sched_pace	 p;
	int64_t			 m = 1000 * SEC;	/* monotonic ms */

	sched_pace_init(&p, 2, 10);
	is_int(sched_pace_avail(&p, m, 1), 1, "a new bucket holds 1 token");
	sched_pace_take(&p, 1);
	is_int(sched_pace_avail(&p, m, 1), 0, "after taking it: 0");
	is_int(sched_pace_avail(&p, m + 1 * SEC, 1), 2, "1 s on air at 2/s: "
	    "2");
	sched_pace_take(&p, 2);
	is_int(sched_pace_avail(&p, m + 3 * SEC, 0), 0, "2 s off air: 0");
	is_int(sched_pace_avail(&p, m + 60 * SEC, 0), 0, "a minute off air: "
	    "0");
	is_int(sched_pace_avail(&p, m + 61 * SEC, 1), 2, "then 1 s on air: 2 "
	    "(the off-air minute earned nothing)");
	is_int(sched_pace_avail(&p, m + 61 * SEC + 5 * HOUR, 1), 10,
	    "a 5-hour jump on air: the burst, 10, not 36,000");
	is_int(sched_pace_avail(&p, m + 61 * SEC + 10 * HOUR, 1), 10,
	    "another 5 hours: still 10");
	sched_pace_take(&p, 10);
	is_int(sched_pace_avail(&p, m + 62 * SEC + 10 * HOUR - 5 * HOUR, 1),
	    0, "a backwards reading: nothing");
	/* The last forward reading was +61 s + 10 h: 1 s since, 2 tokens;
	 * not the 5 h since the backwards reading again. */
	is_int(sched_pace_avail(&p, m + 62 * SEC + 10 * HOUR, 1), 2,
	    "then 1 s past the last forward reading: 2, not a second burst");

	sched_pace_init(&p, 50, 0.5);
	is_int(sched_pace_avail(&p, m, 1), 1, "burst below 1 is raised to 1");
	sched_pace_take(&p, 1);
	is_int(sched_pace_avail(&p, m + HOUR, 1), 1, "... and caps an hour's "
	    "refill at 1");
	sched_pace_take(&p, 5);
	is_int(sched_pace_avail(&p, m + HOUR, 1), 0, "taking more than there "
	    "is leaves 0, not a debt");
	is_int(sched_pace_avail(&p, m + HOUR + 30, 1), 1, "30 ms at 50/s: "
	    "1");

	sched_pace_init(&p, 1, 100);
	is_int(sched_pace_avail(&p, 5 * HOUR, 1), 1, "the first reading, "
	    "however late, starts the clock: 1");
	is_int(sched_pace_avail(&p, 5 * HOUR + 30 * SEC, 1), 31, "30 s at "
	    "1/s: 31");
}

int
main(void)
{
	test_parse();
	test_on_air();
	test_next_open();
	test_window_end();
	test_elapsed();
	test_at();
	test_spacing();
	test_due();
	test_spread();
	test_pace();
	return done_testing();
}
