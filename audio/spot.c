/*
 * spot.c: radio-style spot assembly, all at 8 kHz mono.
 *
 * Timeline (X = crossfade, P = bed pre-roll 1 s, T = bed tail 1 s):
 *
 *	intro  |==========\			      (fades out over X)
 *	voice         |XXXXXXXXXXXXXXXXXXXX|	      (never faded)
 *	bed     (P)   /~~~~~ducked~~~~~~~~~~~~~~\      (under the voice, + T)
 *	outro                              /=========  (fades in over X)
 *
 * The voice starts X before the intro ends (or after the bed's pre-roll
 * when there is no intro), the bed runs from the voice's start (or from 0
 * with no intro) to T after the voice and is looped, with short crossfades
 * at the seams, if it is shorter; the outro starts X before the bed ends
 * (or right after the voice without a bed).  Fades are raised-cosine.
 *
 * Levels: intro and outro are brought to the voice's integrated loudness,
 * the bed to the voice's plus bed_lu (default -6 LU), before mixing; the
 * whole spot is normalised afterwards by au_prepare().  The voice has its
 * leading and trailing silence (below -50 dB of its peak) trimmed to
 * TRIM_KEEP_MS so the music does not wait for nothing.
 *
 * Ducking (au_duck_gain): a peak envelope follower on the voice (5 ms
 * attack, 100 ms release) keys "speech" when it is within DUCK_KEY_DB of
 * its maximum; the key is held DUCK_HOLD_MS so the bed does not pump
 * between words, and looked ahead by attack_ms.  The bed gain then moves
 * in straight lines in dB: down by depth_db in attack_ms, back up in
 * release_ms.  Under continuous speech the bed is exactly depth_db down.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "xmalloc.h"

#define SPOT_PREROLL_S	1.0
#define SPOT_TAIL_S	1.0
#define SPOT_LOOP_XF_S	0.05
#define TRIM_DB		-50.0
#define TRIM_KEEP_MS	100.0
#define DUCK_KEY_DB	-30.0
#define DUCK_HOLD_MS	250.0
#define ENV_ATTACK_MS	5.0
#define ENV_RELEASE_MS	100.0

void
au_spot_default(struct au_spot *s)
{
	memset(s, 0, sizeof(*s));
	s->duck_db = AU_DUCK_DB;
	s->bed_lu = -6.0;
	s->crossfade_s = AU_CROSSFADE_S;
	s->attack_ms = 50.0;
	s->release_ms = 400.0;
}

static float
coef(double ms, int rate)
{
	return (float)exp(-1.0 / (ms * rate / 1000.0));
}

void
au_duck_gain(const float *v, size_t n, int rate, double depth_db,
    double attack_ms, double release_ms, float *gain)
{
	float	*env, ea, er, x, peak = 0, thr;
	double	 db = 0, down, up;
	size_t	 i, ahead, hold, held = 0;
	int	 key;

	if (n == 0)
		return;
	env = xreallocarray(NULL, n, sizeof(*env));
	ea = coef(ENV_ATTACK_MS, rate);
	er = coef(ENV_RELEASE_MS, rate);
	for (i = 0, x = 0; i < n; i++) {
		float	 a = fabsf(v[i]);

		x = a > x ? a + (x - a) * ea : a + (x - a) * er;
		env[i] = x;
		if (x > peak)
			peak = x;
	}
	thr = peak * (float)pow(10, DUCK_KEY_DB / 20);
	ahead = (size_t)(attack_ms * rate / 1000);
	hold = (size_t)(DUCK_HOLD_MS * rate / 1000);
	down = attack_ms > 0 ? depth_db / (attack_ms * rate / 1000) : depth_db;
	up = release_ms > 0 ? depth_db / (release_ms * rate / 1000) : depth_db;
	for (i = 0; i < n; i++) {
		key = peak > 0 && i + ahead < n && env[i + ahead] > thr;
		if (key)
			held = hold;
		else if (held > 0) {
			held--;
			key = 1;
		}
		if (key)
			db = db - down < -depth_db ? -depth_db : db - down;
		else
			db = db + up > 0 ? 0 : db + up;
		gain[i] = (float)pow(10, db / 20);
	}
	free(env);
}

/* Raised-cosine fade gain at t in [0, 1]: 0 -> 1. */
static float
fade_in(double t)
{
	if (t <= 0)
		return 0;
	if (t >= 1)
		return 1;
	return (float)(0.5 - 0.5 * cos(M_PI * t));
}

