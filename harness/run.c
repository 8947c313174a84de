/* `netflap run` (see run.h): topology, services, devices, capture, the
 * cycle engine on one epoll loop, rows, run.json, the first verdict; every
 * resource's undo registered at birth and run on every exit path. */
#include <dirent.h>
#include <poll.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ap.h"
#include "capture.h"
#include "csv.h"
#include "engine.h"
#include "escape.h"
#include "netns.h"
#include "plot.h"
#include "proc.h"
#include "report.h"
#include "run.h"
#include "services.h"
#include "topo.h"
#include "undo.h"
#include "verdict.h"

#define HELLO_TIMEOUT_MS 5000
#define SERVICE_TIMEOUT_MS 10000

struct dev_chan {
	int fd;
	pid_t pid;
	char buf[4096];
	size_t len;
	bool hello, gone;
};

struct run {
	const struct nf_scenario *sc;
	const struct nf_run_opts *o;
	char dir[PATH_MAX];
	char runid[8];
	struct nf_undo undo;
	struct nf_topo topo;
	struct nf_services svc;
	struct nf_ap ap;
	struct nf_capture *cap;
	struct dev_chan dev[NF_MAX_DEVICES];
	uint8_t macs[NF_MAX_DEVICES][6];
	FILE *csv;
	int csv_err;
	struct nf_engine eng;
	int64_t ok_rows, fail_rows, last_fd, last_heap, last_heap_min;
	int64_t started_ms;
	time_t started_wall;
	bool tty;
	char fatal[256];
	char v_mosq[128], v_dnsmasq[128], v_hostapd[128];
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say(const struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void say(const struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->o->quiet)
		return;
	if (r->tty)
		fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void nf_run_default_dir(const struct nf_scenario *sc, char *buf, size_t len)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(buf, len, "results/%s-%s", sc->name, stamp);
}

/* the run folder: 0700, nothing in it for others to read or change */
static int make_dir(struct run *r, char *err, size_t len)
{
	char logs[PATH_MAX + 8];

	if (r->o->out_dir) {
		snprintf(r->dir, sizeof(r->dir), "%s", r->o->out_dir);
	} else {
		if (mkdir("results", 0755) < 0 && errno != EEXIST) {
			snprintf(err, len, "results/: %s", strerror(errno));
			return -errno;
		}
		nf_run_default_dir(r->sc, r->dir, sizeof(r->dir));
	}
	if (mkdir(r->dir, 0700) < 0) {
		int e = errno;
		snprintf(err, len, "run folder %s: %s%s", r->dir, strerror(e),
			 e == EEXIST ? " (choose another --out)" : "");
		return -e;
	}
	snprintf(logs, sizeof(logs), "%s/logs", r->dir);
	if (mkdir(logs, 0700) < 0) {
		snprintf(err, len, "%s: %s", logs, strerror(errno));
		return -errno;
	}
	return 0;
}

static void undo_unlink_path(void *ctx, const char *name, long x)
{
	(void)ctx;
	(void)x;
	unlink(name);
}

/* netflap.pid: for `netflap status` and `netflap stop` */
static int write_pidfile(struct run *r)
{
	char path[PATH_MAX + 16];
	FILE *f;

	snprintf(path, sizeof(path), "%s/netflap.pid", r->dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "%d\n", (int)getpid());
	if (fclose(f))
		return -errno;
	if (strlen(path) < sizeof(r->undo.steps[0].name))
		nf_undo_push(&r->undo, undo_unlink_path, NULL, path, 0);
	return 0;
}

static FILE *open_in_dir(const struct run *r, const char *name, const char *mode)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", r->dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	return fd < 0 ? NULL : fdopen(fd, mode);
}

