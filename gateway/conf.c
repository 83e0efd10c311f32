/*
 * conf.c: see conf.h.  One table names every key with its type and range
 * (after Kannel's cfg.def); the inih handler looks the key up, parses the
 * value into the struct, and refuses anything it does not know.
 */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "schedule.h"
#include "xmalloc.h"

enum conf_type {
	CT_STR, CT_INT, CT_DOUBLE, CT_ADDR, CT_SIZE, CT_PORTS, CT_ENUM, CT_BOOL
};

/* CT_ENUM values, by key: the index of the word is stored. */
static const char *const conf_bangla_encoding[] = {
	"utf8", "utf16be", NULL
};

struct conf_key {
	const char	*section;
	const char	*key;
	enum conf_type	 type;
	size_t		 off;
	double		 min, max;
};

#define K(s, k, t, f, lo, hi) { s, k, t, offsetof(struct conf, f), lo, hi }
static const struct conf_key conf_keys[] = {
	K("gateway", "listen", CT_ADDR, listen, 0, 0),
	K("gateway", "callback_listen", CT_ADDR, callback_listen, 0, 0),
	K("gateway", "database", CT_STR, database, 0, 0),
	K("gateway", "callback_url", CT_STR, callback_url, 0, 0),
	K("gateway", "max_body", CT_SIZE, max_body, 1024, 1024.0 * 1024 * 1024),
	K("gateway", "request_timeout", CT_INT, request_timeout, 1, 3600),
	K("gateway", "commit_interval_ms", CT_INT, commit_interval_ms, 1, 10000),
	K("gateway", "commit_batch", CT_INT, commit_batch, 1, 1000000),
	K("gateway", "test_clock", CT_BOOL, test_clock, 0, 0),
	K("kannel", "sendsms_url", CT_STR, sendsms_url, 0, 0),
	K("kannel", "username", CT_STR, username, 0, 0),
	K("kannel", "password", CT_STR, password, 0, 0),
	K("kannel", "sender", CT_STR, sender, 0, 0),
	K("kannel", "rate", CT_DOUBLE, rate, 0.1, 100000),
	K("kannel", "window", CT_INT, window, 1, 10000),
	K("kannel", "status_url", CT_STR, status_url, 0, 0),
	K("kannel", "status_password", CT_STR, status_password, 0, 0),
	K("kannel", "status_interval", CT_INT, status_interval, 1, 3600),
	K("kannel", "callback_secret", CT_STR, callback_secret, 0, 0),
	K("kannel", "callback_allow", CT_STR, callback_allow, 0, 0),
	K("kannel", "max_parts", CT_INT, max_parts, 1, 255),
	K("kannel", "dlr_mask", CT_INT, dlr_mask, 0, 31),
	K("kannel", "queue_limit", CT_INT, queue_limit, 1, 100000000),
	K("kannel", "max_attempts", CT_INT, max_attempts, 1, 1000),
	K("kannel", "dlr_timeout", CT_INT, dlr_timeout, 1, 30 * 86400),
	K("kannel", "dlr_max_age", CT_INT, dlr_max_age, 60, 365 * 86400),
	K("kannel", "bangla_encoding", CT_ENUM, ucs2_utf16be, 0, 1),
	K("sip", "listen", CT_ADDR, sip_listen, 0, 0),
	K("sip", "trunk", CT_STR, sip_trunk, 0, 0),
	K("sip", "username", CT_STR, sip_username, 0, 0),
	K("sip", "password", CT_STR, sip_password, 0, 0),
	K("sip", "channels", CT_INT, sip_channels, 1, 10000),
	K("sip", "rtp_ports", CT_PORTS, rtp_port_min, 0, 0),
	K("sip", "enable", CT_BOOL, sip_enable, 0, 0),
	K("sip", "media_ip", CT_STR, sip_media_ip, 0, 0),
	K("sip", "max_calls", CT_INT, sip_max_calls, 1, 100000),
	K("sip", "rate_per_source", CT_INT, sip_rate_per_source, 0, 100000),
	K("sip", "trunk_only", CT_BOOL, sip_trunk_only, 0, 0),
	K("sip", "register", CT_INT, sip_register, 0, 86400),
	K("sip", "ring_timeout", CT_INT, sip_ring_timeout, 5, 600),
	K("sip", "rtp_timeout", CT_INT, rtp_timeout, 0, 3600),
	K("ivr", "prompts", CT_STR, ivr_prompts, 0, 0),
	K("ivr", "menu", CT_STR, ivr_menu, 0, 0),
	K("ivr", "recordings", CT_STR, ivr_recordings, 0, 0),
	K("ivr", "callout_attempts", CT_INT, callout_attempts, 1, 20),
	K("ivr", "callout_interval", CT_INT, callout_interval, 1, 86400),
	K("campaigns", "day", CT_STR, camp_day, 0, 0),
	K("campaigns", "channels", CT_INT, camp_channels, 0, 10000),
	K("replies", "dedupe_window", CT_INT, dedupe_window, 0, 86400),
	K("relief", "wrong_codes", CT_INT, wrong_codes, 1, 1000),
	K("relief", "wrong_code_window", CT_INT, wrong_code_window, 60,
	    30 * 86400),
	K("audio", "target_lufs", CT_DOUBLE, target_lufs, -70, -5),
	K("audio", "max_seconds", CT_DOUBLE, audio_max_seconds, 1, 86400),
};
#undef K

