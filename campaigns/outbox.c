/*
 * outbox.c: one SMS with its own number and text (an answer to a reply, a
 * relief notice carrying the beneficiary's code, a grievance resolution),
 * queued as a message row that the dispatcher sends like any other.
 */
#include "config.h"

#include <string.h>

#include "campaigns.h"
#include "log.h"
#include "sms.h"
#include "store.h"

int64_t
camp_outbox_add(struct store *s, const struct outbox_msg *m)
{
	static const char ins[] = "INSERT INTO messages (alert_id,"
	    " recipient_id, union_code, lang, channel, priority, next_at,"
	    " parts, origin, msisdn, text) VALUES (nullif(?1, 0),"
	    " nullif(?2, 0), ?3, ?4, 'sms', ?5, ?6, ?7, ?8, ?9, ?10)";
	struct sms_len	 l;
	sqlite3_stmt	*st;

	if (m->text == NULL || sms_measure(m->text, &l) == -1) {
		log_warnx("outbox: not valid UTF-8 text; not queued");
		return -1;
	}
	if (m->msisdn == NULL && m->recipient_id == 0) {
		log_warnx("outbox: no number; not queued");
		return -1;
	}
	if (store_batch_op(s) == -1 || (st = store_prepare(s, ins)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, m->alert_id);
	sqlite3_bind_int64(st, 2, m->recipient_id);
	if (m->union_code != NULL)
		sqlite3_bind_text(st, 3, m->union_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, m->lang != NULL && strcmp(m->lang, "en") ==
	    0 ? "en" : "bn", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, m->priority);
	sqlite3_bind_int64(st, 6, m->due_ms > 0 ? m->due_ms : store_now_ms());
	sqlite3_bind_int(st, 7, l.parts);
	sqlite3_bind_text(st, 8, m->origin, -1, SQLITE_STATIC);
	if (m->msisdn != NULL)
		sqlite3_bind_text(st, 9, m->msisdn, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, m->text, -1, SQLITE_STATIC);
	if (camp_step(s, st, "outbox: insert") == -1)
		return -1;
	return sqlite3_last_insert_rowid(store_db(s));
}