/* versions for run.json: the first line a program prints about itself */
static void program_version(const struct run *r, const char *name, char *const argv[], char *out,
			    size_t len)
{
	char log[PATH_MAX + 64], line[256] = "";
	struct nf_spawn s = {.nsfd = -1, .log = log, .pass_fd = -1, .argv = argv};
	pid_t pid;

	snprintf(out, len, "unknown");
	snprintf(log, sizeof(log), "%s/logs/version-%s.txt", r->dir, name);
	if (nf_spawn(&s, &pid) < 0)
		return;
	waitpid(pid, NULL, 0);
	FILE *f = fopen(log, "r");
	if (f) {
		/* "... version X" (mosquitto, dnsmasq) or "NAME vX" (hostapd) */
		while (fgets(line, sizeof(line), f) && !strstr(line, "ersion") &&
		       !(strncmp(line, name, strlen(name)) == 0 && strstr(line, " v")))
			;
		fclose(f);
	}
	unlink(log);
	line[strcspn(line, "\n")] = '\0';
	if (line[0])
		snprintf(out, len, "%s", line);
}

static int write_run_json(struct run *r, const char *state)
{
	FILE *f = open_in_dir(r, "run.json.tmp", "w");
	char tmp[PATH_MAX + 64], dst[PATH_MAX + 64], t[32];
	struct utsname u;
	struct tm tm;

	if (!f)
		return -errno;
	if (!r->v_mosq[0]) { /* once per run */
		char *mosq[] = {"mosquitto", "-h", NULL}, *dnsm[] = {"dnsmasq", "--version", NULL},
		     *hapd[] = {"hostapd", "-v", NULL};
		program_version(r, "mosquitto", mosq, r->v_mosq, sizeof(r->v_mosq));
		program_version(r, "dnsmasq", dnsm, r->v_dnsmasq, sizeof(r->v_dnsmasq));
		if (strcmp(r->sc->backend, "hostapd") == 0)
			program_version(r, "hostapd", hapd, r->v_hostapd, sizeof(r->v_hostapd));
	}
	uname(&u);
	gmtime_r(&r->started_wall, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "{\n  \"netflap\": \"0.1.0\",\n  \"state\": ");
	nf_put_json_string(f, state);
	fprintf(f, ",\n  \"started\": \"%s\",\n  \"run_id\": \"%s\",\n", t, r->runid);
	fprintf(
	    f, "  \"cycles_done\": %lld,\n  \"csv_version\": 1,\n",
	    (long long)(r->eng.cycle && nf_engine_done(&r->eng) ? r->eng.cycle : r->eng.cycle - 1));
	fprintf(f, "  \"versions\": {\"lwip\": \"2.1.3\", \"stack\": ");
	nf_put_json_string(f, r->sc->stack);
	fprintf(f, ", \"mosquitto\": ");
	nf_put_json_string(f, r->v_mosq);
	fprintf(f, ", \"dnsmasq\": ");
	nf_put_json_string(f, r->v_dnsmasq);
	if (r->v_hostapd[0]) {
		fprintf(f, ", \"hostapd\": ");
		nf_put_json_string(f, r->v_hostapd);
	}
	fprintf(f, ", \"kernel\": ");
	nf_put_json_string(f, u.release);
	fprintf(f, "},\n  \"scenario_file\": ");
	nf_put_json_string(f, r->sc->path);
	fprintf(f, ",\n  \"scenario\": {\n");
	nf_scenario_write_json(r->sc, f, "    ");
	fprintf(f, "  }\n}\n");
	if (fclose(f))
		return -errno;
	snprintf(tmp, sizeof(tmp), "%s/run.json.tmp", r->dir);
	snprintf(dst, sizeof(dst), "%s/run.json", r->dir);
	return rename(tmp, dst) < 0 ? -errno : 0;
}

/* engine ops */

static int ap_set(void *ctx, bool on)
{
	struct run *r = ctx;
	int rc = r->ap.ops->set(&r->ap, on);

	if (rc)
		snprintf(r->fatal, sizeof(r->fatal), "the %s AP backend failed to switch %s: %s",
			 r->ap.ops->name, on ? "on" : "off", strerror(-rc));
	return rc;
}

