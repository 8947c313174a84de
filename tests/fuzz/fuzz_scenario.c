/* libFuzzer: the scenario parser on arbitrary files (through a memfd, the
 * parser's own file path), and --set on arbitrary assignments. A file that
 * loads must also validate or be refused with a message, never crash. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	struct nf_scenario sc;
	char err[1024], path[64], assign[512];

	if (fd < 0)
		fd = memfd_create("scenario", 0);
	if (fd < 0 || ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	nf_scenario_defaults(&sc);
	err[0] = '\0';
	if (nf_scenario_load(&sc, path, err, sizeof(err)) == 0)
		nf_scenario_validate(&sc, err, sizeof(err));
	else if (!err[0])
		abort(); /* a refusal must say why */
	if (size < sizeof(assign)) {
		memcpy(assign, data, size);
		assign[size] = '\0';
		if (nf_scenario_set(&sc, assign, err, sizeof(err)) < 0 && !err[0])
			abort();
	}
	return 0;
}
