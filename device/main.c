/* netflap-device: one simulated Wi-Fi device. See README, "The device". */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "carrier.h"
#include "chan.h"
#include "clock.h"
#include "duration.h"
#include "exitcode.h"
#include "nf_probe.h"
#include "proto.h"
#include "session.h"
#include "shared.h"
#include "sockopts.h"
#include "stack.h"
#include "subnet.h"


struct opts {
	const char *ifname, *stack, *control, *mac;
	const char *ip_mode, *address, *gateway, *dns;
	long control_fd, socket_limit;
	bool version;
	struct nf_impair_cfg impair;
	struct nf_session_cfg s;
};

typedef int (*opt_parse)(const char *val, void *dst);

static int parse_str(const char *v, void *d)
{
	*(const char **)d = v;
	return 0;
}

static int parse_long(const char *v, void *d)
{
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (errno || *end || end == v || x < 0)
		return -EINVAL;
	*(long *)d = x;
	return 0;
}

static int parse_ms(const char *v, void *d)
{
	return nf_parse_duration_ms(v, (int64_t *)d);
}

static int parse_port(const char *v, void *d)
{
	long x;
	if (parse_long(v, &x) < 0 || x < 1 || x > 65535)
		return -EINVAL;
	*(uint16_t *)d = (uint16_t)x;
	return 0;
}

static int parse_sockopts(const char *v, void *d)
{
	char bad[32];
	return nf_fw_sockopts_parse(v, (unsigned *)d, bad, sizeof(bad));
}

static int parse_keepalive(const char *v, void *d)
{
	int64_t ms;
	if (nf_parse_duration_ms(v, &ms) < 0 || ms % 1000 || ms / 1000 > 65535)
		return -EINVAL;
	*(uint16_t *)d = (uint16_t)(ms / 1000);
	return 0;
}

static int parse_qos(const char *v, void *d)
{
	if (strcmp(v, "0") && strcmp(v, "1"))
		return -EINVAL;
	*(uint8_t *)d = (uint8_t)(v[0] - '0');
	return 0;
}

static int parse_impair(const char *v, void *d)
{
	char bad[64];
	return nf_impair_parse(v, d, bad, sizeof(bad));
}

static int parse_threads(const char *v, void *d)
{
	if (strcmp(v, "one") && strcmp(v, "rx-task"))
		return -EINVAL;
	*(bool *)d = strcmp(v, "rx-task") == 0;
	return 0;
}

static int parse_rx_wait(const char *v, void *d)
{
	return nf_rx_wait_parse(v, d);
}

static int parse_inflight(const char *v, void *d)
{
	long x;
	if (parse_long(v, &x) < 0 || x < 1 || x > NF_INFLIGHT_MAX)
		return -EINVAL;
	*(int *)d = (int)x;
	return 0;
}

static int parse_payload(const char *v, void *d)
{
	long x;
	if (parse_long(v, &x) < 0 || x > NF_PAYLOAD_MAX)
		return -EINVAL;
	*(int *)d = (int)x;
	return 0;
}

static int parse_ms_int(const char *v, void *d)
{
	int64_t ms;
	if (nf_parse_duration_ms(v, &ms) < 0 || ms < 1 || ms > 600000)
		return -EINVAL;
	*(int *)d = (int)ms;
	return 0;
}

static int parse_close_mode(const char *v, void *d)
{
	return nf_close_mode_parse(v, d);
}

static struct opts o = {
    .stack = "upstream",
    .ip_mode = "dhcp",
    .control_fd = -1,
    .s = {.client_id = "netflap-dev0",
	  .broker = NF_BROKER_NAME,
	  .port = 1883,
	  .keepalive_s = 10,
	  .publish_interval_ms = 1000,
	  .qos = 1,
	  .close_mode = NF_SHUTDOWN_CLOSE,
	  .backoff_min_ms = 200,
	  .backoff_max_ms = 5000,
	  .attempt_timeout_ms = 10000,
	  .ping_timeout_ms = 2000,
	  .rx_wait = NF_RX_SELECT,
	  .rx_timeout_ms = 1000,
	  .inflight = 1},
};

