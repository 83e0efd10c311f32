/* api-grievances.c: STUB, to be written (issue 5). */
#include "config.h"

#include "api.h"
#include "campaigns.h"

static void
stub(struct http_req *r)
{
	http_reply_error(r, 501, "E_NOT_IMPLEMENTED", "not yet");
}

void api_grievances_list(struct http_req *r) { stub(r); }
void api_grievances_resolve(struct http_req *r) { stub(r); }
