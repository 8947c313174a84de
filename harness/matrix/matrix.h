/* `netflap matrix SCENARIO`: the scenario over stack x close_mode, one
 * run per cell, summed up in matrix.csv and matrix.md. */
#ifndef NETFLAP_MATRIX_H
#define NETFLAP_MATRIX_H

int nf_matrix(int argc, char **argv);

#endif
