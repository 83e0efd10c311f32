/*
 * kconf.h: the kannel.conf groups that match a sanket configuration
 * (`sanket kannel-config`): smsbox, sendsms-user and the catch-all
 * sms-service whose get-url points at sanketd's MO callback.
 *
 * A pure function of the configuration: no I/O besides the FILE it writes
 * to, no network, so it is unit-tested on strings (tests/unit/test_kconf.c).
 * Every value is checked before the first byte is written: a refused
 * configuration writes nothing.
 */
#ifndef SK_KCONF_H
#define SK_KCONF_H

#include <stddef.h>
#include <stdio.h>

#define KCONF_BEARERBOX_PORT	13001	/* Kannel's usual smsbox-port */

struct conf;

struct kconf_opts {
	int		 bearerbox_port;	/* 0 = KCONF_BEARERBOX_PORT */
	const char	*log_dir;		/* NULL = no log-file lines */
};

/*
 * Write the groups to f.  Refuses (-1, err says why, nothing written) when
 * [kannel] callback_secret is empty or not URL-safe ([A-Za-z0-9._~-]),
 * sendsms_url is not an http://host[:port]/path URL, callback_url is not
 * an http(s) URL usable inside a Kannel get-url, username or password is
 * empty or holds a character kannel.conf cannot quote, the log directory
 * likewise, or the bearerbox port is out of range.  -1 too if writing to
 * f fails.  0 on success.
 */
int	kconf_write(FILE *f, const struct conf *, const struct kconf_opts *,
	    char *err, size_t errlen);

#endif
