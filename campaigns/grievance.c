/* grievance.c: STUB, to be written (issue 5). */
#include "config.h"

#include "campaigns.h"

int64_t
grievance_open(struct store *s, const struct grievance_in *in)
{
	(void)s; (void)in;
	return -1;
}
