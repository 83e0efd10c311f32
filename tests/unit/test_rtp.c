/*
 * test_rtp.c: RTP packets (ivr/rtp.c): build/parse round trips, sequence
 * and timestamp wrap-around, the marker on talk spurts, the drift-free
 * 20 ms send clock and a table of malformed packets.
 */
#include <stdint.h>
#include <string.h>

#include "audio.h"
#include "ivr.h"
#include "tap.h"

static void
test_roundtrip(void)
{
	struct rtp_hdr	 h = { 1, 0, 0xbeef, 0xdeadbeef, 0x01020304 };
	struct rtp_pkt	 p;
	uint8_t		 pay[160], buf[RTP_PKT_MAX];
	int		 n, i;

	for (i = 0; i < 160; i++)
		pay[i] = (uint8_t)i;
	n = rtp_pack(&h, pay, sizeof(pay), buf, sizeof(buf));
	is_int(n, 172, "pack: 12 + 160 bytes");
	is_int(buf[0], 0x80, "pack: V=2, no P/X/CC");
	is_int(buf[1], 0x80, "pack: marker, PT 0");
	is_int(rtp_parse(buf, (size_t)n, &p), RTP_OK, "parse own packet");
	ok(p.h.marker == 1 && p.h.pt == 0 && p.h.seq == 0xbeef &&
	    p.h.ts == 0xdeadbeef && p.h.ssrc == 0x01020304,
	    "round trip: marker, pt, seq, ts, ssrc");
	ok(p.payload == buf + 12 && p.payload_len == 160 &&
	    memcmp(p.payload, pay, 160) == 0, "round trip: payload");

	h.marker = 0;
	h.pt = 101;
	n = rtp_pack(&h, pay, 4, buf, sizeof(buf));
	ok(n == 16 && rtp_parse(buf, 16, &p) == RTP_OK && p.h.pt == 101 &&
	    !p.h.marker && p.payload_len == 4, "round trip: PT 101, 4 bytes");
	is_int(rtp_pack(&h, pay, 160, buf, 100), -1, "pack: buffer too small");
	h.pt = 128;
	is_int(rtp_pack(&h, pay, 4, buf, sizeof(buf)), -1, "pack: PT > 127");

	/* A foreign packet with 2 CSRCs, an extension and 3 bytes padding. */
	{
		uint8_t	 f[] = {
			0xb2, 0x08, 0x00, 0x07, 0, 0, 0, 160, 0, 0, 0, 9,
			1, 1, 1, 1, 2, 2, 2, 2,			/* CSRC */
			0xbe, 0xde, 0x00, 0x01, 9, 9, 9, 9,	/* ext */
			0xd5, 0xd5, 0xd5,			/* payload */
			0, 0, 3					/* padding */
		};

		is_int(rtp_parse(f, sizeof(f), &p), RTP_OK,
		    "parse CSRC + extension + padding");
		ok(p.cc == 2 && p.ext && p.h.pt == 8 && p.h.seq == 7 &&
		    p.h.ts == 160 && p.h.ssrc == 9, "foreign header fields");
		ok(p.payload == f + 28 && p.payload_len == 3,
		    "foreign payload skips CSRC/extension, drops padding");
	}
}

