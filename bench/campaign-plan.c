/*
 * campaign-plan.c: the library half of bench/campaign.sh (issue 8: what a
 * campaign over a million people costs the daemon).
 *
 *	campaign-plan setup DB N	the real schema (store_open), 1 division
 *					> 1 district > 10 upazilas > 100 unions
 *					(area_import), N recipients spread
 *					over the unions by one set-based
 *					INSERT, and one spot row
 *	campaign-plan run DB [TICKS]	the measured part, in a fresh process
 *					on a copy of that file
 *
 * run, in the order sanketd would meet it (the background checkpointer
 * on, as sanketd starts it):
 *
 *	plan	camp_campaign_parse + camp_campaign_create + commit of a
 *		campaign over the 100 unions, 7 days, "10:00-13:00,16:00-20:00",
 *		1 a day, 3 a week, 3 airings: wall time, the process's peak RSS
 *		(ru_maxrss) and how much planning raised it
 *	ticks	TICKS (default 2000) voice ticks as voice_tick_cb makes them:
 *		camp_claim(want 30) + store_batch_flush, the monotonic clock
 *		250 ms on per tick, the wall clock at on-air instants spread
 *		over the week (most of the audience due: the worst case); then
 *		camp_call_done (answered) + store_batch_flush per claimed call;
 *		p50, p99 and max of each.  The ticks are
 *		SK_BENCH_TICK_GAP_MS of real time apart (default 20, not
 *		measured; 0: back to back; sanketd's are 250 ms apart)
 *	status	camp_campaign_status(with_detail 1) once: an officer's GET
 *		of the campaign, which also runs on the loop; its pending
 *		counter is checked against the contacts' rows
 *	cancel	camp_campaign_cancel + commit: an officer's cancel, with
 *		most of the audience still waiting; then 200 voice ticks'
 *		camp_sweep (CAMP_SWEEP_ROWS each) + flush, as far apart: max
 *	anchor	SQLite's own floor for the plan, same process, same rows: a
 *		plain INSERT ... SELECT from recipients (rowid order; every
 *		recipient is in the campaign's unions) into a table shaped
 *		like campaign_contacts (same WITHOUT ROWID key, same partial
 *		index), no per-row due time
 *
 * Prints "key value" lines for the script.
 */
#include "config.h"

#include <sys/resource.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "areas.h"
#include "campaigns.h"
#include "log.h"
#include "store.h"

#define NUPAZILAS	10
#define NUNIONS		10	/* per upazila */
#define WANT		30	/* free channels a tick */
#define TICK_MS		250