struct conf_ctx {
	struct conf	*conf;
	char		*err;
	size_t		 errlen;
};

static void
conf_setstr(char **dst, const char *v)
{
	free(*dst);
	*dst = xstrdup(v);
}

void
conf_defaults(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	conf_addr_parse(&c->listen, "127.0.0.1:8080");
	conf_addr_parse(&c->callback_listen, "127.0.0.1:8081");
	c->database = xstrdup("var/sanket.db");
	c->callback_url = xstrdup("http://127.0.0.1:8081");
	c->max_body = 16 * 1024 * 1024;
	c->request_timeout = 30;
	c->commit_interval_ms = 5;
	c->commit_batch = 1000;
	c->sendsms_url = xstrdup("http://127.0.0.1:13013/cgi-bin/sendsms");
	c->username = xstrdup("sanket");
	c->password = xstrdup("");
	c->sender = xstrdup("sanket");
	c->rate = 100;
	c->window = 32;
	c->status_url = xstrdup("");
	c->status_password = xstrdup("");
	c->status_interval = 5;
	c->callback_secret = xstrdup("");
	c->callback_allow = xstrdup("127.0.0.1 ::1");
	c->max_parts = 10;
	c->dlr_mask = 31;
	c->queue_limit = 10000;
	c->max_attempts = 12;
	c->dlr_timeout = 3600;
	c->dlr_max_age = 7 * 86400;
	c->ucs2_utf16be = 0;
	conf_addr_parse(&c->sip_listen, "127.0.0.1:5060");
	c->sip_trunk = xstrdup("");
	c->sip_username = xstrdup("");
	c->sip_password = xstrdup("");
	c->sip_channels = 30;
	c->rtp_port_min = 20000;
	c->rtp_port_max = 29999;
	c->ivr_prompts = xstrdup("prompts");
	c->ivr_menu = xstrdup("ivr-menu.conf");
	c->ivr_recordings = xstrdup("recordings");
	c->sip_enable = 1;
	c->sip_media_ip = xstrdup("");
	c->sip_max_calls = 1000;
	c->sip_rate_per_source = 50;
	c->sip_register = 0;
	c->sip_ring_timeout = 45;
	c->rtp_timeout = 30;
	c->callout_attempts = 3;
	c->callout_interval = 300;
	c->camp_day = xstrdup("08:00-21:00");
	c->camp_day_from = 8 * 60;
	c->camp_day_to = 21 * 60;
	c->dedupe_window = 600;
	c->wrong_codes = 5;
	c->wrong_code_window = 3600;
	c->target_lufs = -19;
	c->audio_max_seconds = 600;
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	free(c->path);
	free(c->database);
	free(c->callback_url);
	free(c->sendsms_url);
	free(c->username);
	free(c->password);
	free(c->sender);
	free(c->status_url);
	free(c->status_password);
	free(c->callback_secret);
	free(c->callback_allow);
	free(c->sip_trunk);
	free(c->sip_username);
	free(c->sip_password);
	free(c->ivr_prompts);
	free(c->ivr_menu);
	free(c->ivr_recordings);
	free(c->camp_day);
	free(c->sip_media_ip);
	memset(c, 0, sizeof(*c));
}

