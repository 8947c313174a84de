/* The close sequences a device tears its session down with (session.h). */
#include <errno.h>
#include <string.h>

#include "session.h"

static const char *const close_mode_names[] = {
    [NF_CLOSE_ONLY] = "close",
    [NF_SHUTDOWN_CLOSE] = "shutdown+close",
    [NF_CLOSE_SHUTDOWN] = "close+shutdown",
};

const char *nf_close_mode_name(enum nf_close_mode m)
{
	return close_mode_names[m];
}

int nf_close_mode_parse(const char *s, enum nf_close_mode *out)
{
	for (size_t i = 0; i < sizeof(close_mode_names) / sizeof(close_mode_names[0]); i++) {
		if (strcmp(s, close_mode_names[i]) == 0) {
			*out = (enum nf_close_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}
