/*
 * sipmsg.c: SIP messages without sockets, over libosip2's parser.
 *
 *	bytes --ivr_sip_parse--> osip_message_t (mandatory headers checked)
 *	request --ivr_sip_check--> early verdict (483 / 501 / 420 / 415 / 0)
 *	request + code --ivr_sip_response--> response text (RFC 3261 8.2.6)
 *	401/407 --ivr_sip_digest_chal--> challenge
 *	challenge + credentials --ivr_sip_digest_auth--> Authorization value
 *
 * Everything here is pure: input is bounded (IVR_SIP_MAX), nothing is
 * logged, and bad input of any kind is an error with a message, never a
 * crash.  Hashes come from OpenSSL's EVP; cnonces from getrandom(2).
 */
#include "config.h"

#include <sys/random.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <osipparser2/osip_parser.h>

#include "ivr.h"

static int	sip_parser_ready;

static void
sip_parser_init(void)
{
	if (!sip_parser_ready) {
		parser_init();
		sip_parser_ready = 1;
	}
}

void
ivr_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int
sip_is_digits(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* --- parse ------------------------------------------------------------- */

/* 1 if s is RFC 3261 token characters (and those of also), non-empty. */
static int
sip_token(const char *s, const char *also)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) &&
		    strchr("-.!%*_+`'~", *s) == NULL &&
		    (also == NULL || strchr(also, *s) == NULL))
			return 0;
	return 1;
}

/*
 * The fields a response copies back must be what the grammar allows, or
 * osip writes an answer that does not parse: the Via's protocol and host,
 * and the option tags of Require (echoed in Unsupported).
 */
/* 1 if s looks like a host: a name, IPv4, or [IPv6]. */
static int
sip_host(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(".-:[]", *s) == NULL)
			return 0;
	return 1;
}

static int
sip_well_formed(const osip_message_t *m)
{
	osip_via_t	*v;
	osip_header_t	*h;
	int		 i;

	for (i = 0; i < osip_list_size(&m->vias); i++) {
		v = osip_list_get(&m->vias, i);
		if (v == NULL || !sip_token(v->protocol, NULL) ||
		    !sip_token(v->version, NULL) || !sip_host(v->host))
			return 0;
	}
	/* tel: URIs have no host; a host, when there is one, must be one. */
	if ((m->from->url != NULL && m->from->url->host != NULL &&
	    !sip_host(m->from->url->host)) || (m->to->url != NULL &&
	    m->to->url->host != NULL && !sip_host(m->to->url->host)))
		return 0;
	for (i = 0; osip_message_header_get_byname(m, "require", i, &h) >= 0;
	    i++)
		if (h == NULL || !sip_token(h->hvalue, ", \t"))
			return 0;
	return 1;
}

static const char *
sip_missing(const osip_message_t *m)
{
	osip_header_t	*h = NULL;

	if (osip_list_size(&m->vias) <= 0)
		return "Via";
	if (m->from == NULL)
		return "From";
	if (m->to == NULL)
		return "To";
	if (m->call_id == NULL || m->call_id->number == NULL)
		return "Call-ID";
	if (m->cseq == NULL || m->cseq->method == NULL ||
	    !sip_is_digits(m->cseq->number))
		return "CSeq";
	if (MSG_IS_REQUEST(m) &&
	    (osip_message_header_get_byname(m, "max-forwards", 0, &h) < 0 ||
	    h == NULL || !sip_is_digits(h->hvalue)))
		return "Max-Forwards";
	if (!sip_well_formed(m))
		return "Via, From, To or Require (malformed)";
	return NULL;
}