static void on_row(void *ctx, const struct nf_row *row)
{
	struct run *r = ctx;
	struct nf_wire w = {0};

	if (r->cap) {
		nf_capture_read(r->cap);
		nf_capture_take(r->cap, row->device, &w);
	}
	if (!r->csv_err) {
		int rc = nf_csv_row(r->csv, row, r->cap ? &w : NULL);
		if (rc) {
			r->csv_err = rc;
			snprintf(r->fatal, sizeof(r->fatal),
				 "writing %s/cycles.csv: %s; the rows before cycle %lld are intact",
				 r->dir, strerror(-rc), (long long)row->cycle);
			nf_engine_request_stop(&r->eng);
		}
	}
	if (strcmp(row->status, "ok") == 0)
		r->ok_rows++;
	else
		r->fail_rows++;
	r->last_fd = row->r.v[NF_R_socket_fd];
	r->last_heap = row->r.v[NF_R_heap_free];
	r->last_heap_min = row->r.v[NF_R_heap_min_free];
}

static void on_cycle(void *ctx, int64_t cycle)
{
	struct run *r = ctx;
	int64_t el = mono_ms() - r->started_ms,
		eta = cycle ? el * (r->sc->loops - cycle) / cycle : 0;
	char fd[24] = "-", heap[48] = "-";

	if (r->o->quiet)
		return;
	if (r->last_fd != NF_UNSET)
		snprintf(fd, sizeof(fd), "%lld", (long long)r->last_fd);
	if (r->last_heap != NF_UNSET)
		snprintf(heap, sizeof(heap), "%lld/%lld", (long long)r->last_heap,
			 (long long)r->last_heap_min);
	fprintf(stderr,
		"%scycle %lld/%lld  ok %lld  failed %lld  socket %s  heap %s  %llds  eta %llds%s",
		r->tty ? "\r\033[K" : "", (long long)cycle, (long long)r->sc->loops,
		(long long)r->ok_rows, (long long)r->fail_rows, fd, heap, (long long)(el / 1000),
		(long long)(eta / 1000), r->tty ? "" : "\n");
}

static const struct nf_engine_ops engine_ops = {
    .ap_set = ap_set, .row = on_row, .cycle_done = on_cycle};

/* devices */

static void undo_stop_pid(void *ctx, const char *name, long pid)
{
	(void)ctx;
	(void)name;
	nf_proc_stop((pid_t)pid, 2000);
}

static void undo_close_fd(void *ctx, const char *name, long fd)
{
	(void)ctx;
	(void)name;
	close((int)fd);
}

