/*
 * relief-verify.c: the library half of bench/relief-verify.sh.
 *
 *	relief-verify DB N
 *
 * Builds union 20224510 with N beneficiaries, one VGF distribution
 * (relief_dist_create: N codes, N notices, then cancelled so a daemon on
 * the file has nothing to send) and N receipts through relief_receipt()
 * (the officer's path, every tenth short), so the chain is the real one.
 * Then times relief_verify() (best of 3) against the anchor: one plain
 * scan of the same rows and columns in the same process, the least any
 * verification must read.  Prints "key value" lines for the script.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "areas.h"
#include "campaigns.h"
#include "log.h"
#include "store.h"

static const char areas_csv[] =
    "20,,division,Chattogram,চট্টগ্রাম\n"
    "2022,20,district,Cox's Bazar,কক্সবাজার\n"
    "202245,2022,upazila,Kutubdia,কুতুবদিয়া\n"
    "20224510,202245,union,Ali Akbar Deil,আলী আকবর ডেইল\n";

static double
now_ms(void)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int
scan_cb(void *arg, int n, char **v, char **names)
{
	long long	*sum = arg;
	int		 i;

	for (i = 0; i < n; i++)
		if (v[i] != NULL)
			*sum += (long long)strlen(v[i]);
	return 0;
}

int
main(int argc, char **argv)
{
	static const char scan[] = "SELECT id, seq, distribution_id,"
	    " entitlement_id, kind, quantity, channel, actor, at_ms, raw,"
	    " prev_hash, hash FROM receipts WHERE union_code = '20224510'"
	    " ORDER BY seq";
	struct import_report	 rep;
	struct relief_req	 req;
	struct relief_made	 made;
	struct receipt_in	 in;
	struct receipt_out	 out;
	struct store		*s;
	const char		*code;
	char			 err[256], msg[512], sql[512], raw[64];
	json_t			*v;
	double			 t0, t, best = 1e9, anchor = 1e9;
	long long		 sum;
	int64_t			 first, i, n;
	int			 status, k;

	if (argc != 3 || (n = atoll(argv[2])) <= 0) {
		fprintf(stderr, "usage: relief-verify DB N\n");
		return 2;
	}
	log_init(LOG_TO_STDERR, 0, "relief-verify");
	if ((s = store_open(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (area_import(s, areas_csv, sizeof(areas_csv) - 1, 0, &rep) != 0 ||
	    store_tx_commit(s) != 0)
		return 1;
	snprintf(sql, sizeof(sql), "WITH RECURSIVE k(n) AS (SELECT 1 UNION"
	    " ALL SELECT n + 1 FROM k WHERE n < %lld) INSERT INTO recipients"
	    " (msisdn, union_code, lang, channel, programmes, created_at,"
	    " updated_at) SELECT '+88017' || printf('%%08d', n), '20224510',"
	    " CASE WHEN n %% 3 THEN 'bn' ELSE 'en' END, 'sms', 'VGF', 0, 0"
	    " FROM k", (long long)n);
	if (sqlite3_exec(store_db(s), sql, NULL, NULL, NULL) != SQLITE_OK)
		return 1;

	memset(&req, 0, sizeof(req));
	req.union_code = "20224510";
	req.programme = strdup("VGF");
	req.item = strdup("rice");
	req.unit = strdup("kg");
	req.place = strdup("Union Parishad office");
	req.quantity = 30;
	req.at = store_now() + 86400;
	t0 = now_ms();
	if (store_tx_begin(s) == -1 || relief_dist_create(s, &req, 0, 10,
	    &made, &status, &code, msg, sizeof(msg), NULL) != 0 ||
	    store_tx_commit(s) == -1) {
		fprintf(stderr, "create: %s\n", msg);
		return 1;
	}
	printf("create_ms %.0f\n", now_ms() - t0);
	sqlite3_exec(store_db(s), "UPDATE messages SET state = 5 WHERE"
	    " origin = 'relief'", NULL, NULL, NULL);

	snprintf(sql, sizeof(sql), "SELECT min(id) FROM entitlements WHERE"
	    " distribution_id = %lld", (long long)made.id);
	if (store_int64(s, sql, &first) == -1)
		return 1;
	memset(&in, 0, sizeof(in));
	in.kind = RECEIPT_RECEIVED;
	in.distribution_id = made.id;
	in.channel = "api";
	in.actor = "token:1";
	t0 = now_ms();
	store_tx_begin(s);
	for (i = 0; i < n; i++) {
		in.entitlement_id = first + i;
		in.qty = i % 10 == 0 ? 25 : 0;
		snprintf(raw, sizeof(raw), "handed over, slip %lld",
		    (long long)i);
		in.raw = raw;
		if (relief_receipt(s, &in, &out) != RECEIPT_OK) {
			fprintf(stderr, "receipt %lld failed\n", (long long)i);
			return 1;
		}
		if (i % 10000 == 9999) {
			store_tx_commit(s);
			store_tx_begin(s);
		}
	}
	store_tx_commit(s);
	printf("receipts %lld\n", (long long)n);
	printf("receipt_ms %.0f\n", now_ms() - t0);

	for (k = 0; k < 3; k++) {
		t0 = now_ms();
		v = relief_verify(s, "20224510");
		t = now_ms() - t0;
		if (v == NULL || !json_is_true(json_object_get(v, "ok")) ||
		    json_integer_value(json_object_get(v, "entries")) != n) {
			fprintf(stderr, "verify failed\n");
			return 1;
		}
		json_decref(v);
		if (t < best)
			best = t;
		sum = 0;
		t0 = now_ms();
		sqlite3_exec(store_db(s), scan, scan_cb, &sum, NULL);
		t = now_ms() - t0;
		if (t < anchor)
			anchor = t;
	}
	printf("verify_ms %.1f\n", best);
	printf("scan_ms %.1f\n", anchor);
	store_close(s);
	return 0;
}
