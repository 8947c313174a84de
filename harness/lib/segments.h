/* run.rotate's segments: a file that grew past the rotation size goes on
 * in numbered segments beside it, oldest first, the live file last:
 * cycles-0001.csv.gz, cycles-0002.csv.gz, ..., cycles.csv (logs/x.log the
 * same: logs/x-0001.log.gz, ...). A segment is gzip once compressed, plain
 * while its compressor runs (or if it was stopped: the plain one is whole,
 * a .gz beside it may be cut short). */
#ifndef NETFLAP_SEGMENTS_H
#define NETFLAP_SEGMENTS_H

#include <stdbool.h>
#include <stddef.h>

/* the path of segment k (1-based) of dir/stem.ext, plain (gz false) or
 * compressed */
void nf_segment_path(char *buf, size_t len, const char *dir, const char *stem, const char *ext,
		     int k, bool gz);

/* the readable path of segment k: plain where it is there (whole), else
 * the .gz; false when segment k does not exist */
bool nf_segment_find(char *buf, size_t len, const char *dir, const char *stem, const char *ext,
		     int k);

/* how many segments dir/stem.ext has (they are numbered without gaps) */
int nf_segment_count(const char *dir, const char *stem, const char *ext);

#endif