static int
conf_long(const char *v, long long *out)
{
	char		*end;
	long long	 n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (end == v || errno != 0)
		return -1;
	*out = n;
	return end - v;
}

int
conf_addr_parse(struct conf_addr *a, const char *v)
{
	const char	*colon;
	long long	 port = -1;
	size_t		 hl;

	if ((colon = strrchr(v, ':')) == NULL)
		return -1;
	hl = colon - v;
	if (hl == 0 || hl >= sizeof(a->host))
		return -1;
	if (conf_long(colon + 1, &port) != (int)strlen(colon + 1) ||
	    port < 0 || port > 65535)
		return -1;
	memcpy(a->host, v, hl);
	a->host[hl] = '\0';
	a->port = (uint16_t)port;
	return 0;
}

/* "16M", "512k", "1048576" */
static int
conf_size(const char *v, double *out)
{
	char	*end;
	double	 n;

	errno = 0;
	n = strtod(v, &end);
	if (end == v || errno != 0 || n < 0)
		return -1;
	switch (*end) {
	case 'k': case 'K': n *= 1024; end++; break;
	case 'm': case 'M': n *= 1024 * 1024; end++; break;
	case 'g': case 'G': n *= 1024.0 * 1024 * 1024; end++; break;
	}
	if (*end != '\0')
		return -1;
	*out = n;
	return 0;
}

static int
conf_handler(void *arg, const char *section, const char *key, const char *v)
{
	struct conf_ctx		*ctx = arg;
	const struct conf_key	*k = NULL;
	char			*base = (char *)ctx->conf;
	long long		 n = 0;
	double			 d;
	size_t			 i;

	for (i = 0; i < sizeof(conf_keys) / sizeof(conf_keys[0]); i++)
		if (strcmp(conf_keys[i].section, section) == 0 &&
		    strcmp(conf_keys[i].key, key) == 0) {
			k = &conf_keys[i];
			break;
		}
	if (k == NULL) {
		snprintf(ctx->err, ctx->errlen, "unknown key \"%s\" in [%s]",
		    key, section);
		return 0;
	}
	switch (k->type) {
	case CT_STR:
		conf_setstr((char **)(base + k->off), v);
		return 1;
	case CT_ADDR:
		if (conf_addr_parse((struct conf_addr *)(base + k->off), v)
		    == -1) {
			snprintf(ctx->err, ctx->errlen, "%s: \"%s\" is not "
			    "host:port", key, v);
			return 0;
		}
		return 1;
	case CT_INT:
		if (conf_long(v, &n) != (int)strlen(v) || n < k->min ||
		    n > k->max) {
			snprintf(ctx->err, ctx->errlen, "%s: \"%s\" is not an "
			    "integer in %.0f..%.0f", key, v, k->min, k->max);
			return 0;
		}
		*(int *)(base + k->off) = (int)n;
		return 1;
	case CT_DOUBLE:
	case CT_SIZE: {
		char	*end;

		if (k->type == CT_SIZE) {
			if (conf_size(v, &d) == -1)
				d = NAN;
		} else {
			errno = 0;
			d = strtod(v, &end);
			if (end == v || *end != '\0' || errno != 0)
				d = NAN;
		}
		if (isnan(d) || d < k->min || d > k->max) {
			snprintf(ctx->err, ctx->errlen, "%s: \"%s\" is not a "
			    "number in %g..%g", key, v, k->min, k->max);
			return 0;
		}
		if (k->type == CT_SIZE)
			*(size_t *)(base + k->off) = (size_t)d;
		else
			*(double *)(base + k->off) = d;
		return 1;
	}
	case CT_ENUM: {
		const char *const *w = conf_bangla_encoding;
		int	 e;

		for (e = 0; w[e] != NULL; e++)
			if (strcmp(w[e], v) == 0)
				break;
		if (w[e] == NULL) {
			snprintf(ctx->err, ctx->errlen, "%s: \"%s\" is not "
			    "utf8 or utf16be", key, v);
			return 0;
		}
		*(int *)(base + k->off) = e;
		return 1;
	}
	case CT_BOOL:
		if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
		    strcmp(v, "1") == 0)
			*(int *)(base + k->off) = 1;
		else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
		    strcmp(v, "0") == 0)
			*(int *)(base + k->off) = 0;
		else {
			snprintf(ctx->err, ctx->errlen, "%s: \"%s\" is not yes "
			    "or no", key, v);
			return 0;
		}
		return 1;
	case CT_PORTS: {
		long long	 lo = 0, hi = -1;
		int		 l1;

		if ((l1 = conf_long(v, &lo)) <= 0 || v[l1] != '-' ||
		    conf_long(v + l1 + 1, &hi) != (int)strlen(v + l1 + 1) ||
		    lo < 1024 || hi > 65535 || lo > hi || (lo % 2) != 0) {
			snprintf(ctx->err, ctx->errlen, "%s: \"%s\" is not an "
			    "even-started port range like 20000-29999", key, v);
			return 0;
		}
		ctx->conf->rtp_port_min = (uint16_t)lo;
		ctx->conf->rtp_port_max = (uint16_t)hi;
		return 1;
	}
	}
	return 0;
}