static int start_devices(struct run *r, char *err, size_t len)
{
	char self[PATH_MAX], bin[PATH_MAX + 32];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0)
		return -errno;
	self[n] = '\0';
	snprintf(bin, sizeof(bin), "%s/netflap-device", dirname(self));
	if (access(bin, X_OK) < 0) {
		snprintf(err, len, "%s: %s (build it with scripts/setup.sh)", bin, strerror(errno));
		return -ENOENT;
	}
	for (int i = 0; i < r->sc->count; i++) {
		int sp[2];
		char client[48], mac[24], ka[24], pub[24], to[24], lim[16], qos[4], addr[32],
		    log[PATH_MAX + 32];
		uint8_t *m = r->macs[i];

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
			return -errno;
		r->dev[i].fd = sp[0];
		nf_undo_push(&r->undo, undo_close_fd, NULL, "device channel", sp[0]);
		m[0] = 0x02, m[1] = 0x6e, m[2] = (uint8_t)strtol(r->runid + 2, NULL, 16);
		m[3] = (uint8_t)(strtol(r->runid + 4, NULL, 16)), m[4] = 0, m[5] = (uint8_t)i;
		snprintf(client, sizeof(client), "netflap-%s-d%d", r->runid, i);
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
			 m[4], m[5]);
		snprintf(ka, sizeof(ka), "%llds", (long long)(r->sc->keepalive_ms / 1000));
		snprintf(pub, sizeof(pub), "%lldms", (long long)r->sc->publish_interval_ms);
		snprintf(to, sizeof(to), "%lldms", (long long)r->sc->reconnect_timeout_ms);
		snprintf(lim, sizeof(lim), "%lld", (long long)r->sc->socket_limit);
		snprintf(qos, sizeof(qos), "%lld", (long long)r->sc->qos);
		snprintf(addr, sizeof(addr), "10.213.0.%d/24", 10 + i);
		snprintf(log, sizeof(log), "%s/logs/device-%d.log", r->dir, i);
		char port[8];
		snprintf(port, sizeof(port), "%lld", (long long)r->sc->port);
		char *argv[40] = {bin,
				  "--interface",
				  r->topo.dev[i].dev_if,
				  "--stack",
				  (char *)r->sc->stack,
				  "--close-mode",
				  (char *)r->sc->close_mode,
				  "--socket-limit",
				  lim,
				  "--client-id",
				  client,
				  "--mac",
				  mac,
				  "--keepalive",
				  ka,
				  "--publish-interval",
				  pub,
				  "--qos",
				  qos,
				  "--attempt-timeout",
				  to,
				  "--broker",
				  NF_BROKER_NAME,
				  "--port",
				  port,
				  "--control-fd",
				  "3",
				  "--ip",
				  (char *)r->sc->ip,
				  NULL};
		if (strcmp(r->sc->ip, "static") == 0) {
			int k = 0;
			while (argv[k])
				k++;
			argv[k++] = "--address";
			argv[k++] = addr;
			argv[k++] = "--gateway";
			argv[k++] = NF_AP_ADDR;
			argv[k] = NULL;
		}
		struct nf_spawn s = {
		    .nsfd = r->topo.dev[i].nsfd, .log = log, .pass_fd = sp[1], .argv = argv};
		int rc = nf_spawn(&s, &r->dev[i].pid);
		close(sp[1]);
		if (rc) {
			snprintf(err, len, "starting device %d: %s", i, strerror(-rc));
			return rc;
		}
		nf_undo_push(&r->undo, undo_stop_pid, NULL, "device", r->dev[i].pid);
		fcntl(sp[0], F_SETFL, O_NONBLOCK);
	}
	return 0;
}

static void on_device_line(struct run *r, int i, const char *line)
{
	struct nf_report rep;
	size_t bad;
	const char *verb = strncmp(line, "REPORT ", 7) == 0     ? "REPORT"
			   : strncmp(line, "TEARDOWN ", 9) == 0 ? "TEARDOWN"
								: NULL;

	if (strncmp(line, "HELLO ", 6) == 0) {
		r->dev[i].hello = true;
		return;
	}
	if (!verb)
		return; /* CARRIER and STATUS lines are for logs */
	if (nf_report_parse(line, verb, &rep, &bad) < 0) {
		fprintf(stderr, "netflap: device %d sent a malformed line at byte %zu: %.80s\n", i,
			bad, line);
		return;
	}
	nf_engine_on_line(&r->eng, i, verb, &rep, mono_ms());
}

static void read_device(struct run *r, int i)
{
	struct dev_chan *d = &r->dev[i];
	ssize_t n = read(d->fd, d->buf + d->len, sizeof(d->buf) - 1 - d->len);
	char *nl;

	if (n <= 0) {
		if (n == 0 || errno != EAGAIN) {
			d->gone = true; /* its last line stays: each was one write */
			nf_engine_on_crash(&r->eng, i, mono_ms());
		}
		return;
	}
	d->len += (size_t)n;
	d->buf[d->len] = '\0';
	while ((nl = memchr(d->buf, '\n', d->len))) {
		*nl = '\0';
		on_device_line(r, i, d->buf);
		d->len -= (size_t)(nl + 1 - d->buf);
		memmove(d->buf, nl + 1, d->len);
	}
	if (d->len == sizeof(d->buf) - 1)
		d->len = 0;
}

