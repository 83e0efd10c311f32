/*
 * kconf.c: the kannel.conf groups that match a sanket configuration (see
 * kconf.h).  What each setting is for comes from Kannel 1.4.5 behaviour
 * verified in sanket's Kannel lab (DESIGN.md "Kannel"), and each printed
 * line carries that reason as a comment, so an operator pasting the groups
 * knows which ones must not be "tidied away".
 *
 * Two phases: kconf_check() validates every value and fills struct kparts
 * (host, port, path, the get-url base); only then does kconf_write() print.
 * Values are written inside kannel.conf double quotes, which cannot hold a
 * '"' or a backslash safely, so those (and control characters) are
 * refused rather than escaped.  The get-url is a Kannel pattern: a '%' in
 * callback_url would be read as an escape code, so it is refused too.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/http.h>

#include "conf.h"
#include "kconf.h"
#include "xmalloc.h"

#define KCONF_SENDSMS_PATH	"/cgi-bin/sendsms"	/* smsbox default */

/* The get-url's query after the secret: see the comment printed with it. */
#define KCONF_MO_ARGS							\
	"&from=%p&to=%P&text=%a&coding=%c&charset=%C&smsc=%i&id=%I&ts=%T"

struct kparts {
	char	*iface;		/* sendsms-interface */
	int	 port;		/* sendsms-port */
	char	*path;		/* sendsms path if not the default, or NULL */
	char	*mo_base;	/* callback_url without trailing '/' */
	char	*log_dir;	/* without trailing '/', or NULL */
	int	 bb_port;
};

static void
kparts_clear(struct kparts *k)
{
	free(k->iface);
	free(k->path);
	free(k->mo_base);
	free(k->log_dir);
	memset(k, 0, sizeof(*k));
}

/* 1 if s can stand inside kannel.conf double quotes. */
static int
kconf_quotable(const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\')
			return 0;
	return 1;
}

/* 1 if s is non-empty and only RFC 3986 unreserved characters. */
static int
kconf_url_safe(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789-._~", *s) == NULL)
			return 0;
	return 1;
}

static int
kconf_check_sendsms(struct kparts *k, const char *url, char *err,
    size_t errlen)
{
	struct evhttp_uri	*u;
	const char		*scheme, *host, *path;
	size_t			 n;
	int			 rc = -1;

	if (!kconf_quotable(url) || (u = evhttp_uri_parse(url)) == NULL) {
		snprintf(err, errlen, "[kannel] sendsms_url \"%s\" is not a "
		    "URL", url);
		return -1;
	}
	scheme = evhttp_uri_get_scheme(u);
	host = evhttp_uri_get_host(u);
	path = evhttp_uri_get_path(u);
	if (scheme == NULL || strcasecmp(scheme, "http") != 0) {
		snprintf(err, errlen, "[kannel] sendsms_url \"%s\": only "
		    "http:// is supported", url);
		goto out;
	}
	if (host == NULL || *host == '\0') {
		snprintf(err, errlen, "[kannel] sendsms_url \"%s\" has no "
		    "host", url);
		goto out;
	}
	if (path == NULL || *path == '\0' || strcmp(path, "/") == 0) {
		snprintf(err, errlen, "[kannel] sendsms_url \"%s\" has no "
		    "path (smsbox serves %s)", url, KCONF_SENDSMS_PATH);
		goto out;
	}
	n = strlen(host);
	if (host[0] == '[' && n > 2 && host[n - 1] == ']')
		k->iface = xstrndup(host + 1, n - 2);
	else
		k->iface = xstrdup(host);
	k->port = evhttp_uri_get_port(u);
	if (k->port == -1)
		k->port = 80;
	if (k->port <= 0 || k->port > 65535) {
		snprintf(err, errlen, "[kannel] sendsms_url \"%s\": bad port",
		    url);
		goto out;
	}
	if (strcmp(path, KCONF_SENDSMS_PATH) != 0)
		k->path = xstrdup(path);
	rc = 0;
out:
	evhttp_uri_free(u);
	return rc;
}

