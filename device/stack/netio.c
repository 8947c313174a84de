/* The device's socket layer (see netio.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/time.h>

#include "clock.h"
#include "netio.h"
#include "nf_dns.h"

#define DNS_PORT 53

void nf_netio_init(struct nf_netio *n, const struct nf_stack_ops *ops, struct nf_stack *st,
		   struct nf_shared *sh)
{
	*n = (struct nf_netio){.ops = ops, .st = st, .sh = sh, .waiting_fd = -1};
	pthread_mutex_init(&n->mu, NULL);
}

void nf_netio_destroy(struct nf_netio *n)
{
	pthread_mutex_destroy(&n->mu);
}

void nf_netio_wake(struct nf_netio *n)
{
	pthread_mutex_lock(&n->mu);
	n->ops->wake(n->st, n->waiting_fd);
	pthread_mutex_unlock(&n->mu);
}

void nf_netio_rearm(struct nf_netio *n)
{
	n->ops->wake_clear(n->st);
}

static void waiting(struct nf_netio *n, int fd)
{
	pthread_mutex_lock(&n->mu);
	n->waiting_fd = fd;
	pthread_mutex_unlock(&n->mu);
}

bool nf_netio_lost(struct nf_netio *n)
{
	bool lost;

	pthread_mutex_lock(&n->sh->mu);
	lost = n->sh->carrier_downs != n->downs_seen || n->sh->quit;
	pthread_mutex_unlock(&n->sh->mu);
	return lost;
}

static bool lost_cb(void *arg)
{
	return nf_netio_lost(arg);
}

/* The wait is woken by nf_netio_wake(), not by a timer slice: waiting_fd
 * is set before the carrier is looked at, and the wake comes after the
 * loss is in the shared state, so one of the two always sees it. */
int nf_netio_wait(struct nf_netio *n, int fd, int events, int64_t deadline)
{
	int rc = 0;

	waiting(n, fd);
	while (rc == 0) {
		int64_t left = deadline - nf_now_ms();
		if (nf_netio_lost(n))
			rc = -ENETDOWN;
		else if (left <= 0)
			rc = -ETIMEDOUT;
		else if ((rc = n->ops->poll(n->st, fd, events, (int)left)) != 0)
			rc = rc < 0 ? -errno : 1;
	}
	waiting(n, -1);
	return rc < 0 ? rc : 0;
}

int nf_netio_connect_start(struct nf_netio *n, int fd, const struct nf_ip *ip, uint16_t port)
{
	return n->ops->connect(fd, ip, port) == 0 ? 0 : -errno;
}

int nf_netio_connect_finish(struct nf_netio *n, int fd, int started, int64_t deadline)
{
	int rc = started;

	if (rc != -EINPROGRESS)
		return rc;
	rc = nf_netio_wait(n, fd, NF_POLL_OUT, deadline);
	if (rc < 0)
		return rc;
	int soerr = 0;
	unsigned int len = sizeof(soerr);
	const int *name = n->ops->sockopts[NF_SO_ERROR];
	if (n->ops->getsockopt(fd, name[0], name[1], &soerr, &len) < 0)
		return -errno;
	return -soerr;
}

int nf_netio_send_all(struct nf_netio *n, int fd, const void *buf, size_t len, int64_t deadline)
{
	const char *p = buf;

	while (len) {
		ssize_t k = n->ops->send(fd, p, len, n->ops->dontwait); /* SIGPIPE is blocked in the device */
		if (k > 0) {
			p += k;
			len -= (size_t)k;
			continue;
		}
		if (k < 0 && errno != EAGAIN)
			return -errno;
		int rc = nf_netio_wait(n, fd, NF_POLL_OUT, deadline);
		if (rc < 0)
			return rc;
	}
	return 0;
}

ssize_t nf_netio_recv(struct nf_netio *n, int fd, void *buf, size_t len, int64_t deadline)
{
	for (;;) {
		ssize_t k = n->ops->recv(fd, buf, len, n->ops->dontwait);
		if (k > 0)
			return k;
		if (k == 0)
			return -ECONNRESET;
		if (errno != EAGAIN) /* lwIP's EWOULDBLOCK is the host's: EAGAIN */
			return -errno;
		int rc = nf_netio_wait(n, fd, NF_POLL_IN, deadline);
		if (rc < 0)
			return rc;
	}
}

