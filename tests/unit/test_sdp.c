/*
 * test_sdp.c: ivr/sdp.c, table-driven.  Each offer (SIPp's and baresip's
 * real ones, variations on codecs, telephone-event PTs, c= placement,
 * ptime and direction, and malformed or hostile input) gives the expected
 * result and negotiated fields; every answer we build parses back through
 * the same parser to the same choice, at our address and port.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "ivr.h"

#define S	IVR_DIR_SENDRECV
#define OK	IVR_SDP_OK
#define NOC	IVR_SDP_NOCODEC
#define BAD	IVR_SDP_BAD
#define U	IVR_CODEC_PCMU
#define A	IVR_CODEC_PCMA
#define N	IVR_CODEC_NONE

#define HDR(ip)	"v=0\r\no=- 1 1 IN IP4 " ip "\r\ns=-\r\n"

struct tcase {
	const char		*name;
	const char		*sdp;
	enum ivr_sdp_result	 want;
	enum ivr_codec		 codec;
	int			 pt, te_pt;
	const char		*te_fmtp, *addr;
	int			 port, ptime;
	enum ivr_dir		 dir;		/* ours */
	int			 mline;
	const char		*err;		/* substring of the error */
};

static const struct tcase cases[] = {
	{ "SIPp uac default offer (PCMU only)",
	  "v=0\r\n"
	  "o=user1 53655765 2353687637 IN IP4 127.0.0.1\r\n"
	  "s=-\r\n"
	  "c=IN IP4 127.0.0.1\r\n"
	  "t=0 0\r\n"
	  "m=audio 6000 RTP/AVP 0\r\n"
	  "a=rtpmap:0 PCMU/8000\r\n",
	  OK, U, 0, -1, NULL, "127.0.0.1", 6000, 0, S, 0, NULL },
	{ "SIPp uac_dtmf1 (PCMU + 101)",
	  HDR("127.0.0.1") "c=IN IP4 127.0.0.1\r\nt=0 0\r\n"
	  "m=audio 6000 RTP/AVP 0 101\r\n"
	  "a=rtpmap:0 PCMU/8000\r\n"
	  "a=rtpmap:101 telephone-event/8000\r\n"
	  "a=fmtp:101 0-16\r\n",
	  OK, U, 0, 101, "0-16", "127.0.0.1", 6000, 0, S, 0, NULL },
	{ "baresip 1.0 (opus, PCMU, PCMA, 101)",
	  "v=0\r\n"
	  "o=- 1730617406 3829181474 IN IP4 192.168.10.23\r\n"
	  "s=-\r\n"
	  "c=IN IP4 192.168.10.23\r\n"
	  "t=0 0\r\n"
	  "a=tool:baresip 1.0.0\r\n"
	  "m=audio 38948 RTP/AVP 96 0 8 101\r\n"
	  "b=AS:96\r\n"
	  "a=rtpmap:96 opus/48000/2\r\n"
	  "a=fmtp:96 stereo=1;sprop-stereo=1\r\n"
	  "a=rtpmap:0 PCMU/8000\r\n"
	  "a=rtpmap:8 PCMA/8000\r\n"
	  "a=rtpmap:101 telephone-event/8000\r\n"
	  "a=fmtp:101 0-15\r\n"
	  "a=rtcp-rsize\r\n"
	  "a=ssrc:2094832911 cname:b1f3c8e0-7a2d-4c51-9d7e-2f0e6c1a9b44\r\n"
	  "a=sendrecv\r\n"
	  "a=label:1\r\n"
	  "a=ptime:20\r\n",
	  OK, U, 0, 101, "0-15", "192.168.10.23", 38948, 20, S, 0, NULL },
	{ "PCMA only, LF line ends, no rtpmap",
	  "v=0\no=- 2 2 IN IP4 10.1.1.1\ns=x\nc=IN IP4 10.1.1.1\nt=0 0\n"
	  "m=audio 4000 RTP/AVP 8\n",
	  OK, A, 8, -1, NULL, "10.1.1.1", 4000, 0, S, 0, NULL },
	{ "PCMA listed before PCMU: PCMU still preferred",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 4002 RTP/AVP 8 0\r\n",
	  OK, U, 0, -1, NULL, "10.0.0.1", 4002, 0, S, 0, NULL },
	{ "telephone-event at PT 96",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 4004 RTP/AVP 8 96\r\n"
	  "a=rtpmap:8 PCMA/8000\r\n"
	  "a=rtpmap:96 telephone-event/8000\r\n"
	  "a=fmtp:96 0-16\r\n",
	  OK, A, 8, 96, "0-16", "10.0.0.1", 4004, 0, S, 0, NULL },
	{ "telephone-event without fmtp gets 0-16",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 4006 RTP/AVP 0 100\r\n"
	  "a=rtpmap:100 TELEPHONE-EVENT/8000\r\n",
	  OK, U, 0, 100, "0-16", "10.0.0.1", 4006, 0, S, 0, NULL },
	{ "telephone-event/16000 ignored",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 4008 RTP/AVP 0 101\r\n"
	  "a=rtpmap:101 telephone-event/16000\r\n",
	  OK, U, 0, -1, NULL, "10.0.0.1", 4008, 0, S, 0, NULL },
	{ "hostile fmtp replaced by 0-16",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 4010 RTP/AVP 0 101\r\n"
	  "a=rtpmap:101 telephone-event/8000\r\n"
	  "a=fmtp:101 0-16;<script>\r\n",
	  OK, U, 0, 101, "0-16", "10.0.0.1", 4010, 0, S, 0, NULL },
	{ "PCMU by name at dynamic PT 97",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 4012 RTP/AVP 97\r\n"
	  "a=rtpmap:97 pcmu/8000/1\r\n",
	  OK, U, 97, -1, NULL, "10.0.0.1", 4012, 0, S, 0, NULL },
	{ "media-level c= wins over session-level",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 4014 RTP/AVP 0\r\n"
	  "c=IN IP4 10.0.0.2\r\n",
	  OK, U, 0, -1, NULL, "10.0.0.2", 4014, 0, S, 0, NULL },
	{ "media-level c= only",
	  HDR("10.0.0.1") "t=0 0\r\n"
	  "m=audio 4016 RTP/AVP 0\r\n"
	  "c=IN IP4 10.0.0.3\r\n",
	  OK, U, 0, -1, NULL, "10.0.0.3", 4016, 0, S, 0, NULL },
	{ "ptime 30 offered, we answer 20",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 4018 RTP/AVP 8\r\n"
	  "a=ptime:30\r\n",
	  OK, A, 8, -1, NULL, "10.0.0.1", 4018, 30, S, 0, NULL },
	{ "media sendonly -> recvonly",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 4020 RTP/AVP 0\r\na=sendonly\r\n",
	  OK, U, 0, -1, NULL, "10.0.0.1", 4020, 0, IVR_DIR_RECVONLY, 0,
	  NULL },
	{ "session recvonly -> sendonly",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\na=recvonly\r\n"
	  "m=audio 4022 RTP/AVP 0\r\n",
	  OK, U, 0, -1, NULL, "10.0.0.1", 4022, 0, IVR_DIR_SENDONLY, 0,
	  NULL },
	{ "media inactive overrides session sendrecv",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\na=sendrecv\r\n"
	  "m=audio 4024 RTP/AVP 0\r\na=inactive\r\n",
	  OK, U, 0, -1, NULL, "10.0.0.1", 4024, 0, IVR_DIR_INACTIVE, 0,
	  NULL },
	{ "c=0.0.0.0 (old hold) -> recvonly",
	  HDR("10.0.0.1") "c=IN IP4 0.0.0.0\r\nt=0 0\r\n"
	  "m=audio 4026 RTP/AVP 0\r\n",
	  OK, U, 0, -1, NULL, "0.0.0.0", 4026, 0, IVR_DIR_RECVONLY, 0,
	  NULL },
	{ "video then audio: audio chosen, video declined",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
	  "m=audio 4028 RTP/AVP 0 101\r\n"
	  "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n",
	  OK, U, 0, 101, "0-16", "10.0.0.1", 4028, 0, S, 1, NULL },
	{ "first audio declined, second used",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 0 RTP/AVP 0\r\n"
	  "m=audio 4030 RTP/AVP 8\r\n",
	  OK, A, 8, -1, NULL, "10.0.0.1", 4030, 0, S, 1, NULL },

	{ "G.729 only -> no common codec",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 4040 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n",
	  NOC, N, 0, 0, NULL, NULL, 0, 0, S, -1, "no common codec" },
	{ "opus + telephone-event only -> no common codec",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 4042 RTP/AVP 96 101\r\na=rtpmap:96 opus/48000/2\r\n"
	  "a=rtpmap:101 telephone-event/8000\r\n",
	  NOC, N, 0, 0, NULL, NULL, 0, 0, S, -1, "no common codec" },
	{ "PCMU at 16000 -> no common codec",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 4044 RTP/AVP 0\r\na=rtpmap:0 PCMU/16000\r\n",
	  NOC, N, 0, 0, NULL, NULL, 0, 0, S, -1, "no common codec" },
	{ "video only -> no audio",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n",
	  NOC, N, 0, 0, NULL, NULL, 0, 0, S, -1, "no audio" },
	{ "audio port 0 -> declined",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 0 RTP/AVP 0\r\n",
	  NOC, N, 0, 0, NULL, NULL, 0, 0, S, -1, "port 0" },
	{ "SRTP profile -> unsupported",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 4046 RTP/SAVP 0\r\n",
	  NOC, N, 0, 0, NULL, NULL, 0, 0, S, -1, "profile" },
	{ "IPv6 media -> unsupported",
	  "v=0\r\no=- 1 1 IN IP6 ::1\r\ns=-\r\nc=IN IP6 ::1\r\nt=0 0\r\n"
	  "m=audio 4048 RTP/AVP 0\r\n",
	  NOC, N, 0, 0, NULL, NULL, 0, 0, S, -1, "IPv4" },

	{ "garbage", "hello, world\r\n",
	  BAD, N, 0, 0, NULL, NULL, 0, 0, S, -1, NULL },
	{ "truncated in the m= line",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\nm=aud",
	  BAD, N, 0, 0, NULL, NULL, 0, 0, S, -1, NULL },
	{ "truncated after the header",
	  "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns",
	  BAD, N, 0, 0, NULL, NULL, 0, 0, S, -1, NULL },
	{ "no m= line",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n",
	  BAD, N, 0, 0, NULL, NULL, 0, 0, S, -1, "no m= line" },
	{ "payload type 300",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 4050 RTP/AVP 0 300\r\n",
	  BAD, N, 0, 0, NULL, NULL, 0, 0, S, -1, "payload type" },
	{ "payload type not a number",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 4052 RTP/AVP 0 x1\r\n",
	  BAD, N, 0, 0, NULL, NULL, 0, 0, S, -1, "payload type" },
	{ "port 70000",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 70000 RTP/AVP 0\r\n",
	  BAD, N, 0, 0, NULL, NULL, 0, 0, S, -1, "port" },
	{ "port not a number",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio -1 RTP/AVP 0\r\n",
	  BAD, N, 0, 0, NULL, NULL, 0, 0, S, -1, "port" },
	{ "no c= anywhere",
	  HDR("10.0.0.1") "t=0 0\r\nm=audio 4054 RTP/AVP 0\r\n",
	  BAD, N, 0, 0, NULL, NULL, 0, 0, S, -1, "c=" },
	{ "bad c= address",
	  HDR("10.0.0.1") "c=IN IP4 999.1.2.3\r\nt=0 0\r\n"
	  "m=audio 4056 RTP/AVP 0\r\n",
	  BAD, N, 0, 0, NULL, NULL, 0, 0, S, -1, "c=" },
	{ "hostile m= protocol",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 4058 RTP/AVP;x=\"y\" 0\r\n",
	  BAD, N, 0, 0, NULL, NULL, 0, 0, S, -1, "m= line" },
	{ "nine m= lines",
	  HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	  "m=audio 1 RTP/AVP 0\r\nm=audio 2 RTP/AVP 0\r\n"
	  "m=audio 3 RTP/AVP 0\r\nm=audio 4 RTP/AVP 0\r\n"
	  "m=audio 5 RTP/AVP 0\r\nm=audio 6 RTP/AVP 0\r\n"
	  "m=audio 7 RTP/AVP 0\r\nm=audio 8 RTP/AVP 0\r\n"
	  "m=audio 9 RTP/AVP 0\r\n",
	  BAD, N, 0, 0, NULL, NULL, 0, 0, S, -1, "m= lines" },
};