static double
spot_lufs(const struct au_pcm *p, struct au_err *err)
{
	struct au_loudness	 l;

	if (au_loudness_measure(p->s, p->n, p->rate, &l, err) == -1)
		return NAN;
	return l.lufs;
}

/* Add src * gain at dst[at], with fades of fin / fout samples. */
static void
spot_add(float *dst, size_t at, const float *src, size_t n, float gain,
    size_t fin, size_t fout)
{
	size_t	 i;
	float	 g;

	for (i = 0; i < n; i++) {
		g = gain;
		if (i < fin)
			g *= fade_in((double)i / fin);
		if (n - i <= fout)
			g *= fade_in((double)(n - i) / fout);
		dst[at + i] += src[i] * g;
	}
}

/* The bed looped to exactly len samples, seams crossfaded. */
static float *
spot_loop(const struct au_pcm *bed, size_t len)
{
	float	*out;
	size_t	 xf, at, step;

	out = xcalloc(len > 0 ? len : 1, sizeof(*out));
	xf = (size_t)(SPOT_LOOP_XF_S * AU_RATE);
	if (xf > bed->n / 4)
		xf = bed->n / 4;
	step = bed->n - xf;
	for (at = 0; at < len; at += step) {
		size_t	 n = len - at < bed->n ? len - at : bed->n;

		spot_add(out, at, bed->s, n, 1.0f, at == 0 ? 0 : xf,
		    at + bed->n < len ? xf : 0);
		if (step == 0)
			break;
	}
	return out;
}

/* Voice without its leading and trailing silence (TRIM_KEEP_MS kept). */
static void
spot_trim(const struct au_pcm *v, size_t *start, size_t *len)
{
	float	 peak = 0, thr;
	size_t	 i, a, b, keep = (size_t)(TRIM_KEEP_MS * AU_RATE / 1000);

	for (i = 0; i < v->n; i++)
		if (fabsf(v->s[i]) > peak)
			peak = fabsf(v->s[i]);
	thr = peak * (float)pow(10, TRIM_DB / 20);
	for (a = 0; a < v->n && fabsf(v->s[a]) <= thr; a++)
		;
	for (b = v->n; b > a && fabsf(v->s[b - 1]) <= thr; b--)
		;
	a = a > keep ? a - keep : 0;
	b = b + keep < v->n ? b + keep : v->n;
	*start = a;
	*len = b - a;
}

static int
spot_check(const struct au_pcm *p, const char *what, struct au_err *err)
{
	if (p == NULL)
		return 0;
	if (p->rate != AU_RATE)
		return au_err_set(err, AU_E_INVALID, "%s: %d Hz, not %d", what,
		    p->rate, AU_RATE);
	if (p->n == 0)
		return au_err_set(err, AU_E_EMPTY, "%s: no audio", what);
	return 0;
}

/* Gain (linear) that brings p to lufs; -1 after err if p is silent. */
static float
spot_match(const struct au_pcm *p, double lufs, const char *what,
    struct au_err *err)
{
	double	 l;

	if (isnan(l = spot_lufs(p, err)))
		return -1;
	if (!isfinite(l) || l < AU_SILENT_LUFS) {
		au_err_set(err, AU_E_SILENT, "the %s is silent", what);
		return -1;
	}
	return (float)pow(10, (lufs - l) / 20);
}

