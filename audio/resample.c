/*
 * resample.c: sample-rate conversion with libsamplerate.
 *
 * The converter is SRC_SINC_MEDIUM_QUALITY: a band-limited sinc
 * interpolator (about 121 dB SNR, 90 % of the band kept, per the
 * libsamplerate docs), far above what 8-bit G.711 can carry (~38 dB SNR)
 * and about three times faster than SRC_SINC_BEST_QUALITY, whose extra
 * stop-band rejection is below the G.711 noise floor; SRC_SINC_FASTEST and
 * the linear/zero-order converters alias audibly when going down to 8 kHz
 * and are never used.  docs/internals/audio.md has the measurements.
 *
 * Speed: libsamplerate's cost per output sample grows with the input rate
 * over the output rate (its filter is as long as the input is fast), so a
 * large drop (44.1 or 48 kHz to 8 kHz) first goes through an integer
 * decimator of our own: a Kaiser-windowed sinc FIR (about 100 dB stop
 * band, flat to 0.45 of the output rate) computed only at every M-th
 * input sample, down to the lowest rate rate_in / M >= DEC_MIN_RATIO x
 * rate_out, whose aliases all fold above the output band (44.1 kHz / 5 =
 * 8.82 kHz, 48 kHz / 5 = 9.6 kHz).  libsamplerate then does the last,
 * fractional step, from at most 1.2 times the output rate, where its
 * filter is shortest.  A minute of 44.1 kHz audio: ~0.48 s of CPU
 * through libsamplerate alone, ~0.09 s via 11.025 kHz, ~0.08 s via
 * 8.82 kHz, with the same passband and a stop band below G.711's noise.
 *
 * Streaming: au_resampler_push() feeds any number of input blocks; the
 * output is time-aligned with the input (libsamplerate compensates its own
 * delay) and, once `last` was given, holds round(n_in * ratio) samples
 * give or take one.  libsamplerate drains its filter only when the call
 * that says end_of_input also carries input (an empty final call loses
 * the last ~filter length of output), so the last RS_HOLD samples of every
 * push are held back and sent with the final call.  Same rate in and out:
 * samples are copied.
 */
#include "config.h"

#include <math.h>
#include <samplerate.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "xmalloc.h"

#define RS_QUALITY	SRC_SINC_MEDIUM_QUALITY
#define RS_BLOCK	8192		/* output samples per src_process */
#define RS_HOLD		256		/* input held back for the end */
#define DEC_MIN_RATIO	1.1		/* decimate while rate/M >= this x out */
#define DEC_ATTEN_DB	100.0		/* FIR stop band */
#define DEC_PASS	0.45		/* passband edge, x output rate */

/* Four floats: the GCC/Clang vector extension (SSE, NEON). */
typedef float v4f __attribute__((vector_size(16)));