#define OUR_IP		"192.0.2.10"
#define OUR_PORT	40000

static int
has_err(const char *err, const char *want)
{
	return err[0] != '\0' && (want == NULL || strstr(err, want) != NULL);
}

/* The answer we build parses back to the same choice. */
static void
round_trip(const struct tcase *t, const struct ivr_media *m)
{
	char ans[2048], err[128];
	struct ivr_media b;
	int n;

	n = ivr_sdp_answer(m, OUR_IP, OUR_PORT, 4242, 1, ans, sizeof(ans));
	if (!ok(n > 0 && (size_t)n == strlen(ans), "%s: answer built",
	    t->name))
		return;
	ok(strstr(ans, "a=ptime:20\r\n") != NULL &&
	    strstr(ans, "o=sanket 4242 1 IN IP4 " OUR_IP "\r\n") != NULL,
	    "%s: answer has ptime 20 and our origin", t->name);
	if (!ok(ivr_sdp_negotiate(ans, n, &b, err, sizeof(err)) == IVR_SDP_OK,
	    "%s: answer parses back", t->name)) {
		diag("%s\n%s", err, ans);
		return;
	}
	ok(b.codec == m->codec && b.pt == m->pt && b.te_pt == m->te_pt &&
	    strcmp(b.te_fmtp, m->te_fmtp) == 0 &&
	    strcmp(b.addr, OUR_IP) == 0 && b.port == OUR_PORT &&
	    b.peer_ptime == IVR_PTIME && b.peer_dir == m->dir &&
	    b.nmline == m->nmline && b.mline == m->mline,
	    "%s: round trip keeps the choice", t->name);
}

