/*
 * api-alerts.c: POST/GET /api/v1/alerts, GET /api/v1/alerts/{id},
 * POST /api/v1/alerts/{id}/cancel, and Kannel's delivery reports on the
 * callback listener (GET /kannel/dlr).
 */
#include "config.h"

#include <sys/socket.h>

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "campaigns.h"
#include "conf.h"
#include "gateway.h"
#include "kannel.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

/* 0 if the alert exists and the token may see it; else replied. */
static int
api_alert_check(struct http_req *r, int64_t id)
{
	switch (camp_alert_visible(r->gw->store, id, &r->tok)) {
	case 1:
		return 0;
	case 0:
		http_reply_error(r, 403, "E_SCOPE", "alert %lld reaches areas "
		    "outside the scope of this token", (long long)id);
		return -1;
	default:
		http_reply_error(r, 404, "E_NOT_FOUND", "no alert %lld",
		    (long long)id);
		return -1;
	}
}

json_t *
api_sms_len(const struct sms_len *l)
{
	return json_pack("{s:s,s:I,s:i}", "encoding", sms_coding_name(
	    l->coding), "chars", (json_int_t)l->chars, "parts", l->parts);
}

/*
 * supersedes: the old alert must be one this token may see and still in
 * force.  0, or -1 after a reply (the transaction is the caller's).
 */
static int
api_alert_supersedable(struct http_req *r, int64_t old)
{
	switch (camp_alert_supersede_check(r->gw->store, old)) {
	case SUPERSEDE_OK:
		break;
	case SUPERSEDE_UNKNOWN:
		http_reply_error(r, 404, "E_NOT_FOUND", "supersedes: no alert "
		    "%lld", (long long)old);
		return -1;
	case SUPERSEDE_CANCELLED:
		http_reply_error(r, 409, "E_CONFLICT", "supersedes: alert %lld "
		    "is cancelled; send a new alert instead", (long long)old);
		return -1;
	case SUPERSEDE_TWICE:
		http_reply_error(r, 409, "E_CONFLICT", "supersedes: alert %lld "
		    "is already superseded; update the newer one",
		    (long long)old);
		return -1;
	default:
		http_reply_error(r, 500, "E_INTERNAL", "store error");
		return -1;
	}
	if (camp_alert_visible(r->gw->store, old, &r->tok) != 1) {
		http_reply_error(r, 403, "E_SCOPE", "supersedes: alert %lld "
		    "reaches areas outside the scope of this token",
		    (long long)old);
		return -1;
	}
	return 0;
}

void
api_alerts_create(struct http_req *r)
{
	struct alert_req	 req;
	struct alert_made	 made;
	const char		*code;
	char			 msg[256], *areas = NULL;
	json_t			*j, *sms;
	size_t			 i, len = 0, off = 0;
	int64_t			 stopped = 0, first = 0;
	int			 status;

	if ((j = http_body_json(r)) == NULL)
		return;
	if (camp_alert_parse(j, r->gw->conf->max_parts, store_now(), &req,
	    &status, &code, msg, sizeof(msg)) == -1) {
		http_reply_error(r, status, code, "%s", msg);
		json_decref(j);
		return;
	}
	for (i = 0; i < req.nareas; i++)
		if (http_scope(r, req.areas[i]) == -1)
			goto done;
	for (i = 0; i < req.nareas; i++)
		len += strlen(req.areas[i]) + 1;
	areas = xcalloc(1, len + 1);
	for (i = 0; i < req.nareas; i++)
		off += snprintf(areas + off, len + 1 - off, "%s%s", i ? "," : "",
		    req.areas[i]);
	if (store_tx_begin(r->gw->store) == -1) {
		http_reply_error(r, 503, "E_UNAVAILABLE", "store busy");
		goto done;
	}
	if (req.supersedes != 0 && api_alert_supersedable(r,
	    req.supersedes) == -1) {
		store_tx_rollback(r->gw->store);
		goto done;
	}
	if (camp_alert_create(r->gw->store, &req, r->tok.id, &made) == -1 ||
	    (req.supersedes != 0 && camp_alert_supersede(r->gw->store,
	    req.supersedes, made.id, &stopped, &first) == -1)) {
		store_tx_rollback(r->gw->store);
		http_reply_error(r, 500, "E_INTERNAL", "the store failed; "
		    "nothing was queued");
		goto done;
	}
	if (api_commit_audited(r, "alert.create", areas, json_pack(
	    "{s:I,s:s,s:i,s:I,s:I,s:I}", "id", (json_int_t)made.id, "kind",
	    req.kind, "priority", req.priority, "messages",
	    (json_int_t)made.messages, "supersedes",
	    (json_int_t)req.supersedes, "stopped", (json_int_t)stopped)) == -1)
		goto done;
	dispatch_kick(r->gw->dispatch);
	voice_alert_created(r->gw->voice, made.id, made.voice > 0 ||
	    strcmp(req.kind, "warning") == 0);
	if (made.voice > 0)
		voice_kick(r->gw->voice);
	sms = json_object();
	if (req.text_bn)
		json_object_set_new(sms, "bn", api_sms_len(&made.bn));
	if (req.text_en)
		json_object_set_new(sms, "en", api_sms_len(&made.en));
	http_reply_json(r, 201, json_pack("{s:I,s:s,s:I,s:I,s:o,s:b,s:o}",
	    "id", (json_int_t)made.id, "status", req.starts_at > store_now() ?
	    "scheduled" : "queued", "messages", (json_int_t)made.messages,
	    "calls", (json_int_t)made.voice, "sms", sms, "escalate",
	    req.escalate, "superseded", req.supersedes == 0 ? json_null() :
	    json_pack("{s:I,s:I,s:I}", "id", (json_int_t)req.supersedes,
	    "stopped", (json_int_t)stopped, "first", (json_int_t)first)));
done:
	free(areas);
	camp_alert_req_clear(&req);
	json_decref(j);
}