static double
mono_ms(void)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* This thread's CPU time, ms: wall far above it is waiting, not work. */
static double
cpu_ms(void)
{
	struct timespec	 t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/*
 * Real time between two voice ticks, not measured (SK_BENCH_TICK_GAP_MS,
 * default 20; 0 runs them back to back).  sanketd ticks every 250 ms and
 * the loop idles in between; back to back, no checkpoint ever completes
 * between two commits, so the WAL never starts over and every write
 * extends it (ext4 allocating blocks under writeback): a state sanketd
 * reaches under an MO flood, not while it airs a campaign.
 */
static int	tick_gap_ms = 20;

static void
tick_gap(void)
{
	struct timespec	 t;

	if (tick_gap_ms <= 0)
		return;
	t.tv_sec = tick_gap_ms / 1000;
	t.tv_nsec = (long)(tick_gap_ms % 1000) * 1000000L;
	while (nanosleep(&t, &t) == -1 && errno == EINTR)
		;
}

/* This thread's context switches so far: voluntary (it waited: I/O, a
 * lock) and involuntary (it was preempted: another thread had the core). */
static void
csw(long *vol, long *invol)
{
	struct rusage	 ru;

	getrusage(RUSAGE_THREAD, &ru);
	*vol = ru.ru_nvcsw;
	*invol = ru.ru_nivcsw;
}

/* Peak RSS so far, MB. */
static double
peak_mb(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024.0;
}

/* Resident now, MB. */
static double
rss_mb(void)
{
	FILE	*f;
	long	 size, res = 0;

	if ((f = fopen("/proc/self/statm", "r")) != NULL) {
		if (fscanf(f, "%ld %ld", &size, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * (double)sysconf(_SC_PAGESIZE) / (1024 * 1024);
}

static int	heap_stats;	/* SQLite's allocation statistics on */

/* SQLite's heap now and its high-water mark since the last call, MB; -1
 * without heap_stats. */
static double
sqlite_hi_mb(double *cur)
{
	sqlite3_int64	 c, h;

	if (!heap_stats) {
		if (cur != NULL)
			*cur = -1;
		return -1;
	}

	sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &c, &h, 1);
	if (cur != NULL)
		*cur = c / (1024.0 * 1024);
	return h / (1024.0 * 1024);
}

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sort v and print key_p50, key_p99, key_max (ms) and key_n. */
static void
print_dist(const char *key, double *v, size_t n)
{
	size_t	 i;

	qsort(v, n, sizeof(*v), cmp_double);
	printf("%s_n %zu\n", key, n);
	if (n == 0)
		return;
	printf("%s_p50 %.3f\n", key, v[n / 2]);
	printf("%s_p99 %.3f\n", key, v[(n * 99) / 100 < n ? (n * 99) / 100 :
	    n - 1]);
	printf("%s_max %.3f\n", key, v[n - 1]);
	for (i = n; i > 0 && v[i - 1] > 5.0; i--)
		;
	printf("%s_over5 %zu\n", key, n - i);
}

static void
union_code(int k, char *buf, size_t len)
{
	snprintf(buf, len, "2022%02d%02d", 11 + k / NUNIONS,
	    11 + k % NUNIONS);
}

static int
exec(struct store *s, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(store_db(s), sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, err ? err : "?");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

static int
setup(const char *path, long long n)
{
	static const char spot[] = "INSERT INTO spots (name, created_at,"
	    " source_sha256, source_format, source_rate, source_channels,"
	    " source_bytes, source_seconds, codec, frames, seconds,"
	    " target_lufs, lufs_before, lufs_after, true_peak, gain_db,"
	    " original_path, cache_path) VALUES ('cyclone shelters', 0, '',"
	    " 'WAV', 8000, 1, 1, 30, 'ulaw', 1500, 30, -19, -20, -19, -2, 1,"
	    " 'spots/1.wav', 'spots/1.sau')";
	struct import_report	 rep;
	struct store		*s;
	char			 err[256], sql[1024], code[16];
	char			*csv = NULL;
	size_t			 len = 0;
	FILE			*f;
	int			 u, k;

	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	f = open_memstream(&csv, &len);
	fprintf(f, "20,,division,Chattogram,চট্টগ্রাম\n"
	    "2022,20,district,Cox's Bazar,কক্সবাজার\n");
	for (u = 0; u < NUPAZILAS; u++) {
		fprintf(f, "2022%02d,2022,upazila,Upazila %d,উপজেলা %d\n",
		    11 + u, u + 1, u + 1);
		for (k = 0; k < NUNIONS; k++) {
			union_code(u * NUNIONS + k, code, sizeof(code));
			fprintf(f, "%s,2022%02d,union,Union %d-%d,ইউনিয়ন "
			    "%d-%d\n", code, 11 + u, u + 1, k + 1, u + 1,
			    k + 1);
		}
	}
	fclose(f);
	if (area_import(s, csv, len, 0, &rep) != 0 ||
	    store_tx_commit(s) != 0) {
		fprintf(stderr, "areas: %s %s\n", rep.fatal,
		    rep.nerrors ? rep.errors[0].msg : "");
		return 1;
	}
	free(csv);
	/* Person n lives in union n % 100: every union has N / 100. */
	snprintf(sql, sizeof(sql), "WITH RECURSIVE k(n) AS (SELECT 0 UNION"
	    " ALL SELECT n + 1 FROM k WHERE n < %lld) INSERT INTO recipients"
	    " (msisdn, union_code, lang, channel, programmes, created_at,"
	    " updated_at) SELECT '+88017' || printf('%%08d', n), '2022' ||"
	    " (11 + (n %% %d) / %d) || (11 + n %% %d), CASE WHEN n %% 3"
	    " THEN 'bn' ELSE 'en' END, 'voice', '', 0, 0 FROM k", n - 1,
	    NUPAZILAS * NUNIONS, NUNIONS, NUNIONS);
	if (exec(s, "BEGIN") == -1 || exec(s, sql) == -1 ||
	    exec(s, spot) == -1 || exec(s, "COMMIT") == -1)
		return 1;
	store_close(s);
	return 0;
}

/* One statement's wall time in its own transaction, ms; -1 on error. */
static double
timed_tx(struct store *s, const char *sql)
{
	double	 t0 = mono_ms();

	if (exec(s, "BEGIN") == -1 || exec(s, sql) == -1 ||
	    exec(s, "COMMIT") == -1)
		return -1;
	return mono_ms() - t0;
}

static int
run(const char *path, int nticks)
{
	static const char shape[] = "CREATE TABLE %s ("
	    " campaign_id INTEGER NOT NULL, recipient_id INTEGER NOT NULL,"
	    " ord INTEGER NOT NULL, union_code TEXT NOT NULL,"
	    " state INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,"
	    " slot INTEGER NOT NULL DEFAULT 0, aired INTEGER NOT NULL"
	    " DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, last_aired_at"
	    " INTEGER, PRIMARY KEY (campaign_id, recipient_id)) WITHOUT ROWID;"
	    " CREATE INDEX %s_due ON %s(campaign_id, next_at) WHERE state = 0";
	/* Every recipient is in the 100 unions: the same rows. */
	static const char bare[] = "INSERT INTO anchor_bare (campaign_id,"
	    " recipient_id, ord, union_code, next_at) SELECT 1, id, id,"
	    " union_code, id FROM recipients";
	struct camp_req		 req;
	struct camp_made	 made;
	struct camp_run		*cr;
	struct camp_dial	 d[WANT];
	struct store		*s;
	struct sched		 sc;
	sqlite3_stmt		*q;
	json_t			*body, *areas, *st;
	json_error_t		 je;
	const char		*code;
	char			 err[256], msg[512], sql[1024], uc[16];
	double			 t0, t_parse, t_plan, peak0, rss0, *tick, *done;
	double			 t, tick_worst = -1, tick_worst_cpu = 0, c0;
	double			 done_worst = -1, done_worst_cpu = 0;
	long			 v0, i0, v1, i1, tick_wv = 0, tick_wi = 0;
	long			 done_wv = 0, done_wi = 0;
	int64_t			 now, total, now_ms = 0, mono = 1000;
	int64_t			 audience, contacts, claimed = 0;
	size_t			 ndone = 0, cap;
	int			 status, pd, pw, ai, i, k, n, max_n = 0;
	int			 worst_at = 0;

	if ((s = store_open(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (store_checkpointer_start(s) == -1)
		return 1;
	now = store_now();
	areas = json_array();
	for (k = 0; k < NUPAZILAS * NUNIONS; k++) {
		union_code(k, uc, sizeof(uc));
		json_array_append_new(areas, json_string(uc));
	}
	body = json_pack("{s:s,s:[i],s:o,s:I,s:s,s:i,s:i,s:i}", "name",
	    "Cyclone shelters: where and when", "spots", 1, "areas", areas,
	    "ends_at", (json_int_t)(now + 7 * 86400), "windows",
	    "10:00-13:00,16:00-20:00", "per_day", 1, "per_week", 3,
	    "airings", 3);
	if (body == NULL) {
		fprintf(stderr, "json_pack failed\n");
		return 1;
	}
	/* Round-trip, so the parse sees what an HTTP body would give. */
	{
		char	*text = json_dumps(body, JSON_COMPACT);

		json_decref(body);
		if ((body = json_loads(text, 0, &je)) == NULL)
			return 1;
		free(text);
	}

	/* The plan. */
	sqlite_hi_mb(NULL);
	peak0 = peak_mb();
	rss0 = rss_mb();
	t0 = mono_ms();
	if (camp_campaign_parse(body, now, 8 * 60, 21 * 60, 3, &req, &status,
	    &code, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "parse: %d %s %s\n", status, code, msg);
		return 1;
	}
	t_parse = mono_ms() - t0;
	if (store_tx_begin(s) == -1 || camp_campaign_create(s, &req, NULL,
	    &made, &status, &code, msg, sizeof(msg)) != 0 ||
	    store_tx_commit(s) == -1) {
		fprintf(stderr, "create: %s\n", msg);
		return 1;
	}
	t_plan = mono_ms() - t0;
	printf("plan_ms %.0f\n", t_plan);
	printf("parse_ms %.3f\n", t_parse);
	printf("peak_before_mb %.1f\n", peak0);
	printf("peak_plan_mb %.1f\n", peak_mb());
	printf("peak_rise_mb %.1f\n", peak_mb() - peak0);
	printf("rss_before_mb %.1f\n", rss0);
	printf("rss_after_mb %.1f\n", rss_mb());
	printf("sqlite_heap_plan_mb %.1f\n", sqlite_hi_mb(&t));
	printf("sqlite_heap_after_mb %.1f\n", t);
	camp_campaign_req_clear(&req);
	json_decref(body);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM campaign_contacts"
	    " WHERE campaign_id = %lld", (long long)made.id);
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &q, NULL) != SQLITE_OK)
		return 1;
	contacts = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) :
	    -1;
	sqlite3_finalize(q);
	printf("audience %lld\n", (long long)made.audience);
	printf("contacts %lld\n", (long long)contacts);
	printf("planned %lld\n", (long long)made.planned);
	if (contacts != made.audience || made.audience <= 0) {
		fprintf(stderr, "plan: %lld contacts for an audience of %lld\n",
		    (long long)contacts, (long long)made.audience);
		return 1;
	}

	/* The loop: voice ticks over the week, then each call's end. */
	if (camp_campaign_get_sched(s, made.id, &sc, &pd, &pw, &ai,
	    &audience) != 0 || (total = sched_total(&sc)) <= 0)
		return 1;
	cr = camp_run_new();
	tick = calloc(nticks, sizeof(*tick));
	cap = (size_t)nticks * WANT;
	done = calloc(cap, sizeof(*done));
	if (tick == NULL || done == NULL)
		return 1;
	for (i = 0; i < nticks; i++) {
		now_ms = sched_at(&sc, (int64_t)(total * (0.02 + 0.96 * i /
		    nticks)));
		mono += TICK_MS;
		t0 = mono_ms();
		c0 = cpu_ms();
		csw(&v0, &i0);
		n = camp_claim(cr, s, now_ms, mono, WANT, d);
		store_batch_flush(s);
		tick[i] = mono_ms() - t0;
		if (tick[i] > tick_worst) {
			tick_worst = tick[i];
			tick_worst_cpu = cpu_ms() - c0;
			csw(&v1, &i1);
			tick_wv = v1 - v0;
			tick_wi = i1 - i0;
			worst_at = i;
		}
		claimed += n;
		if (n > max_n)
			max_n = n;
		tick_gap();
		for (k = 0; k < n; k++) {
			t0 = mono_ms();
			c0 = cpu_ms();
			csw(&v0, &i0);
			camp_call_done(s, d[k].campaign_id, d[k].recipient_id,
			    1, 1, now_ms, 2, 60);
			store_batch_flush(s);
			if (ndone < cap)
				done[ndone++] = t = mono_ms() - t0;
			if (t > done_worst) {
				done_worst = t;
				done_worst_cpu = cpu_ms() - c0;
				csw(&v1, &i1);
				done_wv = v1 - v0;
				done_wi = i1 - i0;
			}
		}
	}
	camp_run_free(cr);
	printf("ticks %d\n", nticks);
	printf("tick_gap_ms %d\n", tick_gap_ms);
	printf("claimed %lld\n", (long long)claimed);
	printf("claim_max_per_tick %d\n", max_n);
	printf("tick_worst_at %d\n", worst_at);
	printf("tick_worst_cpu %.3f\n", tick_worst_cpu);
	printf("done_worst_cpu %.3f\n", done_worst_cpu);
	printf("tick_worst_csw %ld/%ld\n", tick_wv, tick_wi);
	printf("done_worst_csw %ld/%ld\n", done_wv, done_wi);
	print_dist("tick", tick, nticks);
	print_dist("done", done, ndone);
	free(tick);
	free(done);

	/* An officer's GET of the campaign. */
	t0 = mono_ms();
	st = camp_campaign_status(s, made.id, now_ms, 1);
	t = mono_ms() - t0;
	if (st == NULL)
		return 1;
	printf("status_ms %.1f\n", t);
	printf("status_pending %lld\n", (long long)json_integer_value(
	    json_object_get(json_object_get(st, "totals"), "pending")));
	printf("status_unions %zu\n", json_array_size(json_object_get(st,
	    "unions")));
	json_decref(st);
	printf("peak_end_mb %.1f\n", peak_mb());
	/* The counters the GET read, checked against the rows (untimed). */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM campaign_contacts"
	    " WHERE campaign_id = %lld AND state IN (0, 1)",
	    (long long)made.id);
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &q, NULL) != SQLITE_OK)
		return 1;
	printf("status_pending_rows %lld\n", sqlite3_step(q) == SQLITE_ROW ?
	    (long long)sqlite3_column_int64(q, 0) : -1LL);
	sqlite3_finalize(q);

	/* An officer cancels it (POST /api/v1/campaigns/{id}/cancel). */
	t0 = mono_ms();
	c0 = cpu_ms();
	if (store_tx_begin(s) == -1 || camp_campaign_cancel(s, made.id,
	    &audience) != 0 || store_tx_commit(s) == -1)
		return 1;
	printf("cancel_ms %.1f\n", mono_ms() - t0);
	printf("cancel_cpu_ms %.1f\n", cpu_ms() - c0);
	printf("cancel_stopped %lld\n", (long long)audience);
	/* The voice ticks that stop its waiting contacts (first 200). */
	tick_worst = -1;
	for (i = 0; i < 200; i++) {
		t0 = mono_ms();
		c0 = cpu_ms();
		n = camp_sweep(s, now_ms, CAMP_SWEEP_ROWS);
		store_batch_flush(s);
		t = mono_ms() - t0;
		if (n != CAMP_SWEEP_ROWS)
			return 1;
		if (t > tick_worst) {
			tick_worst = t;
			tick_worst_cpu = cpu_ms() - c0;
		}
		tick_gap();
	}
	printf("sweep_rows %d\n", CAMP_SWEEP_ROWS);
	printf("sweep_max %.3f\n", tick_worst);
	printf("sweep_worst_cpu %.3f\n", tick_worst_cpu);

	/*
	 * The anchor starts, like the plan, from an empty WAL (the
	 * checkpointer has the plan's pages and the ticks' behind it).
	 */
	sqlite3_wal_checkpoint_v2(store_db(s), NULL, SQLITE_CHECKPOINT_TRUNCATE,
	    NULL, NULL);

	/* The anchor: same rows, same process, same table shape. */
	snprintf(sql, sizeof(sql), shape, "anchor_bare", "anchor_bare",
	    "anchor_bare");
	if (exec(s, sql) == -1)
		return 1;
	sqlite_hi_mb(NULL);
	if ((t = timed_tx(s, bare)) < 0)
		return 1;
	printf("anchor_ms %.0f\n", t);
	printf("anchor_rows %d\n", sqlite3_changes(store_db(s)));
	printf("sqlite_heap_anchor_mb %.1f\n", sqlite_hi_mb(NULL));
	store_close(s);
	return 0;
}

