/*
 * decode.c: any audio file libsndfile reads (WAV in PCM, float, mu-law and
 * A-law, FLAC, Ogg Vorbis, Ogg Opus, MP3, AIFF, ...) to one mono signal,
 * from a path or from bytes in memory (libsndfile virtual I/O).
 *
 * The file streams through in blocks of DEC_BLOCK frames: each block is
 * downmixed (the mean of the channels) and pushed through the resampler,
 * so memory is the output signal, whatever the source's rate and channel
 * count.  From DEC_MT_SECONDS (or an unknown length: Ogg) libsamplerate
 * runs on a second thread while this one decodes, and the two share what
 * is left when the file ends (au_resampler_new_threaded).  The SHA-256 of the bytes is computed on the side (libcrypto).
 *
 * Refusals, each with its own code (audio.h): zero bytes or no frames
 * (E_EMPTY); a format libsndfile does not know (E_NOT_AUDIO: the name of
 * the file is never looked at); more than max_channels or a rate above
 * max_rate (E_UNSUPPORTED); longer than max_seconds (E_TOO_LONG, before
 * reading when the header says how long, else as soon as the limit is
 * passed); a decoder error (E_CORRUPT); fewer frames than the header
 * promised, or a WAV/AIFF data chunk longer than the file (E_TRUNCATED).
 * Non-finite float samples are read as 0 and huge ones clamped, so later
 * stages never see NaN.  Ogg carries no length in its header: an Ogg file
 * cut short decodes to what is there.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "audio.h"
#include "log.h"
#include "xmalloc.h"

#define DEC_BLOCK	4096		/* frames per read */
#define DEC_CLAMP	1000.0f		/* |sample| cap for float files */
#define DEC_FULLSCALE	0.99990f	/* counts as clipped at or above */
#define DEC_SFE_BAD_FILE 7		/* libsndfile's internal SFE_BAD_FILE */
#define DEC_MT_SECONDS	2.0		/* from here, resample on two threads */
#define DEC_FILE_BUF	65536		/* stdio buffer under libsndfile */

struct dec_mem {
	const unsigned char	*p;
	sf_count_t		 len;
	sf_count_t		 pos;
};

static const struct {
	int		 fmt;
	const char	*name;
} dec_names[] = {
	{ SF_FORMAT_WAV, "WAV" }, { SF_FORMAT_WAVEX, "WAV" },
	{ SF_FORMAT_AIFF, "AIFF" }, { SF_FORMAT_AU, "AU" },
	{ SF_FORMAT_W64, "W64" }, { SF_FORMAT_RF64, "RF64" },
	{ SF_FORMAT_CAF, "CAF" }, { SF_FORMAT_FLAC, "FLAC" },
	{ SF_FORMAT_OGG, "OGG" }, { SF_FORMAT_MPEG, "MP3" },
	{ SF_FORMAT_PCM_S8, "PCM_S8" }, { SF_FORMAT_PCM_U8, "PCM_U8" },
	{ SF_FORMAT_PCM_16, "PCM_16" }, { SF_FORMAT_PCM_24, "PCM_24" },
	{ SF_FORMAT_PCM_32, "PCM_32" }, { SF_FORMAT_FLOAT, "FLOAT" },
	{ SF_FORMAT_DOUBLE, "DOUBLE" }, { SF_FORMAT_ULAW, "ULAW" },
	{ SF_FORMAT_ALAW, "ALAW" }, { SF_FORMAT_VORBIS, "VORBIS" },
	{ SF_FORMAT_OPUS, "OPUS" },
	{ SF_FORMAT_MPEG_LAYER_I, "MPEG_LAYER_I" },
	{ SF_FORMAT_MPEG_LAYER_II, "MPEG_LAYER_II" },
	{ SF_FORMAT_MPEG_LAYER_III, "MPEG_LAYER_III" },
	{ SF_FORMAT_IMA_ADPCM, "IMA_ADPCM" },
	{ SF_FORMAT_MS_ADPCM, "MS_ADPCM" }, { SF_FORMAT_GSM610, "GSM610" },
};

