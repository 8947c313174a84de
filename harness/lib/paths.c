/* netflap's own files (see paths.h). */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

#ifndef NF_SRCDIR
#error "NF_SRCDIR must name the source tree (a build folder's data)"
#endif

/* the places of each kind, relative to the executable's folder; an
 * absolute one is the source tree a build folder came from */
static const char *const places[][3] = {
    [NF_FILE_LIB] = {".", "..", "../lib/netflap"}, /* "..": test programs in build/tests */
    [NF_FILE_DATA] = {"../share/netflap", NF_SRCDIR "/scripts", NF_SRCDIR},
};

int nf_path_find(enum nf_file_kind kind, const char *name, char *buf, size_t len)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct stat st;

	if (n < 0)
		return -errno;
	self[n] = '\0';
	const char *dir = dirname(self);
	for (size_t i = 0; i < sizeof(places[0]) / sizeof(places[0][0]) && places[kind][i]; i++) {
		const char *p = places[kind][i];
		if (p[0] == '/')
			snprintf(buf, len, "%s/%s", p, name);
		else
			snprintf(buf, len, "%s/%s/%s", dir, p, name);
		if (stat(buf, &st) == 0)
			return 0;
	}
	return -ENOENT;
}
