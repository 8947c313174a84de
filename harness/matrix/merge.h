/* `netflap merge DIR... --out DIR`: a matrix's cells, from any machines,
 * into one matrix.csv, matrix.md, junit.xml and report.html. */
#ifndef NETFLAP_MERGE_H
#define NETFLAP_MERGE_H

int nf_merge(int argc, char **argv);

#endif