static void
test_tx(void)
{
	struct rtp_tx	 tx, tx2;
	struct rtp_pkt	 p;
	uint8_t		 frame[160], buf[RTP_PKT_MAX];
	int		 n, i, marks, seqok, tsok;
	uint16_t	 pseq;
	uint32_t	 pts;

	memset(frame, 0xff, sizeof(frame));
	ok(rtp_tx_init(&tx, 0) == 0 && tx.spurt, "tx_init from getrandom");
	ok(rtp_tx_init(&tx2, 0) == 0 &&
	    (tx.ssrc != tx2.ssrc || tx.seq != tx2.seq || tx.ts != tx2.ts),
	    "two senders differ in seq/ts/ssrc");

	/* Wrap-around: seq 65533.., ts 2^32 - 320.. */
	rtp_tx_init_at(&tx, 8, 65533, UINT32_MAX - 319, 0xcafe);
	marks = 0;
	seqok = tsok = 1;
	pseq = 0;
	pts = 0;
	for (i = 0; i < 6; i++) {
		n = rtp_tx_frame(&tx, frame, buf, sizeof(buf));
		if (n != 172 || rtp_parse(buf, (size_t)n, &p) != RTP_OK)
			break;
		marks += p.h.marker;
		if (i == 0 && !p.h.marker)
			marks = -100;
		if (i > 0 && (uint16_t)(pseq + 1) != p.h.seq)
			seqok = 0;
		if (i > 0 && (uint32_t)(pts + 160) != p.h.ts)
			tsok = 0;
		pseq = p.h.seq;
		pts = p.h.ts;
		if (i == 2) {
			is_int(p.h.seq, 65535, "seq reaches 65535");
			is_int(p.h.ts, UINT32_MAX - 319 + 320, "ts wraps to 0");
		}
		if (i == 3)
			is_int(p.h.seq, 0, "seq wraps to 0");
	}
	is_int(i, 6, "six 172-byte packets built and parsed");
	is_int(marks, 1, "marker on the first frame only");
	ok(seqok, "seq +1 mod 2^16 across the wrap");
	ok(tsok, "ts +160 mod 2^32 across the wrap");
	is_int(p.h.ssrc, 0xcafe, "ssrc kept");
	is_int(p.h.pt, 8, "pt kept");
	is_int(tx.sent, 6, "sent counter");

	rtp_tx_spurt(&tx);
	n = rtp_tx_frame(&tx, frame, buf, sizeof(buf));
	ok(rtp_parse(buf, (size_t)n, &p) == RTP_OK && p.h.marker,
	    "marker again after rtp_tx_spurt");
	n = rtp_tx_frame(&tx, frame, buf, sizeof(buf));
	ok(rtp_parse(buf, (size_t)n, &p) == RTP_OK && !p.h.marker,
	    "and not on the next frame");
	pseq = p.h.seq;
	pts = p.h.ts;
	rtp_tx_skip(&tx, 5);
	n = rtp_tx_frame(&tx, frame, buf, sizeof(buf));
	ok(rtp_parse(buf, (size_t)n, &p) == RTP_OK && p.h.marker &&
	    p.h.seq == (uint16_t)(pseq + 1) &&
	    p.h.ts == pts + 6 * 160, "skip 5: ts jumps, seq does not, marker");
	is_int(rtp_tx_frame(&tx, frame, buf, 171), -1, "tx: small buffer");
}

static void
test_clock(void)
{
	struct rtp_due	 d;
	const uint64_t	 t0 = 5000000000ULL;	/* any monotonic start */
	uint64_t	 next, now, sent;
	int		 i, drift;

	is_int(rtp_clock_deadline(t0, 0), t0, "frame 0 due at start");
	is_int(rtp_clock_deadline(t0, 50), t0 + 1000000, "frame 50 at 1 s");
	is_int(rtp_clock_deadline(t0, 3 * 60 * 60 * 50),
	    t0 + 3ULL * 3600 * 1000000, "frame at 3 h: no drift");

	rtp_clock_due(t0, t0, 0, 4, &d);
	ok(d.first == 0 && d.count == 1 && d.wait_us == 20000,
	    "t=0: frame 0 due, then wait 20 ms");
	rtp_clock_due(t0, t0 + 19900, 1, 4, &d);
	ok(d.first == 1 && d.count == 0 && d.wait_us == 100,
	    "t=19.9 ms: nothing due, wait 0.1 ms");
	rtp_clock_due(t0, t0 + 19900, 0, 4, &d);
	ok(d.count == 1 && d.wait_us == 100,
	    "t=19.9 ms, frame 0 unsent: send it, next in 0.1 ms");
	rtp_clock_due(t0, t0 + 20000, 1, 4, &d);
	ok(d.first == 1 && d.count == 1 && d.wait_us == 20000,
	    "t=20 ms: frame 1 due exactly");
	rtp_clock_due(t0, t0 - 300, 0, 4, &d);
	ok(d.count == 0 && d.wait_us == 300, "before start: wait");

	/* Late wake-up at 1000 ms after frame 10 was last sent. */
	rtp_clock_due(t0, t0 + 1000000, 11, 4, &d);
	ok(d.first == 11 && d.count == 4 && d.late == 36 && d.wait_us == 0,
	    "t=1000 ms late: frames 11..14 now, 36 more due, no wait");
	rtp_clock_due(t0, t0 + 1000000, 11, 100, &d);
	ok(d.first == 11 && d.count == 40 && d.late == 0 &&
	    d.wait_us == 20000,
	    "t=1000 ms, cap 100: frames 11..50, wait 20 ms");
	rtp_clock_due(t0, t0 + 1000000, 0, 1000, &d);
	ok(d.count == 51 && d.wait_us == 20000, "t=1000 ms from 0: 0..50 due");
	rtp_clock_due(t0, t0 + 1005000, 51, 4, &d);
	ok(d.count == 0 && d.wait_us == 15000, "t=1005 ms: wait 15 ms");
	rtp_clock_due(t0, t0 + 60000, 0, 0, &d);
	ok(d.count == 1 && d.late == 3 && d.wait_us == 0,
	    "max_burst 0 counts as 1");

	/* Simulated jittery wake-ups: every frame is sent on or after its
	 * deadline and never before, and the total stays on schedule. */
	next = 0;
	sent = 0;
	drift = 0;
	now = t0;
	for (i = 0; i < 5000; i++) {
		rtp_clock_due(t0, now, next, 2, &d);
		if (d.count > 0 && rtp_clock_deadline(t0, d.first +
		    d.count - 1) > now)
			drift = 1;
		next += d.count;
		sent += d.count;
		now += d.wait_us + (uint64_t)(i % 7) * 700;	/* oversleep */
	}
	ok(!drift, "no frame sent before its deadline");
	ok(next == sent && (now - t0) / 20000 < next + 2,
	    "after 5000 jittery wake-ups the sender is on schedule");
}

