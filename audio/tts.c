/*
 * tts.c: text to speech with espeak-ng, synthesised into memory.
 *
 * The engine is initialised once (espeak_ng_Initialize, synchronous output
 * mode, so synthesis runs in the calling thread and hands us 16-bit
 * chunks through tts_synth_cb); no WAV file is ever written.  espeak-ng
 * keeps global state: one synthesis at a time, which the single-threaded
 * callers guarantee.  The output is 22050 Hz mono; au_resample() takes it
 * to 8 kHz like any other source.
 *
 * Text is checked and cleaned first (gateway/text.h: valid UTF-8, NFC so
 * both spellings of the Bangla nukta letters read the same, invisible
 * characters dropped); invalid UTF-8, empty text and text over
 * AU_TTS_MAX_BYTES are AU_E_BAD_TEXT.  espeak-ng's Bengali voice reads
 * numbers (ASCII or Bangla digits: "৭ নম্বর বিপদ সংকেত") as Bangla number
 * words but spells out "26/05/2024" with an English "slash", so dates are
 * rewritten to "26 মে 2024" first (au_tts_text_normalise).  Speech that
 * would run past max_seconds is stopped and refused (AU_E_TOO_LONG).
 *
 * libespeak-ng is opened (dlopen, by its soname) the first time speech is
 * asked for, not linked: it pulls in some 25 libraries (PulseAudio, ALSA,
 * X11, D-Bus, systemd, ...) for audio output that synchronous mode never
 * uses, and resolving them cost every `sanket` command ~8 ms at start.
 * The function pointers have the types of the installed headers'
 * prototypes.  A missing library is AU_E_TTS.
 */
#include "config.h"

#include <dlfcn.h>
#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "text.h"
#include "xmalloc.h"

struct tts_run {
	struct au_pcm	*pcm;
	size_t		 max;		/* samples */
	int		 over;
};

#define TTS_LIB		"libespeak-ng.so.1"

/* libespeak-ng's functions, once loaded. */
static struct {
	__typeof__(espeak_ng_InitializePath)	 *InitializePath;
	__typeof__(espeak_ng_Initialize)	 *Initialize;
	__typeof__(espeak_ng_InitializeOutput)	 *InitializeOutput;
	__typeof__(espeak_ng_GetStatusCodeMessage) *GetStatusCodeMessage;
	__typeof__(espeak_ng_Terminate)		 *Terminate;
	__typeof__(espeak_SetSynthCallback)	 *SetSynthCallback;
	__typeof__(espeak_ng_GetSampleRate)	 *GetSampleRate;
	__typeof__(espeak_ng_SetVoiceByName)	 *SetVoiceByName;
	__typeof__(espeak_ng_Synthesize)	 *Synthesize;
	__typeof__(espeak_ng_Synchronize)	 *Synchronize;
} tts_fn;

static int		 tts_ready;
static int		 tts_rate;
static struct tts_run	*tts_current;

