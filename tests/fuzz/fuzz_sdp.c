/*
 * fuzz_sdp.c: libFuzzer target for ivr/sdp.c (SDP offer/answer on top of
 * libosip2's parser).  Build and run with tests/fuzz/run.sh sdp.
 *
 * Checks, for any bytes: ivr_sdp_negotiate() gives one of the three
 * results, never more m= lines than IVR_SDP_MAX_MEDIA, a one-line reason
 * on failure and no chosen codec; on IVR_SDP_OK a PCMU or PCMA codec, a
 * payload type and telephone-event type in 0..127, a dotted IPv4 address
 * and a direction that mirrors the offer's.  The answer built for an
 * accepted offer is well-formed, keeps the offer's m= lines in order and,
 * parsed back as an offer, is accepted with the same codec, payload types,
 * events, our address and port and the direction we chose.
 */
#include "config.h"

#include <arpa/inet.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ivr.h"

#define FUZZ_IP		"192.0.2.7"
#define FUZZ_PORT	40002

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check_failed(enum ivr_sdp_result r, const struct ivr_media *m,
    const char *err)
{
	if (r != IVR_SDP_BAD && r != IVR_SDP_NOCODEC)
		abort();
	if (m->codec != IVR_CODEC_NONE || m->mline != -1)
		abort();
	if (err[0] == '\0' || strchr(err, '\n') != NULL ||
	    strchr(err, '\r') != NULL)
		abort();
}

static void
check_ok(const struct ivr_media *m)
{
	struct in_addr	 in;
	int		 i;

	if (m->codec != IVR_CODEC_PCMU && m->codec != IVR_CODEC_PCMA)
		abort();
	if (m->pt < 0 || m->pt > 127 || m->te_pt < -1 || m->te_pt > 127 ||
	    m->te_pt == m->pt)
		abort();
	if (m->te_pt == -1 ? m->te_fmtp[0] != '\0' : m->te_fmtp[0] == '\0')
		abort();
	if (memchr(m->addr, '\0', sizeof(m->addr)) == NULL ||
	    inet_pton(AF_INET, m->addr, &in) != 1 || m->port == 0)
		abort();
	if (m->nmline < 1 || m->nmline > IVR_SDP_MAX_MEDIA ||
	    m->mline < 0 || m->mline >= m->nmline)
		abort();
	if (m->peer_ptime < 0 || m->peer_ptime > 1000)
		abort();
	switch (m->peer_dir) {
	case IVR_DIR_SENDONLY:
		if (m->dir != IVR_DIR_RECVONLY)
			abort();
		break;
	case IVR_DIR_RECVONLY:
		if (m->dir != IVR_DIR_SENDONLY)
			abort();
		break;
	case IVR_DIR_SENDRECV:
	case IVR_DIR_INACTIVE:
		if (m->dir != m->peer_dir)
			abort();
		break;
	default:
		abort();
	}
	for (i = 0; i < m->nmline; i++)
		if (memchr(m->m[i].media, '\0', sizeof(m->m[i].media)) ==
		    NULL || memchr(m->m[i].proto, '\0',
		    sizeof(m->m[i].proto)) == NULL ||
		    memchr(m->m[i].fmt, '\0', sizeof(m->m[i].fmt)) == NULL)
			abort();
	if (strcasecmp(m->m[m->mline].media, "audio") != 0 ||
	    strcmp(m->m[m->mline].proto, "RTP/AVP") != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ivr_media	 m, back;
	enum ivr_sdp_result	 r;
	char			 err[256], answer[4096], small[64];
	int			 len, i;

	r = ivr_sdp_negotiate((const char *)data, size, &m, err, sizeof(err));
	if (m.nmline < 0 || m.nmline > IVR_SDP_MAX_MEDIA)
		abort();
	if (r != IVR_SDP_OK) {
		check_failed(r, &m, err);
		/* No answer for a refused offer. */
		if (ivr_sdp_answer(&m, FUZZ_IP, FUZZ_PORT, 1, 1, answer,
		    sizeof(answer)) != -1 || answer[0] != '\0')
			abort();
		return 0;
	}
	check_ok(&m);

	/* Too small a buffer fails cleanly, leaving an empty string. */
	if (ivr_sdp_answer(&m, FUZZ_IP, FUZZ_PORT, 1, 2, small,
	    sizeof(small)) != -1 || small[0] != '\0')
		abort();
	if (ivr_sdp_answer(&m, "not-an-ip", FUZZ_PORT, 1, 2, answer,
	    sizeof(answer)) != -1)
		abort();

	len = ivr_sdp_answer(&m, FUZZ_IP, FUZZ_PORT, 1, 2, answer,
	    sizeof(answer));
	if (len <= 0 || (size_t)len != strlen(answer) ||
	    len < 2 || answer[len - 2] != '\r' || answer[len - 1] != '\n')
		abort();

	r = ivr_sdp_negotiate(answer, (size_t)len, &back, err, sizeof(err));
	if (r != IVR_SDP_OK)
		abort();
	check_ok(&back);
	if (back.codec != m.codec || back.pt != m.pt ||
	    back.te_pt != m.te_pt || back.nmline != m.nmline ||
	    back.mline != m.mline || back.port != FUZZ_PORT ||
	    strcmp(back.addr, FUZZ_IP) != 0 ||
	    back.peer_ptime != IVR_PTIME || back.peer_dir != m.dir)
		abort();
	if (m.te_pt != -1 && strcmp(back.te_fmtp, m.te_fmtp) != 0)
		abort();
	for (i = 0; i < m.nmline; i++)
		if (i != m.mline &&
		    (strcmp(back.m[i].media, m.m[i].media) != 0 ||
		    strcmp(back.m[i].proto, m.m[i].proto) != 0 ||
		    strcmp(back.m[i].fmt, m.m[i].fmt) != 0))
			abort();
	return 0;
}
