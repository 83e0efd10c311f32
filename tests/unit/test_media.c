/*
 * test_media.c: clips (ivr/clip.c) and RTP sessions (ivr/media.c).
 *
 * Clips: a cache file written by au_cache_write (whatever its name), raw
 * .ul / .al padded with the codec's silence, and every refusal (missing,
 * empty, truncated, corrupt, unknown).  Sessions run on this test's own
 * event_base against loopback UDP sockets that play the peer: frames go
 * out as they are in the clip (seq +1, ts +160, one SSRC, the marker on
 * each clip's first packet), silence after, cb->played with the frame
 * count; A-law calls hear a u-law clip transcoded; flush; RFC 4733 and
 * in-band digits; packets from another address or, after latching, from
 * another port are dropped; recording to WAV (by length, by the clock,
 * on close); the silence timeout; the port range; sessions closed from
 * inside their own callbacks; barge-in; re-INVITE; recvonly; a late tick
 * (skipped with max_burst 1, sent in a burst otherwise); 200 sessions at
 * once.  Every wait is bounded (run_until).  Ports come from blocks
 * checked free below the ephemeral range, never fixed numbers.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <event2/event.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <spandsp.h>

#include "audio.h"
#include "ivr.h"
#include "tap.h"
#include "xmalloc.h"

#define PEER_MAX	512
#define NSINKS		10
#define NMANY		200
#define BIG_SPAN	4000	/* ports for the main struct ivr_rtp */

static struct event_base *base;
static char		 tdir[64];

/* --- time and the bounded loop -------------------------------------------- */

static uint64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct waiter {
	int		(*cond)(void *);
	void		*arg;
	uint64_t	 deadline;
	int		 met;
};

static void
wait_cb(evutil_socket_t fd, short what, void *arg)
{
	struct waiter	*w = arg;

	(void)fd;
	(void)what;
	if (w->cond != NULL && w->cond(w->arg)) {
		w->met = 1;
		event_base_loopbreak(base);
	} else if (now_ms() >= w->deadline)
		event_base_loopbreak(base);
}

/* Run the loop until cond(arg) holds (1) or ms pass (0). */
static int
run_until(int (*cond)(void *), void *arg, int ms)
{
	struct waiter	 w;
	struct event	*ev;
	struct timeval	 tv = { 0, 2000 };

	w.cond = cond;
	w.arg = arg;
	w.deadline = now_ms() + (uint64_t)ms;
	w.met = 0;
	if (cond != NULL && cond(arg))
		return 1;
	ev = event_new(base, -1, EV_PERSIST, wait_cb, &w);
	event_add(ev, &tv);
	event_base_dispatch(base);
	event_free(ev);
	return w.met;
}

static void
run_for(int ms)
{
	run_until(NULL, NULL, ms);
}

/* --- the peer: a loopback socket that keeps what it receives -------------- */

struct peer_pkt {
	struct rtp_hdr	 h;
	uint64_t	 at;		/* arrival, ms */
	size_t		 len;
	uint8_t		 payload[RTP_FRAME_BYTES];
};

struct peer {
	int		 fd;
	struct event	*ev;
	uint16_t	 port;
	int		 n;
	uint64_t	 total;
	int		 bad;
	struct peer_pkt	*pkts;		/* PEER_MAX, or NULL: count only */
	const uint8_t	*match;		/* count payloads equal to a frame */
	uint32_t	 match_frames;
	uint64_t	 matched;
};

static void
peer_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct peer	*p = arg;
	struct rtp_pkt	 pkt;
	uint8_t		 buf[2048];
	ssize_t		 n;
	uint32_t	 f;

	(void)what;
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		p->total++;
		if (rtp_parse(buf, (size_t)n, &pkt) != RTP_OK ||
		    pkt.payload_len != RTP_FRAME_BYTES) {
			p->bad++;
			continue;
		}
		for (f = 0; p->match != NULL && f < p->match_frames; f++)
			if (memcmp(pkt.payload, p->match + f * RTP_FRAME_BYTES,
			    RTP_FRAME_BYTES) == 0) {
				p->matched++;
				break;
			}
		if (p->pkts == NULL || p->n == PEER_MAX)
			continue;
		p->pkts[p->n].h = pkt.h;
		p->pkts[p->n].at = now_ms();
		p->pkts[p->n].len = pkt.payload_len;
		memcpy(p->pkts[p->n].payload, pkt.payload, pkt.payload_len);
		p->n++;
	}
}

static int
peer_open(struct peer *p, const char *ip, int keep)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	int			 sz = 1 << 22;

	memset(p, 0, sizeof(*p));
	if ((p->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) == -1)
		return -1;
	(void)setsockopt(p->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, ip, &sin.sin_addr);
	if (bind(p->fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(p->fd, (struct sockaddr *)&sin, &len) == -1) {
		close(p->fd);
		return -1;
	}
	p->port = ntohs(sin.sin_port);
	if (keep)
		p->pkts = calloc(PEER_MAX, sizeof(*p->pkts));
	p->ev = event_new(base, p->fd, EV_READ | EV_PERSIST, peer_read_cb, p);
	event_add(p->ev, NULL);
	return 0;
}

static void
peer_reset(struct peer *p)
{
	p->n = 0;
	p->total = 0;
	p->bad = 0;
	p->matched = 0;
}

static void
peer_close(struct peer *p)
{
	event_free(p->ev);
	close(p->fd);
	free(p->pkts);
}

static void
peer_send_raw(struct peer *p, uint16_t port, const uint8_t *buf, size_t len)
{
	struct sockaddr_in	 sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(port);
	if (sendto(p->fd, buf, len, 0, (struct sockaddr *)&sin, sizeof(sin)) !=
	    (ssize_t)len)
		diag("peer sendto: %s", strerror(errno));
}

static void
peer_send(struct peer *p, uint16_t port, uint8_t pt, uint16_t seq,
    uint32_t ts, const uint8_t *payload, size_t len)
{
	struct rtp_hdr	 h;
	uint8_t		 buf[RTP_HDR_LEN + 256];
	int		 n;

	memset(&h, 0, sizeof(h));
	h.pt = pt;
	h.seq = seq;
	h.ts = ts;
	h.ssrc = 0x5eed;
	n = rtp_pack(&h, payload, len, buf, sizeof(buf));
	peer_send_raw(p, port, buf, (size_t)n);
}

/* One RFC 4733 event: n updates, then the end packet three times. */
static void
peer_send_event(struct peer *p, uint16_t port, uint8_t event, uint16_t *seq,
    uint32_t ts, int n)
{
	uint8_t		 e[4];
	uint16_t	 dur;
	int		 i;

	for (i = 0; i < n + 3; i++) {
		dur = (uint16_t)(i < n ? (i + 1) * 160 : n * 160);
		e[0] = event;
		e[1] = (uint8_t)((i >= n ? 0x80 : 0) | 10);
		e[2] = (uint8_t)(dur >> 8);
		e[3] = (uint8_t)dur;
		peer_send(p, port, 101, (*seq)++, ts, e, sizeof(e));
	}
}

/* --- what the callbacks saw ----------------------------------------------- */

struct seen {
	struct ivr_rtp_sess *sess;
	char		 digits[64];
	enum ivr_digit_src src[64];
	int		 ndigits;
	int		 nplayed;
	struct ivr_clip	*clip[16];
	uint32_t	 played[16];
	int		 completed[16];
	int		 timeouts;
	uint64_t	 timeout_at;
	int		 nrecorded;
	double		 recorded;
	/* Things to do from inside a callback. */
	int		 close_in_played, close_in_digit, close_in_timeout;
	int		 sleep_in_played;	/* ms: the next tick is late */
	struct ivr_clip	*barge;		/* on a digit: flush, play this */
};