static inline v4f
v4f_load(const float *p)
{
	v4f	 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The integer decimator in front of libsamplerate. */
struct rs_dec {
	int		 m;		/* keep one sample in m */
	float		*taps;
	size_t		 ntaps;		/* odd; (ntaps - 1) % (2 m) == 0 */
	float		*buf;		/* history + block */
	size_t		 nbuf, cap;
	size_t		 skip;		/* outputs still to drop (delay) */
	float		*out;
	size_t		 outcap;
};

struct au_resampler {
	SRC_STATE	*src;		/* NULL: same rate */
	double		 ratio;
	float		*out;		/* RS_BLOCK */
	float		 hold[2 * RS_HOLD];
	size_t		 nhold;
	struct rs_dec	*dec;		/* NULL: none */
};

static double
bessel_i0(double x)
{
	double	 sum = 1, term = 1;
	int	 k;

	for (k = 1; k < 50; k++) {
		term *= (x / (2 * k)) * (x / (2 * k));
		sum += term;
		if (term < sum * 1e-12)
			break;
	}
	return sum;
}

/* A decimator for rate_in -> rate_out, or NULL when not worth it. */
static struct rs_dec *
dec_new(int rate_in, int rate_out)
{
	struct rs_dec	*d;
	double		 mid, fp, fs, fc, beta, dw, c, t, sum = 0;
	size_t		 n, j;
	int		 m;

	m = (int)(rate_in / (DEC_MIN_RATIO * rate_out));
	if (m < 2)
		return NULL;
	mid = (double)rate_in / m;
	fp = DEC_PASS * rate_out;
	fs = mid - rate_out / 2.0;	/* aliases land above rate_out / 2 */
	fc = (fp + fs) / 2 / rate_in;
	dw = 2 * M_PI * (fs - fp) / rate_in;
	n = (size_t)ceil((DEC_ATTEN_DB - 7.95) / (2.285 * dw)) + 1;
	n = (n - 1 + 2 * m - 1) / (2 * m) * (2 * m) + 1;
	beta = 0.1102 * (DEC_ATTEN_DB - 8.7);

	d = xcalloc(1, sizeof(*d));
	d->m = m;
	d->ntaps = n;
	d->taps = xreallocarray(NULL, n, sizeof(float));
	c = (n - 1) / 2.0;
	for (j = 0; j < n; j++) {
		t = j - c;
		d->taps[j] = (float)((t == 0 ? 2 * fc : sin(2 * M_PI * fc * t) /
		    (M_PI * t)) * bessel_i0(beta * sqrt(1 - (t / c) * (t / c))) /
		    bessel_i0(beta));
		sum += d->taps[j];
	}
	for (j = 0; j < n; j++)
		d->taps[j] = (float)(d->taps[j] / sum);
	/* Start with ntaps - 1 zeros of history; drop the delay's outputs. */
	d->nbuf = n - 1;
	d->cap = n - 1 + 8192;
	d->buf = xcalloc(d->cap, sizeof(float));
	d->skip = (n - 1) / 2 / (size_t)m;
	return d;
}

static void
dec_free(struct rs_dec *d)
{
	if (d == NULL)
		return;
	free(d->taps);
	free(d->buf);
	free(d->out);
	free(d);
}

/*
 * Filter and decimate n more samples; *out points at the outputs.  The
 * buffer keeps ntaps - 1 samples of history, and its length past them
 * stays a multiple of m, so outputs fall on every m-th input.
 */
static size_t
dec_run(struct rs_dec *d, const float *in, size_t n, const float **out)
{
	size_t	 nout, k, j, i, start, used;
	float	 acc;

	if (d->nbuf + n > d->cap) {
		d->cap = d->nbuf + n;
		d->buf = xreallocarray(d->buf, d->cap, sizeof(float));
	}
	if (n > 0)
		memcpy(d->buf + d->nbuf, in, n * sizeof(float));
	d->nbuf += n;
	nout = (d->nbuf - (d->ntaps - 1)) / (size_t)d->m;
	if (nout > d->outcap) {
		d->outcap = nout;
		d->out = xreallocarray(d->out, nout, sizeof(float));
	}
	/* Oldest sample first, 16 sums in flight. */
	for (k = 0; k < nout; k++) {
		const float	*x = d->buf + k * (size_t)d->m + d->m - 1;
		v4f		 a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };

		for (j = 0; j + 16 <= d->ntaps; j += 16) {
			a0 += v4f_load(d->taps + j) * v4f_load(x + j);
			a1 += v4f_load(d->taps + j + 4) * v4f_load(x + j + 4);
			a2 += v4f_load(d->taps + j + 8) * v4f_load(x + j + 8);
			a3 += v4f_load(d->taps + j + 12) * v4f_load(x + j + 12);
		}
		a0 = (a0 + a1) + (a2 + a3);
		for (acc = 0, i = 0; i < 4; i++)
			acc += a0[i];
		for (; j < d->ntaps; j++)
			acc += d->taps[j] * x[j];
		d->out[k] = acc;
	}
	used = nout * (size_t)d->m;
	memmove(d->buf, d->buf + used, (d->nbuf - used) * sizeof(float));
	d->nbuf -= used;
	/* The FIR's delay: the first outputs are the filter filling up. */
	start = d->skip < nout ? d->skip : nout;
	d->skip -= start;
	*out = d->out + start;
	return nout - start;
}

struct au_resampler *
au_resampler_new(int rate_in, int rate_out, struct au_err *err)
{
	struct au_resampler	*rs;
	int			 e;

	if (rate_in <= 0 || rate_out <= 0) {
		au_err_set(err, AU_E_UNSUPPORTED, "sample rate %d Hz to %d Hz",
		    rate_in, rate_out);
		return NULL;
	}
	rs = xcalloc(1, sizeof(*rs));
	rs->ratio = (double)rate_out / rate_in;
	if (rate_in == rate_out)
		return rs;
	if ((rs->dec = dec_new(rate_in, rate_out)) != NULL)
		rs->ratio = (double)rate_out * rs->dec->m / rate_in;
	if (!src_is_valid_ratio(rs->ratio)) {
		au_err_set(err, AU_E_UNSUPPORTED, "cannot convert %d Hz to %d "
		    "Hz", rate_in, rate_out);
		free(rs);
		return NULL;
	}
	if ((rs->src = src_new(RS_QUALITY, 1, &e)) == NULL) {
		au_err_set(err, AU_E_INTERNAL, "libsamplerate: %s",
		    src_strerror(e));
		free(rs);
		return NULL;
	}
	rs->out = xreallocarray(NULL, RS_BLOCK, sizeof(float));
	return rs;
}