static const char *const tts_months_bn[12] = {
	"জানুয়ারি", "ফেব্রুয়ারি", "মার্চ", "এপ্রিল", "মে", "জুন", "জুলাই",
	"আগস্ট", "সেপ্টেম্বর", "অক্টোবর", "নভেম্বর", "ডিসেম্বর"
};
static const char *const tts_months_en[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

static int
tts_synth_cb(short *wav, int n, espeak_EVENT *ev)
{
	struct tts_run	*r = tts_current;
	float		 buf[1024];
	int		 i, k;

	if (r == NULL || wav == NULL || n <= 0)
		return 0;
	if (r->pcm->n + (size_t)n > r->max) {
		r->over = 1;
		return 1;		/* abort the synthesis */
	}
	for (i = 0; i < n; i += k) {
		for (k = 0; k < n - i && k < 1024; k++)
			buf[k] = wav[i + k] / 32768.0f;
		au_pcm_append(r->pcm, buf, (size_t)k);
	}
	return 0;
}

/* dlopen libespeak-ng and find what we call; 0 or -1 with err. */
static int
tts_load(struct au_err *err)
{
	static const struct {
		const char	*name;
		size_t		 off;
	} syms[] = {
#define TTS_SYM(f, name) { name, offsetof(__typeof__(tts_fn), f) }
		TTS_SYM(InitializePath, "espeak_ng_InitializePath"),
		TTS_SYM(Initialize, "espeak_ng_Initialize"),
		TTS_SYM(InitializeOutput, "espeak_ng_InitializeOutput"),
		TTS_SYM(GetStatusCodeMessage, "espeak_ng_GetStatusCodeMessage"),
		TTS_SYM(Terminate, "espeak_ng_Terminate"),
		TTS_SYM(SetSynthCallback, "espeak_SetSynthCallback"),
		TTS_SYM(GetSampleRate, "espeak_ng_GetSampleRate"),
		TTS_SYM(SetVoiceByName, "espeak_ng_SetVoiceByName"),
		TTS_SYM(Synthesize, "espeak_ng_Synthesize"),
		TTS_SYM(Synchronize, "espeak_ng_Synchronize"),
#undef TTS_SYM
	};
	static void	*lib;
	void		*f;
	size_t		 i;

	if (lib != NULL)
		return 0;
	if ((lib = dlopen(TTS_LIB, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return au_err_set(err, AU_E_TTS, "espeak-ng is not available: "
		    "%s", dlerror());
	for (i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		if ((f = dlsym(lib, syms[i].name)) == NULL) {
			au_err_set(err, AU_E_TTS, "espeak-ng: %s lacks %s",
			    TTS_LIB, syms[i].name);
			dlclose(lib);
			lib = NULL;
			return -1;
		}
		/* A data pointer to a function pointer: POSIX allows it. */
		memcpy((char *)&tts_fn + syms[i].off, &f, sizeof(f));
	}
	return 0;
}

static int
tts_init(struct au_err *err)
{
	espeak_ng_STATUS	 st;
	char			 msg[256];

	if (tts_ready)
		return 0;
	if (tts_load(err) == -1)
		return -1;
	tts_fn.InitializePath(NULL);
	if ((st = tts_fn.Initialize(NULL)) != ENS_OK) {
		tts_fn.GetStatusCodeMessage(st, msg, sizeof(msg));
		return au_err_set(err, AU_E_TTS, "espeak-ng: %s", msg);
	}
	if ((st = tts_fn.InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0,
	    NULL)) != ENS_OK) {
		tts_fn.GetStatusCodeMessage(st, msg, sizeof(msg));
		tts_fn.Terminate();
		return au_err_set(err, AU_E_TTS, "espeak-ng: %s", msg);
	}
	tts_fn.SetSynthCallback(tts_synth_cb);
	tts_rate = tts_fn.GetSampleRate();
	tts_ready = 1;
	return 0;
}

void
au_tts_shutdown(void)
{
	if (!tts_ready)
		return;
	tts_fn.Terminate();
	tts_ready = 0;
}

/* One digit (ASCII or Bangla U+09E6..U+09EF) at s: its value, *len. */
static int
tts_digit(const unsigned char *s, size_t *len)
{
	if (s[0] >= '0' && s[0] <= '9') {
		*len = 1;
		return s[0] - '0';
	}
	if (s[0] == 0xe0 && s[1] == 0xa7 && s[2] >= 0xa6 && s[2] <= 0xaf) {
		*len = 3;
		return s[2] - 0xa6;
	}
	return -1;
}

/* A run of 1..max digits at s: value and bytes used, or 0 bytes. */
static size_t
tts_number(const unsigned char *s, int max, int *value, int *ndigits)
{
	size_t	 used = 0, l;
	int	 d, v = 0, n = 0;

	while ((d = tts_digit(s + used, &l)) != -1) {
		if (++n > max)
			return 0;
		v = v * 10 + d;
		used += l;
	}
	*value = v;
	*ndigits = n;
	return used;
}

char *
au_tts_text_normalise(const char *lang, const char *text)
{
	const unsigned char	*s = (const unsigned char *)text;
	const char *const	*months;
	char			*out, *o;
	size_t			 i = 0, a, b, c, l, cap;
	int			 day, mon, year, nd, nm, ny, prev_digit = 0;

	months = strcmp(lang, "bn") == 0 ? tts_months_bn : tts_months_en;
	cap = strlen(text) * 6 + 64;	/* "1/2/2024" -> 41 bytes */
	out = o = xmalloc(cap);
	while (s[i] != '\0') {
		if (!prev_digit &&
		    (a = tts_number(s + i, 2, &day, &nd)) > 0 &&
		    (s[i + a] == '/' || s[i + a] == '-' || s[i + a] == '.') &&
		    (b = tts_number(s + i + a + 1, 2, &mon, &nm)) > 0 &&
		    s[i + a + 1 + b] == s[i + a] &&
		    (c = tts_number(s + i + a + b + 2, 4, &year, &ny)) > 0 &&
		    ny == 4 && tts_digit(s + i + a + b + 2 + c, &l) == -1 &&
		    day >= 1 && day <= 31 && mon >= 1 && mon <= 12) {
			o += snprintf(o, cap - (size_t)(o - out), "%d %s %d",
			    day, months[mon - 1], year);
			i += a + b + c + 2;
			prev_digit = 1;
			continue;
		}
		prev_digit = tts_digit(s + i, &l) != -1;
		if (!prev_digit)
			l = 1;
		memcpy(o, s + i, l);
		o += l;
		i += l;
	}
	*o = '\0';
	return out;
}

int
au_tts_render(const char *lang, const char *text, double max_seconds,
    struct au_pcm **out, struct au_err *err)
{
	struct tts_run		 run;
	espeak_ng_STATUS	 st;
	const char		*why = NULL;
	char			*clean = NULL, *said = NULL, msg[256];
	size_t			 len;

	*out = NULL;
	if (strcmp(lang, "bn") != 0 && strcmp(lang, "en") != 0)
		return au_err_set(err, AU_E_INVALID, "TTS language \"%.16s\": "
		    "bn or en", lang);
	len = strlen(text);
	if (len > AU_TTS_MAX_BYTES)
		return au_err_set(err, AU_E_BAD_TEXT, "TTS text is %zu bytes "
		    "(at most %d)", len, AU_TTS_MAX_BYTES);
	if ((clean = text_clean(text, len, &why)) == NULL)
		return au_err_set(err, AU_E_BAD_TEXT, "TTS text: %s",
		    why != NULL ? why : "not valid UTF-8");
	if (clean[0] == '\0') {
		free(clean);
		return au_err_set(err, AU_E_BAD_TEXT, "TTS text is empty");
	}
	if (tts_init(err) == -1)
		goto fail;
	if ((st = tts_fn.SetVoiceByName(lang)) != ENS_OK) {
		tts_fn.GetStatusCodeMessage(st, msg, sizeof(msg));
		au_err_set(err, AU_E_TTS, "espeak-ng voice %s: %s", lang, msg);
		goto fail;
	}
	said = au_tts_text_normalise(lang, clean);
	memset(&run, 0, sizeof(run));
	run.pcm = au_pcm_new(tts_rate);
	run.max = (size_t)(max_seconds * tts_rate);
	tts_current = &run;
	st = tts_fn.Synthesize(said, strlen(said) + 1, 0, POS_CHARACTER, 0,
	    espeakCHARS_UTF8, NULL, NULL);
	if (st == ENS_OK)
		st = tts_fn.Synchronize();
	tts_current = NULL;
	if (run.over) {
		au_err_set(err, AU_E_TOO_LONG, "the spoken text runs over "
		    "%.0f s", max_seconds);
		au_pcm_free(run.pcm);
		goto fail;
	}
	if (st != ENS_OK) {
		tts_fn.GetStatusCodeMessage(st, msg, sizeof(msg));
		au_err_set(err, AU_E_TTS, "espeak-ng: %s", msg);
		au_pcm_free(run.pcm);
		goto fail;
	}
	if (run.pcm->n == 0) {
		au_err_set(err, AU_E_TTS, "espeak-ng produced no audio");
		au_pcm_free(run.pcm);
		goto fail;
	}
	free(clean);
	free(said);
	*out = run.pcm;
	return 0;

fail:
	free(clean);
	free(said);
	return -1;
}
