/*
 * sanketd.c: the sanket daemon.  One process, one libevent loop (plus
 * the store's checkpoint thread and short-lived threads that speak new
 * alerts with espeak-ng): the API listener, the Kannel callback
 * listener, the store's group-commit timer, the Kannel status poller, the
 * SMS dispatcher and the voice side (SIP, RTP, IVR) all run on it.
 *
 *	sanketd [-dnv] -c FILE
 *
 * Start-up: load and check the config (-n stops here), open the store
 * (migrations), bind both listeners (so a port in use is reported on the
 * terminal), then daemonise unless -d, then start voice (a voice that
 * cannot start is logged and SMS runs on).  SIGTERM/SIGINT: stop
 * accepting, hang up every call (each keeps its call record), flush the
 * open write batch, close the store, exit 0.  SIGHUP: reopen logs.
 */
#include "config.h"

#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "campaigns.h"
#include "conf.h"
#include "gateway.h"
#include "http.h"
#include "kannel.h"
#include "log.h"
#include "metrics.h"
#include "store.h"

static struct listener	*api_l, *cb_l;
static struct event	*drain_ev;
static int64_t		 drain_deadline;

#define DRAIN_MS	3000	/* wait this long for sendsms answers */

/* Shutdown: wait for in-flight sendsms requests, then commit and stop. */
static void
sanketd_drain_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct gw	*gw = arg;
	struct timeval	 tv = { 0, 20 * 1000 };

	if (dispatch_inflight(gw->dispatch) > 0 &&
	    store_now_ms() < drain_deadline) {
		store_batch_flush(gw->store);
		evtimer_add(drain_ev, &tv);
		return;
	}
	if (dispatch_inflight(gw->dispatch) > 0)
		log_warnx("%d sendsms requests unanswered at shutdown: they "
		    "will be sent again at the next start",
		    dispatch_inflight(gw->dispatch));
	store_batch_flush(gw->store);
	event_base_loopexit(gw->base, NULL);
}

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: sanketd [-dnv] -c file\n");
	exit(2);
}

static void
sanketd_signal_cb(evutil_socket_t sig, short ev, void *arg)
{
	struct gw	*gw = arg;

	switch (sig) {
	case SIGHUP:
		log_info("SIGHUP: reopening logs");
		log_reopen();
		break;
	case SIGINT:
	case SIGTERM:
		if (gw->stopping)
			break;
		log_info("%s: shutting down", sig == SIGTERM ? "SIGTERM" :
		    "SIGINT");
		gw->stopping = 1;
		/* Commit what was accepted, so its deferred answers (MO)
		 * go out before the listeners close. */
		store_batch_flush(gw->store);
		http_close(api_l);
		http_close(cb_l);
		api_l = cb_l = NULL;
		dispatch_stop(gw->dispatch);
		voice_stop(gw->voice);
		gw->voice = NULL;
		drain_deadline = store_now_ms() + DRAIN_MS;
		drain_ev = evtimer_new(gw->base, sanketd_drain_cb, gw);
		sanketd_drain_cb(-1, 0, gw);
		break;
	}
}

/* Escalated warnings have new calls due: look now, not at the tick. */
static void
sanketd_escalated(struct gw *gw)
{
	voice_kick(gw->voice);
}

