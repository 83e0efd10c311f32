/*
 * test_sipmsg.c: ivr/sipmsg.c.  SIPp-style INVITE and OPTIONS parse; each
 * mandatory header, removed in turn, is named in the error; garbage, empty
 * and oversized input are refused.  Responses copy Vias in order, add our
 * To tag once, echo Record-Route only on 2xx to INVITE and parse back.
 * The early-response table, then digest authentication against RFC 2617
 * section 3.5 and RFC 7616 section 3.9.1 (SHA-256), with and without qop.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osipparser2/osip_parser.h>

#include "tap.h"
#include "ivr.h"

#define SDP_BODY							\
	"v=0\r\n"							\
	"o=user1 53655765 2353687637 IN IP4 127.0.0.1\r\n"		\
	"s=-\r\n"							\
	"c=IN IP4 127.0.0.1\r\n"					\
	"t=0 0\r\n"							\
	"m=audio 6000 RTP/AVP 0\r\n"					\
	"a=rtpmap:0 PCMU/8000\r\n"

/* SIPp 3.6.1 "uac" INVITE, as sent to 127.0.0.1:5060. */
static const char invite[] =
	"INVITE sip:service@127.0.0.1:5060 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1234-1-0\r\n"
	"From: sipp <sip:sipp@127.0.0.1:5061>;tag=1234SIPpTag001\r\n"
	"To: service <sip:service@127.0.0.1:5060>\r\n"
	"Call-ID: 1-1234@127.0.0.1\r\n"
	"CSeq: 1 INVITE\r\n"
	"Contact: sip:sipp@127.0.0.1:5061\r\n"
	"Max-Forwards: 70\r\n"
	"Subject: Performance Test\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length:   129\r\n"
	"\r\n"
	SDP_BODY;

static const char options[] =
	"OPTIONS sip:127.0.0.1:5060 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-77-1-0\r\n"
	"From: sipp <sip:sipp@127.0.0.1:5061>;tag=77SIPpTag001\r\n"
	"To: sut <sip:127.0.0.1:5060>\r\n"
	"Call-ID: 1-77@127.0.0.1\r\n"
	"CSeq: 1 OPTIONS\r\n"
	"Contact: sip:sipp@127.0.0.1:5061\r\n"
	"Max-Forwards: 70\r\n"
	"Accept: application/sdp\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

/* Behind a record-routing proxy: two Vias, two Record-Routes. */
static const char invite_rr[] =
	"INVITE sip:service@127.0.0.1:5060 SIP/2.0\r\n"
	"Record-Route: <sip:10.0.0.1;lr>\r\n"
	"Record-Route: <sip:10.0.0.2;lr>\r\n"
	"Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKproxy1\r\n"
	"Via: SIP/2.0/UDP 127.0.0.1:5061;received=127.0.0.1;"
	    "branch=z9hG4bKuac1\r\n"
	"From: <sip:alice@127.0.0.1>;tag=a1\r\n"
	"To: <sip:service@127.0.0.1>\r\n"
	"Call-ID: rr-1@127.0.0.1\r\n"
	"CSeq: 7 INVITE\r\n"
	"Max-Forwards: 69\r\n"
	"Content-Length: 0\r\n"
	"\r\n";

static struct osip_message *
parse(const char *s, char *err, size_t errlen)
{
	struct osip_message	*m;

	if (ivr_sip_parse(s, strlen(s), &m, err, errlen) == -1)
		return NULL;
	return m;
}

/* OPTIONS with header line `skip' (0-based, after the request line) left
 * out, or with `extra' appended to the headers. */
