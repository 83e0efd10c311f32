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

#endif /* SK_IVR_H */
