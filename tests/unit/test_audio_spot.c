/*
 * test_audio_spot.c: spot assembly.  The ducking depth is measured on the
 * bed itself: a 300 Hz bed under a 1 kHz "voice", the 300 Hz level during
 * the voice against before it must differ by the configured depth; the
 * gain curve alone must reach exactly -depth and come back; the layout
 * (intro, crossfade, voice, outro) lands where the timeline says; a
 * silent voice or bed is refused.
 */
#include "config.h"

#include "tap.h"
#include "test_audio.h"

#define R	AU_RATE

static void
test_duck_gain(void)
{
	float	*v, *g;
	size_t	 n = R * 6, i;
	double	 depth = 12, min_db = 0;

	v = ta_alloc(n);
	for (i = 2 * R; i < 4 * R; i++)
		v[i] = (float)(0.3 * sin(2 * M_PI * 1000 * i / R));
	g = ta_alloc(n);
	au_duck_gain(v, n, R, depth, 50, 400, g);
	for (i = 0; i < n; i++)
		if (ta_db(g[i]) < min_db)
			min_db = ta_db(g[i]);
	ok(fabs(g[R] - 1) < 1e-6, "no voice: bed not ducked");
	ok(fabs(ta_db(g[3 * R]) + depth) < 0.01, "under the voice: -%.0f dB "
	    "(%.2f)", depth, ta_db(g[3 * R]));
	ok(min_db >= -depth - 0.01, "never below -depth (%.2f)", min_db);
	ok(ta_db(g[2 * R]) < -depth + 0.5, "look-ahead: already down when the "
	    "voice starts (%.2f dB)", ta_db(g[2 * R]));
	ok(ta_db(g[2 * R - R / 10]) > -depth / 2, "but not 100 ms before "
	    "(%.2f dB)", ta_db(g[2 * R - R / 10]));
	ok(fabs(g[5 * R + R / 2] - 1) < 1e-6, "back up after release + hold");
	free(v);
	free(g);
}

static void
test_mix_depth(double depth)
{
	struct au_spot	 s;
	struct au_pcm	*voice, *bed, *out = NULL;
	struct au_err	 e = { NULL, "" };
	float		*v, *b;
	double		 pre, under, got;
	size_t		 nv = R * 4, nb = R * 3;

	v = ta_sine(R, nv, 1000, 0.3);
	b = ta_sine(R, nb, 300, 0.3);
	voice = ta_pcm(v, nv, R);
	bed = ta_pcm(b, nb, R);
	au_spot_default(&s);
	s.voice = voice;
	s.bed = bed;
	s.duck_db = depth;
	if (!ok(au_spot_mix(&s, &out, &e) == 0, "spot with a %.0f dB duck",
	    depth)) {
		diag("%s", e.msg);
		goto done;
	}
	/* No intro: 1 s bed pre-roll, voice 1..5 s, 1 s tail. */
	ok(out->n == (size_t)(R * 6), "layout: pre-roll + voice + tail = 6 s "
	    "(%.2f)", au_pcm_seconds(out));
	pre = ta_tone(out->s + R / 4, R / 2, R, 300);
	under = ta_tone(out->s + 2 * R, 2 * R, R, 300);
	got = ta_db(pre) - ta_db(under);
	ok(fabs(got - depth) < 0.5, "bed measured %.2f dB down under the "
	    "voice (want %.0f)", got, depth);
	ok(fabs(ta_db(ta_tone(out->s + 2 * R, 2 * R, R, 1000)) -
	    ta_db(0.3)) < 0.1, "voice untouched by the mix");
	ok(fabs(ta_db(pre) - (ta_db(0.3) - 6)) < 0.6, "bed before the voice "
	    "at voice - 6 LU (%.1f dB)", ta_db(pre));
done:
	au_pcm_free(out);
	au_pcm_free(voice);
	au_pcm_free(bed);
	free(v);
	free(b);
}