static void
test_case(const struct tcase *t)
{
	struct ivr_media m;
	char err[128];
	enum ivr_sdp_result r;

	memset(err, 'x', sizeof(err));
	r = ivr_sdp_negotiate(t->sdp, strlen(t->sdp), &m, err, sizeof(err));
	if (!ok(r == t->want, "%s: result %d", t->name, t->want)) {
		diag("got %d: %s", r, r == IVR_SDP_OK ? "" : err);
		return;
	}
	if (r != IVR_SDP_OK) {
		if (!ok(has_err(err, t->err) && m.codec == IVR_CODEC_NONE,
		    "%s: error says \"%s\"", t->name, t->err ? t->err : ""))
			diag("error: %s", err);
		return;
	}
	is_int(m.codec, t->codec, "%s: codec", t->name);
	is_int(m.pt, t->pt, "%s: payload type", t->name);
	is_int(m.te_pt, t->te_pt, "%s: telephone-event PT", t->name);
	if (t->te_fmtp != NULL)
		is_str(m.te_fmtp, t->te_fmtp, "%s: telephone-event fmtp",
		    t->name);
	is_str(m.addr, t->addr, "%s: remote address", t->name);
	is_int(m.port, t->port, "%s: remote port", t->name);
	is_int(m.peer_ptime, t->ptime, "%s: peer ptime", t->name);
	is_int(m.dir, t->dir, "%s: our direction", t->name);
	is_int(m.mline, t->mline, "%s: chosen m= line", t->name);
	round_trip(t, &m);
}