static void
build(char *buf, size_t bufsz, const char *method, int skip,
    const char *extra, const char *ctype, const char *body)
{
	char	 lines[8][128];
	size_t	 o;
	int	 i;

	snprintf(lines[0], sizeof(lines[0]),
	    "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-9\r\n");
	snprintf(lines[1], sizeof(lines[1]),
	    "From: <sip:a@127.0.0.1>;tag=f9\r\n");
	snprintf(lines[2], sizeof(lines[2]), "To: <sip:b@127.0.0.1>\r\n");
	snprintf(lines[3], sizeof(lines[3]), "Call-ID: c9@127.0.0.1\r\n");
	snprintf(lines[4], sizeof(lines[4]), "CSeq: 9 %s\r\n", method);
	snprintf(lines[5], sizeof(lines[5]), "Max-Forwards: 70\r\n");
	o = snprintf(buf, bufsz, "%s sip:b@127.0.0.1 SIP/2.0\r\n", method);
	for (i = 0; i < 6; i++)
		if (i != skip)
			o += snprintf(buf + o, bufsz - o, "%s", lines[i]);
	if (extra != NULL)
		o += snprintf(buf + o, bufsz - o, "%s\r\n", extra);
	if (ctype != NULL)
		o += snprintf(buf + o, bufsz - o, "Content-Type: %s\r\n",
		    ctype);
	snprintf(buf + o, bufsz - o, "Content-Length: %zu\r\n\r\n%s",
	    body ? strlen(body) : 0, body ? body : "");
}

static void
test_parse(void)
{
	static const char *const names[] = {
		"Via", "From", "To", "Call-ID", "CSeq", "Max-Forwards"
	};
	struct osip_message	*m;
	char			 err[128], buf[2048], *huge;
	int			 i;

	m = parse(invite, err, sizeof(err));
	if (!ok(m != NULL, "SIPp INVITE parses"))
		diag("%s", err);
	if (m != NULL) {
		is_str(m->sip_method, "INVITE", "INVITE method");
		is_str(m->call_id->number, "1-1234", "INVITE Call-ID");
		is_int(osip_list_size(&m->bodies), 1, "INVITE has its SDP");
		osip_message_free(m);
	}
	m = parse(options, err, sizeof(err));
	if (!ok(m != NULL, "SIPp OPTIONS parses"))
		diag("%s", err);
	if (m != NULL) {
		is_str(m->sip_method, "OPTIONS", "OPTIONS method");
		osip_message_free(m);
	}

	build(buf, sizeof(buf), "OPTIONS", -1, NULL, NULL, NULL);
	m = parse(buf, err, sizeof(err));
	ok(m != NULL, "built OPTIONS with every header parses");
	osip_message_free(m);
	for (i = 0; i < 6; i++) {
		build(buf, sizeof(buf), "OPTIONS", i, NULL, NULL, NULL);
		m = parse(buf, err, sizeof(err));
		ok(m == NULL && strstr(err, names[i]) != NULL,
		    "missing %s refused, named (%s)", names[i],
		    m ? "parsed" : err);
		osip_message_free(m);
	}

	snprintf(buf, sizeof(buf), "%s", options);
	memcpy(strstr(buf, "1 OPTIONS"), "1 INVITE ", 9);
	m = parse(buf, err, sizeof(err));
	ok(m == NULL && strstr(err, "CSeq") != NULL,
	    "CSeq method mismatch refused (%s)", err);
	osip_message_free(m);

	snprintf(buf, sizeof(buf), "%s", options);
	memcpy(strstr(buf, "Forwards: 70"), "Forwards: xx", 12);
	m = parse(buf, err, sizeof(err));
	ok(m == NULL, "non-numeric Max-Forwards refused");
	osip_message_free(m);

	ok(ivr_sip_parse("", 0, &m, err, sizeof(err)) == -1 && m == NULL &&
	    strstr(err, "empty") != NULL, "empty input refused (%s)", err);
	ok(parse("hello, world\r\n\r\n", err, sizeof(err)) == NULL,
	    "garbage refused (%s)", err);
	ok(parse("\x01\x02\xff\xfe SIP/2.0\r\n\r\n", err, sizeof(err)) == NULL,
	    "binary garbage refused (%s)", err);
	ok(parse("INVITE sip:a@b SIP/2.0\r\n", err, sizeof(err)) == NULL,
	    "request line alone refused (%s)", err);
	ok(ivr_sip_parse("OPTIONS sip:a SIP/2.0\r\n\0x", 25, &m, err,
	    sizeof(err)) == -1, "embedded NUL refused (%s)", err);
	/* Content-Length larger than the body. */
	snprintf(buf, sizeof(buf), "%s", invite);
	memcpy(strstr(buf, "  129"), "  999", 5);
	m = parse(buf, err, sizeof(err));
	ok(m == NULL, "Content-Length past the end refused");
	osip_message_free(m);

	huge = malloc(IVR_SIP_MAX + 2);
	if (huge == NULL)
		abort();
	memset(huge, 'a', IVR_SIP_MAX + 1);
	memcpy(huge, options, strlen(options));
	huge[IVR_SIP_MAX + 1] = '\0';
	ok(ivr_sip_parse(huge, IVR_SIP_MAX + 1, &m, err, sizeof(err)) == -1 &&
	    m == NULL && strstr(err, "limit") != NULL,
	    "message over %d bytes refused (%s)", IVR_SIP_MAX, err);
	free(huge);
}

