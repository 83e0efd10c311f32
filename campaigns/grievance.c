/*
 * grievance.c: grievances from the people sanket serves, and their
 * resolution.
 *
 * A grievance arrives by SMS ("GRS <text>", "অভিযোগ <text>"), as a relief
 * dispute ("NO <code>", relief.c: category "relief" with the entitlement)
 * or, later, as an IVR recording.  Each caller opens it with
 * grievance_open() inside its own transaction, so the grievance commits
 * together with the inbound row or the receipt that caused it.
 *
 * States (grievances.status), one transition:
 *
 *	open --grievance_resolve()--> resolved
 *
 * grievance_resolve() sets the resolution, who resolved it, queues the SMS
 * that tells the complainant (outbox.c, origin "grievance", PRIO_REPLY, in
 * the grievance's lang) and stores its message id, all in the caller's
 * transaction.  A resolved grievance stays resolved: a second resolve is
 * refused (GRIEVANCE_RESOLVE_DONE) and sends nothing.
 *
 * Scope: a token with a scope sees and resolves only grievances whose
 * union lies inside it (the union's materialised path starts with the
 * scope's path, areas.h); a grievance without a union (an unregistered
 * sender) belongs to national tokens only.
 *
 * Lists and the CSV for the national Grievance Redress System (GRS,
 * grs.gov.bd, hotline 333) come from one query; docs/grievances.md maps
 * the columns to what GRS intake asks for.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <utf8proc.h>

#include "areas.h"
#include "campaigns.h"
#include "csv.h"
#include "log.h"
#include "sms.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

#define GRIEVANCE_MSISDN_MAX	32
#define GRIEVANCE_DHAKA_OFFSET	(6 * 3600)	/* Asia/Dhaka, no DST */

static const char *const grievance_status_names[] = {
	"open", "resolved", "all"
};

/*
 * One statement behind the list and the CSV.  ?1 scope code (NULL =
 * national), ?2 area code (NULL = any), ?3 status ("open", "resolved",
 * NULL = all), ?4 since, ?5 limit.
 */
static const char grievance_select[] = "SELECT g.id, g.union_code,"
    " u.name_en, u.name_bn, g.msisdn, g.channel, g.category, g.text,"
    " g.lang, g.entitlement_id, e.distribution_id, d.programme, d.item,"
    " g.recording, g.status, g.created_at, g.resolved_at, g.resolution,"
    " g.resolved_by, g.message_id, up.code, up.name_en, up.name_bn,"
    " di.code, di.name_en, di.name_bn, dv.code, dv.name_en, dv.name_bn,"
    " g.inbound_id, d.unit, e.quantity"
    " FROM grievances g"
    " LEFT JOIN areas u ON u.code = g.union_code"
    " LEFT JOIN areas up ON up.code = u.parent"
    " LEFT JOIN areas di ON di.code = up.parent"
    " LEFT JOIN areas dv ON dv.code = di.parent"
    " LEFT JOIN entitlements e ON e.id = g.entitlement_id"
    " LEFT JOIN distributions d ON d.id = e.distribution_id"
    " WHERE (?1 IS NULL OR (u.path IS NOT NULL AND"
    "  substr(u.path, 1, length((SELECT path FROM areas WHERE"
    "  code = ?1))) = (SELECT path FROM areas WHERE code = ?1)))"
    " AND (?2 IS NULL OR (u.path IS NOT NULL AND"
    "  substr(u.path, 1, length((SELECT path FROM areas WHERE"
    "  code = ?2))) = (SELECT path FROM areas WHERE code = ?2)))"
    " AND (?3 IS NULL OR g.status = ?3)"
    " AND g.created_at >= ?4"
    " ORDER BY g.id DESC LIMIT ?5";

enum {
	C_ID, C_UNION, C_U_EN, C_U_BN, C_MSISDN, C_CHANNEL, C_CATEGORY,
	C_TEXT, C_LANG, C_ENT, C_DIST, C_PROG, C_ITEM, C_RECORDING, C_STATUS,
	C_CREATED, C_RESOLVED_AT, C_RESOLUTION, C_RESOLVED_BY, C_MESSAGE,
	C_UP, C_UP_EN, C_UP_BN, C_DI, C_DI_EN, C_DI_BN, C_DV, C_DV_EN,
	C_DV_BN, C_INBOUND, C_UNIT, C_QTY
};

