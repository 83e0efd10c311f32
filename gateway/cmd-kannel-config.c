/*
 * cmd-kannel-config.c: `sanket kannel-config -c FILE [--bearerbox-port P]
 * [--log-dir DIR]`: print the kannel.conf groups (smsbox, sendsms-user,
 * sms-service) that match the sanket configuration, ready to paste.
 * Local: reads FILE, never the daemon.  The work is kconf_write() (kconf.c);
 * this file parses options and reports.  --json prints
 * {"kannel_conf":"<the text>"}.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "conf.h"
#include "kconf.h"
#include "sanket.h"

static int	cmd_kannel_config_exec(struct sk_ctx *,
		    const struct cmd_entry *, int, char **);

const struct cmd_entry cmd_kannel_config_entry = {
	"kannel-config",
	"kannel-config -c FILE [--bearerbox-port PORT] [--log-dir DIR]",
	"print the kannel.conf groups matching sanket.conf",
	cmd_kannel_config_exec
};

#define OPT_BB_PORT	0x2001
#define OPT_LOG_DIR	0x2002

static const struct option cmd_kannel_config_opts[] = {
	{ "bearerbox-port", required_argument, NULL, OPT_BB_PORT },
	{ "log-dir", required_argument, NULL, OPT_LOG_DIR },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_kannel_config_exec(struct sk_ctx *ctx, const struct cmd_entry *entry,
    int argc, char **argv)
{
	struct kconf_opts	 o;
	struct conf		*c;
	char			 err[512], *end, *text = NULL;
	size_t			 len = 0;
	long			 port;
	FILE			*f;
	json_t			*j;
	int			 ch;

	memset(&o, 0, sizeof(o));
	while ((ch = sk_getopt(ctx, entry, argc, argv, "",
	    cmd_kannel_config_opts)) != -1) {
		switch (ch) {
		case OPT_BB_PORT:
			errno = 0;
			port = strtol(optarg, &end, 10);
			if (end == optarg || *end != '\0' || errno != 0 ||
			    port < 1 || port > 65535)
				return sk_usage(ctx, entry, "--bearerbox-port: "
				    "\"%s\" is not a port", optarg);
			o.bearerbox_port = (int)port;
			break;
		case OPT_LOG_DIR:
			o.log_dir = optarg;
			break;
		default:
			return sk_getopt_exit(ch);
		}
	}
	if (optind != argc)
		return sk_usage(ctx, entry, "unexpected argument: %s",
		    argv[optind]);
	if (ctx->conf_path == NULL)
		return sk_usage(ctx, entry, "kannel-config needs -c FILE");
	if ((c = sk_conf(ctx)) == NULL)
		return SK_EXIT_FAIL;

	if ((f = open_memstream(&text, &len)) == NULL)
		return sk_fail(ctx, "E_INTERNAL", "open_memstream: %s",
		    strerror(errno));
	if (kconf_write(f, c, &o, err, sizeof(err)) == -1) {
		fclose(f);
		free(text);
		return sk_fail(ctx, "E_CONFIG", "%s: %s", ctx->conf_path, err);
	}
	fclose(f);
	if (ctx->json) {
		j = json_pack("{s:s%}", "kannel_conf", text, len);
		sk_json_print(j);
		json_decref(j);
	} else
		fwrite(text, 1, len, stdout);
	free(text);
	return SK_EXIT_OK;
}
