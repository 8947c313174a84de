/* cycles.csv writer (see csv.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"

static const struct col {
	const char *name;
	enum nf_csv_src src;
	enum nf_report_field f; /* S_REPORT */
} cols[] = {
#define NF_X(name, src, f) {#name, src, f},
    NF_CSV_COLUMNS(NF_X)
#undef NF_X
};
#define NCOLS ((int)(sizeof(cols) / sizeof(cols[0])))

int nf_csv_ncols(void)
{
	return NCOLS;
}

const char *nf_csv_col(int i)
{
	return i >= 0 && i < NCOLS ? cols[i].name : NULL;
}

static int finish(FILE *f)
{
	if (fflush(f) == EOF || ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}

int nf_csv_header(FILE *f)
{
	for (int i = 0; i < NCOLS; i++)
		fprintf(f, "%s%s", i ? "," : "", cols[i].name);
	fputc('\n', f);
	return finish(f);
}

size_t nf_csv_header_len(void)
{
	size_t n = 0;

	for (int i = 0; i < NCOLS; i++)
		n += strlen(cols[i].name) + 1; /* its comma, the last one's newline */
	return n;
}

/* an address the device gave as two big-endian halves; none unset */
static void put_addr6(FILE *f, int64_t hi, int64_t lo)
{
	uint8_t a[16];
	char text[INET6_ADDRSTRLEN];

	if (hi == NF_UNSET || lo == NF_UNSET)
		return;
	for (int i = 0; i < 8; i++) {
		a[i] = (uint8_t)((uint64_t)hi >> (56 - 8 * i));
		a[8 + i] = (uint8_t)((uint64_t)lo >> (56 - 8 * i));
	}
	if (inet_ntop(AF_INET6, a, text, sizeof(text)))
		fputs(text, f);
}

static void put_int(FILE *f, int64_t v)
{
	if (v != NF_UNSET)
		fprintf(f, "%" PRId64, v);
}

/* column i of a row, from where the column list says it comes */
static void put_col(FILE *m, int i, const struct nf_row *row, const struct nf_wire *w)
{
	const struct nf_report *r = &row->r;

	switch (cols[i].src) {
	case S_CYCLE:
		put_int(m, row->cycle);
		break;
	case S_DEVICE:
		put_int(m, row->device);
		break;
	case S_T_START:
		put_int(m, row->t_start_ms);
		break;
	case S_DOWN:
		put_int(m, row->down_ms);
		break;
	case S_UP:
		put_int(m, row->up_ms);
		break;
	case S_SINCE_UP: /* empty for a step before the carrier came back: not this cycle's */
		if (r->v[cols[i].f] != NF_UNSET && r->v[NF_R_t_carrier_up] != NF_UNSET &&
		    r->v[cols[i].f] >= r->v[NF_R_t_carrier_up])
			put_int(m, r->v[cols[i].f] - r->v[NF_R_t_carrier_up]);
		break;
	case S_REPORT:
		put_int(m, r->v[cols[i].f]);
		break;
	case S_SYN:
		put_int(m, w && w->syn >= 0 ? w->syn : NF_UNSET);
		break;
	case S_FIN:
		put_int(m, w && w->fin >= 0 ? w->fin : NF_UNSET);
		break;
	case S_RST:
		put_int(m, w && w->rst >= 0 ? w->rst : NF_UNSET);
		break;
	case S_PRESSURE:
		put_int(m, w ? w->cpu_pressure : NF_UNSET);
		break;
	case S_STATUS:
		fputs(row->status[0] ? row->status : "-", m);
		break;
	case S_CUT:
		if (row->cut_phase >= 0)
			fputs(nf_phase_name((enum nf_phase)row->cut_phase), m);
		break;
	case S_FAULT:
		fputs(nf_fault_name(row->fault), m);
		break;
	case S_CAUSE:
		fputs(row->cause, m);
		break;
	case S_PROGRESS:
		if (row->progress >= 0)
			put_int(m, row->progress);
		break;
	case S_REBOOTS:
		put_int(m, row->reboots);
		break;
	case S_ADDR6:
		put_addr6(m, r->v[cols[i].f], r->v[cols[i].f + 1]);
		break;
	case S_CRASH:
		for (const char *c = row->crash; *c; c++)
			fputc(*c == ',' || *c == '\n' || *c == '\r' ? ';' : *c == '"' ? '\'' : *c, m);
		break;
	case S_ADDR:
		if (r->v[cols[i].f] != NF_UNSET && r->v[cols[i].f] > 0)
			fprintf(m, "%u.%u.%u.%u", (unsigned)(r->v[cols[i].f] >> 24) & 255,
				(unsigned)(r->v[cols[i].f] >> 16) & 255,
				(unsigned)(r->v[cols[i].f] >> 8) & 255,
				(unsigned)r->v[cols[i].f] & 255);
		break;
	}
}

int nf_csv_header_text(char *buf, size_t len)
{
	FILE *m = fmemopen(buf, len, "w");

	if (!m)
		return -errno;
	int rc = nf_csv_header(m);
	long n = ftell(m);
	fclose(m);
	return rc ? rc : n <= 0 || (size_t)n >= len ? -EOVERFLOW : 0;
}

int nf_csv_row(FILE *f, const struct nf_row *row, const struct nf_wire *w, char *line,
	       size_t size)
{
	FILE *m = fmemopen(line, size, "w");

	/* build the whole line first: one fwrite, so a full disk never leaves
	 * half a row behind in a file that otherwise parses */
	if (!m)
		return -errno;
	for (int i = 0; i < NCOLS; i++) {
		if (i)
			fputc(',', m);
		put_col(m, i, row, w);
	}
	fputc('\n', m);
	long len = ftell(m);
	fclose(m);
	if (len <= 0 || len >= (long)size)
		return -EOVERFLOW;
	/* one write(2) per row; a short one (a full disk) is cut back, so the
	 * file never ends in half a row */
	int rc = finish(f);
	if (rc)
		return rc;
	int fd = fileno(f);
	off_t at = lseek(fd, 0, SEEK_END);
	ssize_t n = write(fd, line, (size_t)len);
	if (n == len)
		return 0;
	rc = n < 0 ? -errno : -ENOSPC;
	if (at >= 0 && ftruncate(fd, at) < 0)
		fprintf(stderr, "netflap: cutting a torn row back: %s\n", strerror(errno));
	return rc;
}
