/* `netflap plot RUN_DIR`: PNG and SVG plots in plots/ with gnuplot (the same
 * scripts/plots.gp that scripts/plot.sh uses) and a self-contained
 * report.html: verdict, plots inline, scenario. */
#ifndef NETFLAP_PLOT_H
#define NETFLAP_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "rows.h"

#define PLOT_DEVICES 8 /* a line per device up to this many; a fleet's summary past it */

/* A figure drawn: its name in plot.dat and its cycles.csv column (-1:
 * the status as 1 ok / 0 not). */
struct nf_plot_series {
	const char *name;
	int col;
};
extern const struct nf_plot_series nf_plot_series[];
extern const int nf_plot_nseries;

/* Writes the plots' data file (plot_data.c): a header, then one line per
 * bucket of cycles (at most 2000): "cycle NAME_0 .. NAME_{n-1} ...". Sets
 * *nlines (lines per figure) and their titles ("d0 d1 ..." or "median
 * lowest highest"). 0 or -errno. */
int nf_plot_data(const struct nf_rows *rows, const char *path, int *nlines, char *titles,
		 size_t tlen);

/* Plots dir and writes its report.html (with a trend panel from history,
 * a `netflap history` CSV, when not NULL). Returns an exit code: 0, 2 (no
 * rows), 3 (gnuplot missing or failed). */
int nf_plot_run_dir(const char *dir, bool quiet, const char *history);

#endif
