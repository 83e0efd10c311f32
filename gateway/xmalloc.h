/*
 * xmalloc.h: allocation that never returns NULL (after tmux).  Out of memory
 * is fatal: a half-built request is worse than a restart, and the queue is on
 * disk.  xfree(NULL) is a no-op, like free().
 */
#ifndef SK_XMALLOC_H
#define SK_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
size_t	 strlcpy_sk(char *, const char *, size_t);

#endif