/* A whole positive decimal number up to max, or -1. */
static long long
count_arg(const char *a, long long max)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(a, &end, 10);
	if (errno != 0 || end == a || *end != '\0' || n <= 0 || n > max)
		return -1;
	return n;
}

int
main(int argc, char **argv)
{
	const char	*gap;
	long long	 n;

	log_init(LOG_TO_STDERR, 0, "campaign-plan");
	/*
	 * SQLite configured as sanketd configures it (store_config_daemon:
	 * no allocation statistics, statement journals in memory up to
	 * 4 MiB); SK_BENCH_SQLITE_HEAP=1 turns the statistics back on for
	 * the heap figures (a mutex around every SQLite malloc, shared with
	 * the checkpointer thread).
	 */
	store_config_daemon();
	heap_stats = getenv("SK_BENCH_SQLITE_HEAP") != NULL;
	if (heap_stats)
		(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 1);
	if ((gap = getenv("SK_BENCH_TICK_GAP_MS")) != NULL &&
	    (tick_gap_ms = strcmp(gap, "0") == 0 ? 0 :
	    (int)count_arg(gap, 1000)) < 0) {
		fprintf(stderr, "SK_BENCH_TICK_GAP_MS: 0 to 1000\n");
		return 2;
	}
	if (argc == 4 && strcmp(argv[1], "setup") == 0 &&
	    (n = count_arg(argv[3], 100000000)) > 0)
		return setup(argv[2], n);
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "run") == 0 &&
	    (argc == 3 || count_arg(argv[3], 10000000) > 0))
		return run(argv[2], argc == 4 ? (int)count_arg(argv[3],
		    10000000) : 2000);
	fprintf(stderr, "usage: campaign-plan setup DB N\n"
	    "       campaign-plan run DB [TICKS]\n");
	return 2;
}
