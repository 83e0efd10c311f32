/*
 * record.c: call audio to an 8 kHz mono WAV with libsndfile, for grievance
 * recordings and for the playable copy of a prepared prompt.
 *
 * G.711 codes are stored as they came off the wire (sf_write_raw into a
 * mu-law or A-law WAV: no decode and re-encode), linear samples go through
 * libsndfile into whichever format the file has.  The file is written
 * under a temp name and renamed into place by au_rec_close(), so a reader
 * (or a crash) never sees half a recording under the real name; the WAV
 * header is complete because sf_close() writes it before the rename.
 */
#include "config.h"

#include <errno.h>
#include <sndfile.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio.h"
#include "xmalloc.h"

struct au_rec {
	SNDFILE			*sf;
	int			 fd;
	char			*tmp;
	char			*path;
	enum au_rec_format	 fmt;
	size_t			 samples;
};

struct au_rec *
au_rec_open(const char *path, enum au_rec_format fmt, struct au_err *err)
{
	struct au_rec	*r;
	SF_INFO		 info;

	r = xcalloc(1, sizeof(*r));
	r->fmt = fmt;
	if ((r->fd = au_tmp_open(path, &r->tmp, err)) == -1) {
		free(r);
		return NULL;
	}
	r->path = xstrdup(path);
	memset(&info, 0, sizeof(info));
	info.samplerate = AU_RATE;
	info.channels = 1;
	info.format = SF_FORMAT_WAV | (fmt == AU_REC_ULAW ? SF_FORMAT_ULAW :
	    fmt == AU_REC_ALAW ? SF_FORMAT_ALAW : SF_FORMAT_PCM_16);
	if ((r->sf = sf_open_fd(r->fd, SFM_WRITE, &info, 0)) == NULL) {
		au_err_set(err, AU_E_IO, "%s: %s", path, sf_strerror(NULL));
		au_rec_abort(r);
		return NULL;
	}
	return r;
}

int
au_rec_write_g711(struct au_rec *r, const uint8_t *codes, size_t n,
    struct au_err *err)
{
	if (r->fmt == AU_REC_PCM16)
		return au_err_set(err, AU_E_INVALID, "%s: G.711 codes into a "
		    "linear recording", r->path);
	if (n > 0 && sf_write_raw(r->sf, codes, (sf_count_t)n) !=
	    (sf_count_t)n)
		return au_err_set(err, AU_E_IO, "%s: write: %s", r->path,
		    sf_strerror(r->sf));
	r->samples += n;
	return 0;
}

int
au_rec_write_pcm(struct au_rec *r, const int16_t *s, size_t n,
    struct au_err *err)
{
	if (n > 0 && sf_write_short(r->sf, s, (sf_count_t)n) !=
	    (sf_count_t)n)
		return au_err_set(err, AU_E_IO, "%s: write: %s", r->path,
		    sf_strerror(r->sf));
	r->samples += n;
	return 0;
}

size_t
au_rec_samples(const struct au_rec *r)
{
	return r->samples;
}

int
au_rec_close(struct au_rec *r, struct au_err *err)
{
	int	 rc, e;

	if (r == NULL)
		return 0;
	e = sf_close(r->sf);
	r->sf = NULL;
	if (e != 0) {
		au_err_set(err, AU_E_IO, "%s: %s", r->path,
		    sf_error_number(e));
		au_rec_abort(r);
		return -1;
	}
	rc = au_tmp_commit(r->fd, r->tmp, r->path, err);
	free(r->path);
	free(r);
	return rc;
}

void
au_rec_abort(struct au_rec *r)
{
	if (r == NULL)
		return;
	if (r->sf != NULL)
		sf_close(r->sf);
	au_tmp_abort(r->fd, r->tmp);
	free(r->path);
	free(r);
}