/* every option: one row */
static const struct opt_row {
	const char *name, *arg;
	opt_parse parse;
	void *dst;
	const char *help;
} rows[] = {
    {"interface", "IF", parse_str, &o.ifname, "interface to attach to (required)"},
    {"stack", "NAME", parse_str, &o.stack, "upstream | vendor | fixed | custom | linux"},
    {"close-mode", "MODE", parse_close_mode, &o.s.close_mode,
     "close | shutdown+close (default) | close+shutdown"},
    {"socket-limit", "N", parse_long, &o.socket_limit, "usable socket slots (lwIP; 0 = all)"},
    {"ip", "MODE", parse_str, &o.ip_mode, "dhcp (default) | static"},
    {"address", "A.B.C.D/N", parse_str, &o.address, "static address and prefix"},
    {"gateway", "A.B.C.D", parse_str, &o.gateway, "static gateway (the ping target)"},
    {"dns", "A.B.C.D", parse_str, &o.dns, "static DNS server (default: the gateway)"},
    {"mac", "XX:XX:XX:XX:XX:XX", parse_str, &o.mac, "lwIP netif MAC (default: derived)"},
    {"broker", "HOST", parse_str, &o.s.broker, "broker name or address"},
    {"port", "N", parse_port, &o.s.port, "broker port (1883)"},
    {"client-id", "ID", parse_str, &o.s.client_id, "MQTT client id"},
    {"keepalive", "DUR", parse_keepalive, &o.s.keepalive_s, "MQTT keepalive (10s)"},
    {"publish-interval", "DUR", parse_ms, &o.s.publish_interval_ms,
     "telemetry period (1s; 0 = none)"},
    {"qos", "0|1", parse_qos, &o.s.qos, "telemetry QoS (1)"},
    {"sockopts", "LIST", parse_sockopts, &o.s.sockopts,
     "options set after socket(): keepalive,nodelay,rcvtimeo,sndtimeo,linger0,reuseaddr"},
    {"backoff-min", "DUR", parse_ms, &o.s.backoff_min_ms, "first reconnect backoff (200ms)"},
    {"backoff-max", "DUR", parse_ms, &o.s.backoff_max_ms, "backoff bound (5s)"},
    {"attempt-timeout", "DUR", parse_ms, &o.s.attempt_timeout_ms,
     "lease to CONNACK, per attempt (10s)"},
    {"ping-timeout", "DUR", parse_ms, &o.s.ping_timeout_ms, "gateway echo wait (2s)"},
    {"threads", "one|rx-task", parse_threads, &o.s.rx_task,
     "one task does everything (default), or a receive task beside the session task"},
    {"rx-wait", "HOW", parse_rx_wait, &o.s.rx_wait, "the receive task's wait: select | poll | recv"},
    {"rx-timeout", "DUR", parse_ms_int, &o.s.rx_timeout_ms, "the receive task's timeout (1s)"},
    {"inflight", "N", parse_inflight, &o.s.inflight, "QoS 1 publishes outstanding at most (1)"},
    {"payload", "BYTES", parse_payload, &o.s.payload, "telemetry payload size (0: the JSON line)"},
    {"impair", "SPEC", parse_impair, &o.impair,
     "link impairment, key=value,... (impair.h: loss, model, ge_p, ge_r, ge_bad_loss, "
     "ge_good_loss in ppm; delay, jitter in us; duplicate, reorder, corrupt in ppm; rate "
     "bit/s; seed)"},
    {"control", "PATH", parse_str, &o.control, "harness unix socket to connect to"},
    {"control-fd", "N", parse_long, &o.control_fd, "inherited control channel fd"},
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: netflap-device --interface IF [options]\n\n");
	for (size_t i = 0; i < NROWS; i++)
		fprintf(f, "  --%s %-18s %s\n", rows[i].name, rows[i].arg, rows[i].help);
	fprintf(f, "  --help, --version\n");
}

static int parse_args(int argc, char **argv)
{
	struct option lo[NROWS + 3];
	int c;

	for (size_t i = 0; i < NROWS; i++)
		lo[i] = (struct option){rows[i].name, required_argument, NULL, (int)i};
	lo[NROWS] = (struct option){"help", no_argument, NULL, 'h'};
	lo[NROWS + 1] = (struct option){"version", no_argument, NULL, 'V'};
	lo[NROWS + 2] = (struct option){0};
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == 'V') {
			o.version = true;
			continue;
		}
		if (c == '?' || c < 0 || (size_t)c >= NROWS) {
			fprintf(stderr, "netflap-device: unknown option or missing value: %s\n",
				argv[optind - 1]);
			return -EINVAL;
		}
		if (rows[c].parse(optarg, rows[c].dst) < 0) {
			fprintf(stderr, "netflap-device: --%s: bad value '%s' (%s)\n", rows[c].name,
				optarg, rows[c].help);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "netflap-device: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (o.version)
		return 0;
	if (!o.ifname) {
		fprintf(stderr, "netflap-device: --interface is required\n");
		return -EINVAL;
	}
	return 0;
}