void
au_decode_opts_default(struct au_decode_opts *o)
{
	o->max_seconds = AU_MAX_SECONDS;
	o->max_channels = AU_MAX_CHANNELS;
	o->max_rate = AU_MAX_RATE;
	o->out_rate = AU_RATE;
}

/* --- virtual I/O over a buffer ------------------------------------------- */

static sf_count_t
dec_mem_len(void *arg)
{
	return ((struct dec_mem *)arg)->len;
}

static sf_count_t
dec_mem_seek(sf_count_t off, int whence, void *arg)
{
	struct dec_mem	*m = arg;
	sf_count_t	 to;

	switch (whence) {
	case SEEK_SET:
		to = off;
		break;
	case SEEK_CUR:
		to = m->pos + off;
		break;
	case SEEK_END:
		to = m->len + off;
		break;
	default:
		return -1;
	}
	if (to < 0)
		return -1;
	m->pos = to;
	return to;
}

static sf_count_t
dec_mem_read(void *ptr, sf_count_t n, void *arg)
{
	struct dec_mem	*m = arg;

	if (n < 0 || m->pos >= m->len)
		return 0;
	if (n > m->len - m->pos)
		n = m->len - m->pos;
	memcpy(ptr, m->p + m->pos, (size_t)n);
	m->pos += n;
	return n;
}

static sf_count_t
dec_mem_write(const void *ptr, sf_count_t n, void *arg)
{
	return 0;
}

static sf_count_t
dec_mem_tell(void *arg)
{
	return ((struct dec_mem *)arg)->pos;
}

/*
 * --- virtual I/O over a stdio stream -------------------------------------
 *
 * sf_open() reads with a read(2) per request, and mpg123 asks for each
 * frame's 4-byte header and then its body: two system calls per 26 ms of
 * MP3, ~4,600 for a minute, each dear on a VM.  A stdio stream with a
 * DEC_FILE_BUF buffer makes that one per 64 KB.
 */

static sf_count_t
dec_file_len(void *arg)
{
	struct stat	 sb;

	if (fstat(fileno((FILE *)arg), &sb) == -1)
		return -1;
	return (sf_count_t)sb.st_size;
}

static sf_count_t
dec_file_seek(sf_count_t off, int whence, void *arg)
{
	if (fseeko(arg, (off_t)off, whence) == -1)
		return -1;
	return (sf_count_t)ftello(arg);
}

static sf_count_t
dec_file_read(void *ptr, sf_count_t n, void *arg)
{
	if (n <= 0)
		return 0;
	return (sf_count_t)fread(ptr, 1, (size_t)n, arg);
}

static sf_count_t
dec_file_tell(void *arg)
{
	return (sf_count_t)ftello(arg);
}

/* --- helpers ----------------------------------------------------------------- */

static void
dec_name(int fmt, char *buf, size_t len)
{
	size_t	 i;

	for (i = 0; i < sizeof(dec_names) / sizeof(dec_names[0]); i++)
		if (dec_names[i].fmt == fmt) {
			snprintf(buf, len, "%s", dec_names[i].name);
			return;
		}
	snprintf(buf, len, "0x%04x", (unsigned int)fmt);
}

