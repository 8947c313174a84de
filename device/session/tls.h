/* The device's TLS (device.tls = on): MQTT over mbedTLS 2.28, as production
 * firmware runs it. The handshake verifies the broker's chain against the
 * run's CA and its name; reads and writes go through mbedTLS's own
 * net_sockets.c built for the device's stack (nf_tls_net.h), the waits
 * through netio (a carrier loss ends them); the teardown is
 * mbedtls_net_free() itself. mbedTLS allocates from a counted heap
 * (tls_heap.h). One connection at a time. */
#ifndef NETFLAP_TLS_H
#define NETFLAP_TLS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "netio.h"
#include "nf_tls_net.h"
#include "tls_heap.h"

enum nf_tls_heap_kind { NF_TLS_HEAP_SEPARATE, NF_TLS_HEAP_LWIP };

struct nf_tls_cfg {
	const char *ca_file; /* PEM; NULL: TLS off */
	const char *name;    /* the name the broker's certificate must carry */
	bool resume;         /* offer the last session back (RFC 5077 ticket or id) */
	bool skip_free_on_error; /* a firmware bug: no mbedtls_ssl_free() after a failed handshake */
	enum nf_tls_heap_kind heap;
};

/* the TLS closes a device knows (device.close_mode with TLS on) */
enum nf_tls_close {
	NF_TLS_NET_FREE,     /* mbedtls_net_free(): shutdown(fd, 2); close(fd) */
	NF_TLS_NOTIFY_FREE,  /* mbedtls_ssl_close_notify(), then mbedtls_net_free() */
	NF_TLS_CLOSE,        /* the stack's close(fd) alone, no shutdown */
};

/* one handshake's outcome */
struct nf_tls_result {
	int64_t ms;        /* TCP connected to handshake over */
	bool resumed;      /* the broker took the offered session back */
	int error;         /* mbedTLS's error code of a failed handshake (< 0), else 0 */
	uint32_t verify;   /* mbedtls_ssl_get_verify_result() flags of a failed one */
};

struct nf_tls;

/* Reads the CA, seeds the generator, sets mbedTLS's allocator to the
 * counted heap (process-wide: mbedTLS has one). 0 or -errno with a
 * message in err. */
int nf_tls_init(struct nf_tls **out, const struct nf_tls_cfg *cfg, const struct nf_tls_net *net,
		char *err, size_t errlen);
void nf_tls_destroy(struct nf_tls *t);

/* The handshake on the connected fd, in two steps so the session can act
 * while it is in flight (a cut at `tls` lands with the ClientHello out):
 * start sets the context up and sends the ClientHello, finish runs the
 * rest. Each: 0; -ETIMEDOUT, -ENETDOWN (the carrier), -EPROTO (TLS said
 * no: res->error); -ENOMEM (the heap). */
int nf_tls_start(struct nf_tls *t, struct nf_netio *io, int fd, int64_t deadline,
		 struct nf_tls_result *res);
int nf_tls_finish(struct nf_tls *t, struct nf_netio *io, int64_t deadline,
		  struct nf_tls_result *res);
/* netio's send_all and recv over the TLS session (netio.h's results) */
int nf_tls_send_all(struct nf_tls *t, struct nf_netio *io, const void *buf, size_t len,
		    int64_t deadline);
ssize_t nf_tls_recv(struct nf_tls *t, struct nf_netio *io, void *buf, size_t len,
		    int64_t deadline);
/* Tears the connection on fd down with how, whether or not a handshake
 * began (a failed connect is closed as the TLS layer closes); its
 * shutdown()/close() results in calls (called 0: not made). Frees the
 * session's memory. */
void nf_tls_close(struct nf_tls *t, struct nf_netio *io, int fd, enum nf_tls_close how,
		  struct nf_tls_net_calls *calls);
bool nf_tls_active(const struct nf_tls *t);

/* the counted heap's figures; nf_tls_heap_mark() starts an attempt's peak */
void nf_tls_heap(struct nf_tls *t, struct nf_heap_figures *out);
void nf_tls_heap_mark(struct nf_tls *t);

#endif
