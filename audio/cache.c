/*
 * cache.c: the prepared-audio cache file (layout in audio.h), the playable
 * G.711 WAV, and files that appear whole or not at all.
 *
 * A cache file is what the IVR maps and streams: frame i is the 160 bytes
 * at AU_CACHE_HDR + 160 * i, nothing to decode or convert per call.  The
 * header is written field by field in little-endian (never a struct
 * image), so the format does not depend on the compiler.  au_cache_parse()
 * refuses anything that is not exactly a header of this version followed
 * by `frames` whole frames: a wrong magic, a newer version, a size that
 * does not add up (a copy cut short), a codec or rate it does not know.
 *
 * Writes go to "path.tmp.XXXXXX" in the same directory, are fsync'ed and
 * renamed over path, so a reader sees the old file or the new one, never
 * half of one, and a crash leaves at most a stray .tmp file.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio.h"
#include "xmalloc.h"

#define CACHE_MAX_BYTES	((size_t)1 << 31)

/* --- temp + rename ----------------------------------------------------------- */

int
au_tmp_open(const char *path, char **tmp, struct au_err *err)
{
	int	 fd;

	xasprintf(tmp, "%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(*tmp)) == -1) {
		au_err_set(err, AU_E_IO, "%s: cannot create: %s", path,
		    strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	(void)fchmod(fd, 0644);
	return fd;
}

void
au_tmp_abort(int fd, char *tmp)
{
	if (fd != -1)
		close(fd);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
}

int
au_tmp_commit(int fd, char *tmp, const char *path, struct au_err *err)
{
	char	*dir;
	int	 dfd;

	if (fsync(fd) == -1) {
		au_err_set(err, AU_E_IO, "%s: fsync: %s", path,
		    strerror(errno));
		au_tmp_abort(fd, tmp);
		return -1;
	}
	if (close(fd) == -1) {
		au_err_set(err, AU_E_IO, "%s: close: %s", path,
		    strerror(errno));
		au_tmp_abort(-1, tmp);
		return -1;
	}
	if (rename(tmp, path) == -1) {
		au_err_set(err, AU_E_IO, "%s: rename: %s", path,
		    strerror(errno));
		au_tmp_abort(-1, tmp);
		return -1;
	}
	/* The rename itself survives a crash once the directory is synced. */
	dir = xstrdup(path);
	if ((dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC))
	    != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(dir);
	free(tmp);
	return 0;
}

/* --- little-endian fields ------------------------------------------------------ */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

static void
putf64(uint8_t *p, double d)
{
	uint64_t	 v;

	memcpy(&v, &d, sizeof(v));
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static double
getf64(const uint8_t *p)
{
	uint64_t	 v = get32(p) | (uint64_t)get32(p + 4) << 32;
	double		 d;

	memcpy(&d, &v, sizeof(d));
	return d;
}

void
au_hash_hex(const uint8_t *h, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < AU_HASH_LEN; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 0x0f];
	}
	out[2 * AU_HASH_LEN] = '\0';
}

/* --- the cache file ------------------------------------------------------------ */

static void
cache_header(const struct au_prepared *p, uint8_t *h)
{
	memset(h, 0, AU_CACHE_HDR);
	memcpy(h, AU_CACHE_MAGIC, 4);
	put16(h + 4, AU_CACHE_VERSION);
	put16(h + 6, AU_CACHE_HDR);
	h[8] = (uint8_t)p->codec;
	put16(h + 10, AU_FRAME_SAMPLES);
	put32(h + 12, AU_RATE);
	put32(h + 16, p->frames);
	put32(h + 20, p->samples);
	putf64(h + 24, p->target_lufs);
	putf64(h + 32, p->lufs_before);
	putf64(h + 40, p->lufs_after);
	putf64(h + 48, p->peak_after);
	putf64(h + 56, p->gain_db);
	memcpy(h + 64, p->hash, AU_HASH_LEN);
}

static int
cache_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* The parts, one after the other, to path whole or not at all. */
static int
cache_write_parts(const char *path, const void *a, size_t alen,
    const void *b, size_t blen, struct au_err *err)
{
	char	*tmp;
	int	 fd;

	if ((fd = au_tmp_open(path, &tmp, err)) == -1)
		return -1;
	if (cache_write_all(fd, a, alen) == -1 ||
	    cache_write_all(fd, b, blen) == -1) {
		au_err_set(err, AU_E_IO, "%s: write: %s", path,
		    strerror(errno));
		au_tmp_abort(fd, tmp);
		return -1;
	}
	return au_tmp_commit(fd, tmp, path, err);
}

int
au_file_write(const char *path, const void *buf, size_t len,
    struct au_err *err)
{
	return cache_write_parts(path, buf, len, NULL, 0, err);
}

int
au_cache_write(const char *path, const struct au_prepared *p,
    struct au_err *err)
{
	uint8_t	 h[AU_CACHE_HDR];

	cache_header(p, h);
	return cache_write_parts(path, h, sizeof(h), p->data,
	    (size_t)p->frames * AU_FRAME_SAMPLES, err);
}

int
au_cache_parse(const void *buf, size_t len, struct au_prepared *p,
    struct au_err *err)
{
	const uint8_t	*h = buf;
	size_t		 hdr;

	memset(p, 0, sizeof(*p));
	if (len < 8 || memcmp(h, AU_CACHE_MAGIC, 4) != 0)
		return au_err_set(err, AU_E_BAD_CACHE, "not a sanket audio "
		    "cache file (no \"%s\" magic)", AU_CACHE_MAGIC);
	if (get16(h + 4) != AU_CACHE_VERSION)
		return au_err_set(err, AU_E_BAD_CACHE, "cache file version %u "
		    "(this build reads version %d)", get16(h + 4),
		    AU_CACHE_VERSION);
	hdr = get16(h + 6);
	if (hdr != AU_CACHE_HDR || len < hdr)
		return au_err_set(err, AU_E_BAD_CACHE, "cache file header is "
		    "%zu bytes of %zu (want %d)", len < hdr ? len : hdr, hdr,
		    AU_CACHE_HDR);
	if (h[8] != AU_CODEC_ULAW && h[8] != AU_CODEC_ALAW)
		return au_err_set(err, AU_E_BAD_CACHE, "unknown codec %u",
		    h[8]);
	if (get16(h + 10) != AU_FRAME_SAMPLES || get32(h + 12) != AU_RATE)
		return au_err_set(err, AU_E_BAD_CACHE, "frames of %u bytes at "
		    "%u Hz (want %d at %d)", get16(h + 10), get32(h + 12),
		    AU_FRAME_SAMPLES, AU_RATE);
	p->codec = h[8];
	p->frames = get32(h + 16);
	p->samples = get32(h + 20);
	if ((uint64_t)p->frames * AU_FRAME_SAMPLES + hdr != len)
		return au_err_set(err, AU_E_BAD_CACHE, "cache file is %zu "
		    "bytes; its header says %llu (truncated or padded)", len,
		    (unsigned long long)p->frames * AU_FRAME_SAMPLES + hdr);
	if (p->samples > (uint64_t)p->frames * AU_FRAME_SAMPLES ||
	    p->samples + AU_FRAME_SAMPLES <= (uint64_t)p->frames *
	    AU_FRAME_SAMPLES)
		return au_err_set(err, AU_E_BAD_CACHE, "%u samples do not "
		    "make %u frames", p->samples, p->frames);
	p->target_lufs = getf64(h + 24);
	p->lufs_before = getf64(h + 32);
	p->lufs_after = getf64(h + 40);
	p->peak_after = getf64(h + 48);
	p->gain_db = getf64(h + 56);
	memcpy(p->hash, h + 64, AU_HASH_LEN);
	return 0;
}

int
au_cache_read(const char *path, struct au_prepared **out, struct au_err *err)
{
	struct au_prepared	*p = NULL;
	struct stat		 sb;
	uint8_t			*buf = NULL;
	size_t			 got = 0;
	ssize_t			 n;
	int			 fd;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return au_err_set(err, AU_E_IO, "%s: %s", path,
		    strerror(errno));
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		au_err_set(err, AU_E_IO, "%s: not a regular file", path);
		goto fail;
	}
	if ((size_t)sb.st_size > CACHE_MAX_BYTES) {
		au_err_set(err, AU_E_BAD_CACHE, "%s: too large", path);
		goto fail;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		if ((n = read(fd, buf + got, (size_t)sb.st_size - got)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			au_err_set(err, AU_E_IO, "%s: read: %s", path,
			    n == 0 ? "short read" : strerror(errno));
			goto fail;
		}
		got += (size_t)n;
	}
	p = xcalloc(1, sizeof(*p));
	if (au_cache_parse(buf, got, p, err) == -1)
		goto fail;
	p->data = xmalloc((size_t)p->frames * AU_FRAME_SAMPLES + 1);
	memcpy(p->data, buf + AU_CACHE_HDR, (size_t)p->frames *
	    AU_FRAME_SAMPLES);
	free(buf);
	close(fd);
	*out = p;
	return 0;

fail:
	free(buf);
	free(p);
	close(fd);
	return -1;
}

int
au_wav_write(const char *path, const struct au_prepared *p,
    struct au_err *err)
{
	struct au_rec	*rec;

	rec = au_rec_open(path, p->codec == AU_CODEC_ALAW ? AU_REC_ALAW :
	    AU_REC_ULAW, err);
	if (rec == NULL)
		return -1;
	if (au_rec_write_g711(rec, p->data, p->samples, err) == -1) {
		au_rec_abort(rec);
		return -1;
	}
	return au_rec_close(rec, err);
}