static void
seen_digit(void *arg, const struct ivr_digit *d)
{
	struct seen	*sn = arg;

	if (sn->ndigits < 63) {
		sn->src[sn->ndigits] = d->src;
		sn->digits[sn->ndigits++] = d->key;
		sn->digits[sn->ndigits] = '\0';
	}
	if (sn->barge != NULL) {
		ivr_rtp_flush(sn->sess);
		ivr_rtp_play(sn->sess, sn->barge);
		sn->barge = NULL;
	}
	if (sn->close_in_digit)
		ivr_rtp_close(sn->sess);
}

static void
seen_played(void *arg, struct ivr_clip *c, uint32_t played, int completed)
{
	struct seen	*sn = arg;

	if (sn->nplayed < 16) {
		sn->clip[sn->nplayed] = c;
		sn->played[sn->nplayed] = played;
		sn->completed[sn->nplayed] = completed;
	}
	sn->nplayed++;
	if (sn->sleep_in_played > 0)
		usleep((useconds_t)sn->sleep_in_played * 1000);
	if (sn->close_in_played)
		ivr_rtp_close(sn->sess);
}

static void
seen_recorded(void *arg, double secs)
{
	struct seen	*sn = arg;

	sn->nrecorded++;
	sn->recorded = secs;
}

static void
seen_timeout(void *arg)
{
	struct seen	*sn = arg;

	sn->timeouts++;
	sn->timeout_at = now_ms();
	if (sn->close_in_timeout)
		ivr_rtp_close(sn->sess);
}

static const struct ivr_rtp_cb seen_cb = {
	seen_digit, seen_played, seen_recorded, seen_timeout
};

/* Conditions over a struct peer and a struct seen. */
struct want {
	struct peer	*p;
	struct seen	*sn;
	int		 pkts, played, digits, timeouts, recorded;
	uint64_t	 received;
	struct ivr_rtp	*rtp;
};

static int
cond_want(void *arg)
{
	struct want		*w = arg;
	struct ivr_rtp_stats	 st;

	if (w->p != NULL && w->p->n < w->pkts)
		return 0;
	if (w->sn != NULL && (w->sn->nplayed < w->played ||
	    w->sn->ndigits < w->digits || w->sn->timeouts < w->timeouts ||
	    w->sn->nrecorded < w->recorded))
		return 0;
	if (w->rtp != NULL) {
		ivr_rtp_stats(w->rtp, &st);
		if (st.received < w->received)
			return 0;
	}
	return 1;
}

/* --- set-up --------------------------------------------------------------- */

/*
 * A range of span ports from an even port below the kernel's ephemeral
 * range (32768), its first n ports free for UDP now, and not overlapping
 * [avoid, avoid + avoid_n).  The allocator skips the rest when taken.
 */
static int
free_block(int n, int span, uint16_t avoid, int avoid_n, uint16_t *first)
{
	struct sockaddr_in	 sin;
	int			 fds[64], try, i, k, okay, slots;
	uint16_t		 b;

	if (n > 64 || span < n || span > 20000)
		return -1;
	slots = (32768 - 10000 - span) / 2;
	for (try = 0; try < 200; try++) {
		b = (uint16_t)(10000 + 2 * ((getpid() * 97 + try * 1931) %
		    slots));
		if (b + span > avoid && b < avoid + avoid_n)
			continue;
		okay = 1;
		for (i = k = 0; i < n && okay; i++) {
			fds[k] = socket(AF_INET, SOCK_DGRAM, 0);
			memset(&sin, 0, sizeof(sin));
			sin.sin_family = AF_INET;
			sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			sin.sin_port = htons(b + i);
			if (bind(fds[k], (struct sockaddr *)&sin,
			    sizeof(sin)) == -1)
				okay = 0;
			k++;
		}
		while (k > 0)
			close(fds[--k]);
		if (okay) {
			*first = b;
			return 0;
		}
	}
	return -1;
}

static struct ivr_rtp *
rtp_new(uint16_t min, uint16_t max, int timeout_ms, int max_burst)
{
	struct ivr_rtp_conf	 conf;
	char			 err[256];
	struct ivr_rtp		*rtp;

	memset(&conf, 0, sizeof(conf));
	conf.ip = "127.0.0.1";
	conf.port_min = min;
	conf.port_max = max;
	conf.timeout_ms = timeout_ms;
	conf.max_burst = max_burst;
	if ((rtp = ivr_rtp_new(base, &conf, err, sizeof(err))) == NULL)
		diag("ivr_rtp_new: %s", err);
	return rtp;
}

static void
media_for(struct ivr_media *m, enum ivr_codec codec, uint16_t port)
{
	memset(m, 0, sizeof(*m));
	m->codec = codec;
	m->pt = codec == IVR_CODEC_PCMA ? 8 : 0;
	m->te_pt = 101;
	strlcpy_sk(m->addr, "127.0.0.1", sizeof(m->addr));
	m->port = port;
	m->dir = IVR_DIR_SENDRECV;
}

/* nframes frames, byte j of frame i = base + 16 i + j % 16 (no 0xff). */
static struct ivr_clip *
clip_pattern(int codec, uint32_t nframes, uint8_t b, uint8_t **copy)
{
	struct ivr_clip	*c;
	uint8_t		*d;
	uint32_t	 i, j;

	d = malloc((size_t)nframes * RTP_FRAME_BYTES);
	for (i = 0; i < nframes; i++)
		for (j = 0; j < RTP_FRAME_BYTES; j++)
			d[i * RTP_FRAME_BYTES + j] = (uint8_t)(b + 16 * i +
			    j % 16);
	c = ivr_clip_new(codec, d, nframes, "pattern");
	if (copy != NULL)
		*copy = d;
	else
		free(d);
	return c;
}

static int
is_silence(const uint8_t *p, uint8_t code)
{
	int	 i;

	for (i = 0; i < RTP_FRAME_BYTES; i++)
		if (p[i] != code)
			return 0;
	return 1;
}

static void
tpath(char *buf, size_t sz, const char *name)
{
	snprintf(buf, sz, "%s/%s", tdir, name);
}

static void
write_file(const char *path, const void *buf, size_t len)
{
	FILE	*f = fopen(path, "wb");

	if (f == NULL)
		return;
	if (len > 0)
		fwrite(buf, 1, len, f);
	fclose(f);
}

/* --- clips ---------------------------------------------------------------- */

