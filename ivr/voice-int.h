/*
 * voice-int.h: what the files of sanketd's voice side share (voice.c:
 * calls, script ops, SIP and RTP callbacks, start and stop; voice-clips.c:
 * prompts, spots and spoken alerts; voice-callout.c: warning call-outs).
 * Private to ivr/voice*.c.
 */
#ifndef SK_VOICE_INT_H
#define SK_VOICE_INT_H

#include <sys/queue.h>

#include <event2/event.h>
#include <limits.h>
#include <stdint.h>

#include "ivr.h"
#include "msisdn.h"

struct gw;
struct conf;

#define VOICE_TICK_MS		250	/* look for due call-outs */
#define VOICE_CLIPS_MAX		64	/* cached clips, beyond the stock */
#define VOICE_SILENCE_FRAMES	10	/* what a missing clip plays */

struct vclip {
	char		*key;		/* a path, or "alert:ID:LANG" */
	struct ivr_clip	*clip;		/* NULL: could not be had */
	uint64_t	 used;		/* LRU stamp */
};

struct vcall {
	struct voice		*v;
	struct ivr_call		*call;
	struct ivr_rtp_sess	*sess;
	struct ivr_script	*script;
	struct event		*timer;
	enum ivr_call_dir	 dir;
	char			 call_id[128];
	char			 peer[64];
	char			 msisdn[MSISDN_MAX];	/* "" unknown */
	int64_t			 recipient_id;
	char			 union_code[33];
	char			 lang[3];
	int64_t			 alert_id, message_id;
	int64_t			 campaign_id, spot_id;	/* an airing */
	char			 spot_path[1024];	/* as stored */
	int64_t			 started, answered;	/* ms */
	struct ivr_clip		*main;		/* the warning or spot */
	uint32_t		 main_frames;	/* of it, played */
	int			 main_full;
	char			 clip[48];	/* "alert:12", "spot:3" */
	char			 recording[PATH_MAX];
	double			 rec_seconds;
	int64_t			 grievance_id;
	int			 confirmed;
	int			 rtp_timeout;
	TAILQ_ENTRY(vcall)	 entry;
};

TAILQ_HEAD(vcalls, vcall);

struct voice {
	struct gw		*gw;
	struct conf		*conf;
	struct ivr_sip		*sip;
	struct ivr_rtp		*rtp;
	struct ivr_menu		*menu;
	struct ivr_clip		*stock[IVR_STOCK_N];
	struct ivr_clip		*silence;
	struct vclip		 clips[VOICE_CLIPS_MAX];
	uint64_t		 clock;
	struct event		*tick;
	int			 pending;	/* claimed, not yet dialled */
	struct camp_run		*camp;		/* campaign pacing */
	int			 camp_calls;	/* airings claimed or up */
	struct vcalls		 calls;
	char			 db_dir[PATH_MAX];	/* the database's */
	char			 voice_dir[PATH_MAX + 8];	/* alert clips */
	uint64_t		 ended[8];	/* by enum ivr_call_end */
	uint64_t		 rtp_timeouts, receipts, grievances;
	uint64_t		 confirms;
};


extern const struct ivr_script_ops voice_ops;

/* voice.c */
struct vcall	*vcall_new(struct voice *, enum ivr_call_dir);
void		 vcall_free(struct vcall *);
/* "answered", "busy", "no_answer", "rejected", "no_ack" or "failed". */
const char	*voice_outcome(const struct vcall *, enum ivr_call_end);

/* voice-clips.c: shared clips; a missing one is v->silence. */
struct ivr_clip	*voice_clip_file(struct voice *, const char *path);
struct ivr_clip	*voice_clip_alert(struct voice *, int64_t id,
		    const char *lang);
void		 voice_mkdir(const char *dir);

/* voice-callout.c */
void		 voice_message_done(struct voice *, struct vcall *,
		    enum ivr_call_end, int sip_code, int64_t now);
void		 voice_tick_cb(evutil_socket_t, short, void *);
int64_t		 voice_mono_ms(void);	/* CLOCK_MONOTONIC */

#endif
