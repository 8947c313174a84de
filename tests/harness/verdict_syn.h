/* Synthetic cycles.csv files for test_verdict.c: a row's figures a
 * generator varies, written for cycles x devices. */
#ifndef NETFLAP_VERDICT_SYN_H
#define NETFLAP_VERDICT_SYN_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* one synthetic row; a generator fills what it varies */
struct syn {
	int socket_fd, after_teardown, slots, netconn, tcp_pcb, time_wait, pbuf;
	int heap, heap_min, connack;
	const char *status;
	int heap_tw; /* heap_time_wait: heap held by TIME_WAIT pcbs */
	int closing; /* tcp_closing: pcbs closed by the app that lwIP still finishes */
	int pressure; /* cpu_pressure, per mille; -1 (the default) empty */
};

typedef void (*gen_fn)(int cycle, unsigned *rng, struct syn *r);

static inline unsigned rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

static char path[64];
static int cur_dev; /* the device a generator is filling a row for */

/* a cycles.csv of cycles x ndev rows, the columns the verdict reads */
static inline void write_csv(int cycles, int ndev, gen_fn gen)
{
	FILE *f;
	unsigned rng = 7;

	strcpy(path, "/tmp/nf-verdict.XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fprintf(f, "cycle,device,connack_ms,socket_fd,sockets_in_use,socket_slots,heap_free,"
		   "heap_min_free,memp_netconn_used,memp_tcp_pcb_used,memp_pbuf_pool_used,"
		   "tcp_time_wait,slots_after_teardown,status,heap_time_wait,tcp_closing,cpu_pressure\n");
	for (int c = 1; c <= cycles; c++)
		for (int d = 0; d < ndev; d++) {
			struct syn r = {0, 0, 1, 1, 1, 0, 0, 60000, 59000, 5, "ok", 0, 0, -1};
			cur_dev = d;
			gen(c, &rng, &r);
			fprintf(f, "%d,%d,", c, d);
			if (strcmp(r.status, "ok") == 0)
				fprintf(f, "%d", r.connack);
			fprintf(f, ",%d,%d,38,%d,%d,%d,%d,%d,%d,", r.socket_fd, r.slots, r.heap,
				r.heap_min, r.netconn, r.tcp_pcb, r.pbuf, r.time_wait);
			if (c > 1) /* cycle 1 had no teardown */
				fprintf(f, "%d", r.after_teardown);
			fprintf(f, ",%s,%d,%d,", r.status, r.heap_tw, r.closing);
			if (r.pressure >= 0)
				fprintf(f, "%d", r.pressure);
			fputc('\n', f);
		}
	fclose(f);
}

/* a sound stack's rows: pools and TIME_WAIT noise, heap buffers in flight */
static inline void g_clean(int c, unsigned *s, struct syn *r)
{
	(void)c;
	r->pbuf = (int)(rnd(s) % 4);
	r->heap = 60000 - (int)(rnd(s) % 100); /* in-flight buffers come and go */
	r->heap_min = 58000;
	r->connack = 3 + (int)(rnd(s) % 6);
	r->time_wait = (int)(rnd(s) % 5);
	r->tcp_pcb = 1 + r->time_wait;
}

/* the field report: one slot kept per reconnect until 38, then socket_failed */
static inline void g_vendor(int c, unsigned *s, struct syn *r)
{
	g_clean(c, s, r);
	r->after_teardown = c - 1 < 38 ? c - 1 : 38;
	r->slots = c < 39 ? c : 38;
	r->socket_fd = c < 39 ? c - 1 : -1;
	r->netconn = r->slots;
	if (c >= 39)
		r->status = "socket_failed";
}

static inline void write_csv_full(int cycles, gen_fn gen)
{
	write_csv(cycles, 1, gen);
}

#endif