void
api_alerts_get(struct http_req *r)
{
	int64_t	 id;
	json_t	*o;

	if ((id = http_param_id(r, 0, "alert")) == -1 ||
	    api_alert_check(r, id) == -1)
		return;
	if ((o = camp_alert_status(r->gw->store, id,
	    r->gw->conf->dlr_timeout, 1)) == NULL) {
		http_reply_error(r, 500, "E_INTERNAL", "store error");
		return;
	}
	http_reply_json(r, 200, o);
}

void
api_alerts_list(struct http_req *r)
{
	int64_t	 limit;

	if ((limit = http_query_int(r, "limit", 20, 500)) == -1)
		return;
	http_reply_json(r, 200, json_pack("{s:o}", "alerts",
	    camp_alert_list(r->gw->store, &r->tok, (int)limit,
	    r->gw->conf->dlr_timeout)));
}

/*
 * The cancel body: none or {} is a plain cancel; {"all_clear": ...} asks
 * for the all-clear (camp_all_clear_parse).  0, or -1 after a reply.
 */
static int
api_cancel_body(struct http_req *r, int *want, char **bn, char **en)
{
	const char	*code;
	char		 msg[256];
	size_t		 len;
	json_t		*j;
	int		 status;

	*want = 0;
	*bn = *en = NULL;
	http_body(r, &len);
	if (len == 0)
		return 0;
	if ((j = http_body_json(r)) == NULL)
		return -1;
	if (camp_all_clear_parse(j, r->gw->conf->max_parts, want, bn, en,
	    &status, &code, msg, sizeof(msg)) == -1) {
		json_decref(j);
		http_reply_error(r, status, code, "%s", msg);
		return -1;
	}
	json_decref(j);
	return 0;
}

void
api_alerts_cancel(struct http_req *r)
{
	struct alert_made	 ac;
	int64_t			 id, stopped;
	char			*bn = NULL, *en = NULL;
	int			 rc, want;

	memset(&ac, 0, sizeof(ac));
	if ((id = http_param_id(r, 0, "alert")) == -1 ||
	    api_alert_check(r, id) == -1 ||
	    api_cancel_body(r, &want, &bn, &en) == -1)
		return;
	if (store_tx_begin(r->gw->store) == -1) {
		http_reply_error(r, 503, "E_UNAVAILABLE", "store busy");
		goto done;
	}
	rc = camp_alert_cancel(r->gw->store, id, &stopped);
	if (rc == 0 && want && camp_alert_all_clear(r->gw->store, id, bn, en,
	    r->tok.id, &ac) == -1)
		rc = -1;
	if (rc != 0) {
		store_tx_rollback(r->gw->store);
		if (rc == 2)
			http_reply_error(r, 409, "E_STATE", "alert %lld is "
			    "already cancelled or expired", (long long)id);
		else
			http_reply_error(r, rc == 1 ? 404 : 500, rc == 1 ?
			    "E_NOT_FOUND" : "E_INTERNAL", "alert %lld",
			    (long long)id);
		goto done;
	}
	if (api_commit_audited(r, "alert.cancel", "", json_pack(
	    "{s:I,s:I,s:I}", "id", (json_int_t)id, "stopped",
	    (json_int_t)stopped, "all_clear", (json_int_t)ac.id)) == -1)
		goto done;
	/* Calls ringing or up end now; their records are still written. */
	voice_alert_cancelled(r->gw->voice, id);
	if (ac.id != 0) {
		dispatch_kick(r->gw->dispatch);
		voice_alert_created(r->gw->voice, ac.id, 1);
		if (ac.voice > 0)
			voice_kick(r->gw->voice);
	}
	http_reply_json(r, 200, json_pack("{s:I,s:s,s:I,s:o}", "id",
	    (json_int_t)id, "status", "cancelled", "stopped",
	    (json_int_t)stopped, "all_clear", !want ? json_null() :
	    json_pack("{s:o,s:I,s:I}", "id", ac.id ? json_integer(ac.id) :
	    json_null(), "messages", (json_int_t)ac.messages, "calls",
	    (json_int_t)ac.voice)));
done:
	free(bn);
	free(en);
}

