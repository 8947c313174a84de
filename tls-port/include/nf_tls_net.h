/* mbedTLS's own net_sockets.c, compiled against a device stack's socket
 * calls (net_sockets_for.c): the functions a TLS session runs over, as a
 * table per stack. Free of mbedTLS's and lwIP's headers. */
#ifndef NETFLAP_NF_TLS_NET_H
#define NETFLAP_NF_TLS_NET_H

#include <stddef.h>

struct mbedtls_net_context;

/* what one socket call inside mbedtls_net_free() returned */
struct nf_tls_net_call {
	int called; /* 0: not called since the last take */
	int rc, err;
};

struct nf_tls_net_calls {
	struct nf_tls_net_call shutdown, close;
};

struct nf_tls_net {
	/* mbedtls_net_send(), mbedtls_net_recv(), for mbedtls_ssl_set_bio() */
	int (*send)(void *ctx, const unsigned char *buf, size_t len);
	int (*recv)(void *ctx, unsigned char *buf, size_t len);
	/* mbedtls_net_free(): shutdown(fd, 2); close(fd) in the stack */
	void (*free)(struct mbedtls_net_context *ctx);
	/* what this thread's last mbedtls_net_free() calls returned; clears */
	void (*take_calls)(struct nf_tls_net_calls *out);
};

extern const struct nf_tls_net nf_tls_net_lwip;
extern const struct nf_tls_net nf_tls_net_kernel;

/* The lwIP side of nf_tls_net_lwip, defined with the lwIP stack
 * (device/tls_net_lwip.c): lwip_read, lwip_write, lwip_shutdown,
 * lwip_close, and lwip_fcntl's O_NONBLOCK in the host's terms (the
 * values differ). -1 and errno on failure, as the calls themselves. */
long nf_lwip_sock_read(int fd, void *buf, size_t len);
long nf_lwip_sock_write(int fd, const void *buf, size_t len);
int nf_lwip_sock_shutdown(int fd, int how);
int nf_lwip_sock_close(int fd);
/* on < 0: ask (1 non-blocking, 0 blocking); 0/1: set */
int nf_lwip_sock_nonblock(int fd, int on);

#endif
