/* The run registry (see registry.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "exitcode.h"
#include "json_read.h"
#include "netns.h"
#include "hwport.h"
#include "registry.h"
#include "verdict.h"

#define NF_RUN_DIR NF_REGISTRY_DIR

static int write_pid(const char *path, const char *mode)
{
	FILE *f = fopen(path, mode);

	if (!f)
		return -errno;
	fprintf(f, "%d\n", (int)getpid());
	return fclose(f) ? -errno : 0;
}

int nf_registry_add(const char *dir, const char *runid, struct nf_undo *u, char *err, size_t len)
{
	char path[PATH_MAX + 16];
	int rc;

	snprintf(path, sizeof(path), "%s/netflap.pid", dir);
	if ((rc = write_pid(path, "w")) < 0 || (rc = nf_undo_push_unlink(u, path)) < 0) {
		snprintf(err, len, "%s: %s", path, strerror(-rc));
		return rc;
	}
	if (mkdir(NF_RUN_DIR, 0700) < 0 && errno != EEXIST) {
		rc = -errno;
		snprintf(err, len, NF_RUN_DIR ": %s", strerror(-rc));
		return rc;
	}
	snprintf(path, sizeof(path), NF_RUN_DIR "/%s", runid);
	if ((rc = write_pid(path, "wx")) < 0 || (rc = nf_undo_push_unlink(u, path)) < 0) {
		snprintf(err, len, "%s: %s", path, strerror(-rc));
		return rc;
	}
	return 0;
}

/* pid's command is netflap's (a pid file can outlive its run) */
static bool is_netflap(int pid)
{
	char path[64], comm[32] = "";
	FILE *f;

	if (pid <= 0 || kill(pid, 0) < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	return strncmp(comm, "netflap", 7) == 0;
}

static int read_pid(const char *path)
{
	FILE *f = fopen(path, "r");
	int pid = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	return pid;
}

static bool run_alive(const char *runid)
{
	char path[64];

	snprintf(path, sizeof(path), NF_RUN_DIR "/%s", runid);
	return is_netflap(read_pid(path));
}

/* cleanup after a SIGKILLed run: our namespaces, and what still runs in them */

static int same_ns(pid_t pid, const struct stat *ns)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	return stat(path, &st) == 0 && st.st_ino == ns->st_ino && st.st_dev == ns->st_dev;
}

int nf_cleanup(bool quiet)
{
	DIR *d = opendir(NF_NETNS_DIR);
	struct dirent *e;
	int removed = 0, killed = 0;

	if (geteuid() != 0) {
		fprintf(stderr, "netflap: cleanup needs root\n");
		return NF_EXIT_ENV;
	}
	if (!d) {
		if (!quiet)
			printf("netflap: nothing to clean up\n");
		return NF_EXIT_CLEAN;
	}
	while ((e = readdir(d))) {
		char path[PATH_MAX];
		struct stat ns;

		if (strncmp(e->d_name, NF_NETNS_PREFIX, strlen(NF_NETNS_PREFIX)) != 0)
			continue;
		char runid[8];
		snprintf(runid, sizeof(runid), "%.6s", e->d_name + strlen(NF_NETNS_PREFIX));
		if (run_alive(runid)) {
			if (!quiet)
				printf("netflap: %s belongs to a live run, left alone\n",
				       e->d_name);
			continue;
		}
		snprintf(path, sizeof(path), NF_RUN_DIR "/%s", runid);
		unlink(path);
		snprintf(path, sizeof(path), NF_NETNS_DIR "/%s", e->d_name);
		if (stat(path, &ns) == 0) {
			/* the processes inside are ours: netflap made the namespace */
			DIR *p = opendir("/proc");
			struct dirent *pe;
			while (p && (pe = readdir(p))) {
				pid_t pid = (pid_t)atoi(pe->d_name);
				if (pid > 1 && pid != getpid() && same_ns(pid, &ns) &&
				    kill(pid, SIGKILL) == 0)
					killed++;
			}
			if (p)
				closedir(p);
		}
		/* a host interface lent to the run (ap.iface) goes home first: a
		 * deleted namespace would destroy a virtual one */
		size_t len = strlen(e->d_name);
		int nsfd = len > 3 && strcmp(e->d_name + len - 3, "-ap") == 0 ? nf_netns_open(e->d_name)
									       : -1;
		if (nsfd >= 0) {
			nf_hwport_return_all(nsfd, runid, quiet);
			close(nsfd);
		}
		if (nf_netns_delete(e->d_name) == 0)
			removed++;
		if (!quiet)
			printf("netflap: removed namespace %s\n", e->d_name);
	}
	closedir(d);
	if (!quiet)
		printf("netflap: cleanup: %d namespace%s removed, %d process%s ended\n", removed,
		       removed == 1 ? "" : "s", killed, killed == 1 ? "" : "es");
	return NF_EXIT_CLEAN;
}

