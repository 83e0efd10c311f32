/*
 * pcm.c: the growable mono signal every stage passes on, the error helper,
 * codec names.  Allocation never fails (xmalloc); a signal's capacity grows
 * by doubling, so appending n samples one block at a time is O(n).
 *
 * Large buffers are prefaulted (au_prefault: madvise MADV_POPULATE_WRITE,
 * Linux 5.14+): the kernel maps their pages in one call instead of one
 * page fault each on first write.  On the VM this was measured on a page
 * fault costs ~13 us, and a minute of 8 kHz float is 470 pages: 6.2 ms
 * of CPU faulted in, 1.8 ms prefaulted.  Where the call is not known it
 * does nothing and the pages fault in as before.
 */
#include "config.h"

#include <sys/mman.h>

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audio.h"
#include "xmalloc.h"

int
au_err_set(struct au_err *err, const char *code, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
au_codec_parse(const char *s)
{
	if (strcasecmp(s, "ulaw") == 0 || strcasecmp(s, "pcmu") == 0 ||
	    strcasecmp(s, "mulaw") == 0)
		return AU_CODEC_ULAW;
	if (strcasecmp(s, "alaw") == 0 || strcasecmp(s, "pcma") == 0)
		return AU_CODEC_ALAW;
	return -1;
}

const char *
au_codec_name(enum au_codec c)
{
	return c == AU_CODEC_ALAW ? "alaw" : "ulaw";
}

struct au_pcm *
au_pcm_new(int rate)
{
	struct au_pcm	*p;

	p = xcalloc(1, sizeof(*p));
	p->rate = rate;
	return p;
}

void
au_pcm_free(struct au_pcm *p)
{
	if (p == NULL)
		return;
	free(p->s);
	free(p);
}

void
au_prefault(void *buf, size_t len)
{
#ifdef MADV_POPULATE_WRITE
	uintptr_t	 lo, hi, pg = 4096;

	if (len < AU_PREFAULT_MIN)
		return;
	/* Whole pages inside the buffer only (malloc's own header stays). */
	lo = ((uintptr_t)buf + pg - 1) & ~(pg - 1);
	hi = ((uintptr_t)buf + len) & ~(pg - 1);
	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#endif
}

void
au_pcm_reserve(struct au_pcm *p, size_t more)
{
	size_t	 cap;

	if (p->n + more <= p->cap)
		return;
	cap = p->cap == 0 ? 4096 : p->cap;
	while (cap < p->n + more)
		cap *= 2;
	p->s = xreallocarray(p->s, cap, sizeof(*p->s));
	p->cap = cap;
	au_prefault(p->s + p->n, more * sizeof(*p->s));
}

void
au_pcm_append(struct au_pcm *p, const float *s, size_t n)
{
	if (n == 0)
		return;
	au_pcm_reserve(p, n);
	memcpy(p->s + p->n, s, n * sizeof(*s));
	p->n += n;
}

void
au_pcm_pad(struct au_pcm *p, size_t n)
{
	if (n == 0)
		return;
	au_pcm_reserve(p, n);
	memset(p->s + p->n, 0, n * sizeof(*p->s));
	p->n += n;
}

double
au_pcm_seconds(const struct au_pcm *p)
{
	return p->rate > 0 ? (double)p->n / p->rate : 0;
}
