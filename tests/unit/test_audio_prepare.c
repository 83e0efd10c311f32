/*
 * test_audio_prepare.c: loudness, the limiter, prepare, the cache file,
 * the G.711 WAV and the recorder.  Loudness must land within 0.5 LU of the
 * target with the true peak under the ceiling, measured on the decoded
 * G.711 by an independent libebur128 run, for quiet, loud, noisy, peaky
 * and clipped inputs; silence is refused; every file is written whole or
 * not at all, and the cache reader refuses damaged files.
 */
#include "config.h"

#include <ebur128.h>
#include <fcntl.h>

#include "tap.h"
#include "test_audio.h"

/* Integrated loudness and true peak of x, measured here. */
static void
measure(const float *x, size_t n, double *lufs, double *tp)
{
	ebur128_state	*st;
	double		 peak = 0;

	st = ebur128_init(1, AU_RATE, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
	ebur128_add_frames_float(st, x, n);
	ebur128_loudness_global(st, lufs);
	ebur128_true_peak(st, 0, &peak);
	*tp = 20 * log10(peak);
	ebur128_destroy(&st);
}

static void
check_prepare(const char *what, float *x, size_t n, double target,
    enum au_codec codec)
{
	struct au_prepare_opts	 o;
	struct au_prepared	*p = NULL;
	struct au_pcm		*sig, *dec;
	struct au_err		 e = { NULL, "" };
	double			 lufs, tp;

	au_prepare_opts_default(&o);
	o.target_lufs = target;
	o.codec = codec;
	sig = ta_pcm(x, n, AU_RATE);
	if (!ok(au_prepare(sig, &o, NULL, &p, &e) == 0, "%s: prepared",
	    what)) {
		diag("%s: %s", e.code, e.msg);
		au_pcm_free(sig);
		return;
	}
	dec = au_prepared_pcm(p);
	measure(dec->s, dec->n, &lufs, &tp);
	ok(fabs(lufs - target) <= 0.5, "%s: %.2f LUFS for target %.0f "
	    "(+-0.5 LU)", what, lufs, target);
	ok(tp <= AU_CEILING_DBTP, "%s: true peak %.2f dBTP <= %.1f", what, tp,
	    AU_CEILING_DBTP);
	ok(fabs(p->lufs_after - lufs) < 0.05 && fabs(p->peak_after - tp) <
	    0.05, "%s: reported after = measured", what);
	ok(p->frames == (n + 159) / 160 && p->samples == n,
	    "%s: %u frames of 20 ms for %zu samples", what, p->frames, n);
	au_pcm_free(dec);
	au_pcm_free(sig);
	au_prepared_free(p);
}

static void
test_loudness(void)
{
	struct au_loudness	 l;
	struct au_err		 e = { NULL, "" };
	float			*x;
	size_t			 n = 8000 * 6, i;

	x = ta_sine(AU_RATE, n, 1000, 0.1);
	au_loudness_measure(x, n, AU_RATE, &l, &e);
	ok(fabs(l.lufs - -23.0) < 0.1, "1 kHz at -20 dBFS measures -23.0 "
	    "LUFS (%.2f)", l.lufs);
	au_loudness_measure(x, 1600, AU_RATE, &l, &e);
	ok(fabs(l.lufs - -23.0) < 0.3, "a 0.2 s clip is measured too (%.2f)",
	    l.lufs);
	free(x);

	x = ta_sine(AU_RATE, n, 440, 0.01);
	check_prepare("quiet sine (-43 dBFS)", x, n, -19, AU_CODEC_ULAW);
	free(x);
	x = ta_sine(AU_RATE, n, 440, 0.99);
	check_prepare("loud sine (0 dBFS)", x, n, -16, AU_CODEC_ALAW);
	free(x);
	x = ta_noise(n, 0.5, 3);
	check_prepare("white noise", x, n, -23, AU_CODEC_ULAW);
	free(x);
	x = ta_dtmf("123A456B789C*0#D", n);
	check_prepare("DTMF", x, n, -19, AU_CODEC_ALAW);
	free(x);
	/* Peaky: quiet tone with loud clicks the limiter must catch. */
	x = ta_sine(AU_RATE, n, 300, 0.02);
	for (i = 0; i < n; i += 4000)
		x[i] = 0.9f;
	check_prepare("quiet tone with clicks", x, n, -16, AU_CODEC_ULAW);
	free(x);
	/* Clipped: a sine driven into a square. */
	x = ta_sine(AU_RATE, n, 200, 4);
	for (i = 0; i < n; i++)
		x[i] = x[i] > 1 ? 1 : x[i] < -1 ? -1 : x[i];
	check_prepare("clipped sine (square-ish)", x, n, -19, AU_CODEC_ULAW);
	free(x);
}

static void
test_limit_refuse(void)
{
	struct au_prepare_opts	 o;
	struct au_prepared	*p = NULL;
	struct au_pcm		*sig;
	struct au_err		 e = { NULL, "" };
	float			*x, peak = 0;
	size_t			 n = 8000 * 3, i;

	x = ta_noise(n, 1.0, 11);
	au_limit(x, n, AU_RATE, 0.5f, 50);
	for (i = 0; i < n; i++)
		if (fabsf(x[i]) > peak)
			peak = fabsf(x[i]);
	ok(peak <= 0.5f, "limiter: no sample over the threshold (%.4f)", peak);
	free(x);

	au_prepare_opts_default(&o);
	x = ta_alloc(n);
	sig = ta_pcm(x, n, AU_RATE);
	ok(au_prepare(sig, &o, NULL, &p, &e) == -1 && p == NULL &&
	    strcmp(e.code, AU_E_SILENT) == 0, "silence: E_SILENT (%s)", e.msg);
	au_pcm_free(sig);
	x[100] = 1e-6f;
	sig = ta_pcm(x, n, AU_RATE);
	ok(au_prepare(sig, &o, NULL, &p, &e) == -1 &&
	    strcmp(e.code, AU_E_SILENT) == 0, "near silence: E_SILENT");
	au_pcm_free(sig);
	sig = au_pcm_new(AU_RATE);
	ok(au_prepare(sig, &o, NULL, &p, &e) == -1 &&
	    strcmp(e.code, AU_E_EMPTY) == 0, "no samples: E_EMPTY");
	au_pcm_free(sig);
	sig = ta_pcm(x, n, 16000);
	ok(au_prepare(sig, &o, NULL, &p, &e) == -1 &&
	    strcmp(e.code, AU_E_INVALID) == 0, "16 kHz signal: E_INVALID");
	au_pcm_free(sig);
	free(x);
}

static void
test_cache(void)
{
	struct au_prepare_opts	 o;
	struct au_prepared	*p = NULL, *q = NULL, h;
	struct au_pcm		*sig;
	struct au_err		 e = { NULL, "" };
	uint8_t			 hash[AU_HASH_LEN], *buf;
	char			 path[512], wav[512];
	float			*x;
	size_t			 n = 8000 * 2 + 77, len;
	SF_INFO			 info;
	SNDFILE			*sf;
	FILE			*f;
	int			 fd;

	x = ta_sine(AU_RATE, n, 700, 0.3);
	sig = ta_pcm(x, n, AU_RATE);
	au_prepare_opts_default(&o);
	o.codec = AU_CODEC_ALAW;
	memset(hash, 0xab, sizeof(hash));
	au_prepare(sig, &o, hash, &p, &e);
	snprintf(path, sizeof(path), "%s/a.sau", ta_dir);
	ok(au_cache_write(path, p, &e) == 0, "cache written");
	is_int(ta_count_files(".tmp."), 0, "no temp file left behind");
	ok(au_cache_read(path, &q, &e) == 0 && q->codec == AU_CODEC_ALAW &&
	    q->frames == p->frames && q->samples == n &&
	    q->lufs_after == p->lufs_after && q->peak_after == p->peak_after &&
	    q->lufs_before == p->lufs_before && q->target_lufs == -19 &&
	    memcmp(q->hash, hash, AU_HASH_LEN) == 0 &&
	    memcmp(q->data, p->data, (size_t)p->frames * 160) == 0,
	    "cache read back: every header field and frame");
	au_prepared_free(q);

	/* Damage it in each way the parser must notice. */
	f = fopen(path, "rb");
	len = AU_CACHE_HDR + (size_t)p->frames * 160;
	buf = malloc(len);
	if (fread(buf, 1, len, f) != len)
		diag("short read");
	fclose(f);
	ok(au_cache_parse(buf, len, &h, &e) == 0 && h.data == NULL,
	    "parse from memory (a mapped file)");
	ok(au_cache_parse(buf, len - 1, &h, &e) == -1 &&
	    strcmp(e.code, AU_E_BAD_CACHE) == 0, "one byte short: %s", e.msg);
	ok(au_cache_parse(buf, 20, &h, &e) == -1, "header cut: %s", e.msg);
	buf[4] = 9;
	ok(au_cache_parse(buf, len, &h, &e) == -1, "version 9: %s", e.msg);
	buf[4] = 1;
	buf[8] = 7;
	ok(au_cache_parse(buf, len, &h, &e) == -1, "codec 7: %s", e.msg);
	buf[8] = 1;
	buf[0] = 'X';
	ok(au_cache_parse(buf, len, &h, &e) == -1, "bad magic: %s", e.msg);
	free(buf);
	snprintf(wav, sizeof(wav), "%s/missing/dir/x.sau", ta_dir);
	ok(au_cache_write(wav, p, &e) == -1 && strcmp(e.code, AU_E_IO) == 0,
	    "cache into a missing directory: E_IO");

	/* The playable WAV: 8 kHz mono A-law, the same codes. */
	snprintf(wav, sizeof(wav), "%s/a.wav", ta_dir);
	ok(au_wav_write(wav, p, &e) == 0, "G.711 WAV written");
	memset(&info, 0, sizeof(info));
	sf = sf_open(wav, SFM_READ, &info);
	ok(sf != NULL && info.samplerate == 8000 && info.channels == 1 &&
	    info.format == (SF_FORMAT_WAV | SF_FORMAT_ALAW) &&
	    info.frames == (sf_count_t)n, "WAV is 8 kHz mono A-law, %lld "
	    "samples", (long long)info.frames);
	buf = malloc(n);
	ok(sf != NULL && sf_read_raw(sf, buf, (sf_count_t)n) == (sf_count_t)n &&
	    memcmp(buf, p->data, n) == 0, "WAV holds the same G.711 codes");
	free(buf);
	if (sf != NULL)
		sf_close(sf);
	au_prepared_free(p);
	au_pcm_free(sig);
	free(x);

	/* A cache file that is not one. */
	fd = open(wav, O_RDONLY);
	close(fd);
	ok(au_cache_read(wav, &q, &e) == -1 && strcmp(e.code, AU_E_BAD_CACHE)
	    == 0, "a WAV is not a cache file: %s", e.msg);
}

static void
test_record(void)
{
	struct au_rec	*r;
	struct au_err	 e = { NULL, "" };
	uint8_t		 codes[800], back[800];
	int16_t		 pcm[800], pback[800];
	char		 path[512];
	SF_INFO		 info;
	SNDFILE		*sf;
	size_t		 i;

	for (i = 0; i < sizeof(codes); i++) {
		codes[i] = (uint8_t)(i * 37);
		pcm[i] = (int16_t)(i * 40 - 16000);
	}
	snprintf(path, sizeof(path), "%s/rec.wav", ta_dir);
	r = au_rec_open(path, AU_REC_ULAW, &e);
	ok(r != NULL && au_rec_write_g711(r, codes, 400, &e) == 0 &&
	    au_rec_write_g711(r, codes + 400, 400, &e) == 0 &&
	    au_rec_samples(r) == 800, "recording: 800 mu-law codes written");
	is_int(access(path, F_OK), -1, "not visible under its name yet");
	ok(au_rec_close(r, &e) == 0, "recording closed");
	memset(&info, 0, sizeof(info));
	sf = sf_open(path, SFM_READ, &info);
	ok(sf != NULL && info.frames == 800 && info.format == (SF_FORMAT_WAV |
	    SF_FORMAT_ULAW) && sf_read_raw(sf, back, 800) == 800 &&
	    memcmp(back, codes, 800) == 0, "read back: the same codes");
	if (sf != NULL)
		sf_close(sf);

	snprintf(path, sizeof(path), "%s/rec16.wav", ta_dir);
	r = au_rec_open(path, AU_REC_PCM16, &e);
	ok(au_rec_write_g711(r, codes, 10, &e) == -1, "G.711 into a PCM "
	    "recording refused");
	ok(au_rec_write_pcm(r, pcm, 800, &e) == 0 && au_rec_close(r, &e) == 0,
	    "linear recording written");
	sf = sf_open(path, SFM_READ, &info);
	ok(sf != NULL && sf_read_short(sf, pback, 800) == 800 &&
	    memcmp(pback, pcm, sizeof(pcm)) == 0 && info.samplerate == 8000,
	    "read back: the same samples at 8 kHz");
	if (sf != NULL)
		sf_close(sf);

	snprintf(path, sizeof(path), "%s/dropped.wav", ta_dir);
	r = au_rec_open(path, AU_REC_ALAW, &e);
	au_rec_write_g711(r, codes, 800, &e);
	au_rec_abort(r);
	ok(access(path, F_OK) == -1 && ta_count_files("dropped") == 0,
	    "an aborted recording leaves nothing");
}

int
main(void)
{
	ta_tmpdir();
	test_loudness();
	test_limit_refuse();
	test_cache();
	test_record();
	return done_testing();
}
