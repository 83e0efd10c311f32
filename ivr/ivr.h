/*
 * ivr.h: the voice module (SIP user agent, RTP, DTMF, IVR scripts), the
 * one header others include.
 *
 *	INVITE body --ivr_sdp_negotiate--> struct ivr_media (codec, payload
 *	    types, the peer's RTP address and port, directions)   [sdp.c]
 *	struct ivr_media + our address/port --ivr_sdp_answer--> SDP answer
 *
 * SDP offer/answer (RFC 3264) is pure: no sockets, no SQLite, no logging.
 * We answer one audio stream: PCMU (preferred) or PCMA at 8000 Hz, by
 * static payload type or by a=rtpmap name, plus RFC 4733 telephone-event
 * at whatever payload type the peer offered, ptime 20.  Every other m=
 * line is declined (port 0) in the answer, so the answer keeps the
 * offer's m= lines in order.  The result tells the caller which SIP
 * response to send: IVR_SDP_OK (200), IVR_SDP_NOCODEC (488 Not Acceptable
 * Here: no audio, every audio stream declined, no common codec) or
 * IVR_SDP_BAD (400: malformed, oversized or hostile SDP).  Bad input of any
 * kind is an error with a message for people, never a crash.
 */
#ifndef SK_IVR_H
#define SK_IVR_H

#include <stddef.h>
#include <stdint.h>

/* --- SDP offer/answer (sdp.c) ------------------------------------------ */

#define IVR_SDP_MAX		8192	/* bytes: a larger offer is refused */
#define IVR_SDP_MAX_MEDIA	8	/* m= lines: more is refused */
#define IVR_PTIME		20	/* ms: what we send and answer */
#define IVR_TE_FMTP_DEFAULT	"0-16"

enum ivr_sdp_result {
	IVR_SDP_OK = 0,		/* answer with 200 and ivr_sdp_answer() */
	IVR_SDP_NOCODEC = 1,	/* answer 488: nothing we can use */
	IVR_SDP_BAD = -1	/* answer 400: malformed or hostile */
};

enum ivr_codec {
	IVR_CODEC_NONE = 0,
	IVR_CODEC_PCMU,		/* G.711 u-law, static PT 0 */
	IVR_CODEC_PCMA		/* G.711 A-law, static PT 8 */
};

enum ivr_dir {
	IVR_DIR_SENDRECV = 0,
	IVR_DIR_SENDONLY,
	IVR_DIR_RECVONLY,
	IVR_DIR_INACTIVE
};

/* One m= line of the offer, kept so the answer can decline it in order. */
struct ivr_sdp_mline {
	char		 media[16];	/* "audio", "video", ... */
	char		 proto[24];	/* "RTP/AVP", ... */
	char		 fmt[8];	/* first format, echoed when declined */
};

/* What was negotiated: filled by ivr_sdp_negotiate on IVR_SDP_OK. */
struct ivr_media {
	enum ivr_codec	 codec;
	int		 pt;		/* codec PT (0, 8 or dynamic) */
	int		 te_pt;		/* telephone-event PT, -1 when none */
	char		 te_fmtp[32];	/* its events, e.g. "0-16" */
	char		 addr[16];	/* peer's RTP address, dotted IPv4 */
	char		 sig_addr[16];	/* the SIP peer's own address ("" if
					 * unknown): RTP from it is accepted
					 * too (a peer behind NAT, or one that
					 * offers an address it does not send
					 * from); filled by sip.c, not SDP */
	uint16_t	 port;		/* peer's RTP port */
	int		 peer_ptime;	/* a=ptime offered, 0 when absent */
	enum ivr_dir	 peer_dir;	/* the offer's direction */
	enum ivr_dir	 dir;		/* ours, its mirror */
	int		 nmline;	/* m= lines in the offer */
	int		 mline;		/* index of the chosen audio line */
	struct ivr_sdp_mline m[IVR_SDP_MAX_MEDIA];
};

/*
 * Parses the SDP offer (len bytes, need not be NUL-terminated) and chooses
 * the answer into *out.  On anything but IVR_SDP_OK, err (errlen bytes) says
 * why in one line.  Never keeps a pointer to offer.
 */
enum ivr_sdp_result ivr_sdp_negotiate(const char *offer, size_t len,
    struct ivr_media *out, char *err, size_t errlen);

/*
 * Writes our SDP answer for m into buf (bufsz bytes, NUL-terminated, CRLF
 * line ends): origin "sanket sess_id sess_ver IN IP4 ip", c= ip, the chosen
 * PTs with a=rtpmap, a=fmtp for telephone-event, a=ptime:20 and m->dir.
 * ip must be dotted IPv4.  Returns the length, or -1 when ip is not IPv4 or
 * buf is too small.
 */
int	ivr_sdp_answer(const struct ivr_media *m, const char *ip,
	    uint16_t port, uint64_t sess_id, uint64_t sess_ver, char *buf,
	    size_t bufsz);

