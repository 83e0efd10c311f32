/*
 * api-campaigns.c: POST /api/v1/campaigns, GET /api/v1/campaigns[/{id}],
 * POST /api/v1/campaigns/{id}/cancel (docs/api.md "Campaigns").
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "campaigns.h"
#include "conf.h"
#include "gateway.h"
#include "http.h"
#include "store.h"
#include "xmalloc.h"

static int
api_campaign_check(struct http_req *r, int64_t id)
{
	switch (camp_campaign_visible(r->gw->store, id, &r->tok)) {
	case 1:
		return 0;
	case 0:
		http_reply_error(r, 403, "E_SCOPE", "campaign %lld reaches "
		    "areas outside the scope of this token", (long long)id);
		return -1;
	default:
		http_reply_error(r, 404, "E_NOT_FOUND", "no campaign %lld",
		    (long long)id);
		return -1;
	}
}

void
api_campaigns_create(struct http_req *r)
{
	struct camp_req	 req;
	struct camp_made made;
	const char	*code;
	char		 msg[320], *areas = NULL, win[128];
	json_t		*j;
	size_t		 i, len = 0, off = 0;
	int		 status, rc;

	if ((j = http_body_json(r)) == NULL)
		return;
	if (camp_campaign_parse(j, store_now(), r->gw->conf->camp_day_from,
	    r->gw->conf->camp_day_to, r->gw->conf->max_parts, &req, &status,
	    &code, msg, sizeof(msg)) == -1) {
		http_reply_error(r, status, code, "%s", msg);
		goto done;
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
	rc = camp_campaign_create(r->gw->store, &req, &r->tok, &made, &status,
	    &code, msg, sizeof(msg));
	if (rc != 0) {
		store_tx_rollback(r->gw->store);
		if (rc == 1)
			http_reply_error(r, status, code, "%s", msg);
		else
			http_reply_error(r, 500, "E_INTERNAL", "the store "
			    "failed; nothing was created");
		goto done;
	}
	if (api_commit_audited(r, "campaign.create", areas, json_pack(
	    "{s:I,s:s,s:I}", "id", (json_int_t)made.id, "name", req.name,
	    "audience", (json_int_t)made.audience)) == -1)
		goto done;
	if (made.teaser.id != 0)
		dispatch_kick(r->gw->dispatch);
	voice_kick(r->gw->voice);
	sched_windows_format(&req.sc, win, sizeof(win));
	http_reply_json(r, 201, json_pack("{s:I,s:s,s:I,s:I,s:o,s:s,s:o}",
	    "id", (json_int_t)made.id, "status", req.sc.starts >
	    store_now_ms() ? "scheduled" : sched_on_air(&req.sc,
	    store_now_ms()) ? "on_air" : "off_air", "audience",
	    (json_int_t)made.audience, "planned", (json_int_t)made.planned,
	    "first_airing", made.first_airing >= 0 ?
	    json_integer(made.first_airing / 1000) : json_null(),
	    "windows", win, "teaser", made.teaser.id ? json_pack("{s:I,s:I}",
	    "id", (json_int_t)made.teaser.id, "messages",
	    (json_int_t)made.teaser.messages) : json_null()));
done:
	free(areas);
	camp_campaign_req_clear(&req);
	json_decref(j);
}

void
api_campaigns_get(struct http_req *r)
{
	int64_t	 id;
	json_t	*o;

	if ((id = http_param_id(r, 0, "campaign")) == -1 ||
	    api_campaign_check(r, id) == -1)
		return;
	if ((o = camp_campaign_status(r->gw->store, id, store_now_ms(),
	    1)) == NULL) {
		http_reply_error(r, 500, "E_INTERNAL", "store error");
		return;
	}
	http_reply_json(r, 200, o);
}

void
api_campaigns_list(struct http_req *r)
{
	int64_t	 limit;

	if ((limit = http_query_int(r, "limit", 20, 500)) == -1)
		return;
	http_reply_json(r, 200, json_pack("{s:o}", "campaigns",
	    camp_campaign_list(r->gw->store, &r->tok, (int)limit,
	    store_now_ms())));
}

void
api_campaigns_cancel(struct http_req *r)
{
	int64_t	 id, stopped;
	int	 rc;

	if ((id = http_param_id(r, 0, "campaign")) == -1 ||
	    api_campaign_check(r, id) == -1)
		return;
	if (store_tx_begin(r->gw->store) == -1) {
		http_reply_error(r, 503, "E_UNAVAILABLE", "store busy");
		return;
	}
	if ((rc = camp_campaign_cancel(r->gw->store, id, &stopped)) != 0) {
		store_tx_rollback(r->gw->store);
		if (rc == 2)
			http_reply_error(r, 409, "E_STATE", "campaign %lld is "
			    "already cancelled or over", (long long)id);
		else
			http_reply_error(r, rc == 1 ? 404 : 500, rc == 1 ?
			    "E_NOT_FOUND" : "E_INTERNAL", "campaign %lld",
			    (long long)id);
		return;
	}
	if (api_commit_audited(r, "campaign.cancel", "", json_pack(
	    "{s:I,s:I}", "id", (json_int_t)id, "stopped",
	    (json_int_t)stopped)) == -1)
		return;
	http_reply_json(r, 200, json_pack("{s:I,s:s,s:I}", "id",
	    (json_int_t)id, "status", "cancelled", "stopped",
	    (json_int_t)stopped));
}
