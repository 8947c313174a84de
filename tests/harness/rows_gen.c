/* Synthetic cycles.csv rows on stdout, fast, for the bounded-verdict test
 * (verdict_big_test.sh): one device's sound reconnects (pool, TIME_WAIT and
 * heap noise as verdict_syn.h's g_clean) with one socket slot kept every
 * LEAK_EVERY cycles (0: none).
 * Usage: rows_gen CYCLES LEAK_EVERY */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *put_int(char *p, int64_t x)
{
	char tmp[24];
	int n = 0;

	if (x < 0) {
		*p++ = '-';
		x = -x;
	}
	do
		tmp[n++] = (char)('0' + x % 10);
	while ((x /= 10) > 0);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static unsigned rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 16) & 0x7fff;
}

int main(int argc, char **argv)
{
	static char buf[1 << 16];
	unsigned rng = 7;
	char *p = buf;

	if (argc != 3) {
		fprintf(stderr, "usage: rows_gen CYCLES LEAK_EVERY\n");
		return 2;
	}
	int64_t cycles = strtoll(argv[1], NULL, 10), every = strtoll(argv[2], NULL, 10);
	fputs("cycle,device,connack_ms,socket_fd,sockets_in_use,socket_slots,heap_free,"
	      "heap_min_free,memp_netconn_used,memp_tcp_pcb_used,memp_pbuf_pool_used,"
	      "tcp_time_wait,slots_after_teardown,status\n",
	      stdout);
	for (int64_t c = 1; c <= cycles; c++) {
		int64_t kept = every > 0 ? c / every : 0, tw = rnd(&rng) % 5;
		p = put_int(p, c);
		memcpy(p, ",0,", 3);
		p = put_int(p + 3, 3 + rnd(&rng) % 6);
		*p++ = ',';
		p = put_int(p, kept);
		*p++ = ',';
		p = put_int(p, kept + 1);
		memcpy(p, ",1024,", 6);
		p = put_int(p + 6, 60000 - rnd(&rng) % 100);
		memcpy(p, ",58000,1,", 9);
		p = put_int(p + 9, 1 + tw);
		*p++ = ',';
		p = put_int(p, rnd(&rng) % 4);
		*p++ = ',';
		p = put_int(p, tw);
		*p++ = ',';
		p = put_int(p, kept);
		memcpy(p, ",ok\n", 4);
		p += 4;
		if (p - buf > (long)sizeof(buf) - 256) {
			if (fwrite(buf, 1, (size_t)(p - buf), stdout) != (size_t)(p - buf))
				return 1; /* the reader went away */
			p = buf;
		}
	}
	fwrite(buf, 1, (size_t)(p - buf), stdout);
	return fflush(stdout) ? 1 : 0;
}
