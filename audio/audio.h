/*
 * audio.h: the audio module, the one header others include.
 *
 * Pure functions, no sockets, no SQLite (DESIGN.md "Voice"): everything a
 * voice prompt or a radio-style spot needs before a call can stream it.
 *
 *	bytes or file --au_decode_*--> mono float at 8 kHz (libsndfile,
 *	    downmix, FIR decimator, libsamplerate)  [decode.c, resample.c]
 *	text --au_tts_render--> mono float (espeak-ng, in memory)   [tts.c]
 *	intro + voice + outro + ducked bed --au_spot_mix--> one signal [spot.c]
 *	--au_prepare--> loudness to a target under a true-peak ceiling
 *	    (libebur128), G.711, 20 ms frames   [loudness.c, g711.c, prepare.c]
 *	--au_cache_write / au_wav_write--> a cache file the IVR maps, or a
 *	    playable G.711 WAV, both written to a temp file and renamed [cache.c]
 *	call audio --au_rec_*--> WAV for grievance recordings       [record.c]
 *
 * Errors: every fallible function returns 0 (or a pointer) on success and
 * -1 (or NULL) on failure with struct au_err filled: a stable upper-case
 * code (the AU_E_* strings below, also used by the API and the CLI) and a
 * message for people.  Bad input of any kind is an error, never a crash.
 *
 * Ownership: *_new / *_free pairs, *_free(NULL) is a no-op; out-parameters
 * named `**out` receive memory the caller frees with the matching _free.
 * Samples are float in [-1, 1]; 8 kHz is AU_RATE.  Not thread-safe (the
 * espeak-ng engine is global); sanket runs it from one thread.  Decoding
 * a file longer than 2 s starts a thread of its own for resampling and
 * joins it before it returns.
 */
#ifndef SK_AUDIO_H
#define SK_AUDIO_H

#include <stddef.h>
#include <stdint.h>

#define AU_RATE			8000	/* Hz: G.711 */
#define AU_FRAME_MS		20
#define AU_FRAME_SAMPLES	160	/* = bytes of one G.711 frame */
#define AU_HASH_LEN		32	/* SHA-256 */

/* Defaults (docs/audio.md says why). */
#define AU_TARGET_LUFS		-19.0	/* about -16 dBm0 for speech */
#define AU_CEILING_DBTP		-1.0
#define AU_MAX_SECONDS		600.0
#define AU_MAX_CHANNELS		16
#define AU_MAX_RATE		384000
#define AU_SILENT_LUFS		-60.0	/* quieter than this: refused */
#define AU_DUCK_DB		15.0
#define AU_CROSSFADE_S		0.5

/* Error codes (struct au_err.code). */
#define AU_E_IO			"E_IO"
#define AU_E_NOT_AUDIO		"E_NOT_AUDIO"
#define AU_E_EMPTY		"E_EMPTY"
#define AU_E_TRUNCATED		"E_TRUNCATED"
#define AU_E_CORRUPT		"E_CORRUPT"
#define AU_E_TOO_LONG		"E_TOO_LONG"
#define AU_E_UNSUPPORTED	"E_UNSUPPORTED"
#define AU_E_SILENT		"E_SILENT"
#define AU_E_BAD_TEXT		"E_BAD_TEXT"
#define AU_E_TTS		"E_TTS"
#define AU_E_BAD_CACHE		"E_BAD_CACHE"
#define AU_E_INVALID		"E_INVALID"
#define AU_E_INTERNAL		"E_INTERNAL"

struct au_err {
	const char	*code;		/* one of AU_E_*, NULL = no error */
	char		 msg[256];
};