int
ivr_sip_parse(const char *buf, size_t len, struct osip_message **msg,
    char *err, size_t errlen)
{
	osip_message_t	*m = NULL;
	const char	*miss;

	*msg = NULL;
	if (buf == NULL || len == 0) {
		ivr_errf(err, errlen, "empty message");
		goto fail;
	}
	if (len > IVR_SIP_MAX) {
		ivr_errf(err, errlen, "message of %zu bytes, limit %d", len,
		    IVR_SIP_MAX);
		goto fail;
	}
	if (memchr(buf, '\0', len) != NULL) {
		ivr_errf(err, errlen, "NUL byte in message");
		goto fail;
	}
	sip_parser_init();
	if (osip_message_init(&m) != 0) {
		ivr_errf(err, errlen, "out of memory");
		goto fail;
	}
	if (osip_message_parse(m, buf, len) != 0) {
		ivr_errf(err, errlen, "not a SIP message");
		goto fail;
	}
	if (MSG_IS_REQUEST(m)) {
		if (m->sip_method == NULL || m->req_uri == NULL ||
		    m->sip_version == NULL ||
		    strcmp(m->sip_version, "SIP/2.0") != 0) {
			ivr_errf(err, errlen, "bad request line");
			goto fail;
		}
	} else if (m->status_code < 100 || m->status_code > 699) {
		ivr_errf(err, errlen, "bad status code %d", m->status_code);
		goto fail;
	}
	if ((miss = sip_missing(m)) != NULL) {
		ivr_errf(err, errlen, "missing or bad header: %s", miss);
		goto fail;
	}
	if (MSG_IS_REQUEST(m) && strcmp(m->cseq->method, m->sip_method) != 0) {
		ivr_errf(err, errlen, "CSeq method %s does not match %s",
		    m->cseq->method, m->sip_method);
		goto fail;
	}
	*msg = m;
	return 0;
fail:
	if (m != NULL)
		osip_message_free(m);
	return -1;
}

/* --- responses --------------------------------------------------------- */

static int
sip_via_clone_cb(void *src, void **dst)
{
	return osip_via_clone(src, (osip_via_t **)dst);
}

static int
sip_rr_clone_cb(void *src, void **dst)
{
	return osip_record_route_clone(src, (osip_record_route_t **)dst);
}

int
ivr_sip_response(const struct osip_message *req, int code,
    const char *reason, const char *to_tag, char **out)
{
	return ivr_sip_response_hdr(req, code, reason, to_tag, NULL, NULL,
	    out);
}

int
ivr_sip_response_hdr(const struct osip_message *req, int code,
    const char *reason, const char *to_tag, const char *hname,
    const char *hvalue, char **out)
{
	osip_message_t		*r = NULL;
	osip_generic_param_t	*tag = NULL;
	char			*s = NULL;
	size_t			 slen;
	int			 ret = -1;

	*out = NULL;
	if (req == NULL || !MSG_IS_REQUEST(req) || code < 100 || code > 699 ||
	    req->from == NULL || req->to == NULL || req->call_id == NULL ||
	    req->cseq == NULL || osip_list_size(&req->vias) <= 0)
		return -1;
	if (reason == NULL && (reason = osip_message_get_reason(code)) == NULL)
		reason = "Unknown";
	sip_parser_init();
	if (osip_message_init(&r) != 0)
		return -1;
	osip_message_set_version(r, osip_strdup("SIP/2.0"));
	osip_message_set_status_code(r, code);
	osip_message_set_reason_phrase(r, osip_strdup(reason));
	if (osip_list_clone(&req->vias, &r->vias, sip_via_clone_cb) != 0 ||
	    osip_from_clone(req->from, &r->from) != 0 ||
	    osip_to_clone(req->to, &r->to) != 0 ||
	    osip_call_id_clone(req->call_id, &r->call_id) != 0 ||
	    osip_cseq_clone(req->cseq, &r->cseq) != 0)
		goto done;
	if (code > 100 && (osip_to_get_tag(r->to, &tag) != 0 || tag == NULL)) {
		if (to_tag == NULL || *to_tag == '\0')
			goto done;
		if (osip_generic_param_add(&r->to->gen_params,
		    osip_strdup("tag"), osip_strdup(to_tag)) != 0)
			goto done;
	}
	if (code > 100 && code < 300 &&
	    strcmp(req->sip_method, "INVITE") == 0 &&
	    osip_list_clone(&req->record_routes, &r->record_routes,
	    sip_rr_clone_cb) != 0)
		goto done;
	if (hname != NULL && hvalue != NULL &&
	    osip_message_set_header(r, hname, hvalue) != 0)
		goto done;
	if (osip_message_set_content_length(r, "0") != 0)
		goto done;
	if (osip_message_to_str(r, &s, &slen) != 0 || s == NULL)
		goto done;
	if ((*out = strdup(s)) == NULL)
		goto done;
	ret = (int)slen;
done:
	if (s != NULL)
		osip_free(s);
	osip_message_free(r);
	return ret;
}