/*
 * Our offer for an outbound call (ivr_sip_dial): PCMU 0, PCMA 8,
 * telephone-event/8000 at IVR_OFFER_TE_PT (0-16), ptime 20, sendrecv, at ip
 * (dotted IPv4) and port.  Returns the length, or -1 when ip is not IPv4,
 * port is 0 or buf is too small.
 */
#define IVR_OFFER_TE_PT		101
int	ivr_sdp_offer(const char *ip, uint16_t port, uint64_t sess_id,
	    uint64_t sess_ver, char *buf, size_t bufsz);
/*
 * Reads the peer's answer to our offer: ivr_sdp_negotiate, except that the
 * codec is the one the answerer listed first when it kept both.
 */
enum ivr_sdp_result ivr_sdp_read_answer(const char *answer, size_t len,
	    struct ivr_media *out, char *err, size_t errlen);

const char *ivr_codec_name(enum ivr_codec);
const char *ivr_dir_name(enum ivr_dir);

/* --- rtp.c: RTP packets (RFC 3550) and the send clock, no sockets -------- */

#define RTP_HDR_LEN		12
#define RTP_FRAME_US		20000	/* one 20 ms G.711 frame */
#define RTP_FRAME_BYTES		160	/* = samples = timestamp step */
#define RTP_PKT_MAX		1500	/* what the receiver accepts */

enum rtp_status {
	RTP_OK = 0,
	RTP_E_SHORT,		/* under 12 bytes, or buffer too small */
	RTP_E_VERSION,		/* version is not 2 */
	RTP_E_CSRC,		/* CSRC list runs past the end */
	RTP_E_EXT,		/* header extension runs past the end */
	RTP_E_PADDING		/* pad count 0 or longer than the payload */
};

struct rtp_hdr {
	int		 marker;
	uint8_t		 pt;		/* 0..127 */
	uint16_t	 seq;
	uint32_t	 ts;
	uint32_t	 ssrc;
};

/* A parsed packet; payload points into the caller's buffer. */
struct rtp_pkt {
	struct rtp_hdr	 h;
	uint8_t		 cc;		/* CSRC count (skipped) */
	int		 ext;		/* an extension was present (skipped) */
	const uint8_t	*payload;
	size_t		 payload_len;
};

const char	*rtp_status_str(enum rtp_status);
/*
 * Write a 12-byte header (no padding, extension or CSRC) and payload to buf;
 * the packet length, or -1 if bufsz is too small or pt > 127.
 */
int		 rtp_pack(const struct rtp_hdr *, const uint8_t *, size_t,
		    uint8_t *buf, size_t bufsz);
/* Bounded parse of any RTP packet; RTP_OK or why not.  Never reads past len. */
enum rtp_status	 rtp_parse(const uint8_t *, size_t, struct rtp_pkt *);

/*
 * Sender state for one stream of 20 ms G.711 frames.  rtp_tx_init draws
 * sequence, timestamp and SSRC from getrandom(2) (-1 if that fails);
 * rtp_tx_init_at sets them (tests).  The first packet, and the first after
 * rtp_tx_spurt, carries the marker bit.  Every frame advances seq by 1
 * (mod 2^16) and ts by 160 (mod 2^32).
 */
struct rtp_tx {
	uint8_t		 pt;
	uint16_t	 seq;		/* of the next packet */
	uint32_t	 ts;		/* of the next packet */
	uint32_t	 ssrc;
	int		 spurt;		/* next packet starts a talk spurt */
	uint64_t	 sent;		/* packets built */
};

int	rtp_tx_init(struct rtp_tx *, uint8_t pt);
void	rtp_tx_init_at(struct rtp_tx *, uint8_t pt, uint16_t seq, uint32_t ts,
	    uint32_t ssrc);
void	rtp_tx_spurt(struct rtp_tx *);
/* Skip n frames of silence: the timestamp moves on, the sequence does not. */
void	rtp_tx_skip(struct rtp_tx *, uint32_t n);
/* Build the packet for one 160-byte frame; its length (172) or -1. */
int	rtp_tx_frame(struct rtp_tx *, const uint8_t *frame, uint8_t *buf,
	    size_t bufsz);

/*
 * The send clock.  Frame n is due at start + n * 20 ms (microseconds on
 * CLOCK_MONOTONIC), whatever the previous wake-ups were, so lateness never
 * accumulates.  Given the next frame not yet sent and now, rtp_clock_due
 * says which frames to send now (first .. first + count - 1, count capped
 * at max_burst, 0 if none is due) and how long to wait after sending them
 * before the next one is due (0 if more are already due).  A max_burst of
 * 0 counts as 1.  The caller may send the late frames or drop them with
 * rtp_tx_skip; either way it asks again with the new next_frame.
 */