static void
test_declined_lines_in_answer(void)
{
	const char *offer = HDR("10.0.0.1") "c=IN IP4 10.0.0.1\r\nt=0 0\r\n"
	    "m=video 5000 RTP/AVP 96\r\n"
	    "m=audio 4028 RTP/AVP 0\r\n"
	    "m=application 5002 UDP/BFCP *\r\n";
	struct ivr_media m;
	char ans[1024], err[128];

	is_int(ivr_sdp_negotiate(offer, strlen(offer), &m, err, sizeof(err)),
	    IVR_SDP_OK, "three m= lines: negotiated");
	ok(ivr_sdp_answer(&m, OUR_IP, OUR_PORT, 1, 2, ans, sizeof(ans)) > 0,
	    "three m= lines: answer built");
	is_str(strstr(ans, "m="),
	    "m=video 0 RTP/AVP 96\r\n"
	    "m=audio 40000 RTP/AVP 0\r\n"
	    "a=rtpmap:0 PCMU/8000\r\n"
	    "a=ptime:20\r\n"
	    "a=sendrecv\r\n"
	    "m=application 0 UDP/BFCP *\r\n",
	    "three m= lines: others declined in order");
}

static void
test_answer_exact(void)
{
	const char *offer = cases[1].sdp;
	struct ivr_media m;
	char ans[512], err[128];
	int n;

	ivr_sdp_negotiate(offer, strlen(offer), &m, err, sizeof(err));
	n = ivr_sdp_answer(&m, "10.20.30.40", 16384, 123456789, 3, ans,
	    sizeof(ans));
	is_str(ans,
	    "v=0\r\n"
	    "o=sanket 123456789 3 IN IP4 10.20.30.40\r\n"
	    "s=sanket\r\n"
	    "c=IN IP4 10.20.30.40\r\n"
	    "t=0 0\r\n"
	    "m=audio 16384 RTP/AVP 0 101\r\n"
	    "a=rtpmap:0 PCMU/8000\r\n"
	    "a=rtpmap:101 telephone-event/8000\r\n"
	    "a=fmtp:101 0-16\r\n"
	    "a=ptime:20\r\n"
	    "a=sendrecv\r\n", "SIPp offer: exact answer text");
	is_int(n, strlen(ans), "answer length returned");
	is_int(ivr_sdp_answer(&m, "10.20.30.40", 16384, 123456789, 3, ans,
	    n), -1,
	    "answer: buffer one byte short -> -1");
	is_str(ans, "", "answer: short buffer left empty");
	is_int(ivr_sdp_answer(&m, "::1", 16384, 1, 1, ans, sizeof(ans)), -1,
	    "answer: IPv6 address refused");
	is_int(ivr_sdp_answer(&m, "10.0.0.1\r\na=x", 16384, 1, 1, ans,
	    sizeof(ans)), -1, "answer: injected address refused");
	m.codec = IVR_CODEC_NONE;
	is_int(ivr_sdp_answer(&m, "10.0.0.1", 16384, 1, 1, ans, sizeof(ans)),
	    -1, "answer: nothing negotiated -> -1");
}

