/*
 * rtp.c: RTP packets (RFC 3550) and the 20 ms send clock, as pure
 * functions: no sockets, no allocation, no logging.
 *
 * Guarantees: rtp_parse never reads past the length it is given and turns
 * every malformed packet (short, version other than 2, CSRC list or header
 * extension past the end, padding count 0 or longer than what follows the
 * header) into an enum rtp_status, never a crash.  The sender (struct
 * rtp_tx) emits one packet per 160-byte G.711 frame with the sequence +1
 * and the timestamp +160 (both wrapping), the marker set on the first
 * packet of a talk spurt.  The clock (rtp_clock_due) schedules frame n at
 * start + n * 20 ms, so a late wake-up never shifts later frames.
 */
#include <sys/types.h>
#include <sys/random.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "audio.h"
#include "ivr.h"

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

const char *
rtp_status_str(enum rtp_status s)
{
	switch (s) {
	case RTP_OK:
		return "ok";
	case RTP_E_SHORT:
		return "short packet";
	case RTP_E_VERSION:
		return "not RTP version 2";
	case RTP_E_CSRC:
		return "CSRC list past the end";
	case RTP_E_EXT:
		return "header extension past the end";
	case RTP_E_PADDING:
		return "bad padding";
	}
	return "unknown";
}

int
rtp_pack(const struct rtp_hdr *h, const uint8_t *payload, size_t len,
    uint8_t *buf, size_t bufsz)
{
	if (h->pt > 127 || bufsz < RTP_HDR_LEN || len > bufsz - RTP_HDR_LEN ||
	    len > RTP_PKT_MAX)
		return -1;
	buf[0] = 0x80;				/* V=2, P=0, X=0, CC=0 */
	buf[1] = (uint8_t)((h->marker ? 0x80 : 0) | h->pt);
	buf[2] = (uint8_t)(h->seq >> 8);
	buf[3] = (uint8_t)h->seq;
	buf[4] = (uint8_t)(h->ts >> 24);
	buf[5] = (uint8_t)(h->ts >> 16);
	buf[6] = (uint8_t)(h->ts >> 8);
	buf[7] = (uint8_t)h->ts;
	buf[8] = (uint8_t)(h->ssrc >> 24);
	buf[9] = (uint8_t)(h->ssrc >> 16);
	buf[10] = (uint8_t)(h->ssrc >> 8);
	buf[11] = (uint8_t)h->ssrc;
	if (len > 0)
		memcpy(buf + RTP_HDR_LEN, payload, len);
	return (int)(RTP_HDR_LEN + len);
}

enum rtp_status
rtp_parse(const uint8_t *buf, size_t len, struct rtp_pkt *p)
{
	size_t	 off, end, pad;

	memset(p, 0, sizeof(*p));
	if (buf == NULL || len < RTP_HDR_LEN)
		return RTP_E_SHORT;
	if ((buf[0] >> 6) != 2)
		return RTP_E_VERSION;
	p->cc = buf[0] & 0x0f;
	p->h.marker = (buf[1] & 0x80) != 0;
	p->h.pt = buf[1] & 0x7f;
	p->h.seq = get16(buf + 2);
	p->h.ts = get32(buf + 4);
	p->h.ssrc = get32(buf + 8);

	off = RTP_HDR_LEN + 4 * (size_t)p->cc;
	if (off > len)
		return RTP_E_CSRC;
	if (buf[0] & 0x10) {
		if (len - off < 4)
			return RTP_E_EXT;
		/* 16-bit profile, then the length in 32-bit words. */
		if ((size_t)get16(buf + off + 2) * 4 > len - off - 4)
			return RTP_E_EXT;
		off += 4 + (size_t)get16(buf + off + 2) * 4;
		p->ext = 1;
	}
	end = len;
	if (buf[0] & 0x20) {
		/* The last byte counts the padding, itself included. */
		pad = buf[len - 1];
		if (pad == 0 || pad > len - off)
			return RTP_E_PADDING;
		end -= pad;
	}
	p->payload = buf + off;
	p->payload_len = end - off;
	return RTP_OK;
}

int
rtp_tx_init(struct rtp_tx *tx, uint8_t pt)
{
	uint8_t	 rnd[10];

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -1;
	rtp_tx_init_at(tx, pt, get16(rnd), get32(rnd + 2), get32(rnd + 6));
	return 0;
}

void
rtp_tx_init_at(struct rtp_tx *tx, uint8_t pt, uint16_t seq, uint32_t ts,
    uint32_t ssrc)
{
	memset(tx, 0, sizeof(*tx));
	tx->pt = pt & 0x7f;
	tx->seq = seq;
	tx->ts = ts;
	tx->ssrc = ssrc;
	tx->spurt = 1;
}

void
rtp_tx_spurt(struct rtp_tx *tx)
{
	tx->spurt = 1;
}

void
rtp_tx_skip(struct rtp_tx *tx, uint32_t n)
{
	tx->ts += n * (uint32_t)RTP_FRAME_BYTES;	/* wraps mod 2^32 */
	tx->spurt = 1;
}

int
rtp_tx_frame(struct rtp_tx *tx, const uint8_t *frame, uint8_t *buf,
    size_t bufsz)
{
	struct rtp_hdr	 h;
	int		 n;

	h.marker = tx->spurt;
	h.pt = tx->pt;
	h.seq = tx->seq;
	h.ts = tx->ts;
	h.ssrc = tx->ssrc;
	if ((n = rtp_pack(&h, frame, RTP_FRAME_BYTES, buf, bufsz)) == -1)
		return -1;
	tx->spurt = 0;
	tx->seq++;
	tx->ts += RTP_FRAME_BYTES;
	tx->sent++;
	return n;
}

uint64_t
rtp_clock_deadline(uint64_t start_us, uint64_t frame)
{
	return start_us + frame * RTP_FRAME_US;
}

void
rtp_clock_due(uint64_t start_us, uint64_t now_us, uint64_t next_frame,
    uint64_t max_burst, struct rtp_due *d)
{
	uint64_t	 due_until, ndue, after;

	memset(d, 0, sizeof(*d));
	if (max_burst == 0)
		max_burst = 1;
	d->first = next_frame;
	if (now_us < rtp_clock_deadline(start_us, next_frame)) {
		d->wait_us = rtp_clock_deadline(start_us, next_frame) - now_us;
		return;
	}
	/* Frames next_frame .. due_until are all due by now. */
	due_until = (now_us - start_us) / RTP_FRAME_US;
	ndue = due_until - next_frame + 1;
	d->count = ndue < max_burst ? ndue : max_burst;
	d->late = ndue - d->count;
	after = rtp_clock_deadline(start_us, next_frame + d->count);
	d->wait_us = after > now_us ? after - now_us : 0;
}