/* --- Kannel delivery reports ------------------------------------------- */

int
api_source_allowed(struct http_req *r)
{
	struct evhttp_connection *c = evhttp_request_get_connection(r->req);
	const char	*list = r->gw->conf->callback_allow, *p;
	char		*host = NULL;
	ev_uint16_t	 port;
	size_t		 n;

	if (c == NULL)
		return 0;
	evhttp_connection_get_peer(c, &host, &port);
	if (host == NULL)
		return 0;
	for (p = list; *p != '\0'; p += n) {
		p += strspn(p, " ,");
		n = strcspn(p, " ,");
		if (n > 0 && strlen(host) == n && strncmp(p, host, n) == 0)
			return 1;
	}
	return 0;
}

static int
api_num(const char *s, long long lo, long long hi, long long *out)
{
	char	*end;

	if (s == NULL || *s == '\0')
		return -1;
	*out = strtoll(s, &end, 10);
	return *end == '\0' && *out >= lo && *out <= hi ? 0 : -1;
}

void
api_kannel_dlr(struct http_req *r)
{
	const struct conf *cf = r->gw->conf;
	const char	*h;
	char		 want[33];
	long long	 m, a, t, s;
	int64_t		 now = store_now();

	if (!api_source_allowed(r)) {
		dispatch_dlr_forged(r->gw->dispatch);
		http_reply_error(r, 403, "E_FORBIDDEN", "source address not "
		    "in [kannel] callback_allow");
		return;
	}
	h = http_query(r, "h");
	if (api_num(http_query(r, "m"), 1, INT64_MAX, &m) == -1 ||
	    api_num(http_query(r, "a"), 1, 1000000, &a) == -1 ||
	    api_num(http_query(r, "t"), 0, INT64_MAX, &t) == -1 ||
	    h == NULL || strlen(h) != 32) {
		dispatch_dlr_forged(r->gw->dispatch);
		http_reply_error(r, 403, "E_FORBIDDEN", "unsigned delivery "
		    "report");
		return;
	}
	kannel_dlr_sign(cf, m, (int)a, t, want);
	if (CRYPTO_memcmp(want, h, 32) != 0) {
		dispatch_dlr_forged(r->gw->dispatch);
		log_warnx("dlr: bad signature for msg=%lld", m);
		http_reply_error(r, 403, "E_FORBIDDEN", "bad signature");
		return;
	}
	if (t < now - cf->dlr_max_age || t > now + 300) {
		dispatch_dlr_forged(r->gw->dispatch);
		http_reply_error(r, 403, "E_FORBIDDEN", "stale delivery report "
		    "(signed %lld s ago)", (long long)(now - t));
		return;
	}
	if (api_num(http_query(r, "s"), 0, 255, &s) == -1 || (s != 1 &&
	    s != 2 && s != 4 && s != 8 && s != 16)) {
		http_reply_error(r, 400, "E_BAD_REQUEST", "unknown DLR status "
		    "\"%.8s\"", http_query(r, "s") ? http_query(r, "s") : "");
		return;
	}
	switch (dispatch_dlr(r->gw->dispatch, m, (int)a, (int)s)) {
	case 0:
		/*
		 * Answer now, with an empty body: smsbox works on the body
		 * of every callback answer (a 2-byte "OK" doubled Kannel's
		 * CPU per message in bench/sms.sh), and its callbacks queue
		 * behind ours.  The change commits with the current batch.
		 */
		http_reply_text(r, 200, "text/plain", "", 0);
		return;
	case 1:
		http_reply_error(r, 404, "E_NOT_FOUND", "no message %lld", m);
		return;
	default:
		http_reply_error(r, 500, "E_INTERNAL", "store error");
		return;
	}
}