static void
test_bounds(void)
{
	struct ivr_media m;
	char err[128], *big;
	const char *s = cases[0].sdp;
	size_t n = IVR_SDP_MAX + 1, hl = strlen(s);

	is_int(ivr_sdp_negotiate(NULL, 0, &m, err, sizeof(err)), IVR_SDP_BAD,
	    "NULL offer");
	is_int(ivr_sdp_negotiate("", 0, &m, err, sizeof(err)), IVR_SDP_BAD,
	    "empty offer");
	is_int(ivr_sdp_negotiate(s, hl, &m, NULL, 0), IVR_SDP_OK,
	    "NULL err buffer is fine");

	/* A valid offer padded past the limit with attribute lines. */
	if ((big = malloc(n + 64)) == NULL)
		abort();
	memcpy(big, s, hl);
	while (hl + 12 < n) {
		memcpy(big + hl, "a=x:123456\r\n", 12);
		hl += 12;
	}
	is_int(ivr_sdp_negotiate(big, hl, &m, err, sizeof(err)), IVR_SDP_OK,
	    "offer just under %d bytes accepted", IVR_SDP_MAX);
	memset(big + hl, 'a', n - hl);
	is_int(ivr_sdp_negotiate(big, n, &m, err, sizeof(err)), IVR_SDP_BAD,
	    "offer of %zu bytes refused", n);
	ok(strstr(err, "too large") != NULL, "error says too large");
	free(big);

	/* A NUL inside the stated length. */
	is_int(ivr_sdp_negotiate(s, strlen(s) + 1, &m, err, sizeof(err)),
	    IVR_SDP_BAD, "NUL byte refused");

	/* Every prefix of a real offer: a result, never a crash. */
	s = cases[2].sdp;
	for (n = 1, hl = 0; n < strlen(s); n++)
		if (ivr_sdp_negotiate(s, n, &m, err, sizeof(err)) == IVR_SDP_OK)
			hl++;
	ok(1, "every prefix of the baresip offer survived (%zu accepted)",
	    hl);
}

