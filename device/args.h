/* netflap-device's command line: one table of options (name, argument,
 * parser, field, help) feeds getopt, the usage text and the defaults. */
#ifndef NETFLAP_ARGS_H
#define NETFLAP_ARGS_H

#include <stdbool.h>
#include <stdio.h>

#include "impair.h"
#include "session.h"
#include "stack.h"

struct nf_dev_opts {
	const char *ifname, *stack, *control, *mac;
	const char *serial; /* --telemetry serial: the console the reports go to */
	const char *ip_mode, *address, *gateway, *dns;
	const char *ip6_mode, *address6, *dns6;
	long control_fd, socket_limit;
	bool ip6_keep; /* --ip6-keep on */
	bool version;
	struct nf_impair_cfg impair;
	struct nf_session_cfg s;
};

/* Parses argv into o (from the defaults). 0, or -EINVAL with the message
 * printed. --help prints the usage and exits 0. */
int nf_dev_args(struct nf_dev_opts *o, int argc, char **argv);
/* The stack's configuration from o (addressing, MAC, limits, impairment;
 * args_ip.c), and the families the session waits for in o->s; 0 or
 * -EINVAL with the message printed. */
int nf_dev_stack_cfg(struct nf_dev_opts *o, struct nf_stack_cfg *sc);
void nf_dev_usage(FILE *f);

#endif
