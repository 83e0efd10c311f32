/*
 * fuzz_sip.c: libFuzzer target for the SIP message layer in ivr/sipmsg.c.
 * Build and run with tests/fuzz/run.sh sip.
 *
 * Checks, for any bytes: ivr_sip_parse() either refuses them with a
 * message or gives a message; for a request, ivr_sip_check() gives 0 or
 * one of the early codes it documents, and a response built to it (the
 * early code, else 200 with our tag) starts with its status line.  When
 * libosip2 reads that response back it must find the same code and
 * Call-ID; that it reads it at all is not required: osip refuses some of
 * its own output for inputs it accepted (found by this target, e.g. a
 * Via host without a branch), so the round trip of realistic messages is
 * held by tests/unit/test_sipmsg.c instead.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <osipparser2/osip_parser.h>

#include "ivr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct osip_message	*m = NULL, *r = NULL;
	struct ivr_sip_early	 e;
	char			 err[256], *out = NULL;
	int			 n, code;

	err[0] = '\0';
	if (ivr_sip_parse((const char *)data, size, &m, err,
	    sizeof(err)) == -1) {
		if (err[0] == '\0' || m != NULL)
			abort();	/* refused without a reason */
		return 0;
	}
	if (m == NULL)
		abort();
	if (!MSG_IS_REQUEST(m))
		goto out;
	ivr_sip_check(m, &e);
	if (e.code != 0 && e.code != 483 && e.code != 501 && e.code != 420 &&
	    e.code != 415)
		abort();
	if (MSG_IS_ACK(m))
		goto out;
	code = e.code != 0 ? e.code : 200;
	n = e.hname != NULL ? ivr_sip_response_hdr(m, code, NULL, "fz1",
	    e.hname, e.hvalue, &out) : ivr_sip_response(m, code, NULL, "fz1",
	    &out);
	if (n == -1)
		goto out;		/* a field osip cannot write back */
	{
		char	 line[16];

		snprintf(line, sizeof(line), "SIP/2.0 %d ", code);
		if ((size_t)n < strlen(line) || strncmp(out, line,
		    strlen(line)) != 0)
			abort();
	}
	if (osip_message_init(&r) != 0)
		abort();
	if (osip_message_parse(r, out, (size_t)n) != 0)
		goto out;		/* osip's own limit, see above */
	if (!MSG_IS_RESPONSE(r) || osip_message_get_status_code(r) != code)
		abort();
	if (m->call_id != NULL && (r->call_id == NULL ||
	    osip_call_id_get_number(m->call_id) == NULL ||
	    osip_call_id_get_number(r->call_id) == NULL ||
	    strcmp(osip_call_id_get_number(m->call_id),
	    osip_call_id_get_number(r->call_id)) != 0))
		abort();
out:
	osip_message_free(r);
	osip_message_free(m);
	free(out);
	return 0;
}