static void reap(struct run *r)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		const char *svc = nf_services_name(&r->svc, pid);
		if (!svc && pid == r->ap.daemon) {
			svc = r->ap.ops->name;
			r->ap.daemon = 0;
		}
		if (svc) {
			snprintf(r->fatal, sizeof(r->fatal),
				 "%s (pid %d) died mid-run (%s %d); see %s/logs/%s.log", svc,
				 (int)pid, WIFSIGNALED(status) ? "signal" : "exit",
				 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
				 r->dir, svc);
			nf_engine_request_stop(&r->eng);
			if (pid == r->svc.mosquitto)
				r->svc.mosquitto = -1;
			else if (pid == r->svc.dnsmasq)
				r->svc.dnsmasq = -1;
			continue;
		}
		for (int i = 0; i < r->sc->count; i++) {
			if (r->dev[i].pid == pid) {
				say(r, "netflap: device %d (pid %d) ended: %s %d", i, (int)pid,
				    WIFSIGNALED(status) ? "signal" : "exit",
				    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
				r->dev[i].pid = -1;
				nf_engine_on_crash(&r->eng, i, mono_ms());
			}
		}
	}
}

static int arm(int tfd, int64_t deadline)
{
	struct itimerspec its = {0};

	if (deadline >= 0) {
		its.it_value.tv_sec = deadline / 1000;
		its.it_value.tv_nsec = (long)(deadline % 1000) * 1000000L;
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	return timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* one loop: signals, the timer, every device channel, the capture */
static int loop(struct run *r, int sfd)
{
	int ep = epoll_create1(EPOLL_CLOEXEC), tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	struct epoll_event ev;
	bool hello_wait = true;
	int64_t hello_deadline = mono_ms() + HELLO_TIMEOUT_MS;
	int rc = 0;

	if (ep < 0 || tfd < 0)
		return -errno;
	nf_undo_push(&r->undo, undo_close_fd, NULL, "epoll", ep);
	nf_undo_push(&r->undo, undo_close_fd, NULL, "timerfd", tfd);
#define ADD(fd, tag)                                                                               \
	(ev = (struct epoll_event){.events = EPOLLIN, .data.u64 = (tag)},                          \
	 epoll_ctl(ep, EPOLL_CTL_ADD, (fd), &ev))
	ADD(sfd, 1000);
	ADD(tfd, 1001);
	if (r->cap)
		ADD(nf_capture_fd(r->cap), 1002);
	for (int i = 0; i < r->sc->count; i++)
		ADD(r->dev[i].fd, (uint64_t)i);
#undef ADD
	arm(tfd, hello_deadline);
	while (!nf_engine_done(&r->eng)) {
		struct epoll_event evs[16];
		int n = epoll_wait(ep, evs, 16, -1);
		if (n < 0 && errno != EINTR)
			return -errno;
		for (int k = 0; k < n; k++) {
			uint64_t tag = evs[k].data.u64;
			if (tag == 1000) {
				struct signalfd_siginfo si;
				while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGCHLD) {
						reap(r);
					} else if (!r->eng.stop) {
						say(r,
						    "netflap: %s: finishing cycle %lld, then "
						    "tearing down",
						    strsignal((int)si.ssi_signo),
						    (long long)r->eng.cycle);
						nf_engine_request_stop(&r->eng);
					} else {
						return -EINTR; /* a second signal: stop now */
					}
				}
			} else if (tag == 1001) {
				uint64_t x;
				if (read(tfd, &x, sizeof(x)) < 0 && errno != EAGAIN)
					return -errno;
			} else if (tag == 1002) {
				nf_capture_read(r->cap);
			} else if (tag < NF_MAX_DEVICES) {
				read_device(r, (int)tag);
				if (r->dev[tag].gone)
					epoll_ctl(ep, EPOLL_CTL_DEL, r->dev[tag].fd, NULL);
			}
		}
		int64_t now = mono_ms();
		if (hello_wait) {
			int have = 0;
			for (int i = 0; i < r->sc->count; i++)
				have += r->dev[i].hello;
			if (have < r->sc->count && now < hello_deadline)
				continue;
			if (have < r->sc->count) {
				snprintf(
				    r->fatal, sizeof(r->fatal),
				    "%d of %lld devices did not start (see %s/logs/device-*.log)",
				    (int)(r->sc->count - have), (long long)r->sc->count, r->dir);
				return -ETIMEDOUT;
			}
			hello_wait = false;
			r->started_ms = now;
			nf_engine_start(&r->eng, now);
		}
		if (r->fatal[0] && !r->eng.stop)
			nf_engine_request_stop(&r->eng);
		nf_engine_tick(&r->eng, now);
		if (r->eng.ap_errors && !r->eng.stop)
			nf_engine_request_stop(&r->eng);
		arm(tfd, nf_engine_deadline(&r->eng, now));
	}
	return rc;
}