static int parse_ipv4(const char *s, uint32_t *out)
{
	return s && inet_pton(AF_INET, s, out) == 1 ? 0 : -EINVAL;
}

static int stack_cfg(struct nf_stack_cfg *sc)
{
	*sc = (struct nf_stack_cfg){
	    .ifname = o.ifname, .hostname = o.s.client_id, .socket_limit = (int)o.socket_limit,
	    .impair = o.impair};
	if (strcmp(o.ip_mode, "dhcp") == 0) {
		sc->dhcp = true;
	} else if (strcmp(o.ip_mode, "static") == 0) {
		char buf[32];
		char *slash;
		long prefix;
		if (!o.address || strlen(o.address) >= sizeof(buf) || !o.gateway) {
			fprintf(stderr,
				"netflap-device: --ip static needs --address A/N and --gateway\n");
			return -EINVAL;
		}
		strcpy(buf, o.address);
		slash = strchr(buf, '/');
		if (!slash || parse_long(slash + 1, &prefix) < 0 || prefix < 1 || prefix > 32) {
			fprintf(stderr, "netflap-device: --address %s: want A.B.C.D/N\n",
				o.address);
			return -EINVAL;
		}
		*slash = '\0';
		if (parse_ipv4(buf, &sc->ip) || parse_ipv4(o.gateway, &sc->gw) ||
		    parse_ipv4(o.dns ? o.dns : o.gateway, &sc->dns)) {
			fprintf(stderr, "netflap-device: bad static address, gateway or dns\n");
			return -EINVAL;
		}
		sc->netmask = htonl((uint32_t)(0xffffffffULL << (32 - prefix)));
	} else {
		fprintf(stderr, "netflap-device: --ip %s: want dhcp or static\n", o.ip_mode);
		return -EINVAL;
	}
	if (o.mac) {
		unsigned m[6];
		if (sscanf(o.mac, "%2x:%2x:%2x:%2x:%2x:%2x", &m[0], &m[1], &m[2], &m[3], &m[4],
			   &m[5]) != 6) {
			fprintf(stderr, "netflap-device: --mac %s: want XX:XX:XX:XX:XX:XX\n",
				o.mac);
			return -EINVAL;
		}
		for (int i = 0; i < 6; i++)
			sc->mac[i] = (uint8_t)m[i];
	} else {
		/* locally administered, stable per client id: dnsmasq hands the
		 * same lease back after every flap, as an AP's DHCP server would */
		uint32_t h = 2166136261u;
		for (const char *p = o.s.client_id; *p; p++)
			h = (h ^ (uint8_t)*p) * 16777619u;
		uint8_t mac[6] = {
		    0x02,      0x6e, (uint8_t)(h >> 24), (uint8_t)(h >> 16), (uint8_t)(h >> 8),
		    (uint8_t)h};
		memcpy(sc->mac, mac, 6);
	}
	return 0;
}

/* Each lwIP variant is its own binary (the libraries share symbol names):
 * a stack other than this binary's runs its sibling. */
static void exec_sibling(char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0) {
		perror("netflap-device: /proc/self/exe");
		exit(NF_EXIT_ENV);
	}
	self[n] = '\0';
	if (strcmp(o.stack, "upstream") == 0)
		snprintf(path, sizeof(path), "%s/netflap-device", dirname(self));
	else
		snprintf(path, sizeof(path), "%s/netflap-device-%s", dirname(self), o.stack);
	execv(path, argv);
	fprintf(stderr, "netflap-device: stack '%s': cannot run %s: %s\n", o.stack, path,
		strerror(errno));
	exit(errno == ENOENT ? NF_EXIT_USAGE : NF_EXIT_ENV);
}

struct loop {
	struct nf_shared *sh;
	struct nf_chan *chan;
	struct nf_session *sess;
	const struct nf_stack_ops *ops;
	struct nf_stack *st;
	struct carrier *car;
};