static int
count(const char *hay, const char *needle)
{
	int	n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay++;
	}
	return n;
}

static void
test_response(void)
{
	struct osip_message	*req, *rsp;
	osip_via_t		*v0, *v1;
	osip_generic_param_t	*tag;
	char			 err[128], *out, *a, *b;
	int			 n;

	req = parse(invite_rr, err, sizeof(err));
	if (!ok(req != NULL, "proxied INVITE parses")) {
		diag("%s", err);
		return;
	}
	n = ivr_sip_response(req, 200, NULL, "sk42", &out);
	ok(n > 0 && out != NULL && (size_t)n == strlen(out),
	    "200 built, length returned");
	if (out == NULL)
		goto done;
	ok(strncmp(out, "SIP/2.0 200 OK\r\n", 16) == 0, "status line");
	a = strstr(out, "branch=z9hG4bKproxy1");
	b = strstr(out, "branch=z9hG4bKuac1");
	ok(a != NULL && b != NULL && a < b, "both Vias, in order");
	ok(strstr(out, "received=127.0.0.1") != NULL, "Via params kept");
	is_int(count(out, "tag=sk42"), 1, "our To tag added once");
	ok(strstr(out, "tag=a1") != NULL, "From tag kept");
	ok(strstr(out, "rr-1@127.0.0.1") != NULL, "Call-ID copied");
	ok(strstr(out, "CSeq: 7 INVITE") != NULL, "CSeq copied");
	a = strstr(out, "sip:10.0.0.1;lr");
	b = strstr(out, "sip:10.0.0.2;lr");
	ok(a != NULL && b != NULL && a < b,
	    "Record-Route echoed on 200 to INVITE, in order");
	ok(strstr(out, "Content-Length: 0") != NULL, "Content-Length: 0");
	rsp = parse(out, err, sizeof(err));
	if (ok(rsp != NULL, "our 200 parses back (%s)", rsp ? "" : err)) {
		is_int(rsp->status_code, 200, "status code back");
		v0 = osip_list_get(&rsp->vias, 0);
		v1 = osip_list_get(&rsp->vias, 1);
		ok(osip_list_size(&rsp->vias) == 2 && v0 != NULL &&
		    v1 != NULL && strcmp(v0->host, "10.0.0.1") == 0 &&
		    strcmp(v1->host, "127.0.0.1") == 0, "Vias back in order");
		tag = NULL;
		osip_to_get_tag(rsp->to, &tag);
		ok(tag != NULL && strcmp(tag->gvalue, "sk42") == 0,
		    "To tag back");
		osip_message_free(rsp);
	}
	free(out);

	n = ivr_sip_response(req, 486, NULL, "sk42", &out);
	ok(n > 0 && strstr(out, "486 Busy Here") != NULL &&
	    strstr(out, "Record-Route") == NULL && count(out, "tag=sk42") == 1,
	    "486: tag, no Record-Route");
	free(out);
	n = ivr_sip_response(req, 100, NULL, NULL, &out);
	ok(n > 0 && strstr(out, "100 Trying") != NULL &&
	    count(out, "tag=") == 1, "100: no To tag needed");
	free(out);
	ok(ivr_sip_response(req, 180, NULL, NULL, &out) == -1 && out == NULL,
	    "180 without a to_tag refused");
	n = ivr_sip_response_hdr(req, 501, NULL, "t", "Allow", IVR_SIP_ALLOW,
	    &out);
	ok(n > 0 && strstr(out, "Allow: INVITE, ACK") != NULL,
	    "extra header added");
	free(out);
	ok(ivr_sip_response(req, 99, NULL, "t", &out) == -1,
	    "code 99 refused");
done:
	osip_message_free(req);

	/* A request whose To already has a tag (in-dialog BYE). */
	req = parse("BYE sip:service@127.0.0.1 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bKbye\r\n"
	    "From: <sip:a@127.0.0.1>;tag=a1\r\n"
	    "To: <sip:service@127.0.0.1>;tag=theirs\r\n"
	    "Call-ID: b@127.0.0.1\r\nCSeq: 8 BYE\r\nMax-Forwards: 70\r\n"
	    "Record-Route: <sip:10.0.0.1;lr>\r\n"
	    "Content-Length: 0\r\n\r\n", err, sizeof(err));
	if (ok(req != NULL, "in-dialog BYE parses")) {
		n = ivr_sip_response(req, 200, "OK", "sk42", &out);
		ok(n > 0 && strstr(out, "tag=theirs") != NULL &&
		    strstr(out, "sk42") == NULL &&
		    strstr(out, "Record-Route") == NULL,
		    "200 to BYE: existing tag kept, none added, no RR");
		free(out);
		osip_message_free(req);
	}
}

