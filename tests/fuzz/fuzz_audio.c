/*
 * fuzz_audio.c: libFuzzer target for the audio file reader
 * (audio/decode.c through libsndfile's virtual I/O on the fuzz buffer,
 * then audio/resample.c).  Build and run with tests/fuzz/run.sh audio.
 *
 * Checks, for any bytes: au_decode_mem() either fails with an error code
 * from audio.h and no output, or gives an 8 kHz mono signal no longer than
 * the limit allows, every sample finite; the source description is sane;
 * loudness can be measured on whatever came out.
 */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"

#define FUZZ_MAX_SECONDS	20.0

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct au_decode_opts	 o;
	struct au_source	 src;
	struct au_loudness	 l;
	struct au_err		 e = { NULL, "" };
	struct au_pcm		*p = NULL;
	size_t			 i;

	au_decode_opts_default(&o);
	o.max_seconds = FUZZ_MAX_SECONDS;
	if (au_decode_mem(data, size, &o, &p, &src, &e) == -1) {
		if (p != NULL || e.code == NULL || e.msg[0] == '\0')
			abort();
		return 0;
	}
	if (p == NULL || p->rate != AU_RATE || p->n == 0 ||
	    p->n > (size_t)(FUZZ_MAX_SECONDS * AU_RATE) + AU_RATE)
		abort();
	if (src.channels < 1 || src.channels > AU_MAX_CHANNELS ||
	    src.rate < 1 || src.rate > AU_MAX_RATE || src.bytes != size ||
	    !(src.clipped >= 0 && src.clipped <= 1))
		abort();
	for (i = 0; i < p->n; i++)
		if (!isfinite(p->s[i]))
			abort();
	if (au_loudness_measure(p->s, p->n, p->rate, &l, &e) == -1)
		abort();
	au_pcm_free(p);
	return 0;
}
