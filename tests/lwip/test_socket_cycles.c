/* The field report's verification, as a regression suite over lwIP's
 * loopback netif: 100 cycles of socket()+connect()+teardown for each close
 * sequence, with the socket table shrunk to 5 and at its full 38 slots.
 *
 * Expected: upstream and fixed return the same socket index every cycle and
 * the slots and NETCONN pool come back to baseline. vendor with
 * shutdown+close leaks one slot (and its netconn) per cycle until socket()
 * fails. close+shutdown is invalid use on every stack: EBADF.
 *
 * The peer is a raw-API listener inside the stack, so it holds no socket
 * slot: the client's slot is the only one in play, as on the device. */
#include <check.h>
#include <stdio.h>

#include "nf_check.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/mem.h"
#include "lwip/stats.h"
#include "lwip/sockets.h"
#include "lwip/tcp.h"
#include "lwip/tcpip.h"

#include "nf_probe.h"

#define CYCLES 100
#define PEER_PORT 1883

enum close_mode { CLOSE_ONLY, SHUTDOWN_CLOSE, CLOSE_SHUTDOWN };

static const struct matrix_row {
	enum close_mode mode;
	const char *mode_name;
	int limit; /* 0: the whole table (NUM_SOCKETS) */
} matrix[] = {
    {CLOSE_ONLY, "close", 5},
    {CLOSE_ONLY, "close", 0},
    {SHUTDOWN_CLOSE, "shutdown+close", 5},
    {SHUTDOWN_CLOSE, "shutdown+close", 0},
    {CLOSE_SHUTDOWN, "close+shutdown", 5},
    {CLOSE_SHUTDOWN, "close+shutdown", 0},
};

/* Which stacks leak under shutdown() then close(): the field report. A
 * stack added with scripts/add-stack.sh is expected not to leak (that is
 * what this suite asks of it) unless NF_EXPECT_LEAK=1 says it should. */
static const struct variant_expectation {
	const char *variant;
	int leaks_on_shutdown_close;
} expectations[] = {
    {"upstream", 0},
    {"fixed", 0},
    {"vendor", 1},
};

static int leaks_on_shutdown_close(void)
{
	const char *env = getenv("NF_EXPECT_LEAK");

	if (env && *env)
		return strcmp(env, "1") == 0;
	for (size_t i = 0; i < sizeof(expectations) / sizeof(expectations[0]); i++)
		if (strcmp(expectations[i].variant, nf_probe_variant()) == 0)
			return expectations[i].leaks_on_shutdown_close;
	return 0;
}

/* the in-stack peer: accept, discard data, close on FIN */

static err_t peer_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	(void)err;
	if (!p) {
		tcp_arg(pcb, NULL);
		tcp_recv(pcb, NULL);
		if (tcp_close(pcb) != ERR_OK)
			tcp_abort(pcb);
		return ERR_OK;
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static err_t peer_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	tcp_recv(pcb, peer_recv);
	return ERR_OK;
}

static void start_peer(void)
{
	struct tcp_pcb *pcb, *lpcb;

	LOCK_TCPIP_CORE();
	pcb = tcp_new();
	ck_assert_ptr_nonnull(pcb);
	ck_assert_int_eq(tcp_bind(pcb, IP4_ADDR_ANY, PEER_PORT), ERR_OK);
	lpcb = tcp_listen(pcb);
	ck_assert_ptr_nonnull(lpcb);
	tcp_accept(lpcb, peer_accept);
	UNLOCK_TCPIP_CORE();
}

static void setup(void)
{
	tcpip_init(NULL, NULL);
	start_peer();
}

/* one device cycle */

struct cycle {
	int fd, socket_errno;
	int shutdown_rc, shutdown_errno;
	int close_rc, close_errno;
};

static struct cycle run_cycle(enum close_mode mode)
{
	struct cycle c = {.shutdown_rc = 0, .close_rc = 0};
	struct sockaddr_in sa;