static const char *
grievance_col(sqlite3_stmt *st, int c)
{
	const unsigned char	*p = sqlite3_column_text(st, c);

	return p != NULL ? (const char *)p : "";
}

static json_t *
grievance_str_or_null(sqlite3_stmt *st, int c)
{
	if (sqlite3_column_type(st, c) == SQLITE_NULL)
		return json_null();
	return json_string(grievance_col(st, c));
}

static json_t *
grievance_int_or_null(sqlite3_stmt *st, int c)
{
	if (sqlite3_column_type(st, c) == SQLITE_NULL)
		return json_null();
	return json_integer(sqlite3_column_int64(st, c));
}

/* {code, name_en, name_bn} of the area in columns c, c+1, c+2, or null. */
static json_t *
grievance_area_json(sqlite3_stmt *st, int c)
{
	if (sqlite3_column_type(st, c) == SQLITE_NULL)
		return json_null();
	return json_pack("{s:s,s:o,s:o}", "code", grievance_col(st, c),
	    "name_en", grievance_str_or_null(st, c + 1), "name_bn",
	    grievance_str_or_null(st, c + 2));
}

/* Cut s to at most max - 1 bytes on a code point boundary. */
static void
grievance_cut(char *s, size_t max)
{
	size_t	 n = strlen(s);

	if (n < max)
		return;
	n = max - 1;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	s[n] = '\0';
}

int64_t
grievance_open(struct store *s, const struct grievance_in *in)
{
	static const char ins[] = "INSERT INTO grievances (union_code,"
	    " msisdn, recipient_id, channel, category, text, lang,"
	    " entitlement_id, inbound_id, recording, created_at)"
	    " VALUES (?1, ?2, nullif(?3, 0), ?4, ?5, ?6, ?7, nullif(?8, 0),"
	    " nullif(?9, 0), ?10, ?11)";
	const char	*category, *lang, *why = NULL, *raw;
	char		*text = NULL;
	sqlite3_stmt	*st;
	int64_t		 id = -1;

	category = in->category != NULL ? in->category : "general";
	lang = in->lang != NULL ? in->lang : "bn";
	if (in->msisdn == NULL || *in->msisdn == '\0' ||
	    strlen(in->msisdn) >= GRIEVANCE_MSISDN_MAX) {
		log_warnx("%s: no number", __func__);
		return -1;
	}
	if (in->channel == NULL || (strcmp(in->channel, "sms") != 0 &&
	    strcmp(in->channel, "ivr") != 0 &&
	    strcmp(in->channel, "api") != 0)) {
		log_warnx("%s: channel \"%s\" is not sms, ivr or api",
		    __func__, in->channel ? in->channel : "");
		return -1;
	}
	if (strcmp(lang, "bn") != 0 && strcmp(lang, "en") != 0) {
		log_warnx("%s: lang \"%.8s\" is not bn or en", __func__, lang);
		return -1;
	}
	if (strcmp(category, "general") != 0 &&
	    strcmp(category, "relief") != 0) {
		log_warnx("%s: category \"%.16s\" is not general or relief",
		    __func__, category);
		return -1;
	}
	if (in->union_code != NULL && !area_code_valid(in->union_code)) {
		log_warnx("%s: \"%.40s\" is not an area code", __func__,
		    in->union_code);
		return -1;
	}
	raw = in->text != NULL ? in->text : "";
	if ((text = text_clean(raw, strlen(raw), &why)) == NULL) {
		log_warnx("%s: text from %s: %s", __func__, in->msisdn,
		    why != NULL ? why : "not valid UTF-8");
		return -1;
	}
	if (*text == '\0' && in->entitlement_id == 0 && in->recording ==
	    NULL) {
		log_warnx("%s: empty text from %s", __func__, in->msisdn);
		goto done;
	}
	if (strlen(text) >= GRIEVANCE_TEXT_MAX)
		log_info("grievance: text from %s cut to %d bytes", in->msisdn,
		    GRIEVANCE_TEXT_MAX - 1);
	grievance_cut(text, GRIEVANCE_TEXT_MAX);

	if (store_batch_op(s) == -1 || (st = store_prepare(s, ins)) == NULL)
		goto done;
	if (in->union_code != NULL)
		sqlite3_bind_text(st, 1, in->union_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, in->msisdn, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, in->recipient_id);
	sqlite3_bind_text(st, 4, in->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, category, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, lang, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, in->entitlement_id);
	sqlite3_bind_int64(st, 9, in->inbound_id);
	if (in->recording != NULL)
		sqlite3_bind_text(st, 10, in->recording, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, in->now > 0 ? in->now : store_now());
	if (camp_step(s, st, "grievance: insert") == -1)
		goto done;
	id = sqlite3_last_insert_rowid(store_db(s));
	/* At -v: the row is the record (one a reply, thousands a second
	 * in a flood: bench/mo.sh). */
	log_debug("grievance=%lld union=%s channel=%s category=%s",
	    (long long)id, in->union_code ? in->union_code : "-",
	    in->channel, category);
done:
	free(text);
	return id;
}

