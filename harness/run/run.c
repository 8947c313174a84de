/* `netflap run` (see run.h): a sequence of steps, each making what it
 * needs and registering its undo at birth; one unwind path runs the undo
 * stack on every exit. The event loop is loop.c, the devices devices.c,
 * run.json run_json.c, the registry registry.c; what they all use of the
 * run (its messages, its files) run_io.c. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "csv.h"
#include "exitcode.h"
#include "plot.h"
#include "hwport.h"
#include "wiphy.h"
#include "proc.h"
#include "registry.h"
#include "report.h"
#include "fault_ops.h"
#include "impair.h"
#include "run_ctx.h"
#include "userns.h"
#include "verdict.h"

#define SERVICE_TIMEOUT_MS 10000

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

/* engine ops */

static int ap_set(void *ctx, bool on)
{
	return nf_run_ap_switch(ctx, on);
}

static void on_row(void *ctx, const struct nf_row *in)
{
	struct run *r = ctx;
	struct nf_wire w = {0};
	struct nf_row crash_row;
	const struct nf_row *row = in;

	if (nf_status_parse(in->status) == NF_ST_device_crashed) { /* named by its cause */
		crash_row = *in;
		nf_devices_take_crash(r, in->device, crash_row.crash, sizeof(crash_row.crash));
		row = &crash_row;
	}

	w.syn = w.fin = w.rst = -1;
	if (r->cap) {
		nf_capture_read(r->cap);
		nf_capture_take(r->cap, row->device, &w);
	}
	w.cpu_pressure = nf_pressure_row(&r->pressure, row->device);
	if (!r->csv_err) {
		char line[NF_CSV_LINE_MAX];
		int rc = nf_csv_row(r->csv, row, &w, line, sizeof(line));
		if (rc == 0)
			nf_judge_row(r, line);
		if (rc) {
			r->csv_err = rc;
			snprintf(r->fatal, sizeof(r->fatal),
				 "writing %s/cycles.csv: %s; the rows before cycle %lld are intact",
				 r->dir, strerror(-rc), (long long)row->cycle);
			nf_engine_request_stop(&r->eng);
		}
	}
	nf_rotate_after_row(r);
	if (nf_status_is_ok(row->status))
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
	int64_t el = nf_now_ms() - r->started_ms,
		eta = cycle ? el * (r->sc->loops - cycle) / cycle : 0;
	char fd[24] = "-", heap[48] = "-";

	nf_judge_tick(r);
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

static void ask_status(void *ctx, int dev)
{
	nf_devices_ask_status(ctx, dev);
}

static void arm_cut(void *ctx, int dev, int phase)
{
	nf_devices_arm_cut(ctx, dev, phase);
}

static int fault(void *ctx, enum nf_fault f, enum nf_fault_step step)
{
	return nf_fault_apply(ctx, f, step);
}

static const struct nf_engine_ops engine_ops = {.ap_set = ap_set,
						.row = on_row,
						.cycle_done = on_cycle,
						.ask_status = ask_status,
						.arm_cut = arm_cut,
						.fault = fault};

/* the steps of a run; each 0 or -errno with a message in err */

static int check_programs(struct run *r, char *err, size_t len)
{
	for (const char *const *p = (const char *const[]){"mosquitto", "dnsmasq", NULL}; *p; p++)
		if (!nf_have_program(*p)) {
			snprintf(err, len, "%s is not installed (scripts/setup.sh installs it)", *p);
			return -ENOENT;
		}
	if (!nf_ap_find(r->sc->backend)) {
		snprintf(err, len, "ap.backend = %s is not available in this build",
			 r->sc->backend);
		return -EINVAL;
	}
	if (r->sc->kind == NF_KIND_EXTERNAL && nf_boards_check(r->sc, err, len) < 0)
		return -EINVAL;
	if (r->sc->ap_iface[0]) { /* refused before anything changes */
		int rc = nf_hwport_check(r->sc->ap_iface, err, len);
		if (rc == 0 && r->sc->ap_driver == NF_DRIVER_NL80211 &&
		    nf_wiphy_of(r->sc->ap_iface) < 0) {
			snprintf(err, len, "ap.iface = %s: ap.driver = nl80211 wants a Wi-Fi interface "
				 "(one with a phy80211; `iw dev` lists them)", r->sc->ap_iface);
			rc = -EINVAL;
		}
		return rc == -ENODEV ? -EINVAL : rc;
	}
	return 0;
}

/* --daemon: from here on, the run folder's log is our terminal */
static void daemon_log(struct run *r)
{
	char log[PATH_MAX + 16];

	if (!r->o->daemon)
		return;
	snprintf(log, sizeof(log), "%s/netflap.log", r->dir);
	int lfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (lfd >= 0) {
		dup2(lfd, STDOUT_FILENO);
		dup2(lfd, STDERR_FILENO);
		close(lfd);
	}
	r->tty = false;
}

static int make_runid(struct run *r, char *err, size_t len)
{
	unsigned char rnd[3];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0 || read(fd, rnd, 3) != 3)
		rc = errno ? -errno : -EIO;
	if (fd >= 0)
		close(fd);
	if (rc) {
		snprintf(err, len, "/dev/urandom: %s", strerror(-rc));
		return rc;
	}
	snprintf(r->runid, sizeof(r->runid), "%02x%02x%02x", rnd[0], rnd[1], rnd[2]);
	return 0;
}