/* sf_open failed: say why in our words. */
static int
dec_open_error(int e, const char *what, struct au_err *err)
{
	switch (e) {
	case SF_ERR_UNRECOGNISED_FORMAT:
		return au_err_set(err, AU_E_NOT_AUDIO, "%s: not an audio file "
		    "(WAV, FLAC, Ogg Vorbis/Opus, MP3, AIFF, ... are read)",
		    what);
	case SF_ERR_MALFORMED_FILE:
		return au_err_set(err, AU_E_CORRUPT, "%s: malformed audio "
		    "file: %s", what, sf_error_number(e));
	case SF_ERR_UNSUPPORTED_ENCODING:
		return au_err_set(err, AU_E_UNSUPPORTED, "%s: unsupported "
		    "encoding: %s", what, sf_error_number(e));
	case DEC_SFE_BAD_FILE:
		/*
		 * libsndfile's "not a regular file": the file was checked, so
		 * the content is what failed (mpg123 on text named .mp3).
		 */
		return au_err_set(err, AU_E_NOT_AUDIO, "%s: not an audio file "
		    "(%s)", what, sf_error_number(e));
	default:
		/* A container it knows, with a header that makes no sense. */
		return au_err_set(err, AU_E_CORRUPT, "%s: corrupt audio file: "
		    "%s", what, sf_error_number(e));
	}
}

/*
 * libsndfile reads a WAV or AIFF whose data chunk runs past the end of the
 * file as far as the data goes and notes "data : N (should be M)" in its
 * log.  N of 0 or 0xffffffff is a header written by a streaming encoder,
 * not a cut file.
 */
static int
dec_cut_chunk(SNDFILE *sf)
{
	static const char *const tags[] = { "\ndata : ", "\nSSND : " };
	char		*log, *p;
	unsigned long long said, real;
	size_t		 i;
	int		 cut = 0;

	log = xmalloc(16384);
	sf_command(sf, SFC_GET_LOG_INFO, log, 16384);
	log[16383] = '\0';
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]) && !cut; i++) {
		if ((p = strstr(log, tags[i])) == NULL)
			continue;
		if (sscanf(p + strlen(tags[i]), "%llu (should be %llu)",
		    &said, &real) == 2 && said > real && said != 0 &&
		    said != 0xffffffffULL && said != 0x7ffff000ULL)
			cut = 1;
	}
	free(log);
	return cut;
}

void
au_hash(const void *buf, size_t len, uint8_t *out)
{
	unsigned int	 n = 0;

	if (EVP_Digest(buf, len, out, &n, EVP_sha256(), NULL) != 1)
		fatalx("%s: EVP_Digest", __func__);
}

/* SHA-256 and size of a file; -1 with errno set. */
static int
dec_hash_file(const char *path, uint8_t *out, size_t *size)
{
	EVP_MD_CTX	*ctx;
	unsigned char	*buf;
	unsigned int	 n = 0;
	ssize_t		 r;
	int		 fd, rc = -1, e = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	buf = xmalloc(65536);
	*size = 0;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	while ((r = read(fd, buf, 65536)) != 0) {
		if (r == -1) {
			if (errno == EINTR)
				continue;
			e = errno;
			goto out;
		}
		if (EVP_DigestUpdate(ctx, buf, (size_t)r) != 1)
			goto out;
		*size += (size_t)r;
	}
	if (EVP_DigestFinal_ex(ctx, out, &n) == 1)
		rc = 0;
out:
	free(buf);
	EVP_MD_CTX_free(ctx);
	close(fd);
	if (rc == -1)
		errno = e != 0 ? e : EIO;
	return rc;
}

/* --- the decoder -------------------------------------------------------------- */

static int
dec_stream(SNDFILE *sf, const SF_INFO *info, const char *what,
    const struct au_decode_opts *o, struct au_pcm **out,
    struct au_source *src, struct au_err *err)
{
	struct au_resampler	*rs = NULL;
	struct au_pcm		*pcm = NULL;
	float			*buf = NULL, *mono = NULL, a, sum;
	sf_count_t		 n, total = 0, limit, clipped = 0;
	int			 ch = info->channels, c, out_rate, e;
	sf_count_t		 i;