void
au_resampler_free(struct au_resampler *rs)
{
	if (rs == NULL)
		return;
	if (rs->src != NULL)
		src_delete(rs->src);
	dec_free(rs->dec);
	free(rs->out);
	free(rs);
}

/* One src_process run over in[0..n); drains when last. */
static int
rs_feed(struct au_resampler *rs, const float *in, size_t n, int last,
    struct au_pcm *out, struct au_err *err)
{
	SRC_DATA	 d;
	int		 e;

	for (;;) {
		d.data_in = in;
		d.input_frames = (long)n;
		d.data_out = rs->out;
		d.output_frames = RS_BLOCK;
		d.end_of_input = last;
		d.src_ratio = rs->ratio;
		if ((e = src_process(rs->src, &d)) != 0)
			return au_err_set(err, AU_E_INTERNAL,
			    "libsamplerate: %s", src_strerror(e));
		au_pcm_append(out, rs->out, (size_t)d.output_frames_gen);
		in += d.input_frames_used;
		n -= (size_t)d.input_frames_used;
		/* Done when the input is used up and, at the end, drained. */
		if (n == 0 && (!last || d.output_frames_gen == 0))
			return 0;
	}
}

/* The decimator's output, or the input itself without one. */
static int
rs_push_src(struct au_resampler *rs, const float *in, size_t n, int last,
    struct au_pcm *out, struct au_err *err);

int
au_resampler_push(struct au_resampler *rs, const float *in, size_t n,
    int last, struct au_pcm *out, struct au_err *err)
{
	const float	*y;
	float		*flush;
	size_t		 ny, k;
	int		 rc;

	if (rs->src == NULL) {
		au_pcm_append(out, in, n);
		return 0;
	}
	if (rs->dec == NULL)
		return rs_push_src(rs, in, n, last, out, err);
	ny = dec_run(rs->dec, in, n, &y);
	if (!last)
		return rs_push_src(rs, y, ny, 0, out, err);
	/* Push out the FIR's delay with zeros, then end. */
	if (rs_push_src(rs, y, ny, 0, out, err) == -1)
		return -1;
	k = (rs->dec->ntaps - 1) / 2;
	flush = xcalloc(k, sizeof(*flush));
	ny = dec_run(rs->dec, flush, k, &y);
	rc = rs_push_src(rs, y, ny, 1, out, err);
	free(flush);
	return rc;
}

static int
rs_push_src(struct au_resampler *rs, const float *in, size_t n, int last,
    struct au_pcm *out, struct au_err *err)
{
	size_t	 keep;

	if (last) {
		if (n == 0)
			return rs->nhold == 0 ? 0 :
			    rs_feed(rs, rs->hold, rs->nhold, 1, out, err);
		if (rs_feed(rs, rs->hold, rs->nhold, 0, out, err) == -1)
			return -1;
		rs->nhold = 0;
		return rs_feed(rs, in, n, 1, out, err);
	}
	if (n >= RS_HOLD) {
		if (rs_feed(rs, rs->hold, rs->nhold, 0, out, err) == -1 ||
		    rs_feed(rs, in, n - RS_HOLD, 0, out, err) == -1)
			return -1;
		memcpy(rs->hold, in + n - RS_HOLD, RS_HOLD * sizeof(*in));
		rs->nhold = RS_HOLD;
		return 0;
	}
	memcpy(rs->hold + rs->nhold, in, n * sizeof(*in));
	rs->nhold += n;
	if (rs->nhold > RS_HOLD) {
		keep = rs->nhold - RS_HOLD;
		if (rs_feed(rs, rs->hold, keep, 0, out, err) == -1)
			return -1;
		memmove(rs->hold, rs->hold + keep, RS_HOLD * sizeof(*in));
		rs->nhold = RS_HOLD;
	}
	return 0;
}

int
au_resample(const struct au_pcm *in, int rate, struct au_pcm **out,
    struct au_err *err)
{
	struct au_resampler	*rs;
	struct au_pcm		*p;

	*out = NULL;
	if ((rs = au_resampler_new(in->rate, rate, err)) == NULL)
		return -1;
	p = au_pcm_new(rate);
	if (au_resampler_push(rs, in->s, in->n, 1, p, err) == -1) {
		au_resampler_free(rs);
		au_pcm_free(p);
		return -1;
	}
	au_resampler_free(rs);
	*out = p;
	return 0;
}
