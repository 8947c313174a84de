/* The run judges as it goes (see judge.h): every row it writes is also
 * read into rows held in memory (bounded: rows.h folds past its budget),
 * and every JUDGE_EVERY_MS a child forked from the run judges them and
 * replaces verdict.json and junit.xml (end_state "running"): `netflap
 * status` then reads the findings so far without reading cycles.csv. A
 * child, so the loop is never held up by a judgement (a third of a second
 * on a full budget); one at a time; ended by its pid before the run's
 * final verdict, which reads the files as `netflap verdict` does. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "csv.h"
#include "run_ctx.h"
#include "verdict.h"

#define JUDGE_EVERY_MS 10000
/* a quarter of the verdict's budget (about 37 MiB): the findings so far may
 * be coarser than the final verdict's, the run stays light */
#define JUDGE_ROWS (NF_ROWS_BUDGET / 4)

int nf_judge_start(struct run *r)
{
	char header[NF_CSV_LINE_MAX];
	int rc = nf_csv_header_text(header, sizeof(header));

	r->judge.pid = 0;
	r->judge.last_ms = nf_now_ms();
	if (rc == 0)
		rc = nf_rows_begin(&r->judge.rows, header, JUDGE_ROWS);
	r->judge.on = rc == 0;
	return rc;
}

void nf_judge_row(struct run *r, const char *line)
{
	if (!r->judge.on)
		return;
	int rc = nf_rows_add(&r->judge.rows, line);
	if (rc < 0) { /* said once; the final verdict reads the files */
		nf_run_say(r, "netflap: judging as the run goes stopped at cycle %lld: %s\n",
			   (long long)r->eng.cycle,
			   rc == -ENOSPC ? "rows too varied to fold" : strerror(-rc));
		nf_rows_free(&r->judge.rows);
		r->judge.on = false;
	}
}

/* the child: judge, write, end (no atexit, no undo: they are the run's) */
static void judge_child(struct run *r)
{
	struct nf_verdict v = {0};
	char err[256];

	nf_verdict_of_rows(r->dir, &r->judge.rows, &v);
	v.lines_refused = r->lines_refused;
	_exit(nf_verdict_write(r->dir, &v, err, sizeof(err)) < 0 ? 1 : 0);
}

void nf_judge_tick(struct run *r)
{
	int64_t now = nf_now_ms();

	if (!r->judge.on || r->judge.pid > 0 || now - r->judge.last_ms < JUDGE_EVERY_MS)
		return;
	r->judge.last_ms = now;
	pid_t pid = fork();
	if (pid == 0)
		judge_child(r);
	if (pid > 0)
		r->judge.pid = pid;
}

bool nf_judge_reaped(struct run *r, pid_t pid)
{
	if (pid <= 0 || pid != r->judge.pid)
		return false;
	r->judge.pid = 0;
	return true;
}

/* the temporary files a killed judge left */
static void remove_tmp(const struct run *r, pid_t pid)
{
	static const char *const names[] = {"verdict.json", "junit.xml"};
	char tmp[PATH_MAX + 48];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(tmp, sizeof(tmp), "%s/%s.%d.tmp", r->dir, names[i], (int)pid);
		unlink(tmp);
	}
}

void nf_judge_stop(struct run *r)
{
	pid_t pid = r->judge.pid;

	if (pid > 0) { /* ours, by its pid: the final verdict supersedes it */
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		remove_tmp(r, pid);
		r->judge.pid = 0;
	}
	if (r->judge.on)
		nf_rows_free(&r->judge.rows);
	r->judge.on = false;
}
