/* The plots' data (see plot.h): cycles.csv shaped for gnuplot in one file
 * it reads once per line drawn, however many rows and devices there are.
 * Every row stays in cycles.csv; the plots see at most PLOT_POINTS points
 * a line: each point a bucket of cycles. Up to PLOT_DEVICES devices each
 * get a line (the bucket's last row); a larger fleet gets three, the
 * bucket's median, lowest and highest over every device. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"

#define PLOT_POINTS 2000

/* the figures drawn; a panel names its columns from this list */
const struct nf_plot_series nf_plot_series[] = {
    {"socket_fd", C_SOCKET_FD},
    {"sockets_in_use", C_SLOTS},
    {"slots_after_teardown", C_AFTER_TEARDOWN},
    {"heap_free", C_HEAP},
    {"heap_min_free", C_HEAP_MIN},
    {"connack_ms", C_CONNACK},
    {"ok", -1}, /* 1 when the row's status is ok */
    {"memp_netconn_used", C_NETCONN},
    {"memp_tcp_pcb_used", C_TCP_PCB},
    {"tcp_time_wait", C_TIME_WAIT},
    {"memp_pbuf_pool_used", C_PBUF},
    {"fault", C_FAULT}, /* enum nf_fault: the points' colour */
    {"tls_heap_used", C_TLS_USED},
    {"tls_heap_peak", C_TLS_PEAK},
    {"tls_heap_after_teardown", C_TLS_AFTER},
};
const int nf_plot_nseries = (int)(sizeof(nf_plot_series) / sizeof(nf_plot_series[0]));

static int64_t value(const struct nf_series *s, size_t i, int col)
{
	return col < 0 ? nf_status_is_ok(s->status[i]) : s->v[i][col];
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static void put(FILE *f, int64_t v)
{
	if (v == NF_UNSET)
		fputs(" NaN", f);
	else
		fprintf(f, " %lld", (long long)v);
}

/* per device: the last row of each device in the bucket */
static void bucket_devices(FILE *f, const struct nf_rows *rows, size_t *at, int64_t hi)
{
	int64_t last[NF_MAX_DEVICES][sizeof(nf_plot_series) / sizeof(nf_plot_series[0])];

	for (int d = 0; d < rows->ndev; d++) {
		const struct nf_series *s = &rows->dev[d];
		for (int k = 0; k < nf_plot_nseries; k++)
			last[d][k] = NF_UNSET;
		for (; at[d] < s->n && s->v[at[d]][C_CYCLE] <= hi; at[d]++)
			for (int k = 0; k < nf_plot_nseries; k++)
				last[d][k] = value(s, at[d], nf_plot_series[k].col);
	}
	for (int k = 0; k < nf_plot_nseries; k++)
		for (int d = 0; d < rows->ndev; d++)
			put(f, last[d][k]);
}

/* a fleet: median, lowest, highest over every row of every device */
static void bucket_fleet(FILE *f, const struct nf_rows *rows, size_t *at, int64_t hi, int64_t *buf)
{
	size_t from[NF_MAX_DEVICES];

	memcpy(from, at, sizeof(from[0]) * (size_t)rows->ndev);
	for (int k = 0; k < nf_plot_nseries; k++) {
		size_t n = 0;
		for (int d = 0; d < rows->ndev; d++) {
			const struct nf_series *s = &rows->dev[d];
			for (size_t i = from[d]; i < s->n && s->v[i][C_CYCLE] <= hi; i++) {
				int64_t v = value(s, i, nf_plot_series[k].col);
				if (v != NF_UNSET)
					buf[n++] = v;
				at[d] = i + 1;
			}
		}
		qsort(buf, n, sizeof(buf[0]), cmp_i64);
		put(f, n ? buf[n / 2] : NF_UNSET);
		put(f, n ? buf[0] : NF_UNSET);
		put(f, n ? buf[n - 1] : NF_UNSET);
	}
}

int nf_plot_data(const struct nf_rows *rows, const char *path, int *nlines, char *titles,
		 size_t tlen)
{
	size_t at[NF_MAX_DEVICES] = {0}, total = 0;
	int64_t last = 0, *buf = NULL;
	bool fleet = rows->ndev > PLOT_DEVICES;
	FILE *f = fopen(path, "w");
	int rc = 0;

	if (!f)
		return -errno;
	for (int d = 0; d < rows->ndev; d++) {
		const struct nf_series *s = &rows->dev[d];
		total += s->n;
		if (s->n && s->v[s->n - 1][C_CYCLE] > last)
			last = s->v[s->n - 1][C_CYCLE];
	}
	static const char *const fleet_lines[] = {"median", "lowest", "highest"};
	*nlines = fleet ? 3 : rows->ndev;
	titles[0] = '\0';
	for (int k = 0; k < *nlines; k++) {
		size_t l = strlen(titles);
		if (fleet)
			snprintf(titles + l, tlen - l, "%s%s", k ? " " : "", fleet_lines[k]);
		else
			snprintf(titles + l, tlen - l, "%sd%d", k ? " " : "", k);
	}
	if (fleet && !(buf = malloc((total + 1) * sizeof(*buf)))) {
		rc = -ENOMEM;
		goto out;
	}
	fputs("cycle", f);
	for (int k = 0; k < nf_plot_nseries; k++)
		for (int j = 0; j < *nlines; j++)
			fprintf(f, " %s_%d", nf_plot_series[k].name, j);
	fputc('\n', f);
	int64_t step = last / PLOT_POINTS + 1;
	for (int64_t hi = step; hi < last + step; hi += step) {
		fprintf(f, "%lld", (long long)(hi < last ? hi : last));
		if (fleet)
			bucket_fleet(f, rows, at, hi, buf);
		else
			bucket_devices(f, rows, at, hi);
		fputc('\n', f);
	}
out:
	free(buf);
	if (fclose(f) && !rc)
		rc = -errno;
	return rc;
}
