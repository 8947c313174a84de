/* netflap-device's command line (see args.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "duration.h"
#include "sockopts.h"
#include "subnet.h"

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

/* a switch written as one of two words: false for off, true for on */
static int parse_switch(const char *v, bool *d, const char *off, const char *on)
{
	if (strcmp(v, off) && strcmp(v, on))
		return -EINVAL;
	*d = strcmp(v, on) == 0;
	return 0;
}

static int parse_prefer(const char *v, void *d)
{
	return parse_switch(v, d, "ip4", "ip6");
}

static int parse_threads(const char *v, void *d)
{
	return parse_switch(v, d, "one", "rx-task");
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

static int parse_on_off(const char *v, void *d)
{
	return parse_switch(v, d, "off", "on");
}

static int parse_tls_heap(const char *v, void *d)
{
	bool lwip;
	int rc = parse_switch(v, &lwip, "separate", "lwip");

	if (rc == 0)
		*(enum nf_tls_heap_kind *)d = lwip ? NF_TLS_HEAP_LWIP : NF_TLS_HEAP_SEPARATE;
	return rc;
}

static int parse_tls_free(const char *v, void *d)
{
	return parse_switch(v, d, "always", "skip_on_error");
}

static int parse_telemetry(const char *v, void *d)
{
	static const char *const w[] = {"none", "mqtt", "serial"}; /* enum nf_telemetry_out */

	for (int i = 0; i < 3; i++)
		if (strcmp(v, w[i]) == 0) {
			*(enum nf_telemetry_out *)d = (enum nf_telemetry_out)i;
			return 0;
		}
	return -EINVAL;
}

static int parse_close_mode(const char *v, void *d)
{
	return nf_close_mode_parse(v, d);
}

static const struct nf_dev_opts defaults = {
    .stack = "upstream",
    .ip_mode = "dhcp",
    .ip6_mode = "off",
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
	  .inflight = 1,
	  .app = "netflap"},
};

#define O(field) offsetof(struct nf_dev_opts, field)