/* the session ends whatever it waits on now: a wake, not a timer slice */
static void quit_session(struct loop *l)
{
	nf_shared_quit(l->sh);
	nf_netio_wake(&l->sess->io);
}

/* The session thread cuts the link as it enters the armed phase: the
 * stack drops every frame and the carrier is lost, as if the AP went. */
static void cut_link(void *arg)
{
	struct loop *l = arg;

	if (l->ops->blackout)
		l->ops->blackout(l->st, true);
	pthread_mutex_lock(&l->sh->mu);
	l->sh->self_cut = true;
	pthread_mutex_unlock(&l->sh->mu);
	nf_shared_set_carrier(l->sh, false);
	nf_chan_printf(l->chan, "%s down t=%lld cut=1\n", nf_verb_name(NF_VERB_CARRIER),
		       (long long)nf_now_ms());
}

static void on_carrier(void *arg, bool up)
{
	struct loop *l = arg;

	/* a cut ends with the next real carrier event: the harness's AP off */
	pthread_mutex_lock(&l->sh->mu);
	bool was_cut = l->sh->self_cut;
	l->sh->self_cut = false;
	pthread_mutex_unlock(&l->sh->mu);
	if (was_cut && l->ops->blackout)
		l->ops->blackout(l->st, false);
	l->ops->link(l->st, up);
	nf_shared_set_carrier(l->sh, up);
	if (!up)
		nf_netio_wake(&l->sess->io);
	nf_chan_printf(l->chan, "%s %s t=%lld\n", nf_verb_name(NF_VERB_CARRIER), up ? "up" : "down",
		       (long long)nf_now_ms());
}

static void on_command(void *arg, const char *line)
{
	struct loop *l = arg;
	char buf[NF_LINE_MAX];

	switch (nf_verb_of(line)) {
	case NF_VERB_STATUS: {
		int n = nf_session_status(l->sess, buf, sizeof(buf));
		if (n > 0)
			nf_chan_write(l->chan, buf, (size_t)n);
		break;
	}
	case NF_VERB_QUIT:
		quit_session(l);
		break;
	case NF_VERB_CUT: { /* "CUT phase" or "CUT none": for the next reconnect */
		const char *a = line + strlen(nf_verb_name(NF_VERB_CUT));
		int ph = *a == ' ' ? nf_phase_parse(a + 1) : -1;
		pthread_mutex_lock(&l->sh->mu);
		l->sh->cut_armed = ph;
		pthread_mutex_unlock(&l->sh->mu);
		break;
	}
	default:
		nf_chan_printf(l->chan, "ERROR unknown command\n");
	}
}

/* The main thread's one event loop: signals, carrier, frames, commands. */
static int run_loop(struct loop *l)
{
	struct epoll_event ev, evs[8];
	sigset_t set;
	int ep, sfd, rc = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || ep < 0) {
		rc = -errno;
		goto out;
	}
	int fds[] = {sfd, carrier_fd(l->car), l->ops->rx_fd(l->st),
		     l->chan->readable ? l->chan->fd : -1};
	for (int i = 0; i < 4; i++) {
		if (fds[i] < 0)
			continue;
		ev = (struct epoll_event){.events = EPOLLIN, .data.fd = fds[i]};
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0) {
			rc = -errno;
			goto out;
		}
	}
	for (;;) {
		pthread_mutex_lock(&l->sh->mu);
		bool quit = l->sh->quit;
		pthread_mutex_unlock(&l->sh->mu);
		if (quit)
			break;
		int n = epoll_wait(ep, evs, 8, -1);
		if (n < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		/* the harness's commands first: a CUT it wrote before switching
		 * the AP on is armed before the carrier event starts the reconnect */
		for (int i = 1; i < n; i++)
			if (evs[i].data.fd == fds[3]) {
				struct epoll_event t = evs[0];
				evs[0] = evs[i];
				evs[i] = t;
			}
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == sfd) {
				quit_session(l);
			} else if (fd == fds[1]) {
				if (carrier_poll(l->car) < 0)
					fprintf(stderr, "netflap-device: carrier watch failed\n");
			} else if (fd == fds[2]) {
				l->ops->rx(l->st);
			} else if (fd == fds[3]) {
				int r = nf_chan_read(l->chan, on_command, l);
				if (r == -EPIPE) /* the harness is gone: so are we */
					quit_session(l);
			}
		}
	}