static void
test_clip_load(void)
{
	struct au_prepared	 p;
	struct au_err		 ae;
	struct ivr_clip		*c, *c2;
	uint8_t			 data[3 * 160], raw[400], hdr[24];
	char			 path[256], path2[256], err[256];
	struct stat		 sb;
	size_t			 i;
	int			 fine;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	memset(&p, 0, sizeof(p));
	p.codec = AU_CODEC_ULAW;
	p.data = data;
	p.frames = 3;
	p.samples = 3 * 160 - 20;
	p.target_lufs = AU_TARGET_LUFS;
	tpath(path, sizeof(path), "prompt.cache");
	ok(au_cache_write(path, &p, &ae) == 0, "au_cache_write");
	c = ivr_clip_load(path, err, sizeof(err));
	ok(c != NULL && c->frames == 3 && c->codec == AU_CODEC_ULAW &&
	    c->refs == 1 && memcmp(c->data, data, sizeof(data)) == 0,
	    "cache file: 3 u-law frames as written");
	ok(c != NULL && strcmp(c->path, path) == 0, "clip path kept");
	ivr_clip_unref(c);

	/* A cache file named .ul is still a cache file. */
	tpath(path2, sizeof(path2), "cache-named.ul");
	p.codec = AU_CODEC_ALAW;
	au_cache_write(path2, &p, &ae);
	c = ivr_clip_load(path2, err, sizeof(err));
	ok(c != NULL && c->frames == 3 && c->codec == AU_CODEC_ALAW &&
	    memcmp(c->data, data, sizeof(data)) == 0,
	    "\"SKAU\" magic wins over the .ul extension (A-law, 3 frames)");
	ivr_clip_unref(c);

	/* Raw u-law, 400 bytes: 3 frames, the last padded with 0xff. */
	memset(raw, 0x11, sizeof(raw));
	tpath(path, sizeof(path), "raw.ul");
	write_file(path, raw, sizeof(raw));
	c = ivr_clip_load(path, err, sizeof(err));
	fine = c != NULL && c->frames == 3 && c->codec == AU_CODEC_ULAW;
	for (i = 0; fine && i < 480; i++)
		if (c->data[i] != (i < 400 ? 0x11 : 0xff))
			fine = 0;
	ok(fine, ".ul 400 bytes: 3 frames, padded with u-law silence");
	ivr_clip_unref(c);

	tpath(path, sizeof(path), "raw.al");
	write_file(path, raw, 10);
	c = ivr_clip_load(path, err, sizeof(err));
	fine = c != NULL && c->frames == 1 && c->codec == AU_CODEC_ALAW;
	for (i = 0; fine && i < 160; i++)
		if (c->data[i] != (i < 10 ? 0x11 : 0xd5))
			fine = 0;
	ok(fine, ".al 10 bytes: 1 frame, padded with A-law silence 0xd5");
	ivr_clip_unref(c);

	tpath(path, sizeof(path), "exact.al");
	write_file(path, raw, 320);
	c = ivr_clip_load(path, err, sizeof(err));
	ok(c != NULL && c->frames == 2, ".al 320 bytes: exactly 2 frames");
	ivr_clip_unref(c);

	/* Refusals. */
	tpath(path, sizeof(path), "missing.ul");
	err[0] = '\0';
	ok(ivr_clip_load(path, err, sizeof(err)) == NULL &&
	    strstr(err, "No such file") != NULL, "missing file: %s", err);
	tpath(path, sizeof(path), "empty.ul");
	write_file(path, NULL, 0);
	err[0] = '\0';
	ok(ivr_clip_load(path, err, sizeof(err)) == NULL &&
	    strstr(err, "empty") != NULL, "empty file: %s", err);
	tpath(path, sizeof(path), "prompt.cache");
	stat(path, &sb);
	if (truncate(path, sb.st_size - 10) == -1)
		diag("truncate: %s", strerror(errno));
	err[0] = '\0';
	ok(ivr_clip_load(path, err, sizeof(err)) == NULL &&
	    strstr(err, "truncated") != NULL, "truncated cache: %s", err);
	memcpy(hdr, "SKAU", 4);
	memset(hdr + 4, 0, sizeof(hdr) - 4);
	tpath(path, sizeof(path), "stub.cache");
	write_file(path, hdr, sizeof(hdr));
	err[0] = '\0';
	ok(ivr_clip_load(path, err, sizeof(err)) == NULL &&
	    strstr(err, "truncated") != NULL, "cut in the header: %s", err);
	/* Corrupt: version 9. */
	tpath(path, sizeof(path), "corrupt.cache");
	p.codec = AU_CODEC_ULAW;
	au_cache_write(path, &p, &ae);
	{
		FILE	*f = fopen(path, "r+b");

		fseek(f, 4, SEEK_SET);
		fputc(9, f);
		fclose(f);
	}
	err[0] = '\0';
	ok(ivr_clip_load(path, err, sizeof(err)) == NULL &&
	    strstr(err, "version") != NULL, "corrupt cache: %s", err);
	tpath(path, sizeof(path), "prompt.wav");
	write_file(path, raw, sizeof(raw));
	err[0] = '\0';
	ok(ivr_clip_load(path, err, sizeof(err)) == NULL &&
	    strstr(err, "not a sanket cache") != NULL, "unknown kind: %s",
	    err);
	err[0] = '\0';
	ok(ivr_clip_load(tdir, err, sizeof(err)) == NULL && err[0] != '\0',
	    "a directory: %s", err);
	ok(ivr_clip_load(tdir, NULL, 0) == NULL, "err may be NULL");

	/* In memory: copied; references. */
	c = ivr_clip_new(AU_CODEC_ULAW, data, 2, "mem");
	data[0] = (uint8_t)(data[0] + 1);
	ok(c != NULL && c->frames == 2 && c->refs == 1 &&
	    c->data[0] == 3 &&
	    strcmp(c->path, "mem") == 0, "ivr_clip_new copies the frames");
	ok(ivr_clip_new(7, data, 1, "x") == NULL, "ivr_clip_new: bad codec");
	c2 = ivr_clip_ref(c);
	ok(c2 == c && c->refs == 2, "ref: 2");
	ivr_clip_unref(c);
	is_int(c->refs, 1, "unref: 1");
	ivr_clip_unref(c);
	ivr_clip_unref(NULL);
	ok(1, "last unref frees; unref(NULL) is fine");
}

/* --- sending -------------------------------------------------------------- */

static void
test_play(struct ivr_rtp *rtp)
{
	struct ivr_rtp_sess	*s;
	struct ivr_media	 m;
	struct ivr_clip		*a, *b;
	struct peer		 p;
	struct seen		 sn;
	struct want		 w;
	uint8_t			*ad, *bd;
	int			 i, seqok = 1, tsok = 1, ssrcok = 1, mk = 1,
				 payok = 1, silok = 1;

	peer_open(&p, "127.0.0.1", 1);
	memset(&sn, 0, sizeof(sn));
	s = sn.sess = ivr_rtp_open(rtp, &seen_cb, &sn);
	ok(s != NULL && ivr_rtp_port(s) % 2 == 0, "open: even port %u",
	    s ? ivr_rtp_port(s) : 0);
	a = clip_pattern(AU_CODEC_ULAW, 5, 0x10, &ad);
	b = clip_pattern(AU_CODEC_ULAW, 3, 0x80, &bd);
	ivr_rtp_play(s, a);
	ivr_rtp_play(s, b);
	is_int(ivr_rtp_playing(s), 2, "two clips queued");
	ok(a->refs == 2, "the queue holds a reference, not a copy");

	/* Not started: nothing is sent. */
	run_for(80);
	is_int(p.total, 0, "idle session sends nothing");

	media_for(&m, IVR_CODEC_PCMU, p.port);
	is_int(ivr_rtp_start(s, &m), 0, "start");
	memset(&w, 0, sizeof(w));
	w.p = &p;
	w.pkts = 12;
	w.sn = &sn;
	w.played = 2;
	ok(run_until(cond_want, &w, 3000), "12 packets and 2 played in time");

	for (i = 0; i < p.n && i < 12; i++) {
		const struct peer_pkt *k = &p.pkts[i];

		if (i > 0 && k->h.seq != (uint16_t)(p.pkts[i - 1].h.seq + 1))
			seqok = 0;
		if (i > 0 && k->h.ts != p.pkts[i - 1].h.ts + 160)
			tsok = 0;
		if (k->h.ssrc != p.pkts[0].h.ssrc || k->h.pt != 0)
			ssrcok = 0;
		if (k->h.marker != (i == 0 || i == 5))
			mk = 0;
		if (i < 5 && memcmp(k->payload, ad + i * 160, 160) != 0)
			payok = 0;
		if (i >= 5 && i < 8 &&
		    memcmp(k->payload, bd + (i - 5) * 160, 160) != 0)
			payok = 0;
		if (i >= 8 && !is_silence(k->payload, 0xff))
			silok = 0;
	}
	ok(payok, "payloads equal the clips' frames, in order");
	ok(seqok, "seq +1 per packet");
	ok(tsok, "ts +160 per packet");
	ok(ssrcok, "one SSRC, PT 0");
	ok(mk, "marker on the first packet of each clip only");
	ok(silok, "u-law silence (0xff) after the clips");
	ok(sn.nplayed == 2 && sn.clip[0] == a && sn.played[0] == 5 &&
	    sn.completed[0] == 1 && sn.clip[1] == b && sn.played[1] == 3 &&
	    sn.completed[1] == 1, "played: a 5 frames, b 3 frames, completed");
	is_int(ivr_rtp_playing(s), 0, "queue empty");
	is_int(a->refs, 1, "reference dropped after playing");
	ok(sn.ndigits == 0 && sn.timeouts == 0, "no digits, no timeout");

	ivr_rtp_close(s);
	ivr_clip_unref(a);
	ivr_clip_unref(b);
	free(ad);
	free(bd);
	peer_close(&p);
}

