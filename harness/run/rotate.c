/* run.rotate (see rotate.h): segments cut, copied and handed to gzip. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csv.h"
#include "proc.h"
#include "rotate.h"
#include "run_ctx.h"
#include "segments.h"

#define LOG_EVERY 256        /* rows between looks at the logs */
#define FINISH_WAIT_MS 120000 /* for the last compressors at the end */
#define FINISH_MIN (64 << 10)  /* at the end a log this big is compressed too */

static void undo_rows(void *ctx, const char *name, long x)
{
	struct run *r = ctx;

	(void)name;
	(void)x;
	if (r->csv)
		fclose(r->csv);
	r->csv = NULL;
}

int nf_rotate_open_rows(struct run *r, char *err, size_t len)
{
	int rc;

	r->rot.limit = r->sc->rotate_mib << 20;
	r->csv = nf_run_open(r, "cycles.csv");
	if (!r->csv) {
		rc = -errno;
		snprintf(err, len, "%s/cycles.csv: %s", r->dir, strerror(-rc));
		return rc;
	}
	if ((rc = nf_undo_push(&r->undo, undo_rows, r, "cycles.csv", 0)) < 0) {
		fclose(r->csv);
		r->csv = NULL;
		return rc;
	}
	if ((rc = nf_csv_header(r->csv)) < 0)
		snprintf(err, len, "writing %s/cycles.csv: %s", r->dir, strerror(-rc));
	return rc;
}

/* gzip a finished segment, in the background; left plain when it cannot */
static void compress(struct run *r, const char *path)
{
	char log[PATH_MAX + 32];
	char *argv[] = {"gzip", "-n", "-q", "-f", "--", (char *)path, NULL};
	int slot = 0;

	while (slot < NF_ROTATE_ZIPS && r->rot.zip[slot] > 0)
		slot++;
	snprintf(log, sizeof(log), "%s/logs/gzip.log", r->dir);
	struct nf_spawn s = {.nsfd = -1, .log = log, .pass_fd = -1, .argv = argv};
	if (slot == NF_ROTATE_ZIPS || nf_spawn(&s, &r->rot.zip[slot]) < 0) {
		r->rot.zip_failed++;
		nf_run_say(r, "netflap: %s stays uncompressed (%s)", path,
			   slot == NF_ROTATE_ZIPS ? "no compressor free" : "gzip could not start");
	}
}

/* cycles.csv into its next segment, then begun again */
static void rotate_rows(struct run *r)
{
	char live[PATH_MAX + 32], seg[PATH_MAX + 32];
	int rc = 0;

	snprintf(live, sizeof(live), "%s/cycles.csv", r->dir);
	nf_segment_path(seg, sizeof(seg), r->dir, "cycles", ".csv", r->rot.segments + 1, false);
	if (fclose(r->csv) == EOF)
		rc = -errno;
	r->csv = NULL;
	if (rc == 0 && rename(live, seg) < 0)
		rc = -errno;
	if (rc == 0 && !(r->csv = nf_run_open(r, "cycles.csv")))
		rc = -errno;
	if (rc == 0)
		rc = nf_csv_header(r->csv);
	if (rc < 0) {
		r->csv_err = rc;
		snprintf(r->fatal, sizeof(r->fatal),
			 "rotating %s/cycles.csv: %s; the rows so far are in its segments", r->dir,
			 strerror(-rc));
		nf_engine_request_stop(&r->eng);
		return;
	}
	r->rot.segments++;
	compress(r, seg);
}

/* a segment's name: x-0001.log, never a live log (device indexes have
 * three digits at most) */
static bool is_segment(const char *name)
{
	const char *dot = strrchr(name, '.'), *p = dot;
	int digits = 0;

	while (p && p > name && p[-1] >= '0' && p[-1] <= '9' && digits < 5) {
		p--;
		digits++;
	}
	return !dot || (digits == 4 && p > name && p[-1] == '-') || strcmp(dot, ".log") != 0;
}

/* copies what src holds into dst (new), then empties src; what a writer
 * appends between the last copy and the truncation is the one race of
 * copytruncate, kept to the copy's last step */
