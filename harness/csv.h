/* cycles.csv: one row per device per cycle, header first, flushed per
 * row. The columns are one list (csv.c); results/README.md documents it. */
#ifndef NETFLAP_CSV_H
#define NETFLAP_CSV_H

#include <stdio.h>

#include "engine.h"

struct nf_wire {
	long syn, fin, rst; /* broker-port segments seen on the AP bridge */
};

/* Writes the header. 0 or -errno. */
int nf_csv_header(FILE *f);
/* Writes and flushes one row. 0 or -errno (-ENOSPC on a full disk: the
 * rows before it stay whole). */
int nf_csv_row(FILE *f, const struct nf_row *row, const struct nf_wire *w);
/* Number of columns, and the name of column i (for readers and tests). */
int nf_csv_ncols(void);
const char *nf_csv_col(int i);

#endif
