/*
 * fuzz_dtmf.c: libFuzzer target for ivr/dtmf.c: dtmf_event_parse(), the
 * RFC 4733 detector and, on the same bytes, the in-band detector.  Build
 * and run with tests/fuzz/run.sh dtmf.
 *
 * The input is a run of packets, each a 4-byte RTP timestamp, a length
 * byte (0..7 used) and that many payload bytes.  Checks: a payload under 4
 * bytes (or none) is refused with a zeroed event, any other parses to its bytes
 * (volume 0..63); the detector reports a digit exactly when the event is a
 * DTMF key and its (timestamp, event) is not among the last DTMF_TE_SEEN
 * digits reported (a model kept here), with the key for the event, its
 * source and timestamp.  Then the whole input, as u-law or A-law (first
 * byte), goes to dtmf_ib_feed() in chunks: never more digits than asked
 * for, each a keypad key from the in-band source.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "ivr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char keys[] = "0123456789*#ABCD";

static void
check_event(const uint8_t *p, size_t len)
{
	struct dtmf_event	 ev, zero;
	char			 key;

	memset(&zero, 0, sizeof(zero));
	if (dtmf_event_parse(p, len, &ev) == -1) {
		if ((p != NULL && len >= 4) ||
		    memcmp(&ev, &zero, sizeof(ev)) != 0)
			abort();
		return;
	}
	if (len < 4 || ev.event != p[0] || ev.end != ((p[1] & 0x80) != 0) ||
	    ev.volume != (p[1] & 0x3f) || ev.volume > 63 ||
	    ev.duration != (uint16_t)(p[2] << 8 | p[3]))
		abort();
	key = dtmf_event_key(ev.event);
	if (ev.event > 15 ? key != 0 : key != keys[ev.event])
		abort();
}

static void
inband(const uint8_t *data, size_t size)
{
	struct dtmf_ib		*ib;
	struct ivr_digit	 out[4];
	size_t			 off, n, max;
	int			 k, i;

	if (size < 2)
		return;
	if ((ib = dtmf_ib_new(data[0] & 1 ? AU_CODEC_ALAW :
	    AU_CODEC_ULAW)) == NULL)
		abort();
	max = data[1] % 5;
	for (off = 2; off < size; off += n) {
		n = size - off < 160 ? size - off : 160;
		memset(out, 0, sizeof(out));
		if ((k = dtmf_ib_feed(ib, data + off, n, out, max)) < 0 ||
		    (size_t)k > max)
			abort();
		for (i = 0; i < k; i++)
			if (out[i].src != IVR_DIGIT_INBAND ||
			    out[i].key == '\0' ||
			    strchr(keys, out[i].key) == NULL)
				abort();
	}
	if (dtmf_ib_new(2) != NULL)
		abort();
	dtmf_ib_free(ib);
	dtmf_ib_free(NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dtmf_te_rx	 rx;
	struct ivr_digit	 d;
	uint32_t		 mts[DTMF_TE_SEEN], ts;
	uint8_t			 mev[DTMF_TE_SEEN];
	const uint8_t		*p;
	size_t			 off, len;
	int			 mn = 0, mnext = 0, seen, rc, i;
	char			 key;

	check_event(data, size);
	check_event(NULL, 4);

	memset(&rx, 0, sizeof(rx));
	for (off = 0; off + 5 <= size; off += 5 + len) {
		ts = (uint32_t)data[off] << 24 | (uint32_t)data[off + 1] << 16 |
		    (uint32_t)data[off + 2] << 8 | data[off + 3];
		len = data[off + 4] & 7;
		if (len > size - off - 5)
			len = size - off - 5;
		p = data + off + 5;
		check_event(p, len);

		memset(&d, 0, sizeof(d));
		rc = dtmf_te_rx_feed(&rx, ts, p, len, &d);
		if (len < 4) {
			if (rc != -1)
				abort();
			continue;
		}
		if ((key = dtmf_event_key(p[0])) == 0) {
			if (rc != 0)
				abort();
			continue;
		}
		for (seen = 0, i = 0; i < mn; i++)
			if (mts[i] == ts && mev[i] == p[0])
				seen = 1;
		if (seen) {
			if (rc != 0)
				abort();
			continue;
		}
		if (rc != 1 || d.key != key || d.src != IVR_DIGIT_RFC4733 ||
		    d.ts != ts)
			abort();
		mts[mnext] = ts;
		mev[mnext] = p[0];
		mnext = (mnext + 1) % DTMF_TE_SEEN;
		if (mn < DTMF_TE_SEEN)
			mn++;
	}

	inband(data, size);
	return 0;
}
