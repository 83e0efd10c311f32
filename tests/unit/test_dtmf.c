/*
 * test_dtmf.c: keypad digits (ivr/dtmf.c).  RFC 4733 events: parsing, one
 * digit per event however many packets and end retransmissions carry it.
 * In-band: spandsp dtmf_tx tones for all 16 keys, through G.711 u-law and
 * A-law, each detected exactly once; silence and noise detect nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <spandsp.h>

#include "audio.h"
#include "ivr.h"
#include "tap.h"

static void
test_event_parse(void)
{
	const uint8_t	 p[] = { 11, 0x8a, 0x03, 0x20 };
	struct dtmf_event ev;

	ok(dtmf_event_parse(p, 4, &ev) == 0 && ev.event == 11 && ev.end &&
	    ev.volume == 10 && ev.duration == 800,
	    "parse # end vol 10 dur 800");
	is_int(dtmf_event_parse(p, 3, &ev), -1, "3 bytes: error");
	is_int(dtmf_event_parse(NULL, 4, &ev), -1, "NULL: error");
	ok(dtmf_event_key(0) == '0' && dtmf_event_key(9) == '9' &&
	    dtmf_event_key(10) == '*' && dtmf_event_key(11) == '#' &&
	    dtmf_event_key(12) == 'A' && dtmf_event_key(15) == 'D',
	    "event codes 0..15 -> 0-9 * # A-D");
	ok(dtmf_event_key(16) == 0 && dtmf_event_key(255) == 0,
	    "codes past 15 are not digits");
}

/* Send one event as the pcap in voice.md does: n updates + 3 end packets. */
static int
send_event(struct dtmf_te_rx *rx, uint8_t event, uint32_t ts, int n,
    char *got, size_t *ngot)
{
	struct ivr_digit d;
	uint8_t		 p[4];
	int		 i, r, bad = 0;

	for (i = 0; i < n + 3; i++) {
		uint16_t dur = (uint16_t)(i < n ? i * 160 : n * 160);

		p[0] = event;
		p[1] = (uint8_t)((i >= n ? 0x80 : 0) | 10);
		p[2] = (uint8_t)(dur >> 8);
		p[3] = (uint8_t)dur;
		r = dtmf_te_rx_feed(rx, ts, p, 4, &d);
		if (r == 1) {
			if (d.src != IVR_DIGIT_RFC4733 || d.ts != ts)
				bad++;
			got[(*ngot)++] = d.key;
		} else if (r != 0)
			bad++;
	}
	return bad;
}

static void
test_rfc4733(void)
{
	struct dtmf_te_rx rx;
	struct ivr_digit d;
	char		 got[64];
	size_t		 ngot;
	uint8_t		 p[4] = { 1, 0x80, 0, 160 };
	int		 bad;

	memset(&rx, 0, sizeof(rx));
	ngot = 0;
	bad = send_event(&rx, 1, 1000, 5, got, &ngot);
	ok(bad == 0 && ngot == 1 && got[0] == '1',
	    "5 packets + 3 end retransmissions: one '1'");

	ngot = 0;
	bad = send_event(&rx, 1, 2600, 5, got, &ngot);
	bad += send_event(&rx, 1, 4200, 5, got, &ngot);
	ok(bad == 0 && ngot == 2 && got[0] == '1' && got[1] == '1',
	    "two presses of '1' (two timestamps): two digits");

	/* A stray end retransmission of the first press: ignored. */
	is_int(dtmf_te_rx_feed(&rx, 2600, p, 4, &d), 0,
	    "late retransmission of an earlier event: nothing");

	/* Timestamp 0 is a timestamp like any other. */
	memset(&rx, 0, sizeof(rx));
	ngot = 0;
	bad = send_event(&rx, 0, 0, 3, got, &ngot);
	ok(bad == 0 && ngot == 1 && got[0] == '0', "event at ts 0");

	/* Only the end packets arrive (start lost): still one digit. */
	memset(&rx, 0, sizeof(rx));
	ngot = 0;
	bad = send_event(&rx, 11, 8000, 0, got, &ngot);
	ok(bad == 0 && ngot == 1 && got[0] == '#', "only end packets: one #");

	/* A whole relief code: 1 2 3 4 5 6 # at increasing timestamps, ts
	 * wrapping past 2^32 in the middle. */
	memset(&rx, 0, sizeof(rx));
	{
		const uint8_t	 ev[] = { 1, 2, 3, 4, 5, 6, 11 };
		uint32_t	 ts = UINT32_MAX - 2 * 1600;
		size_t		 i;

		ngot = 0;
		bad = 0;
		for (i = 0; i < sizeof(ev); i++, ts += 1600)
			bad += send_event(&rx, ev[i], ts, 4, got, &ngot);
		got[ngot] = '\0';
		ok(bad == 0, "code: no errors");
		is_str(got, "123456#", "code 123456# across a ts wrap");
	}

	is_int(dtmf_te_rx_feed(&rx, 1, p, 2, &d), -1, "short payload: -1");
	p[0] = 16;		/* flash */
	is_int(dtmf_te_rx_feed(&rx, 99999, p, 4, &d), 0,
	    "non-DTMF event: no digit");
}

