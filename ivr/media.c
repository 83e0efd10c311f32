/*
 * media.c: RTP sessions on one shared 20 ms clock, in four 5 ms phases
 * (see ivr.h).
 *
 * One struct ivr_rtp holds the even ports of [port_min, port_max] (handed
 * out round-robin, so a port just released is the last to come back) and
 * one libevent timer for every session.  Tick n is due at t0 + n * 20 ms
 * on CLOCK_MONOTONIC (rtp_clock_due), t0 taken when the first session
 * starts; a late wake-up sends the frames it missed, up to max_burst per
 * session, and skips the rest (rtp_tx_skip: the timestamp jumps, the
 * marker tells the peer's jitter buffer, the prompt itself loses
 * nothing).  stats.late counts the skipped frames over all sessions.
 * The timer stops when no session is running and restarts with a new t0.
 *
 * A session's life:
 *
 *	ivr_rtp_open --> IDLE: socket bound, packets read and dropped
 *	IDLE --ivr_rtp_start--> RUNNING: one packet per tick, receiving
 *	RUNNING --ivr_rtp_start--> RUNNING (re-INVITE: new peer or codec,
 *	    same SSRC, seq and ts; the marker is set; the silence timeout
 *	    starts again)
 *	IDLE, RUNNING --ivr_rtp_close--> DEAD --> freed
 *
 * Sending, per tick and running session: the next frame of the clip at
 * the head of the queue (marker on its first frame; transcoded through a
 * 256-byte table when the clip is in the other G.711 law), else the
 * codec's silence.  After a clip's last frame cb->played(completed 1);
 * the next clip starts on the next tick.  ivr_rtp_flush calls
 * cb->played(completed 0) for the clip that was playing (the frames sent)
 * and for every clip still queued (0 frames), so each ivr_rtp_play gets
 * exactly one cb->played unless the session is closed first; closing
 * calls nothing back.  Nothing is sent while our direction is recvonly or
 * inactive (the timestamp runs on, the sequence does not), but clips
 * advance and end as if it were.
 *
 * Receiving: a packet from an address other than the SDP one counts as
 * wrong_source; the first one that parses latches the peer's port
 * (symmetric RTP: we send there from then on) and later ones from another
 * port count as wrong_source too.  Packets that do not parse count as
 * bad.  The codec payload type goes to the in-band detector (dtmf_ib)
 * and the recorder (decoded to 16-bit PCM); te_pt goes to the RFC 4733
 * detector.  Once the peer has sent an RFC 4733 digit, in-band detection
 * is off for the session, so a phone that sends both is not heard twice.
 * A peer silent for timeout_ms (checked on the tick: one comparison per
 * session) gets cb->timeout once.  A recording stops at max_seconds of
 * received audio, or max_seconds + 1 s of wall time if the peer is quiet,
 * then cb->recorded.
 *
 * Callbacks may do anything to any session, including ivr_rtp_close on
 * their own: while a tick, a read or a flush is dispatching (depth > 0)
 * a closed session releases its socket, port, clips and recording at once
 * but stays in the list, marked dead, until the dispatch unwinds.
 * ivr_rtp_free must not be called from a callback.  Per packet there is
 * no allocation and no logging; per session the memory is the struct, a
 * spandsp detector and one small node per queued clip.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/ip.h>
#include <arpa/inet.h>

#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audio.h"
#include "ivr.h"
#include "log.h"
#include "xmalloc.h"

#define MEDIA_RECV_BATCH	16	/* packets per read event */
#define MEDIA_DIGITS		4	/* digits per dtmf_ib_feed */
#define MEDIA_TOS		0xb8	/* DSCP EF */
#define MEDIA_MAX_BURST		3
#define MEDIA_REC_GRACE_US	1000000	/* quiet peer: wall-clock limit */
/*
 * Sessions are spread over MEDIA_PHASES send phases, RTP_FRAME_US /
 * MEDIA_PHASES apart: each still sends every 20 ms on its own deadlines,
 * but a tick sends a quarter of the calls, so the last call of a tick
 * waits a quarter as long behind the others (bench/calls.sh: p99
 * inter-arrival deviation at 1,000 calls).
 */
#define MEDIA_PHASES		4

struct media_q {
	struct ivr_clip		*clip;
	TAILQ_ENTRY(media_q)	 entry;
};
TAILQ_HEAD(media_qhead, media_q);

