/*
 * rtpsink.c: the receiving side of bench/calls.sh.  Every call's SDP
 * points at this one UDP socket, so all of sanketd's RTP streams arrive
 * here; they are told apart by SSRC.  Per stream it measures what a phone
 * would suffer: inter-arrival deviation from 20 ms (|gap - 20 ms|), frames
 * lost (sequence gaps) and packets out of order.
 *
 *	rtpsink PORTFILE SECONDS [OUT.json]
 *
 * Binds 127.0.0.1 port 0, writes the port to PORTFILE, receives for
 * SECONDS (recvmmsg, 64 at a time; each packet carries the kernel's
 * arrival time, SO_TIMESTAMPNS, so reading in batches does not blur the
 * gaps), then prints JSON: streams, packets, lost, reordered, and the
 * deviation's p50/p99/max in ms over all streams (a stream's first packet
 * has no gap and the gaps after a stream's 20th packet only are counted,
 * so call set-up bursts do not count as jitter).  Not part of sanket: a
 * benchmark tool.
 */
#define _GNU_SOURCE
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BATCH		64
#define MAX_STREAMS	8192
#define HIST_US		100000		/* deviations up to 100 ms, 1 us bins */

struct stream {
	uint32_t	 ssrc;
	int		 used;
	uint64_t	 packets;
	uint16_t	 seq;
	uint64_t	 last_us;
	uint64_t	 lost, reordered;
};

static struct stream	 streams[MAX_STREAMS];
static uint64_t		 hist[HIST_US + 1];
static uint64_t		 nstreams, npackets, ndev, dev_max;

static uint64_t
now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static struct stream *
stream_get(uint32_t ssrc)
{
	uint32_t	 h = (ssrc * 2654435761u) % MAX_STREAMS, i;

	for (i = 0; i < MAX_STREAMS; i++) {
		struct stream *s = &streams[(h + i) % MAX_STREAMS];

		if (s->used && s->ssrc == ssrc)
			return s;
		if (!s->used) {
			s->used = 1;
			s->ssrc = ssrc;
			nstreams++;
			return s;
		}
	}
	return NULL;
}

static void
packet(const uint8_t *p, size_t len, uint64_t t)
{
	struct stream	*s;
	uint16_t	 seq, d;
	uint64_t	 gap, dev;

	if (len < 12 || (p[0] >> 6) != 2 || (p[1] & 0x7f) > 8)
		return;
	seq = (uint16_t)(p[2] << 8 | p[3]);
	if ((s = stream_get((uint32_t)p[8] << 24 | p[9] << 16 | p[10] << 8 |
	    p[11])) == NULL)
		return;
	npackets++;
	if (s->packets > 0) {
		d = (uint16_t)(seq - s->seq);
		if (d == 0 || d > 0x8000) {
			s->reordered++;
			return;
		}
		s->lost += d - 1;
		gap = t - s->last_us;
		dev = gap > 20000 ? gap - 20000 : 20000 - gap;
		if (s->packets >= 20) {
			hist[dev > HIST_US ? HIST_US : dev]++;
			ndev++;
			if (dev > dev_max)
				dev_max = dev;
		}
	}
	s->packets++;
	s->seq = seq;
	s->last_us = t;
}

static double
pct(double p)
{
	uint64_t	 want = (uint64_t)(p * ndev), n = 0;
	size_t		 i;

	for (i = 0; i <= HIST_US; i++)
		if ((n += hist[i]) > want)
			return i / 1000.0;
	return HIST_US / 1000.0;
}

int
main(int argc, char *argv[])
{
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);
	struct mmsghdr		 m[BATCH];
	struct iovec		 iov[BATCH];
	static uint8_t		 buf[BATCH][2048];
	static uint8_t		 ctl[BATCH][256];
	struct cmsghdr		*c;
	struct timespec		 to = { 0, 100 * 1000 * 1000 };
	uint64_t		 end, t, lost = 0, reord = 0;
	FILE			*f, *out = stdout;
	int			 fd, n, i, rcvbuf = 8 << 20, on = 1;
	long			 secs;
	char			*ep;

	if (argc < 3) {
		fprintf(stderr, "usage: rtpsink PORTFILE SECONDS [OUT]\n");
		return 2;
	}
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return perror("socket"), 1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &slen) == -1)
		return perror("bind"), 1;
	if ((f = fopen(argv[1], "w")) == NULL)
		return perror(argv[1]), 1;
	fprintf(f, "%u\n", ntohs(sin.sin_port));
	fclose(f);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ 0, 100000 },
	    sizeof(struct timeval));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = buf[i];
		iov[i].iov_len = sizeof(buf[i]);
		memset(&m[i], 0, sizeof(m[i]));
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	secs = strtol(argv[2], &ep, 10);
	if (ep == argv[2] || *ep != '\0' || secs <= 0 || secs > 86400) {
		fprintf(stderr, "rtpsink: SECONDS: 1 to 86400\n");
		return 2;
	}
	end = now_us() + (uint64_t)secs * 1000000;
	while ((t = now_us()) < end) {
		for (i = 0; i < BATCH; i++) {
			m[i].msg_hdr.msg_control = ctl[i];
			m[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
		}
		if ((n = recvmmsg(fd, m, BATCH, MSG_WAITFORONE, &to)) <= 0)
			continue;
		t = now_us();
		for (i = 0; i < n; i++) {
			uint64_t	 at = t;

			for (c = CMSG_FIRSTHDR(&m[i].msg_hdr); c != NULL;
			    c = CMSG_NXTHDR(&m[i].msg_hdr, c))
				if (c->cmsg_level == SOL_SOCKET &&
				    c->cmsg_type == SCM_TIMESTAMPNS) {
					struct timespec ts;

					memcpy(&ts, CMSG_DATA(c), sizeof(ts));
					at = (uint64_t)ts.tv_sec * 1000000 +
					    ts.tv_nsec / 1000;
				}
			packet(buf[i], m[i].msg_len, at);
		}
	}
	for (i = 0; i < MAX_STREAMS; i++)
		if (streams[i].used) {
			lost += streams[i].lost;
			reord += streams[i].reordered;
		}
	if (argc > 3 && (out = fopen(argv[3], "w")) == NULL)
		return perror(argv[3]), 1;
	fprintf(out, "{\"streams\": %llu, \"packets\": %llu, \"lost\": %llu, "
	    "\"reordered\": %llu, \"p50_ms\": %.3f, \"p99_ms\": %.3f, "
	    "\"max_ms\": %.3f}\n", (unsigned long long)nstreams,
	    (unsigned long long)npackets, (unsigned long long)lost,
	    (unsigned long long)reord, pct(0.50), pct(0.99),
	    dev_max / 1000.0);
	return 0;
}
