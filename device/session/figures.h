/* What a report carries of the stack: the probe's figures (pools by name,
 * one table) and the results of the firmware's socket options. */
#ifndef NETFLAP_FIGURES_H
#define NETFLAP_FIGURES_H

#include "report.h"
#include "session.h"

/* the probe's figures now into r (nothing on the kernel stack) */
void nf_figures_probe(struct nf_session *s, struct nf_report *r);

/* device.sockopts on s->fd, as firmware sets them right after socket();
 * each result into r (0 or the errno), a failure is not an abort */
void nf_figures_sockopts(struct nf_session *s, struct nf_report *r);

/* what the link impairment did since the last row's figures (a REPORT, or
 * a STATUS the harness asked for a row) into r, and count anew from here:
 * the rows partition the frames. Nothing without an impairment. Caller
 * holds s->report_mu. */
void nf_figures_link(struct nf_session *s, struct nf_report *r);

#endif
