/*
 * api.c: the route tables.  The names here are the v1 contract
 * (DESIGN.md "Interfaces", docs/api.md); the last column is the metrics
 * label.
 */
#include "config.h"

#include <stdlib.h>

#include "api.h"
#include "campaigns.h"
#include "log.h"
#include "store.h"

#define GET	EVHTTP_REQ_GET
#define POST	EVHTTP_REQ_POST

const struct route api_routes[] = {
	{ GET, "/healthz", api_healthz, 0, "healthz" },
	{ GET, "/metrics", api_metrics, 0, "metrics" },
	{ GET, "/api/v1/status", api_status, R_ANY, "status" },
	{ GET, "/api/v1/clock", api_clock, R_ANY, "clock" },
	{ POST, "/api/v1/clock", api_clock, R_ADMIN, "clock_set" },
	{ GET, "/api/v1/audit", api_audit_list, R_ADMIN | R_AUDITOR,
	    "audit" },
	{ POST, "/api/v1/areas", api_areas_import, R_ADMIN, "areas_import" },
	{ GET, "/api/v1/areas/{}", api_areas_get, R_ANY, "areas_get" },
	{ POST, "/api/v1/recipients", api_recipients_import,
	    R_ADMIN | R_OFFICIAL, "recipients_import" },
	{ GET, "/api/v1/recipients/{}", api_recipients_get, R_ANY,
	    "recipients_get" },
	{ POST, "/api/v1/tokens", api_tokens_create, R_ADMIN,
	    "tokens_create" },
	{ POST, "/api/v1/alerts", api_alerts_create, R_ADMIN | R_OFFICIAL,
	    "alerts_create" },
	{ GET, "/api/v1/alerts", api_alerts_list, R_ANY, "alerts_list" },
	{ GET, "/api/v1/alerts/{}", api_alerts_get, R_ANY, "alerts_get" },
	{ POST, "/api/v1/alerts/{}/cancel", api_alerts_cancel,
	    R_ADMIN | R_OFFICIAL, "alerts_cancel" },
	{ POST, "/api/v1/spots", api_spots_create, R_ADMIN | R_OFFICIAL,
	    "spots_create" },
	{ GET, "/api/v1/spots/{}", api_spots_get, R_ANY, "spots_get" },
	{ GET, "/api/v1/inbound", api_inbound_list, R_ANY, "inbound_list" },
	{ GET, "/api/v1/calls", api_calls_list, R_ANY, "calls_list" },
	{ POST, "/api/v1/campaigns", api_campaigns_create,
	    R_ADMIN | R_OFFICIAL, "campaigns_create" },
	{ GET, "/api/v1/campaigns", api_campaigns_list, R_ANY,
	    "campaigns_list" },
	{ GET, "/api/v1/campaigns/{}", api_campaigns_get, R_ANY,
	    "campaigns_get" },
	{ POST, "/api/v1/campaigns/{}/cancel", api_campaigns_cancel,
	    R_ADMIN | R_OFFICIAL, "campaigns_cancel" },
	{ POST, "/api/v1/distributions", api_distributions_create,
	    R_ADMIN | R_OFFICIAL, "distributions_create" },
	{ GET, "/api/v1/distributions/{}", api_distributions_get, R_ANY,
	    "distributions_get" },
	{ POST, "/api/v1/distributions/{}/receipts", api_receipts_create,
	    R_ADMIN | R_OFFICIAL, "receipts_create" },
	{ GET, "/api/v1/unions/{}/relief", api_union_relief, R_ANY,
	    "union_relief" },
	{ GET, "/api/v1/unions/{}/receipts/verify", api_union_verify, R_ANY,
	    "union_verify" },
	{ GET, "/api/v1/grievances", api_grievances_list, R_ANY,
	    "grievances_list" },
	{ POST, "/api/v1/grievances/{}/resolve", api_grievances_resolve,
	    R_ADMIN | R_OFFICIAL, "grievances_resolve" },
	{ 0, NULL, NULL, 0, NULL }
};

/* Kannel callbacks: authenticated by signature and source, not token. */
const struct route callback_routes[] = {
	{ GET, "/healthz", api_healthz, 0, "cb_healthz" },
	{ GET, "/kannel/dlr", api_kannel_dlr, 0, "kannel_dlr" },
	{ GET, "/kannel/mo", api_kannel_mo, 0, "kannel_mo" },
	{ 0, NULL, NULL, 0, NULL }
};

int
api_commit_audited(struct http_req *r, const char *action, const char *areas,
    json_t *detail)
{
	char	*d;
	int	 rc;

	d = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(detail);
	rc = audit_log(r->gw->store, r->tok.id, action, areas, d ? d : "{}");
	free(d);
	if (rc == -1 || store_tx_commit(r->gw->store) == -1) {
		store_tx_rollback(r->gw->store);
		http_reply_error(r, 500, "E_INTERNAL", "the store failed; "
		    "nothing was changed");
		return -1;
	}
	log_info("audit: token=%lld %s areas=%s", (long long)r->tok.id,
	    action, areas);
	return 0;
}