	errno = 0;
	c.fd = lwip_socket(AF_INET, SOCK_STREAM, 0);
	c.socket_errno = errno;
	if (c.fd < 0)
		return c;
	memset(&sa, 0, sizeof(sa));
	sa.sin_len = sizeof(sa);
	sa.sin_family = AF_INET;
	sa.sin_port = lwip_htons(PEER_PORT);
	sa.sin_addr.s_addr = PP_HTONL(INADDR_LOOPBACK);
	ck_assert_msg(lwip_connect(c.fd, (struct sockaddr *)&sa, sizeof(sa)) == 0,
		      "connect on fd %d failed: errno %d", c.fd, errno);

	errno = 0;
	if (mode == SHUTDOWN_CLOSE) {
		c.shutdown_rc = lwip_shutdown(c.fd, SHUT_RDWR);
		c.shutdown_errno = errno;
	}
	errno = 0;
	c.close_rc = lwip_close(c.fd);
	c.close_errno = errno;
	if (mode == CLOSE_SHUTDOWN) {
		errno = 0;
		c.shutdown_rc = lwip_shutdown(c.fd, SHUT_RDWR);
		c.shutdown_errno = errno;
	}
	return c;
}

static unsigned netconn_used(const struct nf_probe *p)
{
	const struct nf_pool_stat *s = nf_probe_pool(p, "NETCONN");

	ck_assert_ptr_nonnull(s);
	return s->used;
}

/* the rows this stack can run: a socket limit pins slots through fd_used,
 * which only LWIP_NETCONN_FULLDUPLEX with fd_used (2.1) has; without it the limit rows are
 * said skipped (Check has no skip), never passed */
#define NROWS (sizeof(matrix) / sizeof(matrix[0]))
static int run_rows[NROWS];

static int pick_rows(void)
{
	int n = 0;

	for (size_t i = 0; i < NROWS; i++) {
		if (matrix[i].limit && !nf_probe_pins_slots()) {
			printf("skipped: %s, limit %d (the stack cannot pin slots: no "
			       "LWIP_NETCONN_FULLDUPLEX, or no fd_used as in 2.0.x)\n",
			       matrix[i].mode_name, matrix[i].limit);
			continue;
		}
		run_rows[n++] = (int)i;
	}
	return n;
}

START_TEST(test_cycles)
{
	const struct matrix_row *row = &matrix[run_rows[_i]];
	struct nf_probe base, now;
	int limit, leaks;

	ck_assert_int_eq(nf_probe_read(&base), 0);
	ck_assert_int_eq(base.num_sockets, MEMP_NUM_NETCONN);
	limit = row->limit ? row->limit : base.num_sockets;
	ck_assert_int_eq(nf_probe_set_socket_limit(limit), 0);
	ck_assert_int_eq(nf_probe_read(&base), 0);
	ck_assert_int_eq(base.socket_limit, limit);
	ck_assert_int_eq(base.slots_in_use, 0);
	ck_assert_int_eq(base.slots_pinned, 0);
	leaks = row->mode == SHUTDOWN_CLOSE && leaks_on_shutdown_close();

	for (int cycle = 1; cycle <= CYCLES; cycle++) {
		struct cycle c = run_cycle(row->mode);

		ck_assert_int_eq(nf_probe_read(&now), 0);
		if (!leaks) {
			ck_assert_msg(c.fd == 0,
				      "%s, limit %d, cycle %d: socket() returned %d, not 0",
				      row->mode_name, limit, cycle, c.fd);
			ck_assert_int_eq(c.close_rc, 0);
			ck_assert_int_eq(now.slots_in_use, base.slots_in_use);
			ck_assert_int_eq(now.slots_closing, 0);
			ck_assert_uint_eq(netconn_used(&now), netconn_used(&base));
		} else if (cycle <= limit) {
			/* the index climbs: slot cycle-1 is taken, the last one leaked */
			ck_assert_msg(c.fd == cycle - 1,
				      "cycle %d: socket() returned %d, expected %d", cycle, c.fd,
				      cycle - 1);
			ck_assert_int_eq(c.close_rc, -1);
			ck_assert_int_eq(now.slots_in_use, cycle);
			ck_assert_int_eq(now.slots_closing, cycle);
			ck_assert_uint_eq(netconn_used(&now),
					  netconn_used(&base) + (unsigned)cycle);
		} else {
			/* table exhausted. With the full table, every leaked slot
			 * holds a netconn, so netconn_new() runs out before
			 * alloc_socket(): ENOBUFS. With a shrunken table the netconn
			 * pool still has room and alloc_socket() fails: ENFILE. */
			int want = limit < base.num_sockets ? ENFILE : ENOBUFS;

			ck_assert_msg(c.fd == -1 && c.socket_errno == want,
				      "cycle %d (limit %d): socket() returned %d errno %d, "
				      "expected -1 errno %d",
				      cycle, limit, c.fd, c.socket_errno, want);
			ck_assert_int_eq(now.slots_in_use, limit);
			ck_assert_uint_eq(netconn_used(&now),
					  netconn_used(&base) + (unsigned)limit);
		}
		if (c.fd >= 0 && row->mode == SHUTDOWN_CLOSE)
			ck_assert_int_eq(c.shutdown_rc, 0);
		if (row->mode == CLOSE_SHUTDOWN) {
			ck_assert_int_eq(c.shutdown_rc, -1);
			ck_assert_int_eq(c.shutdown_errno, EBADF);
		}
	}
}
END_TEST

