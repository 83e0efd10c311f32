/*
 * prepare.c: from an 8 kHz mono signal to the stream a call plays:
 * loudness normalisation under a true-peak ceiling, G.711, 20 ms frames
 * (the last one padded with the codec's silence).
 *
 * The loudness and true peak reported "after" are measured on the G.711
 * stream decoded again, i.e. on what a caller hears.  G.711 rounding can
 * lift a peak by up to ~0.15 dB, so the limiter aims PREP_MARGIN_DB under
 * the ceiling; should the decoded stream still be over it, the margin
 * grows by the excess and the signal is normalised again (at most
 * PREP_ROUNDS times).
 *
 * Cost: the first round measures only the integrated loudness before
 * (the 4x-oversampled true peak is two thirds of libebur128's work): when
 * the gain alone is enough (no sample over the limiter's threshold) the
 * true peak measured after, on the decoded stream, is the check.  Only
 * if that one is over the ceiling is the true peak measured before too,
 * and the rounds go on as above.  One work buffer serves every round:
 * the normalised signal, then the G.711 stream decoded into it.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "xmalloc.h"

#define PREP_MARGIN_DB	0.3
#define PREP_ROUNDS	5

void
au_prepare_opts_default(struct au_prepare_opts *o)
{
	o->target_lufs = AU_TARGET_LUFS;
	o->ceiling_dbtp = AU_CEILING_DBTP;
	o->codec = AU_CODEC_ULAW;
}

void
au_prepared_free(struct au_prepared *p)
{
	if (p == NULL)
		return;
	free(p->data);
	free(p);
}

double
au_prepared_seconds(const struct au_prepared *p)
{
	return (double)p->samples / AU_RATE;
}

struct au_pcm *
au_prepared_pcm(const struct au_prepared *p)
{
	struct au_pcm	*pcm;
	size_t		 n = (size_t)p->frames * AU_FRAME_SAMPLES;

	pcm = au_pcm_new(AU_RATE);
	au_pcm_pad(pcm, n);
	au_g711_decode(p->codec, p->data, n, pcm->s);
	pcm->n = p->samples;
	return pcm;
}

int
au_prepare(const struct au_pcm *sig, const struct au_prepare_opts *o,
    const uint8_t *hash, struct au_prepared **out, struct au_err *err)
{
	struct au_prepared	*p;
	struct au_loudness	 before, after;
	float			*work = NULL;
	double			 margin = PREP_MARGIN_DB, gain = 0;
	size_t			 frames, nbytes;
	int			 round;

	*out = NULL;
	if (sig->rate != AU_RATE)
		return au_err_set(err, AU_E_INVALID, "%s: the signal is at "
		    "%d Hz, not %d", __func__, sig->rate, AU_RATE);
	if (sig->n == 0)
		return au_err_set(err, AU_E_EMPTY, "no audio");
	if (sig->n > UINT32_MAX - AU_FRAME_SAMPLES)
		return au_err_set(err, AU_E_TOO_LONG, "too long");
	if (!isfinite(o->target_lufs) || o->target_lufs < -70 ||
	    o->target_lufs > -5)
		return au_err_set(err, AU_E_INVALID, "target %.1f LUFS is "
		    "out of range (-70 .. -5)", o->target_lufs);
	if (!isfinite(o->ceiling_dbtp) || o->ceiling_dbtp < -20 ||
	    o->ceiling_dbtp > 0)
		return au_err_set(err, AU_E_INVALID, "ceiling %.1f dBTP is "
		    "out of range (-20 .. 0)", o->ceiling_dbtp);
	/* Round 0 measures no true peak before: the one after decides. */
	if (au_loudness_measure_lufs(sig->s, sig->n, sig->rate, &before,
	    err) == -1)
		return -1;

	frames = (sig->n + AU_FRAME_SAMPLES - 1) / AU_FRAME_SAMPLES;
	nbytes = frames * AU_FRAME_SAMPLES;
	p = xcalloc(1, sizeof(*p));
	p->codec = o->codec;
	p->samples = (uint32_t)sig->n;
	p->frames = (uint32_t)frames;
	p->target_lufs = o->target_lufs;
	if (hash != NULL)
		memcpy(p->hash, hash, AU_HASH_LEN);
	p->data = xmalloc(nbytes);
	au_prefault(p->data, nbytes);

	/* work: the normalised signal, then the G.711 stream decoded. */
	work = xreallocarray(NULL, sig->n, sizeof(*work));
	au_prefault(work, sig->n * sizeof(*work));
	for (round = 0; round < PREP_ROUNDS; round++) {
		if (au_normalise_into(sig->s, work, sig->n, sig->rate, &before,
		    o->target_lufs, o->ceiling_dbtp, margin, NULL, &gain, err)
		    == -1)
			goto fail;
		au_g711_encode(p->codec, work, sig->n, p->data);
		memset(p->data + sig->n, au_g711_silence(p->codec),
		    nbytes - sig->n);
		au_g711_decode(p->codec, p->data, sig->n, work);
		if (au_loudness_measure(work, sig->n, AU_RATE, &after, err)
		    == -1)
			goto fail;
		if (after.true_peak <= o->ceiling_dbtp)
			break;
		if (isnan(before.true_peak)) {
			/* Over without a true peak to go on: measure it. */
			if (au_loudness_measure(sig->s, sig->n, sig->rate,
			    &before, err) == -1)
				goto fail;
			continue;
		}
		margin += after.true_peak - o->ceiling_dbtp + 0.05;
	}
	p->lufs_before = before.lufs;
	p->lufs_after = after.lufs;
	p->peak_after = after.true_peak;
	p->gain_db = gain;
	free(work);
	*out = p;
	return 0;

fail:
	free(work);
	au_prepared_free(p);
	return -1;
}