/* Bind the filter to grievance_select; NULL on a store error. */
static sqlite3_stmt *
grievance_query(struct store *s, const struct token *t,
    const struct grievance_filter *f)
{
	sqlite3_stmt	*st;
	int		 status = f->status;

	if ((st = store_prepare(s, grievance_select)) == NULL)
		return NULL;
	if (t != NULL && t->scope[0] != '\0')
		sqlite3_bind_text(st, 1, t->scope, -1, SQLITE_TRANSIENT);
	if (f->area != NULL)
		sqlite3_bind_text(st, 2, f->area, -1, SQLITE_TRANSIENT);
	if (status == GRIEVANCE_OPEN || status == GRIEVANCE_RESOLVED)
		sqlite3_bind_text(st, 3, grievance_status_names[status], -1,
		    SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, f->since);
	sqlite3_bind_int(st, 5, f->limit > 0 ? f->limit : 100);
	return st;
}

static json_t *
grievance_row_json(sqlite3_stmt *st)
{
	json_t	*o, *u, *ent = json_null();

	u = grievance_area_json(st, C_UNION);
	if (json_is_object(u)) {
		json_object_set_new(u, "upazila", grievance_area_json(st,
		    C_UP));
		json_object_set_new(u, "district", grievance_area_json(st,
		    C_DI));
		json_object_set_new(u, "division", grievance_area_json(st,
		    C_DV));
	}
	if (sqlite3_column_type(st, C_ENT) != SQLITE_NULL) {
		ent = json_pack("{s:I,s:o,s:o,s:o,s:o,s:o}", "id",
		    (json_int_t)sqlite3_column_int64(st, C_ENT),
		    "distribution_id", grievance_int_or_null(st, C_DIST),
		    "programme", grievance_str_or_null(st, C_PROG),
		    "item", grievance_str_or_null(st, C_ITEM),
		    "unit", grievance_str_or_null(st, C_UNIT),
		    "quantity", grievance_int_or_null(st, C_QTY));
	}
	o = json_pack("{s:I,s:o,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:s,s:I}",
	    "id", (json_int_t)sqlite3_column_int64(st, C_ID),
	    "union", u,
	    "msisdn", grievance_col(st, C_MSISDN),
	    "channel", grievance_col(st, C_CHANNEL),
	    "category", grievance_col(st, C_CATEGORY),
	    "text", grievance_col(st, C_TEXT),
	    "lang", grievance_col(st, C_LANG),
	    "entitlement", ent,
	    "recording", grievance_str_or_null(st, C_RECORDING),
	    "inbound_id", grievance_int_or_null(st, C_INBOUND),
	    "status", grievance_col(st, C_STATUS),
	    "created_at", (json_int_t)sqlite3_column_int64(st, C_CREATED));
	json_object_set_new(o, "resolved_at", grievance_int_or_null(st,
	    C_RESOLVED_AT));
	json_object_set_new(o, "resolution", grievance_str_or_null(st,
	    C_RESOLUTION));
	json_object_set_new(o, "resolved_by", grievance_int_or_null(st,
	    C_RESOLVED_BY));
	json_object_set_new(o, "message_id", grievance_int_or_null(st,
	    C_MESSAGE));
	return o;
}

