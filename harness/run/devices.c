/* The run's devices (see run_ctx.h): one netflap-device process per device,
 * in its namespace, its control channel a socketpair passed as fd 3. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "crash.h"
#include "impair.h"
#include "paths.h"
#include "proc.h"
#include "report.h"
#include "run_ctx.h"
#include "stacks.h"
#include "subnet.h"

#define MAX_ARGS 80

/* the device's process as it is now: a restart replaces the pid */
static void undo_stop_device(void *ctx, const char *name, long x)
{
	struct dev_chan *d = ctx;

	(void)name;
	(void)x;
	if (d->pid > 0)
		nf_proc_stop(d->pid, 2000);
	d->pid = -1;
}

static int device_binary(char *bin, size_t len, char *err, size_t errlen)
{
	nf_path_find(NF_FILE_LIB, "netflap-device", bin, len);
	if (access(bin, X_OK) < 0) {
		snprintf(err, errlen, "%s: %s (build it with scripts/setup.sh)", bin,
			 strerror(errno));
		return -ENOENT;
	}
	return 0;
}

/* device i's command line; its strings live in buf */
struct dev_args {
	char *argv[MAX_ARGS];
	char client[48], mac[24], ka[24], pub[24], to[24], lim[16], qos[4], port[8], addr[32];
	char impair[400], inflight[8], payload[8], addr6[64];
};

/* device.ip6 and device.prefer: the IPv6 addressing, the AP's address as
 * the DNS server over IPv6 (for a device no router advertisement names
 * one to: static, and the kernel's) */
static int ip6_args(const struct nf_scenario *sc, int i, struct dev_args *a, int k)
{
	if (!nf_scenario_ip6(sc))
		return k;
	a->argv[k++] = "--ip6";
	a->argv[k++] = (char *)sc->ip6;
	a->argv[k++] = "--dns6";
	a->argv[k++] = NF_AP_ADDR6;
	a->argv[k++] = "--prefer";
	a->argv[k++] = sc->prefer == NF_PREFER_IP6 ? "ip6" : "ip4";
	if (sc->ip6_keep) {
		a->argv[k++] = "--ip6-keep";
		a->argv[k++] = "on";
	}
	if (strcmp(sc->ip6, "static") == 0) {
		nf_static_cidr6(i, a->addr6, sizeof(a->addr6));
		*strchr(a->addr6, '/') = '\0'; /* the device takes the address; a /64 */
		a->argv[k++] = "--address6";
		a->argv[k++] = a->addr6;
	}
	return k;
}