static int copy_truncate(int src, int dst)
{
	struct stat st;
	off_t done = 0;

	for (int round = 0; round < 4; round++) {
		if (fstat(src, &st) < 0)
			return -errno;
		while (done < st.st_size) {
			ssize_t n = copy_file_range(src, &done, dst, NULL, (size_t)(st.st_size - done), 0);
			if (n <= 0)
				return n < 0 ? -errno : -EIO;
		}
		if (fstat(src, &st) < 0 || st.st_size == done)
			break;
	}
	return ftruncate(src, 0) < 0 ? -errno : 0;
}

static void rotate_log(struct run *r, const char *logs, const char *name)
{
	char stem[NAME_MAX + 1], src[PATH_MAX + 300], seg[PATH_MAX + 300];
	int k;

	snprintf(stem, sizeof(stem), "%.*s", (int)(strrchr(name, '.') - name), name);
	snprintf(src, sizeof(src), "%s/%s", logs, name);
	k = nf_segment_count(logs, stem, ".log") + 1;
	nf_segment_path(seg, sizeof(seg), logs, stem, ".log", k, false);
	int in = open(src, O_RDWR | O_CLOEXEC);
	int out = open(seg, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int rc = in < 0 || out < 0 ? -errno : copy_truncate(in, out);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (rc < 0) {
		nf_run_say(r, "netflap: rotating %s: %s (it goes on growing)", src, strerror(-rc));
		return;
	}
	r->rot.log_segments++;
	compress(r, seg);
}

static void rotate_logs(struct run *r, int64_t min)
{
	char logs[PATH_MAX + 8], path[PATH_MAX + 300];
	struct dirent *e;
	struct stat st;
	DIR *d;

	snprintf(logs, sizeof(logs), "%s/logs", r->dir);
	if (!(d = opendir(logs)))
		return;
	while ((e = readdir(d)))
		if (!is_segment(e->d_name)) {
			snprintf(path, sizeof(path), "%s/%s", logs, e->d_name);
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= min)
				rotate_log(r, logs, e->d_name);
		}
	closedir(d);
}

void nf_rotate_after_row(struct run *r)
{
	if (!r->rot.limit || !r->csv || r->csv_err)
		return;
	if (ftello(r->csv) >= r->rot.limit)
		rotate_rows(r);
	if (++r->rot.rows >= LOG_EVERY) {
		r->rot.rows = 0;
		rotate_logs(r, r->rot.limit);
	}
}

bool nf_rotate_reaped(struct run *r, pid_t pid, int status)
{
	for (int i = 0; i < NF_ROTATE_ZIPS; i++)
		if (r->rot.zip[i] == pid) {
			r->rot.zip[i] = 0;
			if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				r->rot.zip_failed++;
				nf_run_say(r, "netflap: gzip (pid %d) failed: a segment stays "
					      "uncompressed (see %s/logs/gzip.log)",
					   (int)pid, r->dir);
			}
			return true;
		}
	return false;
}

void nf_rotate_finish(struct run *r)
{
	int status;

	/* the live files too, so a night's folder ends compressed: cycles.csv
	 * keeps its header (readers find the rows in the segments) */
	if (r->rot.limit && r->csv && !r->csv_err) {
		if (fflush(r->csv) == 0 && ftello(r->csv) > (off_t)nf_csv_header_len())
			rotate_rows(r);
		rotate_logs(r, FINISH_MIN);
	}

	for (int i = 0; i < NF_ROTATE_ZIPS; i++) {
		if (r->rot.zip[i] <= 0)
			continue;
		int rc = nf_proc_wait(r->rot.zip[i], FINISH_WAIT_MS, &status);
		if (rc == 0)
			nf_rotate_reaped(r, r->rot.zip[i], status);
		else if (rc == -ETIMEDOUT) /* stopped: its segment stays plain and whole */
			nf_rotate_reaped(r, r->rot.zip[i], nf_proc_stop(r->rot.zip[i], 1000));
	}
}
