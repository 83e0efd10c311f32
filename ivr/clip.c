/*
 * clip.c: the audio a call plays, loaded once and shared (see ivr.h).
 *
 *	file --"SKAU" magic--> au_cache_parse --> frames as prepared
 *	file.ul / file.al --> raw G.711, padded with the codec's silence
 *	    to whole 160-byte frames
 *	ivr_clip_new --> frames already in memory (copied)
 *
 * A cache file is recognised by its content, whatever its name; only a
 * file without the magic falls back to the extension.  Anything else is
 * an error with "path: why" in err: missing, not a regular file, empty,
 * too large, a corrupt or truncated cache file, an unknown extension.
 * The bytes are read whole into one buffer that becomes the clip's data,
 * so a clip costs its frames plus a few dozen bytes however many calls
 * play it: calls hold references (ivr_clip_ref / ivr_clip_unref), never
 * copies.  The loop is single threaded, so the count is a plain int.
 * Loading reads a file and may block: do it at start-up or on a reload,
 * not per call.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "audio.h"
#include "ivr.h"
#include "xmalloc.h"

/* Twice the longest source audio.c takes (a spot adds intro and outro),
 * as G.711 plus the header: a larger file is refused. */
#define CLIP_MAX_BYTES	((size_t)(2 * AU_MAX_SECONDS) * AU_RATE + AU_CACHE_HDR)

/* The codec a raw file's name says: .ul u-law, .al A-law, else -1. */
static int
clip_raw_codec(const char *path)
{
	const char	*dot;

	if ((dot = strrchr(path, '.')) == NULL || strchr(dot, '/') != NULL)
		return -1;
	if (strcasecmp(dot, ".ul") == 0)
		return AU_CODEC_ULAW;
	if (strcasecmp(dot, ".al") == 0)
		return AU_CODEC_ALAW;
	return -1;
}

/* The whole file into *buf (caller frees); its length, or -1 and err. */
static ssize_t
clip_read(const char *path, uint8_t **buf, char *err, size_t errlen)
{
	struct stat	 sb;
	uint8_t		*b = NULL;
	size_t		 len, got = 0;
	ssize_t		 n;
	int		 fd;

	*buf = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		ivr_errf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		ivr_errf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if (sb.st_size == 0) {
		ivr_errf(err, errlen, "%s: empty file", path);
		goto fail;
	}
	if ((uint64_t)sb.st_size > CLIP_MAX_BYTES) {
		ivr_errf(err, errlen, "%s: %lld bytes: too large (at most %zu)",
		    path, (long long)sb.st_size, CLIP_MAX_BYTES);
		goto fail;
	}
	len = (size_t)sb.st_size;
	/* Room for padding a raw file to whole frames. */
	b = xmalloc(len + RTP_FRAME_BYTES);
	while (got < len) {
		if ((n = read(fd, b + got, len - got)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			ivr_errf(err, errlen, "%s: read: %s", path,
			    n == 0 ? "file shrank while read" :
			    strerror(errno));
			goto fail;
		}
		got += (size_t)n;
	}
	close(fd);
	*buf = b;
	return (ssize_t)len;

fail:
	free(b);
	close(fd);
	return -1;
}

static struct ivr_clip *
clip_alloc(int codec, uint8_t *data, uint32_t frames, const char *name)
{
	struct ivr_clip	*c;

	c = xcalloc(1, sizeof(*c));
	c->codec = codec;
	c->data = data;
	c->frames = frames;
	c->path = xstrdup(name != NULL ? name : "");
	c->refs = 1;
	return c;
}

struct ivr_clip *
ivr_clip_load(const char *path, char *err, size_t errlen)
{
	struct au_prepared	 p;
	struct au_err		 ae;
	uint8_t			*buf;
	ssize_t			 n;
	size_t			 len, pad;
	int			 codec;

	if ((n = clip_read(path, &buf, err, errlen)) == -1)
		return NULL;
	len = (size_t)n;

	if (len >= 4 && memcmp(buf, AU_CACHE_MAGIC, 4) == 0) {
		if (len < AU_CACHE_HDR) {
			ivr_errf(err, errlen, "%s: cache file truncated in its "
			    "header (%zu of %d bytes)", path, len,
			    AU_CACHE_HDR);
			goto fail;
		}
		memset(&ae, 0, sizeof(ae));
		if (au_cache_parse(buf, len, &p, &ae) == -1) {
			ivr_errf(err, errlen, "%s: %s", path, ae.msg);
			goto fail;
		}
		if (p.frames == 0) {
			ivr_errf(err, errlen, "%s: cache file holds no frames",
			    path);
			goto fail;
		}
		/* The frames become the clip's data, in place. */
		memmove(buf, buf + AU_CACHE_HDR, len - AU_CACHE_HDR);
		return clip_alloc(p.codec, buf, p.frames, path);
	}

	if ((codec = clip_raw_codec(path)) == -1) {
		ivr_errf(err, errlen, "%s: not a sanket cache file (no \"%s\" "
		    "magic) and not raw G.711 (.ul or .al)", path,
		    AU_CACHE_MAGIC);
		goto fail;
	}
	pad = (RTP_FRAME_BYTES - len % RTP_FRAME_BYTES) % RTP_FRAME_BYTES;
	memset(buf + len, au_g711_silence(codec), pad);
	return clip_alloc(codec, buf, (uint32_t)((len + pad) / RTP_FRAME_BYTES),
	    path);

fail:
	free(buf);
	return NULL;
}

struct ivr_clip *
ivr_clip_new(int codec, const uint8_t *frames, uint32_t nframes,
    const char *name)
{
	uint8_t	*data;
	size_t	 len;

	if (codec != AU_CODEC_ULAW && codec != AU_CODEC_ALAW)
		return NULL;
	len = (size_t)nframes * RTP_FRAME_BYTES;
	data = xmalloc(len + 1);
	if (len > 0)
		memcpy(data, frames, len);
	return clip_alloc(codec, data, nframes, name);
}

struct ivr_clip *
ivr_clip_ref(struct ivr_clip *c)
{
	if (c != NULL)
		c->refs++;
	return c;
}

void
ivr_clip_unref(struct ivr_clip *c)
{
	if (c == NULL || --c->refs > 0)
		return;
	free(c->data);
	free(c->path);
	free(c);
}
