/* What TLS takes from lwIP, in a file that sees lwIP's headers only
 * (compiled with each lwIP stack): the socket calls of mbedTLS's
 * net_sockets.c built for lwIP (nf_tls_net.h), and lwIP's heap as the
 * counted heap's backend (device.tls_heap = lwip). */
#include "lwip/mem.h"
#include "lwip/sockets.h"

#include "nf_tls_net.h"
#include "stack.h"
#include "tls_heap.h"

static void *lwip_heap_alloc(size_t n)
{
	if (n > (mem_size_t)-1)
		return NULL;
	return mem_malloc((mem_size_t)n);
}

const struct nf_heap_backend nf_heap_lwip = {lwip_heap_alloc, mem_free};

long nf_lwip_sock_read(int fd, void *buf, size_t len)
{
	return lwip_read(fd, buf, len);
}

long nf_lwip_sock_write(int fd, const void *buf, size_t len)
{
	return lwip_write(fd, buf, len);
}

int nf_lwip_sock_shutdown(int fd, int how)
{
	return lwip_shutdown(fd, how);
}

int nf_lwip_sock_close(int fd)
{
	return lwip_close(fd);
}

int nf_lwip_sock_nonblock(int fd, int on)
{
	if (on >= 0) /* the stack's own switch (stack.h: set_blocking) */
		return nf_stack_lwip.set_blocking(fd, !on);
	int fl = lwip_fcntl(fd, F_GETFL, 0);
	return fl < 0 ? -1 : (fl & O_NONBLOCK) != 0;
}
