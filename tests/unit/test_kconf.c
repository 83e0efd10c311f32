/*
 * test_kconf.c: kconf_write() (gateway/kconf.c), the kannel.conf groups
 * of `sanket kannel-config`: the exact get-url, the settings the Kannel lab
 * showed are needed (mo-recode, max-messages = 0, http-request-retry),
 * options, and every refusal (which must write nothing).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "kconf.h"
#include "xmalloc.h"
#include "tap.h"

static void
set(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

static void
good_conf(struct conf *c)
{
	conf_defaults(c);
	set(&c->callback_url, "http://127.0.0.1:8081");
	set(&c->callback_secret, "s3cr3t-Token_1.x~");
	set(&c->username, "sanket");
	set(&c->password, "pw");
	set(&c->sendsms_url, "http://127.0.0.1:13013/cgi-bin/sendsms");
}

/* Run kconf_write into a string; returns its rc, *out the text. */
static int
run(const struct conf *c, const struct kconf_opts *o, char **out,
    char *err, size_t errlen)
{
	FILE	*f;
	size_t	 len = 0;
	int	 rc;

	*out = NULL;
	if ((f = open_memstream(out, &len)) == NULL)
		return -2;
	err[0] = '\0';
	rc = kconf_write(f, c, o, err, errlen);
	fclose(f);
	return rc;
}

/* 1 if text has s as a whole line. */
static int
has_line(const char *text, const char *s)
{
	const char	*p = text;
	size_t		 n = strlen(s);

	while (p != NULL && *p != '\0') {
		if (strncmp(p, s, n) == 0 && (p[n] == '\n' || p[n] == '\0'))
			return 1;
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return 0;
}

/* Lines of the group that starts with "group = name", in order. */
static int
in_group(const char *text, const char *group, const char *line)
{
	const char	*g, *end, *p;
	char		 hdr[64];
	size_t		 n = strlen(line);

	snprintf(hdr, sizeof(hdr), "group = %s\n", group);
	if ((g = strstr(text, hdr)) == NULL)
		return 0;
	if ((end = strstr(g + 1, "\ngroup = ")) == NULL)
		end = g + strlen(g);
	for (p = g; p != NULL && p < end; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, line, n) == 0 && p[n] == '\n' && p < end)
			return 1;
	}
	return 0;
}

static void
refuse(struct conf *c, const char *what, const char *want_err)
{
	struct kconf_opts	 o = { 0, NULL };
	char			 err[512], *out;
	int			 rc;

	rc = run(c, &o, &out, err, sizeof(err));
	is_int(rc, -1, "refused: %s", what);
	ok(out != NULL && *out == '\0', "refused: %s writes nothing", what);
	ok(strstr(err, want_err) != NULL, "refused: %s says \"%s\"", what,
	    want_err);
	if (strstr(err, want_err) == NULL)
		diag("err: %s", err);
	free(out);
}

