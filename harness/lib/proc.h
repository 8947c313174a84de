/* Child processes started from argv arrays inside a network namespace,
 * output to a log file, stopped by their own pid only. Each child leads a
 * process group of its own, so a signal to netflap's group (Ctrl-C,
 * `timeout`, a cancelled CI job) reaches netflap alone, which then stops
 * its children in order; and each is tied to netflap's life: when netflap
 * dies, the kernel sends it death_sig. */
#ifndef NETFLAP_PROC_H
#define NETFLAP_PROC_H

#include <sys/types.h>

struct nf_spawn {
	int nsfd;          /* -1: stay in ours */
	const char *log;   /* stdout+stderr, created 0600; NULL: /dev/null */
	int pass_fd;       /* -1, or an fd the child gets as fd 3 */
	char *const *argv; /* argv[0] is a path or a name looked up in PATH */
	int death_sig;     /* sent when netflap dies; 0: SIGKILL */
	char *const *env;  /* NULL, or NAME=value strings added to its environment */
};

/* Forks and execs; *pid on success. 0 or -errno. A failed exec shows up
 * as exit status 127 with the reason in the log. */
int nf_spawn(const struct nf_spawn *s, pid_t *pid);

/* Runs s to its end within timeout_ms: its wait status in *status, 0; or
 * -ETIMEDOUT (it was stopped, as nf_proc_stop) or -errno. */
int nf_proc_run(const struct nf_spawn *s, int timeout_ms, int *status);

/* Waits at most timeout_ms for pid to end and reaps it: its wait status
 * in *status, 0; -ETIMEDOUT (left running) or -errno. */
int nf_proc_wait(pid_t pid, int timeout_ms, int *status);

/* SIGTERM, a wait of at most grace_ms, then SIGKILL; reaps it. Returns the
 * wait status, or -errno (-ECHILD when it was already reaped). */
int nf_proc_stop(pid_t pid, int grace_ms);

/* Whether the file at path is an executable program in PATH or a path. */
int nf_have_program(const char *name);

#endif
