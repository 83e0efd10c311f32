/*
 * dtmfgen.c: in-band DTMF for the voice end-to-end tests: the keys as
 * tones (spandsp's dtmf_tx, the generator its detector is tested
 * against), written as raw 8 kHz G.711 u-law for tests/lib/rtppeer.py.
 *
 *	dtmfgen KEYS OUT.ul
 *
 * Each key of 0-9 * # A-D is spandsp's default tone (about 50 ms on,
 * 55 ms off, -10 dBm0); each '.' is 200 ms of silence.  Exit 0, or 1 with
 * a message.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spandsp.h>

#include "audio.h"

#define SILENCE_SAMPLES	1600		/* '.' = 200 ms */

static int
put(FILE *f, const int16_t *s, int n)
{
	uint8_t	 b[SILENCE_SAMPLES];
	int	 i;

	for (i = 0; i < n; i++)
		b[i] = au_ulaw_from_linear(s[i]);
	return fwrite(b, 1, n, f) == (size_t)n ? 0 : -1;
}

int
main(int argc, char *argv[])
{
	dtmf_tx_state_t	*tx;
	int16_t		 amp[SILENCE_SAMPLES];
	char		 one[2] = "";
	const char	*k;
	FILE		*f;
	int		 n;

	if (argc != 3) {
		fprintf(stderr, "usage: dtmfgen KEYS OUT.ul\n");
		return 1;
	}
	if ((f = fopen(argv[2], "wb")) == NULL) {
		perror(argv[2]);
		return 1;
	}
	if ((tx = dtmf_tx_init(NULL)) == NULL) {
		fprintf(stderr, "dtmfgen: dtmf_tx_init failed\n");
		return 1;
	}
	for (k = argv[1]; *k != '\0'; k++) {
		if (*k == '.') {
			memset(amp, 0, sizeof(amp));
			if (put(f, amp, SILENCE_SAMPLES) == -1)
				goto fail;
			continue;
		}
		if (strchr("0123456789*#ABCD", *k) == NULL) {
			fprintf(stderr, "dtmfgen: '%c' is not a key\n", *k);
			return 1;
		}
		one[0] = *k;
		dtmf_tx_put(tx, one, 1);
		while ((n = dtmf_tx(tx, amp, SILENCE_SAMPLES)) > 0)
			if (put(f, amp, n) == -1)
				goto fail;
	}
	dtmf_tx_free(tx);
	if (fclose(f) != 0)
		goto fail;
	return 0;
fail:
	perror(argv[2]);
	return 1;
}