struct rtp_due {
	uint64_t	 first;
	uint64_t	 count;
	uint64_t	 wait_us;
	uint64_t	 late;		/* due frames left out by max_burst */
};

uint64_t	rtp_clock_deadline(uint64_t start_us, uint64_t frame);
void		rtp_clock_due(uint64_t start_us, uint64_t now_us,
		    uint64_t next_frame, uint64_t max_burst, struct rtp_due *);

/* --- dtmf.c: digits from RFC 4733 events and from in-band tones --------- */

enum ivr_digit_src {
	IVR_DIGIT_RFC4733,
	IVR_DIGIT_INBAND
};

/* A key pressed, from either source: the one thing IVR scripts see. */
struct ivr_digit {
	char			 key;	/* 0-9 * # A-D */
	enum ivr_digit_src	 src;
	uint32_t		 ts;	/* RTP ts (4733), sample no. (in-band) */
};

/* RFC 4733 section 2.3 telephone-event payload (4 bytes). */
struct dtmf_event {
	uint8_t		 event;		/* 0-9, 10 '*', 11 '#', 12-15 A-D */
	int		 end;
	uint8_t		 volume;	/* -dBm0, 0..63 */
	uint16_t	 duration;	/* in timestamp units (8 kHz) */
};

/* 0 or -1 (shorter than 4 bytes). */
int	dtmf_event_parse(const uint8_t *, size_t, struct dtmf_event *);
/* The key for an event code; 0 for codes that are not DTMF (> 15). */
char	dtmf_event_key(uint8_t);

/*
 * Per-call RFC 4733 detector.  A digit is reported once, on the first
 * packet of its event (the RTP timestamp names the event): later updates,
 * the end packet and its retransmissions carry the same timestamp and are
 * dropped.  The last DTMF_TE_SEEN events are remembered, so a stray
 * retransmission of an older digit is dropped too.  Zero it to start.
 */
#define DTMF_TE_SEEN	4
struct dtmf_te_rx {
	uint32_t	 ts[DTMF_TE_SEEN];
	uint8_t		 ev[DTMF_TE_SEEN];
	int		 n;		/* entries used */
	int		 next;		/* slot to overwrite */
};

/* 1 and *out filled for a new digit, 0 for none, -1 for a bad payload. */
int	dtmf_te_rx_feed(struct dtmf_te_rx *, uint32_t rtp_ts, const uint8_t *,
	    size_t, struct ivr_digit *out);

/*
 * Per-call in-band detector: G.711 (enum au_codec from audio.h) decoded and
 * fed to spandsp's dtmf_rx; each tone yields one digit.  Feed any number of
 * bytes (a 20 ms frame is 160); up to max digits are written to out and
 * the count returned (more stay queued for the next call).  dtmf_ib_new
 * returns NULL for a codec other than AU_CODEC_ULAW / AU_CODEC_ALAW or if
 * spandsp fails.
 */
struct dtmf_ib;
struct dtmf_ib	*dtmf_ib_new(int codec);
void		 dtmf_ib_free(struct dtmf_ib *);
int		 dtmf_ib_feed(struct dtmf_ib *, const uint8_t *, size_t,
		    struct ivr_digit *out, size_t max);

/* --- menu.c: the hotline menu, loaded from an INI file ------------------ */

/*
 * The hotline menu is configuration, so an operator can mirror the 1090
 * layout callers know.  A file has [menu] (the top menu), optional
 * [menu NAME] submenus, and one [key K] (top) or [key NAME K] (submenu)
 * section per key, K one of 0-9 * #:
 *
 *	[menu]		greeting = PROMPT (required), timeout = 1..60 s (5),
 *			retries = 0..10 (2), invalid = PROMPT, goodbye = PROMPT
 *	[key K]		action = play | warning | relief | grievance | spot |
 *			    repeat | menu | back | hangup (required)
 *			prompt = PROMPT (required for play, optional otherwise)
 *			max_seconds = 1..600 (grievance only, 60)
 *			menu = NAME (menu only, a [menu NAME] in the file)
 *			outcome_prompt, quantity_prompt = PROMPT (relief only)
 *
 * back is only for submenus.  A PROMPT is a path relative to the menu
 * file's directory; absolute paths and ".." components are refused.  The
 * files themselves are not opened here.  ivr_menu_load either returns a
 * complete menu or NULL with "FILE:LINE: message" (or "FILE: message") in
 * err: nothing is ever half-loaded.  Prompt paths in the result are the
 * directory joined with the relative path.
 */
#define IVR_MENU_KEYS		12	/* 0-9 * # */
#define IVR_MENU_MAX		16	/* menus per file, top included */
#define IVR_MENU_NAME_MAX	32