json_t *
grievance_list(struct store *s, const struct token *t,
    const struct grievance_filter *f)
{
	sqlite3_stmt	*st;
	json_t		*list;
	int		 rc;

	if ((st = grievance_query(s, t, f)) == NULL)
		return NULL;
	list = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(list, grievance_row_json(st));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("%s: %s", __func__, sqlite3_errmsg(store_db(s)));
		json_decref(list);
		return NULL;
	}
	return list;
}

/* --- the GRS export ----------------------------------------------------- */

/* The GRS columns, in order (docs/grievances.md). */
static const char *const grievance_csv_head[] = {
	"reference", "date", "channel", "complainant_name",
	"complainant_phone", "division", "district", "upazila", "union",
	"union_code", "office", "subject", "description", "category",
	"programme", "item", "entitlement_id", "distribution_id", "status",
	"resolved_at", "resolution", "recording"
};
#define GRIEVANCE_CSV_NCOLS \
	(sizeof(grievance_csv_head) / sizeof(grievance_csv_head[0]))

/* "2026-11-22 14:05" in Asia/Dhaka (UTC+6, no DST), or "". */
static void
grievance_date(int64_t t, char *buf, size_t len)
{
	time_t		 d = (time_t)(t + GRIEVANCE_DHAKA_OFFSET);
	struct tm	 tm;

	if (t <= 0 || gmtime_r(&d, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		buf[0] = '\0';
}

/* A Bangladeshi mobile as GRS forms take it ("01711000001"). */
static char *
grievance_phone(const char *msisdn)
{
	if (strncmp(msisdn, "+880", 4) == 0 && strlen(msisdn) == 14)
		return xstrdup(msisdn + 3);
	return xstrdup(msisdn);
}

/* An area's Bangla name, else its English one. */
static const char *
grievance_name(sqlite3_stmt *st, int c_bn, int c_en)
{
	const char	*bn = grievance_col(st, c_bn);

	return *bn != '\0' ? bn : grievance_col(st, c_en);
}

static char *
grievance_csv_row(sqlite3_stmt *st, size_t *len)
{
	char		*f[GRIEVANCE_CSV_NCOLS], date[32], *row;
	const char	*cat = grievance_col(st, C_CATEGORY);
	int64_t		 id = sqlite3_column_int64(st, C_ID);
	size_t		 i;
	int		 k = 0, relief = strcmp(cat, "relief") == 0;

	xasprintf(&f[k++], "SANKET-%lld", (long long)id);
	grievance_date(sqlite3_column_int64(st, C_CREATED), date,
	    sizeof(date));
	f[k++] = xstrdup(date);
	f[k++] = xstrdup(grievance_col(st, C_CHANNEL));
	f[k++] = xstrdup("");		/* sanket never learns names */
	f[k++] = grievance_phone(grievance_col(st, C_MSISDN));
	f[k++] = xstrdup(grievance_name(st, C_DV_BN, C_DV_EN));
	f[k++] = xstrdup(grievance_name(st, C_DI_BN, C_DI_EN));
	f[k++] = xstrdup(grievance_name(st, C_UP_BN, C_UP_EN));
	f[k++] = xstrdup(grievance_name(st, C_U_BN, C_U_EN));
	f[k++] = xstrdup(grievance_col(st, C_UNION));
	/* The office answerable: the union parishad; relief: the PIO. */
	if (sqlite3_column_type(st, C_UNION) == SQLITE_NULL)
		f[k++] = xstrdup("");
	else if (relief)
		xasprintf(&f[k++], "উপজেলা প্রকল্প বাস্তবায়ন কর্মকর্তা, %s",
		    grievance_name(st, C_UP_BN, C_UP_EN));
	else
		xasprintf(&f[k++], "%s ইউনিয়ন পরিষদ",
		    grievance_name(st, C_U_BN, C_U_EN));
	if (relief && sqlite3_column_type(st, C_PROG) != SQLITE_NULL)
		xasprintf(&f[k++], "ত্রাণ পাওয়া যায়নি: %s %s (বিতরণ %lld)",
		    grievance_col(st, C_PROG), grievance_col(st, C_ITEM),
		    (long long)sqlite3_column_int64(st, C_DIST));
	else if (relief)
		f[k++] = xstrdup("ত্রাণ নিয়ে অভিযোগ");
	else
		xasprintf(&f[k++], "দুর্যোগ সেবা নিয়ে অভিযোগ (%s)",
		    grievance_col(st, C_CHANNEL));
	f[k++] = xstrdup(grievance_col(st, C_TEXT));
	f[k++] = xstrdup(cat);
	f[k++] = xstrdup(grievance_col(st, C_PROG));
	f[k++] = xstrdup(grievance_col(st, C_ITEM));
	f[k++] = xstrdup(grievance_col(st, C_ENT));
	f[k++] = xstrdup(grievance_col(st, C_DIST));
	f[k++] = xstrdup(grievance_col(st, C_STATUS));
	grievance_date(sqlite3_column_type(st, C_RESOLVED_AT) == SQLITE_NULL ?
	    0 : sqlite3_column_int64(st, C_RESOLVED_AT), date, sizeof(date));
	f[k++] = xstrdup(date);
	f[k++] = xstrdup(grievance_col(st, C_RESOLUTION));
	f[k++] = xstrdup(grievance_col(st, C_RECORDING));
	row = csv_format_row(f, GRIEVANCE_CSV_NCOLS, len);
	for (i = 0; i < GRIEVANCE_CSV_NCOLS; i++)
		free(f[i]);
	return row;
}

char *
grievance_csv(struct store *s, const struct token *t,
    const struct grievance_filter *f, size_t *lenp)
{
	sqlite3_stmt	*st;
	char		*out, *row;
	size_t		 len, cap, n;
	int		 rc;

	if ((st = grievance_query(s, t, f)) == NULL)
		return NULL;
	row = csv_format_row((char *const *)grievance_csv_head,
	    GRIEVANCE_CSV_NCOLS, &n);
	cap = 4096 + n;
	out = xmalloc(cap);
	memcpy(out, "\xef\xbb\xbf", 3);	/* BOM: spreadsheets read UTF-8 */
	memcpy(out + 3, row, n + 1);
	len = 3 + n;
	free(row);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row = grievance_csv_row(st, &n);
		while (len + n + 1 > cap) {
			cap *= 2;
			out = xreallocarray(out, cap, 1);
		}
		memcpy(out + len, row, n + 1);
		len += n;
		free(row);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		log_warnx("%s: %s", __func__, sqlite3_errmsg(store_db(s)));
		free(out);
		return NULL;
	}
	if (lenp != NULL)
		*lenp = len;
	return out;
}

/* --- resolve ------------------------------------------------------------ */

/* 1 if the code point at s[0..] is a combining mark (a vowel sign). */
static int
grievance_is_mark(const char *s)
{
	utf8proc_int32_t	 cp;
	int			 c;

	if (utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp) <= 0)
		return 0;
	c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC ||
	    c == UTF8PROC_CATEGORY_ME;
}