int
main(void)
{
	struct conf		 c;
	struct kconf_opts	 o = { 0, NULL };
	char			 err[512], *out;
	int			 rc;

	/* The defaults plus a secret: the lab layout. */
	good_conf(&c);
	rc = run(&c, &o, &out, err, sizeof(err));
	is_int(rc, 0, "good config is written");
	is_str(err, "", "no error");
	ok(in_group(out, "smsbox", "bearerbox-host = 127.0.0.1"),
	    "smsbox: bearerbox-host");
	ok(in_group(out, "smsbox", "bearerbox-port = 13001"),
	    "smsbox: default bearerbox-port 13001");
	ok(in_group(out, "smsbox", "sendsms-interface = 127.0.0.1"),
	    "smsbox: sendsms-interface from sendsms_url");
	ok(in_group(out, "smsbox", "sendsms-port = 13013"),
	    "smsbox: sendsms-port from sendsms_url");
	ok(!has_line(out, "sendsms-url = \"/cgi-bin/sendsms\""),
	    "smsbox: default sendsms path not repeated");
	ok(in_group(out, "smsbox", "mo-recode = true"), "smsbox: mo-recode");
	ok(in_group(out, "smsbox", "http-request-retry = 3"),
	    "smsbox: http-request-retry");
	ok(in_group(out, "smsbox", "http-queue-delay = 1"),
	    "smsbox: http-queue-delay");
	ok(strstr(out, "log-file") == NULL && strstr(out, "access-log") ==
	    NULL, "no log lines without --log-dir");
	ok(in_group(out, "sendsms-user", "username = \"sanket\""),
	    "sendsms-user: username");
	ok(in_group(out, "sendsms-user", "password = \"pw\""),
	    "sendsms-user: password");
	ok(in_group(out, "sendsms-user", "user-allow-ip = \"127.0.0.1\""),
	    "sendsms-user: user-allow-ip");
	ok(in_group(out, "sendsms-user", "max-messages = 10"),
	    "sendsms-user: max-messages 10");
	ok(in_group(out, "sendsms-user", "concatenation = true"),
	    "sendsms-user: concatenation");
	{
		struct conf	 c12;
		char		*out12 = NULL;

		good_conf(&c12);
		c12.max_parts = 12;
		ok(run(&c12, &o, &out12, err, sizeof(err)) == 0 &&
		    in_group(out12, "sendsms-user", "max-messages = 12"),
		    "sendsms-user: max-messages follows [kannel] max_parts");
		free(out12);
		conf_free(&c12);
	}
	ok(in_group(out, "sms-service", "keyword = default"),
	    "sms-service: keyword default");
	ok(in_group(out, "sms-service", "catch-all = true"),
	    "sms-service: catch-all");
	ok(in_group(out, "sms-service", "get-url = \"http://127.0.0.1:8081"
	    "/kannel/mo?secret=s3cr3t-Token_1.x~&from=%p&to=%P&text=%a"
	    "&coding=%c&charset=%C&smsc=%i&id=%I&ts=%T\""),
	    "sms-service: the exact get-url");
	ok(in_group(out, "sms-service", "max-messages = 0"),
	    "sms-service: max-messages 0 (no replies to the handset)");
	ok(in_group(out, "sms-service", "concatenation = true"),
	    "sms-service: concatenation");
	ok(in_group(out, "sms-service", "omit-empty = true"),
	    "sms-service: omit-empty");
	ok(!in_group(out, "sms-service", "max-messages = 10"),
	    "sms-service: not the sendsms-user max-messages");
	{
		const char	*p;
		int		 comments = 0, settings = 0, bad = 0;

		/* Every setting has a comment above it or a group header. */
		for (p = out; *p != '\0'; p = strchr(p, '\n') + 1) {
			if (*p == '#')
				comments++;
			else if (*p != '\n' && strncmp(p, "group", 5) != 0)
				settings++;
			if (strchr(p, '\n') == NULL) {
				bad = 1;
				break;
			}
		}
		ok(!bad, "output ends with a newline");
		ok(comments >= 15 && settings == 18,
		    "18 settings, commented (%d comment lines)", comments);
	}
	free(out);

	/* Options and non-default URLs. */
	o.bearerbox_port = 14001;
	o.log_dir = "/var/log/kannel/";
	set(&c.callback_url, "https://gw.example.org/sanket/");
	set(&c.sendsms_url, "http://[::1]:14013/send");
	rc = run(&c, &o, &out, err, sizeof(err));
	is_int(rc, 0, "options: written");
	ok(in_group(out, "smsbox", "bearerbox-port = 14001"),
	    "--bearerbox-port");
	ok(in_group(out, "smsbox", "log-file = \"/var/log/kannel/smsbox.log\""),
	    "--log-dir: log-file (trailing slash dropped)");
	ok(in_group(out, "smsbox",
	    "access-log = \"/var/log/kannel/smsbox-access.log\""),
	    "--log-dir: access-log");
	ok(in_group(out, "smsbox", "log-level = 1"), "--log-dir: log-level");
	ok(in_group(out, "smsbox", "sendsms-interface = ::1"),
	    "IPv6 sendsms host without brackets");
	ok(in_group(out, "smsbox", "sendsms-port = 14013"), "sendsms port");
	ok(in_group(out, "smsbox", "sendsms-url = \"/send\""),
	    "non-default sendsms path becomes sendsms-url");
	ok(strstr(out, "get-url = \"https://gw.example.org/sanket/kannel/mo?"
	    "secret=") != NULL, "callback_url trailing slash dropped");
	free(out);
	o.bearerbox_port = 0;
	o.log_dir = NULL;

	set(&c.sendsms_url, "http://127.0.0.1/cgi-bin/sendsms");
	rc = run(&c, &o, &out, err, sizeof(err));
	ok(rc == 0 && in_group(out, "smsbox", "sendsms-port = 80"),
	    "sendsms_url without a port is port 80");
	free(out);
	conf_free(&c);

	/* Refusals. */
	good_conf(&c);
	set(&c.callback_secret, "");
	refuse(&c, "empty callback_secret", "callback_secret is empty");
	set(&c.callback_secret, "a&b");
	refuse(&c, "secret with &", "callback_secret may hold only");
	set(&c.callback_secret, "a b");
	refuse(&c, "secret with a space", "callback_secret may hold only");
	set(&c.callback_secret, "ab%41");
	refuse(&c, "secret with %", "callback_secret may hold only");
	set(&c.callback_secret, "sécret");
	refuse(&c, "secret with non-ASCII", "callback_secret may hold only");
	set(&c.callback_secret, "ok");

	set(&c.sendsms_url, "not a url");
	refuse(&c, "sendsms_url not a URL", "sendsms_url");
	set(&c.sendsms_url, "ftp://127.0.0.1:13013/cgi-bin/sendsms");
	refuse(&c, "sendsms_url ftp", "only http://");
	set(&c.sendsms_url, "https://127.0.0.1:13013/cgi-bin/sendsms");
	refuse(&c, "sendsms_url https", "only http://");
	set(&c.sendsms_url, "http://127.0.0.1:13013");
	refuse(&c, "sendsms_url without path", "has no path");
	set(&c.sendsms_url, "http://127.0.0.1:99999/cgi-bin/sendsms");
	refuse(&c, "sendsms_url bad port", "sendsms_url");
	set(&c.sendsms_url, "127.0.0.1:13013");
	refuse(&c, "sendsms_url without scheme", "sendsms_url");
	set(&c.sendsms_url, "http://127.0.0.1:13013/cgi-bin/sendsms");

	set(&c.callback_url, "http://127.0.0.1:8081/a%20b");
	refuse(&c, "callback_url with %", "callback_url");
	set(&c.callback_url, "http://127.0.0.1:8081/?x=1");
	refuse(&c, "callback_url with a query", "query");
	set(&c.callback_url, "gopher://x");
	refuse(&c, "callback_url gopher", "callback_url");
	set(&c.callback_url, "http://127.0.0.1:8081");

	set(&c.password, "");
	refuse(&c, "empty password", "password");
	set(&c.password, "a\"b");
	refuse(&c, "password with a quote", "password");
	set(&c.password, "pw");
	set(&c.username, "u\nv");
	refuse(&c, "username with a newline", "username");
	set(&c.username, "sanket");

	o.log_dir = "/tmp/\"x";
	rc = run(&c, &o, &out, err, sizeof(err));
	ok(rc == -1 && *out == '\0', "log dir with a quote refused");
	free(out);
	o.log_dir = NULL;
	o.bearerbox_port = 70000;
	rc = run(&c, &o, &out, err, sizeof(err));
	ok(rc == -1 && *out == '\0', "bearerbox port 70000 refused");
	free(out);
	o.bearerbox_port = 0;

	rc = run(&c, &o, &out, err, sizeof(err));
	is_int(rc, 0, "good again after the refusals");
	free(out);
	conf_free(&c);
	return done_testing();
}
