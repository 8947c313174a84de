/* run.rotate = SIZE (MiB): a night's rows and logs in bounded files.
 * cycles.csv, once it holds SIZE, is renamed to the next numbered segment
 * (cycles-0001.csv, ...) and begun again with its header; every log in
 * logs/ that grew past SIZE is copied to its next segment and emptied
 * (copytruncate: the daemons and devices write them through O_APPEND
 * descriptors they keep). Each segment is then compressed by gzip, a child
 * of the run (segments.h says how readers find them). gzip, not zstd:
 * pandas, R and zcat read it with nothing added, and zlib reads a plain
 * file as well, so readers take either. */
#ifndef NETFLAP_ROTATE_H
#define NETFLAP_ROTATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define NF_ROTATE_ZIPS 8 /* compressors at once; more: the segment stays plain */

struct nf_rotate {
	int64_t limit;    /* bytes; 0: off */
	int64_t rows;     /* rows since the logs were last looked at */
	int segments;     /* cycles.csv's segments so far */
	int log_segments; /* the logs' */
	pid_t zip[NF_ROTATE_ZIPS];
	int64_t zip_failed; /* segments left plain: gzip failed or could not start */
};

struct run;

/* cycles.csv opened, its header written, its close registered */
int nf_rotate_open_rows(struct run *r, char *err, size_t len);
/* after each row: the rotations due */
void nf_rotate_after_row(struct run *r);
/* true when pid was one of our compressors (reaped) */
bool nf_rotate_reaped(struct run *r, pid_t pid, int status);
/* at the end of the run: waits for the compressors (bounded) */
void nf_rotate_finish(struct run *r);

#endif
