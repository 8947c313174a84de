/* cycles.csv reader (see rows.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "faults.h"
#include "rows.h"

/* the columns the reader keeps, by their id in the one column list */
static const enum nf_csv_col col_ids[C_NCOLS] = {
    [C_CYCLE] = NF_COL_cycle,
    [C_DEVICE] = NF_COL_device,
    [C_CONNACK] = NF_COL_connack_ms,
    [C_SOCKET_FD] = NF_COL_socket_fd,
    [C_SLOTS] = NF_COL_sockets_in_use,
    [C_SOCKET_SLOTS] = NF_COL_socket_slots,
    [C_HEAP] = NF_COL_heap_free,
    [C_HEAP_MIN] = NF_COL_heap_min_free,
    [C_NETCONN] = NF_COL_memp_netconn_used,
    [C_TCP_PCB] = NF_COL_memp_tcp_pcb_used,
    [C_PBUF] = NF_COL_memp_pbuf_pool_used,
    [C_UDP_PCB] = NF_COL_memp_udp_pcb_used,
    [C_RAW_PCB] = NF_COL_memp_raw_pcb_used,
    [C_TIME_WAIT] = NF_COL_tcp_time_wait,
    [C_AFTER_TEARDOWN] = NF_COL_slots_after_teardown,
    [C_HEAP_LARGEST] = NF_COL_heap_largest_free,
    [C_HEAP_TW] = NF_COL_heap_time_wait,
    [C_CUT] = NF_COL_cut_phase,
    [C_FAULT] = NF_COL_fault,
    [C_CLOSING] = NF_COL_tcp_closing,
    [C_LINGER] = NF_COL_COUNT, /* derived below, not read */
    [C_TLS_AFTER] = NF_COL_tls_heap_after_teardown,
    [C_TLS_FAILS] = NF_COL_tls_heap_fails,
    [C_TLS_USED] = NF_COL_tls_heap_used,
    [C_TLS_PEAK] = NF_COL_tls_heap_peak,
    [C_PROGRESS] = NF_COL_progress,
    [C_REBOOTS] = NF_COL_reboots,
    [C_HEAP_CLOSING] = NF_COL_heap_closing,
    [C_UP_MS] = NF_COL_up_ms,
    [C_T_START] = NF_COL_t_start_ms,
};

/* the columns that hold a word, read as its index in their list */
static int64_t word_value(int c, const char *t)
{
	int i = c == C_CUT ? nf_phase_parse(t) : c == C_FAULT ? nf_fault_parse(t) : -1;
	return i < 0 ? NF_UNSET : i;
}

#define MAX_FIELDS 128

static int split(char *line, char **f)
{
	int n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	f[n++] = line;
	for (char *p = line; *p && n < MAX_FIELDS; p++)
		if (*p == ',') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

static int push(struct nf_series *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		void *v = realloc(s->v, cap * sizeof(*s->v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		void *st = realloc(s->status, cap * sizeof(*s->status));
		if (!st)
			return -ENOMEM;
		s->status = st;
		s->cap = cap;
	}
	return 0;
}

int nf_rows_load(struct nf_rows *rows, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[4096], *fld[MAX_FIELDS];
	int idx[C_NCOLS], status_idx = -1, crash_idx = -1, nhead, lineno = 1;

	memset(rows, 0, sizeof(*rows));
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		snprintf(err, errlen, "%s: empty, no header", path);
		return -EINVAL;
	}
	nhead = split(line, fld);
	for (int c = 0; c < C_NCOLS; c++) {
		idx[c] = -1;
		for (int i = 0; col_ids[c] != NF_COL_COUNT && i < nhead; i++)
			if (strcmp(fld[i], nf_csv_col(col_ids[c])) == 0)
				idx[c] = i;
	}
	for (int i = 0; i < nhead; i++) {
		if (strcmp(fld[i], nf_csv_col(NF_COL_status)) == 0)
			status_idx = i;
		if (strcmp(fld[i], nf_csv_col(NF_COL_crash)) == 0)
			crash_idx = i;
	}
	if (idx[C_CYCLE] < 0 || idx[C_DEVICE] < 0 || status_idx < 0) {
		fclose(f);
		snprintf(err, errlen,
			 "%s:1: not a netflap cycles.csv (no cycle/device/status columns)", path);
		return -EINVAL;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		/* a line cut short (a full disk, a kill) has no newline or too few fields */
		if (!strchr(line, '\n') || split(line, fld) != nhead) {
			rows->bad_lines++;
			continue;
		}
		char *end;
		long dev = strtol(fld[idx[C_DEVICE]], &end, 10);
		if (*end || dev < 0 || dev >= NF_MAX_DEVICES) {
			rows->bad_lines++;
			continue;
		}
		struct nf_series *s = &rows->dev[dev];
		if (push(s) < 0) {
			fclose(f);
			snprintf(err, errlen, "%s:%d: out of memory", path, lineno);
			return -ENOMEM;
		}
		for (int c = 0; c < C_NCOLS; c++) {
			const char *t = idx[c] >= 0 ? fld[idx[c]] : "";
			long long x = strtoll(t, &end, 10);
			s->v[s->n][c] = c == C_CUT || c == C_FAULT ? word_value(c, t)
				      : (*t && !*end)	       ? x
							       : NF_UNSET;
		}
		int64_t *v = s->v[s->n];
		v[C_LINGER] = v[C_TIME_WAIT] == NF_UNSET ? NF_UNSET
			      : v[C_TIME_WAIT] + (v[C_CLOSING] == NF_UNSET ? 0 : v[C_CLOSING]);
		snprintf(s->status[s->n], NF_STATUS_MAX, "%s", fld[status_idx]);
		if (nf_status_parse(fld[status_idx]) == NF_ST_device_crashed) {
			if (!s->crashes++ && crash_idx >= 0)
				snprintf(s->crash, sizeof(s->crash), "%s", fld[crash_idx]);
		}
		s->n++;
		if (dev + 1 > rows->ndev)
			rows->ndev = (int)dev + 1;
	}
	fclose(f);
	return 0;
}

void nf_rows_free(struct nf_rows *rows)
{
	for (int i = 0; i < NF_MAX_DEVICES; i++) {
		free(rows->dev[i].v);
		free(rows->dev[i].status);
	}
	memset(rows, 0, sizeof(*rows));
}