enum ivr_action {
	IVR_ACT_NONE = 0,	/* key not in use */
	IVR_ACT_PLAY,		/* play prompt, then back to this menu */
	IVR_ACT_WARNING,	/* latest warning, caller's union */
	IVR_ACT_RELIEF,		/* relief receipt: code, outcome, quantity */
	IVR_ACT_GRIEVANCE,	/* record up to max_seconds, # ends */
	IVR_ACT_SPOT,		/* the current awareness spot */
	IVR_ACT_REPEAT,		/* replay this menu's greeting */
	IVR_ACT_MENU,		/* go to submenu */
	IVR_ACT_BACK,		/* back to the top menu */
	IVR_ACT_HANGUP		/* goodbye, then hang up */
};

struct ivr_menu_key {
	enum ivr_action	 action;
	char		*prompt;	/* NULL when not given */
	char		*outcome_prompt; /* relief: 1 full 2 less 3 none */
	char		*quantity_prompt; /* relief: key the quantity */
	int		 max_seconds;	/* grievance */
	int		 submenu;	/* menu: index into ivr_menu.menus */
	int		 line;		/* of the [key] header */
};

struct ivr_menu_page {
	char		 name[IVR_MENU_NAME_MAX]; /* "" for the top */
	char		*greeting;
	char		*invalid;	/* NULL: the script's stock prompt */
	char		*goodbye;	/* NULL: the script's stock prompt */
	int		 timeout;	/* seconds to wait for a key */
	int		 retries;	/* re-prompts before goodbye */
	int		 line;
	struct ivr_menu_key keys[IVR_MENU_KEYS];
};

struct ivr_menu {
	char		*path;		/* the file, as given */
	char		*dir;		/* prompts are relative to this */
	int		 nmenus;
	struct ivr_menu_page menus[IVR_MENU_MAX]; /* [0] is the top */
};

/* A complete menu, or NULL and err filled.  Caller frees the result. */
struct ivr_menu		*ivr_menu_load(const char *path, char *err,
			    size_t errlen);
void			 ivr_menu_free(struct ivr_menu *);
/* The entry for key (0-9 * #) of menu m, or NULL if not in use. */
const struct ivr_menu_key *ivr_menu_key(const struct ivr_menu *, int m,
			    char key);
/* The submenu index for name ("" is the top), or -1. */
int			 ivr_menu_find(const struct ivr_menu *, const char *);
const char		*ivr_action_name(enum ivr_action);

/* --- sipmsg.c: SIP messages over libosip2's parser, no sockets --------- */

/*
 * Pure functions over libosip2 (osip_message_t, from
 * <osipparser2/osip_message.h>; only the struct is named here).  The
 * parser is initialised once on first use.
 */
struct osip_message;

#define IVR_SIP_MAX		65536	/* bytes: a larger message is refused */
#define IVR_SIP_ALLOW		"INVITE, ACK, BYE, CANCEL, OPTIONS"

/*
 * Parses len bytes of buf (need not be NUL-terminated) into *msg, which the
 * caller frees with osip_message_free.  A request must carry Via, From, To,
 * Call-ID, CSeq (whose method matches the request line) and Max-Forwards; a
 * response Via, From, To, Call-ID and CSeq.  Returns 0, or -1 with *msg
 * NULL and err saying what is wrong or missing (empty, too large, garbage,
 * "missing header: Call-ID", ...).  A parsed message that fails these
 * checks gets 400 from the caller.
 */
int	ivr_sip_parse(const char *buf, size_t len, struct osip_message **msg,
	    char *err, size_t errlen);

/*
 * Builds a response to req as RFC 3261 section 8.2.6 asks: every Via in
 * order, From, To (with to_tag added when req's To has none and code > 100;
 * to_tag may then not be NULL), Call-ID, CSeq, Record-Route on 101..299 to
 * INVITE (dialog-forming), and Content-Length: 0.  reason NULL means the
 * standard phrase.  hname/hvalue, when not NULL, add one header (Allow,
 * Unsupported, Accept).  *out is a malloc'd NUL-terminated string the
 * caller frees; returns its length, or -1 (and *out NULL).
 */
int	ivr_sip_response(const struct osip_message *req, int code,
	    const char *reason, const char *to_tag, char **out);
int	ivr_sip_response_hdr(const struct osip_message *req, int code,
	    const char *reason, const char *to_tag, const char *hname,
	    const char *hvalue, char **out);

/*
 * The early verdict on a parsed request, in RFC 3261 order: Max-Forwards 0
 * (not OPTIONS) is 483; a method other than IVR_SIP_ALLOW's is 501 with
 * Allow; a Require option (we support none) is 420 with Unsupported listing
 * them; an INVITE body whose Content-Type is not application/sdp is 415
 * with Accept.  code 0 means carry on (and always for ACK, which gets no
 * response).  hvalue is NUL-terminated and possibly truncated.
 */
struct ivr_sip_early {
	int		 code;		/* 0: no early response */
	const char	*reason;
	const char	*hname;		/* NULL: no extra header */
	char		 hvalue[256];
};

void	ivr_sip_check(const struct osip_message *req, struct ivr_sip_early *);

