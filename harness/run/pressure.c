/* The machine's CPU pressure per row (see pressure.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pressure.h"
#include "undo.h"

int64_t nf_pressure_parse(const char *text)
{
	const char *p = strstr(text, "some ");
	const char *t = p ? strstr(p, "total=") : NULL;
	char *end;

	if (!t)
		return -1;
	long long v = strtoll(t + 6, &end, 10);
	return end == t + 6 || v < 0 ? -1 : v;
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t total_now(int fd)
{
	char buf[256];
	ssize_t n = fd < 0 ? -1 : pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return nf_pressure_parse(buf);
}

int nf_pressure_open(struct nf_pressure *p, struct nf_undo *u)
{
	int64_t t, now = now_us();

	p->fd = open("/proc/pressure/cpu", O_RDONLY | O_CLOEXEC);
	if (p->fd < 0)
		return 0; /* a kernel without PSI: the column stays empty */
	int rc = nf_undo_push_close(u, "/proc/pressure/cpu", p->fd);
	if (rc < 0) {
		p->fd = -1;
		return rc;
	}
	t = total_now(p->fd);
	for (int i = 0; i < NF_MAX_DEVICES; i++) {
		p->last_us[i] = now;
		p->last_total[i] = t;
	}
	return 0;
}

int64_t nf_pressure_row(struct nf_pressure *p, int dev)
{
	int64_t t = total_now(p->fd), now = now_us(), out = NF_UNSET;

	if (dev < 0 || dev >= NF_MAX_DEVICES || t < 0)
		return NF_UNSET;
	int64_t span = now - p->last_us[dev], waited = t - p->last_total[dev];
	if (p->last_total[dev] >= 0 && span > 0 && waited >= 0)
		out = waited * 1000 / span > 1000 ? 1000 : waited * 1000 / span;
	p->last_us[dev] = now;
	p->last_total[dev] = t;
	return out;
}
