/*
 * test_conf.c: sanket.conf parsing: defaults, every typed key, and the
 * errors an operator sees (FILE:LINE: message) for unknown keys and bad
 * values.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "tap.h"

static char	 dir[] = "/tmp/sk-conf-XXXXXX";
static char	 path[256];

static int
load(const char *text, struct conf *c, char *err, size_t errlen)
{
	FILE	*f;

	snprintf(path, sizeof(path), "%s/sanket.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		return -2;
	fputs(text, f);
	fclose(f);
	conf_defaults(c);
	return conf_load(c, path, err, errlen);
}

struct bad {
	const char	*text;
	const char	*want;		/* substring of the error */
} bad[] = {
	{ "[gateway]\nlisten = 127.0.0.1:8080\nlisen = x\n",
	    "sanket.conf:3: unknown key \"lisen\" in [gateway]" },
	{ "[nosuch]\nkey = 1\n", ":2: unknown key \"key\" in [nosuch]" },
	{ "[kannel]\nrate = fast\n", ":2: rate: \"fast\" is not a number" },
	{ "[kannel]\nrate = 0\n", ":2: rate" },
	{ "[kannel]\nwindow = 10x\n", ":2: window: \"10x\" is not an integer" },
	{ "[kannel]\nwindow = -1\n", ":2: window" },
	{ "[gateway]\nlisten = 127.0.0.1\n", ":2: listen: \"127.0.0.1\" is not "
	    "host:port" },
	{ "[gateway]\nlisten = 127.0.0.1:70000\n", ":2: listen" },
	{ "[gateway]\nlisten = :80\n", ":2: listen" },
	{ "[sip]\nrtp_ports = 30000-20000\n", ":2: rtp_ports" },
	{ "[sip]\nrtp_ports = 20001-29999\n", ":2: rtp_ports" },
	{ "[audio]\ntarget_lufs = 3\n", ":2: target_lufs" },
	{ "[gateway]\nmax_body = 12Q\n", ":2: max_body" },
	{ "[gateway]\ndatabase =\n", "database is empty" },
	{ "garbage line\n", ":1: syntax error" },
};

int
main(void)
{
	struct conf	 c;
	char		 err[1024], want[512];
	size_t		 i;

	if (mkdtemp(dir) == NULL)
		return 99;

	conf_defaults(&c);
	is_str(c.listen.host, "127.0.0.1", "default listen host");
	is_int(c.listen.port, 8080, "default listen port");
	is_int(c.callback_listen.port, 8081, "default callback port");
	is_str(c.sendsms_url, "http://127.0.0.1:13013/cgi-bin/sendsms",
	    "default sendsms_url");
	is_int(c.sip_listen.port, 5060, "default sip listen");
	is_int(c.rtp_port_min, 20000, "default rtp_ports low");
	is_int(c.rtp_port_max, 29999, "default rtp_ports high");
	conf_free(&c);

	is_int(load("; comment\n[gateway]\nlisten = 127.0.0.1:0\n"
	    "callback_listen = 127.0.0.2:9001\ndatabase = var/x.db\n"
	    "callback_url = http://127.0.0.1:9001\nmax_body = 2M\n"
	    "[kannel]\nsendsms_url = http://127.0.0.1:1/cgi-bin/sendsms\n"
	    "username = u\npassword = p w\nsender = DMB\nrate = 250.5\n"
	    "window = 64\nstatus_url = http://127.0.0.1:2/status.txt\n"
	    "callback_secret = abc\n[sip]\nlisten = 127.0.0.1:5070\n"
	    "trunk = 127.0.0.1:5080\nchannels = 8\nrtp_ports = 30000-30099\n"
	    "[ivr]\nprompts = /tmp/p\n[audio]\ntarget_lufs = -16\n",
	    &c, err, sizeof(err)), 0, "full config loads");
	is_int(c.listen.port, 0, "port 0 accepted (tests pick a port)");
	is_str(c.callback_listen.host, "127.0.0.2", "callback host");
	is_int(c.callback_listen.port, 9001, "callback port");
	snprintf(want, sizeof(want), "%s/var/x.db", dir);
	is_str(c.database, want, "relative database resolved against the "
	    "config's directory");
	is_int(c.max_body, 2 * 1024 * 1024, "max_body 2M");
	is_str(c.password, "p w", "value with a space");
	ok(c.rate > 250.4 && c.rate < 250.6, "rate is a double");
	is_int(c.window, 64, "window");
	is_int(c.sip_channels, 8, "sip channels");
	is_int(c.rtp_port_min, 30000, "rtp range low");
	is_int(c.rtp_port_max, 30099, "rtp range high");
	ok(c.target_lufs == -16, "target_lufs");
	conf_free(&c);

	is_int(load("[gateway]\ndatabase = /abs/s.db\n", &c, err,
	    sizeof(err)), 0, "absolute database");
	is_str(c.database, "/abs/s.db", "absolute database kept");
	conf_free(&c);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ok(load(bad[i].text, &c, err, sizeof(err)) == -1 &&
		    strstr(err, bad[i].want) != NULL, "refused: %s",
		    bad[i].want);
		if (strstr(err, bad[i].want) == NULL)
			diag("error was: %s", err);
		conf_free(&c);
	}

	conf_defaults(&c);
	ok(conf_load(&c, "/nonexistent/sanket.conf", err, sizeof(err)) == -1
	    && strstr(err, "cannot open") != NULL, "missing file: %s", err);
	conf_free(&c);

	unlink(path);
	rmdir(dir);
	return done_testing();
}