/* Fill err (printf style); always returns -1 for `return au_err_set(..)`. */
int	au_err_set(struct au_err *, const char *code, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

enum au_codec {
	AU_CODEC_ULAW = 0,		/* PCMU, RTP payload type 0 */
	AU_CODEC_ALAW = 1		/* PCMA, RTP payload type 8 */
};

/* "ulaw" / "alaw" (also "pcmu" / "pcma"); -1 if neither. */
int		 au_codec_parse(const char *);
const char	*au_codec_name(enum au_codec);

/* --- pcm.c: a growable mono signal -------------------------------------- */

struct au_pcm {
	float		*s;
	size_t		 n;		/* samples */
	size_t		 cap;
	int		 rate;		/* Hz */
};

struct au_pcm	*au_pcm_new(int rate);
void		 au_pcm_free(struct au_pcm *);
void		 au_pcm_append(struct au_pcm *, const float *, size_t);
/* Room for `more` samples past n (one allocation for a known length). */
void		 au_pcm_reserve(struct au_pcm *, size_t more);
/* n samples of silence. */
void		 au_pcm_pad(struct au_pcm *, size_t);
/*
 * Map the pages of a fresh buffer now, in one system call, rather than a
 * page fault each on first write; only from AU_PREFAULT_MIN bytes, a hint
 * (nothing happens where the kernel cannot).  au_pcm_reserve does it.
 */
#define AU_PREFAULT_MIN		(256 * 1024)
void		 au_prefault(void *, size_t len);
double		 au_pcm_seconds(const struct au_pcm *);

/* --- decode.c: any file libsndfile reads, to mono ------------------------ */

struct au_decode_opts {
	double		 max_seconds;	/* longer is AU_E_TOO_LONG */
	int		 max_channels;	/* more is AU_E_UNSUPPORTED */
	int		 max_rate;	/* higher is AU_E_UNSUPPORTED */
	int		 out_rate;	/* resample to this; 0 = keep */
};

/* What the source was. */
struct au_source {
	char		 container[24];	/* "WAV", "FLAC", "OGG", "MP3", ... */
	char		 codec[24];	/* "PCM_16", "VORBIS", "OPUS", "ULAW", ... */
	int		 rate;
	int		 channels;
	int64_t		 frames;	/* read, at the source rate */
	double		 seconds;
	size_t		 bytes;		/* of the file */
	uint8_t		 hash[AU_HASH_LEN];	/* SHA-256 of the bytes */
	double		 clipped;	/* share of samples at full scale */
};

/* SHA-256 of bytes (the source hash of a TTS text, say). */
void	au_hash(const void *, size_t, uint8_t *out);
/* AU_MAX_SECONDS, AU_MAX_CHANNELS, AU_MAX_RATE, out_rate AU_RATE. */
void	au_decode_opts_default(struct au_decode_opts *);
/*
 * Decode, downmix (mean of the channels) and resample (an integer FIR
 * decimator, then libsamplerate SRC_SINC_MEDIUM_QUALITY) as the file
 * streams in, so memory is the output only.  The container is recognised
 * by its content, never by the name.
 * *out is the caller's (au_pcm_free).  src may be NULL.
 */
int	au_decode_file(const char *path, const struct au_decode_opts *,
	    struct au_pcm **out, struct au_source *src, struct au_err *);
int	au_decode_mem(const void *buf, size_t len,
	    const struct au_decode_opts *, struct au_pcm **out,
	    struct au_source *src, struct au_err *);

/* --- resample.c ------------------------------------------------------------ */

struct au_resampler;

/* A streaming converter rate_in -> rate_out (mono); NULL + err if bad. */
struct au_resampler *au_resampler_new(int rate_in, int rate_out,
		    struct au_err *);
/*
 * The same, with libsamplerate's step on a second thread: a push returns
 * once the decimator has run, and the push with `last` converts half of
 * what the thread has not yet taken itself (a second libsamplerate state
 * from a point both parts' outputs share), so the output equals one
 * pass to float rounding.  Every push must append to the same `out`,
 * which the caller leaves alone until the last push has returned or the
 * converter is freed.  Without a thread to be had, the same as above.
 */
struct au_resampler *au_resampler_new_threaded(int rate_in, int rate_out,
		    struct au_err *);
/* Where the last push split libsamplerate's input (0: it did not). */
size_t		 au_resampler_split(const struct au_resampler *);
void		 au_resampler_free(struct au_resampler *);
/* Convert n more samples (last: the input ends), append to out. */
int		 au_resampler_push(struct au_resampler *, const float *,
		    size_t n, int last, struct au_pcm *out, struct au_err *);
/* A whole signal at once (threaded from 2 s); *out is new.  Same rate:
 * a copy. */
int		 au_resample(const struct au_pcm *, int rate,
		    struct au_pcm **out, struct au_err *);

/* --- loudness.c: EBU R 128 / ITU-R BS.1770 via libebur128 ------------------ */

struct au_loudness {
	double		 lufs;		/* integrated; -HUGE_VAL = silence */
	double		 true_peak;	/* dBTP; -HUGE_VAL = silence */
};

int	au_loudness_measure(const float *, size_t n, int rate,
	    struct au_loudness *, struct au_err *);
/* Integrated loudness only (true_peak NAN): a third of the work. */
int	au_loudness_measure_lufs(const float *, size_t n, int rate,
	    struct au_loudness *, struct au_err *);
/*
 * Gain to target_lufs, then a look-ahead peak limiter (no clipping) so the
 * true peak stays under ceiling_dbtp - margin_db; the gain is raised again
 * after limiting until the loudness is within 0.1 LU of the target or the
 * limiter would work too hard.  before/after are measured here.
 */
int	au_normalise(struct au_pcm *, double target_lufs, double ceiling_dbtp,
	    double margin_db, struct au_loudness *before,
	    struct au_loudness *after, double *gain_db, struct au_err *);
/*
 * The same from src (measured as *before) into work (n floats), src left
 * as it is.  A before.true_peak of NAN (au_loudness_measure_lufs) skips
 * the inter-sample check while the gain alone does it: the caller then
 * checks the true peak of the result itself (au_prepare does).
 */
int	au_normalise_into(const float *src, float *work, size_t n, int rate,
	    const struct au_loudness *before, double target_lufs,
	    double ceiling_dbtp, double margin_db, struct au_loudness *after,
	    double *gain_db, struct au_err *);
/*
 * The look-ahead limiter alone: no sample above threshold (linear), gains
 * change smoothly (attack over the look-ahead, release_ms back up).
 * 1 if it changed anything, 0 if no sample was over.
 */
int	au_limit(float *, size_t n, int rate, float threshold,
	    double release_ms);

/* --- g711.c: ITU-T G.711, by table ---------------------------------------- */

uint8_t	au_ulaw_from_linear(int16_t);
int16_t	au_ulaw_to_linear(uint8_t);
uint8_t	au_alaw_from_linear(int16_t);
int16_t	au_alaw_to_linear(uint8_t);
/* The code for digital silence (ulaw 0xff, alaw 0xd5). */
uint8_t	au_g711_silence(enum au_codec);
/* Float [-1, 1] (rounded, saturated) to codes, and back. */
void	au_g711_encode(enum au_codec, const float *, size_t n, uint8_t *);
void	au_g711_decode(enum au_codec, const uint8_t *, size_t n, float *);

/* --- prepare.c: the stream a call plays ------------------------------------- */

struct au_prepare_opts {
	double		 target_lufs;
	double		 ceiling_dbtp;
	enum au_codec	 codec;
};

/* G.711 frames plus what the header of a cache file records. */
struct au_prepared {
	enum au_codec	 codec;
	uint8_t		*data;		/* frames * AU_FRAME_SAMPLES bytes */
	uint32_t	 samples;	/* before padding to whole frames */
	uint32_t	 frames;
	double		 target_lufs;
	double		 lufs_before;	/* mono 8 kHz, before gain */
	double		 lufs_after;	/* measured on the decoded G.711 */
	double		 peak_after;	/* dBTP, on the decoded G.711 */
	double		 gain_db;
	uint8_t		 hash[AU_HASH_LEN];	/* of the source */
};

void	au_prepare_opts_default(struct au_prepare_opts *);
/*
 * Normalise sig (8 kHz, left unchanged), encode, cut into frames padded
 * with silence.  Silence or near silence (< AU_SILENT_LUFS) is AU_E_SILENT.
 * hash may be NULL (zeros).
 */
int	au_prepare(const struct au_pcm *sig, const struct au_prepare_opts *,
	    const uint8_t *hash, struct au_prepared **out, struct au_err *);
void	au_prepared_free(struct au_prepared *);
/* The prepared stream decoded back to float at 8 kHz (for checks). */
struct au_pcm	*au_prepared_pcm(const struct au_prepared *);
double		 au_prepared_seconds(const struct au_prepared *);

/* --- cache.c: the cache file and the G.711 WAV ----------------------------- */

/*
 * Cache file, little-endian, AU_CACHE_HDR bytes of header then the frames:
 *
 *	0  "SKAU" magic	4  u16 version (1)	6  u16 header size (128)
 *	8  u8 codec	9  u8 reserved	10 u16 frame bytes (160)
 *	12 u32 rate (8000)	16 u32 frames	20 u32 samples
 *	24 f64 target	32 f64 loudness before	40 f64 loudness after
 *	48 f64 true peak after	56 f64 gain dB	64 32 bytes SHA-256 of source
 *	96 .. 127 zero
 */
#define AU_CACHE_MAGIC		"SKAU"
#define AU_CACHE_VERSION	1
#define AU_CACHE_HDR		128

/* Write to a temp file in the same directory, fsync, rename. */
int	au_cache_write(const char *path, const struct au_prepared *,
	    struct au_err *);
/* Check a header plus payload held in memory (a mapped file); fills p
 * except data (NULL).  len must be the whole file. */
int	au_cache_parse(const void *, size_t len, struct au_prepared *,
	    struct au_err *);
/* Read and check a whole cache file; *out is the caller's. */
int	au_cache_read(const char *path, struct au_prepared **out,
	    struct au_err *);
/* An 8 kHz G.711 WAV of the prepared stream (temp + rename). */
int	au_wav_write(const char *path, const struct au_prepared *,
	    struct au_err *);
/* Lower-case hex of a hash, 2 * AU_HASH_LEN + 1 bytes. */
void	au_hash_hex(const uint8_t *, char *);

/*
 * Files that appear whole or not at all: au_tmp_open() creates
 * "path.tmp.XXXXXX" in path's directory (*tmp is the caller's, freed by
 * commit or abort); au_tmp_commit() fsyncs, closes and renames it over
 * path; au_tmp_abort() closes and removes it.
 */
int	au_tmp_open(const char *path, char **tmp, struct au_err *);
int	au_tmp_commit(int fd, char *tmp, const char *path, struct au_err *);
void	au_tmp_abort(int fd, char *tmp);
/* len bytes to path the same way (the original of an upload). */
int	au_file_write(const char *path, const void *, size_t len,
	    struct au_err *);

/* --- spot.c: radio-style assembly ----------------------------------------- */

struct au_spot {
	const struct au_pcm *intro;	/* each at AU_RATE or NULL */
	const struct au_pcm *voice;	/* required */
	const struct au_pcm *outro;
	const struct au_pcm *bed;	/* looped under the voice, ducked */
	double		 duck_db;	/* bed cut under speech, >= 0 */
	double		 bed_lu;	/* bed level re voice, not ducked: -6 */
	double		 crossfade_s;	/* music overlaps by this much */
	double		 attack_ms;	/* ducking down */
	double		 release_ms;	/* back up after speech */
};

void	au_spot_default(struct au_spot *);
/*
 * Lay out intro, voice, outro with crossfades (the music fades, the voice
 * never does), loudness-match each part to the voice, lay the bed under
 * the voice and duck it while the voice speaks.  A silent voice is
 * AU_E_SILENT.  *out (AU_RATE) is the caller's; still to be prepared.
 */
int	au_spot_mix(const struct au_spot *, struct au_pcm **out,
	    struct au_err *);
/*
 * The ducking gain (linear, 1 = not ducked) for a bed under voice: an
 * envelope follower on the voice keys a gain that falls to -depth_db in
 * attack_ms and rises back in release_ms, with attack_ms of look-ahead so
 * the bed is down when the first syllable starts.  gain has n entries.
 */
void	au_duck_gain(const float *voice, size_t n, int rate, double depth_db,
	    double attack_ms, double release_ms, float *gain);

/* --- tts.c: espeak-ng into memory ------------------------------------------ */

/*
 * Speak text ("bn" or "en") into *out (espeak-ng's rate, 22050 Hz).  Text
 * must be valid UTF-8, not empty, at most AU_TTS_MAX_BYTES; the speech
 * longer than max_seconds is AU_E_TOO_LONG.  Dates are rewritten first
 * (au_tts_text_normalise).
 */
#define AU_TTS_MAX_BYTES	8192
int	au_tts_render(const char *lang, const char *text, double max_seconds,
	    struct au_pcm **out, struct au_err *);
/* Dates D/M/YYYY, D-M-YYYY, D.M.YYYY (ASCII or Bangla digits) become
 * "D <month> YYYY" in the language; returns a new string. */
char	*au_tts_text_normalise(const char *lang, const char *text);
/* Release the engine (at exit; optional). */
void	au_tts_shutdown(void);

/* --- record.c: call audio to WAV ------------------------------------------- */

enum au_rec_format {
	AU_REC_ULAW,
	AU_REC_ALAW,
	AU_REC_PCM16
};

struct au_rec;

/* Starts a temp file next to path; au_rec_close() renames it in place,
 * au_rec_abort() removes it.  Always 8 kHz mono. */
struct au_rec	*au_rec_open(const char *path, enum au_rec_format,
		    struct au_err *);
/* G.711 codes (AU_REC_ULAW/ALAW only: stored as they are). */
int		 au_rec_write_g711(struct au_rec *, const uint8_t *, size_t,
		    struct au_err *);
/* Linear samples (any format: encoded by libsndfile). */
int		 au_rec_write_pcm(struct au_rec *, const int16_t *, size_t,
		    struct au_err *);
size_t		 au_rec_samples(const struct au_rec *);
int		 au_rec_close(struct au_rec *, struct au_err *);
void		 au_rec_abort(struct au_rec *);

#endif
