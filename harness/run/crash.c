/* A crash's cause from the device's log tail (see crash.h). */
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "crash.h"
#include "segments.h"

#define TAIL 16384

/* the lines that name a cause, most telling first: what failed, then where */
static const char *const cause_marks[] = {
    "assertion", "AddressSanitizer", "runtime error", "stack smashing", "double free",
    "malloc(): ", "free(): ",
};
#define FRAME_MARK "netflap-device: frame "

static size_t read_tail(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n = 0;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && st.st_size > (off_t)(cap - 1))
		lseek(fd, st.st_size - (off_t)(cap - 1), SEEK_SET);
	n = read(fd, buf, cap - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 ? (size_t)n : 0;
}

/* The last cap - 1 bytes of the newest segment of the log at path
 * (run.rotate emptied the live log, perhaps a moment before the crash:
 * its last lines are there). Read through zlib: plain or compressed. */
static size_t segment_tail(const char *path, char *buf, size_t cap)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
	char dir[PATH_MAX], stem[NAME_MAX + 1], seg[PATH_MAX + NAME_MAX + 16], chunk[4096];
	size_t have = 0;
	int n, k;

	if (!slash || !dot || dot < slash || cap < 2)
		return 0;
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	snprintf(stem, sizeof(stem), "%.*s", (int)(dot - slash - 1), slash + 1);
	k = nf_segment_count(dir, stem, ".log");
	gzFile f = k ? (nf_segment_find(seg, sizeof(seg), dir, stem, ".log", k) ? gzopen(seg, "rb")
									      : NULL)
		     : NULL;
	if (!f)
		return 0;
	while ((n = gzread(f, chunk, sizeof(chunk))) > 0) {
		size_t m = (size_t)n < cap - 1 ? (size_t)n : cap - 1;
		if (have + m > cap - 1) { /* keep the newest bytes */
			size_t drop = have + m - (cap - 1);
			memmove(buf, buf + drop, have - drop);
			have -= drop;
		}
		memcpy(buf + have, chunk + (size_t)n - m, m);
		have += m;
	}
	gzclose(f);
	buf[have] = '\0';
	return have;
}

/* the live log's tail, after its newest segment's when it holds little */
static size_t log_tail(const char *path, char *buf, size_t cap)
{
	char live[TAIL];
	size_t n = read_tail(path, live, sizeof(live) < cap ? sizeof(live) : cap);

	if (n >= cap / 2) {
		memcpy(buf, live, n + 1);
		return n;
	}
	size_t m = segment_tail(path, buf, cap - n);
	memcpy(buf + m, live, n + 1);
	return m + n;
}

/* the last line of buf holding mark, without its end of line, or NULL */
static const char *last_line_with(const char *buf, const char *mark, size_t *len)
{
	const char *hit = NULL;

	for (const char *p = buf; (p = strcasestr(p, mark)); p++)
		hit = p;
	if (!hit)
		return NULL;
	while (hit > buf && hit[-1] != '\n')
		hit--;
	*len = strcspn(hit, "\n");
	return hit;
}

static void append(char *out, size_t cap, const char *sep, const char *s, size_t n)
{
	size_t have = strlen(out);

	if (have + strlen(sep) + 1 >= cap)
		return;
	snprintf(out + have, cap - have, "%s%.*s", have ? sep : "", (int)n, s);
}

/* "at f <- g <- h": the functions of the first frames the device printed */
static void frames(const char *buf, char *out, size_t cap)
{
	const char *p = buf;
	int k = 0;
	char at[160] = "";

	while (k < 4 && (p = strstr(p, FRAME_MARK))) {
		p += strlen(FRAME_MARK);
		size_t n = strcspn(p, "\n");
		append(at, sizeof(at), " <- ", p, n);
		k++;
	}
	if (at[0])
		append(out, cap, "; at ", at, strlen(at));
}

void nf_crash_words(const char *log_path, int status, char *out, size_t cap)
{
	char buf[TAIL];
	char how[48] = "";

	out[0] = '\0';
	if (status >= 0 && WIFSIGNALED(status))
		snprintf(how, sizeof(how), "SIG%s", sigabbrev_np(WTERMSIG(status)) ?: "?");
	else if (status >= 0)
		snprintf(how, sizeof(how), "exit %d", WEXITSTATUS(status));
	append(out, cap, "", how, strlen(how));
	if (!log_tail(log_path, buf, sizeof(buf)))
		return;
	for (size_t i = 0; i < sizeof(cause_marks) / sizeof(cause_marks[0]); i++) {
		size_t n;
		const char *l = last_line_with(buf, cause_marks[i], &n);
		if (l) {
			append(out, cap, ": ", l, n);
			break;
		}
	}
	frames(buf, out, cap);
}