/* status and stop */

static pid_t run_pid(const char *dir)
{
	char path[PATH_MAX + 16], line[128];
	FILE *f;
	int pid;

	snprintf(path, sizeof(path), "%s/netflap.pid", dir);
	pid = read_pid(path);
	if (!is_netflap(pid))
		return 0;
	/* an ended run nobody reaped yet is a zombie: not running */
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "State:", 6) == 0 && strchr(line, 'Z'))
			pid = 0;
	if (f)
		fclose(f);
	return (pid_t)pid;
}

static void run_state(const char *dir, char *state, size_t len)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/run.json", dir);
	char *json = nf_json_slurp(path);
	if (nf_json_str(json, "state", state, len) < 0)
		snprintf(state, len, "unknown");
	free(json);
}

/* The verdict status shows: the one the run keeps in verdict.json (a
 * running run replaces it every 10 s, a finished one wrote its final
 * verdict there), so the rows are not read again; a run without one yet
 * is judged from its rows. Its age into age_s (-1: judged now). */
static int status_verdict(const char *dir, struct nf_verdict *v, int64_t *age_s, char *err,
			  size_t len)
{
	char path[PATH_MAX + 16];
	struct stat st;

	snprintf(path, sizeof(path), "%s/verdict.json", dir);
	*age_s = -1;
	if (stat(path, &st) == 0 && nf_verdict_load(dir, v, err, len) == 0) {
		*age_s = (int64_t)(time(NULL) - st.st_mtime);
		return 0;
	}
	return nf_verdict_of_dir(dir, v, err, len);
}

int nf_status(const char *dir)
{
	static struct nf_verdict v;
	char state[32], err[PATH_MAX + 64];
	pid_t pid = run_pid(dir);
	int64_t ok = 0, rows = 0, age;

	nf_verdict_free(&v);
	int rc = status_verdict(dir, &v, &age, err, sizeof(err));
	if (rc < 0) { /* no such run is the caller's; rows that cannot be read, ours */
		fprintf(stderr, "netflap: %s\n", err);
		return rc == -ENOENT || rc == -EINVAL ? NF_EXIT_USAGE : NF_EXIT_ENV;
	}
	for (int d = 0; v.seen && d < v.ndev; d++) {
		ok += v.seen[d].ok;
		rows += v.seen[d].rows;
	}
	run_state(dir, state, sizeof(state));
	if (pid)
		printf("run %s: running (pid %d)\n", dir, (int)pid);
	else
		printf("run %s: %s\n", dir, state);
	printf("  cycle %lld, rows ok %lld, failed %lld", (long long)v.cycles, (long long)ok,
	       (long long)(rows - ok));
	if (age >= 0)
		printf(" (verdict.json, %llds old)", (long long)age);
	printf("\n  findings so far:\n");
	nf_verdict_summary(&v, stdout);
	nf_verdict_free(&v);
	return NF_EXIT_CLEAN;
}

int nf_stop(const char *dir)
{
	pid_t pid = run_pid(dir);
	char state[32];

	if (!pid) {
		run_state(dir, state, sizeof(state));
		printf("netflap: %s is not running (state: %s)\n", dir, state);
		return NF_EXIT_CLEAN;
	}
	if (kill(pid, SIGTERM) < 0) {
		fprintf(stderr, "netflap: stop %d: %s\n", (int)pid, strerror(errno));
		return NF_EXIT_ENV;
	}
	/* it finishes its cycle, judges and tears down: wait for that, bounded */
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd >= 0) {
		struct pollfd p = {.fd = pfd, .events = POLLIN};
		if (poll(&p, 1, 10 * 60 * 1000) == 0) {
			fprintf(stderr, "netflap: pid %d did not stop within 10 minutes\n",
				(int)pid);
			close(pfd);
			return NF_EXIT_ENV;
		}
		close(pfd);
	}
	run_state(dir, state, sizeof(state));
	printf("netflap: stopped %s (state: %s)\n", dir, state);
	return NF_EXIT_CLEAN;
}