int
au_spot_mix(const struct au_spot *s, struct au_pcm **out, struct au_err *err)
{
	struct au_pcm	*mix;
	float		*bed = NULL, *duck = NULL, *vtrack = NULL;
	float		 gi = 1, go = 1, gb = 1;
	double		 lv;
	size_t		 X, P, T, vs, vn, li, lo, tv, b0 = 0, b1 = 0, to = 0;
	size_t		 total, i, fin;

	*out = NULL;
	if (s->voice == NULL)
		return au_err_set(err, AU_E_INVALID, "a spot needs a voice");
	if (spot_check(s->voice, "voice", err) == -1 ||
	    spot_check(s->intro, "intro", err) == -1 ||
	    spot_check(s->outro, "outro", err) == -1 ||
	    spot_check(s->bed, "bed", err) == -1)
		return -1;
	if (!(s->duck_db >= 0 && s->duck_db <= 60) || !(s->crossfade_s >= 0 &&
	    s->crossfade_s <= 10) || !(s->bed_lu >= -40 && s->bed_lu <= 10) ||
	    !(s->attack_ms >= 0 && s->attack_ms <= 5000) ||
	    !(s->release_ms >= 0 && s->release_ms <= 10000))
		return au_err_set(err, AU_E_INVALID, "spot: duck 0..60 dB, "
		    "crossfade 0..10 s, bed -40..10 LU, attack/release up to "
		    "5/10 s");
	if (isnan(lv = spot_lufs(s->voice, err)))
		return -1;
	if (!isfinite(lv) || lv < AU_SILENT_LUFS)
		return au_err_set(err, AU_E_SILENT, "the voice is silent: a "
		    "spot needs speech");
	if (s->intro != NULL && (gi = spot_match(s->intro, lv, "intro", err))
	    < 0)
		return -1;
	if (s->outro != NULL && (go = spot_match(s->outro, lv, "outro", err))
	    < 0)
		return -1;
	if (s->bed != NULL && (gb = spot_match(s->bed, lv + s->bed_lu, "bed",
	    err)) < 0)
		return -1;

	spot_trim(s->voice, &vs, &vn);
	X = (size_t)(s->crossfade_s * AU_RATE);
	P = s->bed != NULL && s->intro == NULL ?
	    (size_t)(SPOT_PREROLL_S * AU_RATE) : 0;
	T = s->bed != NULL ? (size_t)(SPOT_TAIL_S * AU_RATE) : 0;
	li = s->intro != NULL ? s->intro->n : 0;
	lo = s->outro != NULL ? s->outro->n : 0;
	if (X > li / 2 && li > 0)
		X = li / 2;
	if (X > lo / 2 && lo > 0)
		X = lo / 2;
	tv = li > 0 ? li - X : P;
	total = tv + vn;
	if (s->bed != NULL) {
		b0 = li > 0 ? tv : 0;
		b1 = tv + vn + T;
		total = b1;
	}
	if (lo > 0) {
		to = s->bed != NULL ? (b1 > X ? b1 - X : 0) : tv + vn;
		if (to + lo > total)
			total = to + lo;
	}

	mix = au_pcm_new(AU_RATE);
	au_pcm_pad(mix, total);
	if (li > 0)
		spot_add(mix->s, 0, s->intro->s, li, gi, 0, X);
	spot_add(mix->s, tv, s->voice->s + vs, vn, 1.0f, 0, 0);
	if (s->bed != NULL) {
		vtrack = xcalloc(b1 - b0, sizeof(*vtrack));
		memcpy(vtrack + (tv - b0), s->voice->s + vs,
		    vn * sizeof(*vtrack));
		duck = xreallocarray(NULL, b1 - b0, sizeof(*duck));
		au_duck_gain(vtrack, b1 - b0, AU_RATE, s->duck_db,
		    s->attack_ms, s->release_ms, duck);
		bed = spot_loop(s->bed, b1 - b0);
		for (i = 0; i < b1 - b0; i++)
			bed[i] *= duck[i];
		/* From silence at 0 a short fade avoids a click. */
		fin = b0 > 0 || li > 0 ? X : (size_t)(0.05 * AU_RATE);
		spot_add(mix->s, b0, bed, b1 - b0, gb, fin, T);
	}
	if (lo > 0)
		spot_add(mix->s, to, s->outro->s, lo, go,
		    s->bed != NULL ? X : 0, 0);
	free(vtrack);
	free(duck);
	free(bed);
	*out = mix;
	return 0;
}
