/*
 * http.c: see http.h.  Dispatch matches the path against the route table
 * ("{}" matches one non-empty segment, URL-decoded into params), answers
 * 404/405 itself, authenticates the bearer token, checks the role, then
 * runs the handler and makes sure exactly one reply went out.
 */
#include "config.h"

#include <sys/queue.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/util.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "http.h"
#include "import.h"
#include "kannel.h"
#include "log.h"
#include "metrics.h"
#include "store.h"
#include "xmalloc.h"

struct http_later {
	struct evhttp_request	*req;	/* NULL: the listener closed */
	struct listener		*l;
	TAILQ_ENTRY(http_later)	 entry;
};

struct listener {
	struct gw		*gw;
	const struct route	*routes;
	struct evhttp		*http;
	TAILQ_HEAD(, http_later) later;	/* deferred answers */
};

static const char *
http_method_name(enum evhttp_cmd_type m)
{
	switch (m) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	case EVHTTP_REQ_HEAD: return "HEAD";
	default: return "OTHER";
	}
}

static void
http_finish(struct http_req *r, int status, const char *ctype,
    struct evbuffer *body)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->req);

	if (r->replied) {
		log_warnx("%s: second reply to %s ignored", __func__,
		    r->route ? r->route->name : "?");
		return;
	}
	r->replied = 1;
	r->status = status;
	evhttp_add_header(h, "Content-Type", ctype);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_send_reply(r->req, status, NULL, body);
}

struct http_later *
http_defer(struct http_req *r, int status)
{
	struct http_later	*h = xcalloc(1, sizeof(*h));

	r->replied = 1;
	r->status = status;
	h->req = r->req;
	h->l = r->listener;
	TAILQ_INSERT_TAIL(&h->l->later, h, entry);
	return h;
}

void
http_send_later(struct http_later *h, int status, const char *ctype,
    const char *body, size_t len)
{
	struct evkeyvalq	*hd;
	struct evbuffer		*b = NULL;

	if (h->req != NULL) {
		TAILQ_REMOVE(&h->l->later, h, entry);
		hd = evhttp_request_get_output_headers(h->req);
		evhttp_add_header(hd, "Content-Type", ctype);
		evhttp_add_header(hd, "Cache-Control", "no-store");
		/* An empty body (Kannel's MO 200) needs no buffer. */
		if (len > 0) {
			b = evbuffer_new();
			evbuffer_add(b, body, len);
		}
		evhttp_send_reply(h->req, status, NULL, b);
		if (b != NULL)
			evbuffer_free(b);
	}
	free(h);
}

void
http_reply_text(struct http_req *r, int status, const char *ctype,
    const char *body, size_t len)
{
	struct evbuffer	*b = evbuffer_new();

	evbuffer_add(b, body, len);
	http_finish(r, status, ctype, b);
	evbuffer_free(b);
}

void
http_reply_json(struct http_req *r, int status, json_t *body)
{
	char	*s;

	s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (s == NULL) {
		http_reply_text(r, 500, "application/json",
		    "{\"error\":{\"code\":\"E_INTERNAL\",\"message\":"
		    "\"cannot encode reply\"}}", 64);
		return;
	}
	http_reply_text(r, status, "application/json", s, strlen(s));
	free(s);
}

void
http_reply_error(struct http_req *r, int status, const char *code,
    const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (status >= 500)
		log_warnx("http: %s %s: %d %s: %s",
		    http_method_name(evhttp_request_get_command(r->req)),
		    evhttp_request_get_uri(r->req), status, code, msg);
	http_reply_json(r, status, json_pack("{s:{s:s,s:s}}", "error",
	    "code", code, "message", msg));
}

/* The first value of key (compared without case, as evhttp does), or
 * NULL. */
const char *
http_query(struct http_req *r, const char *key)
{
	int	 i;

	for (i = 0; i < r->nquery; i++)
		if (evutil_ascii_strcasecmp(r->query[i].key, key) == 0)
			return r->query[i].value;
	return NULL;
}