/* --- early verdict ----------------------------------------------------- */

static int
sip_method_known(const char *m)
{
	static const char *const known[] = {
		"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS"
	};
	size_t	i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(m, known[i]) == 0)
			return 1;
	return 0;
}

/* Appends each comma-separated token of v to e->hvalue. */
static void
sip_unsupported_add(struct ivr_sip_early *e, const char *v)
{
	const char	*p, *q;
	size_t		 used, n;

	for (p = v; *p != '\0'; p = q) {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		for (q = p; *q != '\0' && *q != ','; q++)
			;
		n = q - p;
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		if (n == 0)
			continue;
		used = strlen(e->hvalue);
		snprintf(e->hvalue + used, sizeof(e->hvalue) - used, "%s%.*s",
		    used ? ", " : "", (int)n, p);
	}
}

void
ivr_sip_check(const struct osip_message *req, struct ivr_sip_early *e)
{
	osip_header_t	*h = NULL;
	int		 pos, body;

	memset(e, 0, sizeof(*e));
	if (req == NULL || !MSG_IS_REQUEST(req) ||
	    strcmp(req->sip_method, "ACK") == 0)
		return;
	if (strcmp(req->sip_method, "OPTIONS") != 0 &&
	    osip_message_header_get_byname(req, "max-forwards", 0, &h) >= 0 &&
	    h != NULL && sip_is_digits(h->hvalue) &&
	    strtol(h->hvalue, NULL, 10) == 0) {
		e->code = 483;
		e->reason = "Too Many Hops";
		return;
	}
	if (!sip_method_known(req->sip_method)) {
		e->code = 501;
		e->reason = "Not Implemented";
		e->hname = "Allow";
		snprintf(e->hvalue, sizeof(e->hvalue), "%s", IVR_SIP_ALLOW);
		return;
	}
	if (strcmp(req->sip_method, "CANCEL") != 0) {
		for (pos = 0; (pos = osip_message_header_get_byname(req,
		    "require", pos, &h)) >= 0; pos++)
			if (h != NULL && h->hvalue != NULL)
				sip_unsupported_add(e, h->hvalue);
		if (e->hvalue[0] != '\0') {
			e->code = 420;
			e->reason = "Bad Extension";
			e->hname = "Unsupported";
			return;
		}
	}
	if (strcmp(req->sip_method, "INVITE") == 0) {
		body = osip_list_size(&req->bodies) > 0 ||
		    (req->content_length != NULL &&
		    req->content_length->value != NULL &&
		    strtol(req->content_length->value, NULL, 10) > 0);
		if (body && (req->content_type == NULL ||
		    req->content_type->type == NULL ||
		    req->content_type->subtype == NULL ||
		    strcasecmp(req->content_type->type, "application") != 0 ||
		    strcasecmp(req->content_type->subtype, "sdp") != 0)) {
			e->code = 415;
			e->reason = "Unsupported Media Type";
			e->hname = "Accept";
			snprintf(e->hvalue, sizeof(e->hvalue), "%s",
			    "application/sdp");
			return;
		}
	}
}

/* --- digest authentication --------------------------------------------- */

const char *
ivr_digest_alg_name(enum ivr_digest_alg a)
{
	switch (a) {
	case IVR_DIGEST_MD5:
		return "MD5";
	case IVR_DIGEST_MD5_SESS:
		return "MD5-sess";
	case IVR_DIGEST_SHA256:
		return "SHA-256";
	case IVR_DIGEST_SHA256_SESS:
		return "SHA-256-sess";
	}
	return "?";
}