/* signals are read by the loop's signalfd: block them before any child */
static void block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	for (const int *s = (const int[]){SIGINT, SIGTERM, SIGCHLD, SIGHUP, 0}; *s; s++)
		sigaddset(&set, *s);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void undo_capture(void *ctx, const char *name, long x)
{
	(void)name;
	(void)x;
	nf_capture_close(ctx);
}

static int start_network(struct run *r, char *err, size_t len)
{
	/* boards (device.kind = external) bring their own stacks: no device namespaces */
	int ndev = r->sc->kind == NF_KIND_EXTERNAL ? 0 : (int)r->sc->count;
	unsigned flags = (r->sc->isolate ? NF_TOPO_ISOLATE : 0) |
			 (nf_scenario_ip6(r->sc) ? NF_TOPO_IP6 : 0) |
			 (nf_scenario_ip6(r->sc) && !strcmp(r->sc->stack, "linux") ? NF_TOPO_KERNEL_IP6 : 0);
	int rc = nf_topo_build(&r->topo, r->runid, ndev, flags, &r->undo, err, len);

	if (rc)
		return rc;
	/* device.tls: this run's certificates, made before the broker reads them */
	if (r->sc->tls && (rc = nf_certs_make(r->dir, (enum nf_tls_cert)r->sc->tls_cert,
					      NF_BROKER_NAME, &r->certs, err, len)) < 0)
		return rc;
	rc = nf_services_start(&r->svc, &r->topo, r->dir, (int)r->sc->port, (int)r->sc->tls_port,
			       r->sc->tls ? &r->certs : NULL, r->sc->ip6, SERVICE_TIMEOUT_MS,
			       &r->undo, err, len);
	if (rc)
		return rc;
	r->ap = (struct nf_ap){.ops = nf_ap_find(r->sc->backend), .topo = &r->topo, .sc = r->sc,
			       .run_dir = r->dir};
	nf_scenario_adapters(r->sc, &r->ap.ports); /* validated with the scenario */
	return r->ap.ops->start(&r->ap, r->dir, &r->undo, err, len);
}

static void undo_judge(void *ctx, const char *name, long x)
{
	(void)name;
	(void)x;
	nf_judge_stop(ctx);
}

static int open_outputs(struct run *r, char *err, size_t len)
{
	char pcap[PATH_MAX + 16];
	int rc;

	snprintf(pcap, sizeof(pcap), "%s/ap.pcap", r->dir);
	rc = nf_capture_open(&r->cap, r->topo.ap_nsfd, pcap, r->sc->pcap_limit_mib << 20,
			     (int)nf_scenario_mqtt_port(r->sc), (const uint8_t(*)[6])r->macs, (int)r->sc->count, err,
			     len);
	if (rc || (rc = nf_undo_push(&r->undo, undo_capture, r->cap, "capture", 0)) < 0)
		return rc;
	if ((rc = nf_pressure_open(&r->pressure, &r->undo)) < 0 ||
	    (rc = nf_rotate_open_rows(r, err, len)) < 0)
		return rc;
	/* judging as it goes is a view: without it the final verdict reads the files */
	if ((rc = nf_judge_start(r)) < 0)
		nf_run_say(r, "netflap: the run will not judge as it goes: %s", strerror(-rc));
	else if ((rc = nf_undo_push(&r->undo, undo_judge, r, "judge", 0)) < 0)
		return rc;
	if ((rc = nf_run_write_json(r, "running")) < 0)
		snprintf(err, len, "writing to %s: %s", r->dir, strerror(-rc));
	return rc;
}