static int
kconf_check_callback(struct kparts *k, const char *url, char *err,
    size_t errlen)
{
	struct evhttp_uri	*u = NULL;
	const char		*scheme, *host, *p;
	size_t			 n;

	for (p = url; *p != '\0'; p++)
		if (*p == ' ' || *p == '%')
			break;
	if (*p != '\0' || !kconf_quotable(url) ||
	    (u = evhttp_uri_parse(url)) == NULL) {
		snprintf(err, errlen, "[gateway] callback_url \"%s\" is not a "
		    "URL Kannel can call (no spaces, quotes or %%)", url);
		goto fail;
	}
	scheme = evhttp_uri_get_scheme(u);
	host = evhttp_uri_get_host(u);
	if (scheme == NULL || (strcasecmp(scheme, "http") != 0 &&
	    strcasecmp(scheme, "https") != 0) || host == NULL ||
	    *host == '\0') {
		snprintf(err, errlen, "[gateway] callback_url \"%s\" is not an "
		    "http:// or https:// URL", url);
		goto fail;
	}
	if (evhttp_uri_get_query(u) != NULL ||
	    evhttp_uri_get_fragment(u) != NULL) {
		snprintf(err, errlen, "[gateway] callback_url \"%s\" must not "
		    "have a query or fragment", url);
		goto fail;
	}
	evhttp_uri_free(u);
	n = strlen(url);
	while (n > 0 && url[n - 1] == '/')
		n--;
	k->mo_base = xstrndup(url, n);
	return 0;

fail:
	if (u != NULL)
		evhttp_uri_free(u);
	return -1;
}

static int
kconf_check(struct kparts *k, const struct conf *c,
    const struct kconf_opts *o, char *err, size_t errlen)
{
	size_t	 n;

	memset(k, 0, sizeof(*k));
	if (c->callback_secret == NULL || *c->callback_secret == '\0') {
		snprintf(err, errlen, "[kannel] callback_secret is empty: "
		    "anyone could post forged MO to sanketd (make one with "
		    "`openssl rand -hex 24`)");
		goto fail;
	}
	if (!kconf_url_safe(c->callback_secret)) {
		snprintf(err, errlen, "[kannel] callback_secret may hold only "
		    "A-Z a-z 0-9 - . _ ~ (it is sent in a URL)");
		goto fail;
	}
	if (c->sendsms_url == NULL ||
	    kconf_check_sendsms(k, c->sendsms_url, err, errlen) == -1)
		goto fail;
	if (c->callback_url == NULL ||
	    kconf_check_callback(k, c->callback_url, err, errlen) == -1)
		goto fail;
	if (c->username == NULL || *c->username == '\0' ||
	    !kconf_quotable(c->username)) {
		snprintf(err, errlen, "[kannel] username is empty or holds a "
		    "quote, backslash or control character");
		goto fail;
	}
	if (c->password == NULL || *c->password == '\0' ||
	    !kconf_quotable(c->password)) {
		snprintf(err, errlen, "[kannel] password is empty or holds a "
		    "quote, backslash or control character");
		goto fail;
	}
	k->bb_port = o != NULL && o->bearerbox_port != 0 ?
	    o->bearerbox_port : KCONF_BEARERBOX_PORT;
	if (k->bb_port < 1 || k->bb_port > 65535) {
		snprintf(err, errlen, "bearerbox port %d is not in 1..65535",
		    k->bb_port);
		goto fail;
	}
	if (o != NULL && o->log_dir != NULL) {
		if (*o->log_dir == '\0' || !kconf_quotable(o->log_dir)) {
			snprintf(err, errlen, "log directory \"%s\" is empty "
			    "or holds a quote, backslash or control character",
			    o->log_dir);
			goto fail;
		}
		n = strlen(o->log_dir);
		while (n > 1 && o->log_dir[n - 1] == '/')
			n--;
		k->log_dir = xstrndup(o->log_dir, n);
	}
	return 0;

fail:
	kparts_clear(k);
	return -1;
}