/* Copies v without its surrounding quotes (and backslash escapes). */
static int
sip_unquote(const char *v, char *dst, size_t dstsz)
{
	size_t	len, i, o = 0;

	if (v == NULL)
		return -1;
	len = strlen(v);
	if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
		v++;
		len -= 2;
	}
	for (i = 0; i < len; i++) {
		if (v[i] == '\\' && i + 1 < len)
			i++;
		if (o + 1 >= dstsz)
			return -1;
		dst[o++] = v[i];
	}
	dst[o] = '\0';
	return 0;
}

/* 1 if the comma-separated qop list q offers "auth". */
static int
sip_qop_has_auth(const char *q)
{
	char	buf[128], *p, *tok, *last;

	if (sip_unquote(q, buf, sizeof(buf)) == -1)
		return 0;
	for (p = buf; (tok = strtok_r(p, ", \t", &last)) != NULL; p = NULL)
		if (strcasecmp(tok, "auth") == 0)
			return 1;
	return 0;
}

int
ivr_sip_digest_chal(const struct osip_message *resp, struct ivr_sip_digest *d,
    char *err, size_t errlen)
{
	const osip_list_t		*l;
	osip_www_authenticate_t		*wa = NULL;
	char				 alg[32];
	int				 i, n;

	memset(d, 0, sizeof(*d));
	if (resp == NULL || MSG_IS_REQUEST(resp) ||
	    (resp->status_code != 401 && resp->status_code != 407)) {
		ivr_errf(err, errlen, "not a 401 or 407 response");
		return -1;
	}
	d->proxy = resp->status_code == 407;
	l = d->proxy ? &resp->proxy_authenticates : &resp->www_authenticates;
	n = osip_list_size(l);
	for (i = 0; i < n; i++) {
		wa = osip_list_get(l, i);
		if (wa != NULL && wa->auth_type != NULL &&
		    strcasecmp(wa->auth_type, "Digest") == 0)
			break;
		wa = NULL;
	}
	if (wa == NULL) {
		ivr_errf(err, errlen, "no Digest %s-Authenticate",
		    d->proxy ? "Proxy" : "WWW");
		return -1;
	}
	if (sip_unquote(wa->realm, d->realm, sizeof(d->realm)) == -1 ||
	    sip_unquote(wa->nonce, d->nonce, sizeof(d->nonce)) == -1 ||
	    d->nonce[0] == '\0') {
		ivr_errf(err, errlen, "challenge without usable realm or nonce");
		return -1;
	}
	if (wa->opaque != NULL &&
	    sip_unquote(wa->opaque, d->opaque, sizeof(d->opaque)) == -1) {
		ivr_errf(err, errlen, "opaque too long");
		return -1;
	}
	if (wa->qop_options != NULL) {
		if (!sip_qop_has_auth(wa->qop_options)) {
			ivr_errf(err, errlen, "qop offers no auth: %s",
			    wa->qop_options);
			return -1;
		}
		d->qop_auth = 1;
	}
	d->alg = IVR_DIGEST_MD5;
	if (wa->algorithm != NULL) {
		if (sip_unquote(wa->algorithm, alg, sizeof(alg)) == -1)
			alg[0] = '\0';
		d->alg_given = 1;
		if (strcasecmp(alg, "MD5") == 0)
			d->alg = IVR_DIGEST_MD5;
		else if (strcasecmp(alg, "MD5-sess") == 0)
			d->alg = IVR_DIGEST_MD5_SESS;
		else if (strcasecmp(alg, "SHA-256") == 0)
			d->alg = IVR_DIGEST_SHA256;
		else if (strcasecmp(alg, "SHA-256-sess") == 0)
			d->alg = IVR_DIGEST_SHA256_SESS;
		else {
			ivr_errf(err, errlen, "unsupported algorithm %s",
			    wa->algorithm);
			return -1;
		}
	}
	return 0;
}

