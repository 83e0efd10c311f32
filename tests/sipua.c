/*
 * sipua.c: the SIP user agent (ivr/sip.c) alone, for the end-to-end tests
 * (tests/e2e/sip-ua.sh) against SIPp and Kamailio.  No RTP: the port put
 * in our SDP is a fake.
 *
 *	sipua [-Tv] [-a port] [-r code] [-d ms] [-H ms] [-D number [-K n]]
 *	    [-t host:port] [-u user] [-p pass] [-c channels] [-m max_calls]
 *	    [-R rate] [-g register_s] [-w ring_s] [-1 t1_ms] [-x n]
 *
 * It listens on 127.0.0.1, port 0, and prints one line per event on
 * stdout (line-buffered):
 *
 *	port N				first, once listening
 *	invite CALLID PEER		cb->invite
 *	up CALLID CODEC ADDR:PORT	cb->up, the negotiated media
 *	reinvite CALLID CODEC|-		cb->reinvite
 *	ended CALLID REASON CODE	cb->ended
 *	dial CALLID NUMBER / dial-failed NUMBER
 *	registered N			stats.registered changed
 *	stats in=N out=N active=N refused=N bad=N rtx=N reg=N
 *					on SIGUSR1 and at exit
 *
 * -a answers with that RTP port (default 40000), -r refuses every INVITE
 * with the code, -d rings first and answers after ms, -H hangs up ms
 * after up, -D dials number through -t (-K times) at start, -x exits
 * after n ended calls.  SIGTERM or SIGINT: ivr_sip_free (ended shutdown
 * for calls still up), stats, exit 0.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "ivr.h"
#include "log.h"
#include "xmalloc.h"

struct hcall {
	struct ivr_call	*call;
	struct event	*ev;
};

static struct ivr_sip		*ua;
static struct event_base	*base;
static int	 answer_port = 40000, refuse, answer_ms = -1, hangup_ms = -1;
static int	 exit_after, ended_n, last_reg = -2;

static void
usage(void)
{
	fprintf(stderr, "usage: sipua [-Tv] [-a port] [-r code] [-d ms] "
	    "[-H ms] [-D number [-K n]]\n\t[-t host:port] [-u user] "
	    "[-p pass] [-c channels] [-m max_calls] [-R rate]\n\t"
	    "[-g register_s] [-w ring_s] [-1 t1_ms] [-x n]\n");
	exit(2);
}

static void
stats(void)
{
	struct ivr_sip_stats	st;

	ivr_sip_stats(ua, &st);
	printf("stats in=%llu out=%llu active=%llu refused=%llu bad=%llu "
	    "rtx=%llu reg=%d\n", (unsigned long long)st.calls_in,
	    (unsigned long long)st.calls_out, (unsigned long long)st.active,
	    (unsigned long long)st.refused,
	    (unsigned long long)st.bad_messages,
	    (unsigned long long)st.retransmissions, st.registered);
}

static struct hcall *
hcall_of(struct ivr_call *c)
{
	struct hcall	*h = ivr_call_user(c);

	if (h == NULL) {
		h = xcalloc(1, sizeof(*h));
		h->call = c;
		ivr_call_set_user(c, h);
	}
	return h;
}

static void
hcall_after(struct hcall *h, int ms, event_callback_fn fn)
{
	struct timeval	tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	if (h->ev != NULL)
		event_free(h->ev);
	h->ev = evtimer_new(base, fn, h);
	evtimer_add(h->ev, &tv);
}

static void
answer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hcall	*h = arg;

	if (ivr_call_answer(h->call, answer_port) == -1)
		printf("answer-failed %s\n", ivr_call_id(h->call));
}

static void
hangup_cb(evutil_socket_t fd, short what, void *arg)
{
	struct hcall	*h = arg;

	ivr_call_hangup(h->call);
}

static int
invite_cb(void *arg, struct ivr_call *c, const struct ivr_media *m)
{
	printf("invite %s %s\n", ivr_call_id(c), ivr_call_peer(c));
	if (refuse)
		return -refuse;
	if (answer_ms >= 0) {
		hcall_after(hcall_of(c), answer_ms, answer_cb);
		return 0;
	}
	return answer_port;
}

static void
up_cb(void *arg, struct ivr_call *c, const struct ivr_media *m)
{
	printf("up %s %s %s:%u\n", ivr_call_id(c), ivr_codec_name(m->codec),
	    m->addr, (unsigned)m->port);
	if (hangup_ms >= 0)
		hcall_after(hcall_of(c), hangup_ms, hangup_cb);
}

static void
reinvite_cb(void *arg, struct ivr_call *c, const struct ivr_media *m)
{
	printf("reinvite %s %s\n", ivr_call_id(c),
	    m != NULL ? ivr_codec_name(m->codec) : "-");
}

static void
ended_cb(void *arg, struct ivr_call *c, enum ivr_call_end why, int code)
{
	struct hcall	*h = ivr_call_user(c);

	printf("ended %s %s %d\n", ivr_call_id(c), ivr_call_end_name(why),
	    code);
	if (h != NULL) {
		if (h->ev != NULL)
			event_free(h->ev);
		free(h);
	}
	if (exit_after > 0 && ++ended_n >= exit_after)
		event_base_loopexit(base, NULL);
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	if (sig == SIGUSR1)
		stats();
	else
		event_base_loopbreak(base);
}

static void
poll_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ivr_sip_stats	st;

	ivr_sip_stats(ua, &st);
	if (st.registered != last_reg) {
		last_reg = st.registered;
		if (st.registered >= 0)
			printf("registered %d\n", st.registered);
	}
}

static int
num(const char *s, int lo, int hi)
{
	char	*ep;
	long	 v;

	v = strtol(s, &ep, 10);
	if (*s == '\0' || *ep != '\0' || v < lo || v > hi)
		usage();
	return (int)v;
}

int
main(int argc, char *argv[])
{
	struct ivr_sip_conf	 conf;
	struct ivr_sip_cb	 cb = { invite_cb, up_cb, reinvite_cb,
				    ended_cb };
	struct event		*sigs[4], *poll;
	struct timeval		 tv = { 0, 200000 };
	struct ivr_call		*c;
	const char		*number = NULL;
	char			 err[256];
	int			 ch, i, dials = 1, verbose = 0;
	int			 signo[4] = {
				    SIGTERM, SIGINT, SIGUSR1, SIGHUP };

	memset(&conf, 0, sizeof(conf));
	conf.host = "127.0.0.1";
	conf.channels = 4;
	while ((ch = getopt(argc, argv, "1:a:c:D:d:g:H:K:m:p:R:r:Tt:u:vw:x:"))
	    != -1) {
		switch (ch) {
		case '1':
			conf.t1_ms = num(optarg, 1, 10000);
			break;
		case 'a':
			answer_port = num(optarg, 1, 65535);
			break;
		case 'c':
			conf.channels = num(optarg, 0, 10000);
			break;
		case 'D':
			number = optarg;
			break;
		case 'd':
			answer_ms = num(optarg, 0, 600000);
			break;
		case 'g':
			conf.register_s = num(optarg, 0, 86400);
			break;
		case 'H':
			hangup_ms = num(optarg, 0, 600000);
			break;
		case 'K':
			dials = num(optarg, 1, 1000);
			break;
		case 'm':
			conf.max_calls = num(optarg, 0, 100000);
			break;
		case 'p':
			conf.password = optarg;
			break;
		case 'R':
			conf.rate_per_source = num(optarg, 0, 100000);
			break;
		case 'r':
			refuse = num(optarg, 300, 699);
			break;
		case 'T':
			conf.trunk_only = 1;
			break;
		case 't':
			conf.trunk = optarg;
			break;
		case 'u':
			conf.username = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'w':
			conf.ring_timeout_s = num(optarg, 0, 3600);
			break;
		case 'x':
			exit_after = num(optarg, 1, 1000000);
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	log_init(LOG_TO_STDERR, verbose, "sipua");
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new");
	if ((ua = ivr_sip_new(base, &conf, &cb, NULL, err, sizeof(err))) ==
	    NULL)
		fatalx("ivr_sip_new: %s", err);
	printf("port %u\n", (unsigned)ivr_sip_port(ua));
	for (i = 0; i < 4; i++) {
		sigs[i] = evsignal_new(base, signo[i], signal_cb, NULL);
		evsignal_add(sigs[i], NULL);
	}
	poll = event_new(base, -1, EV_PERSIST, poll_cb, NULL);
	evtimer_add(poll, &tv);
	for (i = 0; number != NULL && i < dials; i++) {
		if ((c = ivr_sip_dial(ua, number, answer_port, NULL)) == NULL)
			printf("dial-failed %s\n", number);
		else
			printf("dial %s %s\n", ivr_call_id(c), number);
	}
	event_base_dispatch(base);
	stats();
	ivr_sip_free(ua);
	for (i = 0; i < 4; i++)
		event_free(sigs[i]);
	event_free(poll);
	event_base_free(base);
	return 0;
}
