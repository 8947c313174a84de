/* AP backend "command": the AP is something netflap does not run (a relay,
 * a PoE port, a smart plug, `nmcli connection down Hotspot`), switched by
 * ap.off_command and ap.on_command: argv words split at blanks (no shell,
 * no quoting), run with a deadline, their exit code checked, their output
 * appended to logs/ap-command.log. ap.iface joins the boards' network to
 * the AP's bridge (the broker, DHCP, DNS) and stays up. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "ap.h"
#include "proc.h"

#define MAX_WORDS 32

struct command {
	char buf[2][256];
	char *argv[2][MAX_WORDS + 1]; /* [0] off, [1] on */
	char log[600];
};

/* words of text into argv (their storage buf); the count, or -E2BIG */
static int split(const char *text, char *buf, size_t len, char **argv)
{
	int n = 0;

	snprintf(buf, len, "%s", text);
	for (char *save = NULL, *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (n == MAX_WORDS)
			return -E2BIG;
		argv[n++] = w;
	}
	argv[n] = NULL;
	return n;
}


static int run_one(struct nf_ap *ap, bool on, char *err, size_t len)
{
	struct command *c = ap->priv;
	char cyc[40], dir[600 + 16];
	char *env[] = {cyc, dir, NULL};
	int status = 0;

	snprintf(cyc, sizeof(cyc), "NETFLAP_CYCLE=%" PRId64, ap->cycle);
	snprintf(dir, sizeof(dir), "NETFLAP_RUN_DIR=%s", ap->run_dir);
	struct nf_spawn s = {.nsfd = -1, .log = c->log, .pass_fd = -1, .argv = c->argv[on], .env = env};
	int rc = nf_proc_run(&s, (int)ap->sc->command_timeout_ms, &status);
	const char *which = on ? "ap.on_command" : "ap.off_command";

	if (rc == -ETIMEDOUT)
		snprintf(err, len, "%s (%s) did not end within %" PRId64 " ms; stopped (see %s)",
			 which, c->argv[on][0], ap->sc->command_timeout_ms, c->log);
	else if (rc)
		snprintf(err, len, "%s (%s): %s", which, c->argv[on][0], strerror(-rc));
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		snprintf(err, len, "%s (%s) %s %d (see %s)", which, c->argv[on][0],
			 WIFEXITED(status) ? "exited with" : "was killed by signal",
			 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), c->log);
	if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0))
		rc = -EIO;
	return rc;
}

static int command_start(struct nf_ap *ap, const char *run_dir, struct nf_undo *u, char *err,
			 unsigned errlen)
{
	struct command *c = calloc(1, sizeof(*c));
	const char *text[2] = {ap->sc->off_command, ap->sc->on_command};
	int rc;

	if (!c || (rc = nf_undo_push(u, nf_ap_undo_free_priv, ap, "ap command", 0)) < 0) {
		free(c);
		return -ENOMEM;
	}
	ap->priv = c;
	snprintf(c->log, sizeof(c->log), "%s/logs/ap-command.log", run_dir);
	for (int k = 0; k < 2; k++) {
		rc = split(text[k], c->buf[k], sizeof(c->buf[k]), c->argv[k]);
		if (rc <= 0 || !nf_have_program(c->argv[k][0])) {
			snprintf(err, errlen, "ap.%s_command = '%s': %s", k ? "on" : "off", text[k],
				 rc <= 0 ? "want 1 to 32 words" : "no such program");
			return -EINVAL;
		}
	}
	if ((rc = nf_hwport_adopt(&ap->hw, ap->sc->ap_iface, ap->topo, u, err, errlen)) < 0 ||
	    (rc = nf_hwport_set(&ap->hw, true)) < 0) {
		if (!err[0])
			snprintf(err, errlen, "ap.iface = %s: up: %s", ap->sc->ap_iface, strerror(-rc));
		return rc;
	}
	return run_one(ap, false, err, errlen); /* the run starts with the AP off */
}

static int command_set(struct nf_ap *ap, bool on)
{
	return run_one(ap, on, ap->why, sizeof(ap->why));
}

const struct nf_ap_ops nf_ap_command = {
    .name = "command", .start = command_start, .set = command_set};