struct ivr_rtp_sess {
	struct ivr_rtp		*rtp;
	TAILQ_ENTRY(ivr_rtp_sess) entry;
	struct ivr_rtp_cb	 cb;
	void			*arg;
	int			 fd;
	struct event		*ev;
	uint32_t		 slot;
	uint16_t		 port;

	unsigned int		 phase;		/* of the send tick */
	unsigned int		 started:1, dead:1, timed_out:1, latched:1,
				 send:1, te_seen:1;
	int			 codec;		/* enum au_codec */
	uint8_t			 pt;
	int			 te_pt;		/* -1: none */
	struct in_addr		 sdp_addr;
	uint16_t		 sdp_port;	/* network order */
	struct sockaddr_in	 peer;		/* SDP, then latched */
	struct in_addr		 sig_addr;	/* the SIP peer's, or ANY */
	uint64_t		 last_rx;	/* us, monotonic */

	struct rtp_tx		 tx;
	struct media_qhead	 queue;
	uint32_t		 pos;		/* frames of the head sent */
	int			 nqueued;

	struct dtmf_te_rx	 te;
	struct dtmf_ib		*ib;

	struct au_rec		*rec;
	uint64_t		 rec_start;	/* us */
	size_t			 rec_max;	/* samples */
};

TAILQ_HEAD(media_shead, ivr_rtp_sess);

struct ivr_rtp {
	struct event_base	*base;
	struct in_addr		 ip;
	uint16_t		 port_first;	/* even */
	uint32_t		 nslots;
	uint8_t			*used;		/* per slot */
	uint32_t		 rr;		/* next slot to try */
	uint64_t		 timeout_us;	/* 0: never */
	uint64_t		 max_burst;
	struct event		*tick;
	int			 ticking;
	uint64_t		 t0;		/* us, monotonic */
	uint64_t		 next_frame[MEDIA_PHASES];
	unsigned int		 next_phase;	/* for the next session */
	int			 depth;		/* dispatching callbacks */
	int			 ndead;
	int			 nrunning;
	struct media_shead	 sessions;
	struct ivr_rtp_stats	 stats;
};

/* One receive buffer: the loop is single threaded. */
static uint8_t	 media_buf[RTP_PKT_MAX];
static uint8_t	 media_silence[2][RTP_FRAME_BYTES];
static uint8_t	 media_u2a[256], media_a2u[256];
static int	 media_tables;

static void	 media_tick_cb(evutil_socket_t, short, void *);
static void	 media_read_cb(evutil_socket_t, short, void *);

static uint64_t
media_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void
media_tables_init(void)
{
	int	 i;

	if (media_tables)
		return;
	for (i = 0; i < 256; i++) {
		media_u2a[i] = au_alaw_from_linear(au_ulaw_to_linear(i));
		media_a2u[i] = au_ulaw_from_linear(au_alaw_to_linear(i));
	}
	memset(media_silence[AU_CODEC_ULAW], au_g711_silence(AU_CODEC_ULAW),
	    RTP_FRAME_BYTES);
	memset(media_silence[AU_CODEC_ALAW], au_g711_silence(AU_CODEC_ALAW),
	    RTP_FRAME_BYTES);
	media_tables = 1;
}

/* --- dispatch depth: sessions closed inside callbacks are freed later -- */

static void
media_enter(struct ivr_rtp *rtp)
{
	rtp->depth++;
}

static void
media_leave(struct ivr_rtp *rtp)
{
	struct ivr_rtp_sess	*s, *next;

	if (--rtp->depth > 0 || rtp->ndead == 0)
		return;
	for (s = TAILQ_FIRST(&rtp->sessions); s != NULL; s = next) {
		next = TAILQ_NEXT(s, entry);
		if (!s->dead)
			continue;
		TAILQ_REMOVE(&rtp->sessions, s, entry);
		free(s);
	}
	rtp->ndead = 0;
}

/* --- the tick ------------------------------------------------------------ */

/* Phase p's frame n is due at t0 + p * 5 ms + n * 20 ms. */
static uint64_t
media_phase_t0(const struct ivr_rtp *rtp, unsigned int p)
{
	return rtp->t0 + (uint64_t)p * (RTP_FRAME_US / MEDIA_PHASES);
}