/* after the loop: say why it ended, run.json, verdict, plots; the exit code */
static int finish(struct run *r, int rc)
{
	if (r->tty && !r->o->quiet)
		fputc('\n', stderr);
	if (rc == -EINTR)
		fprintf(stderr, "netflap: stopped on a second signal; rows so far are in %s\n",
			r->dir);
	else if (rc < 0 && !r->fatal[0])
		fprintf(stderr, "netflap: event loop: %s\n", strerror(-rc));
	if (r->fatal[0])
		fprintf(stderr, "netflap: %s\n", r->fatal);
	if (r->eng.stalled && !r->fatal[0] && rc >= 0)
		nf_run_say(r, "netflap: every device stalled at cycle %lld: run.stop_on_stall ended the run",
			   (long long)r->eng.cycle);
	nf_run_write_json(r, r->fatal[0] || rc < 0	? "aborted"
			     : r->eng.crash_stop	? "crashed"
			     : r->eng.stop		? "stopped"
			     : r->eng.stalled		? "stalled"
						: "done");
	if (r->csv)
		fflush(r->csv);
	nf_judge_stop(r); /* its verdict so far gives way to the final one */
	nf_rotate_finish(r);
	int verdict = nf_verdict_run_dir(r->dir, r->o->quiet, NF_ROWS_BUDGET);
	if (nf_have_program("gnuplot")) /* plots are a view: a failure here is only said */
		nf_plot_run_dir(r->dir, true, NULL);
	nf_run_say(r, "netflap: rows in %s/cycles.csv", r->dir);
	return r->fatal[0] || rc < 0 ? NF_EXIT_ENV : verdict;
}

static void announce(const struct run *r)
{
	const struct nf_scenario *sc = r->sc;

	nf_run_say(r, "netflap: run %s in %s: %lld cycles, %lld device%s, stack %s, %s, %s pace%s",
		   r->runid, r->dir, (long long)sc->loops, (long long)sc->count,
		   sc->count == 1 ? "" : "s", sc->stack, sc->close_mode,
		   sc->pace == NF_PACE_EVENT ? "event" : "timed", sc->tls ? ", MQTT over TLS" : "");
	if (sc->tls && strcmp(sc->tls_heap, "lwip") == 0 && strcmp(sc->stack, "linux") == 0)
		fprintf(stderr, "netflap: device.tls_heap = lwip: the linux control group has no lwIP "
				"heap; its mbedTLS gets a separate one\n");
	struct nf_impair_cfg imp;
	nf_scenario_impair(sc, 0, &imp);
	if (nf_impair_active(&imp) && strcmp(sc->stack, "linux") == 0)
		fprintf(stderr, "netflap: [impair] acts in an lwIP device's own netif; the linux "
				"control group's link is not impaired (README, \"Firmware shapes and "
				"a bad link\")\n");
}

int nf_run(const struct nf_scenario *sc, const struct nf_run_opts *o)
{
	struct run *r = calloc(1, sizeof(*r)); /* large: the heap, not the stack */
	char err[512] = "";
	int rc, code = NF_EXIT_ENV;

	if (!r) {
		fprintf(stderr, "netflap: out of memory\n");
		return NF_EXIT_ENV;
	}
	block_signals(); /* a stop from here on finishes a cycle and judges it */
	*r = (struct run){.sc = sc, .o = o, .tty = isatty(STDERR_FILENO)};
	r->last_fd = r->last_heap = r->last_heap_min = NF_UNSET;
	if (geteuid() != 0 && sc->ap_iface[0]) {
		snprintf(err, sizeof(err), "ap.iface = %s: lending a host interface needs root",
			 sc->ap_iface);
		code = NF_EXIT_USAGE;
		goto out;
	}
	if (geteuid() != 0 && (rc = nf_enter_user_ns(err, sizeof(err))) < 0) {
		strncat(err, "; run as root instead", sizeof(err) - strlen(err) - 1);
		goto out;
	}
	if ((rc = check_programs(r, err, sizeof(err))) < 0) {
		code = rc == -EINVAL ? NF_EXIT_USAGE : NF_EXIT_ENV;
		goto out;
	}
	if ((rc = make_dir(r, err, sizeof(err))) < 0)
		goto out;
	daemon_log(r);
	r->started_wall = time(NULL);
	if ((rc = make_runid(r, err, sizeof(err))) < 0 ||
	    (rc = nf_registry_add(r->dir, r->runid, &r->undo, err, sizeof(err))) < 0)
		goto out;
	if ((rc = nf_run_write_json(r, "starting")) < 0) { /* the run id is on disk first */
		snprintf(err, sizeof(err), "%s/run.json: %s", r->dir, strerror(-rc));
		goto out;
	}
	announce(r);
	if ((rc = start_network(r, err, sizeof(err))) < 0 ||
	    (rc = (sc->kind == NF_KIND_EXTERNAL ? nf_boards_start : nf_devices_start)(
		 r, err, sizeof(err))) < 0 ||
	    (rc = open_outputs(r, err, sizeof(err))) < 0)
		goto out;
	nf_engine_init(&r->eng, sc, &engine_ops, r);
	code = finish(r, nf_run_loop(r));
out:
	if (err[0])
		fprintf(stderr, "netflap: %s\n", err);
	nf_undo_run(&r->undo);
	free(r);
	return code;
}
