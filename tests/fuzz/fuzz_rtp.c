/*
 * fuzz_rtp.c: libFuzzer target for rtp_parse() in ivr/rtp.c.  Build and
 * run with tests/fuzz/run.sh rtp.
 *
 * Checks, for any bytes: rtp_parse() returns one of the statuses ivr.h
 * lists, with a description; on RTP_OK the header fields are the packet's
 * bytes, the payload lies inside the packet after the fixed header, CSRC
 * list and extension, and before any padding; the header and payload
 * written back with rtp_pack() parse to the same packet.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ivr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t		 buf[RTP_HDR_LEN + RTP_PKT_MAX];
	struct rtp_pkt		 p, q;
	enum rtp_status		 s;
	const char		*str;
	size_t			 min;
	int			 n;

	s = rtp_parse(data, size, &p);
	str = rtp_status_str(s);
	if (str == NULL || strcmp(str, "unknown") == 0)
		abort();
	if (s != RTP_OK) {
		if (s == RTP_E_SHORT && size >= RTP_HDR_LEN)
			abort();
		if (s == RTP_E_VERSION && (data[0] >> 6) == 2)
			abort();
		return 0;
	}
	if (size < RTP_HDR_LEN || (data[0] >> 6) != 2)
		abort();
	if (p.cc != (data[0] & 0x0f) || p.ext != ((data[0] & 0x10) != 0) ||
	    p.h.marker != ((data[1] & 0x80) != 0) ||
	    p.h.pt != (data[1] & 0x7f) ||
	    p.h.seq != (uint16_t)(data[2] << 8 | data[3]) ||
	    p.h.ts != ((uint32_t)data[4] << 24 | (uint32_t)data[5] << 16 |
	    (uint32_t)data[6] << 8 | data[7]) ||
	    p.h.ssrc != ((uint32_t)data[8] << 24 | (uint32_t)data[9] << 16 |
	    (uint32_t)data[10] << 8 | data[11]))
		abort();
	min = RTP_HDR_LEN + 4 * (size_t)p.cc + (p.ext ? 4 : 0);
	if (p.payload == NULL || p.payload < data + min ||
	    p.payload > data + size ||
	    p.payload_len > size - (size_t)(p.payload - data))
		abort();
	if ((data[0] & 0x20) != 0 &&
	    p.payload + p.payload_len + data[size - 1] != data + size)
		abort();
	if ((data[0] & 0x20) == 0 && p.payload + p.payload_len != data + size)
		abort();

	/* Write it back without CSRCs, extension or padding. */
	n = rtp_pack(&p.h, p.payload, p.payload_len, buf, sizeof(buf));
	if (p.payload_len > RTP_PKT_MAX) {
		if (n != -1)
			abort();
		return 0;
	}
	if (n != (int)(RTP_HDR_LEN + p.payload_len))
		abort();
	if (rtp_parse(buf, (size_t)n, &q) != RTP_OK || q.cc != 0 ||
	    q.ext != 0 || q.h.marker != p.h.marker || q.h.pt != p.h.pt ||
	    q.h.seq != p.h.seq || q.h.ts != p.h.ts || q.h.ssrc != p.h.ssrc ||
	    q.payload != buf + RTP_HDR_LEN || q.payload_len != p.payload_len ||
	    (p.payload_len > 0 &&
	    memcmp(q.payload, p.payload, p.payload_len) != 0))
		abort();
	/* One byte short of the buffer it needs: refused. */
	if (rtp_pack(&p.h, p.payload, p.payload_len, buf, (size_t)n - 1) != -1)
		abort();
	return 0;
}
