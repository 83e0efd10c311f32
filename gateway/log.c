/*
 * log.c: see log.h.  Line-buffered stderr in the foreground, syslog(3) when
 * daemonised.  Safe to call before log_init() (writes to stderr).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static int	 log_to = LOG_TO_STDERR;
static int	 log_verbose;
static const char *log_ident = "sanket";

void
log_init(int to, int verbose, const char *ident)
{
	log_to = to;
	log_verbose = verbose;
	if (ident != NULL)
		log_ident = ident;
	if (log_to == LOG_TO_SYSLOG)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	else
		setvbuf(stderr, NULL, _IOLBF, 0);
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return log_verbose;
}

/* SIGHUP: syslog reconnects; stderr has nothing to reopen. */
void
log_reopen(void)
{
	if (log_to == LOG_TO_SYSLOG) {
		closelog();
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	}
}

static void
vlog(int pri, const char *fmt, va_list ap, int with_errno)
{
	char	 msg[2048];
	int	 saved = errno;
	size_t	 n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno) {
		n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(saved));
	}
	if (log_to == LOG_TO_SYSLOG)
		syslog(pri, "%s", msg);
	else {
		struct timespec	 ts;
		struct tm	 tm;
		char		 tbuf[32];

		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%S", &tm);
		fprintf(stderr, "%s.%03ldZ %s: %s\n", tbuf,
		    ts.tv_nsec / 1000000, log_ident, msg);
	}
	errno = saved;
}

#define LOGFN(name, pri, err, cond)			\
void							\
name(const char *fmt, ...)				\
{							\
	va_list ap;					\
	if (!(cond))					\
		return;					\
	va_start(ap, fmt);				\
	vlog(pri, fmt, ap, err);			\
	va_end(ap);					\
}
LOGFN(log_warn, LOG_WARNING, 1, 1)
LOGFN(log_warnx, LOG_WARNING, 0, 1)
LOGFN(log_info, LOG_INFO, 0, 1)
LOGFN(log_debug, LOG_DEBUG, 0, log_verbose > 0)

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, 0);
	va_end(ap);
	exit(1);
}
