/* The close sequences a device tears its session down with (session.h). */
#include <errno.h>
#include <string.h>

#include "session.h"

static const char *const close_mode_names[] = {
    [NF_CLOSE_ONLY] = "close",
    [NF_SHUTDOWN_CLOSE] = "shutdown+close",
    [NF_CLOSE_SHUTDOWN] = "close+shutdown",
    [NF_NET_FREE] = "net_free",
    [NF_NOTIFY_NET_FREE] = "close_notify+net_free",
};

/* each mode's TLS teardown; -1: none */
static const int tls_close_of[] = {
    [NF_CLOSE_ONLY] = NF_TLS_CLOSE,         [NF_SHUTDOWN_CLOSE] = NF_TLS_NET_FREE,
    [NF_CLOSE_SHUTDOWN] = -1,               [NF_NET_FREE] = NF_TLS_NET_FREE,
    [NF_NOTIFY_NET_FREE] = NF_TLS_NOTIFY_FREE,
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

int nf_close_mode_check(enum nf_close_mode m, bool tls, enum nf_tls_close *out)
{
	if (!tls)
		return m == NF_NET_FREE || m == NF_NOTIFY_NET_FREE ? -EINVAL : 0;
	if (tls_close_of[m] < 0)
		return -EINVAL;
	*out = (enum nf_tls_close)tls_close_of[m];
	return 0;
}