struct ecase {
	const char	*name;
	const char	*method;
	const char	*extra;
	const char	*ctype;
	const char	*body;
	int		 code;
	const char	*hname;
	const char	*hvalue;
};

static const struct ecase ecases[] = {
	{ "plain INVITE", "INVITE", NULL, NULL, NULL, 0, NULL, NULL },
	{ "INVITE with SDP", "INVITE", NULL, "application/sdp", SDP_BODY,
	    0, NULL, NULL },
	{ "INVITE with SDP, odd case", "INVITE", NULL, "Application/SDP",
	    SDP_BODY, 0, NULL, NULL },
	{ "INVITE with text body", "INVITE", NULL, "text/plain", "hello",
	    415, "Accept", "application/sdp" },
	{ "INVITE with JSON", "INVITE", NULL, "application/json", "{}",
	    415, "Accept", "application/sdp" },
	{ "BYE with text body", "BYE", NULL, "text/plain", "x", 0, NULL,
	    NULL },
	{ "Max-Forwards 0", "INVITE", NULL, NULL, NULL, 483, NULL, NULL },
	{ "Max-Forwards 0 on OPTIONS", "OPTIONS", NULL, NULL, NULL, 0, NULL,
	    NULL },
	{ "SUBSCRIBE", "SUBSCRIBE", NULL, NULL, NULL, 501, "Allow",
	    IVR_SIP_ALLOW },
	{ "REGISTER", "REGISTER", NULL, NULL, NULL, 501, "Allow",
	    IVR_SIP_ALLOW },
	{ "Require: 100rel", "INVITE", "Require: 100rel", NULL, NULL, 420,
	    "Unsupported", "100rel" },
	{ "two Require headers", "INVITE",
	    "Require: 100rel, timer\r\nRequire: precondition", NULL, NULL,
	    420, "Unsupported", "100rel, timer, precondition" },
	{ "Require on CANCEL", "CANCEL", "Require: 100rel", NULL, NULL, 0,
	    NULL, NULL },
	{ "ACK never answered", "ACK", "Require: 100rel", NULL, NULL, 0,
	    NULL, NULL },
	{ "unknown method beats Require", "FOO", "Require: x", NULL, NULL,
	    501, "Allow", IVR_SIP_ALLOW },
	{ "Require beats 415", "INVITE", "Require: x", "text/plain", "x",
	    420, "Unsupported", "x" },
};

static void
test_early(void)
{
	const struct ecase	*c;
	struct osip_message	*m;
	struct ivr_sip_early	 e;
	char			 buf[2048], err[128], *p;
	size_t			 i;

	for (i = 0; i < sizeof(ecases) / sizeof(ecases[0]); i++) {
		c = &ecases[i];
		build(buf, sizeof(buf), c->method, -1, c->extra, c->ctype,
		    c->body);
		if (c->code == 483 || strstr(c->name, "Max-Forwards 0"))
			if ((p = strstr(buf, "Forwards: 70")) != NULL)
				memcpy(p, "Forwards: 0 ", 12);
		m = parse(buf, err, sizeof(err));
		if (!ok(m != NULL, "early %s: parses", c->name)) {
			diag("%s", err);
			continue;
		}
		ivr_sip_check(m, &e);
		is_int(e.code, c->code, "early %s: code", c->name);
		is_str(e.hname, c->hname, "early %s: header", c->name);
		if (c->hvalue != NULL)
			is_str(e.hvalue, c->hvalue, "early %s: value",
			    c->name);
		osip_message_free(m);
	}
}