	if (ch < 1 || ch > o->max_channels)
		return au_err_set(err, AU_E_UNSUPPORTED, "%s: %d channels (at "
		    "most %d are read)", what, ch, o->max_channels);
	if (info->samplerate < 1 || info->samplerate > o->max_rate)
		return au_err_set(err, AU_E_UNSUPPORTED, "%s: sample rate %d "
		    "Hz (at most %d Hz is read)", what, info->samplerate,
		    o->max_rate);
	limit = (sf_count_t)(o->max_seconds * info->samplerate);
	if (info->frames > limit && info->frames != SF_COUNT_MAX)
		return au_err_set(err, AU_E_TOO_LONG, "%s: %.1f s long (at "
		    "most %.0f s)", what, (double)info->frames /
		    info->samplerate, o->max_seconds);
	if (dec_cut_chunk(sf))
		return au_err_set(err, AU_E_TRUNCATED, "%s: truncated: the "
		    "header promises more audio than the file holds", what);

	out_rate = o->out_rate > 0 ? o->out_rate : info->samplerate;
	/* Longer than a prompt: libsamplerate on a second thread. */
	rs = info->frames >= DEC_MT_SECONDS * info->samplerate ?
	    au_resampler_new_threaded(info->samplerate, out_rate, err) :
	    au_resampler_new(info->samplerate, out_rate, err);
	if (rs == NULL)
		return -1;
	pcm = au_pcm_new(out_rate);
	/* The length is known (not Ogg): grow the output once. */
	if (info->frames > 0 && info->frames != SF_COUNT_MAX)
		au_pcm_reserve(pcm, (size_t)((double)info->frames * out_rate /
		    info->samplerate) + 2 * AU_FRAME_SAMPLES);
	buf = xreallocarray(NULL, (size_t)DEC_BLOCK * ch, sizeof(float));
	mono = xreallocarray(NULL, DEC_BLOCK, sizeof(float));
	while ((n = sf_readf_float(sf, buf, DEC_BLOCK)) > 0) {
		/* NaN reads as 0, Inf and huge values are clamped. */
		for (i = 0; i < n * ch; i++) {
			a = fabsf(buf[i]);
			clipped += a >= DEC_FULLSCALE;
			if (!(a <= DEC_CLAMP))
				buf[i] = isnan(a) ? 0 : buf[i] > 0 ? DEC_CLAMP :
				    -DEC_CLAMP;
		}
		if (ch == 1)
			memcpy(mono, buf, (size_t)n * sizeof(*mono));
		else if (ch == 2)
			for (i = 0; i < n; i++)
				mono[i] = (buf[2 * i] + buf[2 * i + 1]) / 2;
		else
			for (i = 0; i < n; i++) {
				sum = 0;
				for (c = 0; c < ch; c++)
					sum += buf[i * ch + c];
				mono[i] = sum / ch;
			}
		total += n;
		if (total > limit) {
			au_err_set(err, AU_E_TOO_LONG, "%s: longer than %.0f s",
			    what, o->max_seconds);
			goto fail;
		}
		if (au_resampler_push(rs, mono, (size_t)n, 0, pcm, err) == -1)
			goto fail;
	}
	if ((e = sf_error(sf)) != SF_ERR_NO_ERROR) {
		au_err_set(err, info->frames != SF_COUNT_MAX &&
		    total < info->frames ? AU_E_TRUNCATED : AU_E_CORRUPT,
		    "%s: %s after %.2f s: %s", what, info->frames !=
		    SF_COUNT_MAX && total < info->frames ? "truncated" :
		    "decoder error", (double)total / info->samplerate,
		    sf_strerror(sf));
		goto fail;
	}
	if (total == 0) {
		au_err_set(err, AU_E_EMPTY, "%s: no audio in the file", what);
		goto fail;
	}
	/* Cut short: fewer frames than the header said (5 %, 0.1 s slack). */
	if (info->frames != SF_COUNT_MAX && info->frames > 0 &&
	    total + info->frames / 20 + info->samplerate / 10 < info->frames) {
		au_err_set(err, AU_E_TRUNCATED, "%s: truncated: %.2f s of the "
		    "%.2f s the header promises", what, (double)total /
		    info->samplerate, (double)info->frames / info->samplerate);
		goto fail;
	}
	if (au_resampler_push(rs, NULL, 0, 1, pcm, err) == -1)
		goto fail;
	if (src != NULL) {
		dec_name(info->format & SF_FORMAT_TYPEMASK, src->container,
		    sizeof(src->container));
		dec_name(info->format & SF_FORMAT_SUBMASK, src->codec,
		    sizeof(src->codec));
		src->rate = info->samplerate;
		src->channels = ch;
		src->frames = total;
		src->seconds = (double)total / info->samplerate;
		src->clipped = (double)clipped / ((double)total * ch);
	}
	free(buf);
	free(mono);
	au_resampler_free(rs);
	*out = pcm;
	return 0;

fail:
	free(buf);
	free(mono);
	au_resampler_free(rs);
	au_pcm_free(pcm);
	return -1;
}