/* every option: one row */
static const struct opt_row {
	const char *name, *arg;
	opt_parse parse;
	size_t off; /* into struct nf_dev_opts */
	const char *help;
} rows[] = {
    {"interface", "IF", parse_str, O(ifname), "interface to attach to (required)"},
    {"stack", "NAME", parse_str, O(stack), "upstream | vendor | fixed | custom | linux"},
    {"close-mode", "MODE", parse_close_mode, O(s.close_mode),
     "close | shutdown+close (default) | close+shutdown; with TLS net_free | "
     "close_notify+net_free | close (shutdown+close: net_free)"},
    {"socket-limit", "N", parse_long, O(socket_limit), "usable socket slots (lwIP; 0 = all)"},
    {"ip", "MODE", parse_str, O(ip_mode), "dhcp (default) | static | off (IPv6 only)"},
    {"address", "A.B.C.D/N", parse_str, O(address), "static address and prefix"},
    {"gateway", "A.B.C.D", parse_str, O(gateway), "static gateway (the ping target)"},
    {"dns", "A.B.C.D", parse_str, O(dns), "static DNS server (default: the gateway)"},
    {"ip6", "MODE", parse_str, O(ip6_mode), "off (default) | slaac | dhcp6 | static"},
    {"address6", "ADDR", parse_str, O(address6), "--ip6 static: the address (a /64)"},
    {"dns6", "ADDR", parse_str, O(dns6), "the DNS server over IPv6 (stack linux)"},
    {"prefer", "ip4|ip6", parse_prefer, O(s.prefer6), "dual-stack: the broker connect's family"},
    {"ip6-keep", "off|on", parse_on_off, O(ip6_keep),
     "keep IPv6 addresses and neighbour discovery through a carrier loss (off)"},
    {"mac", "XX:XX:XX:XX:XX:XX", parse_str, O(mac), "lwIP netif MAC (default: derived)"},
    {"broker", "HOST", parse_str, O(s.broker), "broker name or address"},
    {"port", "N", parse_port, O(s.port), "broker port (1883)"},
    {"client-id", "ID", parse_str, O(s.client_id), "MQTT client id"},
    {"keepalive", "DUR", parse_keepalive, O(s.keepalive_s), "MQTT keepalive (10s)"},
    {"publish-interval", "DUR", parse_ms, O(s.publish_interval_ms),
     "telemetry period (1s; 0 = none)"},
    {"qos", "0|1", parse_qos, O(s.qos), "telemetry QoS (1)"},
    {"sockopts", "LIST", parse_sockopts, O(s.sockopts),
     "options set after socket(): keepalive,nodelay,rcvtimeo,sndtimeo,linger0,reuseaddr"},
    {"backoff-min", "DUR", parse_ms, O(s.backoff_min_ms), "first reconnect backoff (200ms)"},
    {"backoff-max", "DUR", parse_ms, O(s.backoff_max_ms), "backoff bound (5s)"},
    {"attempt-timeout", "DUR", parse_ms, O(s.attempt_timeout_ms),
     "lease to CONNACK, per attempt (10s)"},
    {"ping-timeout", "DUR", parse_ms, O(s.ping_timeout_ms), "gateway echo wait (2s)"},
    {"threads", "one|rx-task", parse_threads, O(s.rx_task),
     "one task does everything (default), or a receive task beside the session task"},
    {"rx-wait", "HOW", parse_rx_wait, O(s.rx_wait), "the receive task's wait: select | poll | recv"},
    {"rx-timeout", "DUR", parse_ms_int, O(s.rx_timeout_ms), "the receive task's timeout (1s)"},
    {"inflight", "N", parse_inflight, O(s.inflight), "QoS 1 publishes outstanding at most (1)"},
    {"payload", "BYTES", parse_payload, O(s.payload), "telemetry payload size (0: the JSON line)"},
    {"impair", "SPEC", parse_impair, O(impair),
     "link impairment, key=value,... (impair.h: loss, model, ge_p, ge_r, ge_bad_loss, "
     "ge_good_loss in ppm; delay, jitter in us; duplicate, reorder, corrupt in ppm; rate "
     "bit/s; seed)"},
    {"tls-ca", "FILE", parse_str, O(s.tls.ca_file),
     "MQTT over TLS, the broker's chain verified against this CA (PEM)"},
    {"tls-name", "NAME", parse_str, O(s.tls.name),
     "the name the broker's certificate must carry (default: --broker)"},
    {"tls-resume", "on|off", parse_on_off, O(s.tls.resume), "offer the last TLS session back (off)"},
    {"tls-heap", "HEAP", parse_tls_heap, O(s.tls.heap),
     "mbedTLS's heap: separate (default) | lwip (lwIP's own heap)"},
    {"tls-free", "WHEN", parse_tls_free, O(s.tls.skip_free_on_error),
     "always (default): every SSL context freed at teardown; skip_on_error: not one whose "
     "handshake failed (a firmware's leak)"},
    {"telemetry", "HOW", parse_telemetry, O(s.telemetry),
     "a stand-in board: none (default: the harness's channel) | mqtt (reports published to "
     "netflap/<client id>/report) | serial (reports on --serial); formatted by "
     "firmware/netflap_report.c"},
    {"serial", "PATH", parse_str, O(serial), "--telemetry serial: the console (a tty) to write to"},
    {"app", "NAME", parse_str, O(s.app),
     "the firmware's network code (device/app/nf_app.h): netflap (default: netflap's own "
     "session) or an app this stack's device was built with"},
    {"control", "PATH", parse_str, O(control), "harness unix socket to connect to"},
    {"control-fd", "N", parse_long, O(control_fd), "inherited control channel fd"},
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

void nf_dev_usage(FILE *f)
{
	fprintf(f, "usage: netflap-device --interface IF [options]\n\n");
	for (size_t i = 0; i < NROWS; i++)
		fprintf(f, "  --%s %-18s %s\n", rows[i].name, rows[i].arg, rows[i].help);
	fprintf(f, "  --help, --version\n");
}

/* what TLS asks of the other options */
static int check_tls(struct nf_dev_opts *o)
{
	bool tls = o->s.tls.ca_file != NULL;

	if (nf_close_mode_check(o->s.close_mode, tls, &o->s.tls_close) < 0) {
		fprintf(stderr, "netflap-device: --close-mode %s %s\n",
			nf_close_mode_name(o->s.close_mode),
			tls ? "is not a TLS teardown (net_free, close_notify+net_free, close)"
			    : "needs TLS (--tls-ca)");
		return -EINVAL;
	}
	if (tls && o->s.rx_task) {
		fprintf(stderr, "netflap-device: --threads rx-task with TLS is not supported "
				"(one mbedTLS context read and written from two tasks)\n");
		return -EINVAL;
	}
	if (tls && !o->s.tls.name)
		o->s.tls.name = o->s.broker;
	return 0;
}

int nf_dev_args(struct nf_dev_opts *o, int argc, char **argv)
{
	struct option lo[NROWS + 3];
	int c;

	for (size_t i = 0; i < NROWS; i++)
		lo[i] = (struct option){rows[i].name, required_argument, NULL, (int)i};
	lo[NROWS] = (struct option){"help", no_argument, NULL, 'h'};
	lo[NROWS + 1] = (struct option){"version", no_argument, NULL, 'V'};
	lo[NROWS + 2] = (struct option){0};
	*o = defaults;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (c == 'h') {
			nf_dev_usage(stdout);
			exit(0);
		}
		if (c == 'V') {
			o->version = true;
			continue;
		}
		if (c == '?' || c < 0 || (size_t)c >= NROWS) {
			fprintf(stderr, "netflap-device: unknown option or missing value: %s\n",
				argv[optind - 1]);
			return -EINVAL;
		}
		if (rows[c].parse(optarg, (char *)o + rows[c].off) < 0) {
			fprintf(stderr, "netflap-device: --%s: bad value '%s' (%s)\n", rows[c].name,
				optarg, rows[c].help);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "netflap-device: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (o->version)
		return 0;
	if (!o->ifname) {
		fprintf(stderr, "netflap-device: --interface is required\n");
		return -EINVAL;
	}
	if ((o->s.telemetry == NF_TEL_SERIAL) != (o->serial != NULL)) {
		fprintf(stderr, "netflap-device: --telemetry serial and --serial go together\n");
		return -EINVAL;
	}
	if (o->s.telemetry && strcmp(o->stack, "linux") == 0) {
		fprintf(stderr, "netflap-device: --telemetry reads lwIP's statistics: an lwIP stack\n");
		return -EINVAL;
	}
	o->s.socket_limit = o->socket_limit;
	return check_tls(o);
}

