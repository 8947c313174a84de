/* Control channel (see chan.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "chan.h"

void nf_chan_init(struct nf_chan *c, int fd)
{
	struct stat st;

	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	c->fd = fd;
	c->readable = fd >= 0 && fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

void nf_chan_close(struct nf_chan *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	pthread_mutex_destroy(&c->mu);
}

int nf_chan_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

int nf_chan_write(struct nf_chan *c, const char *line, size_t len)
{
	int rc = 0;

	pthread_mutex_lock(&c->mu);
	if (c->fd >= 0) {
		ssize_t n =
		    c->readable ? send(c->fd, line, len, MSG_NOSIGNAL) : write(c->fd, line, len);
		if (n < 0)
			rc = -errno;
		else if ((size_t)n != len)
			rc = -EIO;
	}
	pthread_mutex_unlock(&c->mu);
	return rc;
}

int nf_chan_printf(struct nf_chan *c, const char *fmt, ...)
{
	char line[NF_LINE_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -ENOSPC;
	return nf_chan_write(c, line, (size_t)n);
}

int nf_chan_read(struct nf_chan *c, void (*on_line)(void *arg, const char *line), void *arg)
{
	char buf[512];
	ssize_t n = read(c->fd, buf, sizeof(buf));

	if (n == 0)
		return -EPIPE;
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	return nf_lines_feed(&c->in, buf, (size_t)n, on_line, arg);
}
