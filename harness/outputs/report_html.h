/* report.html: the page a run is read in. The verdict's findings as a
 * table (class, device, first cycle, slope, exhaustion seen or predicted,
 * the evidence), the plots inline with the first finding and the
 * exhaustion marked, the run's parameters from run.json, and links to
 * cycles.csv, verdict.json, junit.xml, run.json and ap.pcap. */
#ifndef NETFLAP_REPORT_HTML_H
#define NETFLAP_REPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>

struct nf_report_plot {
	const char *name; /* plots/NAME.svg */
	bool drawn;       /* false: no data for it (said on the page) */
};

/* Writes dir/report.html (through a temporary file), with a trend panel
 * when history (a `netflap history` CSV) is given. 0 or -errno. */
int nf_report_html(const char *dir, const struct nf_report_plot *plots, int nplots,
		   const char *history);

/* "FIRST EXHAUSTION" cycles for the plots' marks, -1 for none */
void nf_report_marks(const char *dir, char *buf, size_t len);

#endif