static void
test_malformed(void)
{
	static const struct {
		const char	*name;
		uint8_t		 b[40];
		size_t		 len;
		enum rtp_status	 want;
	} t[] = {
		{ "empty", { 0 }, 0, RTP_E_SHORT },
		{ "11 bytes", { 0x80 }, 11, RTP_E_SHORT },
		{ "version 0", { 0x00 }, 12, RTP_E_VERSION },
		{ "version 1", { 0x40 }, 12, RTP_E_VERSION },
		{ "version 3", { 0xc0 }, 20, RTP_E_VERSION },
		{ "CC=1, no CSRC", { 0x81 }, 12, RTP_E_CSRC },
		{ "CC=15, 20 bytes", { 0x8f }, 20, RTP_E_CSRC },
		{ "CC=2, exactly", { 0x82 }, 20, RTP_OK },
		{ "X, no ext header", { 0x90 }, 12, RTP_E_EXT },
		{ "X, 3 of 4 ext bytes", { 0x90 }, 15, RTP_E_EXT },
		{ "X, ext len past end", { 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		    0, 0, 0xbe, 0xde, 0xff, 0xff }, 24, RTP_E_EXT },
		{ "X, ext len 0", { 0x90 }, 16, RTP_OK },
		{ "P, pad 0", { 0xa0 }, 13, RTP_E_PADDING },
		{ "P, pad past payload", { 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		    0, 0, 0, 0, 9 }, 15, RTP_E_PADDING },
		{ "P, pad 255 in 13", { 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		    0, 255 }, 13, RTP_E_PADDING },
		{ "P, pad = whole payload", { 0xa0, 0, 0, 0, 0, 0, 0, 0, 0,
		    0, 0, 0, 0, 0, 3 }, 15, RTP_OK },
		{ "P, no payload at all", { 0xa0 }, 12, RTP_E_PADDING },
		{ "P+CC, pad eats CSRC", { 0xa1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		    0, 0, 0, 0, 0, 0, 6 }, 18, RTP_E_PADDING },
	};
	struct rtp_pkt	 p;
	uint8_t		 rnd[64];
	size_t		 i, j, len;
	int		 bad;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		enum rtp_status	 s = rtp_parse(t[i].b, t[i].len, &p);

		if (!ok(s == t[i].want, "malformed: %s -> %s", t[i].name,
		    rtp_status_str(t[i].want)))
			diag("got %s", rtp_status_str(s));
	}
	is_int(rtp_parse(NULL, 12, &p), RTP_E_SHORT, "NULL buffer");

	/* Random headers of every length: parse stays inside the buffer. */
	bad = 0;
	for (j = 0; j < 20000; j++) {
		for (i = 0; i < sizeof(rnd); i++)
			rnd[i] = (uint8_t)((j * 2654435761u) >> (i % 24)) ^
			    (uint8_t)(i * 37 + j);
		rnd[0] = (uint8_t)(0x80 | (rnd[0] & 0x3f));
		len = j % sizeof(rnd);
		if (rtp_parse(rnd, len, &p) == RTP_OK &&
		    (p.payload < rnd || p.payload + p.payload_len > rnd + len))
			bad++;
	}
	is_int(bad, 0, "20000 pseudo-random packets: payload in bounds");
}

int
main(void)
{
	test_roundtrip();
	test_tx();
	test_clock();
	test_malformed();
	return done_testing();
}