static int
http_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * Split and decode the query string q into r->query: the rules of
 * evhttp_parse_query_str() (every '&'-separated part must be key=value
 * with a non-empty key, else -1; values decoded with '+' as a space and
 * a '%' not followed by two hex digits kept), in one allocation instead
 * of four per parameter (bench/mo.sh: Kannel's MO callback has nine).
 */
static int
http_query_parse(struct http_req *r, const char *q)
{
	size_t		 n = 1, len = strlen(q);
	const char	*p;
	char		*s, *key, *val, *end, *o;
	int		 hi, lo;

	for (p = q; *p != '\0'; p++)
		n += *p == '&';
	r->query = xmalloc(n * sizeof(*r->query) + len + 1);
	s = (char *)(r->query + n);
	memcpy(s, q, len + 1);
	while (*s != '\0') {
		key = s;
		if ((end = strchr(s, '&')) != NULL)
			*end++ = '\0';
		else
			end = s + strlen(s);
		s = end;
		if ((val = strchr(key, '=')) == NULL || val == key)
			return -1;
		*val++ = '\0';
		r->query[r->nquery].key = key;
		r->query[r->nquery].value = val;
		r->nquery++;
		/* Decode in place: never longer than the encoded form. */
		for (o = val; *val != '\0'; val++) {
			if (*val == '+')
				*o++ = ' ';
			else if (*val == '%' && (hi = http_hex(val[1])) != -1 &&
			    (lo = http_hex(val[2])) != -1) {
				*o++ = (char)(hi << 4 | lo);
				val += 2;
			} else
				*o++ = *val;
		}
		*o = '\0';
	}
	return 0;
}

int
http_query_flag(struct http_req *r, const char *key)
{
	const char	*v = http_query(r, key);

	if (v == NULL || strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
		return 0;
	if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
		return 1;
	http_reply_error(r, 400, "E_BAD_REQUEST", "%s must be 0 or 1", key);
	return -1;
}

int64_t
http_query_int(struct http_req *r, const char *key, int64_t def,
    int64_t max)
{
	const char	*v = http_query(r, key);
	char		*end;
	long long	 n;

	if (v == NULL)
		return def;
	n = strtoll(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < 0 || n > max) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "%s must be an "
		    "integer in 0..%lld", key, (long long)max);
		return -1;
	}
	return n;
}

int64_t
http_param_id(struct http_req *r, int i, const char *what)
{
	const char	*p = i >= 0 && i < r->nparams ? r->params[i] : "";
	size_t		 n = strspn(p, "0123456789");

	/* At most 18 digits: no int64_t overflow to think about. */
	if (*p < '1' || *p > '9' || p[n] != '\0' || n > 18) {
		http_reply_error(r, 404, "E_NOT_FOUND", "no %s \"%.20s\"", what,
		    p);
		return -1;
	}
	return strtoll(p, NULL, 10);
}

const char *
http_body(struct http_req *r, size_t *len)
{
	struct evbuffer	*b = evhttp_request_get_input_buffer(r->req);
	const char	*p;

	*len = evbuffer_get_length(b);
	if (*len == 0)
		return "";
	p = (const char *)evbuffer_pullup(b, -1);
	return p;
}

json_t *
http_body_json(struct http_req *r)
{
	json_error_t	 e;
	const char	*b;
	size_t		 len;
	json_t		*j;

	b = http_body(r, &len);
	j = json_loadb(b, len, JSON_REJECT_DUPLICATES, &e);
	if (j == NULL) {
		http_reply_error(r, 400, "E_BAD_JSON", "line %d column %d: %s",
		    e.line, e.column, e.text);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		http_reply_error(r, 400, "E_BAD_JSON", "expected a JSON "
		    "object");
		return NULL;
	}
	return j;
}

int
http_scope(struct http_req *r, const char *code)
{
	int	 rc;

	if (!area_code_valid(code)) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "\"%.40s\" is not "
		    "an area code", code);
		return -1;
	}
	rc = auth_scope_allows(r->gw->store, &r->tok, code);
	if (rc == 1)
		return 0;
	if (rc == 0)
		http_reply_error(r, 403, "E_SCOPE", "area %s is outside the "
		    "scope of this token (%s)", code, r->tok.scope);
	else
		http_reply_error(r, 404, "E_NOT_FOUND", "unknown area %s",
		    code);
	return -1;
}

