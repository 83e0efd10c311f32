/*
 * fuzz_reply.c: libFuzzer target for gateway/reply.c.  Build and run with
 * tests/fuzz/run.sh (target "reply").
 *
 * Checks, for any bytes, the guarantees of reply.c: the return value is the
 * stored intent and in range; reason is set exactly for unknown; code is ""
 * or 6 ASCII digits and only with received/not_received; qty is 0 or
 * 1..REPLY_QTY_MAX and only with received; text and union_code are
 * NUL-terminated valid UTF-8 inside their arrays and only with their
 * intents; a union code is [0-9A-Za-z_-] not ending in '-' or '_'; lang is
 * "bn" or "en".  And the parse is a function of the meaning: parsing again
 * gives the same, and parsing the text_clean()ed or text_fold()ed input
 * gives the same intent, code and quantity (and language, for clean).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reply.h"
#include "text.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static void
check(const struct reply *r, int ret)
{
	size_t	 i, n;

	if (ret != r->intent || r->intent < REPLY_UNKNOWN ||
	    r->intent > REPLY_STOP)
		abort();
	if ((r->reason != NULL) != (r->intent == REPLY_UNKNOWN))
		abort();
	if (r->lang == NULL ||
	    (strcmp(r->lang, "bn") != 0 && strcmp(r->lang, "en") != 0))
		abort();
	if (r->lang_neutral && strcmp(r->lang, "en") != 0)
		abort();

	if (!terminated(r->code, sizeof(r->code)))
		abort();
	if (r->intent == REPLY_RECEIVED || r->intent == REPLY_NOT_RECEIVED) {
		if (strlen(r->code) != REPLY_CODE_LEN)
			abort();
		for (i = 0; i < REPLY_CODE_LEN; i++)
			if (r->code[i] < '0' || r->code[i] > '9')
				abort();
	} else if (r->code[0] != '\0')
		abort();

	if (r->qty < 0 || r->qty > REPLY_QTY_MAX ||
	    (r->qty != 0 && r->intent != REPLY_RECEIVED))
		abort();

	if (!terminated(r->text, sizeof(r->text)) ||
	    !text_utf8_valid(r->text, strlen(r->text)))
		abort();
	if (r->intent == REPLY_GRIEVANCE && r->text[0] == '\0')
		abort();
	if ((r->text[0] != '\0' || r->text_truncated) &&
	    r->intent != REPLY_GRIEVANCE && r->intent != REPLY_NOT_RECEIVED)
		abort();

	if (!terminated(r->union_code, sizeof(r->union_code)))
		abort();
	n = strlen(r->union_code);
	if ((n != 0) != (r->intent == REPLY_REGISTER))
		abort();
	for (i = 0; i < n; i++)
		if (strchr("0123456789abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-", r->union_code[i]) == NULL)
			abort();
	if (n > 0 && (r->union_code[n - 1] == '-' ||
	    r->union_code[n - 1] == '_'))
		abort();
}

static void
same(const struct reply *a, const struct reply *b, int lang)
{
	if (a->intent != b->intent || strcmp(a->code, b->code) != 0 ||
	    a->qty != b->qty ||
	    strcasecmp(a->union_code, b->union_code) != 0)
		abort();
	if (lang && strcmp(a->lang, b->lang) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*in = (const char *)data;
	struct reply	*r, *r2;
	char		*s;

	r = malloc(sizeof(*r));
	r2 = malloc(sizeof(*r2));
	if (r == NULL || r2 == NULL)
		abort();

	check(r, reply_parse(in, size, r));
	check(r2, reply_parse(in, size, r2));
	same(r, r2, 1);
	if (strcmp(r->text, r2->text) != 0 || (r->reason != r2->reason))
		abort();

	if (size <= REPLY_IN_MAX &&
	    (s = text_clean(in, size, NULL)) != NULL) {
		check(r2, reply_parse(s, strlen(s), r2));
		same(r, r2, 1);
		if (strcmp(r->text, r2->text) != 0)
			abort();
		free(s);
	}
	if (size <= REPLY_IN_MAX &&
	    (s = text_fold(in, size, NULL)) != NULL) {
		if (strlen(s) <= REPLY_IN_MAX) {
			check(r2, reply_parse(s, strlen(s), r2));
			same(r, r2, 0);
		}
		free(s);
	}
	free(r);
	free(r2);
	return 0;
}