/* /run/netflap/<runid> holds the pid of the run that owns the netflap-<runid>-*
 * namespaces, so `netflap cleanup` leaves a live run alone */
#define NF_RUN_DIR "/run/netflap"

static void undo_unlink(void *ctx, const char *name, long x)
{
	(void)ctx;
	(void)x;
	unlink(name);
}

static int mark_live(struct run *r)
{
	char path[64];
	FILE *f;

	if (mkdir(NF_RUN_DIR, 0700) < 0 && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), NF_RUN_DIR "/%s", r->runid);
	f = fopen(path, "wx");
	if (!f)
		return -errno;
	fprintf(f, "%d\n", (int)getpid());
	fclose(f);
	return nf_undo_push(&r->undo, undo_unlink, NULL, path, 0);
}

static bool run_alive(const char *runid)
{
	char path[64], comm[32] = "";
	FILE *f;
	int pid = 0;

	snprintf(path, sizeof(path), NF_RUN_DIR "/%s", runid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
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

static void undo_capture(void *ctx, const char *name, long x)
{
	(void)name;
	(void)x;
	nf_capture_close(ctx);
}

static int write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Without root: a user namespace of our own, where we are root over the
 * network namespaces we make, and a mount namespace with a private /run for
 * them. All of it ends with this process: nothing can be left behind. */
static int enter_user_ns(char *err, size_t len)
{
	char map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	/* a network namespace of our own too: we could not setns() back into the
	 * host's from a child namespace, and netflap needs nothing of it */
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET) < 0) {
		snprintf(err, len, "no root and no user namespace (%s)", strerror(errno));
		return -errno;
	}
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_text("/proc/self/setgroups", "deny") < 0 ||
	    write_text("/proc/self/uid_map", map) < 0) {
		snprintf(err, len, "user namespace uid map: %s", strerror(errno));
		return -EPERM;
	}
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	if (write_text("/proc/self/gid_map", map) < 0) {
		snprintf(err, len, "user namespace gid map: %s", strerror(errno));
		return -EPERM;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0) {
		snprintf(err, len, "a private /run in the user namespace: %s", strerror(errno));
		return -EPERM;
	}
	return 0;
}

