/* run.rotate's segment names (see segments.h). */
#include <stdio.h>
#include <unistd.h>

#include "segments.h"

void nf_segment_path(char *buf, size_t len, const char *dir, const char *stem, const char *ext,
		     int k, bool gz)
{
	snprintf(buf, len, "%s/%s-%04d%s%s", dir, stem, k, ext, gz ? ".gz" : "");
}

bool nf_segment_find(char *buf, size_t len, const char *dir, const char *stem, const char *ext,
		     int k)
{
	/* gzip removes the plain file only once the .gz is complete */
	nf_segment_path(buf, len, dir, stem, ext, k, false);
	if (access(buf, F_OK) == 0)
		return true;
	nf_segment_path(buf, len, dir, stem, ext, k, true);
	return access(buf, F_OK) == 0;
}

int nf_segment_count(const char *dir, const char *stem, const char *ext)
{
	char path[4200];
	int k = 0;

	while (nf_segment_find(path, sizeof(path), dir, stem, ext, k + 1))
		k++;
	return k;
}