/* Tones for keys at level -10 dBm0, 60 ms on / 60 ms off, into linear. */
static int16_t *
make_tones(const char *keys, size_t *n)
{
	dtmf_tx_state_t	*tx;
	int16_t		*amp;
	size_t		 cap = 8000 * 10, len = 0;
	int		 k;

	amp = calloc(cap, sizeof(*amp));
	tx = dtmf_tx_init(NULL);
	dtmf_tx_set_level(tx, -10, 0);
	dtmf_tx_set_timing(tx, 60, 60);
	dtmf_tx_put(tx, keys, -1);
	while (len + 160 <= cap && (k = dtmf_tx(tx, amp + len, 160)) > 0)
		len += (size_t)k;
	dtmf_tx_free(tx);
	len += 1600;		/* 200 ms of trailing silence */
	*n = len;
	return amp;
}

static int
detect(int codec, const int16_t *amp, size_t n, char *got, size_t max,
    int *badsrc)
{
	struct dtmf_ib	*ib;
	struct ivr_digit d[4];
	uint8_t		*g;
	size_t		 i, off, ngot = 0;
	int		 k, j;

	g = malloc(n);
	for (i = 0; i < n; i++)
		g[i] = codec == AU_CODEC_ULAW ? au_ulaw_from_linear(amp[i]) :
		    au_alaw_from_linear(amp[i]);
	ib = dtmf_ib_new(codec);
	for (off = 0; off < n; off += 160) {
		k = dtmf_ib_feed(ib, g + off, n - off < 160 ? n - off : 160,
		    d, 4);
		for (j = 0; j < k; j++) {
			if (d[j].src != IVR_DIGIT_INBAND)
				(*badsrc)++;
			if (ngot + 1 < max)
				got[ngot++] = d[j].key;
		}
	}
	got[ngot] = '\0';
	dtmf_ib_free(ib);
	free(g);
	return (int)ngot;
}

static void
test_inband(void)
{
	const char	*keys = "0123456789*#ABCD";
	char		 got[64];
	int16_t		*amp;
	size_t		 n, i;
	int		 badsrc = 0;
	uint32_t	 x = 12345;

	ok(dtmf_ib_new(7) == NULL, "unknown codec: NULL");
	dtmf_ib_free(NULL);
	ok(1, "dtmf_ib_free(NULL) is a no-op");

	amp = make_tones(keys, &n);
	detect(AU_CODEC_ULAW, amp, n, got, sizeof(got), &badsrc);
	is_str(got, keys, "u-law: all 16 keys, each once");
	detect(AU_CODEC_ALAW, amp, n, got, sizeof(got), &badsrc);
	is_str(got, keys, "A-law: all 16 keys, each once");
	is_int(badsrc, 0, "in-band digits say IVR_DIGIT_INBAND");
	free(amp);

	amp = make_tones("55", &n);
	detect(AU_CODEC_ULAW, amp, n, got, sizeof(got), &badsrc);
	is_str(got, "55", "the same key twice: two digits");
	free(amp);

	/* Odd chunk sizes (not 160) give the same result. */
	{
		struct dtmf_ib	*ib = dtmf_ib_new(AU_CODEC_ULAW);
		struct ivr_digit d[4];
		uint8_t		*g;
		size_t		 off, c, ngot = 0;
		int		 k, j;

		amp = make_tones("159#", &n);
		g = malloc(n);
		for (i = 0; i < n; i++)
			g[i] = au_ulaw_from_linear(amp[i]);
		for (off = 0; off < n; off += c) {
			c = 37 + off % 300;
			if (c > n - off)
				c = n - off;
			k = dtmf_ib_feed(ib, g + off, c, d, 4);
			for (j = 0; j < k; j++)
				got[ngot++] = d[j].key;
		}
		got[ngot] = '\0';
		is_str(got, "159#", "chunks of 37..336 bytes: 159#");
		dtmf_ib_free(ib);

		/* All at once into a 2-digit array: the rest stays queued. */
		ib = dtmf_ib_new(AU_CODEC_ULAW);
		k = dtmf_ib_feed(ib, g, n, d, 2);
		ok(k == 2 && d[0].key == '1' && d[1].key == '5',
		    "whole buffer, room for 2: '1' '5'");
		ok(d[0].ts < d[1].ts && d[1].ts - d[0].ts >= 800,
		    "sample positions increase with the tones");
		k = dtmf_ib_feed(ib, NULL, 0, d, 4);
		ok(k == 2 && d[0].key == '9' && d[1].key == '#',
		    "next call (no audio): '9' '#'");
		is_int(dtmf_ib_feed(ib, NULL, 0, d, 4), 0, "then empty");
		dtmf_ib_free(ib);
		free(g);
		free(amp);
	}

	/* 3 s of digital silence, then 3 s of noise shaped like speech
	 * (random, amplitude-modulated at a syllable rate). */
	n = 8000 * 3;
	amp = calloc(n, sizeof(*amp));
	detect(AU_CODEC_ULAW, amp, n, got, sizeof(got), &badsrc);
	is_str(got, "", "silence: nothing");
	for (i = 0; i < n; i++) {
		int	 env = (int)((i / 400) % 5) * 1500 + 500;
		int	 v;

		x = x * 1103515245u + 12345u;
		v = (int)((x >> 16) & 0x7fff) - 16384;
		amp[i] = (int16_t)(v * env / 16384);
	}
	detect(AU_CODEC_ULAW, amp, n, got, sizeof(got), &badsrc);
	is_str(got, "", "speech-like noise, u-law: nothing");
	detect(AU_CODEC_ALAW, amp, n, got, sizeof(got), &badsrc);
	is_str(got, "", "speech-like noise, A-law: nothing");
	free(amp);
}

int
main(void)
{
	test_event_parse();
	test_rfc4733();
	test_inband();
	return done_testing();
}