/*
 * Byte flips, insertions and cuts of the baresip offer (a fixed-seed
 * generator, so failures reproduce): every result is one of the three, and
 * every accepted offer yields an answer that parses back.
 */
static void
test_mutations(void)
{
	static const char alphabet[] = "0123456789 =/:\r\n\tamcv-.;*";
	const char *s = cases[2].sdp;
	size_t len = strlen(s), n, k;
	struct ivr_media m, b;
	char buf[2048], ans[2048], err[128];
	unsigned int seed = 12345, bad = 0, odd = 0, good = 0;
	enum ivr_sdp_result r;
	int i, a;

	for (i = 0; i < 5000; i++) {
		memcpy(buf, s, len);
		n = len;
		for (k = 0; k < 1 + (unsigned)i % 4; k++) {
			seed = seed * 1103515245 + 12345;
			a = (seed >> 16) % n;
			seed = seed * 1103515245 + 12345;
			switch ((seed >> 16) % 3) {
			case 0:
				buf[a] = alphabet[(seed >> 20) %
				    (sizeof(alphabet) - 1)];
				break;
			case 1:
				if (n + 1 < sizeof(buf)) {
					memmove(buf + a + 1, buf + a, n - a);
					buf[a] = alphabet[(seed >> 20) %
					    (sizeof(alphabet) - 1)];
					n++;
				}
				break;
			default:
				n = a + 1;
				break;
			}
		}
		r = ivr_sdp_negotiate(buf, n, &m, err, sizeof(err));
		if (r != IVR_SDP_OK) {
			if (r != IVR_SDP_BAD && r != IVR_SDP_NOCODEC)
				odd++;
			continue;
		}
		good++;
		a = ivr_sdp_answer(&m, OUR_IP, OUR_PORT, 1, 1, ans,
		    sizeof(ans));
		if (a <= 0 || ivr_sdp_negotiate(ans, a, &b, err,
		    sizeof(err)) != IVR_SDP_OK || b.codec != m.codec ||
		    b.pt != m.pt || b.te_pt != m.te_pt) {
			if (bad++ == 0)
				diag("mutation %d: %s", i, ans);
		}
	}
	ok(odd == 0, "5000 mutations: every result is OK, 488 or 400");
	ok(bad == 0, "5000 mutations: %u accepted, every answer parses back",
	    good);
}

