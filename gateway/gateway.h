/*
 * gateway.h: sanketd's own pieces that are not HTTP handlers.
 */
#ifndef SK_GATEWAY_H
#define SK_GATEWAY_H

struct gw;

/*
 * Kannel status poller: every [kannel] status_interval seconds GET
 * status_url (bearerbox's status.txt, with status_password) and set
 * gw->kannel_up: 1 when bearerbox answers 200 and says "running", 0 when
 * it does not answer or says otherwise.  -1 (unknown) without a URL.
 */
void	kstatus_start(struct gw *);
void	kstatus_stop(void);

#endif
