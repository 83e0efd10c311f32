/*
 * tap.h: a minimal TAP producer for sanket's unit tests.  Each test binary
 * prints "ok N - name" / "not ok N - name" lines and a final plan; automake's
 * tap-driver.sh counts them, so the suite total is the number of checks.
 *
 *	ok(cond, "name %d", x);	is_str(got, want, "name");	is_int(...)
 *	skip("reason");	return done_testing();
 */
#ifndef SK_TAP_H
#define SK_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static int __attribute__((format(printf, 2, 3), unused))
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

static void __attribute__((unused))
diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define is_str(got, want, ...) do {					\
	const char *g_ = (got), *w_ = (want);				\
	int c_ = (g_ == NULL && w_ == NULL) ||				\
	    (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0);		\
	if (!ok(c_, __VA_ARGS__))					\
		diag("got \"%s\", want \"%s\"", g_ ? g_ : "(null)",	\
		    w_ ? w_ : "(null)");				\
} while (0)

#define is_int(got, want, ...) do {					\
	long long g_ = (got), w_ = (want);				\
	if (!ok(g_ == w_, __VA_ARGS__))					\
		diag("got %lld, want %lld", g_, w_);			\
} while (0)

static void __attribute__((unused))
skip(const char *why)
{
	printf("ok %d # SKIP %s\n", ++tap_n, why);
}

static int __attribute__((unused))
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