/*
 * Our offer (outbound calls): the exact text, that it parses back as an
 * offer (PCMU preferred, telephone-event 101), and how answers to it read.
 */
static void
test_offer(void)
{
	static const char want[] =
	    "v=0\r\n"
	    "o=sanket 42 7 IN IP4 192.0.2.10\r\n"
	    "s=sanket\r\n"
	    "c=IN IP4 192.0.2.10\r\n"
	    "t=0 0\r\n"
	    "m=audio 40000 RTP/AVP 0 8 101\r\n"
	    "a=rtpmap:0 PCMU/8000\r\n"
	    "a=rtpmap:8 PCMA/8000\r\n"
	    "a=rtpmap:101 telephone-event/8000\r\n"
	    "a=fmtp:101 0-16\r\n"
	    "a=ptime:20\r\n"
	    "a=sendrecv\r\n";
	static const char pcma_first[] =
	    HDR("198.51.100.7") "c=IN IP4 198.51.100.7\r\nt=0 0\r\n"
	    "m=audio 7078 RTP/AVP 8 0 101\r\n"
	    "a=rtpmap:101 telephone-event/8000\r\n";
	static const char pcmu_only[] =
	    HDR("198.51.100.7") "c=IN IP4 198.51.100.7\r\nt=0 0\r\n"
	    "m=audio 7078 RTP/AVP 0\r\n";
	static const char refused[] =
	    HDR("198.51.100.7") "c=IN IP4 198.51.100.7\r\nt=0 0\r\n"
	    "m=audio 0 RTP/AVP 0\r\n";
	struct ivr_media m;
	char buf[1024], small[64], err[128];
	int n;

	n = ivr_sdp_offer("192.0.2.10", 40000, 42, 7, buf, sizeof(buf));
	is_int(n, (int)strlen(want), "offer length");
	is_str(buf, want, "offer text");
	is_int(ivr_sdp_negotiate(buf, n, &m, err, sizeof(err)), IVR_SDP_OK,
	    "our offer parses as an offer");
	ok(m.codec == U && m.pt == 0 && m.te_pt == IVR_OFFER_TE_PT &&
	    m.port == 40000 && strcmp(m.addr, "192.0.2.10") == 0,
	    "and reads PCMU 0, te 101, 192.0.2.10:40000");
	is_int(ivr_sdp_offer("::1", 40000, 1, 1, buf, sizeof(buf)), -1,
	    "offer: IPv6 address refused");
	is_int(ivr_sdp_offer("192.0.2.10", 0, 1, 1, buf, sizeof(buf)), -1,
	    "offer: port 0 refused");
	is_int(ivr_sdp_offer("192.0.2.10", 40000, 1, 1, small,
	    sizeof(small)), -1, "offer: small buffer refused");
	is_str(small, "", "and left empty");

	is_int(ivr_sdp_read_answer(pcma_first, strlen(pcma_first), &m, err,
	    sizeof(err)), IVR_SDP_OK, "answer listing PCMA first");
	ok(m.codec == A && m.pt == 8 && m.te_pt == 101 && m.port == 7078,
	    "reads PCMA 8, te 101, port 7078");
	is_int(ivr_sdp_read_answer(pcmu_only, strlen(pcmu_only), &m, err,
	    sizeof(err)), IVR_SDP_OK, "answer with PCMU only");
	ok(m.codec == U && m.pt == 0 && m.te_pt == -1, "reads PCMU 0, no te");
	is_int(ivr_sdp_read_answer(refused, strlen(refused), &m, err,
	    sizeof(err)), IVR_SDP_NOCODEC, "answer refusing the stream: 488");
	is_int(ivr_sdp_read_answer("v=0\r\n", 5, &m, err, sizeof(err)),
	    IVR_SDP_BAD, "garbage answer: bad");
}

int
main(void)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		test_case(&cases[i]);
	test_declined_lines_in_answer();
	test_answer_exact();
	test_bounds();
	test_mutations();
	test_offer();
	return done_testing();
}
