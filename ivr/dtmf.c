/*
 * dtmf.c: keypad digits from the two places a caller's keys arrive, both
 * yielding struct ivr_digit so IVR scripts never care which one it was.
 *
 *	RTP telephone-event payload --dtmf_te_rx_feed--> digit  (RFC 4733)
 *	G.711 bytes --au_*_to_linear--> spandsp dtmf_rx --dtmf_ib_feed--> digit
 *
 * RFC 4733: an event is a run of packets with one RTP timestamp (updates
 * with a growing duration, then the end bit, sent three times).  The digit
 * is reported on the first packet seen of a timestamp and never again for
 * it, so a lost start or lost end still yields exactly one digit, and two
 * presses of the same key (two timestamps) yield two.
 *
 * In-band: spandsp's detector reports each tone once (callback mode); the
 * callback only queues into the detector's buffer, dtmf_ib_feed hands the
 * queue to the caller.  No sockets, no SQLite, no logging.  The queue
 * holds DTMF_IB_QUEUE digits; what does not fit in the caller's array
 * waits for the next dtmf_ib_feed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <spandsp.h>

#include "audio.h"
#include "ivr.h"
#include "xmalloc.h"

#define DTMF_IB_QUEUE	16

struct dtmf_ib {
	dtmf_rx_state_t	*rx;
	int		 codec;
	uint32_t	 samples;	/* fed so far (wraps) */
	uint32_t	 at;		/* sample count of the current chunk */
	struct ivr_digit q[DTMF_IB_QUEUE];
	size_t		 nq;
	uint64_t	 dropped;	/* queue overflow (not at 20 ms) */
};

int
dtmf_event_parse(const uint8_t *p, size_t len, struct dtmf_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (p == NULL || len < 4)
		return -1;
	ev->event = p[0];
	ev->end = (p[1] & 0x80) != 0;
	ev->volume = p[1] & 0x3f;
	ev->duration = (uint16_t)(p[2] << 8 | p[3]);
	return 0;
}

char
dtmf_event_key(uint8_t event)
{
	static const char keys[] = "0123456789*#ABCD";

	if (event > 15)
		return 0;
	return keys[event];
}

int
dtmf_te_rx_feed(struct dtmf_te_rx *rx, uint32_t rtp_ts, const uint8_t *p,
    size_t len, struct ivr_digit *out)
{
	struct dtmf_event	 ev;
	char			 key;
	int			 i;

	if (dtmf_event_parse(p, len, &ev) == -1)
		return -1;
	if ((key = dtmf_event_key(ev.event)) == 0)
		return 0;		/* flash, tones: not a digit */
	for (i = 0; i < rx->n; i++)
		if (rx->ts[i] == rtp_ts && rx->ev[i] == ev.event)
			return 0;	/* update or end of a known event */
	rx->ts[rx->next] = rtp_ts;
	rx->ev[rx->next] = ev.event;
	rx->next = (rx->next + 1) % DTMF_TE_SEEN;
	if (rx->n < DTMF_TE_SEEN)
		rx->n++;
	memset(out, 0, sizeof(*out));
	out->key = key;
	out->src = IVR_DIGIT_RFC4733;
	out->ts = rtp_ts;
	return 1;
}

static void
dtmf_ib_digits_cb(void *arg, const char *digits, int len)
{
	struct dtmf_ib	*ib = arg;
	int		 i;

	for (i = 0; i < len; i++) {
		if (ib->nq == DTMF_IB_QUEUE) {
			ib->dropped++;
			continue;
		}
		ib->q[ib->nq].key = digits[i];
		ib->q[ib->nq].src = IVR_DIGIT_INBAND;
		ib->q[ib->nq].ts = ib->at;
		ib->nq++;
	}
}

struct dtmf_ib *
dtmf_ib_new(int codec)
{
	struct dtmf_ib	*ib;

	if (codec != AU_CODEC_ULAW && codec != AU_CODEC_ALAW)
		return NULL;
	ib = xcalloc(1, sizeof(*ib));
	ib->codec = codec;
	ib->rx = dtmf_rx_init(NULL, dtmf_ib_digits_cb, ib);
	if (ib->rx == NULL) {
		free(ib);
		return NULL;
	}
	return ib;
}

void
dtmf_ib_free(struct dtmf_ib *ib)
{
	if (ib == NULL)
		return;
	dtmf_rx_free(ib->rx);
	free(ib);
}

int
dtmf_ib_feed(struct dtmf_ib *ib, const uint8_t *g711, size_t len,
    struct ivr_digit *out, size_t max)
{
	int16_t	 amp[AU_FRAME_SAMPLES];
	size_t	 i, n, done, k;

	for (done = 0; done < len; done += n) {
		n = len - done;
		if (n > AU_FRAME_SAMPLES)
			n = AU_FRAME_SAMPLES;
		for (i = 0; i < n; i++)
			amp[i] = ib->codec == AU_CODEC_ULAW ?
			    au_ulaw_to_linear(g711[done + i]) :
			    au_alaw_to_linear(g711[done + i]);
		ib->at = ib->samples;
		dtmf_rx(ib->rx, amp, (int)n);
		ib->samples += (uint32_t)n;
	}
	k = ib->nq < max ? ib->nq : max;
	if (k > 0)
		memcpy(out, ib->q, k * sizeof(*out));
	/* Whatever did not fit stays queued for the next call. */
	memmove(ib->q, ib->q + k, (ib->nq - k) * sizeof(*out));
	ib->nq -= k;
	return (int)k;
}
