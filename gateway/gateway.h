/*
 * gateway.h: sanketd's own pieces that are not HTTP handlers.
 */
#ifndef SK_GATEWAY_H
#define SK_GATEWAY_H

#include <stdint.h>

struct gw;

/*
 * Kannel status poller: every [kannel] status_interval seconds GET
 * status_url (bearerbox's status.txt, with status_password) and set
 * gw->kannel_up: 1 when bearerbox answers 200 and says "running", 0 when
 * it does not answer or says otherwise.  -1 (unknown) without a URL.
 */
void	kstatus_start(struct gw *);
void	kstatus_stop(void);

/*
 * The voice side (ivr/voice.c): SIP user agent, RTP, the hotline and
 * warning call-outs.  voice_start returns NULL when voice is off or could
 * not start (logged); SMS runs either way.  voice_stop hangs up every call
 * (each gets its call record).  voice_kick looks for due call-outs now.
 */
struct voice;
struct evbuffer;
struct voice	*voice_start(struct gw *);
void		 voice_stop(struct voice *);
void		 voice_kick(struct voice *);
/* A new alert: when spoken (a warning, or voice messages), its speech is
 * rendered now by a thread so that no call waits for espeak-ng. */
void		 voice_alert_created(struct voice *, int64_t id, int spoken);
/* Alert id was cancelled: hang up its call-outs that ring or are up
 * (each keeps its call record; a ringing one's message is cancelled). */
void		 voice_alert_cancelled(struct voice *, int64_t alert_id);
uint16_t	 voice_sip_port(const struct voice *);
void		 voice_metrics(struct voice *, struct evbuffer *);

#endif