static void
media_tick_schedule(struct ivr_rtp *rtp)
{
	struct timeval	 tv;
	uint64_t	 due, now, wait;
	unsigned int	 p;

	due = UINT64_MAX;
	for (p = 0; p < MEDIA_PHASES; p++)
		if (rtp_clock_deadline(media_phase_t0(rtp, p),
		    rtp->next_frame[p]) < due)
			due = rtp_clock_deadline(media_phase_t0(rtp, p),
			    rtp->next_frame[p]);
	now = media_now();
	wait = due > now ? due - now : 0;
	tv.tv_sec = (time_t)(wait / 1000000);
	tv.tv_usec = (suseconds_t)(wait % 1000000);
	evtimer_add(rtp->tick, &tv);
}

static void
media_tick_start(struct ivr_rtp *rtp)
{
	if (rtp->ticking)
		return;
	rtp->ticking = 1;
	rtp->t0 = media_now();
	memset(rtp->next_frame, 0, sizeof(rtp->next_frame));
	media_tick_schedule(rtp);
}

/* Hand the head of the queue to cb->played and drop our reference. */
static void
sess_clip_done(struct ivr_rtp_sess *s, int completed)
{
	struct media_q	*q = TAILQ_FIRST(&s->queue);
	struct ivr_clip	*clip = q->clip;
	uint32_t	 played = s->pos;

	TAILQ_REMOVE(&s->queue, q, entry);
	free(q);
	s->nqueued--;
	s->pos = 0;
	if (s->cb.played != NULL)
		s->cb.played(s->arg, clip, played, completed);
	ivr_clip_unref(clip);
}

/* One frame of the head clip, or silence, to the peer. */
static void
sess_send_frame(struct ivr_rtp_sess *s)
{
	uint8_t		 pkt[RTP_HDR_LEN + RTP_FRAME_BYTES];
	uint8_t		 xbuf[RTP_FRAME_BYTES];
	const uint8_t	*frame, *tab;
	struct media_q	*q;
	int		 i, n;

	/* A clip of no frames ends before it starts. */
	while ((q = TAILQ_FIRST(&s->queue)) != NULL && q->clip->frames == 0) {
		sess_clip_done(s, 1);
		if (s->dead)
			return;
	}
	if (q != NULL) {
		if (s->pos == 0)
			rtp_tx_spurt(&s->tx);
		frame = q->clip->data + (size_t)s->pos * RTP_FRAME_BYTES;
		if (q->clip->codec != s->codec) {
			tab = s->codec == AU_CODEC_ALAW ? media_u2a :
			    media_a2u;
			for (i = 0; i < RTP_FRAME_BYTES; i++)
				xbuf[i] = tab[frame[i]];
			frame = xbuf;
		}
		s->pos++;
	} else
		frame = media_silence[s->codec];

	if (!s->send)
		rtp_tx_skip(&s->tx, 1);	/* no seq gap when sending resumes */
	else if ((n = rtp_tx_frame(&s->tx, frame, pkt, sizeof(pkt))) > 0 &&
	    sendto(s->fd, pkt, (size_t)n, 0, (struct sockaddr *)&s->peer,
	    sizeof(s->peer)) == n)
		s->rtp->stats.sent++;

	if (q != NULL && s->pos >= q->clip->frames)
		sess_clip_done(s, 1);
}

static void
sess_rec_limit(struct ivr_rtp_sess *s)
{
	double	 secs;

	secs = ivr_rtp_record_stop(s);
	if (s->cb.recorded != NULL)
		s->cb.recorded(s->arg, secs < 0 ? 0 : secs);
}

/* The checks a tick makes per session: silence timeout, recording clock. */
static void
sess_check(struct ivr_rtp_sess *s, uint64_t now)
{
	struct ivr_rtp	*rtp = s->rtp;

	if (rtp->timeout_us != 0 && !s->timed_out && now >= s->last_rx &&
	    now - s->last_rx >= rtp->timeout_us) {
		s->timed_out = 1;
		if (s->cb.timeout != NULL)
			s->cb.timeout(s->arg);
		if (s->dead)
			return;
	}
	if (s->rec != NULL && now >= s->rec_start &&
	    now - s->rec_start >= (uint64_t)s->rec_max /
	    AU_RATE * 1000000 + MEDIA_REC_GRACE_US)
		sess_rec_limit(s);
}