out:
	if (ep >= 0)
		close(ep);
	if (sfd >= 0)
		close(sfd);
	return rc;
}

/* the first line on the channel: who this device is */
static void hello(struct loop *l)
{
	struct nf_probe p;
	int have = l->ops->probe(l->st, &p) == 0;

	nf_chan_printf(l->chan,
		       "%s netflap-device %d stack=%s pid=%d client=%s close_mode=%s "
		       "num_sockets=%d socket_limit=%d lwip=%s build=%s\n",
		       nf_verb_name(NF_VERB_HELLO), NF_PROTO_VERSION, o.stack, (int)getpid(),
		       o.s.client_id, nf_close_mode_name(o.s.close_mode), have ? p.num_sockets : -1,
		       have ? p.socket_limit : -1, l->ops == &nf_stack_linux ? "-" : nf_probe_lwip_version(),
		       l->ops == &nf_stack_linux ? "-" : nf_probe_build_id());
}

/* the stack this binary is, or exec the sibling that is it */
static const struct nf_stack_ops *choose_stack(char **argv)
{
	if (strcmp(o.stack, "linux") == 0)
		return &nf_stack_linux;
	if (strcmp(o.stack, nf_probe_variant()) != 0)
		exec_sibling(argv);
	return &nf_stack_lwip;
}

static int print_version(const struct nf_stack_ops *ops)
{
	if (ops == &nf_stack_linux)
		printf("netflap-device %s (stack linux: the host kernel's sockets)\n", NETFLAP_VERSION);
	else
		printf("netflap-device %s (stack %s; lwIP %s, build %s)\n", NETFLAP_VERSION,
		       nf_probe_variant(), nf_probe_lwip_version(), nf_probe_build_id());
	return 0;
}

int main(int argc, char **argv)
{
	struct nf_stack_cfg sc;
	struct nf_shared sh;
	struct nf_chan chan;
	struct nf_session sess;
	struct loop l = {.sh = &sh, .chan = &chan, .sess = &sess};
	char err[256] = "";
	sigset_t set;
	pthread_t tid;
	int rc, exit_code = NF_EXIT_ENV;

	if (parse_args(argc, argv) < 0 || (!o.version && stack_cfg(&sc) < 0)) {
		usage(stderr);
		return NF_EXIT_USAGE;
	}
	l.ops = choose_stack(argv);
	if (o.version)
		return print_version(l.ops);

	/* signals arrive through the loop's signalfd, in every thread */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	int cfd = (int)o.control_fd;
	if (o.control) {
		cfd = nf_chan_connect(o.control);
		if (cfd < 0) {
			fprintf(stderr, "netflap-device: control socket %s: %s\n", o.control,
				strerror(-cfd));
			return NF_EXIT_ENV;
		}
	}
	nf_chan_init(&chan, cfd);
	nf_shared_init(&sh);

	rc = l.ops->open(&l.st, &sc, &sh, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "netflap-device: stack %s on %s: %s\n", o.stack, o.ifname, err);
		exit_code = rc == -EINVAL ? NF_EXIT_USAGE : NF_EXIT_ENV;
		goto out_chan;
	}
	rc = carrier_open(&l.car, o.ifname, on_carrier, &l, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "netflap-device: carrier watch: %s\n", err);
		goto out_stack;
	}
	nf_session_init(&sess, &o.s, l.ops, l.st, &sh, &chan);
	sess.cut = cut_link;
	sess.cut_arg = &l;
	hello(&l);
	if (carrier_up(l.car))
		on_carrier(&l, true);
	if (pthread_create(&tid, NULL, nf_session_run, &sess) != 0) {
		fprintf(stderr, "netflap-device: cannot start the session thread\n");
		goto out_sess;
	}
	rc = run_loop(&l);
	quit_session(&l);
	pthread_join(tid, NULL);
	if (rc < 0)
		fprintf(stderr, "netflap-device: event loop: %s\n", strerror(-rc));
	exit_code = rc < 0 ? NF_EXIT_ENV : 0;
out_sess:
	nf_session_destroy(&sess);
	carrier_close(l.car);
out_stack:
	l.ops->close(l.st);
out_chan:
	nf_shared_destroy(&sh);
	nf_chan_close(&chan);
	return exit_code;
}
