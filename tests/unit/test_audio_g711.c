/*
 * test_audio_g711.c: audio/g711.c against spandsp, every input: all 65,536
 * linear values encode to the code spandsp gives and all 256 codes decode
 * to its value, for mu-law and A-law; the round trip stays inside the
 * G.711 quantisation bound of each segment; a sine survives with the SNR
 * G.711 promises; DTMF survives a round trip and spandsp still hears it.
 */
#include "config.h"

#include <stdlib.h>

#include "tap.h"
#include "test_audio.h"

/*
 * Half the quantisation step of the segment |x| falls in (G.711: steps
 * of 8 << seg for mu-law, seg over |x| + 132; 16 << (seg - 1) for A-law).
 */
static int
half_step(int mag, int alaw)
{
	int	 v = alaw ? mag : mag + 132, seg;

	seg = v < 256 ? 0 : (31 - __builtin_clz((unsigned int)v)) - 7;
	if (seg > 7)
		seg = 7;
	if (alaw)
		return seg == 0 ? 8 : 8 << (seg - 1);
	return 4 << seg;
}

static void
test_exhaustive(void)
{
	int	 x, c, bad_ue = 0, bad_ae = 0, bad_ud = 0, bad_ad = 0;
	int	 over_u = 0, over_a = 0, e;

	for (x = -32768; x <= 32767; x++) {
		if (au_ulaw_from_linear((int16_t)x) != linear_to_ulaw(x))
			bad_ue++;
		if (au_alaw_from_linear((int16_t)x) != linear_to_alaw(x))
			bad_ae++;
		/* Round trip within half a step (saturation aside). */
		if (abs(x) < 32000) {
			e = abs(au_ulaw_to_linear(au_ulaw_from_linear(
			    (int16_t)x)) - x);
			if (e > half_step(abs(x), 0))
				over_u++;
			e = abs(au_alaw_to_linear(au_alaw_from_linear(
			    (int16_t)x)) - x);
			if (e > half_step(abs(x), 1))
				over_a++;
		}
	}
	for (c = 0; c < 256; c++) {
		if (au_ulaw_to_linear((uint8_t)c) != ulaw_to_linear((uint8_t)c))
			bad_ud++;
		if (au_alaw_to_linear((uint8_t)c) != alaw_to_linear((uint8_t)c))
			bad_ad++;
	}
	is_int(bad_ue, 0, "mu-law encode == spandsp for all 65536 inputs");
	is_int(bad_ae, 0, "A-law encode == spandsp for all 65536 inputs");
	is_int(bad_ud, 0, "mu-law decode == spandsp for all 256 codes");
	is_int(bad_ad, 0, "A-law decode == spandsp for all 256 codes");
	is_int(over_u, 0, "mu-law round trip within half a step everywhere");
	is_int(over_a, 0, "A-law round trip within half a step everywhere");
	is_int(au_g711_silence(AU_CODEC_ULAW), 0xff, "mu-law silence 0xff");
	is_int(au_g711_silence(AU_CODEC_ALAW), 0xd5, "A-law silence 0xd5");
	is_int(au_ulaw_from_linear(32767), 0x80, "mu-law saturates high");
	is_int(au_ulaw_from_linear(-32768), 0x00, "mu-law saturates low");
}

static void
test_float(void)
{
	static const double	 levels[] = { -3, -10, -20, -30 };
	float			*x, *y, v[3] = { 2.0f, -2.0f, NAN };
	uint8_t			*code, cv[3];
	double			 err, snr;
	size_t			 n = 8000, i, k;
	int			 law;

	code = malloc(n);
	y = ta_alloc(n);
	for (law = 0; law < 2; law++) {
		for (k = 0; k < sizeof(levels) / sizeof(levels[0]); k++) {
			x = ta_sine(8000, n, 1004, pow(10, levels[k] / 20));
			au_g711_encode(law, x, n, code);
			au_g711_decode(law, code, n, y);
			for (i = 0, err = 0; i < n; i++)
				err += (double)(x[i] - y[i]) * (x[i] - y[i]);
			snr = ta_db(ta_rms(x, n)) - ta_db(sqrt(err / n));
			ok(snr > 33, "%s sine at %.0f dBFS: SNR %.1f dB > 33",
			    au_codec_name(law), levels[k], snr);
			free(x);
		}
		au_g711_encode(law, v, 3, cv);
		au_g711_decode(law, cv, 3, v);
		ok(v[0] > 0.97f && v[1] < -0.97f && v[2] == v[2] &&
		    fabsf(v[2]) < 0.001f, "%s: +2, -2, NaN saturate / go to 0",
		    au_codec_name(law));
	}
	free(code);
	free(y);
}

static void
test_dtmf(void)
{
	dtmf_rx_state_t	*rx;
	float		*x, *y;
	int16_t		 s[160];
	uint8_t		 code[160];
	char		 got[32];
	size_t		 n = 16000, at, i;
	int		 law, k;

	x = ta_dtmf("159#", n);
	y = ta_alloc(160);
	for (law = 0; law < 2; law++) {
		rx = dtmf_rx_init(NULL, NULL, NULL);
		for (at = 0; at + 160 <= n; at += 160) {
			au_g711_encode(law, x + at, 160, code);
			au_g711_decode(law, code, 160, y);
			for (i = 0; i < 160; i++)
				s[i] = (int16_t)lrintf(y[i] * 32767);
			dtmf_rx(rx, s, 160);
		}
		k = dtmf_rx_get(rx, got, sizeof(got) - 1);
		got[k > 0 ? k : 0] = '\0';
		is_str(got, "159#", "DTMF through %s: spandsp hears 159#",
		    au_codec_name(law));
		dtmf_rx_free(rx);
	}
	free(x);
	free(y);
}

int
main(void)
{
	test_exhaustive();
	test_float();
	test_dtmf();
	is_int(au_codec_parse("ulaw"), AU_CODEC_ULAW, "parse ulaw");
	is_int(au_codec_parse("PCMA"), AU_CODEC_ALAW, "parse PCMA");
	is_int(au_codec_parse("gsm"), -1, "parse gsm: -1");
	return done_testing();
}