/*
 * Digest authentication for our outbound requests (RFC 2617, RFC 8760):
 * MD5, MD5-sess, SHA-256, SHA-256-sess; qop=auth or none (RFC 2069 style).
 * ivr_sip_digest_chal takes the first Digest challenge from a 401
 * (WWW-Authenticate) or 407 (Proxy-Authenticate) response; -1 and err when
 * there is none or it is unusable (no realm or nonce, only qop=auth-int,
 * unknown algorithm).  ivr_sip_digest_auth writes the Authorization or
 * Proxy-Authorization value ("Digest username=..., response=...") into
 * out: cnonce NULL draws 16 random bytes from getrandom(2); nc is always
 * 00000001.  Returns the length, or -1 when out is too small, a hash fails,
 * or a field holds a quote, backslash or control character.
 */
enum ivr_digest_alg {
	IVR_DIGEST_MD5 = 0,
	IVR_DIGEST_MD5_SESS,
	IVR_DIGEST_SHA256,
	IVR_DIGEST_SHA256_SESS
};

struct ivr_sip_digest {
	int			 proxy;	/* 407: Proxy-Authorization */
	enum ivr_digest_alg	 alg;
	int			 alg_given; /* echo algorithm= */
	int			 qop_auth;
	char			 realm[128];
	char			 nonce[256];
	char			 opaque[256];	/* "" when absent */
};

int	ivr_sip_digest_chal(const struct osip_message *resp,
	    struct ivr_sip_digest *, char *err, size_t errlen);
int	ivr_sip_digest_auth(const struct ivr_sip_digest *, const char *user,
	    const char *pass, const char *method, const char *uri,
	    const char *cnonce, char *out, size_t outsz);
const char *ivr_digest_alg_name(enum ivr_digest_alg);

struct event_base;

/* A message for people into err (errlen bytes; err NULL or errlen 0:
 * nothing), printf-style: the one way every ivr/ function reports why. */