int nf_run(const struct nf_scenario *sc, const struct nf_run_opts *o)
{
	static struct run run; /* large; one per process */
	struct run *r = &run;
	char err[512] = "";
	sigset_t set;
	int sfd = -1, rc, code = NF_EXIT_ENV;

	memset(r, 0, sizeof(*r));
	r->sc = sc;
	r->o = o;
	r->tty = isatty(STDERR_FILENO);
	r->last_fd = r->last_heap = r->last_heap_min = NF_UNSET;
	if (geteuid() != 0 && enter_user_ns(err, sizeof(err)) < 0) {
		fprintf(stderr, "netflap: %s; run as root instead\n", err);
		return NF_EXIT_ENV;
	}
	for (const char *const *p = (const char *const[]){"mosquitto", "dnsmasq", NULL}; *p; p++)
		if (!nf_have_program(*p)) {
			fprintf(stderr,
				"netflap: %s is not installed (scripts/setup.sh installs it)\n",
				*p);
			return NF_EXIT_ENV;
		}
	if (!nf_ap_find(sc->backend)) {
		fprintf(stderr, "netflap: ap.backend = %s is not available in this build\n",
			sc->backend);
		return NF_EXIT_USAGE;
	}
	if (make_dir(r, err, sizeof(err)) < 0) {
		fprintf(stderr, "netflap: %s\n", err);
		return NF_EXIT_ENV;
	}
	if (o->daemon) { /* from here on, the run folder's log is our terminal */
		char log[PATH_MAX + 16];
		snprintf(log, sizeof(log), "%s/netflap.log", r->dir);
		int lfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (lfd >= 0) {
			dup2(lfd, STDOUT_FILENO);
			dup2(lfd, STDERR_FILENO);
			close(lfd);
		}
		r->tty = false;
	}
	if (write_pidfile(r) < 0) {
		fprintf(stderr, "netflap: %s/netflap.pid: %s\n", r->dir, strerror(errno));
		return NF_EXIT_ENV;
	}
	r->started_wall = time(NULL);
	unsigned char rnd[3];
	int ufd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (ufd < 0 || read(ufd, rnd, 3) != 3) {
		fprintf(stderr, "netflap: /dev/urandom: %s\n", strerror(errno));
		return NF_EXIT_ENV;
	}
	close(ufd);
	snprintf(r->runid, sizeof(r->runid), "%02x%02x%02x", rnd[0], rnd[1], rnd[2]);

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		fprintf(stderr, "netflap: signalfd: %s\n", strerror(errno));
		return NF_EXIT_ENV;
	}
	nf_undo_push(&r->undo, undo_close_fd, NULL, "signalfd", sfd);

	say(r, "netflap: run %s in %s: %lld cycles, %lld device%s, stack %s, %s, %s pace", r->runid,
	    r->dir, (long long)sc->loops, (long long)sc->count, sc->count == 1 ? "" : "s",
	    sc->stack, sc->close_mode, sc->pace == NF_PACE_EVENT ? "event" : "timed");
	if ((rc = mark_live(r)) < 0) {
		fprintf(stderr, "netflap: " NF_RUN_DIR "/%s: %s\n", r->runid, strerror(-rc));
		goto out;
	}
	rc = nf_topo_build(&r->topo, r->runid, (int)sc->count, &r->undo, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "netflap: network set-up failed: %s\n", err);
		goto out;
	}
	rc = nf_services_start(&r->svc, &r->topo, r->dir, (int)sc->port, SERVICE_TIMEOUT_MS,
			       &r->undo, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "netflap: %s\n", err);
		goto out;
	}
	r->ap = (struct nf_ap){.ops = nf_ap_find(sc->backend),
			       .topo = &r->topo,
			       .ports = nf_scenario_adapter_mask(sc)};
	rc = r->ap.ops->start(&r->ap, r->dir, &r->undo, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "netflap: AP backend %s: %s\n", sc->backend, err);
		goto out;
	}
	rc = start_devices(r, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "netflap: %s\n", err);
		goto out;
	}
	char pcap[PATH_MAX + 16];
	snprintf(pcap, sizeof(pcap), "%s/ap.pcap", r->dir);
	rc = nf_capture_open(&r->cap, r->topo.ap_nsfd, pcap, (int)sc->port,
			     (const uint8_t(*)[6])r->macs, (int)sc->count, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "netflap: %s\n", err);
		goto out;
	}
	nf_undo_push(&r->undo, undo_capture, r->cap, "capture", 0);
	r->csv = open_in_dir(r, "cycles.csv", "w");
	if (!r->csv || nf_csv_header(r->csv) < 0) {
		fprintf(stderr, "netflap: %s/cycles.csv: %s\n", r->dir, strerror(errno));
		goto out;
	}
	if ((rc = write_run_json(r, "running")) < 0) {
		fprintf(stderr, "netflap: %s/run.json: %s\n", r->dir, strerror(-rc));
		goto out;
	}
	nf_engine_init(&r->eng, sc, &engine_ops, r);

	rc = loop(r, sfd);
	if (r->tty && !o->quiet)
		fputc('\n', stderr);
	if (rc == -EINTR)
		fprintf(stderr, "netflap: stopped on a second signal; rows so far are in %s\n",
			r->dir);
	else if (rc < 0 && !r->fatal[0])
		fprintf(stderr, "netflap: event loop: %s\n", strerror(-rc));
	if (r->fatal[0])
		fprintf(stderr, "netflap: %s\n", r->fatal);
	write_run_json(r, r->fatal[0] || rc < 0 ? "aborted" : r->eng.stop ? "stopped" : "done");

	fclose(r->csv);
	r->csv = NULL;
	int verdict = nf_verdict_run_dir(r->dir, o->quiet);
	if (nf_have_program("gnuplot")) /* plots are a view: a failure here is only said */
		nf_plot_run_dir(r->dir, true);
	if (r->fatal[0] || rc < 0)
		code = NF_EXIT_ENV;
	else
		code = verdict;
	say(r, "netflap: rows in %s/cycles.csv", r->dir);
