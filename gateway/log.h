/*
 * log.h: logging for sanketd and the sanket CLI, after OpenSMTPD's log.c.
 *
 * Until log_init() says otherwise messages go to stderr.  A daemonised
 * sanketd logs to syslog (facility daemon).  log_warn() appends strerror(errno);
 * log_warnx() does not.  fatal()/fatalx() log and exit(1): use them only at
 * start-up or on a broken invariant.  Messages carry the ids that let one grep
 * follow work end to end ("alert=42 msg=1001").
 */
#ifndef SK_LOG_H
#define SK_LOG_H

#include <stdarg.h>

#define LOG_TO_STDERR	0
#define LOG_TO_SYSLOG	1

void	log_init(int to, int verbose, const char *ident);
void	log_setverbose(int);
int	log_getverbose(void);
void	log_reopen(void);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
