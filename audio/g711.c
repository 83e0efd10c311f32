/*
 * g711.c: ITU-T G.711 mu-law and A-law, computed per sample: the segment
 * is the position of the top bit of the magnitude, then four mantissa
 * bits.  The encoders truncate to the decision interval, as the ITU
 * reference and spandsp do, and saturate at the largest code;
 * tests/unit/test_audio_g711.c checks all 65,536 inputs and 256 codes
 * against spandsp.  Float samples map to 16 bits as x * 32768, rounded and
 * saturated, the scale libsndfile uses.
 */
#include "config.h"

#include <math.h>

#include "audio.h"

#define ULAW_BIAS	0x84
#define ALAW_AMI	0x55		/* even bits inverted on the line */

/* Segment 0..7 of a magnitude (saturating) and its 4-bit mantissa. */
static unsigned int
g711_seg(unsigned int mag, int *segp)
{
	int	 seg;

	seg = (31 - __builtin_clz(mag | 0xff)) - 7;
	if (seg > 7) {
		*segp = 7;
		return 0x0f;
	}
	*segp = seg;
	return mag >> (seg + 3) & 0x0f;
}

uint8_t
au_ulaw_from_linear(int16_t x)
{
	unsigned int	 mag, mant;
	int		 seg;
	uint8_t		 code;

	mag = x < 0 ? (unsigned int)(ULAW_BIAS - x) :
	    (unsigned int)(ULAW_BIAS + x);
	mant = g711_seg(mag, &seg);
	code = (uint8_t)((seg << 4) | mant);
	/* Transmitted inverted; the sign bit set means positive. */
	return x < 0 ? (uint8_t)(~code & 0x7f) : (uint8_t)(~code);
}

int16_t
au_ulaw_to_linear(uint8_t code)
{
	int	 c = (uint8_t)~code, t;

	t = (((c & 0x0f) << 3) + ULAW_BIAS) << ((c & 0x70) >> 4);
	return (int16_t)((c & 0x80) ? ULAW_BIAS - t : t - ULAW_BIAS);
}

uint8_t
au_alaw_from_linear(int16_t x)
{
	unsigned int	 mag, mant;
	int		 seg;

	/* Negative magnitudes are one less: -1 and 0 share a level. */
	mag = x < 0 ? (unsigned int)(-(int)x - 1) : (unsigned int)x;
	mant = g711_seg(mag, &seg);
	if (seg == 0)
		mant = mag >> 4 & 0x0f;
	return (uint8_t)(((seg << 4) | mant) ^ (x < 0 ? ALAW_AMI :
	    ALAW_AMI | 0x80));
}

int16_t
au_alaw_to_linear(uint8_t code)
{
	int	 c = code ^ ALAW_AMI, seg, v;

	seg = (c & 0x70) >> 4;
	v = (c & 0x0f) << 4;
	if (seg == 0)
		v += 8;
	else
		v = (v + 0x108) << (seg - 1);
	return (int16_t)((c & 0x80) ? v : -v);
}

uint8_t
au_g711_silence(enum au_codec codec)
{
	return codec == AU_CODEC_ALAW ? au_alaw_from_linear(0) :
	    au_ulaw_from_linear(0);
}

static int16_t
g711_s16(float x)
{
	float	 v = nearbyintf(x * 32768.0f);

	if (!(v > -32768.0f))		/* also NaN */
		return v < 0 ? -32768 : 0;
	if (v > 32767.0f)
		return 32767;
	return (int16_t)v;
}

void
au_g711_encode(enum au_codec codec, const float *in, size_t n, uint8_t *out)
{
	size_t	 i;

	if (codec == AU_CODEC_ALAW)
		for (i = 0; i < n; i++)
			out[i] = au_alaw_from_linear(g711_s16(in[i]));
	else
		for (i = 0; i < n; i++)
			out[i] = au_ulaw_from_linear(g711_s16(in[i]));
}

void
au_g711_decode(enum au_codec codec, const uint8_t *in, size_t n, float *out)
{
	size_t	 i;

	if (codec == AU_CODEC_ALAW)
		for (i = 0; i < n; i++)
			out[i] = au_alaw_to_linear(in[i]) / 32768.0f;
	else
		for (i = 0; i < n; i++)
			out[i] = au_ulaw_to_linear(in[i]) / 32768.0f;
}
