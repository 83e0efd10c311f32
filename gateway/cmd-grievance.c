/* cmd-grievance.c: STUB, to be written (issue 5). */
#include "config.h"

#include "sanket.h"

static int
cmd_grievance_exec(struct sk_ctx *ctx, const struct cmd_entry *e, int argc,
    char **argv)
{
	(void)argc; (void)argv;
	return sk_fail(ctx, "E_NOT_IMPLEMENTED", "%s: not yet", e->name);
}

const struct cmd_entry cmd_grievance_entry = {
	"grievance", "grievance", "(not yet)", cmd_grievance_exec
};
