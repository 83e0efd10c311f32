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
 * fractional step, from 1.1-1.4 times the output rate (up to 2.2 when
 * there is no decimator), where its filter is short: a minute of
 * 44.1 kHz audio takes ~0.48 s of CPU through libsamplerate alone,
 * ~0.09 s via 11.025 kHz, ~0.08 s via 8.82 kHz, with the same passband
 * and a stop band below G.711's noise.
 *
 * Streaming: au_resampler_push() feeds any number of input blocks; the
 * output is time-aligned with the input (libsamplerate compensates its own
 * delay) and, once `last` was given, holds round(n_in * ratio) samples
 * give or take one.  libsamplerate drains its filter only when the call
 * that says end_of_input also carries input (an empty final call loses
 * the last ~filter length of output), so the last RS_HOLD samples of every
 * push are held back and sent with the final call.  Same rate in and out:
 * samples are copied.
 *
 * Two threads (au_resampler_new_threaded): the caller's thread runs the
 * decimator and appends its output to blocks (struct rs_mt); a second
 * thread runs libsamplerate over them as they come (rs_mt_main).  The
 * last push splits what that thread has not taken between the two, at a
 * point where both parts' outputs fall on the same sample grid, each
 * part with RS_MT_EDGE or more samples of real signal past the split, so
 * the output is one pass's (rs_mt_finish; test_audio_decode compares).
 */
#include "config.h"

#include <math.h>
#include <pthread.h>
#include <samplerate.h>
#include <stdint.h>
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
#define RS_MT_BLOCK	16384		/* floats per block handed over */
#define RS_MT_EDGE	256		/* input past each side of a split */
#define RS_MT_MIN	(4 * RS_MT_BLOCK) /* split only if this much is left */
#define RS_MT_GRID_MAX	4096		/* no split if the grid is wider */
#define RS_MT_SECONDS	2.0		/* au_resample: a thread from here */

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

/* One libsamplerate state and what streaming through it needs. */
struct rs_src {
	SRC_STATE	*state;		/* NULL: same rate */
	double		 ratio;
	float		*out;		/* RS_BLOCK */
	float		 hold[2 * RS_HOLD];
	size_t		 nhold;
};

/*
 * The fractional step on a second thread (au_resampler_new_threaded).
 * The producer appends the decimated signal to blocks that never move;
 * the worker converts it as it comes.  mu guards every field but the
 * block contents below n, which are written once before n passes them.
 */
struct rs_mt {
	pthread_t	 tid;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* more input, a stop, or quit */
	int		 started, joined;
	float		**blk;		/* RS_MT_BLOCK floats each */
	size_t		 nblk, blkcap;
	size_t		 freed;		/* blk[0 .. freed) went to spare */
	float		**spare;	/* blocks to reuse */
	size_t		 nspare;
	size_t		 n;		/* samples appended */
	size_t		 taken;		/* the worker has taken [0, taken) */
	size_t		 stop;		/* its input ends there (SIZE_MAX) */
	int		 quit;
	int		 failed;
	struct au_err	 err;
	struct au_pcm	*out;		/* the worker appends here */
	size_t		 base;		/* out->n before the first push */
	size_t		 gin, gout;	/* ratio gout / gin; gin 0: no split */
	size_t		 edge;		/* multiple of gin, >= RS_MT_EDGE */
	size_t		 split;		/* where the last push split, or 0 */
};