static void
kconf_print_smsbox(FILE *f, const struct kparts *k)
{
	const char	*sep;

	fprintf(f,
	    "group = smsbox\n"
	    "# smsbox connects to bearerbox on the core group's "
	    "smsbox-port.\n"
	    "bearerbox-host = 127.0.0.1\n"
	    "bearerbox-port = %d\n"
	    "# sanketd submits MT here: host and port of [kannel] "
	    "sendsms_url.\n"
	    "sendsms-interface = %s\n"
	    "sendsms-port = %d\n",
	    k->bb_port, k->iface, k->port);
	if (k->path != NULL)
		fprintf(f,
		    "# The path of [kannel] sendsms_url (smsbox's default "
		    "is " KCONF_SENDSMS_PATH ").\n"
		    "sendsms-url = \"%s\"\n", k->path);
	fprintf(f,
	    "# Bangla MO arrives as UCS-2: recode it so that %%a is UTF-8 "
	    "text (coding 0,\n"
	    "# charset UTF-8).  Without it Kannel splits %%a on raw UTF-16 "
	    "bytes and the\n"
	    "# text is destroyed.\n"
	    "mo-recode = true\n"
	    "# Kannel drops a get-url request that fails unless it retries "
	    "(default 0\n"
	    "# retries): a lost MO is a lost confirmation.  A retry repeats "
	    "the same\n"
	    "# request, so sanketd must answer fast and take it as one MO.\n"
	    "http-request-retry = 3\n"
	    "# Retry after 1 s, not the default 10 s.\n"
	    "http-queue-delay = 1\n");
	if (k->log_dir != NULL) {
		sep = strcmp(k->log_dir, "/") == 0 ? "" : "/";
		fprintf(f,
		    "# 1 = info, one line per message; 0 (the default) is "
		    "debug.\n"
		    "log-file = \"%s%ssmsbox.log\"\n"
		    "log-level = 1\n"
		    "# Every MO and MT, for tracing a message end to end.\n"
		    "access-log = \"%s%ssmsbox-access.log\"\n",
		    k->log_dir, sep, k->log_dir, sep);
	}
}

static void
kconf_print_user(FILE *f, const struct conf *c)
{
	fprintf(f,
	    "group = sendsms-user\n"
	    "# sanketd's credentials: [kannel] username and password.\n"
	    "username = \"%s\"\n"
	    "password = \"%s\"\n"
	    "# Only sanketd, on this host, may submit.\n"
	    "user-allow-ip = \"127.0.0.1\"\n"
	    "# At most %d parts per message ([kannel] max_parts: %d Bangla "
	    "characters).\n"
	    "# Kannel drops parts beyond max-messages silently and still "
	    "answers 202,\n"
	    "# so sanketd refuses a longer text when the alert is "
	    "created.\n"
	    "max-messages = %d\n"
	    "# A long text goes out as concatenated parts (UDH), shown as "
	    "one message:\n"
	    "# 67 characters per part in Bangla (UCS-2), 153 in GSM "
	    "7-bit.\n"
	    "concatenation = true\n",
	    c->username, c->password, c->max_parts, c->max_parts * 67,
	    c->max_parts);
}

static void
kconf_print_service(FILE *f, const struct conf *c, const struct kparts *k)
{
	fprintf(f,
	    "group = sms-service\n"
	    "# One service for every MO whatever its first word: sanketd "
	    "parses replies\n"
	    "# itself (Bangla, Banglish, English).\n"
	    "keyword = default\n"
	    "catch-all = true\n"
	    "# MO to sanketd's callback listener.  secret = [kannel] "
	    "callback_secret;\n"
	    "# %%p is the handset, %%P our number, %%a the text (UTF-8 "
	    "with mo-recode),\n"
	    "# %%c/%%C its coding and charset, %%i the SMSC, %%I Kannel's "
	    "id, %%T the time.\n"
	    "get-url = \"%s/kannel/mo?secret=%s%s\"\n"
	    "# Never text the get-url's answer back to the citizen: sanketd "
	    "replies via\n"
	    "# sendsms.  0 also stops \"Could not fetch content, sorry.\" "
	    "when the get-url\n"
	    "# fails.\n"
	    "max-messages = 0\n"
	    "# Replies longer than one SMS would go out concatenated (none "
	    "are sent).\n"
	    "concatenation = true\n"
	    "# No warning SMS to the citizen for an empty answer.\n"
	    "omit-empty = true\n",
	    k->mo_base, c->callback_secret, KCONF_MO_ARGS);
}

int
kconf_write(FILE *f, const struct conf *c, const struct kconf_opts *o,
    char *err, size_t errlen)
{
	struct kparts	 k;

	if (kconf_check(&k, c, o, err, errlen) == -1)
		return -1;
	fprintf(f,
	    "# kannel.conf groups for sanket " PACKAGE_VERSION ", from %s\n"
	    "# by `sanket kannel-config`.  Add them to the kannel.conf that "
	    "holds your\n"
	    "# core and smsc groups, in place of any smsbox, sendsms-user "
	    "and default\n"
	    "# sms-service groups there.  Kannel comments must start a "
	    "line.\n\n",
	    c->path != NULL ? c->path : "the defaults");
	kconf_print_smsbox(f, &k);
	fputc('\n', f);
	kconf_print_user(f, c);
	fputc('\n', f);
	kconf_print_service(f, c, &k);
	kparts_clear(&k);
	if (fflush(f) == EOF || ferror(f)) {
		snprintf(err, errlen, "write error");
		return -1;
	}
	return 0;
}