static void
media_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ivr_rtp		*rtp = arg;
	struct ivr_rtp_sess	*s;
	struct rtp_due		 d;
	uint64_t		 now, i;
	unsigned int		 p;

	(void)fd;
	(void)what;
	now = media_now();
	for (p = 0; p < MEDIA_PHASES; p++) {
		rtp_clock_due(media_phase_t0(rtp, p), now, rtp->next_frame[p],
		    rtp->max_burst, &d);
		if (d.count == 0)
			continue;
		media_enter(rtp);
		TAILQ_FOREACH(s, &rtp->sessions, entry) {
			if (s->dead || !s->started || s->phase != p)
				continue;
			/* Drop the oldest, send the newest. */
			if (d.late > 0) {
				rtp_tx_skip(&s->tx, (uint32_t)d.late);
				rtp->stats.late += d.late;
			}
			for (i = 0; i < d.count && !s->dead; i++)
				sess_send_frame(s);
			if (!s->dead)
				sess_check(s, now);
		}
		rtp->next_frame[p] = d.first + d.count + d.late;
		media_leave(rtp);
	}
	if (rtp->nrunning > 0)
		media_tick_schedule(rtp);
	else
		rtp->ticking = 0;
}

/* --- receiving ------------------------------------------------------------ */

static void
sess_digits(struct ivr_rtp_sess *s, const struct ivr_digit *d, int n)
{
	int	 i;

	for (i = 0; i < n && !s->dead; i++)
		if (s->cb.digit != NULL)
			s->cb.digit(s->arg, &d[i]);
}

static void
sess_rec_write(struct ivr_rtp_sess *s, const uint8_t *p, size_t len)
{
	int16_t		 amp[RTP_PKT_MAX];
	struct au_err	 ae;
	size_t		 i, room;

	room = s->rec_max - au_rec_samples(s->rec);
	if (len > room)
		len = room;
	for (i = 0; i < len; i++)
		amp[i] = s->codec == AU_CODEC_ALAW ? au_alaw_to_linear(p[i]) :
		    au_ulaw_to_linear(p[i]);
	memset(&ae, 0, sizeof(ae));
	if (au_rec_write_pcm(s->rec, amp, len, &ae) == -1) {
		/* Once per recording: it ends here. */
		log_warnx("%s: port=%u: %s", __func__, s->port, ae.msg);
		sess_rec_limit(s);
		return;
	}
	if (au_rec_samples(s->rec) >= s->rec_max)
		sess_rec_limit(s);
}

static void
sess_audio(struct ivr_rtp_sess *s, const uint8_t *p, size_t len)
{
	struct ivr_digit d[MEDIA_DIGITS];
	int		 k;

	if (s->ib != NULL && !s->te_seen) {
		k = dtmf_ib_feed(s->ib, p, len, d, MEDIA_DIGITS);
		while (k > 0 && !s->dead) {
			sess_digits(s, d, k);
			k = k == MEDIA_DIGITS && s->ib != NULL ?
			    dtmf_ib_feed(s->ib, NULL, 0, d, MEDIA_DIGITS) : 0;
		}
	}
	if (!s->dead && s->rec != NULL && len > 0)
		sess_rec_write(s, p, len);
}

static void
sess_packet(struct ivr_rtp_sess *s, size_t len,
    const struct sockaddr_in *from, uint64_t now)
{
	struct ivr_rtp		*rtp = s->rtp;
	struct rtp_pkt		 pkt;
	struct ivr_digit	 d;

	if (!s->started)
		return;
	if (from->sin_family != AF_INET || (s->latched ?
	    (from->sin_addr.s_addr != s->peer.sin_addr.s_addr ||
	    from->sin_port != s->peer.sin_port) :
	    (from->sin_addr.s_addr != s->sdp_addr.s_addr &&
	    (s->sig_addr.s_addr == INADDR_ANY ||
	    from->sin_addr.s_addr != s->sig_addr.s_addr)))) {
		rtp->stats.wrong_source++;
		return;
	}
	if (len > sizeof(media_buf) ||
	    rtp_parse(media_buf, len, &pkt) != RTP_OK) {
		rtp->stats.bad++;
		return;
	}
	if (!s->latched) {
		s->peer = *from;
		s->latched = 1;
	}
	rtp->stats.received++;
	s->last_rx = now;
	if (pkt.h.pt == s->pt)
		sess_audio(s, pkt.payload, pkt.payload_len);
	else if (s->te_pt >= 0 && pkt.h.pt == s->te_pt &&
	    dtmf_te_rx_feed(&s->te, pkt.h.ts, pkt.payload, pkt.payload_len,
	    &d) == 1) {
		s->te_seen = 1;
		sess_digits(s, &d, 1);
	}
}