out:
	if (r->csv)
		fclose(r->csv);
	nf_undo_run(&r->undo);
	return code;
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
	char path[PATH_MAX + 16], comm[32] = "";
	FILE *f;
	int pid = 0;

	snprintf(path, sizeof(path), "%s/netflap.pid", dir);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 0 || kill(pid, 0) < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	if (strncmp(comm, "netflap", 7) != 0)
		return 0;
	/* an ended run nobody reaped yet is a zombie: not running */
	char line[128];
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
	char path[PATH_MAX + 16], line[256];
	FILE *f;

	snprintf(state, len, "unknown");
	snprintf(path, sizeof(path), "%s/run.json", dir);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "\"state\": \"");
		if (p) {
			p += 10;
			snprintf(state, len, "%.*s", (int)strcspn(p, "\""), p);
			break;
		}
	}
	if (f)
		fclose(f);
}

int nf_status(const char *dir)
{
	static struct nf_verdict v;
	char state[32], err[PATH_MAX + 64], path[PATH_MAX + 16];
	struct nf_rows rows;
	pid_t pid = run_pid(dir);
	int64_t last = 0, ok = 0, failed = 0;

	snprintf(path, sizeof(path), "%s/cycles.csv", dir);
	if (nf_rows_load(&rows, path, err, sizeof(err)) < 0) {
		fprintf(stderr, "netflap: %s\n", err);
		return NF_EXIT_USAGE;
	}
	for (int d = 0; d < rows.ndev; d++)
		for (size_t i = 0; i < rows.dev[d].n; i++) {
			int64_t c = rows.dev[d].v[i][C_CYCLE];
			last = c > last ? c : last;
			if (strcmp(rows.dev[d].status[i], "ok") == 0)
				ok++;
			else
				failed++;
		}
	nf_rows_free(&rows);
	run_state(dir, state, sizeof(state));
	if (pid)
		printf("run %s: running (pid %d)\n", dir, (int)pid);
	else
		printf("run %s: %s\n", dir, state);
	printf("  cycle %lld, rows ok %lld, failed %lld\n", (long long)last, (long long)ok,
	       (long long)failed);
	if (nf_verdict_of_dir(dir, &v, err, sizeof(err)) == 0) {
		printf("  findings so far:\n");
		nf_verdict_summary(&v, stdout);
	}
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