static int
grievance_fits(const char *text, int max_parts)
{
	struct sms_len	 l;

	return sms_measure(text, &l) == 0 && l.parts <= max_parts;
}

char *
grievance_sms_text(int64_t id, const char *lang, const char *note,
    int max_parts, int *truncated)
{
	const char	*ell;
	char		*text, *cut, num[24], bnum[3 * sizeof(num)];
	size_t		 n;
	int		 bn = lang == NULL || strcmp(lang, "en") != 0;

	*truncated = 0;
	if (max_parts < 1)
		max_parts = 1;
	if (bn) {
		snprintf(num, sizeof(num), "%lld", (long long)id);
		text_bn_digits(num, bnum, sizeof(bnum));
		xasprintf(&text, "আপনার অভিযোগ নং %s নিষ্পত্তি হয়েছে: %s",
		    bnum, note);
	} else
		xasprintf(&text, "Your complaint #%lld has been resolved: %s",
		    (long long)id, note);
	if (grievance_fits(text, max_parts))
		return text;

	/*
	 * Too long: cut the note on a code point boundary that keeps each
	 * vowel sign with its letter and never ends on a hasanta (U+09CD,
	 * half a conjunct), and mark the cut.  English keeps to
	 * GSM 7-bit with "...", which "…" would turn into UCS-2.
	 */
	*truncated = 1;
	ell = bn ? "…" : "...";
	n = strlen(text);
	cut = xmalloc(n + 8);
	while (n > 0) {
		n--;
		while (n > 0 && (((unsigned char)text[n] & 0xc0) == 0x80 ||
		    grievance_is_mark(text + n) || (n >= 3 &&
		    memcmp(text + n - 3, "\xe0\xa7\x8d", 3) == 0)))
			n--;
		while (n > 0 && text[n - 1] == ' ')
			n--;
		memcpy(cut, text, n);
		strlcpy_sk(cut + n, ell, 8);
		if (grievance_fits(cut, max_parts))
			break;
	}
	free(text);
	return cut;
}