json_t *
http_report_json(const struct import_report *rep, int dry_run)
{
	json_t	*errs = json_array();
	size_t	 i;

	for (i = 0; i < rep->nerrors; i++)
		json_array_append_new(errs, json_pack("{s:I,s:s,s:s}", "row",
		    (json_int_t)rep->errors[i].row, "field",
		    rep->errors[i].field, "message", rep->errors[i].msg));
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:o,s:b}",
	    "rows", (json_int_t)rep->rows,
	    "created", (json_int_t)rep->created,
	    "updated", (json_int_t)rep->updated,
	    "unchanged", (json_int_t)rep->unchanged,
	    "rejected", (json_int_t)rep->rejected,
	    "errors", errs, "dry_run", dry_run);
}

/* Match path against pattern; fills params on success. */
static int
http_match(const char *pattern, const char *path, struct http_req *r)
{
	const char	*p = pattern, *s = path, *seg;
	size_t		 len;

	r->nparams = 0;
	while (*p != '\0') {
		if (p[0] == '{' && p[1] == '}') {
			seg = s;
			while (*s != '\0' && *s != '/')
				s++;
			len = s - seg;
			if (len == 0 || r->nparams == HTTP_MAX_PARAMS)
				goto nomatch;
			r->params[r->nparams++] = xstrndup(seg, len);
			p += 2;
			continue;
		}
		if (*p != *s)
			goto nomatch;
		p++;
		s++;
	}
	if (*s == '\0')
		return 1;
nomatch:
	while (r->nparams > 0)
		free(r->params[--r->nparams]);
	return 0;
}

static int
http_auth(struct http_req *r)
{
	const char	*h;
	int		 rc;

	h = evhttp_find_header(evhttp_request_get_input_headers(r->req),
	    "Authorization");
	if (h == NULL || strncmp(h, "Bearer ", 7) != 0) {
		evhttp_add_header(evhttp_request_get_output_headers(r->req),
		    "WWW-Authenticate", "Bearer realm=\"sanket\"");
		http_reply_error(r, 401, "E_UNAUTHORIZED", "missing "
		    "\"Authorization: Bearer <token>\" header");
		return -1;
	}
	rc = auth_token_check(r->gw->store, h + 7, &r->tok);
	if (rc == -1) {
		http_reply_error(r, 500, "E_INTERNAL", "token lookup failed");
		return -1;
	}
	if (rc == 1) {
		evhttp_add_header(evhttp_request_get_output_headers(r->req),
		    "WWW-Authenticate", "Bearer error=\"invalid_token\"");
		http_reply_error(r, 401, "E_UNAUTHORIZED", "unknown or "
		    "revoked token");
		return -1;
	}
	if ((r->route->roles & (1 << r->tok.role)) == 0) {
		http_reply_error(r, 403, "E_FORBIDDEN", "role %s may not "
		    "use %s %s", auth_role_name(r->tok.role),
		    http_method_name(r->route->method), r->route->pattern);
		return -1;
	}
	return 0;
}

