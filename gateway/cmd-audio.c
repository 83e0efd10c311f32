/*
 * cmd-audio.c: `sanket audio prepare` and `sanket audio info`, local
 * commands (no daemon) over the audio module (audio/audio.h).
 *
 *	audio prepare IN|--tts-bn TEXT|--tts-en TEXT [-o OUT] [--target LUFS]
 *	    [--ceiling DBTP] [--format ulaw|alaw] [--intro F] [--outro F]
 *	    [--bed F] [--duck DB] [--crossfade S] [--max-seconds S]
 *
 * decodes IN (or speaks the text), assembles a spot when --intro, --outro
 * or --bed is given (the input is the voice), normalises the loudness and
 * writes OUT: a cache file for the IVR, or, when OUT ends in ".wav", a
 * playable 8 kHz G.711 WAV of exactly what callers will hear.  OUT
 * defaults to IN with its extension replaced by ".sau" (TTS needs -o).
 * It prints the duration, the loudness before and after, the true peak
 * and any warning (a clipped source).  Defaults come from -c FILE's
 * [audio] target_lufs and max_seconds when -c is given.
 *
 *	audio info FILE
 *
 * describes a cache file (its header) or any audio file (format, rate,
 * channels, duration, loudness and true peak of its mono mix, SHA-256).
 *
 * Errors carry the audio module's codes (E_NOT_AUDIO, E_TRUNCATED,
 * E_SILENT, ...), exit 1; bad options exit 2.  Nothing is written unless
 * everything succeeded, and then atomically (temp + rename).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "audio.h"
#include "conf.h"
#include "sanket.h"
#include "xmalloc.h"

static int	cmd_audio_exec(struct sk_ctx *, const struct cmd_entry *, int,
		    char **);

const struct cmd_entry cmd_audio_entry = {
	"audio",
	"audio prepare IN [-o OUT] [--target LUFS] [--ceiling DBTP] "
	"[--format ulaw|alaw]\n"
	"    [--intro F] [--outro F] [--bed F] [--duck DB] [--crossfade S] "
	"[--max-seconds S]\n"
	"audio prepare --tts-bn TEXT|--tts-en TEXT -o OUT [...]\n"
	"audio info FILE",
	"prepare a prompt or spot for calls (local), describe an audio file",
	cmd_audio_exec
};

enum {
	OPT_TARGET = 0x2001, OPT_CEILING, OPT_FORMAT, OPT_INTRO, OPT_OUTRO,
	OPT_BED, OPT_DUCK, OPT_CROSSFADE, OPT_MAX_SECONDS, OPT_TTS_BN,
	OPT_TTS_EN
};

static const struct option cmd_audio_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "ceiling", required_argument, NULL, OPT_CEILING },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "intro", required_argument, NULL, OPT_INTRO },
	{ "outro", required_argument, NULL, OPT_OUTRO },
	{ "bed", required_argument, NULL, OPT_BED },
	{ "duck", required_argument, NULL, OPT_DUCK },
	{ "crossfade", required_argument, NULL, OPT_CROSSFADE },
	{ "max-seconds", required_argument, NULL, OPT_MAX_SECONDS },
	{ "tts-bn", required_argument, NULL, OPT_TTS_BN },
	{ "tts-en", required_argument, NULL, OPT_TTS_EN },
	{ NULL, 0, NULL, 0 }
};

struct audio_args {
	const char		*in, *out, *intro, *outro, *bed;
	const char		*tts_lang, *tts_text;
	struct au_prepare_opts	 prep;
	struct au_decode_opts	 dec;
	struct au_spot		 spot;
	int			 target_set, max_set;
};

/* A number in [lo, hi] from an option; -1 after the usage message. */
static int
audio_num(struct sk_ctx *ctx, const struct cmd_entry *entry,
    const char *opt, const char *s, double lo, double hi, double *out)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < lo || v > hi) {
		sk_usage(ctx, entry, "%s: \"%s\" is not a number in %g..%g",
		    opt, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

static int
audio_fail(struct sk_ctx *ctx, const struct au_err *e)
{
	return sk_fail(ctx, e->code != NULL ? e->code : "E_AUDIO", "%s",
	    e->msg);
}

static json_t *
audio_source_json(const struct au_source *s)
{
	char	 hex[2 * AU_HASH_LEN + 1];

	au_hash_hex(s->hash, hex);
	return json_pack("{s:s, s:s, s:i, s:i, s:f, s:I, s:s, s:f}",
	    "container", s->container, "codec", s->codec, "rate", s->rate,
	    "channels", s->channels, "seconds", s->seconds,
	    "bytes", (json_int_t)s->bytes, "sha256", hex,
	    "clipped", s->clipped);
}

/* Decode one input to 8 kHz (the voice, or a part of a spot). */
static int
audio_load(struct sk_ctx *ctx, const struct audio_args *a, const char *path,
    struct au_pcm **out, struct au_source *src)
{
	struct au_err	 e = { NULL, "" };

	if (au_decode_file(path, &a->dec, out, src, &e) == -1)
		return audio_fail(ctx, &e);
	return 0;
}

static int
audio_is_wav(const char *path)
{
	size_t	 n = strlen(path);

	return n >= 4 && strcasecmp(path + n - 4, ".wav") == 0;
}

/* IN with its extension replaced by ".sau". */
static char *
audio_default_out(const char *in)
{
	const char	*slash, *dot;
	char		*out;

	slash = strrchr(in, '/');
	dot = strrchr(in, '.');
	if (dot == NULL || (slash != NULL && dot < slash) || dot == in ||
	    (slash != NULL && dot == slash + 1))
		dot = in + strlen(in);
	xasprintf(&out, "%.*s.sau", (int)(dot - in), in);
	return out;
}

static void
audio_print(const char *out, const struct au_prepared *p,
    const struct au_source *src, int wav)
{
	printf("%-9s %s (%s %s, %u frames of %d ms)\n", "prepared", out,
	    au_codec_name(p->codec), wav ? "WAV, 8 kHz" : "cache", p->frames,
	    AU_FRAME_MS);
	if (src != NULL && src->rate > 0)
		printf("%-9s %s %s, %d Hz, %d channel%s, %.2f s\n", "source",
		    src->container, src->codec, src->rate, src->channels,
		    src->channels == 1 ? "" : "s", src->seconds);
	printf("%-9s %.2f s\n", "duration", au_prepared_seconds(p));
	printf("%-9s %.1f LUFS before, %.1f LUFS after (target %.1f, gain "
	    "%+.1f dB)\n", "loudness", p->lufs_before, p->lufs_after,
	    p->target_lufs, p->gain_db);
	printf("%-9s %.1f dBTP\n", "peak", p->peak_after);
	if (src != NULL && src->clipped > 0.001)
		printf("%-9s the source is clipped (%.1f %% of samples at full "
		    "scale): the distortion stays\n", "warning",
		    src->clipped * 100);
}

static json_t *
audio_prepared_json(const char *out, const struct au_prepared *p, int wav)
{
	char	 hex[2 * AU_HASH_LEN + 1];

	au_hash_hex(p->hash, hex);
	return json_pack("{s:s, s:s, s:s, s:i, s:i, s:f, s:f, s:f, s:f, s:f, "
	    "s:f, s:s}", "output", out, "kind", wav ? "wav" : "cache",
	    "codec", au_codec_name(p->codec), "frames", (int)p->frames,
	    "samples", (int)p->samples, "seconds", au_prepared_seconds(p),
	    "target_lufs", p->target_lufs, "lufs_before", p->lufs_before,
	    "lufs_after", p->lufs_after, "true_peak", p->peak_after,
	    "gain_db", p->gain_db, "source_sha256", hex);
}

/* The voice: decoded from IN, or spoken (the text's hash stands in). */
static int
audio_voice(struct sk_ctx *ctx, const struct audio_args *a,
    struct au_pcm **voice, struct au_source *src)
{
	struct au_err	 e = { NULL, "" };
	struct au_pcm	*raw = NULL;
	int		 rc;

	if (a->tts_text == NULL)
		return audio_load(ctx, a, a->in, voice, src);
	memset(src, 0, sizeof(*src));
	rc = au_tts_render(a->tts_lang, a->tts_text, a->dec.max_seconds, &raw,
	    &e);
	au_tts_shutdown();
	if (rc == -1)
		return audio_fail(ctx, &e);
	snprintf(src->container, sizeof(src->container), "TTS");
	snprintf(src->codec, sizeof(src->codec), "espeak-ng %s", a->tts_lang);
	src->rate = raw->rate;
	src->channels = 1;
	src->frames = (int64_t)raw->n;
	src->seconds = au_pcm_seconds(raw);
	src->bytes = strlen(a->tts_text);
	au_hash(a->tts_text, src->bytes, src->hash);
	rc = au_resample(raw, AU_RATE, voice, &e);
	au_pcm_free(raw);
	if (rc == -1)
		return audio_fail(ctx, &e);
	return 0;
}

static int
audio_prepare(struct sk_ctx *ctx, struct audio_args *a)
{
	struct au_err		 e = { NULL, "" };
	struct au_source	 src;
	struct au_pcm		*voice = NULL, *intro = NULL, *outro = NULL;
	struct au_pcm		*bed = NULL, *mix = NULL, *sig;
	struct au_prepared	*p = NULL;
	struct au_source	 part;
	char			*out = NULL;
	json_t			*j;
	int			 rc = SK_EXIT_FAIL, wav;

	out = a->out != NULL ? xstrdup(a->out) : audio_default_out(a->in);
	wav = audio_is_wav(out);
	if (audio_voice(ctx, a, &voice, &src) != 0)
		goto done;
	if ((a->intro != NULL &&
	    audio_load(ctx, a, a->intro, &intro, &part) != 0) ||
	    (a->outro != NULL &&
	    audio_load(ctx, a, a->outro, &outro, &part) != 0) ||
	    (a->bed != NULL && audio_load(ctx, a, a->bed, &bed, &part) != 0))
		goto done;
	sig = voice;
	if (intro != NULL || outro != NULL || bed != NULL) {
		a->spot.voice = voice;
		a->spot.intro = intro;
		a->spot.outro = outro;
		a->spot.bed = bed;
		if (au_spot_mix(&a->spot, &mix, &e) == -1) {
			rc = audio_fail(ctx, &e);
			goto done;
		}
		sig = mix;
	}
	if (au_prepare(sig, &a->prep, src.hash, &p, &e) == -1 ||
	    (wav ? au_wav_write(out, p, &e) : au_cache_write(out, p, &e))
	    == -1) {
		rc = audio_fail(ctx, &e);
		goto done;
	}
	if (ctx->json) {
		j = audio_prepared_json(out, p, wav);
		json_object_set_new(j, "source", audio_source_json(&src));
		json_object_set_new(j, "spot", json_boolean(sig == mix));
		sk_json_print(j);
		json_decref(j);
	} else
		audio_print(out, p, &src, wav);
	rc = SK_EXIT_OK;
done:
	au_prepared_free(p);
	au_pcm_free(voice);
	au_pcm_free(intro);
	au_pcm_free(outro);
	au_pcm_free(bed);
	au_pcm_free(mix);
	free(out);
	return rc;
}

static int
audio_info(struct sk_ctx *ctx, const char *path)
{
	struct au_err		 e = { NULL, "" }, ce = { NULL, "" };
	struct au_decode_opts	 o;
	struct au_prepared	*p = NULL;
	struct au_source	 src;
	struct au_loudness	 l;
	struct au_pcm		*pcm = NULL;
	char			 hex[2 * AU_HASH_LEN + 1];
	json_t			*j;

	if (au_cache_read(path, &p, &ce) == 0) {
		if (ctx->json) {
			j = audio_prepared_json(path, p, 0);
			json_object_del(j, "output");
			json_object_set_new(j, "file", json_string(path));
			sk_json_print(j);
			json_decref(j);
		} else {
			au_hash_hex(p->hash, hex);
			printf("%-9s %s: sanket audio cache v%d, %s, %u frames "
			    "of %d ms\n", "file", path, AU_CACHE_VERSION,
			    au_codec_name(p->codec), p->frames, AU_FRAME_MS);
			printf("%-9s %.2f s\n", "duration",
			    au_prepared_seconds(p));
			printf("%-9s %.1f LUFS before, %.1f LUFS after (target "
			    "%.1f, gain %+.1f dB)\n", "loudness",
			    p->lufs_before, p->lufs_after, p->target_lufs,
			    p->gain_db);
			printf("%-9s %.1f dBTP\n", "peak", p->peak_after);
			printf("%-9s %s\n", "source", hex);
		}
		au_prepared_free(p);
		return SK_EXIT_OK;
	}
	/* A cache file that is damaged says so; anything else is decoded. */
	if (strcmp(ce.code, AU_E_BAD_CACHE) == 0 &&
	    strstr(ce.msg, "magic") == NULL)
		return audio_fail(ctx, &ce);
	au_decode_opts_default(&o);
	o.out_rate = 0;
	o.max_seconds = 86400;
	if (au_decode_file(path, &o, &pcm, &src, &e) == -1 ||
	    au_loudness_measure(pcm->s, pcm->n, pcm->rate, &l, &e) == -1) {
		au_pcm_free(pcm);
		return audio_fail(ctx, &e);
	}
	au_pcm_free(pcm);
	if (ctx->json) {
		j = audio_source_json(&src);
		json_object_set_new(j, "file", json_string(path));
		json_object_set_new(j, "lufs", isfinite(l.lufs) ?
		    json_real(l.lufs) : json_null());
		json_object_set_new(j, "true_peak", isfinite(l.true_peak) ?
		    json_real(l.true_peak) : json_null());
		sk_json_print(j);
		json_decref(j);
		return SK_EXIT_OK;
	}
	au_hash_hex(src.hash, hex);
	printf("%-9s %s: %s %s, %d Hz, %d channel%s\n", "file", path,
	    src.container, src.codec, src.rate, src.channels,
	    src.channels == 1 ? "" : "s");
	printf("%-9s %.2f s\n", "duration", src.seconds);
	if (isfinite(l.lufs))
		printf("%-9s %.1f LUFS (mono mix), true peak %.1f dBTP\n",
		    "loudness", l.lufs, l.true_peak);
	else
		printf("%-9s silent\n", "loudness");
	if (src.clipped > 0.001)
		printf("%-9s clipped: %.1f %% of samples at full scale\n",
		    "warning", src.clipped * 100);
	printf("%-9s %s (%zu bytes)\n", "sha256", hex, src.bytes);
	return SK_EXIT_OK;
}

static int
cmd_audio_exec(struct sk_ctx *ctx, const struct cmd_entry *entry, int argc,
    char **argv)
{
	struct audio_args	 a;
	struct conf		*c;
	const char		*verb;
	double			 v;
	int			 ch, codec, nops;

	memset(&a, 0, sizeof(a));
	au_prepare_opts_default(&a.prep);
	au_decode_opts_default(&a.dec);
	au_spot_default(&a.spot);
	while ((ch = sk_getopt(ctx, entry, argc, argv, "o:", cmd_audio_opts))
	    != -1) {
		switch (ch) {
		case 'o':
			a.out = optarg;
			break;
		case OPT_TARGET:
			if (audio_num(ctx, entry, "--target", optarg, -70, -5,
			    &a.prep.target_lufs) == -1)
				return SK_EXIT_USAGE;
			a.target_set = 1;
			break;
		case OPT_CEILING:
			if (audio_num(ctx, entry, "--ceiling", optarg, -20, 0,
			    &a.prep.ceiling_dbtp) == -1)
				return SK_EXIT_USAGE;
			break;
		case OPT_FORMAT:
			if ((codec = au_codec_parse(optarg)) == -1)
				return sk_usage(ctx, entry, "--format: ulaw or "
				    "alaw, not \"%s\"", optarg);
			a.prep.codec = codec;
			break;
		case OPT_INTRO:
			a.intro = optarg;
			break;
		case OPT_OUTRO:
			a.outro = optarg;
			break;
		case OPT_BED:
			a.bed = optarg;
			break;
		case OPT_DUCK:
			if (audio_num(ctx, entry, "--duck", optarg, 0, 60,
			    &a.spot.duck_db) == -1)
				return SK_EXIT_USAGE;
			break;
		case OPT_CROSSFADE:
			if (audio_num(ctx, entry, "--crossfade", optarg, 0, 10,
			    &a.spot.crossfade_s) == -1)
				return SK_EXIT_USAGE;
			break;
		case OPT_MAX_SECONDS:
			if (audio_num(ctx, entry, "--max-seconds", optarg, 1,
			    86400, &v) == -1)
				return SK_EXIT_USAGE;
			a.dec.max_seconds = v;
			a.max_set = 1;
			break;
		case OPT_TTS_BN:
		case OPT_TTS_EN:
			if (a.tts_text != NULL)
				return sk_usage(ctx, entry, "one of --tts-bn "
				    "and --tts-en");
			a.tts_lang = ch == OPT_TTS_BN ? "bn" : "en";
			a.tts_text = optarg;
			break;
		default:
			return sk_getopt_exit(ch);
		}
	}
	if ((verb = sk_verb(ctx, entry, argc, argv, "prepare or info",
	    &nops)) == NULL)
		return SK_EXIT_USAGE;
	if (strcmp(verb, "info") == 0) {
		if (nops != 1)
			return sk_usage(ctx, entry, "audio info takes one "
			    "FILE");
		return audio_info(ctx, argv[optind + 1]);
	}
	if (strcmp(verb, "prepare") != 0)
		return sk_usage(ctx, entry, "audio: unknown verb %s", verb);
	if (a.tts_text != NULL && nops != 0)
		return sk_usage(ctx, entry, "audio prepare takes IN or "
		    "--tts-bn/--tts-en TEXT, not both");
	if (a.tts_text == NULL && nops != 1)
		return sk_usage(ctx, entry, "audio prepare takes one IN file");
	if (a.tts_text != NULL && a.out == NULL)
		return sk_usage(ctx, entry, "audio prepare --tts-%s needs -o "
		    "OUT", a.tts_lang);
	if (nops == 1)
		a.in = argv[optind + 1];
	if (ctx->conf_path != NULL) {
		if ((c = sk_conf(ctx)) == NULL)
			return SK_EXIT_FAIL;
		if (!a.target_set)
			a.prep.target_lufs = c->target_lufs;
		if (!a.max_set)
			a.dec.max_seconds = c->audio_max_seconds;
	}
	return audio_prepare(ctx, &a);
}
