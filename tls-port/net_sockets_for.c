/* mbedTLS's library/net_sockets.c from Debian's source package, compiled
 * against one device stack, as firmware builds it against lwIP's socket
 * API. Built twice (CMakeLists.txt): NF_TLSNET_LWIP 1, its socket calls
 * are lwIP's; 0, the kernel's, unchanged. Its mbedtls_net_* functions get
 * a prefix each time, so both builds sit in one device binary. The file
 * itself is included below, not copied: its teardown is mbedTLS's own.
 *
 * The host's headers come first, as net_sockets.c asks for them, so the
 * macros below rename only net_sockets.c's own calls. */
#define _POSIX_C_SOURCE 200112L
#define _XOPEN_SOURCE 600

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "nf_tls_net.h"

#if NF_TLSNET_LWIP
#define NF_NET(x) nf_lwip_##x
#else
#define NF_NET(x) nf_kernel_##x
#endif

/* what the shutdown() and close() inside mbedtls_net_free() returned: the
 * rows' shutdown_rc/close_rc, read right after it, on the same thread */
static _Thread_local struct nf_tls_net_calls calls;

static int record(struct nf_tls_net_call *c, int rc)
{
	*c = (struct nf_tls_net_call){.called = 1, .rc = rc, .err = rc < 0 ? errno : 0};
	return rc;
}

#if NF_TLSNET_LWIP
/* lwIP's O_NONBLOCK is not the host's: fcntl answers in the host's terms */
static int lwip_fcntl_host(int fd, int cmd, int val)
{
	int nb;

	switch (cmd) {
	case F_GETFL:
		nb = nf_lwip_sock_nonblock(fd, -1);
		return nb < 0 ? -1 : nb ? O_NONBLOCK : 0;
	case F_SETFL:
		return nf_lwip_sock_nonblock(fd, (val & O_NONBLOCK) != 0);
	default:
		errno = EINVAL;
		return -1;
	}
}

/* net_sockets.c's own connect, bind, accept and select are not on the
 * device's path (netio makes and connects the socket under the carrier
 * watch, and the handshake waits in netio): against lwIP they fail */
static int not_on_path(void)
{
	errno = EOPNOTSUPP;
	return -1;
}

#define read(fd, buf, len) nf_lwip_sock_read(fd, buf, len)
#define write(fd, buf, len) nf_lwip_sock_write(fd, buf, len)
#define shutdown(fd, how) record(&calls.shutdown, nf_lwip_sock_shutdown(fd, how))
#define close(fd) record(&calls.close, nf_lwip_sock_close(fd))
#define fcntl(fd, cmd, ...) lwip_fcntl_host(fd, cmd, __VA_ARGS__ + 0)
#define socket(...) not_on_path()
#define connect(...) not_on_path()
#define bind(...) not_on_path()
#define listen(...) not_on_path()
#define accept(...) not_on_path()
#define recvfrom(...) not_on_path()
#define getsockname(...) not_on_path()
#define setsockopt(...) not_on_path()
#define getsockopt(...) not_on_path()
#define select(...) not_on_path()
#define getaddrinfo(...) EAI_FAIL
#define freeaddrinfo(a) ((void)(a))
#else
#define shutdown(fd, how) record(&calls.shutdown, shutdown(fd, how))
#define close(fd) record(&calls.close, close(fd))
#endif

/* the prefix for every function net_sockets.c defines */
#define mbedtls_net_init NF_NET(net_init)
#define mbedtls_net_connect NF_NET(net_connect)
#define mbedtls_net_bind NF_NET(net_bind)
#define mbedtls_net_accept NF_NET(net_accept)
#define mbedtls_net_set_block NF_NET(net_set_block)
#define mbedtls_net_set_nonblock NF_NET(net_set_nonblock)
#define mbedtls_net_poll NF_NET(net_poll)
#define mbedtls_net_usleep NF_NET(net_usleep)
#define mbedtls_net_recv NF_NET(net_recv)
#define mbedtls_net_recv_timeout NF_NET(net_recv_timeout)
#define mbedtls_net_send NF_NET(net_send)
#define mbedtls_net_close NF_NET(net_close)
#define mbedtls_net_free NF_NET(net_free)

#include NF_MBEDTLS_NET_SOCKETS_C

static void take_calls(struct nf_tls_net_calls *out)
{
	*out = calls;
	calls = (struct nf_tls_net_calls){0};
}

static void net_free(struct mbedtls_net_context *ctx)
{
	mbedtls_net_free(ctx);
}

#if NF_TLSNET_LWIP
const struct nf_tls_net nf_tls_net_lwip = {
#else
const struct nf_tls_net nf_tls_net_kernel = {
#endif
    .send = mbedtls_net_send,
    .recv = mbedtls_net_recv,
    .free = net_free,
    .take_calls = take_calls,
};
