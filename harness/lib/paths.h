/* Where netflap's own files are, from where its executable is: in a build
 * folder (the device binaries and stacks/ beside netflap, the data in the
 * source tree) or installed (PREFIX/bin/netflap, PREFIX/lib/netflap/ for the
 * device binaries and stacks/, PREFIX/share/netflap/ for plots.gp and the
 * scenarios), so an installed netflap needs no checkout. */
#ifndef NETFLAP_PATHS_H
#define NETFLAP_PATHS_H

#include <stddef.h>

enum nf_file_kind {
	NF_FILE_LIB,  /* the device binaries, stacks/ */
	NF_FILE_DATA, /* plots.gp, scenarios/ */
};

/* The first of the kind's places that holds name, into buf. 0, or
 * -ENOENT with buf holding the last place tried. */
int nf_path_find(enum nf_file_kind kind, const char *name, char *buf, size_t len);

#endif