/* Lowercase hex of the hash of the formatted string, into hex (>= 65). */
static int __attribute__((format(printf, 3, 4)))
sip_hash_hex(enum ivr_digest_alg a, char *hex, const char *fmt, ...)
{
	char		 buf[4096];
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	const EVP_MD	*type;
	va_list		 ap;
	int		 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;
	type = (a == IVR_DIGEST_MD5 || a == IVR_DIGEST_MD5_SESS) ?
	    EVP_md5() : EVP_sha256();
	if (EVP_Digest(buf, n, md, &mdlen, type, NULL) != 1 || mdlen > 32)
		return -1;
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* 1 if s may go between quotes as it is. */
static int
sip_quotable(const char *s)
{
	if (s == NULL)
		return 0;
	for (; *s != '\0'; s++)
		if (*s == '"' || *s == '\\' || iscntrl((unsigned char)*s))
			return 0;
	return 1;
}

int
ivr_sip_digest_auth(const struct ivr_sip_digest *d, const char *user,
    const char *pass, const char *method, const char *uri,
    const char *cnonce, char *out, size_t outsz)
{
	char		 ha1[65], ha2[65], resp[65], cn[33];
	unsigned char	 rnd[16];
	size_t		 i;
	int		 n, sess;

	if (!sip_quotable(user) || pass == NULL || !sip_quotable(method) ||
	    !sip_quotable(uri) || !sip_quotable(d->realm) ||
	    !sip_quotable(d->nonce) || !sip_quotable(d->opaque))
		return -1;
	if (cnonce == NULL) {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return -1;
		for (i = 0; i < sizeof(rnd); i++)
			snprintf(cn + 2 * i, 3, "%02x", rnd[i]);
		cnonce = cn;
	} else if (!sip_quotable(cnonce) || *cnonce == '\0')
		return -1;
	sess = d->alg == IVR_DIGEST_MD5_SESS ||
	    d->alg == IVR_DIGEST_SHA256_SESS;
	if (sip_hash_hex(d->alg, ha1, "%s:%s:%s", user, d->realm, pass) == -1)
		return -1;
	if (sess && sip_hash_hex(d->alg, ha1, "%s:%s:%s", ha1, d->nonce,
	    cnonce) == -1)
		return -1;
	if (sip_hash_hex(d->alg, ha2, "%s:%s", method, uri) == -1)
		return -1;
	if (d->qop_auth) {
		if (sip_hash_hex(d->alg, resp, "%s:%s:00000001:%s:auth:%s",
		    ha1, d->nonce, cnonce, ha2) == -1)
			return -1;
	} else if (sip_hash_hex(d->alg, resp, "%s:%s:%s", ha1, d->nonce,
	    ha2) == -1)
		return -1;

	n = snprintf(out, outsz, "Digest username=\"%s\", realm=\"%s\", "
	    "nonce=\"%s\", uri=\"%s\", response=\"%s\"%s%s%s%s%s%s%s",
	    user, d->realm, d->nonce, uri, resp,
	    d->alg_given ? ", algorithm=" : "",
	    d->alg_given ? ivr_digest_alg_name(d->alg) : "",
	    d->qop_auth || sess ? ", cnonce=\"" : "",
	    d->qop_auth || sess ? cnonce : "",
	    d->qop_auth || sess ? "\"" : "",
	    d->opaque[0] != '\0' ? ", opaque=\"" : "",
	    d->opaque[0] != '\0' ? d->opaque : "");
	if (n < 0 || (size_t)n >= outsz)
		return -1;
	if (d->opaque[0] != '\0')
		n += snprintf(out + n, outsz - n, "\"");
	if ((size_t)n >= outsz)
		return -1;
	if (d->qop_auth)
		n += snprintf(out + n, outsz - n, ", qop=auth, nc=00000001");
	if ((size_t)n >= outsz)
		return -1;
	return n;
}
