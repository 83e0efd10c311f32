/*
 * loudness.c: integrated loudness and true peak (ITU-R BS.1770 / EBU R 128,
 * via libebur128), gain to a target, and a look-ahead peak limiter.
 *
 * Measuring: one channel (the signal is mono by now), EBUR128_MODE_I |
 * EBUR128_MODE_TRUE_PEAK.  Integrated loudness needs 400 ms blocks; a
 * shorter clip is measured looped to one second (the gated mean power of a
 * repeated clip is that of the clip), so a short prompt still gets a
 * number.  Silence measures -HUGE_VAL.
 *
 * Normalising (au_normalise): gain = target - measured (a pure gain moves
 * loudness and true peak by exactly the gain, so they are measured again
 * only when the limiter had to act); where that would
 * push the true peak over ceiling - margin the limiter takes the peaks
 * down instead of letting them clip, the loudness is measured again and
 * the gain raised by what the limiter took, at most NORM_ROUNDS times.
 * The result is within 0.1 LU of the target for speech and music; for a
 * signal that is nearly all peak (a square wave) the limiter would have to
 * flatten it, so the rounds stop and the loudness falls short, as
 * reported in `after`.
 *
 * The limiter (au_limit) is a look-ahead gain computer with a guarantee:
 * the gain at each sample is at most what that sample needs, because it is
 * the mean (over LIM_LOOKAHEAD_MS) of a release-smoothed running minimum
 * over twice that window.  So nothing exceeds the threshold, the gain
 * never jumps (no clicks), and it comes back up with release_ms.
 */
#include "config.h"

#include <ebur128.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "xmalloc.h"

#define MEASURE_MIN_S		1.0	/* shorter clips are looped */
#define NORM_ROUNDS		8
#define NORM_TOLERANCE		0.1	/* LU */
#define NORM_MAX_LIMIT_DB	12.0	/* more limiting than this: stop */
#define LIM_LOOKAHEAD_MS	5.0
#define LIM_RELEASE_MS		80.0

static double
lin2db(double v)
{
	return v > 0 ? 20 * log10(v) : -HUGE_VAL;
}

/* Integrated loudness, and the true peak if tp (else it is NAN). */
static int
lou_measure(const float *x, size_t n, int rate, int tp,
    struct au_loudness *l, struct au_err *err)
{
	ebur128_state	*st;
	size_t		 fed = 0, want, chunk;
	double		 lufs, peak = 0;

	l->lufs = l->true_peak = -HUGE_VAL;
	if (n == 0)
		return 0;
	if (rate < 16 || rate > 2822400)
		return au_err_set(err, AU_E_UNSUPPORTED, "cannot measure "
		    "loudness at %d Hz", rate);
	st = ebur128_init(1, (unsigned long)rate, tp ? EBUR128_MODE_I |
	    EBUR128_MODE_TRUE_PEAK : EBUR128_MODE_I);
	if (st == NULL)
		return au_err_set(err, AU_E_INTERNAL, "libebur128: init");
	want = n;
	if (want < (size_t)(MEASURE_MIN_S * rate))
		want = (size_t)(MEASURE_MIN_S * rate);
	while (fed < want) {
		chunk = n < want - fed ? n : want - fed;
		if (ebur128_add_frames_float(st, x, chunk) != EBUR128_SUCCESS)
			goto fail;
		fed += chunk;
	}
	if (ebur128_loudness_global(st, &lufs) != EBUR128_SUCCESS ||
	    (tp && ebur128_true_peak(st, 0, &peak) != EBUR128_SUCCESS))
		goto fail;
	ebur128_destroy(&st);
	l->lufs = isfinite(lufs) ? lufs : -HUGE_VAL;
	l->true_peak = tp ? lin2db(peak) : NAN;
	return 0;

fail:
	ebur128_destroy(&st);
	return au_err_set(err, AU_E_INTERNAL, "libebur128: measuring failed");
}

int
au_loudness_measure(const float *x, size_t n, int rate,
    struct au_loudness *l, struct au_err *err)
{
	return lou_measure(x, n, rate, 1, l, err);
}

int
au_loudness_measure_lufs(const float *x, size_t n, int rate,
    struct au_loudness *l, struct au_err *err)
{
	return lou_measure(x, n, rate, 0, l, err);
}