struct au_resampler {
	struct rs_src	 src;
	struct rs_dec	*dec;		/* NULL: none */
	struct rs_mt	*mt;		/* NULL: all on the caller's thread */
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

/* Greatest common divisor (for the exact ratio of a split). */
static uint64_t
rs_gcd(uint64_t a, uint64_t b)
{
	uint64_t	 t;

	while (b != 0) {
		t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static int
rs_src_init(struct rs_src *s, double ratio, struct au_err *err)
{
	int	 e;

	s->ratio = ratio;
	if ((s->state = src_new(RS_QUALITY, 1, &e)) == NULL)
		return au_err_set(err, AU_E_INTERNAL, "libsamplerate: %s",
		    src_strerror(e));
	s->out = xreallocarray(NULL, RS_BLOCK, sizeof(float));
	return 0;
}

static void
rs_src_done(struct rs_src *s)
{
	if (s->state != NULL)
		src_delete(s->state);
	free(s->out);
}

struct au_resampler *
au_resampler_new(int rate_in, int rate_out, struct au_err *err)
{
	struct au_resampler	*rs;
	double			 ratio;

	if (rate_in <= 0 || rate_out <= 0) {
		au_err_set(err, AU_E_UNSUPPORTED, "sample rate %d Hz to %d Hz",
		    rate_in, rate_out);
		return NULL;
	}
	rs = xcalloc(1, sizeof(*rs));
	if (rate_in == rate_out)
		return rs;
	rs->dec = dec_new(rate_in, rate_out);
	ratio = (double)rate_out * (rs->dec != NULL ? rs->dec->m : 1) /
	    rate_in;
	if (!src_is_valid_ratio(ratio)) {
		au_err_set(err, AU_E_UNSUPPORTED, "cannot convert %d Hz to %d "
		    "Hz", rate_in, rate_out);
		au_resampler_free(rs);
		return NULL;
	}
	if (rs_src_init(&rs->src, ratio, err) == -1) {
		au_resampler_free(rs);
		return NULL;
	}
	return rs;
}

struct au_resampler *
au_resampler_new_threaded(int rate_in, int rate_out, struct au_err *err)
{
	struct au_resampler	*rs;
	struct rs_mt		*mt;
	uint64_t		 num, den, g;

	if ((rs = au_resampler_new(rate_in, rate_out, err)) == NULL ||
	    rs->src.state == NULL)
		return rs;
	mt = xcalloc(1, sizeof(*mt));
	mt->stop = SIZE_MAX;
	/* The ratio libsamplerate sees, gout / gin in lowest terms. */
	num = (uint64_t)rate_out * (rs->dec != NULL ? (uint64_t)rs->dec->m : 1);
	den = (uint64_t)rate_in;
	g = rs_gcd(num, den);
	if (den / g <= RS_MT_GRID_MAX) {
		mt->gin = (size_t)(den / g);
		mt->gout = (size_t)(num / g);
		mt->edge = (RS_MT_EDGE + mt->gin - 1) / mt->gin * mt->gin;
	}
	rs->mt = mt;
	return rs;
}

static void
rs_mt_free(struct rs_mt *mt)
{
	size_t	 i;

	if (mt == NULL)
		return;
	if (mt->started) {
		if (!mt->joined) {
			pthread_mutex_lock(&mt->mu);
			mt->quit = 1;
			pthread_cond_signal(&mt->cv);
			pthread_mutex_unlock(&mt->mu);
			pthread_join(mt->tid, NULL);
		}
		pthread_mutex_destroy(&mt->mu);
		pthread_cond_destroy(&mt->cv);
	}
	for (i = 0; i < mt->nblk; i++)
		free(mt->blk[i]);
	for (i = 0; i < mt->nspare; i++)
		free(mt->spare[i]);
	free(mt->blk);
	free(mt->spare);
	free(mt);
}

void
au_resampler_free(struct au_resampler *rs)
{
	if (rs == NULL)
		return;
	/* The thread first: it may be using the state. */
	rs_mt_free(rs->mt);
	rs_src_done(&rs->src);
	dec_free(rs->dec);
	free(rs);
}

/* One src_process run over in[0..n); drains when last. */
static int
rs_feed(struct rs_src *s, const float *in, size_t n, int last,
    struct au_pcm *out, struct au_err *err)
{
	SRC_DATA	 d;
	int		 e;

	for (;;) {
		d.data_in = in;
		d.input_frames = (long)n;
		d.data_out = s->out;
		d.output_frames = RS_BLOCK;
		d.end_of_input = last;
		d.src_ratio = s->ratio;
		if ((e = src_process(s->state, &d)) != 0)
			return au_err_set(err, AU_E_INTERNAL,
			    "libsamplerate: %s", src_strerror(e));
		au_pcm_append(out, s->out, (size_t)d.output_frames_gen);
		in += d.input_frames_used;
		n -= (size_t)d.input_frames_used;
		/* Done when the input is used up and, at the end, drained. */
		if (n == 0 && (!last || d.output_frames_gen == 0))
			return 0;
	}
}

/* n more samples through libsamplerate, holding back RS_HOLD. */
static int
rs_push_src(struct rs_src *s, const float *in, size_t n, int last,
    struct au_pcm *out, struct au_err *err)
{
	size_t	 keep;

	if (last) {
		if (n == 0)
			return s->nhold == 0 ? 0 :
			    rs_feed(s, s->hold, s->nhold, 1, out, err);
		if (rs_feed(s, s->hold, s->nhold, 0, out, err) == -1)
			return -1;
		s->nhold = 0;
		return rs_feed(s, in, n, 1, out, err);
	}
	if (n >= RS_HOLD) {
		if (rs_feed(s, s->hold, s->nhold, 0, out, err) == -1 ||
		    rs_feed(s, in, n - RS_HOLD, 0, out, err) == -1)
			return -1;
		memcpy(s->hold, in + n - RS_HOLD, RS_HOLD * sizeof(*in));
		s->nhold = RS_HOLD;
		return 0;
	}
	memcpy(s->hold + s->nhold, in, n * sizeof(*in));
	s->nhold += n;
	if (s->nhold > RS_HOLD) {
		keep = s->nhold - RS_HOLD;
		if (rs_feed(s, s->hold, keep, 0, out, err) == -1)
			return -1;
		memmove(s->hold, s->hold + keep, RS_HOLD * sizeof(*in));
		s->nhold = RS_HOLD;
	}
	return 0;
}

/* --- the fractional step on a thread of its own ----------------------------- */

/*
 * The worker: libsamplerate over the signal as it arrives, from 0 to
 * stop (not known until the producer's last push), a block at most at a
 * time; blocks it has left far enough behind go back to the producer.
 */
static void *
rs_mt_main(void *arg)
{
	struct au_resampler	*rs = arg;
	struct rs_mt		*mt = rs->mt;
	struct au_err		 err = { NULL, "" };
	const float		*p;
	size_t			 from, len, lim, b;
	int			 last, rc;

	pthread_mutex_lock(&mt->mu);
	for (;;) {
		lim = mt->n < mt->stop ? mt->n : mt->stop;
		if (mt->quit)
			break;
		if (mt->taken == lim && mt->taken != mt->stop) {
			pthread_cond_wait(&mt->cv, &mt->mu);
			continue;
		}
		from = mt->taken;
		b = from / RS_MT_BLOCK;
		len = lim - from;
		if (len > (b + 1) * RS_MT_BLOCK - from)
			len = (b + 1) * RS_MT_BLOCK - from;
		p = len > 0 ? mt->blk[b] + from % RS_MT_BLOCK : NULL;
		mt->taken = from + len;
		last = mt->taken == mt->stop;
		pthread_mutex_unlock(&mt->mu);
		rc = rs_push_src(&rs->src, p, len, last, mt->out, &err);
		pthread_mutex_lock(&mt->mu);
		if (rc == -1) {
			mt->err = err;
			mt->failed = 1;
			break;
		}
		if (last)
			break;
		/*
		 * A split takes the second part from at least taken - edge,
		 * and its first part runs edge past the split: blocks that end
		 * 2 x edge behind are never read again.
		 */
		while (mt->freed < mt->nblk && (mt->freed + 1) * RS_MT_BLOCK +
		    2 * mt->edge <= mt->taken) {
			mt->spare[mt->nspare++] = mt->blk[mt->freed];
			mt->blk[mt->freed++] = NULL;
		}
	}
	pthread_mutex_unlock(&mt->mu);
	return NULL;
}

/* Start the worker on the first push; -1 if no thread can be had. */
static int
rs_mt_start(struct au_resampler *rs, struct au_pcm *out)
{
	struct rs_mt	*mt = rs->mt;

	mt->out = out;
	mt->base = out->n;
	if (pthread_mutex_init(&mt->mu, NULL) != 0)
		return -1;
	if (pthread_cond_init(&mt->cv, NULL) != 0) {
		pthread_mutex_destroy(&mt->mu);
		return -1;
	}
	if (pthread_create(&mt->tid, NULL, rs_mt_main, rs) != 0) {
		pthread_cond_destroy(&mt->cv);
		pthread_mutex_destroy(&mt->mu);
		return -1;
	}
	mt->started = 1;
	return 0;
}

/* Append n samples for the worker; -1 with err if it has failed. */
static int
rs_mt_append(struct rs_mt *mt, const float *y, size_t n, struct au_err *err)
{
	size_t	 b, off, k;

	pthread_mutex_lock(&mt->mu);
	if (mt->failed) {
		*err = mt->err;
		pthread_mutex_unlock(&mt->mu);
		return -1;
	}
	while (n > 0) {
		b = mt->n / RS_MT_BLOCK;
		off = mt->n % RS_MT_BLOCK;
		if (off == 0) {
			if (b == mt->blkcap) {
				mt->blkcap = mt->blkcap == 0 ? 64 :
				    2 * mt->blkcap;
				mt->blk = xreallocarray(mt->blk, mt->blkcap,
				    sizeof(*mt->blk));
				mt->spare = xreallocarray(mt->spare,
				    mt->blkcap, sizeof(*mt->spare));
			}
			mt->blk[b] = mt->nspare > 0 ? mt->spare[--mt->nspare] :
			    xreallocarray(NULL, RS_MT_BLOCK, sizeof(float));
			mt->nblk = b + 1;
		}
		k = RS_MT_BLOCK - off < n ? RS_MT_BLOCK - off : n;
		memcpy(mt->blk[b] + off, y, k * sizeof(*y));
		mt->n += k;
		y += k;
		n -= k;
	}
	pthread_cond_signal(&mt->cv);
	pthread_mutex_unlock(&mt->mu);
	return 0;
}

/*
 * The input is complete.  If enough is left that the worker has not
 * taken, split it: the worker ends edge past a split point s (s a
 * multiple of gin, so both parts' outputs fall on the same grid), this
 * thread converts [s - edge, n) with a state of its own, and the output
 * is the worker's up to s plus this thread's from s on.  Each side's
 * extra edge keeps the filter of the samples that are kept on real
 * signal: the result equals one pass to float rounding
 * (test_audio_decode).
 */
static int
rs_mt_finish(struct au_resampler *rs, struct au_pcm *out, struct au_err *err)
{
	struct rs_mt	*mt = rs->mt;
	struct rs_src	 s2;
	struct au_pcm	*tail = NULL;
	size_t		 n, split = 0, from, b, len, keep, skip;
	int		 rc = 0;

	memset(&s2, 0, sizeof(s2));
	pthread_mutex_lock(&mt->mu);
	n = mt->n;
	if (mt->gin > 0 && n - mt->taken >= RS_MT_MIN) {
		split = mt->taken + (n - mt->taken) / 2;
		split = (split + mt->gin - 1) / mt->gin * mt->gin;
		if (split < mt->edge || split + mt->edge > n)
			split = 0;
	}
	mt->stop = split > 0 ? split + mt->edge : n;
	mt->split = split;
	pthread_cond_signal(&mt->cv);
	pthread_mutex_unlock(&mt->mu);

	if (split > 0) {
		tail = au_pcm_new(out->rate);
		if ((rc = rs_src_init(&s2, rs->src.ratio, err)) == 0)
			for (from = split - mt->edge; from < n; from += len) {
				b = from / RS_MT_BLOCK;
				len = (b + 1) * RS_MT_BLOCK - from;
				if (len > n - from)
					len = n - from;
				/* Blocks from split - edge on stay put. */
				if ((rc = rs_push_src(&s2, mt->blk[b] + from %
				    RS_MT_BLOCK, len, from + len == n, tail,
				    err)) == -1)
					break;
			}
	}
	pthread_join(mt->tid, NULL);
	mt->joined = 1;
	if (rc == 0 && mt->failed) {
		*err = mt->err;
		rc = -1;
	}
	if (rc == 0 && split > 0) {
		keep = mt->base + split / mt->gin * mt->gout;
		skip = mt->edge / mt->gin * mt->gout;
		if (out->n < keep || tail->n < skip)
			rc = au_err_set(err, AU_E_INTERNAL, "%s: %zu + %zu "
			    "samples, short of a split at %zu", __func__,
			    out->n, tail->n, keep);
		else {
			out->n = keep;
			au_pcm_append(out, tail->s + skip, tail->n - skip);
		}
	}
	rs_src_done(&s2);
	au_pcm_free(tail);
	return rc;
}

size_t
au_resampler_split(const struct au_resampler *rs)
{
	return rs->mt != NULL ? rs->mt->split : 0;
}

/* Hand n samples (decimated, if there is a decimator) to libsamplerate. */
static int
rs_pass(struct au_resampler *rs, const float *y, size_t n, int last,
    struct au_pcm *out, struct au_err *err)
{
	if (rs->mt != NULL && !rs->mt->started &&
	    rs_mt_start(rs, out) == -1) {
		/* No thread to be had: one thread does it all. */
		rs_mt_free(rs->mt);
		rs->mt = NULL;
	}
	if (rs->mt == NULL)
		return rs_push_src(&rs->src, y, n, last, out, err);
	if (rs_mt_append(rs->mt, y, n, err) == -1)
		return -1;
	return last ? rs_mt_finish(rs, out, err) : 0;
}

int
au_resampler_push(struct au_resampler *rs, const float *in, size_t n,
    int last, struct au_pcm *out, struct au_err *err)
{
	const float	*y;
	float		*flush;
	size_t		 ny, k;
	int		 rc;

	if (rs->src.state == NULL) {
		au_pcm_append(out, in, n);
		return 0;
	}
	if (rs->dec == NULL)
		return rs_pass(rs, in, n, last, out, err);
	ny = dec_run(rs->dec, in, n, &y);
	if (!last)
		return rs_pass(rs, y, ny, 0, out, err);
	/* Push out the FIR's delay with zeros, then end. */
	if (rs_pass(rs, y, ny, 0, out, err) == -1)
		return -1;
	k = (rs->dec->ntaps - 1) / 2;
	flush = xcalloc(k, sizeof(*flush));
	ny = dec_run(rs->dec, flush, k, &y);
	rc = rs_pass(rs, y, ny, 1, out, err);
	free(flush);
	return rc;
}

int
au_resample(const struct au_pcm *in, int rate, struct au_pcm **out,
    struct au_err *err)
{
	struct au_resampler	*rs;
	struct au_pcm		*p;

	*out = NULL;
	rs = (double)in->n >= RS_MT_SECONDS * in->rate ?
	    au_resampler_new_threaded(in->rate, rate, err) :
	    au_resampler_new(in->rate, rate, err);
	if (rs == NULL)
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
