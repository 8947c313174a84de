/* Firmware socket option names (see sockopts.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sockopts.h"

static const char *const names[] = {
#define NF_X(name, help) #name,
    NF_FW_SOCKOPTS(NF_X)
#undef NF_X
};

const char *nf_fw_sockopt_name(enum nf_fw_sockopt i)
{
	return i < NF_FW_SO_COUNT ? names[i] : "?";
}

int nf_fw_sockopts_parse(const char *list, unsigned *set, char *bad, unsigned badlen)
{
	const char *p = list;

	*set = 0;
	if (strcmp(list, "none") == 0)
		return 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		unsigned i;
		for (i = 0; i < NF_FW_SO_COUNT; i++)
			if (strlen(names[i]) == n && strncmp(names[i], p, n) == 0)
				break;
		if (i == NF_FW_SO_COUNT) {
			snprintf(bad, badlen, "%.*s", (int)n, p);
			return -EINVAL;
		}
		*set |= 1u << i;
		p += n + (p[n] == ',');
	}
	return 0;
}