int
main(int argc, char *argv[])
{
	struct conf	 conf;
	struct gw	 gw;
	struct event	*ev_term, *ev_int, *ev_hup;
	struct event_config *ecfg;
	const char	*path = NULL;
	char		 err[1024];
	int		 ch, foreground = 0, check = 0, verbose = 0;

	while ((ch = getopt(argc, argv, "c:dnv")) != -1) {
		switch (ch) {
		case 'c': path = optarg; break;
		case 'd': foreground = 1; break;
		case 'n': check = 1; break;
		case 'v': verbose++; break;
		default: usage();
		}
	}
	if (optind != argc || path == NULL)
		usage();
	log_init(LOG_TO_STDERR, verbose, "sanketd");

	conf_defaults(&conf);
	if (conf_load(&conf, path, err, sizeof(err)) == -1) {
		fprintf(stderr, "sanketd: %s\n", err);
		conf_free(&conf);
		return 1;
	}
	if (check) {
		printf("configuration OK\n");
		conf_free(&conf);
		return 0;
	}

	memset(&gw, 0, sizeof(gw));
	gw.conf = &conf;
	gw.started = time(NULL);
	gw.kannel_up = -1;
	signal(SIGPIPE, SIG_IGN);
	/*
	 * Precise timers (timerfd, not epoll's milliseconds): the RTP tick
	 * sends each 20 ms frame on its deadline.  The epoll changelist
	 * folds the read/write interest changes one turn of the loop makes
	 * on a socket into one epoll_ctl (an HTTP exchange made four, now
	 * two: about a fifth of sanketd's CPU per callback served, see
	 * docs/PERFORMANCE.md).  Its one caveat, a dup()'d descriptor
	 * closed while the other copy has events, does not arise here.
	 */
	if ((ecfg = event_config_new()) == NULL ||
	    event_config_set_flag(ecfg, EVENT_BASE_FLAG_PRECISE_TIMER) == -1 ||
	    event_config_set_flag(ecfg,
	    EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST) == -1 ||
	    (gw.base = event_base_new_with_config(ecfg)) == NULL)
		fatalx("event_base_new");
	event_config_free(ecfg);
	if (event_base_priority_init(gw.base, SK_NPRIO) == -1)
		fatalx("event_base_priority_init");
	store_config_daemon();
	if ((gw.store = store_open(conf.database, err, sizeof(err))) == NULL)
		fatalx("store: %s", err);
	store_batch_attach(gw.store, gw.base, conf.commit_interval_ms,
	    conf.commit_batch);
	gw.metrics = metrics_new();

	api_l = http_listen(&gw, conf.listen.host, conf.listen.port,
	    api_routes);
	cb_l = http_listen(&gw, conf.callback_listen.host,
	    conf.callback_listen.port, callback_routes);
	if (api_l == NULL || cb_l == NULL)
		fatalx("cannot bind the listeners (see above)");

	if (!foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init(LOG_TO_SYSLOG, verbose, "sanketd");
		/* libevent's epoll fd survives fork but must be reinit. */
		if (event_reinit(gw.base) == -1)
			fatalx("event_reinit");
	}
	/* After daemon(): a thread does not survive fork. */
	if (store_checkpointer_start(gw.store) == -1)
		log_warnx("store: checkpoints stay on the event loop");
	ev_term = evsignal_new(gw.base, SIGTERM, sanketd_signal_cb, &gw);
	ev_int = evsignal_new(gw.base, SIGINT, sanketd_signal_cb, &gw);
	ev_hup = evsignal_new(gw.base, SIGHUP, sanketd_signal_cb, &gw);
	evsignal_add(ev_term, NULL);
	evsignal_add(ev_int, NULL);
	evsignal_add(ev_hup, NULL);
	kstatus_start(&gw);
	gw.dispatch = dispatch_new(&gw);
	gw.voice = voice_start(&gw);
	camp_escalate_start(&gw, sanketd_escalated);
	log_info("sanketd %s started: database %s (schema %d)",
	    PACKAGE_VERSION, conf.database, store_version(gw.store));

	event_base_dispatch(gw.base);

	camp_escalate_stop();
	voice_stop(gw.voice);
	dispatch_free(gw.dispatch);
	if (drain_ev != NULL)
		event_free(drain_ev);
	kstatus_stop();
	http_close(api_l);
	http_close(cb_l);
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_hup);
	store_close(gw.store);
	metrics_free(gw.metrics);
	event_base_free(gw.base);
	log_info("sanketd stopped");
	conf_free(&conf);
	return 0;
}
