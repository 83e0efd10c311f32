/* api-relief.c: STUB, to be written (issue 5). */
#include "config.h"

#include "api.h"
#include "campaigns.h"

static void
stub(struct http_req *r)
{
	http_reply_error(r, 501, "E_NOT_IMPLEMENTED", "not yet");
}

void api_distributions_create(struct http_req *r) { stub(r); }
void api_distributions_get(struct http_req *r) { stub(r); }
void api_receipts_create(struct http_req *r) { stub(r); }
void api_union_relief(struct http_req *r) { stub(r); }
void api_union_verify(struct http_req *r) { stub(r); }