/* One A (or AAAA) query to the configured server over the stack's UDP,
 * one retry halfway, as a stub resolver does: the DHCP lease's server, or
 * the IPv6 one an IPv6-only device was given */
static int resolve_udp(struct nf_netio *n, const char *name, int family, struct nf_ip *ip,
		       int64_t deadline)
{
	uint8_t q[300], a[512];
	uint16_t id = (uint16_t)(++n->dns_id ^ 0x4e46);
	int64_t half = nf_now_ms() + (deadline - nf_now_ms()) / 2;
	unsigned qtype = family == 6 ? NF_DNS_AAAA : NF_DNS_A;
	int len = nf_dns_build_query_type(q, sizeof(q), id, name, qtype), e, rc = -ETIMEDOUT;
	struct nf_ip server = {.family = 4};

	if (len < 0)
		return len;
	pthread_mutex_lock(&n->sh->mu);
	memcpy(server.a, &n->sh->dns, 4);
	if (!n->sh->bound) { /* no IPv4: the server over IPv6 */
		server.family = 6;
		memcpy(server.a, n->sh->dns6, 16);
	}
	pthread_mutex_unlock(&n->sh->mu);
	int fd = n->ops->socket(NF_SOCK_UDP, server.family);
	if (fd < 0)
		return -errno;
	ip->family = family;
	for (int tries = 0; tries < 2 && rc == -ETIMEDOUT; tries++) {
		int64_t until = tries ? deadline : half;
		ssize_t k = n->ops->sendto(fd, q, (size_t)len, &server, DNS_PORT);
		if (k < 0) {
			rc = -errno;
			break;
		}
		while ((k = nf_netio_recv(n, fd, a, sizeof(a), until)) > 0)
			if ((rc = nf_dns_parse(a, (size_t)k, id, qtype, ip->a)) != -EPROTO)
				break;
		if (k < 0)
			rc = (int)k; /* -ETIMEDOUT asks again; anything else ends it */
	}
	nf_netio_close(n, fd, &e);
	return rc == -ENOENT ? -EHOSTUNREACH : rc;
}

int nf_netio_socket(struct nf_netio *n, enum nf_sock_type type, int family, int *err)
{
	errno = 0;
	int fd = n->ops->socket(type, family);
	*err = fd < 0 ? errno : 0;
	return fd;
}

int nf_netio_shutdown(struct nf_netio *n, int fd, int how, int *err)
{
	errno = 0;
	int rc = n->ops->shutdown(fd, how);
	*err = errno;
	return rc;
}

int nf_netio_close(struct nf_netio *n, int fd, int *err)
{
	errno = 0;
	int rc = n->ops->close_fd(fd);
	*err = errno;
	return rc;
}

int nf_netio_setsockopt(struct nf_netio *n, int fd, enum nf_sockopt opt, int value)
{
	struct {
		int onoff, seconds; /* struct linger in both stacks */
	} lg = {value >= 0, value < 0 ? 0 : value};

	if (opt < 0 || opt >= NF_SO_COUNT || opt == NF_SO_ERROR)
		return -EINVAL;
	/* the host's struct timeval in both stacks (LWIP_TIMEVAL_PRIVATE 0) */
	struct timeval tv = {.tv_sec = value / 1000, .tv_usec = (value % 1000) * 1000};
	const int *name = n->ops->sockopts[opt];
	int rc;

	if (opt == NF_SO_LINGER)
		rc = n->ops->setsockopt(fd, name[0], name[1], &lg, sizeof(lg));
	else if (opt == NF_SO_RCVTIMEO || opt == NF_SO_SNDTIMEO)
		rc = n->ops->setsockopt(fd, name[0], name[1], &tv, sizeof(tv));
	else
		rc = n->ops->setsockopt(fd, name[0], name[1], &value, sizeof(value));
	return rc < 0 ? -errno : 0;
}

int nf_netio_resolve(struct nf_netio *n, const char *name, int family, struct nf_ip *ip,
		     int64_t deadline)
{
	struct nf_cancel c = {.lost = lost_cb, .arg = n};

	ip->family = family;
	if (inet_pton(family == 6 ? AF_INET6 : AF_INET, name, ip->a) == 1)
		return 0;
	if (n->ops->resolve)
		return n->ops->resolve(n->st, name, family, ip, deadline, &c);
	return resolve_udp(n, name, family, ip, deadline);
}