int
au_limit(float *x, size_t n, int rate, float threshold, double release_ms)
{
	float	*g, *r;
	size_t	*dq, head = 0, tail = 0, i, k, L, H, lo, hi;
	double	 a, sum;
	float	 v;
	int	 over = 0;

	if (n == 0)
		return 0;
	threshold *= 0.99999f;
	/* Most signals have nothing over: look before allocating. */
	for (i = 0; i < n; i++)
		over |= fabsf(x[i]) > threshold;
	if (!over)
		return 0;
	g = xreallocarray(NULL, n, sizeof(*g));
	for (i = 0; i < n; i++) {
		v = fabsf(x[i]);
		g[i] = v > threshold ? threshold / v : 1.0f;
	}
	L = (size_t)(LIM_LOOKAHEAD_MS * rate / 1000);
	if (L < 1)
		L = 1;
	H = L / 2;

	/* r = running minimum of g over [i - L, i + L] (monotonic deque). */
	r = xreallocarray(NULL, n, sizeof(*r));
	dq = xreallocarray(NULL, n, sizeof(*dq));
	for (k = 0, i = 0; i < n; i++) {
		for (; k < n && k <= i + L; k++) {
			while (tail > head && g[dq[tail - 1]] >= g[k])
				tail--;
			dq[tail++] = k;
		}
		while (dq[head] + L < i)
			head++;
		r[i] = g[dq[head]];
	}
	free(dq);

	/* Down at once (r already looks ahead), up with the release. */
	a = exp(-1.0 / (release_ms * rate / 1000.0));
	for (i = 1; i < n; i++)
		if (r[i] > r[i - 1])
			r[i] = (float)(r[i - 1] + (r[i] - r[i - 1]) * (1 - a));

	/* g = mean of r over [i - H, i + H]: smooth, and still <= need. */
	sum = 0;
	for (i = 0; i < n && i <= H; i++)
		sum += r[i];
	for (i = 0; i < n; i++) {
		lo = i > H ? i - H : 0;
		hi = i + H < n ? i + H : n - 1;
		g[i] = (float)(sum / (double)(hi - lo + 1));
		if (i + H + 1 < n)
			sum += r[i + H + 1];
		if (i >= H)
			sum -= r[i - H];
	}
	for (i = 0; i < n; i++)
		x[i] *= g[i];
	free(r);
	free(g);
	return 1;
}

static void
norm_apply(float *dst, const float *src, size_t n, double gain_db)
{
	float	 g = (float)pow(10, gain_db / 20);
	size_t	 i;

	for (i = 0; i < n; i++)
		dst[i] = src[i] * g;
}

int
au_normalise_into(const float *src, float *work, size_t n, int rate,
    const struct au_loudness *before, double target, double ceiling,
    double margin, struct au_loudness *after, double *gain_db,
    struct au_err *err)
{
	struct au_loudness	 b = *before, a;
	float			 thr;
	double			 gain, limit_db = 0, tp_max;
	int			 round;

	if (!isfinite(b.lufs) || b.lufs < AU_SILENT_LUFS)
		return au_err_set(err, AU_E_SILENT, "the audio is silent "
		    "(integrated loudness %s; at least %.0f LUFS is needed)",
		    isfinite(b.lufs) ? "very low" : "-inf", AU_SILENT_LUFS);
	tp_max = ceiling - margin;
	thr = (float)pow(10, tp_max / 20);
	gain = target - b.lufs;
	for (round = 0; round < NORM_ROUNDS; round++) {
		norm_apply(work, src, n, gain);
		if (!au_limit(work, n, rate, thr, LIM_RELEASE_MS)) {
			/*
			 * Pure gain: both measures move by exactly gain (the
			 * true peak stays NAN if `before` has none).
			 */
			a.lufs = b.lufs + gain;
			a.true_peak = b.true_peak + gain;
		} else if (au_loudness_measure(work, n, rate, &a, err) == -1)
			return -1;
		/* Inter-sample peaks: bring the threshold down by the over. */
		if (a.true_peak > tp_max + 0.01) {
			thr *= (float)pow(10, (tp_max - a.true_peak - 0.02) /
			    20);
			continue;
		}
		if (fabs(a.lufs - target) <= NORM_TOLERANCE ||
		    a.lufs > target || limit_db >= NORM_MAX_LIMIT_DB)
			break;
		limit_db += target - a.lufs;
		gain += target - a.lufs;
	}
	if (after != NULL)
		*after = a;
	if (gain_db != NULL)
		*gain_db = gain;
	return 0;
}

int
au_normalise(struct au_pcm *sig, double target, double ceiling,
    double margin, struct au_loudness *before, struct au_loudness *after,
    double *gain_db, struct au_err *err)
{
	struct au_loudness	 b;
	float			*work;
	int			 rc;

	if (au_loudness_measure(sig->s, sig->n, sig->rate, &b, err) == -1)
		return -1;
	if (before != NULL)
		*before = b;
	work = xreallocarray(NULL, sig->n, sizeof(*work));
	rc = au_normalise_into(sig->s, work, sig->n, sig->rate, &b, target,
	    ceiling, margin, after, gain_db, err);
	if (rc == 0)
		memcpy(sig->s, work, sig->n * sizeof(*work));
	free(work);
	return rc;
}