int
grievance_resolve(struct store *s, int64_t id, const struct token *t,
    const char *note, int max_parts, struct grievance_resolved *out)
{
	static const char get[] = "SELECT g.status, g.union_code, g.msisdn,"
	    " g.recipient_id, g.lang, (?2 IS NULL OR (u.path IS NOT NULL AND"
	    " substr(u.path, 1, length((SELECT path FROM areas WHERE"
	    " code = ?2))) = (SELECT path FROM areas WHERE code = ?2)))"
	    " FROM grievances g LEFT JOIN areas u ON u.code = g.union_code"
	    " WHERE g.id = ?1";
	static const char upd[] = "UPDATE grievances SET status = 'resolved',"
	    " resolved_at = ?2, resolution = ?3, resolved_by = nullif(?4, 0)"
	    " WHERE id = ?1 AND status = 'open'";
	static const char msg[] = "UPDATE grievances SET message_id = ?2"
	    " WHERE id = ?1";
	struct outbox_msg	 m;
	sqlite3_stmt		*st;
	char			 msisdn[GRIEVANCE_MSISDN_MAX], *text = NULL;
	int64_t			 recipient;
	int			 rc, open, inside, r = GRIEVANCE_RESOLVE_ERROR;

	memset(out, 0, sizeof(*out));
	if ((st = store_prepare(s, get)) == NULL)
		return GRIEVANCE_RESOLVE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	if (t->scope[0] != '\0')
		sqlite3_bind_text(st, 2, t->scope, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			log_warnx("%s: %s", __func__,
			    sqlite3_errmsg(store_db(s)));
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? GRIEVANCE_RESOLVE_UNKNOWN :
		    GRIEVANCE_RESOLVE_ERROR;
	}
	open = strcmp(grievance_col(st, 0), "open") == 0;
	strlcpy_sk(out->union_code, grievance_col(st, 1),
	    sizeof(out->union_code));
	strlcpy_sk(msisdn, grievance_col(st, 2), sizeof(msisdn));
	recipient = sqlite3_column_int64(st, 3);
	strlcpy_sk(out->lang, strcmp(grievance_col(st, 4), "en") == 0 ? "en" :
	    "bn", sizeof(out->lang));
	inside = sqlite3_column_int(st, 5);
	sqlite3_reset(st);
	if (!inside)
		return GRIEVANCE_RESOLVE_SCOPE;
	if (!open)
		return GRIEVANCE_RESOLVE_DONE;

	if (store_batch_op(s) == -1 || (st = store_prepare(s, upd)) == NULL)
		return GRIEVANCE_RESOLVE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, store_now());
	sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, t->id);
	if (camp_step(s, st, "grievance: resolve") == -1)
		return GRIEVANCE_RESOLVE_ERROR;
	if (sqlite3_changes(store_db(s)) != 1)
		return GRIEVANCE_RESOLVE_DONE;

	text = grievance_sms_text(id, out->lang, note, max_parts,
	    &out->truncated);
	memset(&m, 0, sizeof(m));
	m.recipient_id = recipient;
	m.msisdn = msisdn;
	m.union_code = out->union_code[0] != '\0' ? out->union_code : NULL;
	m.lang = out->lang;
	m.origin = "grievance";
	m.priority = PRIO_REPLY;
	m.text = text;
	if ((out->message_id = camp_outbox_add(s, &m)) == -1)
		goto done;
	if ((st = store_prepare(s, msg)) == NULL)
		goto done;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, out->message_id);
	if (camp_step(s, st, "grievance: message") == -1)
		goto done;
	sms_measure(text, &out->sms);
	out->id = id;
	log_info("grievance=%lld resolved token=%lld msg=%lld union=%s%s",
	    (long long)id, (long long)t->id, (long long)out->message_id,
	    out->union_code[0] ? out->union_code : "-",
	    out->truncated ? " (note cut to fit the SMS)" : "");
	r = GRIEVANCE_RESOLVE_OK;
done:
	free(text);
	return r;
}