static void device_args(struct run *r, int i, char *bin, struct dev_args *a)
{
	const struct nf_scenario *sc = r->sc;
	uint8_t *m = r->macs[i];
	int k = 0;

	m[0] = 0x02, m[1] = 0x6e, m[2] = (uint8_t)strtol(r->runid + 2, NULL, 16);
	m[3] = (uint8_t)(strtol(r->runid + 4, NULL, 16)), m[4] = 0, m[5] = (uint8_t)i;
	snprintf(a->client, sizeof(a->client), "netflap-%s-d%d", r->runid, i);
	snprintf(a->mac, sizeof(a->mac), "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		 m[4], m[5]);
	snprintf(a->ka, sizeof(a->ka), "%llds", (long long)(sc->keepalive_ms / 1000));
	snprintf(a->pub, sizeof(a->pub), "%lldms", (long long)sc->publish_interval_ms);
	snprintf(a->to, sizeof(a->to), "%lldms", (long long)sc->reconnect_timeout_ms);
	snprintf(a->lim, sizeof(a->lim), "%lld", (long long)sc->socket_limit);
	snprintf(a->qos, sizeof(a->qos), "%lld", (long long)sc->qos);
	snprintf(a->port, sizeof(a->port), "%lld", (long long)nf_scenario_mqtt_port(sc));
	nf_static_cidr(i, a->addr, sizeof(a->addr));
	snprintf(a->inflight, sizeof(a->inflight), "%lld", (long long)sc->inflight);
	snprintf(a->payload, sizeof(a->payload), "%lld", (long long)sc->payload);
	char *const fixed[] = {bin,
			       "--interface", r->topo.dev[i].dev_if,
			       "--stack", (char *)sc->stack,
			       "--close-mode", (char *)sc->close_mode,
			       "--app", (char *)sc->client,
			       "--socket-limit", a->lim,
			       "--client-id", a->client,
			       "--mac", a->mac,
			       "--keepalive", a->ka,
			       "--publish-interval", a->pub,
			       "--qos", a->qos,
			       "--attempt-timeout", a->to,
			       "--broker", NF_BROKER_NAME,
			       "--port", a->port,
			       "--control-fd", "3",
			       "--ip", (char *)sc->ip,
			       "--threads", (char *)sc->threads,
			       "--rx-wait", (char *)sc->rx_wait,
			       "--inflight", a->inflight,
			       "--payload", a->payload};
	for (size_t j = 0; j < sizeof(fixed) / sizeof(fixed[0]); j++)
		a->argv[k++] = fixed[j];
	if (sc->sockopts[0]) {
		a->argv[k++] = "--sockopts";
		a->argv[k++] = (char *)sc->sockopts;
	}
	struct nf_impair_cfg imp;
	nf_scenario_impair(sc, i, &imp);
	if (nf_impair_active(&imp)) {
		nf_impair_format(&imp, a->impair, sizeof(a->impair));
		a->argv[k++] = "--impair";
		a->argv[k++] = a->impair;
	}
	if (sc->tls) { /* MQTT over TLS, verified against the run's CA */
		char *const tls[] = {"--tls-ca", r->certs.ca, "--tls-heap", (char *)sc->tls_heap,
				     "--tls-resume", sc->tls_resume ? "on" : "off",
				     "--tls-free", (char *)sc->tls_free};
		for (size_t j = 0; j < sizeof(tls) / sizeof(tls[0]); j++)
			a->argv[k++] = tls[j];
	}
	k = ip6_args(sc, i, a, k);
	if (strcmp(sc->ip, "static") == 0) {
		a->argv[k++] = "--address";
		a->argv[k++] = a->addr;
		a->argv[k++] = "--gateway";
		a->argv[k++] = NF_AP_ADDR;
	}
	a->argv[k] = NULL;
}

static void log_path(const struct run *r, int i, char *log, size_t len)
{
	snprintf(log, len, "%s/logs/device-%d.log", r->dir, i);
}

/* device i's process on the channel's far end sp1 (closed here) */
static int spawn_one(struct run *r, int i, int sp1, char *err, size_t len)
{
	char bin[PATH_MAX + 32], log[PATH_MAX + 32];
	struct dev_args a;
	int rc = device_binary(bin, sizeof(bin), err, len);

	if (rc) {
		close(sp1);
		return rc;
	}
	device_args(r, i, bin, &a);
	log_path(r, i, log, sizeof(log));
	struct nf_spawn s = {.nsfd = r->topo.dev[i].nsfd, .log = log, .pass_fd = sp1, .argv = a.argv};
	rc = nf_spawn(&s, &r->dev[i].pid);
	close(sp1);
	if (rc)
		snprintf(err, len, "starting device %d: %s", i, strerror(-rc));
	return rc;
}

static int start_one(struct run *r, int i, char *err, size_t len)
{
	int sp[2], rc;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return -errno;
	r->dev[i].fd = sp[0];
	if ((rc = nf_undo_push_close(&r->undo, "device channel", sp[0])) < 0) {
		close(sp[1]);
		return rc;
	}
	r->dev[i].pid = r->dev[i].status = -1;
	if ((rc = nf_undo_push(&r->undo, undo_stop_device, &r->dev[i], "device", i)) < 0) {
		close(sp[1]);
		return rc;
	}
	if ((rc = spawn_one(r, i, sp[1], err, len)) == 0)
		fcntl(sp[0], F_SETFL, O_NONBLOCK);
	return rc;
}

/* device.on_crash = restart: a new process on a new channel that takes
 * the old channel's descriptor (its undo closes it still), as a watchdog
 * reboot starts the firmware over */
static int restart_one(struct run *r, int i)
{
	struct dev_chan *d = &r->dev[i];
	char err[256];
	int sp[2], rc;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return -errno;
	if (dup3(sp[0], d->fd, O_CLOEXEC) < 0) {
		rc = -errno;
		close(sp[0]);
		close(sp[1]);
		return rc;
	}
	close(sp[0]);
	fcntl(d->fd, F_SETFL, O_NONBLOCK);
	d->in.len = 0;
	d->gone = false;
	if ((rc = spawn_one(r, i, sp[1], err, sizeof(err))) < 0) {
		nf_run_say(r, "netflap: restarting device %d: %s", i, err);
		return rc;
	}
	nf_engine_on_restart(&r->eng, i);
	nf_run_say(r, "netflap: device %d restarted (pid %d) after: %s", i, (int)d->pid, d->crash);
	return 0;
}

int nf_devices_start(struct run *r, char *err, size_t len)
{
	int rc = 0;

	for (int i = 0; rc == 0 && i < r->sc->count; i++)
		rc = start_one(r, i, err, len);
	return rc;
}

/* The HELLO's build= must be the build the stack's manifest names: run.json
 * records the manifest, so a device binary left from another configure
 * would record the wrong stack. Said loudly; the run goes on. */
static void check_build(struct run *r, int i, const char *line)
{
	const char *b = strstr(line, " build=");
	char want[32] = "";
	size_t n;

	if (!b)
		return;
	b += 7;
	n = strcspn(b, " \n");
	if (n >= sizeof(r->device_build))
		n = sizeof(r->device_build) - 1;
	memcpy(r->device_build, b, n);
	r->device_build[n] = '\0';
	if (strcmp(r->device_build, "-") && nf_stack_field(r->sc->stack, "build_id", want, sizeof(want)) == 0 &&
	    strcmp(want, r->device_build))
		fprintf(stderr,
			"netflap: device %d runs stack '%s' build %s, but its manifest (stacks/%s.info) "
			"says build %s: rebuild (cmake --build build)\n",
			i, r->sc->stack, r->device_build, r->sc->stack, want);
}

struct line_ctx {
	struct run *r;
	int i;
};

static void on_device_line(void *arg, const char *line)
{
	nf_devices_line(((struct line_ctx *)arg)->r, ((struct line_ctx *)arg)->i, line);
}

void nf_devices_line(struct run *r, int i, const char *line)
{
	enum nf_verb verb = nf_verb_of(line);
	struct nf_report rep;
	size_t bad;

	if (verb == NF_VERB_HELLO) {
		r->dev[i].hello = true;
		check_build(r, i, line);
		return;
	}
	if (verb == NF_VERB_CARRIER) {
		const char *a = line + strlen(nf_verb_name(NF_VERB_CARRIER));
		if (!strstr(a, " cut=1")) /* its own cut is not the AP going */
			nf_engine_on_carrier(&r->eng, i, strncmp(a, " up", 3) == 0);
		return;
	}
	if (verb == NF_VERB_PHASE) { /* where its reconnect is: a timeout row's status */
		char word[16] = "";
		sscanf(line + strlen(nf_verb_name(NF_VERB_PHASE)), " %15s", word);
		nf_engine_on_phase(&r->eng, i, nf_phase_parse(word));
		return;
	}
	if (verb != NF_VERB_REPORT && verb != NF_VERB_TEARDOWN && verb != NF_VERB_STATUS)
		return;
	if (nf_report_parse(line, verb, &rep, &bad) < 0) {
		r->lines_refused++;
		fprintf(r->tlog ? r->tlog : stderr,
			"netflap: device %d sent a malformed line at byte %zu: %.80s\n", i, bad, line);
		return;
	}
	nf_engine_on_line(&r->eng, i, verb, &rep, nf_now_ms());
}

void nf_devices_read(struct run *r, int i)
{
	struct dev_chan *d = &r->dev[i];
	char buf[4096];
	ssize_t n = read(d->fd, buf, sizeof(buf));
	struct line_ctx ctx = {r, i};

	if (n <= 0) {
		if (n == 0 || errno != EAGAIN) {
			d->gone = true; /* its last line stays: each was one write */
			/* its crash is said when it is reaped, with how it ended */
			if (d->pid <= 0)
				nf_engine_on_crash(&r->eng, i, nf_now_ms());
		}
		return;
	}
	if (nf_lines_feed(&d->in, buf, (size_t)n, on_device_line, &ctx) == -EMSGSIZE)
		fprintf(stderr, "netflap: device %d sent a line over %d bytes; dropped\n", i,
			NF_LINE_MAX);
}

void nf_devices_arm_cut(struct run *r, int i, int phase)
{
	char line[48];
	int n = snprintf(line, sizeof(line), "%s %s\n", nf_verb_name(NF_VERB_CUT),
			 phase < 0 ? "none" : nf_phase_name((enum nf_phase)phase));

	if (!r->dev[i].gone && write(r->dev[i].fd, line, (size_t)n) != n)
		nf_run_say(r, "netflap: arming device %d's cut: %s", i, strerror(errno));
}

void nf_devices_ask_status(struct run *r, int i)
{
	char line[16];
	int n = snprintf(line, sizeof(line), "%s\n", nf_verb_name(NF_VERB_STATUS));

	if (!r->dev[i].gone && write(r->dev[i].fd, line, (size_t)n) != n)
		nf_run_say(r, "netflap: asking device %d for its status: %s", i, strerror(errno));
}

void nf_devices_take_crash(struct run *r, int i, char *out, size_t len)
{
	struct dev_chan *d = &r->dev[i];
	char log[PATH_MAX + 32];

	if (!d->crash[0]) { /* its channel ended before it was reaped */
		log_path(r, i, log, sizeof(log));
		nf_crash_words(log, d->status, d->crash, sizeof(d->crash));
	}
	snprintf(out, len, "%s", d->crash);
	d->crash[0] = '\0'; /* the next crash is named afresh */
	d->status = -1;
}

int nf_devices_reaped(struct run *r, pid_t pid, int status)
{
	char log[PATH_MAX + 32];

	for (int i = 0; i < r->sc->count; i++) {
		struct dev_chan *d = &r->dev[i];
		if (d->pid != pid)
			continue;
		d->pid = -1;
		d->status = status;
		log_path(r, i, log, sizeof(log));
		nf_crash_words(log, status, d->crash, sizeof(d->crash));
		nf_run_say(r, "netflap: device %d (pid %d) ended in cycle %lld: %s", i, (int)pid,
			   (long long)r->eng.cycle, d->crash);
		nf_engine_on_crash(&r->eng, i, nf_now_ms());
		if (r->sc->on_crash != NF_CRASH_RESTART || r->eng.stop || nf_engine_done(&r->eng))
			return -1;
		return restart_one(r, i) == 0 ? i : -1;
	}
	return -2;
}