static void
test_layout(void)
{
	struct au_spot	 s;
	struct au_pcm	*voice, *intro, *outro, *silent, *out = NULL;
	struct au_err	 e = { NULL, "" };
	float		*v, *m, *z;
	size_t		 nv = R * 3, nm = R * 2;
	double		 early, late;

	v = ta_alloc(nv + R);
	{
		float	*t = ta_sine(R, nv, 1000, 0.3);

		memcpy(v + R / 2, t, nv * sizeof(*v));	/* 0.5 s lead-in */
		free(t);
	}
	m = ta_sine(R, nm, 500, 0.3);
	voice = ta_pcm(v, nv + R / 2, R);
	intro = ta_pcm(m, nm, R);
	outro = ta_pcm(m, nm, R);
	au_spot_default(&s);
	s.voice = voice;
	s.intro = intro;
	s.outro = outro;
	ok(au_spot_mix(&s, &out, &e) == 0, "intro + voice + outro");
	/* Voice: 0.5 s lead-in trimmed to 0.1 s; intro 2 s - 0.5 s. */
	ok(fabs(au_pcm_seconds(out) - (1.5 + 3.1 + 2.0)) < 0.01,
	    "length: intro - crossfade + trimmed voice + outro (%.3f s)",
	    au_pcm_seconds(out));
	early = ta_tone(out->s, R, R, 500);
	late = ta_tone(out->s + 2 * R, R, R, 500);
	ok(early > 0.25 && late < 0.01, "intro plays, then is gone under "
	    "the voice (%.3f, %.4f)", early, late);
	ok(ta_tone(out->s + (size_t)(1.6 * R), R, R, 1000) > 0.25,
	    "voice after the intro");
	ok(ta_tone(out->s + out->n - R, R, R, 500) > 0.25, "outro at the end");
	au_pcm_free(out);
	out = NULL;

	z = ta_alloc(R);
	silent = ta_pcm(z, R, R);
	s.voice = silent;
	ok(au_spot_mix(&s, &out, &e) == -1 && strcmp(e.code, AU_E_SILENT) ==
	    0, "silent voice refused: %s", e.msg);
	s.voice = voice;
	s.intro = NULL;
	s.outro = NULL;
	s.bed = silent;
	ok(au_spot_mix(&s, &out, &e) == -1 && strcmp(e.code, AU_E_SILENT) ==
	    0, "silent bed refused: %s", e.msg);
	s.bed = NULL;
	s.duck_db = -3;
	ok(au_spot_mix(&s, &out, &e) == -1 && strcmp(e.code, AU_E_INVALID) ==
	    0, "negative duck refused");
	s.duck_db = 10;
	s.voice = NULL;
	ok(au_spot_mix(&s, &out, &e) == -1, "no voice refused");
	au_pcm_free(voice);
	au_pcm_free(intro);
	au_pcm_free(outro);
	au_pcm_free(silent);
	free(v);
	free(m);
	free(z);
}

/* A bed shorter than the voice loops; the whole spot prepares. */
static void
test_loop_prepare(void)
{
	struct au_spot		 s;
	struct au_prepare_opts	 o;
	struct au_prepared	*p = NULL;
	struct au_pcm		*voice, *bed, *out = NULL;
	struct au_err		 e = { NULL, "" };
	float			*v, *b;

	v = ta_dtmf("1234567890", R * 3);
	b = ta_noise(R / 2, 0.2, 5);
	voice = ta_pcm(v, R * 3, R);
	bed = ta_pcm(b, R / 2, R);
	au_spot_default(&s);
	s.voice = voice;
	s.bed = bed;
	ok(au_spot_mix(&s, &out, &e) == 0 && ta_rms(out->s + out->n - R,
	    R / 2) > 0.001, "a 0.5 s bed loops under 3 s of voice");
	au_prepare_opts_default(&o);
	ok(out != NULL && au_prepare(out, &o, NULL, &p, &e) == 0 &&
	    fabs(p->lufs_after - o.target_lufs) < 0.5 && p->peak_after <=
	    o.ceiling_dbtp, "the spot prepares to %.1f LUFS, %.1f dBTP",
	    p != NULL ? p->lufs_after : 0, p != NULL ? p->peak_after : 0);
	au_prepared_free(p);
	au_pcm_free(out);
	au_pcm_free(voice);
	au_pcm_free(bed);
	free(v);
	free(b);
}

int
main(void)
{
	test_duck_gain();
	test_mix_depth(6);
	test_mix_depth(15);
	test_mix_depth(24);
	test_layout();
	test_loop_prepare();
	return done_testing();
}
