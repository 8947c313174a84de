/* Children (see proc.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"

int nf_spawn(const struct nf_spawn *s, pid_t *pid)
{
	pid_t parent = getpid(), p = fork();

	if (p < 0)
		return -errno;
	if (p == 0) {
		sigset_t all;
		int fd = s->log ? open(s->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)
				: open("/dev/null", O_WRONLY | O_CLOEXEC);

		setpgid(0, 0);
		if (prctl(PR_SET_PDEATHSIG, s->death_sig ? s->death_sig : SIGKILL) < 0 ||
		    getppid() != parent) /* it died before the tie was made */
			_exit(126);
		/* a stop sent to netflap's group before setpgid() is pending here
		 * (the mask is netflap's): it was netflap's, not ours; ignoring a
		 * signal discards it, then the default comes back */
		for (const int *sig = (const int[]){SIGINT, SIGTERM, SIGHUP, 0}; *sig; sig++) {
			signal(*sig, SIG_IGN);
			signal(*sig, SIG_DFL);
		}
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL); /* the harness blocks what its loop reads */
		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		if (s->pass_fd == 3) /* already there: only its CLOEXEC to clear */
			fcntl(3, F_SETFD, 0);
		else if (s->pass_fd >= 0)
			dup2(s->pass_fd, 3); /* dup2 clears CLOEXEC on the copy */
		for (char *const *e = s->env; e && *e; e++)
			putenv(*e);
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		if (s->nsfd >= 0 && setns(s->nsfd, CLONE_NEWNET) < 0) {
			fprintf(stderr, "netflap: setns for %s: %s\n", s->argv[0], strerror(errno));
			_exit(127);
		}
		execvp(s->argv[0], s->argv);
		fprintf(stderr, "netflap: cannot run %s: %s\n", s->argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(p, p); /* both sides: whichever runs first */
	*pid = p;
	return 0;
}

static int wait_exit(pid_t pid, int ms, int *status)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (pfd >= 0) {
		struct pollfd p = {.fd = pfd, .events = POLLIN};
		poll(&p, 1, ms);
		close(pfd);
	}
	pid_t r = waitpid(pid, status, WNOHANG);
	return r == pid ? 0 : (r < 0 ? -errno : -ETIMEDOUT);
}

int nf_proc_wait(pid_t pid, int timeout_ms, int *status)
{
	return wait_exit(pid, timeout_ms, status);
}

int nf_proc_run(const struct nf_spawn *s, int timeout_ms, int *status)
{
	pid_t pid;
	int rc = nf_spawn(s, &pid);

	if (rc)
		return rc;
	rc = wait_exit(pid, timeout_ms, status);
	if (rc == -ETIMEDOUT)
		nf_proc_stop(pid, 1000);
	return rc;
}

int nf_proc_stop(pid_t pid, int grace_ms)
{
	int status = 0, rc;

	if (pid <= 0)
		return -EINVAL;
	if (waitpid(pid, &status, WNOHANG) == pid)
		return status; /* it had already ended */
	if (kill(pid, SIGTERM) < 0)
		return -errno;
	rc = wait_exit(pid, grace_ms, &status);
	if (rc == -ETIMEDOUT) {
		kill(pid, SIGKILL);
		rc = waitpid(pid, &status, 0) == pid ? 0 : -errno;
	}
	return rc < 0 ? rc : status;
}

int nf_have_program(const char *name)
{
	const char *path = getenv("PATH");
	char buf[1024];

	if (strchr(name, '/'))
		return access(name, X_OK) == 0;
	if (!path)
		path = "/usr/sbin:/usr/bin:/sbin:/bin";
	while (*path) {
		const char *end = strchr(path, ':');
		size_t n = end ? (size_t)(end - path) : strlen(path);
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, name);
		if (access(buf, X_OK) == 0)
			return 1;
		path += n + (end ? 1 : 0);
	}
	return 0;
}
