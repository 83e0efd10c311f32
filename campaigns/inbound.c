/* inbound.c: STUB (issue 5, lead). */
#include "config.h"

#include <event2/buffer.h>

#include "campaigns.h"

void
inbound_metrics(struct evbuffer *b)
{
	(void)b;
}