static void
test_transcode(struct ivr_rtp *rtp)
{
	struct ivr_rtp_sess	*s;
	struct ivr_media	 m;
	struct ivr_clip		*a;
	struct peer		 p;
	struct seen		 sn;
	struct want		 w;
	uint8_t			*ad;
	int			 i, j, fine = 1;

	peer_open(&p, "127.0.0.1", 1);
	memset(&sn, 0, sizeof(sn));
	s = sn.sess = ivr_rtp_open(rtp, &seen_cb, &sn);
	a = clip_pattern(AU_CODEC_ULAW, 4, 0x20, &ad);
	media_for(&m, IVR_CODEC_PCMA, p.port);
	ivr_rtp_play(s, a);
	ivr_rtp_start(s, &m);
	memset(&w, 0, sizeof(w));
	w.p = &p;
	w.pkts = 6;
	ok(run_until(cond_want, &w, 3000), "A-law call: 6 packets");
	for (i = 0; i < 4 && i < p.n; i++)
		for (j = 0; j < 160; j++)
			if (p.pkts[i].payload[j] != au_alaw_from_linear(
			    au_ulaw_to_linear(ad[i * 160 + j])))
				fine = 0;
	ok(fine && p.n >= 6, "u-law clip on an A-law call: transcoded bytes");
	ok(p.n >= 6 && p.pkts[0].h.pt == 8, "PT 8");
	ok(p.n >= 6 && is_silence(p.pkts[4].payload, 0xd5) &&
	    is_silence(p.pkts[5].payload, 0xd5), "A-law silence (0xd5) after");
	ivr_rtp_close(s);
	ivr_clip_unref(a);
	free(ad);
	peer_close(&p);
}

static void
test_flush(struct ivr_rtp *rtp)
{
	struct ivr_rtp_sess	*s;
	struct ivr_media	 m;
	struct ivr_clip		*a, *b;
	struct peer		 p;
	struct seen		 sn;
	struct want		 w;
	int			 i, clipped = 0, sil_after = 1;

	peer_open(&p, "127.0.0.1", 1);
	memset(&sn, 0, sizeof(sn));
	s = sn.sess = ivr_rtp_open(rtp, &seen_cb, &sn);
	a = clip_pattern(AU_CODEC_ULAW, 100, 0x01, NULL);
	b = clip_pattern(AU_CODEC_ULAW, 3, 0x01, NULL);
	media_for(&m, IVR_CODEC_PCMU, p.port);
	ivr_rtp_play(s, a);
	ivr_rtp_play(s, b);
	ivr_rtp_start(s, &m);
	memset(&w, 0, sizeof(w));
	w.p = &p;
	w.pkts = 5;
	run_until(cond_want, &w, 3000);
	ivr_rtp_flush(s);
	ok(sn.nplayed == 2 && sn.clip[0] == a && sn.completed[0] == 0 &&
	    sn.played[0] >= 5 && sn.played[0] < 100,
	    "flush: played(a, %u frames, completed 0)", sn.played[0]);
	ok(sn.nplayed == 2 && sn.clip[1] == b && sn.played[1] == 0 &&
	    sn.completed[1] == 0, "flush: the queued clip too, 0 frames");
	is_int(ivr_rtp_playing(s), 0, "queue empty after flush");
	ivr_rtp_flush(s);
	is_int(sn.nplayed, 2, "flushing an empty queue: no callback");
	run_for(100);
	for (i = 0; i < p.n; i++) {
		if (!is_silence(p.pkts[i].payload, 0xff))
			clipped++;
		else if (i + 1 < p.n && !is_silence(p.pkts[i + 1].payload,
		    0xff))
			sil_after = 0;
	}
	is_int(clipped, sn.played[0], "the peer got exactly the frames played");
	ok(sil_after && p.n > clipped + 3, "silence after the flush");
	ivr_rtp_close(s);
	ok(a->refs == 1 && b->refs == 1, "flush released the clips");
	ivr_clip_unref(a);
	ivr_clip_unref(b);
	peer_close(&p);
}

/* --- receiving ------------------------------------------------------------ */

static struct ivr_rtp_sess *
started(struct ivr_rtp *rtp, struct seen *sn, struct peer *p,
    enum ivr_codec codec)
{
	struct ivr_media	 m;

	memset(sn, 0, sizeof(*sn));
	sn->sess = ivr_rtp_open(rtp, &seen_cb, sn);
	media_for(&m, codec, p->port);
	if (sn->sess != NULL && ivr_rtp_start(sn->sess, &m) == -1)
		diag("start failed");
	return sn->sess;
}

static void
test_rfc4733(struct ivr_rtp *rtp)
{
	struct ivr_rtp_sess	*s;
	struct peer		 p;
	struct seen		 sn;
	struct want		 w;
	uint16_t		 seq = 100;

	peer_open(&p, "127.0.0.1", 0);
	s = started(rtp, &sn, &p, IVR_CODEC_PCMU);
	peer_send_event(&p, ivr_rtp_port(s), 5, &seq, 48000, 5);
	memset(&w, 0, sizeof(w));
	w.sn = &sn;
	w.digits = 1;
	run_until(cond_want, &w, 1000);
	run_for(60);
	is_str(sn.digits, "5", "an event with 3 end retransmissions: one '5'");
	ok(sn.ndigits == 1 && sn.src[0] == IVR_DIGIT_RFC4733,
	    "source RFC 4733");
	peer_send_event(&p, ivr_rtp_port(s), 11, &seq, 49600, 3);
	peer_send_event(&p, ivr_rtp_port(s), 11, &seq, 51200, 0);
	w.digits = 3;
	run_until(cond_want, &w, 1000);
	run_for(60);
	is_str(sn.digits, "5##", "two presses of #, one lost its start");
	ivr_rtp_close(s);
	peer_close(&p);
}

