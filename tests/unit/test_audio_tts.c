/*
 * test_audio_tts.c: espeak-ng into memory.  A Bangla warning sentence
 * gives non-silent speech of plausible length (0.05..0.5 s per character
 * of text); English too; the text is refused when it is not UTF-8, empty,
 * or too long; dates are rewritten for speech; the speech goes through
 * the same pipeline to a prepared stream at the target loudness.
 */
#include "config.h"

#include "tap.h"
#include "test_audio.h"

#define BN_WARNING "ঘূর্ণিঝড় সতর্কবার্তা। উপকূলীয় এলাকায় ৭ নম্বর বিপদ " \
	"সংকেত দেখানো হয়েছে। নিরাপদ আশ্রয়ে যান।"

static void
check_speech(const char *lang, const char *text)
{
	struct au_err		 e = { NULL, "" };
	struct au_pcm		*p = NULL, *r = NULL;
	struct au_prepare_opts	 o;
	struct au_prepared	*prep = NULL;
	size_t			 chars = 0;
	const char		*c;
	double			 secs;

	for (c = text; *c != '\0'; c++)
		chars += ((unsigned char)*c & 0xc0) != 0x80;
	if (!ok(au_tts_render(lang, text, 60, &p, &e) == 0, "%s: speech "
	    "rendered", lang)) {
		diag("%s: %s", e.code, e.msg);
		return;
	}
	secs = au_pcm_seconds(p);
	ok(secs > 0.05 * chars && secs < 0.5 * chars, "%s: %.2f s for %zu "
	    "characters", lang, secs, chars);
	ok(ta_db(ta_rms(p->s, p->n)) > -40, "%s: not silent (%.1f dBFS RMS)",
	    lang, ta_db(ta_rms(p->s, p->n)));
	au_prepare_opts_default(&o);
	ok(au_resample(p, AU_RATE, &r, &e) == 0 &&
	    au_prepare(r, &o, NULL, &prep, &e) == 0 &&
	    fabs(prep->lufs_after - o.target_lufs) < 0.5, "%s: prepared to "
	    "%.1f LUFS", lang, prep != NULL ? prep->lufs_after : 0);
	au_prepared_free(prep);
	au_pcm_free(r);
	au_pcm_free(p);
}

static void
refuse(const char *lang, const char *text, double max, const char *code,
    const char *what)
{
	struct au_err	 e = { NULL, "" };
	struct au_pcm	*p = NULL;

	ok(au_tts_render(lang, text, max, &p, &e) == -1 && p == NULL &&
	    e.code != NULL && strcmp(e.code, code) == 0, "%s: %s (%s)", what,
	    code, e.msg);
}

static void
test_normalise(void)
{
	static const struct {
		const char	*lang, *in, *out;
	} t[] = {
		{ "bn", "২৬/০৫/২০২৪ তারিখে", "26 মে 2024 তারিখে" },
		{ "en", "on 1.2.2025, signal 7", "on 1 February 2025, signal 7" },
		{ "en", "26-05-2024", "26 May 2024" },
		{ "en", "32/05/2024 1/13/2024", "32/05/2024 1/13/2024" },
		{ "en", "126/05/2024", "126/05/2024" },
		{ "bn", "৭ নম্বর", "৭ নম্বর" },
	};
	char	*s;
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		s = au_tts_text_normalise(t[i].lang, t[i].in);
		is_str(s, t[i].out, "spoken form of \"%s\"", t[i].in);
		free(s);
	}
}

int
main(void)
{
	char	*big;

	test_normalise();
	check_speech("bn", BN_WARNING);
	check_speech("en", "Cyclone warning. Danger signal number 7 is "
	    "hoisted. Go to a shelter now.");
	refuse("bn", "\xe0\xa6\x98\xff ok", 60, AU_E_BAD_TEXT,
	    "invalid UTF-8");
	refuse("bn", "\xc0\xaf", 60, AU_E_BAD_TEXT, "overlong UTF-8");
	refuse("bn", "  \xe2\x80\x8b ", 60, AU_E_BAD_TEXT,
	    "only spaces and a zero-width space");
	refuse("fr", "bonjour", 60, AU_E_INVALID, "unknown language");
	refuse("bn", BN_WARNING, 1, AU_E_TOO_LONG, "speech over max_seconds");
	big = malloc(AU_TTS_MAX_BYTES + 2);
	memset(big, 'a', AU_TTS_MAX_BYTES + 1);
	big[AU_TTS_MAX_BYTES + 1] = '\0';
	refuse("en", big, 60, AU_E_BAD_TEXT, "text over the byte limit");
	free(big);
	au_tts_shutdown();
	return done_testing();
}
