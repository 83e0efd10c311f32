/* relief.c: STUB, to be written (issue 5). */
#include "config.h"

#include "campaigns.h"

int
relief_receipt(struct store *s, const struct receipt_in *in,
    struct receipt_out *out)
{
	(void)s; (void)in;
	out->outcome = RECEIPT_ERROR;
	return RECEIPT_ERROR;
}
