/*
 * sip-int.h: what the files of the SIP user agent share (sip.c: the UA,
 * the osip glue, the loop; sip-transport.c: sockets, framing, sending;
 * sip-call.c: calls and their table; sip-dialog.c: inbound and outbound
 * requests, REGISTER).  Private to ivr/sip*.c: the UA's interface is the
 * "sip.c" section of ivr.h.
 */
#ifndef SK_SIP_INT_H
#define SK_SIP_INT_H

#include <sys/types.h>
#include <sys/queue.h>

#include <netinet/in.h>

#include <stdint.h>

#include <event2/event.h>
#include <osip2/osip.h>

#include "ivr.h"

#define SIP_T1_MS	500
#define SIP_T2_MS	4000
#define SIP_HASH	256		/* Call-ID buckets */
#define SIP_TCP_MAX	64		/* connections at once */
#define SIP_TCP_OUT_MAX	(4 * IVR_SIP_MAX) /* unread output: stop writing */
#define SIP_TCP_IDLE_MS	(5 * 60 * 1000)	/* idle, no call: closed */
#define SIP_RATE_SLOTS	64		/* source IPs rate-limited */
#define SIP_ROUTES	8		/* route set entries kept */
#define SIP_SDP_MAX	2048		/* our SDP */
#define SIP_UDP_BURST	64		/* datagrams per wake-up */
#define SIP_REG_RETRY_S	30		/* REGISTER again after failing */
#define SIP_RING_MAX_S	120		/* ringing out, no ring_timeout */
#define SIP_CID_MAX	256		/* Call-ID bytes we keep */
#define SIP_USER	"sanket"	/* From/Contact user when none */

enum sip_state {
	CALL_RINGING_IN,	/* inbound, not answered yet */
	CALL_ANSWERED,		/* inbound, 200 sent, no ACK yet */
	CALL_CALLING,		/* outbound, INVITE sent */
	CALL_PROGRESS,		/* outbound, a 1xx came back */
	CALL_UP
};

/* Where a transaction's (or call's) messages go. */
struct sip_dest {
	uint64_t		 conn;	/* TCP connection id; 0: UDP */
	struct sockaddr_in	 sin;	/* sin_family 0: the next hop */
};

enum sip_work_kind {
	W_RESP,		/* a response to our INVITE or REGISTER */
	W_TIMEOUT,	/* timer B/F: no response */
	W_ERROR,	/* transport error */
	W_END		/* ivr_call_hangup / a failed ivr_call_answer */
};

struct sip_work {
	TAILQ_ENTRY(sip_work)	 entry;
	struct ivr_call		*call;	/* NULL: registration */
	enum sip_work_kind	 kind;
	enum ivr_call_end	 reason;	/* W_END */
	osip_message_t		*msg;	/* W_RESP: a clone */
};

struct sip_conn {
	TAILQ_ENTRY(sip_conn)	 entry;
	struct ivr_sip		*sip;
	uint64_t		 id;
	struct bufferevent	*bev;
	struct sockaddr_in	 sin;
	uint64_t		 last;	/* ms of the last message */
};

struct sip_rate {
	uint32_t	 addr;
	uint64_t	 mtokens;	/* tokens * 1000 */
	uint64_t	 last;
};

struct sip_reg {
	osip_transaction_t	*tr;	/* in flight */
	char			 callid[48], tag[24];
	uint32_t		 cseq;
	int			 auth_tried;
	char			*auth;	/* "Authorization: ..." */
	uint64_t		 next;	/* next REGISTER (ms); 0 none */
};

struct ivr_call {
	TAILQ_ENTRY(ivr_call)	 entry;		/* sip->calls */
	TAILQ_ENTRY(ivr_call)	 hentry;	/* sip->hash[] */
	struct ivr_sip		*sip;
	enum ivr_call_dir	 dir;
	enum sip_state		 state;
	char			*callid, *ltag, *rtag, *peer;
	char			*lhdr, *rhdr;	/* our, their name-addr */
	char			*target;	/* remote target URI */
	char			*routes[SIP_ROUTES];
	int			 nroutes;
	uint32_t		 lcseq, rcseq;
	struct sip_dest		 src;	/* responses (in); trunk (out) */
	uint64_t		 conn;	/* TCP connection of the dialog */
	void			*user;
	struct ivr_media	 media;
	uint16_t		 rtp_port;
	uint64_t		 sess_id, sess_ver;
	int			 ended, hangup;

	/* inbound */
	osip_transaction_t	*ist;	/* until the final response */
	char			*ok;	/* our 2xx, resent until ACK */
	uint32_t		 ok_cseq;
	int			 ok_interval;
	uint64_t		 ok_next, ok_deadline;

	/* outbound */
	osip_transaction_t	*ict;
	char			 inv_branch[40];
	uint32_t		 inv_cseq;
	char			*auth;	/* "Authorization: ..." */
	int			 auth_tried;
	char			*ack;	/* our ACK for the 2xx */
	int			 cancel_wanted, cancel_sent;
	enum ivr_call_end	 end_reason;

	uint64_t		 ring_deadline, cancel_deadline, due;
};

TAILQ_HEAD(sip_calls, ivr_call);

