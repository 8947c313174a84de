/* The run's messages and files (run_ctx.h), used by every file of the
 * run; they call nothing else of it. */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "run_ctx.h"

void nf_run_say(const struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->o->quiet)
		return;
	if (r->tty)
		fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

FILE *nf_run_open(const struct run *r, const char *name)
{
	/* appended to: run.rotate empties a log under its writer (rotate.h) */
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	return fd < 0 ? NULL : fdopen(fd, "w");
}