/* u-law tones for keys, 60 ms on / 60 ms off, then 200 ms silence. */
static uint8_t *
tones(const char *keys, size_t *n)
{
	dtmf_tx_state_t	*tx;
	int16_t		*amp;
	uint8_t		*g;
	size_t		 cap = 8000 * 4, len = 0, i;
	int		 k;

	amp = calloc(cap, sizeof(*amp));
	tx = dtmf_tx_init(NULL);
	dtmf_tx_set_level(tx, -10, 0);
	dtmf_tx_set_timing(tx, 60, 60);
	dtmf_tx_put(tx, keys, -1);
	while (len + 160 <= cap && (k = dtmf_tx(tx, amp + len, 160)) > 0)
		len += (size_t)k;
	dtmf_tx_free(tx);
	len += 1600;
	len = (len + 159) / 160 * 160;
	g = malloc(len);
	for (i = 0; i < len; i++)
		g[i] = au_ulaw_from_linear(amp[i]);
	free(amp);
	*n = len;
	return g;
}

static void
test_inband(struct ivr_rtp *rtp)
{
	struct ivr_rtp_sess	*s;
	struct peer		 p;
	struct seen		 sn;
	struct want		 w;
	uint8_t			*g;
	size_t			 n, off;
	uint16_t		 seq = 7;
	int			 i, src = 1;

	peer_open(&p, "127.0.0.1", 0);
	s = started(rtp, &sn, &p, IVR_CODEC_PCMU);
	g = tones("159#", &n);
	for (off = 0; off < n; off += 160) {
		peer_send(&p, ivr_rtp_port(s), 0, seq++, (uint32_t)off,
		    g + off, 160);
		if (seq % 16 == 0)
			run_for(5);
	}
	memset(&w, 0, sizeof(w));
	w.sn = &sn;
	w.digits = 4;
	run_until(cond_want, &w, 2000);
	run_for(60);
	is_str(sn.digits, "159#", "in-band tones: 159#");
	for (i = 0; i < sn.ndigits; i++)
		if (sn.src[i] != IVR_DIGIT_INBAND)
			src = 0;
	ok(src, "source in-band");
	free(g);

	/* Once a phone sends RFC 4733, its tones are not heard twice. */
	peer_send_event(&p, ivr_rtp_port(s), 7, &seq, 90000, 2);
	run_for(40);
	g = tones("2", &n);
	for (off = 0; off < n; off += 160)
		peer_send(&p, ivr_rtp_port(s), 0, seq++, (uint32_t)off,
		    g + off, 160);
	run_for(150);
	is_str(sn.digits, "159#7",
	    "after an RFC 4733 digit, tones are ignored");
	free(g);
	ivr_rtp_close(s);
	peer_close(&p);
}

static void
test_sources(struct ivr_rtp *rtp)
{
	struct ivr_rtp_stats	 st0, st;
	struct ivr_rtp_sess	*s;
	struct peer		 p, other, b;
	struct seen		 sn;
	struct want		 w;
	uint8_t			 frame[160], junk[20];
	uint16_t		 seq = 1;
	int			 i;

	memset(frame, 0x55, sizeof(frame));
	peer_open(&p, "127.0.0.1", 1);
	if (peer_open(&other, "127.0.0.2", 0) == -1) {
		skip("cannot bind 127.0.0.2");
		peer_close(&p);
		return;
	}
	s = started(rtp, &sn, &p, IVR_CODEC_PCMU);
	ivr_rtp_stats(rtp, &st0);
	for (i = 0; i < 5; i++)
		peer_send(&other, ivr_rtp_port(s), 0, seq++, i * 160, frame,
		    160);
	peer_send_event(&other, ivr_rtp_port(s), 1, &seq, 9000, 0);
	run_for(60);
	ivr_rtp_stats(rtp, &st);
	is_int(st.wrong_source - st0.wrong_source, 8,
	    "8 packets from 127.0.0.2: dropped as wrong_source");
	ok(st.received == st0.received && sn.ndigits == 0,
	    "nothing from them received, no digit");

	memset(junk, 0, sizeof(junk));		/* version 0 */
	peer_send_raw(&p, ivr_rtp_port(s), junk, sizeof(junk));
	peer_send_raw(&p, ivr_rtp_port(s), junk, 3);
	run_for(40);
	ivr_rtp_stats(rtp, &st);
	is_int(st.bad - st0.bad, 2, "2 malformed packets counted as bad");
	peer_close(&other);
	ivr_rtp_close(s);

	/* Latching: the first good packet names the port we send to. */
	peer_open(&b, "127.0.0.1", 1);
	s = started(rtp, &sn, &p, IVR_CODEC_PCMU);
	ivr_rtp_stats(rtp, &st0);
	peer_send(&b, ivr_rtp_port(s), 0, seq++, 0, frame, 160);
	memset(&w, 0, sizeof(w));
	w.rtp = rtp;
	w.received = st0.received + 1;
	ok(run_until(cond_want, &w, 1000),
	    "a packet from the SDP address, another port: received");
	run_for(30);
	peer_reset(&p);
	peer_reset(&b);
	run_for(120);
	ok(b.n >= 3 && p.n == 0, "we send to the latched port (%d) and no "
	    "longer to the SDP one (%d)", b.n, p.n);
	ivr_rtp_stats(rtp, &st0);
	peer_send_event(&p, ivr_rtp_port(s), 2, &seq, 100, 0);
	peer_send_event(&b, ivr_rtp_port(s), 3, &seq, 200, 0);
	memset(&w, 0, sizeof(w));
	w.sn = &sn;
	w.digits = 1;
	run_until(cond_want, &w, 1000);
	run_for(40);
	ivr_rtp_stats(rtp, &st);
	is_int(st.wrong_source - st0.wrong_source, 3,
	    "the SDP port, once latched away from: wrong_source");
	is_str(sn.digits, "3", "only the latched source's digit");
	ivr_rtp_close(s);
	peer_close(&b);

	/*
	 * A peer that offers an address it does not send from (baresip
	 * offers its LAN address and sends from 127.0.0.1; a phone behind
	 * NAT): RTP from the SIP peer's own address is accepted and latched.
	 */
	if (peer_open(&other, "127.0.0.2", 1) == 0) {
		struct ivr_media	 m;

		memset(&sn, 0, sizeof(sn));
		sn.sess = s = ivr_rtp_open(rtp, &seen_cb, &sn);
		media_for(&m, IVR_CODEC_PCMU, p.port);
		snprintf(m.sig_addr, sizeof(m.sig_addr), "127.0.0.2");
		ok(s != NULL && ivr_rtp_start(s, &m) == 0,
		    "started with the SIP peer at 127.0.0.2");
		peer_send_event(&other, ivr_rtp_port(s), 4, &seq, 300, 0);
		memset(&w, 0, sizeof(w));
		w.sn = &sn;
		w.digits = 1;
		run_until(cond_want, &w, 1000);
		is_str(sn.digits, "4",
		    "RTP from the SIP peer's address (not the SDP one): heard");
		peer_reset(&p);
		peer_reset(&other);
		run_for(120);
		ok(other.n >= 3 && p.n == 0, "and latched: we send to it (%d), "
		    "not to the SDP address (%d)", other.n, p.n);
		ivr_rtp_close(s);
		peer_close(&other);
	}
	peer_close(&p);
}

static int
wav_frames(const char *path, SF_INFO *info)
{
	SNDFILE	*sf;

	memset(info, 0, sizeof(*info));
	if ((sf = sf_open(path, SFM_READ, info)) == NULL)
		return -1;
	sf_close(sf);
	return 0;
}

