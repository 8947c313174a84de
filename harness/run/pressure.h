/* The machine's CPU pressure beside each row: the share of the time since
 * the device's last row during which some task waited for a CPU (Linux
 * PSI, /proc/pressure/cpu "some total"), per mille. The verdict tells a
 * fleet that slowed because the machine did (pressure rose with it) from
 * one that slowed because its stack did. Unknown (NF_UNSET) where the
 * kernel has no PSI. */
#ifndef NETFLAP_PRESSURE_H
#define NETFLAP_PRESSURE_H

#include <stdint.h>

#include "report.h"
#include "scenario.h"

struct nf_pressure {
	int fd; /* /proc/pressure/cpu, -1 none */
	int64_t last_us[NF_MAX_DEVICES], last_total[NF_MAX_DEVICES]; /* at each device's last row */
};

struct nf_undo;

/* opens the file (its close registered); no PSI is no error */
int nf_pressure_open(struct nf_pressure *p, struct nf_undo *u);
/* per mille since device dev's last row (its first row: since the open) */
int64_t nf_pressure_row(struct nf_pressure *p, int dev);
/* "some total=N" of a /proc/pressure file's text, microseconds; -1 none */
int64_t nf_pressure_parse(const char *text);

#endif