static void
test_digest(void)
{
	struct ivr_sip_digest	 d;
	struct osip_message	*m;
	char			 out[1024], out2[1024], err[128], *p;
	int			 n;

	/* RFC 2617 section 3.5. */
	memset(&d, 0, sizeof(d));
	d.qop_auth = 1;
	snprintf(d.realm, sizeof(d.realm), "testrealm@host.com");
	snprintf(d.nonce, sizeof(d.nonce), "%s",
	    "dcd98b7102dd2f0e8b11d0f600bfb0c093");
	snprintf(d.opaque, sizeof(d.opaque), "%s",
	    "5ccc069c403ebaf9f0171e9517f40e41");
	n = ivr_sip_digest_auth(&d, "Mufasa", "Circle Of Life", "GET",
	    "/dir/index.html", "0a4f113b", out, sizeof(out));
	ok(n > 0 && strstr(out,
	    "response=\"6629fae49393a05397450978507c4ef1\"") != NULL,
	    "RFC 2617 3.5 response");
	ok(strncmp(out, "Digest username=\"Mufasa\", "
	    "realm=\"testrealm@host.com\"", 52) == 0,
	    "RFC 2617 3.5 username, realm first");
	ok(strstr(out, "qop=auth, nc=00000001") != NULL &&
	    strstr(out, "cnonce=\"0a4f113b\"") != NULL &&
	    strstr(out, "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"") != NULL
	    && strstr(out, "uri=\"/dir/index.html\"") != NULL,
	    "RFC 2617 3.5 qop, nc, cnonce, opaque, uri");
	diag("%s", out);
	ok(ivr_sip_digest_auth(&d, "Mufasa", "Circle Of Life", "GET",
	    "/dir/index.html", "0a4f113b", out, 40) == -1,
	    "short buffer refused");
	ok(ivr_sip_digest_auth(&d, "Mu\"fasa", "x", "GET", "/", "c", out,
	    sizeof(out)) == -1, "quote in username refused");

	/* A SIP 401 with qop=auth, parsed from the wire. */
	m = parse("SIP/2.0 401 Unauthorized\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKout1\r\n"
	    "From: <sip:sanket@127.0.0.1>;tag=s1\r\n"
	    "To: <sip:8801711000000@trunk.example>;tag=t1\r\n"
	    "Call-ID: out1@127.0.0.1\r\nCSeq: 1 INVITE\r\n"
	    "WWW-Authenticate: Digest realm=\"testrealm@host.com\", "
	    "qop=\"auth,auth-int\", "
	    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
	    "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"\r\n"
	    "Content-Length: 0\r\n\r\n", err, sizeof(err));
	if (ok(m != NULL, "401 parses (%s)", m ? "" : err)) {
		ok(ivr_sip_digest_chal(m, &d, err, sizeof(err)) == 0 &&
		    !d.proxy && d.qop_auth && d.alg == IVR_DIGEST_MD5 &&
		    !d.alg_given &&
		    strcmp(d.realm, "testrealm@host.com") == 0 &&
		    strcmp(d.opaque,
		    "5ccc069c403ebaf9f0171e9517f40e41") == 0,
		    "401 challenge: realm, nonce, opaque, qop auth");
		n = ivr_sip_digest_auth(&d, "Mufasa", "Circle Of Life", "GET",
		    "/dir/index.html", "0a4f113b", out, sizeof(out));
		ok(n > 0 && strstr(out,
		    "6629fae49393a05397450978507c4ef1") != NULL,
		    "401 challenge gives the RFC 2617 response");
		n = ivr_sip_digest_auth(&d, "alice", "secret", "INVITE",
		    "sip:8801711000000@trunk.example", NULL, out, sizeof(out));
		p = strstr(out, "cnonce=\"");
		ok(n > 0 && p != NULL && strlen(p) > 8 + 32 && p[8 + 32] == '"',
		    "random cnonce: 32 hex digits");
		ivr_sip_digest_auth(&d, "alice", "secret", "INVITE",
		    "sip:8801711000000@trunk.example", NULL, out2,
		    sizeof(out2));
		ok(strcmp(out, out2) != 0, "two random cnonces differ");
		osip_message_free(m);
	}

	/* 407, SHA-256: RFC 7616 section 3.9.1. */
	m = parse("SIP/2.0 407 Proxy Authentication Required\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKout2\r\n"
	    "From: <sip:sanket@127.0.0.1>;tag=s1\r\n"
	    "To: <sip:8801711000000@trunk.example>;tag=t2\r\n"
	    "Call-ID: out2@127.0.0.1\r\nCSeq: 1 INVITE\r\n"
	    "Proxy-Authenticate: Digest realm=\"http-auth@example.org\", "
	    "qop=\"auth\", algorithm=SHA-256, "
	    "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
	    "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"\r\n"
	    "Content-Length: 0\r\n\r\n", err, sizeof(err));
	if (ok(m != NULL, "407 parses (%s)", m ? "" : err)) {
		ok(ivr_sip_digest_chal(m, &d, err, sizeof(err)) == 0 &&
		    d.proxy && d.alg == IVR_DIGEST_SHA256 && d.alg_given,
		    "407 challenge: proxy, SHA-256");
		n = ivr_sip_digest_auth(&d, "Mufasa", "Circle of Life", "GET",
		    "/dir/index.html",
		    "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", out,
		    sizeof(out));
		ok(n > 0 && strstr(out, "response=\"753927fa0e85d155564e2e272a"
		    "28d1802ca10daf4496794697cf8db5856cb6c1\"") != NULL &&
		    strstr(out, "algorithm=SHA-256") != NULL,
		    "RFC 7616 3.9.1 SHA-256 response");
		osip_message_free(m);
	}

	/* No qop (RFC 2069 compatibility), checked against Python hashlib. */
	memset(&d, 0, sizeof(d));
	snprintf(d.realm, sizeof(d.realm), "sanket");
	snprintf(d.nonce, sizeof(d.nonce), "abc123");
	n = ivr_sip_digest_auth(&d, "alice", "secret", "INVITE",
	    "sip:bob@127.0.0.1", "unused", out, sizeof(out));
	ok(n > 0 && strstr(out, "response=\"fe40f6d2883ed865d9637e9a3199bc57\"")
	    != NULL && strstr(out, "qop") == NULL &&
	    strstr(out, "cnonce") == NULL, "no-qop response, no qop/cnonce");

	/* Unusable challenges. */
	m = parse("SIP/2.0 401 Unauthorized\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKout3\r\n"
	    "From: <sip:s@127.0.0.1>;tag=s1\r\nTo: <sip:t@127.0.0.1>;tag=t\r\n"
	    "Call-ID: out3@127.0.0.1\r\nCSeq: 1 INVITE\r\n"
	    "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", "
	    "qop=\"auth-int\"\r\nContent-Length: 0\r\n\r\n", err, sizeof(err));
	ok(m != NULL && ivr_sip_digest_chal(m, &d, err, sizeof(err)) == -1 &&
	    strstr(err, "auth-int") != NULL, "auth-int only refused (%s)", err);
	osip_message_free(m);
	m = parse("SIP/2.0 401 Unauthorized\r\n"
	    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKout4\r\n"
	    "From: <sip:s@127.0.0.1>;tag=s1\r\nTo: <sip:t@127.0.0.1>;tag=t\r\n"
	    "Call-ID: out4@127.0.0.1\r\nCSeq: 1 INVITE\r\n"
	    "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", "
	    "algorithm=SHA-512-256\r\nContent-Length: 0\r\n\r\n", err,
	    sizeof(err));
	ok(m != NULL && ivr_sip_digest_chal(m, &d, err, sizeof(err)) == -1 &&
	    strstr(err, "algorithm") != NULL,
	    "unknown algorithm refused (%s)", err);
	osip_message_free(m);
	m = parse(options, err, sizeof(err));
	ok(m != NULL && ivr_sip_digest_chal(m, &d, err, sizeof(err)) == -1,
	    "a request is no challenge");
	osip_message_free(m);
}

int
main(void)
{
	test_parse();
	test_response();
	test_early();
	test_digest();
	return done_testing();
}
