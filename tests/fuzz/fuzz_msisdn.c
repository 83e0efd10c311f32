/*
 * fuzz_msisdn.c: libFuzzer target for gateway/msisdn.c.  Build and run with
 * tests/fuzz/run.sh.
 *
 * Checks, for any bytes: a success is exactly "+8801[3-9]" and 8 digits
 * and normalises to itself; a failure leaves out empty and gives one of
 * the reasons msisdn.h lists.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msisdn.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *reasons[] = {
	"empty", "not a number", "too short", "too long",
	"not a Bangladeshi number", "not a mobile number",
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*in, out[MSISDN_MAX], again[MSISDN_MAX];
	const char	*why = NULL;
	size_t		 i;

	if ((in = malloc(size + 1)) == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';

	if (msisdn_normalise(in, out, &why) == 0) {
		if (strlen(out) != 14 || strncmp(out, "+8801", 5) != 0 ||
		    out[5] < '3' || out[5] > '9')
			abort();
		for (i = 6; i < 14; i++)
			if (out[i] < '0' || out[i] > '9')
				abort();
		if (msisdn_normalise(out, again, NULL) != 0 ||
		    strcmp(again, out) != 0)
			abort();
	} else {
		if (out[0] != '\0' || why == NULL)
			abort();
		for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
			if (strcmp(why, reasons[i]) == 0)
				break;
		if (i == sizeof(reasons) / sizeof(reasons[0]))
			abort();
	}
	free(in);
	return 0;
}
