/* api-inbound.c: STUB (issue 5, lead). */
#include "config.h"

#include "api.h"
#include "campaigns.h"

void api_kannel_mo(struct http_req *r) { http_reply_error(r, 501, "E_NOT_IMPLEMENTED", "not yet"); }
void api_inbound_list(struct http_req *r) { http_reply_error(r, 501, "E_NOT_IMPLEMENTED", "not yet"); }