static void
http_dispatch_cb(struct evhttp_request *req, void *arg)
{
	struct listener		*l = arg;
	struct http_req		 r;
	const struct route	*rt;
	const struct evhttp_uri	*uri;
	enum evhttp_cmd_type	 m;
	char			*path = NULL, allow[64] = "";
	const char		*rawpath, *q;
	int			 i, found_path = 0;

	memset(&r, 0, sizeof(r));
	r.req = req;
	r.gw = l->gw;
	r.listener = l;
	m = evhttp_request_get_command(req);
	uri = evhttp_request_get_evhttp_uri(req);
	rawpath = evhttp_uri_get_path(uri);
	if (rawpath == NULL || *rawpath == '\0')
		rawpath = "/";
	q = evhttp_uri_get_query(uri);
	if (q != NULL && http_query_parse(&r, q) == -1) {
		http_reply_error(&r, 400, "E_BAD_REQUEST", "malformed query "
		    "string");
		goto done;
	}
	for (rt = l->routes; rt->pattern != NULL; rt++) {
		if (!http_match(rt->pattern, rawpath, &r))
			continue;
		found_path = 1;
		if (rt->method == m)
			break;
		snprintf(allow + strlen(allow), sizeof(allow) - strlen(allow),
		    "%s%s", allow[0] ? ", " : "", http_method_name(rt->method));
		while (r.nparams > 0)
			free(r.params[--r.nparams]);
	}
	if (rt->pattern == NULL) {
		if (found_path) {
			evhttp_add_header(evhttp_request_get_output_headers(
			    req), "Allow", allow);
			http_reply_error(&r, 405, "E_METHOD", "%s is not "
			    "allowed here (allowed: %s)", http_method_name(m),
			    allow);
		} else
			http_reply_error(&r, 404, "E_NOT_FOUND", "no such "
			    "route");
		goto done;
	}
	r.route = rt;
	for (i = 0; i < r.nparams; i++) {
		path = evhttp_uridecode(r.params[i], 0, NULL);
		free(r.params[i]);
		r.params[i] = path;
	}
	if (l->gw->stopping) {
		http_reply_error(&r, 503, "E_UNAVAILABLE", "shutting down");
		goto done;
	}
	if (rt->roles != 0 && http_auth(&r) == -1)
		goto done;
	rt->handler(&r);
	if (!r.replied) {
		log_warnx("%s: handler %s did not reply", __func__, rt->name);
		http_reply_error(&r, 500, "E_INTERNAL", "no reply");
	}
done:
	metrics_http(l->gw->metrics, r.route ? r.route->name : "unmatched",
	    r.status);
	log_debug("http: %s %s -> %d token=%lld", http_method_name(m),
	    evhttp_request_get_uri(req), r.status, (long long)r.tok.id);
	for (i = 0; i < r.nparams; i++)
		free(r.params[i]);
	free(r.query);
}

/* Connections of the callback listener: the lowest event priority. */
static struct bufferevent *
http_callback_bev_cb(struct event_base *base, void *arg)
{
	struct bufferevent	*bev;

	(void)arg;
	bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev != NULL)
		bufferevent_priority_set(bev, SK_PRIO_CALLBACK);
	return bev;
}

struct listener *
http_listen(struct gw *gw, const char *host, uint16_t port,
    const struct route *routes)
{
	struct evhttp	*h;
	struct listener	*l;

	if ((h = evhttp_new(gw->base)) == NULL)
		fatalx("%s: evhttp_new", __func__);
	evhttp_set_max_body_size(h, (ev_ssize_t)gw->conf->max_body);
	evhttp_set_max_headers_size(h, 16 * 1024);
	evhttp_set_timeout(h, gw->conf->request_timeout);
	evhttp_set_allowed_methods(h, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
	    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD);
	l = xcalloc(1, sizeof(*l));
	l->gw = gw;
	l->routes = routes;
	TAILQ_INIT(&l->later);
	evhttp_set_gencb(h, http_dispatch_cb, l);
	if (routes == callback_routes)
		evhttp_set_bevcb(h, http_callback_bev_cb, NULL);
	if (evhttp_bind_socket_with_handle(h, host, port) == NULL) {
		log_warn("cannot listen on %s:%u", host, port);
		evhttp_free(h);
		free(l);
		return NULL;
	}
	l->http = h;
	log_info("http: listening on %s:%u", host, port);
	return l;
}

void
http_close(struct listener *l)
{
	struct http_later	*h;

	if (l == NULL)
		return;
	/* evhttp_free() frees the requests still waiting for an answer. */
	while ((h = TAILQ_FIRST(&l->later)) != NULL) {
		TAILQ_REMOVE(&l->later, h, entry);
		h->req = NULL;
	}
	evhttp_free(l->http);
	free(l);
}