static void
test_record(struct ivr_rtp *rtp)
{
	struct ivr_rtp_sess	*s;
	struct peer		 p;
	struct seen		 sn;
	struct want		 w;
	SF_INFO			 info;
	SNDFILE			*sf;
	int16_t			 got[160];
	uint8_t			 frame[60][160];
	char			 path[256];
	uint16_t		 seq = 1;
	int			 i, j, same = 1;

	for (i = 0; i < 60; i++)
		for (j = 0; j < 160; j++)
			frame[i][j] = au_ulaw_from_linear((int16_t)(8000 *
			    ((i * 160 + j) % 20 < 10 ? 1 : -1)));
	peer_open(&p, "127.0.0.1", 0);
	s = started(rtp, &sn, &p, IVR_CODEC_PCMU);
	tpath(path, sizeof(path), "rec1.wav");
	is_int(ivr_rtp_record(s, path, 1), 0, "record up to 1 s");
	is_int(ivr_rtp_record(s, path, 1), -1, "a second recording: -1");
	for (i = 0; i < 60; i++) {
		peer_send(&p, ivr_rtp_port(s), 0, seq++, i * 160, frame[i],
		    160);
		if (i % 10 == 9)
			run_for(5);
	}
	memset(&w, 0, sizeof(w));
	w.sn = &sn;
	w.recorded = 1;
	ok(run_until(cond_want, &w, 2000), "cb->recorded");
	ok(sn.nrecorded == 1 && sn.recorded == 1.0,
	    "recorded at max_seconds: %.3f s", sn.recorded);
	i = wav_frames(path, &info);
	ok(i == 0 && info.frames == 8000 && info.samplerate == 8000 &&
	    info.channels == 1 &&
	    (info.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_WAV,
	    "WAV: %lld frames at 8 kHz mono", (long long)info.frames);
	if ((sf = sf_open(path, SFM_READ, &info)) != NULL) {
		sf_seek(sf, 160 * 7, SEEK_SET);
		sf_read_short(sf, got, 160);
		for (j = 0; j < 160; j++)
			if (got[j] != au_ulaw_to_linear(frame[7][j]))
				same = 0;
		sf_close(sf);
	} else
		same = 0;
	ok(same, "the WAV holds the decoded frames");
	is_int((long long)ivr_rtp_record_stop(s), -1,
	    "record_stop after the limit: none running");

	/* Stopped early: 10 frames = 0.2 s. */
	tpath(path, sizeof(path), "rec2.wav");
	ivr_rtp_record(s, path, 5);
	for (i = 0; i < 10; i++)
		peer_send(&p, ivr_rtp_port(s), 0, seq++, i * 160, frame[i],
		    160);
	run_for(80);
	ok(ivr_rtp_record_stop(s) == 0.2, "record_stop: 0.2 s");
	ok(wav_frames(path, &info) == 0 && info.frames == 1600,
	    "WAV of 1600 frames");
	is_int(sn.nrecorded, 1, "no cb->recorded for record_stop");

	/* Closing keeps a recording. */
	tpath(path, sizeof(path), "rec3.wav");
	ivr_rtp_record(s, path, 5);
	for (i = 0; i < 5; i++)
		peer_send(&p, ivr_rtp_port(s), 0, seq++, i * 160, frame[i],
		    160);
	run_for(60);
	ivr_rtp_close(s);
	ok(wav_frames(path, &info) == 0 && info.frames == 800,
	    "close keeps the recording (800 frames)");
	peer_close(&p);
}

static void
test_timeout(uint16_t pfirst)
{
	struct ivr_rtp		*rtp;
	struct ivr_rtp_sess	*s;
	struct peer		 p;
	struct seen		 sn, sn2;
	struct want		 w;
	uint8_t			 frame[160];
	uint64_t		 last;

	memset(frame, 0x7f, sizeof(frame));
	rtp = rtp_new(pfirst, pfirst + 9, 150, 3);
	peer_open(&p, "127.0.0.1", 0);
	s = started(rtp, &sn, &p, IVR_CODEC_PCMU);
	peer_send(&p, ivr_rtp_port(s), 0, 1, 0, frame, 160);
	run_for(60);
	peer_send(&p, ivr_rtp_port(s), 0, 2, 160, frame, 160);
	last = now_ms();
	memset(&w, 0, sizeof(w));
	w.sn = &sn;
	w.timeouts = 1;
	ok(run_until(cond_want, &w, 2000), "timeout when the peer stops");
	ok(sn.timeout_at >= last + 140 && sn.timeout_at < last + 400,
	    "after about 150 ms (%llu)",
	    (unsigned long long)(sn.timeout_at - last));
	run_for(250);
	is_int(sn.timeouts, 1, "timeout called once");

	/* A timeout callback that closes its session. */
	s = started(rtp, &sn2, &p, IVR_CODEC_PCMU);
	sn2.close_in_timeout = 1;
	memset(&w, 0, sizeof(w));
	w.sn = &sn2;
	w.timeouts = 1;
	ok(run_until(cond_want, &w, 2000), "second session times out");
	run_for(60);
	{
		struct ivr_rtp_stats st;

		ivr_rtp_stats(rtp, &st);
		is_int(st.sessions, 1, "closed from its timeout callback");
	}
	ivr_rtp_close(sn.sess);
	ivr_rtp_free(rtp);
	peer_close(&p);
}

static void
test_ports(uint16_t pfirst)
{
	struct ivr_rtp		*rtp;
	struct ivr_rtp_sess	*a, *b, *c, *d;
	struct ivr_rtp_stats	 st;
	struct ivr_rtp_conf	 conf;
	char			 err[256];

	/* pfirst .. pfirst + 3: two even ports. */
	rtp = rtp_new(pfirst, pfirst + 3, 0, 3);
	a = ivr_rtp_open(rtp, NULL, NULL);
	b = ivr_rtp_open(rtp, NULL, NULL);
	c = ivr_rtp_open(rtp, NULL, NULL);
	ok(a != NULL && b != NULL && ivr_rtp_port(a) == pfirst &&
	    ivr_rtp_port(b) == pfirst + 2, "2-port range: %u and %u",
	    pfirst, pfirst + 2);
	ivr_rtp_stats(rtp, &st);
	ok(c == NULL && st.no_port == 1 && st.sessions == 2,
	    "third open: NULL, no_port 1");
	ivr_rtp_close(a);
	c = ivr_rtp_open(rtp, NULL, NULL);
	ok(c != NULL && ivr_rtp_port(c) == pfirst, "a freed port comes back");
	ivr_rtp_close(b);
	ivr_rtp_close(c);
	ivr_rtp_free(rtp);

	/* Round-robin over 3 ports: a freed port is not reused at once. */
	rtp = rtp_new(pfirst + 1, pfirst + 6, 0, 3);
	a = ivr_rtp_open(rtp, NULL, NULL);
	b = ivr_rtp_open(rtp, NULL, NULL);
	ivr_rtp_close(a);
	c = ivr_rtp_open(rtp, NULL, NULL);
	d = ivr_rtp_open(rtp, NULL, NULL);
	ok(b != NULL && c != NULL && d != NULL &&
	    ivr_rtp_port(b) == pfirst + 4 && ivr_rtp_port(c) == pfirst + 6 &&
	    ivr_rtp_port(d) == pfirst + 2,
	    "odd port_min: even ports from %u, round-robin", pfirst + 2);
	ivr_rtp_close(b);
	ivr_rtp_close(c);
	ivr_rtp_close(d);
	ivr_rtp_free(rtp);

	/* A port taken by someone else is skipped. */
	{
		struct sockaddr_in sin;
		int		 fd;

		fd = socket(AF_INET, SOCK_DGRAM, 0);
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin.sin_port = htons(pfirst);
		bind(fd, (struct sockaddr *)&sin, sizeof(sin));
		rtp = rtp_new(pfirst, pfirst + 3, 0, 3);
		a = ivr_rtp_open(rtp, NULL, NULL);
		ok(a != NULL && ivr_rtp_port(a) == pfirst + 2,
		    "a port in use elsewhere is skipped");
		ivr_rtp_close(a);
		ivr_rtp_free(rtp);
		close(fd);
	}

	memset(&conf, 0, sizeof(conf));
	conf.ip = "localhost";
	conf.port_min = 10000;
	conf.port_max = 10001;
	err[0] = '\0';
	ok(ivr_rtp_new(base, &conf, err, sizeof(err)) == NULL &&
	    err[0] != '\0', "not dotted IPv4: %s", err);
	conf.ip = "127.0.0.1";
	conf.port_min = 10001;
	conf.port_max = 10001;
	err[0] = '\0';
	ok(ivr_rtp_new(base, &conf, err, sizeof(err)) == NULL &&
	    err[0] != '\0', "no even port: %s", err);
	ivr_rtp_free(NULL);
}

static void
test_close_in_cb(struct ivr_rtp *rtp)
{
	struct ivr_rtp_stats	 st0, st;
	struct ivr_rtp_sess	*s;
	struct ivr_clip		*a, *b;
	struct peer		 p;
	struct seen		 sn;
	struct want		 w;
	uint16_t		 seq = 1;

	peer_open(&p, "127.0.0.1", 1);
	a = clip_pattern(AU_CODEC_ULAW, 2, 0x30, NULL);
	b = clip_pattern(AU_CODEC_ULAW, 2, 0x40, NULL);
	ivr_rtp_stats(rtp, &st0);

	/* played closes its own session; the next clip never plays. */
	s = started(rtp, &sn, &p, IVR_CODEC_PCMU);
	sn.close_in_played = 1;
	ivr_rtp_play(s, a);
	ivr_rtp_play(s, b);
	memset(&w, 0, sizeof(w));
	w.sn = &sn;
	w.played = 1;
	ok(run_until(cond_want, &w, 2000), "played");
	run_for(80);
	ivr_rtp_stats(rtp, &st);
	ok(sn.nplayed == 1 && st.sessions == st0.sessions,
	    "closed inside played: no more callbacks, session gone");
	ok(a->refs == 1 && b->refs == 1, "its clips released");

	/* digit closes its own session: the second digit is not seen. */
	s = started(rtp, &sn, &p, IVR_CODEC_PCMU);
	sn.close_in_digit = 1;
	peer_send_event(&p, ivr_rtp_port(s), 1, &seq, 1000, 2);
	peer_send_event(&p, ivr_rtp_port(s), 2, &seq, 2000, 2);
	run_for(100);
	ivr_rtp_stats(rtp, &st);
	ok(sn.ndigits == 1 && st.sessions == st0.sessions,
	    "closed inside digit: one digit, session gone");

	/* Barge-in from the digit callback: flush, then play another. */
	peer_reset(&p);
	s = started(rtp, &sn, &p, IVR_CODEC_PCMU);
	ivr_clip_unref(a);
	a = clip_pattern(AU_CODEC_ULAW, 200, 0x00, NULL);
	ivr_rtp_play(s, a);
	sn.barge = b;
	run_for(60);
	peer_send_event(&p, ivr_rtp_port(s), 9, &seq, 3000, 1);
	memset(&w, 0, sizeof(w));
	w.sn = &sn;
	w.played = 2;
	ok(run_until(cond_want, &w, 2000), "barge-in: two played callbacks");
	ok(sn.nplayed == 2 && sn.clip[0] == a && sn.completed[0] == 0 &&
	    sn.clip[1] == b && sn.completed[1] == 1 && sn.played[1] == 2,
	    "flushed a (0), then b played to the end (1)");
	ivr_rtp_close(s);

	ivr_clip_unref(a);
	ivr_clip_unref(b);
	peer_close(&p);
}

static int
cond_many(void *arg)
{
	struct seen	*sn = arg;
	int		 i;

	for (i = 0; i < NMANY; i++)
		if (sn[i].nplayed < 1)
			return 0;
	return 1;
}

static void
test_many(struct ivr_rtp *rtp)
{
	struct ivr_rtp_stats	 st0, st;
	struct ivr_rtp_sess	*s[NMANY];
	struct ivr_media	 m;
	struct ivr_clip		*c;
	struct peer		 sink[NSINKS];
	struct seen		*sn;
	uint8_t			*cd;
	uint64_t		 matched = 0;
	int			 i, opened = 0, fine = 0, ports = 1;

	sn = calloc(NMANY, sizeof(*sn));
	c = clip_pattern(AU_CODEC_ULAW, 10, 0x05, &cd);
	for (i = 0; i < NSINKS; i++) {
		peer_open(&sink[i], "127.0.0.1", 0);
		sink[i].match = cd;
		sink[i].match_frames = 10;
	}
	ivr_rtp_stats(rtp, &st0);
	for (i = 0; i < NMANY; i++) {
		sn[i].sess = s[i] = ivr_rtp_open(rtp, &seen_cb, &sn[i]);
		if (s[i] == NULL)
			break;
		opened++;
		if (i > 0 && ivr_rtp_port(s[i]) == ivr_rtp_port(s[i - 1]))
			ports = 0;
		media_for(&m, IVR_CODEC_PCMU, sink[i % NSINKS].port);
		ivr_rtp_play(s[i], c);
		ivr_rtp_start(s[i], &m);
	}
	is_int(opened, NMANY, "%d sessions open", NMANY);
	ok(ports, "each on its own port");
	is_int(c->refs, NMANY + 1, "one clip, %d references", NMANY + 1);
	ok(run_until(cond_many, sn, 5000), "every session played its clip");
	run_for(60);
	for (i = 0; i < opened; i++)
		if (sn[i].nplayed == 1 && sn[i].played[0] == 10 &&
		    sn[i].completed[0] == 1)
			fine++;
	is_int(fine, NMANY, "played(10 frames, completed) for all");
	for (i = 0; i < NSINKS; i++)
		matched += sink[i].matched;
	is_int(matched, NMANY * 10, "the peers got all %d clip frames",
	    NMANY * 10);
	ivr_rtp_stats(rtp, &st);
	ok(st.sent - st0.sent >= NMANY * 10, "stats.sent counts them");
	diag("late frames skipped: %llu", (unsigned long long)st.late);
	for (i = 0; i < opened; i++)
		ivr_rtp_close(s[i]);
	is_int(c->refs, 1, "all references dropped");
	ivr_rtp_stats(rtp, &st);
	is_int(st.sessions, 0, "no session open");
	ivr_clip_unref(c);
	free(cd);
	for (i = 0; i < NSINKS; i++)
		peer_close(&sink[i]);
	free(sn);
}

/* A late tick: with max_burst 1 the missed frames are skipped (ts jumps,
 * marker, stats.late); with a large burst they are all sent. */
static void
test_late(struct ivr_rtp *burst, uint16_t pfirst)
{
	struct ivr_rtp_stats	 st0, st;
	struct ivr_rtp		*rtp;
	struct ivr_rtp_sess	*s;
	struct ivr_clip		*c;
	struct peer		 p;
	struct seen		 sn;
	struct want		 w;
	uint64_t		 late;
	int			 i, cont = 1, bunched = 0;

	c = clip_pattern(AU_CODEC_ULAW, 3, 0x10, NULL);
	rtp = rtp_new(pfirst, pfirst + 9, 0, 1);
	peer_open(&p, "127.0.0.1", 1);
	s = started(rtp, &sn, &p, IVR_CODEC_PCMU);
	sn.sleep_in_played = 110;
	ivr_rtp_stats(rtp, &st0);
	ivr_rtp_play(s, c);
	memset(&w, 0, sizeof(w));
	w.p = &p;
	w.pkts = 8;
	ok(run_until(cond_want, &w, 3000), "late tick, max_burst 1: packets");
	ivr_rtp_stats(rtp, &st);
	late = st.late - st0.late;
	ok(late >= 3, "stats.late counts the skipped frames (%llu)",
	    (unsigned long long)late);
	/* The clip (3 frames) played whole, then the jump. */
	ok(p.n >= 8 && p.pkts[3].h.seq == (uint16_t)(p.pkts[2].h.seq + 1) &&
	    p.pkts[3].h.ts == p.pkts[2].h.ts + 160 * (uint32_t)(1 + late) &&
	    p.pkts[3].h.marker && is_silence(p.pkts[3].payload, 0xff),
	    "after the late tick: seq +1, ts +160 x %llu, marker",
	    (unsigned long long)(1 + late));
	ivr_rtp_close(s);
	ivr_rtp_free(rtp);
	peer_reset(&p);

	/* The same with max_burst 50: nothing skipped. */
	s = started(burst, &sn, &p, IVR_CODEC_PCMU);
	sn.sleep_in_played = 110;
	ivr_rtp_stats(burst, &st0);
	ivr_rtp_play(s, c);
	w.pkts = 12;
	ok(run_until(cond_want, &w, 3000), "late tick, max_burst 50: packets");
	for (i = 1; i < p.n; i++)
		if (p.pkts[i].h.ts != p.pkts[i - 1].h.ts + 160 ||
		    p.pkts[i].h.seq != (uint16_t)(p.pkts[i - 1].h.seq + 1) ||
		    p.pkts[i].h.marker)
			cont = 0;
	/* Packets 3 .. 7 were due during the sleep: they come together. */
	for (i = 4; i < 8 && i < p.n; i++)
		if (p.pkts[i].at - p.pkts[i - 1].at <= 5)
			bunched++;
	ivr_rtp_stats(burst, &st);
	ok(cont && st.late == st0.late,
	    "the missed frames sent in a burst: ts and seq continuous");
	ok(bunched >= 3, "they came together (%d within 5 ms)", bunched);
	ivr_rtp_close(s);
	ivr_clip_unref(c);
	peer_close(&p);
}

/* re-INVITE: a new peer and codec, same SSRC, seq and ts run on. */
static void
test_restart(struct ivr_rtp *rtp)
{
	struct ivr_rtp_sess	*s;
	struct ivr_media	 m;
	struct ivr_clip		*c;
	struct peer		 p, q;
	struct seen		 sn;
	struct want		 w;
	const struct peer_pkt	*last, *first;

	peer_open(&p, "127.0.0.1", 1);
	peer_open(&q, "127.0.0.1", 1);
	s = started(rtp, &sn, &p, IVR_CODEC_PCMU);
	memset(&w, 0, sizeof(w));
	w.p = &p;
	w.pkts = 3;
	run_until(cond_want, &w, 2000);
	media_for(&m, IVR_CODEC_PCMA, q.port);
	is_int(ivr_rtp_start(s, &m), 0, "start again: new peer, A-law");
	w.p = &q;
	ok(run_until(cond_want, &w, 2000), "the new peer gets packets");
	run_for(30);
	last = &p.pkts[p.n - 1];
	first = &q.pkts[0];
	ok(first->h.ssrc == last->h.ssrc &&
	    first->h.seq == (uint16_t)(last->h.seq + 1) &&
	    first->h.ts == last->h.ts + 160,
	    "same SSRC, seq and ts carry on");
	ok(first->h.pt == 8 && first->h.marker &&
	    is_silence(first->payload, 0xd5), "PT 8, marker, A-law silence");

	media_for(&m, IVR_CODEC_NONE, q.port);
	is_int(ivr_rtp_start(s, &m), -1, "no codec: -1");
	media_for(&m, IVR_CODEC_PCMU, q.port);
	strlcpy_sk(m.addr, "example.org", sizeof(m.addr));
	is_int(ivr_rtp_start(s, &m), -1, "peer address not IPv4: -1");
	ivr_rtp_close(s);

	/* recvonly: nothing sent, the clip still ends. */
	peer_reset(&p);
	memset(&sn, 0, sizeof(sn));
	s = sn.sess = ivr_rtp_open(rtp, &seen_cb, &sn);
	media_for(&m, IVR_CODEC_PCMU, p.port);
	m.dir = IVR_DIR_RECVONLY;
	c = clip_pattern(AU_CODEC_ULAW, 3, 0x10, NULL);
	ivr_rtp_play(s, c);
	ivr_rtp_start(s, &m);
	memset(&w, 0, sizeof(w));
	w.sn = &sn;
	w.played = 1;
	ok(run_until(cond_want, &w, 2000) && sn.completed[0] == 1 &&
	    sn.played[0] == 3, "recvonly: the clip plays out");
	run_for(40);
	is_int(p.total, 0, "recvonly: nothing sent");
	ivr_rtp_close(s);
	ivr_clip_unref(c);
	peer_close(&p);
	peer_close(&q);
}

/* A quiet peer: the recording ends by the clock at max_seconds + 1 s. */
static void
test_record_quiet(struct ivr_rtp *rtp)
{
	struct ivr_rtp_sess	*s;
	struct peer		 p;
	struct seen		 sn;
	struct want		 w;
	SF_INFO			 info;
	char			 path[256];
	uint64_t		 t;

	peer_open(&p, "127.0.0.1", 0);
	s = started(rtp, &sn, &p, IVR_CODEC_PCMU);
	tpath(path, sizeof(path), "quiet.wav");
	t = now_ms();
	ivr_rtp_record(s, path, 1);
	memset(&w, 0, sizeof(w));
	w.sn = &sn;
	w.recorded = 1;
	ok(run_until(cond_want, &w, 3500), "quiet peer: cb->recorded");
	t = now_ms() - t;
	ok(t >= 1900 && t < 3000 && sn.recorded == 0,
	    "after max_seconds + 1 s (%llu ms), 0 s of audio",
	    (unsigned long long)t);
	ok(wav_frames(path, &info) == 0 && info.frames == 0,
	    "an empty WAV is kept");
	ivr_rtp_close(s);
	peer_close(&p);
}

static void
cleanup(void)
{
	DIR		*d;
	struct dirent	*e;
	char		 p[512];

	if ((d = opendir(tdir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", tdir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(tdir);
}

int
main(void)
{
	struct ivr_rtp	*rtp;
	uint16_t	 small, big;

	strlcpy_sk(tdir, "/tmp/test_media.XXXXXX", sizeof(tdir));
	if (mkdtemp(tdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	base = event_base_new();

	test_clip_load();

	if (free_block(64, BIG_SPAN, 0, 0, &big) == -1 ||
	    free_block(10, 10, big, BIG_SPAN, &small) == -1) {
		diag("no free port block");
		cleanup();
		return done_testing();
	}
	/* BIG_SPAN ports from big, wide enough for a few of these tests
	 * running at once. */
	rtp = rtp_new(big, (uint16_t)(big + BIG_SPAN - 1), 0, 50);
	test_play(rtp);
	test_transcode(rtp);
	test_flush(rtp);
	test_rfc4733(rtp);
	test_inband(rtp);
	test_sources(rtp);
	test_record(rtp);
	test_close_in_cb(rtp);
	test_many(rtp);
	test_restart(rtp);
	test_record_quiet(rtp);
	test_timeout(small);
	test_ports(small);
	test_late(rtp, small);
	ivr_rtp_free(rtp);

	event_base_free(base);
	cleanup();
	return done_testing();
}