START_TEST(test_limit_bounds)
{
	struct nf_probe p;

	ck_assert_int_eq(nf_probe_read(&p), 0);
	ck_assert_int_eq(nf_probe_set_socket_limit(0), -EINVAL);
	ck_assert_int_eq(nf_probe_set_socket_limit(p.num_sockets + 1), -EINVAL);
	ck_assert_int_eq(nf_probe_set_socket_limit(3), 0);
	ck_assert_int_eq(nf_probe_read(&p), 0);
	ck_assert_int_eq(p.socket_limit, 3);
	ck_assert_int_eq(p.lowest_free_slot, 0);
	/* occupy slot 0..2, then a limit below a slot in use is refused */
	int fds[3];
	for (int i = 0; i < 3; i++)
		fds[i] = lwip_socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(lwip_socket(AF_INET, SOCK_STREAM, 0), -1);
	ck_assert_int_eq(errno, ENFILE);
	ck_assert_int_eq(nf_probe_set_socket_limit(2), -EBUSY);
	ck_assert_int_eq(nf_probe_set_socket_limit(p.num_sockets), 0);
	int extra = lwip_socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(extra, 3);
	ck_assert_int_eq(nf_probe_read(&p), 0);
	ck_assert_int_eq(p.slots_in_use, 4);
	ck_assert_int_eq(p.lowest_free_slot, 4);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(lwip_close(fds[i]), 0);
	ck_assert_int_eq(lwip_close(extra), 0);
	ck_assert_int_eq(nf_probe_read(&p), 0);
	ck_assert_int_eq(p.slots_in_use, 0);
}
END_TEST

START_TEST(test_probe_figures)
{
	struct nf_probe p;

	ck_assert_int_eq(nf_probe_read(&p), 0);
	ck_assert_uint_gt(p.heap_avail, 0);
	ck_assert_uint_le(p.heap_free, p.heap_avail);
	if (p.heap_min_free != NF_PROBE_UNKNOWN) /* 2.0.x keeps no heap peak */
		ck_assert_uint_le(p.heap_min_free, p.heap_free);
	for (const char *const *n = (const char *const[]){"NETCONN", "TCP_PCB", "TCP_PCB_LISTEN",
							  "UDP_PCB", "RAW_PCB", "PBUF_POOL", NULL};
	     *n; n++)
		ck_assert_msg(nf_probe_pool(&p, *n) != NULL, "pool %s missing", *n);
	/* the in-stack peer's listener is the one TCP_PCB_LISTEN in use */
	ck_assert_uint_eq(nf_probe_pool(&p, "TCP_PCB_LISTEN")->used, 1);

	/* a socket shows in the table and the NETCONN pool, then leaves both */
	unsigned nc = nf_probe_pool(&p, "NETCONN")->used;
	int fd = lwip_socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(nf_probe_read(&p), 0);
	ck_assert_int_eq(p.slots_in_use, 1);
	ck_assert_uint_eq(nf_probe_pool(&p, "NETCONN")->used, nc + 1);
	ck_assert_uint_eq(nf_probe_pool(&p, "UDP_PCB")->used, 1);
	ck_assert_int_eq(lwip_close(fd), 0);
	ck_assert_int_eq(nf_probe_read(&p), 0);
	ck_assert_int_eq(p.slots_in_use, 0);
	ck_assert_uint_eq(nf_probe_pool(&p, "NETCONN")->used, nc);
}
END_TEST