void	ivr_errf(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* --- clip.c: the audio a call plays ------------------------------------ */

/*
 * A clip is a whole prepared stream of 20 ms G.711 frames, loaded once and
 * shared by every call that plays it (reference counted; the loop is single
 * threaded).  ivr_clip_load reads a cache file written by au_cache_write
 * ("SKAU" header, checked with au_cache_parse) or, for names ending in .ul
 * or .al, raw u-law or A-law bytes (padded with silence to whole frames).
 * It returns NULL with err filled for a missing, empty, corrupt or
 * truncated file.  codec is enum au_codec (AU_CODEC_ULAW / AU_CODEC_ALAW).
 */
struct ivr_clip {
	int		 codec;		/* enum au_codec */
	uint8_t		*data;		/* frames * RTP_FRAME_BYTES */
	uint32_t	 frames;
	char		*path;
	int		 refs;
};

struct ivr_clip	*ivr_clip_load(const char *path, char *err, size_t errlen);
/* A clip from frames already in memory (copied); refs = 1. */
struct ivr_clip	*ivr_clip_new(int codec, const uint8_t *, uint32_t frames,
		    const char *name);
struct ivr_clip	*ivr_clip_ref(struct ivr_clip *);
void		 ivr_clip_unref(struct ivr_clip *);	/* NULL is fine */

/* --- media.c: RTP sessions on one shared 20 ms tick --------------------- */

/*
 * struct ivr_rtp owns the RTP port range and one timer for every call:
 * sessions are spread over four send phases 5 ms apart, and phase p's
 * tick n fires at t0 + p * 5 ms + n * 20 ms on CLOCK_MONOTONIC
 * (rtp_clock_due), when each running session of that phase sends its frame (from the play queue,
 * else silence, so the peer's jitter buffer and NAT stay warm).  A late
 * wake-up sends the missed frames (bounded burst) rather than drifting.
 *
 * Sessions bind one UDP socket on an even port in [port_min, port_max]
 * (RTCP's odd port is not used), chosen round-robin so a port just freed is
 * not reused at once.  Receive: packets whose source IP is neither the
 * peer's SDP address nor its SIP address (ivr_media.sig_addr) are dropped
 * and counted; the first good packet latches the peer's address and port
 * (symmetric RTP: we send there from then on) and from then on only that
 * one is accepted.  The codec payload type feeds in-band DTMF (spandsp, dtmf.c)
 * and the recorder; te_pt feeds the RFC 4733 detector; both report through
 * cb->digit.  No packet from the peer for timeout_ms (after start) calls
 * cb->timeout once.  Nothing here logs per packet.
 */
struct ivr_rtp_conf {
	const char	*ip;		/* dotted IPv4 to bind, also in SDP */
	uint16_t	 port_min, port_max;
	int		 timeout_ms;	/* peer silent this long: 0 = never */
	int		 max_burst;	/* frames a late tick may send (3) */
	int		 priority;	/* libevent priority of the tick and
					 * reads; -1 = the base's default */
};

struct ivr_rtp_cb {
	void	(*digit)(void *arg, const struct ivr_digit *);
	/* The clip at the head of the queue ended: played is the frames
	 * sent, completed 1 when it ran to its end, 0 when flushed. */
	void	(*played)(void *arg, struct ivr_clip *, uint32_t played,
		    int completed);
	/* Recording stopped by its time limit (not by record_stop). */
	void	(*recorded)(void *arg, double seconds);
	void	(*timeout)(void *arg);
};

struct ivr_rtp_stats {
	uint64_t	 sessions;	/* open now */
	uint64_t	 sent, late, received, wrong_source, bad;
	uint64_t	 no_port;	/* opens refused: range exhausted */
};

struct ivr_rtp;
struct ivr_rtp_sess;

struct ivr_rtp	*ivr_rtp_new(struct event_base *, const struct ivr_rtp_conf *,
		    char *err, size_t errlen);
void		 ivr_rtp_free(struct ivr_rtp *);	/* closes sessions */
void		 ivr_rtp_stats(const struct ivr_rtp *, struct ivr_rtp_stats *);
/* A bound session, idle until ivr_rtp_start; NULL when no port is free. */
struct ivr_rtp_sess *ivr_rtp_open(struct ivr_rtp *, const struct ivr_rtp_cb *,
		    void *arg);
uint16_t	 ivr_rtp_port(const struct ivr_rtp_sess *);
/* Start sending to and receiving from the negotiated peer.  0 or -1.
 * Calling it again (re-INVITE) switches peer/codec, keeping seq/ts. */
int		 ivr_rtp_start(struct ivr_rtp_sess *, const struct ivr_media *);
/* Queue a clip (takes a reference).  A clip in the other G.711 law is
 * transcoded frame by frame as it is sent. */
void		 ivr_rtp_play(struct ivr_rtp_sess *, struct ivr_clip *);
/* Stop the current clip and drop the queue (barge-in). */
void		 ivr_rtp_flush(struct ivr_rtp_sess *);
int		 ivr_rtp_playing(const struct ivr_rtp_sess *);	/* queued clips */
/* Record what the peer sends (decoded, 8 kHz) to a WAV (au_rec, temp file
 * renamed on stop), at most max_seconds; then cb->recorded.  0 or -1. */
int		 ivr_rtp_record(struct ivr_rtp_sess *, const char *wav,
		    int max_seconds);
/* Stop and keep the recording: its seconds, or -1 when none was running. */
double		 ivr_rtp_record_stop(struct ivr_rtp_sess *);
/* Close: stops the recording (kept), releases the port and the clips. */
void		 ivr_rtp_close(struct ivr_rtp_sess *);

/* --- sip.c: the SIP user agent (libosip2 transactions on libevent) ------- */

/*
 * One UA listens on UDP and TCP (same address and port) and keeps every
 * call (dialog) in memory.  libosip2's osip_t runs the transaction state
 * machines; its timers are one libevent timer set from
 * osip_timers_gettimeout.  Inbound INVITE: ivr_sip_parse, ivr_sip_check
 * (early 4xx/5xx), limits (max_calls 503, per-source rate 503 with
 * Retry-After, trunk_only 403), ivr_sdp_negotiate (488/400), then 100,
 * cb->invite for the RTP port, 200 with our SDP retransmitted (T1
 * doubling to T2) until the ACK; no ACK in 64*T1 ends the call
 * (IVR_END_NOACK, with a BYE).  CANCEL before the 200: 200 to the CANCEL,
 * 487 to the INVITE.  BYE: 200 and cb->ended.  re-INVITE in a dialog: 200
 * with our same SDP (session version + 1) and cb->reinvite; OPTIONS: 200
 * with Allow; other methods: 501 (sipmsg.c).  Requests in a dialog follow
 * its route set (Record-Route), so calls work behind a proxy.
 *
 * Outbound (ivr_sip_dial): INVITE to the trunk with our SDP offer; 401/407
 * answered once with digest credentials (ivr_sip_digest_*); 1xx, 2xx
 * (ACK, cb->up), 486/600 busy, 408/480/487 or ring_timeout no answer
 * (CANCEL), other 4xx-6xx rejected, transport error or timer B failed.
 * At most channels outbound calls at once.  REGISTER to the trunk when
 * register_s > 0, refreshed before it expires.
 */
struct ivr_sip_conf {
	const char	*host;		/* listen address, dotted IPv4 */
	uint16_t	 port;		/* 0 = pick one (tests) */
	const char	*media_ip;	/* for SDP c=; NULL = host */
	const char	*trunk;		/* "host:port" or NULL/"" = none */
	const char	*username;	/* digest and From user; may be "" */
	const char	*password;
	int		 channels;	/* outbound calls at once */
	int		 max_calls;	/* all calls at once: 503 beyond */
	int		 rate_per_source; /* new INVITEs/s per source IP */
	int		 trunk_only;	/* refuse INVITEs not from the trunk */
	int		 register_s;	/* REGISTER expiry; 0 = none */
	int		 ring_timeout_s; /* outbound: no answer after this;
					  * inbound: unanswered ringing */
	int		 t1_ms;		/* SIP timer T1 for our 2xx
					 * retransmission and the ACK wait
					 * (64*T1); 0 = 500 ms.  Only tests
					 * change it: libosip2's own
					 * transaction timers keep 500 ms. */
};

enum ivr_call_dir {
	IVR_CALL_IN = 0,
	IVR_CALL_OUT
};

enum ivr_call_end {
	IVR_END_LOCAL = 0,	/* we hung up (BYE or CANCEL) */
	IVR_END_REMOTE,		/* the peer sent BYE (or CANCEL) */
	IVR_END_BUSY,		/* outbound: 486, 600 */
	IVR_END_NOANSWER,	/* outbound: 408, 480, 487, ring timeout */
	IVR_END_REJECTED,	/* outbound: other 4xx-6xx */
	IVR_END_FAILED,		/* transport error, timer B, bad answer */
	IVR_END_NOACK,		/* inbound: 200 never acknowledged */
	IVR_END_SHUTDOWN	/* ivr_sip_free with the call up */
};

struct ivr_sip;
struct ivr_call;

struct ivr_sip_cb {
	/* Inbound INVITE with a usable offer m.  Return our RTP port (> 0)
	 * to answer 200 with our SDP, 0 to ring (180 Ringing) and answer
	 * later with ivr_call_answer, or a negative SIP code (-486, -503)
	 * to refuse with it (no cb->ended then). */
	int	(*invite)(void *arg, struct ivr_call *, const struct ivr_media *);
	/* The call is up: inbound ACK received; outbound 200 received and
	 * acknowledged (m negotiated from the answer). */
	void	(*up)(void *arg, struct ivr_call *, const struct ivr_media *);
	/* A re-INVITE changed the peer's media (may be NULL). */
	void	(*reinvite)(void *arg, struct ivr_call *,
		    const struct ivr_media *);
	/* Over, for whatever reason (sip_code: the final response for
	 * outbound failures, else 0).  Called exactly once for every call
	 * that cb->invite accepted or ivr_sip_dial returned; the call is
	 * freed when it returns. */
	void	(*ended)(void *arg, struct ivr_call *, enum ivr_call_end,
		    int sip_code);
};

struct ivr_sip_stats {
	uint64_t	 calls_in, calls_out, active, refused, bad_messages;
	uint64_t	 retransmissions;
	int		 registered;	/* -1 not configured, 0 no, 1 yes */
};

struct ivr_sip	*ivr_sip_new(struct event_base *, const struct ivr_sip_conf *,
		    const struct ivr_sip_cb *, void *arg, char *err,
		    size_t errlen);
/* Hang up every call (cb->ended with IVR_END_SHUTDOWN), then free.  Not
 * from inside one of its own callbacks. */
void		 ivr_sip_free(struct ivr_sip *);
uint16_t	 ivr_sip_port(const struct ivr_sip *);	/* bound port */
void		 ivr_sip_stats(const struct ivr_sip *, struct ivr_sip_stats *);
/* Outbound calls that may still start (channels - active outbound). */
int		 ivr_sip_free_channels(const struct ivr_sip *);
/* Call number (user part, e.g. "+8801711000001") through the trunk; our
 * RTP port goes in the offer.  NULL when there is no trunk, no free
 * channel, or the number is not a valid SIP user part. */
struct ivr_call	*ivr_sip_dial(struct ivr_sip *, const char *number,
		    uint16_t rtp_port, void *user);
/*
 * Inbound call that cb->invite left ringing (returned 0): answer 200 with
 * our SDP for rtp_port.  0, or -1 when the call is not ringing inbound (it
 * may have been cancelled meanwhile: cb->ended says so).
 */
int		 ivr_call_answer(struct ivr_call *, uint16_t rtp_port);
/* BYE when up, CANCEL when ringing outbound, 480 when ringing inbound,
 * else nothing; cb->ended follows from the event loop, never from inside
 * this call.  API calls never call back into the application directly. */
void		 ivr_call_hangup(struct ivr_call *);
void		 ivr_call_set_user(struct ivr_call *, void *);
void		*ivr_call_user(const struct ivr_call *);
enum ivr_call_dir ivr_call_dir(const struct ivr_call *);
const char	*ivr_call_id(const struct ivr_call *);	/* Call-ID */
/* The caller's user part (inbound From) or the number dialled. */
const char	*ivr_call_peer(const struct ivr_call *);
const char	*ivr_call_end_name(enum ivr_call_end);

/* --- script.c: the IVR scripts, as event-driven state machines --------- */

/*
 * A script never touches sockets or SQLite: it asks for everything through
 * ivr_script_ops (the daemon's glue implements them over media.c and the
 * store; tests implement them with a transcript) and is driven by the
 * ivr_script_* events.  One timer per script (ops->timer).  Stock prompts
 * are named by enum ivr_stock; the glue maps them to files.
 */
enum ivr_stock {
	IVR_STOCK_BEEP = 0,		/* before a recording */
	IVR_STOCK_INVALID,		/* key not in use (menu may override) */
	IVR_STOCK_GOODBYE,		/* (menu may override) */
	IVR_STOCK_NO_WARNING,		/* no active warning for your union */
	IVR_STOCK_NO_SPOT,		/* nothing to hear now */
	IVR_STOCK_ENTER_UNION,		/* key your union code then # */
	IVR_STOCK_UNKNOWN_UNION,
	IVR_STOCK_ENTER_CODE,		/* key the 6-digit relief code then # */
	IVR_STOCK_OUTCOME,		/* 1 full, 2 less, 3 nothing */
	IVR_STOCK_QUANTITY,		/* key the quantity received then # */
	IVR_STOCK_RECEIPT_OK,		/* receipt recorded, thank you */
	IVR_STOCK_RECEIPT_REFUSED,	/* code not valid for this number */
	IVR_STOCK_RECEIPT_LIMIT,	/* too many wrong codes: try later */
	IVR_STOCK_GRIEVANCE_OK,		/* grievance recorded, thank you */
	IVR_STOCK_CONFIRM,		/* callout: press 1 to confirm */
	IVR_STOCK_CONFIRMED,		/* callout: thank you, confirmed */
	IVR_STOCK_ERROR,		/* something went wrong: goodbye */
	IVR_STOCK_N
};

const char	*ivr_stock_name(enum ivr_stock);	/* "beep", "no-warning" */

enum ivr_relief_outcome {
	IVR_RELIEF_FULL = 1,
	IVR_RELIEF_LESS = 2,
	IVR_RELIEF_NONE = 3
};

struct ivr_script_ops {
	void	(*play)(void *arg, const char *prompt);	/* a menu file */
	void	(*play_stock)(void *arg, enum ivr_stock);
	/* Play the latest active warning (0) or the current spot (0) for
	 * the caller's union; 1 when there is none. */
	int	(*play_warning)(void *arg);
	int	(*play_spot)(void *arg);
	void	(*flush)(void *arg);			/* barge-in */
	void	(*timer)(void *arg, int ms);		/* 0 cancels */
	int	(*record)(void *arg, int max_seconds);	/* 0 or -1 */
	double	(*record_stop)(void *arg);		/* seconds */
	void	(*hangup)(void *arg);
	/* The caller's union is known (registered number). */
	int	(*have_union)(void *arg);
	/* Keyed union code: 0 accepted, 1 unknown. */
	int	(*set_union)(void *arg, const char *digits);
	/* Receipt for a keyed code: enum receipt_outcome (campaigns.h). */
	int	(*receipt)(void *arg, const char *code,
		    enum ivr_relief_outcome, long qty);
	/* The recording became a grievance: 0 or -1. */
	int	(*grievance)(void *arg, double seconds);
	/* Callout: the warning was confirmed (key 1). */
	void	(*confirm)(void *arg);
};

enum ivr_script_kind {
	IVR_SCRIPT_HOTLINE = 0,		/* inbound, the menu */
	IVR_SCRIPT_CALLOUT,		/* outbound warning, press 1 */
	IVR_SCRIPT_SPOT			/* outbound campaign spot */
};

struct ivr_script;

/* menu may be NULL for IVR_SCRIPT_CALLOUT and IVR_SCRIPT_SPOT. */
struct ivr_script *ivr_script_new(enum ivr_script_kind,
		    const struct ivr_menu *, const struct ivr_script_ops *,
		    void *arg);
void		 ivr_script_free(struct ivr_script *);
void		 ivr_script_start(struct ivr_script *);	/* call is up */
void		 ivr_script_digit(struct ivr_script *, char key);
/* The clip at the head of the queue ended (completed or flushed). */
void		 ivr_script_played(struct ivr_script *, int completed);
void		 ivr_script_timer(struct ivr_script *);	/* ops->timer fired */
void		 ivr_script_recorded(struct ivr_script *, double seconds);
/* The peer hung up: a recording in progress still becomes a grievance;
 * nothing is played or asked after this. */
void		 ivr_script_ended(struct ivr_script *);
/* Keys pressed so far ("1#482913#1"), for the call record. */
const char	*ivr_script_digits(const struct ivr_script *);
/* The script's verdict for the call record: "confirmed", "receipt",
 * "grievance", "no_input", "" ... */
const char	*ivr_script_result(const struct ivr_script *);
int		 ivr_script_done(const struct ivr_script *);	/* hung up */

#endif /* SK_IVR_H */