static void
media_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct ivr_rtp_sess	*s = arg;
	struct ivr_rtp		*rtp = s->rtp;
	struct sockaddr_in	 from;
	socklen_t		 fromlen;
	ssize_t			 n;
	uint64_t		 now;
	int			 i;

	(void)what;
	now = media_now();
	media_enter(rtp);
	for (i = 0; i < MEDIA_RECV_BATCH && !s->dead; i++) {
		fromlen = sizeof(from);
		memset(&from, 0, sizeof(from));
		n = recvfrom(fd, media_buf, sizeof(media_buf), MSG_TRUNC,
		    (struct sockaddr *)&from, &fromlen);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;		/* EAGAIN: drained */
		}
		sess_packet(s, (size_t)n, &from, now);
	}
	media_leave(rtp);
}

/* --- the port range ------------------------------------------------------ */

static int
media_bind(struct ivr_rtp *rtp, uint16_t port)
{
	struct sockaddr_in	 sin;
	int			 fd, tos = MEDIA_TOS, e;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	(void)setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = rtp->ip;
	sin.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

struct ivr_rtp *
ivr_rtp_new(struct event_base *base, const struct ivr_rtp_conf *conf,
    char *err, size_t errlen)
{
	struct ivr_rtp	*rtp;
	struct in_addr	 ip;
	uint32_t	 first;

	if (conf->ip == NULL || inet_pton(AF_INET, conf->ip, &ip) != 1) {
		ivr_errf(err, errlen, "RTP address \"%s\" is not dotted IPv4",
		    conf->ip != NULL ? conf->ip : "");
		return NULL;
	}
	first = conf->port_min + (conf->port_min & 1u);
	if (conf->port_min == 0 || conf->port_max < conf->port_min ||
	    first > conf->port_max) {
		ivr_errf(err, errlen, "RTP ports %u-%u: need a range with an "
		    "even port above 0", conf->port_min, conf->port_max);
		return NULL;
	}
	if (conf->timeout_ms < 0 || conf->max_burst < 0) {
		ivr_errf(err, errlen, "RTP timeout and max_burst must not be "
		    "negative");
		return NULL;
	}
	media_tables_init();

	rtp = xcalloc(1, sizeof(*rtp));
	rtp->base = base;
	rtp->ip = ip;
	rtp->port_first = (uint16_t)first;
	rtp->nslots = (conf->port_max - first) / 2 + 1;
	rtp->used = xcalloc(rtp->nslots, 1);
	rtp->timeout_us = (uint64_t)conf->timeout_ms * 1000;
	rtp->max_burst = conf->max_burst > 0 ? (uint64_t)conf->max_burst :
	    MEDIA_MAX_BURST;
	TAILQ_INIT(&rtp->sessions);
	if ((rtp->tick = evtimer_new(base, media_tick_cb, rtp)) == NULL) {
		ivr_errf(err, errlen, "cannot create the RTP timer");
		free(rtp->used);
		free(rtp);
		return NULL;
	}
	if (conf->priority >= 0)
		event_priority_set(rtp->tick, conf->priority);
	return rtp;
}

/* Everything a session holds but its struct; it is dead afterwards. */
static void
sess_release(struct ivr_rtp_sess *s)
{
	struct ivr_rtp	*rtp = s->rtp;
	struct media_q	*q;

	if (s->rec != NULL)
		(void)ivr_rtp_record_stop(s);
	event_free(s->ev);
	close(s->fd);
	rtp->used[s->slot] = 0;
	while ((q = TAILQ_FIRST(&s->queue)) != NULL) {
		TAILQ_REMOVE(&s->queue, q, entry);
		ivr_clip_unref(q->clip);
		free(q);
	}
	s->nqueued = 0;
	dtmf_ib_free(s->ib);
	s->ib = NULL;
	if (s->started)
		rtp->nrunning--;
	rtp->stats.sessions--;
	s->dead = 1;
}

void
ivr_rtp_free(struct ivr_rtp *rtp)
{
	struct ivr_rtp_sess	*s;

	if (rtp == NULL)
		return;
	while ((s = TAILQ_FIRST(&rtp->sessions)) != NULL) {
		if (!s->dead)
			sess_release(s);
		TAILQ_REMOVE(&rtp->sessions, s, entry);
		free(s);
	}
	event_free(rtp->tick);
	free(rtp->used);
	free(rtp);
}

void
ivr_rtp_stats(const struct ivr_rtp *rtp, struct ivr_rtp_stats *st)
{
	*st = rtp->stats;
}

struct ivr_rtp_sess *
ivr_rtp_open(struct ivr_rtp *rtp, const struct ivr_rtp_cb *cb, void *arg)
{
	struct ivr_rtp_sess	*s;
	uint32_t		 i, slot = 0;
	uint16_t		 port = 0;
	int			 fd = -1;

	for (i = 0; i < rtp->nslots; i++) {
		slot = (rtp->rr + i) % rtp->nslots;
		if (rtp->used[slot])
			continue;
		port = (uint16_t)(rtp->port_first + 2 * slot);
		if ((fd = media_bind(rtp, port)) != -1)
			break;
		if (errno != EADDRINUSE && errno != EACCES) {
			log_warn("%s: RTP port %u", __func__, port);
			return NULL;
		}
	}
	if (fd == -1) {
		rtp->stats.no_port++;
		log_warnx("%s: no free RTP port in the range from %u (%u "
		    "sessions open)", __func__, rtp->port_first,
		    (unsigned int)rtp->stats.sessions);
		return NULL;
	}

	s = xcalloc(1, sizeof(*s));
	s->rtp = rtp;
	if (cb != NULL)
		s->cb = *cb;
	s->arg = arg;
	s->fd = fd;
	s->slot = slot;
	s->port = port;
	s->te_pt = -1;
	s->codec = AU_CODEC_ULAW;
	TAILQ_INIT(&s->queue);
	s->ev = event_new(rtp->base, fd, EV_READ | EV_PERSIST, media_read_cb,
	    s);
	if (s->ev == NULL || event_add(s->ev, NULL) == -1) {
		log_warnx("%s: port=%u: cannot add the read event", __func__,
		    port);
		if (s->ev != NULL)
			event_free(s->ev);
		close(fd);
		free(s);
		return NULL;
	}
	rtp->used[slot] = 1;
	rtp->rr = (slot + 1) % rtp->nslots;
	rtp->stats.sessions++;
	s->phase = rtp->next_phase++ % MEDIA_PHASES;
	TAILQ_INSERT_TAIL(&rtp->sessions, s, entry);
	return s;
}

uint16_t
ivr_rtp_port(const struct ivr_rtp_sess *s)
{
	return s->port;
}

int
ivr_rtp_start(struct ivr_rtp_sess *s, const struct ivr_media *m)
{
	struct ivr_rtp	*rtp = s->rtp;
	struct in_addr	 addr;
	int		 codec;

	if (s->dead)
		return -1;
	switch (m->codec) {
	case IVR_CODEC_PCMU:
		codec = AU_CODEC_ULAW;
		break;
	case IVR_CODEC_PCMA:
		codec = AU_CODEC_ALAW;
		break;
	default:
		log_warnx("%s: port=%u: no G.711 codec", __func__, s->port);
		return -1;
	}
	if (inet_pton(AF_INET, m->addr, &addr) != 1 || m->port == 0 ||
	    m->pt < 0 || m->pt > 127 || m->te_pt > 127) {
		log_warnx("%s: port=%u: bad peer %s:%u pt %d te %d", __func__,
		    s->port, m->addr, m->port, m->pt, m->te_pt);
		return -1;
	}
	if (s->ib == NULL || codec != s->codec) {
		dtmf_ib_free(s->ib);
		if ((s->ib = dtmf_ib_new(codec)) == NULL) {
			log_warnx("%s: port=%u: in-band DTMF detector failed",
			    __func__, s->port);
			return -1;
		}
	}
	if (!s->started) {
		if (rtp_tx_init(&s->tx, (uint8_t)m->pt) == -1) {
			log_warn("%s: port=%u: getrandom", __func__, s->port);
			return -1;
		}
	} else {
		s->tx.pt = (uint8_t)m->pt;
		rtp_tx_spurt(&s->tx);
	}
	s->codec = codec;
	s->pt = (uint8_t)m->pt;
	if (m->sig_addr[0] == '\0' ||
	    inet_pton(AF_INET, m->sig_addr, &s->sig_addr) != 1)
		s->sig_addr.s_addr = INADDR_ANY;
	s->te_pt = m->te_pt < 0 ? -1 : m->te_pt;
	if (!s->started || addr.s_addr != s->sdp_addr.s_addr ||
	    htons(m->port) != s->sdp_port) {
		s->sdp_addr = addr;
		s->sdp_port = htons(m->port);
		memset(&s->peer, 0, sizeof(s->peer));
		s->peer.sin_family = AF_INET;
		s->peer.sin_addr = addr;
		s->peer.sin_port = s->sdp_port;
		s->latched = 0;
	}
	s->send = (m->dir == IVR_DIR_SENDRECV || m->dir == IVR_DIR_SENDONLY) &&
	    addr.s_addr != INADDR_ANY;
	s->last_rx = media_now();
	if (!s->started) {
		s->started = 1;
		rtp->nrunning++;
		media_tick_start(rtp);
	}
	return 0;
}

void
ivr_rtp_play(struct ivr_rtp_sess *s, struct ivr_clip *clip)
{
	struct media_q	*q;

	if (s->dead || clip == NULL)
		return;
	q = xmalloc(sizeof(*q));
	q->clip = ivr_clip_ref(clip);
	TAILQ_INSERT_TAIL(&s->queue, q, entry);
	s->nqueued++;
}

void
ivr_rtp_flush(struct ivr_rtp_sess *s)
{
	struct ivr_rtp		*rtp = s->rtp;
	struct media_qhead	 old;
	struct media_q		*q;
	uint32_t		 played;
	int			 first = 1;

	if (s->dead || TAILQ_EMPTY(&s->queue))
		return;
	/* Clips queued by the callbacks below are not part of this flush. */
	TAILQ_INIT(&old);
	TAILQ_CONCAT(&old, &s->queue, entry);
	played = s->pos;
	s->pos = 0;
	s->nqueued = 0;
	media_enter(rtp);
	while ((q = TAILQ_FIRST(&old)) != NULL) {
		TAILQ_REMOVE(&old, q, entry);
		if (!s->dead && s->cb.played != NULL)
			s->cb.played(s->arg, q->clip, first ? played : 0, 0);
		first = 0;
		ivr_clip_unref(q->clip);
		free(q);
	}
	media_leave(rtp);
}

int
ivr_rtp_playing(const struct ivr_rtp_sess *s)
{
	return s->nqueued;
}

int
ivr_rtp_record(struct ivr_rtp_sess *s, const char *wav, int max_seconds)
{
	struct au_err	 ae;

	if (s->dead || s->rec != NULL || wav == NULL || max_seconds <= 0 ||
	    max_seconds > AU_MAX_SECONDS)
		return -1;
	memset(&ae, 0, sizeof(ae));
	if ((s->rec = au_rec_open(wav, AU_REC_PCM16, &ae)) == NULL) {
		log_warnx("%s: port=%u: %s", __func__, s->port, ae.msg);
		return -1;
	}
	s->rec_start = media_now();
	s->rec_max = (size_t)max_seconds * AU_RATE;
	return 0;
}

double
ivr_rtp_record_stop(struct ivr_rtp_sess *s)
{
	struct au_err	 ae;
	struct au_rec	*rec = s->rec;
	double		 secs;

	if (rec == NULL)
		return -1;
	s->rec = NULL;
	secs = (double)au_rec_samples(rec) / AU_RATE;
	memset(&ae, 0, sizeof(ae));
	if (au_rec_close(rec, &ae) == -1) {
		log_warnx("%s: port=%u: %s", __func__, s->port, ae.msg);
		return -1;
	}
	return secs;
}

void
ivr_rtp_close(struct ivr_rtp_sess *s)
{
	struct ivr_rtp	*rtp;

	if (s == NULL || s->dead)
		return;
	rtp = s->rtp;
	sess_release(s);
	if (rtp->depth > 0) {
		rtp->ndead++;		/* freed by media_leave */
		return;
	}
	TAILQ_REMOVE(&rtp->sessions, s, entry);
	free(s);
}
