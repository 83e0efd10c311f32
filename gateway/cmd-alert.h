/*
 * cmd-alert.h: what cmd-alert.c (the verbs) and cmd-alert-wait.c (the
 * --wait loop) share: one request to the alerts API and its outcome, and
 * the printers both use.  Internal to the sanket CLI.
 */
#ifndef SK_CMD_ALERT_H
#define SK_CMD_ALERT_H

#include <stdio.h>
#include <jansson.h>

#include "sanket.h"

/* One request's outcome (alert_request). */
struct alert_answer {
	int		 status;	/* HTTP status; 0 = no answer */
	int		 reported;	/* the failure is already printed */
	json_t		*json;		/* the answer, if JSON */
	char		 err[1024];	/* why there was no answer */
};

/* A count in an alert object: under "totals", else at the top. */
long long	 al_total(json_t *o, const char *key);
/*
 * One request whose answer must be a JSON object with status 200 or 201.
 * 0: a->json is that object.  -1: the daemon did not answer (status 0,
 * a->err says why), refused (a->json is its error body, if any) or
 * answered something else; nothing is printed unless a->reported.  The
 * caller runs alert_answer_clear either way.
 */
int		 alert_request(struct sk_ctx *, enum client_method,
		    const char *path, json_t *body, struct alert_answer *);
void		 alert_answer_clear(struct alert_answer *);
/* Report a failed alert_request as sk_call would.  Returns 1. */
int		 alert_answer_fail(struct sk_ctx *, struct alert_answer *,
		    const char *what);
/* "2891 messages: 750 delivered, ..., 0 confirmed; 1691 parts" */
void		 alert_totals_print(FILE *, json_t *totals);
/* `alert status` for people: an sk_print_fn. */
int		 alert_status_print(struct sk_ctx *, json_t *, void *);

/*
 * cmd-alert-wait.c: follow alert id until it settles.  first: what is
 * already known of it (the POST answer, not stolen), or NULL.  full: print
 * the whole status at the end, not one totals line.  Returns the exit code.
 */
int		 alert_wait(struct sk_ctx *, long long id, json_t *first,
		    int full);

#endif