struct ivr_sip {
	struct event_base	*base;
	struct ivr_sip_cb	 cb;
	void			*arg;
	osip_t			*osip;
	char			 host[INET_ADDRSTRLEN];
	char			 media_ip[INET_ADDRSTRLEN];
	uint16_t		 port;
	char			*user, *pass;
	char			*trunk_host;
	uint16_t		 trunk_port;
	struct sockaddr_in	 trunk_sin;
	int			 channels, max_calls, rate, trunk_only;
	int			 register_s, ring_timeout_s, t1;
	int			 udp;
	struct event		*udp_ev, *timer;
	struct evconnlistener	*lev;
	TAILQ_HEAD(, sip_conn)	 conns;
	int			 nconns;
	uint64_t		 conn_ids;
	struct sip_calls	 calls;
	struct sip_calls	 hash[SIP_HASH];
	int			 nout;
	TAILQ_HEAD(, sip_work)	 work;
	osip_transaction_t	**grave;
	size_t			 ngrave, grave_cap;
	struct sip_rate		 rates[SIP_RATE_SLOTS];
	struct sip_reg		 reg;
	struct ivr_sip_stats	 st;
	int			 dirty, pumping, closing;
	char			 buf[IVR_SIP_MAX + 1];
};

/* A growing string; allocation failure is fatal (xmalloc). */
struct sip_sb {
	char	*p;
	size_t	 len, cap;
};

/* sip.c */
uint64_t	 sip_now(void);
/* n random bytes as 2n hex digits into out (2n + 1 bytes). */
void		 sip_hex(char *out, size_t n);
void		 sip_branch(char *out, size_t outsz);
void		 sb_add(struct sip_sb *, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));
void		 sip_tr_detach(struct ivr_sip *, osip_transaction_t *,
		    int drop);
void		 sip_work_add(struct ivr_sip *, struct ivr_call *,
		    enum sip_work_kind, enum ivr_call_end, osip_message_t *);
void		 sip_work_free(struct sip_work *);
void		 sip_exec(struct ivr_sip *);
void		 sip_kick(struct ivr_sip *);
osip_transaction_t *sip_tr_send(struct ivr_sip *, osip_fsm_type_t,
		    char *text, const struct sip_dest *, void *owner);
int		 sip_respond(struct ivr_sip *, osip_transaction_t *, int code,
		    const char *reason, const char *tag, const char *hname,
		    const char *hvalue, const char *contact, const char *body,
		    char **text);
void		 sip_pump(struct ivr_sip *);
void		 sip_rearm(struct ivr_sip *);
void		 sip_input(struct ivr_sip *, const char *buf, size_t len,
		    const struct sip_dest *src);

/* sip-transport.c */
void		 sip_conn_close(struct sip_conn *);
int		 sip_send_raw(struct ivr_sip *, const struct sip_dest *,
		    const char *host, int port, const char *buf, size_t len);
int		 sip_call_send(struct ivr_call *, const char *buf);
void		 sip_bad_answer(struct ivr_sip *, const char *buf, size_t len,
		    const struct sip_dest *src);
void		 sip_udp_cb(evutil_socket_t, short, void *);
int		 sip_listen(struct ivr_sip *, uint16_t port, char *err,
		    size_t errlen);
int		 sip_trunk(struct ivr_sip *, const char *trunk, char *err,
		    size_t errlen);

/* sip-call.c */
const char	*sip_tag(osip_from_t *);
const char	*sip_branch_of(osip_via_t *);
int		 sip_streq(const char *, const char *);
const char	*sip_cid(const osip_message_t *, char *buf, size_t bufsz);
char		*sip_hdr_str(osip_from_t *);
char		*sip_uri_str(osip_uri_t *);
int		 sip_uri_hop(const char *s, char *host, size_t hostsz,
		    int *port);
void		 sip_contact(struct ivr_sip *, uint64_t conn, char *buf,
		    size_t bufsz);
char		*sip_req_text(struct ivr_call *, const char *method,
		    const char *ruri, uint32_t cseq, const char *branch,
		    const char *extra, const char *body);
int		 sip_ist_final(struct ivr_call *, int code,
		    const char *contact, const char *sdp, char **text);
unsigned	 sip_hash(const char *);
struct ivr_call	*sip_call_new(struct ivr_sip *, enum ivr_call_dir,
		    const char *callid);
void		 sip_call_free(struct ivr_call *);
struct ivr_call	*sip_call_find(struct ivr_sip *, const char *callid,
		    const char *ltag, const char *rtag);
void		 sip_call_end(struct ivr_call *, enum ivr_call_end, int);
void		 sip_call_due(struct ivr_call *);
void		 sip_call_routes(struct ivr_call *, osip_message_t *,
		    int reverse);
void		 sip_call_target(struct ivr_call *, osip_message_t *);
int		 sip_send_bye(struct ivr_call *);
void		 sip_call_tick(struct ivr_call *, uint64_t now);
void		 sip_call_hangup_now(struct ivr_call *, enum ivr_call_end);
void		 sip_call_shutdown(struct ivr_call *);

/* sip-dialog.c */
int		 sip_call_answer(struct ivr_call *, int port);
void		 sip_in_ack(struct ivr_sip *, osip_message_t *);
void		 sip_in_request(struct ivr_sip *, osip_transaction_t *,
		    osip_message_t *, const struct sip_dest *src);
void		 sip_out_send_cancel(struct ivr_call *);
void		 sip_out_cancel(struct ivr_call *, enum ivr_call_end);
void		 sip_out_response(struct ivr_call *, osip_message_t *);
void		 sip_out_stray_2xx(struct ivr_sip *, osip_message_t *);
void		 sip_reg_send(struct ivr_sip *);
void		 sip_reg_response(struct ivr_sip *, osip_message_t *);

#endif