/* the heap's largest free block: what mem_malloc() can give, read without
 * moving the heap's figures; a hole freed between two allocations is free
 * heap but not a block larger than itself */
START_TEST(test_probe_largest_free)
{
	struct nf_probe a, b;

	ck_assert_int_eq(nf_probe_read(&a), 0);
	ck_assert_uint_gt(a.heap_largest_free, 0);
	ck_assert_uint_le(a.heap_largest_free, a.heap_free);
	ck_assert_int_eq(nf_probe_read(&b), 0); /* reading changes nothing */
	ck_assert_uint_eq(b.heap_free, a.heap_free);
	ck_assert_uint_eq(b.heap_min_free, a.heap_min_free);
	ck_assert_uint_eq(b.heap_err, a.heap_err);
	ck_assert_uint_eq(b.heap_largest_free, a.heap_largest_free);
	LOCK_TCPIP_CORE();
	void *big = mem_malloc((mem_size_t)a.heap_largest_free);
	void *over = mem_malloc((mem_size_t)(a.heap_largest_free + 2 * MEM_ALIGNMENT));
	UNLOCK_TCPIP_CORE();
	ck_assert_ptr_nonnull(big); /* the figure is exact: that much can be had */
	ck_assert_ptr_null(over);   /* and no more */
	/* fragment: the rest of the heap in blocks of 1 KiB or more (a
	 * hundredth of it, whatever MEM_SIZE the stack has), every other one
	 * freed */
	void *blk[128];
	int n = 0;
	mem_size_t bs = (mem_size_t)((a.heap_largest_free / 100 + 1023) / 1024 * 1024);
	if (bs < 1024)
		bs = 1024;
	LOCK_TCPIP_CORE();
	mem_free(big);
	while (n < 128 && (blk[n] = mem_malloc(bs)) != NULL)
		n++;
	for (int i = 0; i < n; i += 2)
		mem_free(blk[i]);
	UNLOCK_TCPIP_CORE();
	ck_assert_int_gt(n, 8);
	ck_assert_int_eq(nf_probe_read(&b), 0);
	ck_assert_uint_ge(b.heap_free, (unsigned)(n / 2) * bs);
	ck_assert_msg(b.heap_largest_free < 2u * bs, "largest %u of %u free in %u B holes",
		      b.heap_largest_free, b.heap_free, (unsigned)bs);
	LOCK_TCPIP_CORE();
	for (int i = 1; i < n; i += 2)
		mem_free(blk[i]);
	UNLOCK_TCPIP_CORE();
	ck_assert_int_eq(nf_probe_read(&b), 0);
	ck_assert_uint_eq(b.heap_largest_free, a.heap_largest_free); /* whole again */
}
END_TEST

/* every stack counts in 32 bits: a night's allocation failures pass
 * 65,535, and a 16-bit counter would wrap back to small numbers */
START_TEST(test_stats_counters_32bit)
{
	ck_assert_uint_eq(sizeof(lwip_stats.memp[0]->err), 4);
	ck_assert_uint_eq(sizeof(lwip_stats.tcp.xmit), 4);
}
END_TEST

static Suite *socket_cycles_suite(void)
{
	Suite *s = suite_create("socket_cycles");
	TCase *tc = tcase_create("cycles");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_cycles, 0, pick_rows());
	if (nf_probe_pins_slots())
		tcase_add_test(tc, test_limit_bounds);
	else
		printf("skipped: limit bounds (the stack cannot pin slots)\n");
	tcase_add_test(tc, test_probe_figures);
	tcase_add_test(tc, test_probe_largest_free);
	tcase_add_test(tc, test_stats_counters_32bit);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nf_check_run(socket_cycles_suite());
}
