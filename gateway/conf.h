/*
 * conf.h: sanket.conf, parsed once (inih) into typed fields.
 *
 * The section and key names are a contract (DESIGN.md "Interfaces",
 * sanket.conf(5)); scripts set them.  Unknown sections or keys and values
 * that do not parse or are out of range are errors reported as
 * "FILE:LINE: message".  Relative paths (database) are resolved against the
 * directory of the configuration file, so sanketd and `sanket -c` agree
 * whatever their working directory.
 */
#ifndef SK_CONF_H
#define SK_CONF_H

#include <stddef.h>
#include <stdint.h>

#define CONF_HOST_MAX	256

struct conf_addr {
	char		host[CONF_HOST_MAX];
	uint16_t	port;			/* 0 = pick any (tests) */
};

struct conf {
	char		*path;			/* the file that was read */

	/* [gateway] */
	struct conf_addr listen;		/* API: 127.0.0.1:8080 */
	struct conf_addr callback_listen;	/* Kannel callbacks: :8081 */
	char		*database;		/* absolute after load */
	char		*callback_url;		/* as Kannel reaches us */
	size_t		 max_body;		/* bytes per request body */
	int		 request_timeout;	/* seconds */
	int		 commit_interval_ms;	/* group commit timer */
	int		 commit_batch;		/* group commit size */
	int		 test_clock;		/* POST /api/v1/clock allowed */

	/* [kannel] */
	char		*sendsms_url;
	char		*username;
	char		*password;
	char		*sender;
	double		 rate;			/* msg/s */
	int		 window;		/* sendsms requests in flight */
	char		*status_url;		/* "" = not polled */
	char		*status_password;
	int		 status_interval;	/* seconds */
	char		*callback_secret;
	char		*callback_allow;	/* "127.0.0.1 ::1" */
	int		 max_parts;		/* sendsms-user max-messages */
	int		 dlr_mask;
	int		 queue_limit;		/* bearerbox queue: back off */
	int		 max_attempts;		/* per message, then failed */
	int		 dlr_timeout;		/* seconds: "no report" */
	int		 dlr_max_age;		/* seconds: older dlr-url = 403 */
	int		 ucs2_utf16be;		/* bangla_encoding = utf16be */

	/* [sip] */
	struct conf_addr sip_listen;
	char		*sip_trunk;		/* host:port, "" = none */
	char		*sip_username;
	char		*sip_password;
	int		 sip_channels;
	uint16_t	 rtp_port_min, rtp_port_max;
	int		 sip_enable;		/* no: no SIP, no RTP */
	char		*sip_media_ip;		/* "" = the listen address */
	int		 sip_max_calls;		/* all calls at once */
	int		 sip_rate_per_source;	/* INVITEs/s per IP, 0 = any */
	int		 sip_trunk_only;	/* calls only from the trunk */
	int		 sip_register;		/* REGISTER expiry s, 0 = none */
	int		 sip_ring_timeout;	/* s: outbound no answer */
	int		 rtp_timeout;		/* s without RTP: hang up */

	/* [ivr] (paths absolute after load) */
	char		*ivr_prompts;
	char		*ivr_menu;		/* the hotline menu file */
	char		*ivr_recordings;	/* grievance WAVs */
	int		 callout_attempts;	/* calls per warning message */
	int		 callout_interval;	/* s between them */

	/* [campaigns] */
	char		*camp_day;		/* "08:00-21:00": may call */
	int		 camp_day_from, camp_day_to;	/* minutes, parsed */
	int		 camp_channels;		/* campaign calls at once */

	/* [replies] */
	int		 dedupe_window;		/* s: same sender+text = repeat */
	/* [relief] */
	int		 wrong_codes;		/* wrong codes per window */
	int		 wrong_code_window;	/* seconds */
	/* [audio] */
	double		 target_lufs;
	double		 audio_max_seconds;	/* longer audio refused */
};

/* Fill with the embedded defaults (DESIGN.md values). */
void	conf_defaults(struct conf *);
/*
 * Load path over the defaults.  0, or -1 with "FILE:LINE: message" in err.
 * On error the struct holds defaults plus what was read; conf_free() it.
 */
int	conf_load(struct conf *, const char *path, char *err, size_t errlen);
void	conf_free(struct conf *);
/* Parse "host:port" (port 0..65535).  0 or -1. */
int	conf_addr_parse(struct conf_addr *, const char *);

#endif
