/*
 * api.h: the handlers behind the route table in api.c.  One file per
 * resource (api-areas.c, api-recipients.c, ...).
 */
#ifndef SK_API_H
#define SK_API_H

#include "http.h"

void	api_healthz(struct http_req *);
void	api_metrics(struct http_req *);
void	api_status(struct http_req *);
void	api_clock(struct http_req *);
void	api_audit_list(struct http_req *);
void	api_areas_import(struct http_req *);
void	api_areas_get(struct http_req *);
void	api_recipients_import(struct http_req *);
void	api_recipients_get(struct http_req *);
void	api_tokens_create(struct http_req *);
void	api_spots_create(struct http_req *);
void	api_spots_get(struct http_req *);

/*
 * Commit the open transaction with one audit row (takes detail).  0, or -1
 * after rolling back and replying 500.
 */
int	api_commit_audited(struct http_req *, const char *action,
	    const char *areas, json_t *detail);

#endif
