/* `netflap plot RUN_DIR`: PNG and SVG plots in plots/ with gnuplot (the same
 * scripts/plots.gp that scripts/plot.sh uses) and a self-contained
 * report.html: verdict, plots inline, scenario. */
#ifndef NETFLAP_PLOT_H
#define NETFLAP_PLOT_H

#include <stdbool.h>

/* Returns an exit code: 0, 2 (no rows), 3 (gnuplot missing or failed). */
int nf_plot_run_dir(const char *dir, bool quiet);

#endif
