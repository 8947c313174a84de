/* report.html's trend panel: this run among the nights before it, from a
 * history CSV (`netflap history --csv`): one small chart per figure
 * (reconnect failure rate, CONNACK p50/p95/p99, heap floor, findings)
 * over the runs of this run's scenario fingerprint, oldest first, this
 * run's point marked. */
#ifndef NETFLAP_REPORT_TREND_H
#define NETFLAP_REPORT_TREND_H

#include <stdio.h>

/* Writes the panel into f for the run in dir. A history that cannot be
 * read, or that lacks this run, is said on the page. */
void nf_report_trend(FILE *f, const char *history_csv, const char *dir);

#endif