/* Make *p absolute, relative to the directory of path. */
static void
conf_resolve_one(char **p, const char *path)
{
	const char	*slash;
	char		*abs;

	if ((*p)[0] == '/' || (*p)[0] == '\0' || strcmp(*p, ":memory:") == 0)
		return;
	if ((slash = strrchr(path, '/')) == NULL)
		return;
	xasprintf(&abs, "%.*s/%s", (int)(slash - path), path, *p);
	free(*p);
	*p = abs;
}

/* The database, prompts, menu and recordings: relative to the file. */
static void
conf_resolve(struct conf *c, const char *path)
{
	conf_resolve_one(&c->database, path);
	conf_resolve_one(&c->ivr_prompts, path);
	conf_resolve_one(&c->ivr_menu, path);
	conf_resolve_one(&c->ivr_recordings, path);
}

int
conf_load(struct conf *c, const char *path, char *err, size_t errlen)
{
	struct conf_ctx	 ctx = { c, err, errlen };
	struct sched	 day;
	char		 msg[512] = "";
	int		 line;

	ctx.err = msg;
	ctx.errlen = sizeof(msg);
	free(c->path);
	if ((c->path = realpath(path, NULL)) == NULL)
		c->path = xstrdup(path);
	line = ini_parse(path, conf_handler, &ctx);
	if (line == -1) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
		    strerror(errno));
		return -1;
	}
	if (line == -2) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (line > 0) {
		snprintf(err, errlen, "%s:%d: %s", path, line,
		    msg[0] ? msg : "syntax error");
		return -1;
	}
	if (c->database[0] == '\0') {
		snprintf(err, errlen, "%s: [gateway] database is empty", path);
		return -1;
	}
	if (sched_windows_parse(&day, c->camp_day, 0, 1440, msg,
	    sizeof(msg)) == -1 || day.nwin != 1) {
		snprintf(err, errlen, "%s: [campaigns] day: \"%s\" is not "
		    "one span of hours like 08:00-21:00", path, c->camp_day);
		return -1;
	}
	c->camp_day_from = day.win[0].start;
	c->camp_day_to = day.win[0].end;
	conf_resolve(c, c->path);
	return 0;
}
