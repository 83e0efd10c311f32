/*
 * test_audio.h: shared by the audio unit tests: generated signals (sines,
 * DTMF through spandsp, noise, silence), files written in every container
 * libsndfile writes here, a private temp directory, and measurements
 * (RMS, Goertzel tone level).  Nothing is read from outside the test.
 */
#ifndef SK_TEST_AUDIO_H
#define SK_TEST_AUDIO_H

#include <sys/stat.h>

#include <dirent.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <spandsp.h>

#include "audio.h"

/* The containers: name, libsndfile format, file extension. */
struct ta_container {
	const char	*name;
	int		 format;
	const char	*ext;
	int		 lossy;
	int		 opus;		/* 8/12/16/24/48 kHz only */
};

static const struct ta_container ta_containers[] __attribute__((unused)) = {
	{ "WAV PCM16", SF_FORMAT_WAV | SF_FORMAT_PCM_16, "wav", 0, 0 },
	{ "WAV float", SF_FORMAT_WAV | SF_FORMAT_FLOAT, "wav", 0, 0 },
	{ "WAV mu-law", SF_FORMAT_WAV | SF_FORMAT_ULAW, "wav", 1, 0 },
	{ "WAV A-law", SF_FORMAT_WAV | SF_FORMAT_ALAW, "wav", 1, 0 },
	{ "FLAC", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, "flac", 0, 0 },
	{ "Ogg Vorbis", SF_FORMAT_OGG | SF_FORMAT_VORBIS, "ogg", 1, 0 },
	{ "Ogg Opus", SF_FORMAT_OGG | SF_FORMAT_OPUS, "opus", 1, 1 },
	{ "MP3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, "mp3", 1, 0 },
};

static char ta_dir[256];

static inline void
ta_cleanup(void)
{
	DIR		*d;
	struct dirent	*e;
	char		 p[512];

	if (ta_dir[0] == '\0' || (d = opendir(ta_dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", ta_dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(ta_dir);
}

/* A private directory, removed at exit. */
static inline const char *
ta_tmpdir(void)
{
	const char	*t = getenv("TMPDIR");

	snprintf(ta_dir, sizeof(ta_dir), "%s/sanket-audio.XXXXXX",
	    t != NULL ? t : "/tmp");
	if (mkdtemp(ta_dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	atexit(ta_cleanup);
	return ta_dir;
}

/* Files in ta_dir whose name contains s. */
static inline int
ta_count_files(const char *s)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	if ((d = opendir(ta_dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && strstr(e->d_name, s) != NULL)
			n++;
	closedir(d);
	return n;
}

static inline float *
ta_alloc(size_t n)
{
	float	*x = calloc(n > 0 ? n : 1, sizeof(*x));

	if (x == NULL)
		exit(1);
	return x;
}

/* amp * sin(2 pi f t), n samples at rate. */
static inline float *
ta_sine(int rate, size_t n, double f, double amp)
{
	float	*x = ta_alloc(n);
	size_t	 i;

	for (i = 0; i < n; i++)
		x[i] = (float)(amp * sin(2 * M_PI * f * i / rate));
	return x;
}

/* Uniform white noise of peak amp, reproducible. */
static inline float *
ta_noise(size_t n, double amp, unsigned int seed)
{
	float	*x = ta_alloc(n);
	size_t	 i;

	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		x[i] = (float)(amp * (((seed >> 8) & 0xffff) / 32768.0 - 1));
	}
	return x;
}

/* DTMF digits through spandsp at 8 kHz, padded with silence to n. */
static inline float *
ta_dtmf(const char *digits, size_t n)
{
	dtmf_tx_state_t	*tx;
	int16_t		 buf[160];
	float		*x = ta_alloc(n);
	size_t		 at = 0;
	int		 k, i;

	tx = dtmf_tx_init(NULL);
	dtmf_tx_set_level(tx, -10, 0);
	dtmf_tx_set_timing(tx, 100, 100);
	dtmf_tx_put(tx, digits, -1);
	while (at < n && (k = dtmf_tx(tx, buf, 160)) > 0)
		for (i = 0; i < k && at < n; i++)
			x[at++] = buf[i] / 32768.0f;
	dtmf_tx_free(tx);
	return x;
}

/* Write x to path in format at rate, the same in each of ch channels
 * (so their mean is x again).  0 or -1. */
static inline int
ta_write(const char *path, int format, int rate, int ch, const float *x,
    size_t n)
{
	SF_INFO	 info;
	SNDFILE	*sf;
	float	*fr;
	size_t	 i;
	int	 c, rc = 0;

	memset(&info, 0, sizeof(info));
	info.samplerate = rate;
	info.channels = ch;
	info.format = format;
	if ((sf = sf_open(path, SFM_WRITE, &info)) == NULL) {
		printf("# sf_open %s: %s\n", path, sf_strerror(NULL));
		return -1;
	}
	fr = ta_alloc(n * ch);
	for (i = 0; i < n; i++)
		for (c = 0; c < ch; c++)
			fr[i * ch + c] = x[i];
	if (sf_writef_float(sf, fr, (sf_count_t)n) != (sf_count_t)n)
		rc = -1;
	free(fr);
	if (sf_close(sf) != 0)
		rc = -1;
	return rc;
}

static inline double
ta_rms(const float *x, size_t n)
{
	double	 s = 0;
	size_t	 i;

	for (i = 0; i < n; i++)
		s += (double)x[i] * x[i];
	return n > 0 ? sqrt(s / n) : 0;
}

static inline double
ta_db(double v)
{
	return v > 0 ? 20 * log10(v) : -999;
}

/* Amplitude of the f Hz component of x (Goertzel). */
static inline double
ta_tone(const float *x, size_t n, int rate, double f)
{
	double	 w = 2 * M_PI * f / rate, c = 2 * cos(w), s0, s1 = 0, s2 = 0;
	size_t	 i;

	for (i = 0; i < n; i++) {
		s0 = x[i] + c * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	return n > 0 ? 2 * sqrt(s1 * s1 + s2 * s2 - c * s1 * s2) / n : 0;
}

/* A struct au_pcm around a copy of x. */
static inline struct au_pcm *
ta_pcm(const float *x, size_t n, int rate)
{
	struct au_pcm	*p = au_pcm_new(rate);

	au_pcm_append(p, x, n);
	return p;
}

#endif