int
au_decode_mem(const void *buf, size_t len, const struct au_decode_opts *o,
    struct au_pcm **out, struct au_source *src, struct au_err *err)
{
	SF_VIRTUAL_IO	 vio = { dec_mem_len, dec_mem_seek, dec_mem_read,
			    dec_mem_write, dec_mem_tell };
	struct dec_mem	 m;
	SF_INFO		 info;
	SNDFILE		*sf;
	int		 rc;

	*out = NULL;
	if (src != NULL)
		memset(src, 0, sizeof(*src));
	if (len == 0)
		return au_err_set(err, AU_E_EMPTY, "the upload is empty "
		    "(0 bytes)");
	if (src != NULL) {
		src->bytes = len;
		au_hash(buf, len, src->hash);
	}
	m.p = buf;
	m.len = (sf_count_t)len;
	m.pos = 0;
	memset(&info, 0, sizeof(info));
	if ((sf = sf_open_virtual(&vio, SFM_READ, &info, &m)) == NULL)
		return dec_open_error(sf_error(NULL), "upload", err);
	rc = dec_stream(sf, &info, "upload", o, out, src, err);
	sf_close(sf);
	return rc;
}

int
au_decode_file(const char *path, const struct au_decode_opts *o,
    struct au_pcm **out, struct au_source *src, struct au_err *err)
{
	SF_VIRTUAL_IO	 vio = { dec_file_len, dec_file_seek, dec_file_read,
			    dec_mem_write, dec_file_tell };
	struct stat	 sb;
	SF_INFO		 info;
	SNDFILE		*sf;
	FILE		*fp;
	uint8_t		 hash[AU_HASH_LEN];
	size_t		 size;
	int		 rc;

	*out = NULL;
	if (src != NULL)
		memset(src, 0, sizeof(*src));
	if (stat(path, &sb) == -1)
		return au_err_set(err, AU_E_IO, "%s: %s", path,
		    strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return au_err_set(err, AU_E_IO, "%s: not a regular file",
		    path);
	if (sb.st_size == 0)
		return au_err_set(err, AU_E_EMPTY, "%s: empty file (0 bytes)",
		    path);
	if (dec_hash_file(path, hash, &size) == -1)
		return au_err_set(err, AU_E_IO, "%s: %s", path,
		    strerror(errno));
	if ((fp = fopen(path, "rbe")) == NULL)
		return au_err_set(err, AU_E_IO, "%s: %s", path,
		    strerror(errno));
	setvbuf(fp, NULL, _IOFBF, DEC_FILE_BUF);
	memset(&info, 0, sizeof(info));
	if ((sf = sf_open_virtual(&vio, SFM_READ, &info, fp)) == NULL) {
		rc = dec_open_error(sf_error(NULL), path, err);
		fclose(fp);
		return rc;
	}
	rc = dec_stream(sf, &info, path, o, out, src, err);
	sf_close(sf);
	fclose(fp);
	if (rc == 0 && src != NULL) {
		memcpy(src->hash, hash, sizeof(hash));
		src->bytes = size;
	}
	return rc;
}
