/* Scenario key table, parser and validation (see scenario.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "faults.h"
#include "impair.h"
#include "nearest.h"
#include "scenario.h"
#include "scenario_int.h"
#include "sockopts.h"
#include "stacks.h"

/* T_STACK: text, one of the stacks this build has (stacks.h) */
/* T_LIST: text, a comma-separated list of words (empty: none);
 * T_FAULTS: text, a fault or a weighted list of them (faults.h) */
/* T_PCT: a percentage (20, 0.5, 20%), stored in parts per million */
enum key_type { T_INT, T_DUR, T_WORD, T_TEXT, T_STACK, T_LIST, T_FAULTS, T_PCT };

struct key {
	const char *section, *name;
	enum key_type type;
	size_t off, size; /* into struct nf_scenario; size for strings */
	const char *def;
	int64_t min, max;
	const char *const *words; /* T_WORD: allowed values, NULL-terminated */
	const char *help;
};

static const char *const w_pace[] = {"timed", "event", NULL};
static const char *const w_backend[] = {"veth", "hostapd", NULL};
static const char *const w_close[] = {"shutdown+close",        "close",    "close+shutdown",
				      "close_notify+net_free", "net_free", NULL};
static const char *const w_tls_heap[] = {"separate", "lwip", NULL};
static const char *const w_tls_free[] = {"always", "skip_on_error", NULL};
static const char *const w_tls_cert[] = { /* enum nf_tls_cert */
    "good", "wrong_name", "expired", "untrusted", NULL};
static const char *const w_ip[] = {"dhcp", "static", NULL};
static const char *const w_qos[] = {"0", "1", NULL}; /* index = value */
static const char *const w_onoff[] = {"off", "on", NULL};
static const char *const w_on_crash[] = {"stop", "restart", NULL}; /* enum nf_on_crash */
static const char *const w_threads[] = {"one", "rx-task", NULL};
static const char *const w_rx_wait[] = {"select", "poll", "recv", NULL};
static const char *const w_loss[] = {"bernoulli", "gilbert_elliott", NULL}; /* nf_loss_model */
static const char *const w_cut[] = { /* enum nf_cut_at */
    "session", "up", "lease", "dns", "connect", "tls", "connack", "random", NULL};
static const char *const w_sockopts[] = {
#define NF_X(name, help) #name,
    NF_FW_SOCKOPTS(NF_X)
#undef NF_X
	NULL};

#define F(field) offsetof(struct nf_scenario, field)
#define S(field) F(field), sizeof(((struct nf_scenario *)0)->field)
#define DAY 86400000

static const struct key keys[] = {
    {"run", "loops", T_INT, F(loops), 0, "60", 1, 10000000, NULL,
     "flap cycles to run (the field report's loop_time)"},
    {"run", "disable_interval", T_DUR, F(disable_interval_ms), 0, "5s", 0, DAY, NULL,
     "how long the AP stays off each cycle"},
    {"run", "enable_interval", T_DUR, F(enable_interval_ms), 0, "15s", 0, DAY, NULL,
     "how long the AP stays on each cycle"},
    {"run", "pace", T_WORD, F(pace), 0, "timed", 0, 0, w_pace,
     "timed: the intervals alone; event: each phase also lasts until the devices acted"},
    {"run", "reconnect_timeout", T_DUR, F(reconnect_timeout_ms), 0, "10s", 100, DAY, NULL,
     "longest an event-paced phase waits for the devices"},
    {"run", "jitter", T_DUR, F(jitter_ms), 0, "0ms", 0, DAY, NULL,
     "random extra added to each interval, up to this much (seeded)"},
    {"run", "seed", T_INT, F(seed), 0, "1", 0, INT32_MAX, NULL, "seed for the jitter"},
    {"run", "cut_at", T_WORD, F(cut_at), 0, "session", 0, 0, w_cut,
     "where the network goes: session (connected, the AP's flap) or the device cuts its "
     "own link entering that phase of its reconnect (tls: with device.tls, the ClientHello "
     "out); random: a phase each cycle (seeded)"},
    {"run", "fault", T_FAULTS, S(fault), "flap", 0, 0, NULL,
     "each cycle's fault: flap, blackhole, broker_restart, broker_stall, dhcp_outage, "
     "dns_outage, address_change, or a weighted list (flap:6,blackhole:2; seeded)"},
    {"run", "pcap_limit", T_INT, F(pcap_limit_mib), 0, "256", 0, 1 << 20, NULL,
     "MiB of ap.pcap at most (a soak's capture stops there; counts go on); 0 = no file"},
    {"run", "stop_on_stall", T_WORD, F(stop_on_stall), 0, "off", 0, 0, w_onoff,
     "on: end the run once every device has failed verdict.stall_cycles cycles in a row (a dead device adds only timeouts)"},
    {"ap", "backend", T_TEXT, S(backend), "veth", 0, 0, w_backend,
     "veth: take the AP-side links down; hostapd: DISABLE/ENABLE a real hostapd"},
    {"ap", "adapters", T_TEXT, S(adapters), "all", 0, 0, NULL,
     "which AP ports flap: all, or device indexes (0,2,...)"},
    {"ap", "isolate", T_WORD, F(isolate), 0, "on", 0, 0, w_onoff,
     "client isolation: devices reach the AP, not each other's broadcasts"},
    {"device", "count", T_INT, F(count), 0, "1", 1, NF_MAX_DEVICES, NULL,
     "devices, each its own namespace and process"},
    {"device", "on_crash", T_WORD, F(on_crash), 0, "stop", 0, 0, w_on_crash,
     "a device process that dies: stop (the cycle's rows, then the run ends) or restart it "
     "as a watchdog reboot would (its next row says rebooted; reboots counted)"},
    {"device", "stack", T_STACK, S(stack), "vendor", 0, 0, NULL,
     "the device's stack: an lwIP stack this build has (scripts/add-stack.sh adds one) "
     "or linux, the host kernel"},
    {"device", "sockopts", T_LIST, S(sockopts), "", 0, 0, w_sockopts,
     "options the device sets on its MQTT socket after socket(), a list of keepalive, "
     "nodelay, rcvtimeo, sndtimeo, linger0, reuseaddr (empty: none); rows say each result"},
    {"device", "close_mode", T_TEXT, S(close_mode), "shutdown+close", 0, 0, w_close,
     "how the device tears MQTT down on carrier loss; with device.tls: net_free (mbedTLS's "
     "mbedtls_net_free(), as shutdown+close), close_notify+net_free, or close"},
    {"device", "socket_limit", T_INT, F(socket_limit), 0, "0", 0, 38, NULL,
     "usable lwIP socket slots, 0 = all 38 (the field report's shrunken table)"},
    {"device", "ip", T_TEXT, S(ip), "dhcp", 0, 0, w_ip, "addressing: dhcp or static"},
    {"device", "keepalive", T_DUR, F(keepalive_ms), 0, "10s", 1000, 65535000, NULL,
     "MQTT keepalive (whole seconds)"},
    {"device", "publish_interval", T_DUR, F(publish_interval_ms), 0, "1s", 0, DAY, NULL,
     "telemetry period, 0 = none"},
    {"device", "qos", T_WORD, F(qos), 0, "1", 0, 0, w_qos, "telemetry QoS"},
    {"device", "threads", T_TEXT, S(threads), "one", 0, 0, w_threads,
     "one: one task does everything; rx-task: a receive task blocked in the stack on the "
     "MQTT socket beside the session task that publishes and closes it"},
    {"device", "rx_wait", T_TEXT, S(rx_wait), "select", 0, 0, w_rx_wait,
     "the receive task's wait: select, poll, or a blocking recv (SO_RCVTIMEO 1s)"},
    {"device", "inflight", T_INT, F(inflight), 0, "1", 1, 64, NULL,
     "QoS 1 publishes outstanding at most: unacknowledged data in the send buffer at the cut"},
    {"device", "payload", T_INT, F(payload), 0, "0", 0, 4096, NULL,
     "telemetry payload bytes (0: the JSON line alone, about 40)"},
    {"device", "tls", T_WORD, F(tls), 0, "off", 0, 0, w_onoff,
     "on: MQTT over TLS (mbedTLS 2.28) to broker.tls_port, the broker's certificate verified"},
    {"device", "tls_heap", T_TEXT, S(tls_heap), "separate", 0, 0, w_tls_heap,
     "mbedTLS's heap: separate (its own, counted) or lwip (lwIP's heap, shared with the stack)"},
    {"device", "tls_resume", T_WORD, F(tls_resume), 0, "off", 0, 0, w_onoff,
     "on: reconnects offer the last TLS session back (a ticket), skipping the full handshake"},
    {"device", "tls_free", T_TEXT, S(tls_free), "always", 0, 0, w_tls_free,
     "always: every SSL context freed at teardown; skip_on_error: a firmware whose error "
     "path skips mbedtls_ssl_free() after a failed handshake (a TLS heap leak)"},
    {"impair", "loss", T_PCT, F(imp_loss), 0, "0", 0, NF_PPM, NULL,
     "percent of frames lost each way (loss_model bernoulli), while the link is up"},
    {"impair", "loss_model", T_WORD, F(imp_model), 0, "bernoulli", 0, 0, w_loss,
     "bernoulli: each frame lost with `loss`; gilbert_elliott: netem's gemodel p r 1-h 1-k"},
    {"impair", "ge_p", T_PCT, F(imp_ge_p), 0, "0", 0, NF_PPM, NULL,
     "gilbert_elliott: percent chance per frame of going from the good state to the bad"},
    {"impair", "ge_r", T_PCT, F(imp_ge_r), 0, "100", 0, NF_PPM, NULL,
     "gilbert_elliott: percent chance per frame of going back (mean burst 100/ge_r frames)"},
    {"impair", "ge_bad_loss", T_PCT, F(imp_ge_bad_loss), 0, "100", 0, NF_PPM, NULL,
     "gilbert_elliott: percent lost in the bad state (netem's 1-h)"},
    {"impair", "ge_good_loss", T_PCT, F(imp_ge_good_loss), 0, "0", 0, NF_PPM, NULL,
     "gilbert_elliott: percent lost in the good state (netem's 1-k)"},
    {"impair", "delay", T_DUR, F(imp_delay_ms), 0, "0ms", 0, 10000, NULL,
     "added one-way delay each way"},
    {"impair", "jitter", T_DUR, F(imp_jitter_ms), 0, "0ms", 0, 10000, NULL,
     "uniform +- spread around the delay (order kept unless reorder)"},
    {"impair", "duplicate", T_PCT, F(imp_duplicate), 0, "0", 0, NF_PPM, NULL,
     "percent of frames sent twice"},
    {"impair", "reorder", T_PCT, F(imp_reorder), 0, "0", 0, NF_PPM, NULL,
     "percent of frames held back behind the next one (at most 50 ms)"},
    {"impair", "corrupt", T_PCT, F(imp_corrupt), 0, "0", 0, NF_PPM, NULL,
     "percent of frames with one bit flipped past the Ethernet header"},
    {"impair", "rate", T_INT, F(imp_rate), 0, "0", 0, 10000000000LL, NULL,
     "link rate in bit/s each way, 0 = unlimited"},
    {"broker", "port", T_INT, F(port), 0, "1883", 1, 65535, NULL, "mosquitto's port"},
    {"broker", "tls_port", T_INT, F(tls_port), 0, "8883", 1, 65535, NULL,
     "mosquitto's TLS listener (device.tls = on)"},
    {"broker", "tls_cert", T_WORD, F(tls_cert), 0, "good", 0, 0, w_tls_cert,
     "the broker's certificate: good, wrong_name (another name), expired, untrusted (another CA)"},
    {"verdict", "stall_cycles", T_INT, F(stall_cycles), 0, "3", 1, 1000000, NULL,
     "consecutive failed cycles that make a reconnect stall"},
    {"verdict", "settle_cycles", T_INT, F(settle_cycles), 0, "2", 0, 1000000, NULL,
     "cycles before the baseline is taken"},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

int nf_scenario_errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static const struct key *find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static void unknown_key(const char *section, const char *name, char *hint, size_t len)
{
	const char *names[NKEYS], *sections[NKEYS];
	size_t n = 0, ns = 0;

	hint[0] = '\0';
	for (size_t i = 0; i < NKEYS; i++) {
		if (strcmp(keys[i].section, section) == 0)
			names[n++] = keys[i].name;
		if (!ns || strcmp(sections[ns - 1], keys[i].section))
			sections[ns++] = keys[i].section;
	}
	if (!find_key(section, "") && n == 0) {
		const char *s = nf_nearest(section, sections, ns);
		char all[160] = "";
		for (size_t i = 0; i < ns; i++)
			snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s", i ? ", " : "",
				 sections[i]);
		if (s)
			snprintf(hint, len, "unknown section [%s]; did you mean [%s]?", section, s);
		else
			snprintf(hint, len, "unknown section [%s] (sections: %s)", section, all);
		return;
	}
	const char *k = nf_nearest(name, names, n);
	if (!k) { /* the right key in the wrong section? */
		for (size_t i = 0; i < NKEYS; i++)
			if (strcmp(keys[i].name, name) == 0) {
				snprintf(hint, len, "unknown key '%s' in [%s]; it belongs in [%s]",
					 name, section, keys[i].section);
				return;
			}
	}
	snprintf(hint, len, "unknown key '%s' in [%s]%s%s%s", name, section,
		 k ? "; did you mean '" : "", k ? k : "", k ? "'?" : " (see `netflap keys`)");
}

static int word_index(const char *const *words, const char *v)
{
	for (int i = 0; words[i]; i++)
		if (strcmp(words[i], v) == 0)
			return i;
	return -1;
}

/* 0 if v is one of words, else the message that lists them */
static int check_word(const struct key *k, const char *const *words, const char *v, char *err,
		      size_t len)
{
	size_t n = 0;
	char list[400] = "";

	if (word_index(words, v) >= 0)
		return 0;
	while (words[n])
		n++;
	const char *near = nf_nearest(v, words, n);
	for (size_t i = 0; i < n; i++) {
		strncat(list, i ? ", " : "", sizeof(list) - strlen(list) - 1);
		strncat(list, words[i], sizeof(list) - strlen(list) - 1);
	}
	return nf_scenario_errf(err, len, "%s.%s = '%s': not one of %s%s%s%s", k->section, k->name, v, list,
		    near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
}

/* the stacks built, as a NULL-terminated word list pointing into l */
static void stack_words(struct nf_stack_list *l, const char **w)
{
	nf_stacks_list(l);
	for (size_t i = 0; i < l->n; i++)
		w[i] = l->name[i];
	w[l->n] = NULL;
}

/* Sets one key from text; a message (without the location) on error. */
/* T_INT, T_DUR, T_PCT: the number, in range, stored */
static int set_number(struct nf_scenario *sc, const struct key *k, const char *v, char *err,
		      size_t len)
{
	int64_t x = 0;

	switch (k->type) {
	case T_INT: {
		char *end;
		errno = 0;
		long long ll = strtoll(v, &end, 10);
		if (errno || end == v || *end)
			return nf_scenario_errf(err, len, "%s.%s = '%s': not a whole number", k->section,
				    k->name, v);
		x = ll;
		break;
	}
	case T_DUR: {
		int rc = nf_parse_duration_ms(v, &x);
		if (rc)
			return nf_scenario_errf(err, len, "%s.%s = '%s': not a duration (write 150ms, 5s, 2m)",
				    k->section, k->name, v);
		break;
	}
	case T_PCT: {
		char *end;
		errno = 0;
		double d = strtod(v, &end);
		if (*end == '%')
			end++;
		if (errno || end == v || *end || !(d >= 0 && d <= 100))
			return nf_scenario_errf(err, len, "%s.%s = '%s': not a percentage 0..100 (write 20, 0.5, 2%%)",
				    k->section, k->name, v);
		x = (int64_t)(d * 10000 + 0.5);
		break;
	}
	default:
		return -EINVAL;
	}
	if (x < k->min || x > k->max)
		return nf_scenario_errf(err, len, "%s.%s = '%s': out of range %lld..%lld%s", k->section,
			    k->name, v, (long long)k->min, (long long)k->max,
			    k->type == T_DUR ? " ms" : "");
	*(int64_t *)((char *)sc + k->off) = x;
	return 0;
}

static int set_value(struct nf_scenario *sc, const struct key *k, const char *v, char *err,
		     size_t len)
{
	char *p = (char *)sc + k->off;

	switch (k->type) {
	case T_INT:
	case T_DUR:
	case T_PCT:
		return set_number(sc, k, v, err, len);
	case T_FAULTS: {
		struct nf_fault_mix m;
		char why[96];
		if (nf_fault_mix_parse(v, &m, why, sizeof(why)) < 0)
			return nf_scenario_errf(err, len, "%s.%s = '%s': %s (see `netflap keys`)", k->section,
				    k->name, v, why);
		if (strlen(v) >= k->size)
			return nf_scenario_errf(err, len, "%s.%s: value longer than %zu characters", k->section,
				    k->name, k->size - 1);
		strcpy(p, v);
		return 0;
	}
	case T_LIST: {
		char item[64];
		for (const char *q = v; *q; q += strcspn(q, ",") + (q[strcspn(q, ",")] == ',')) {
			snprintf(item, sizeof(item), "%.*s", (int)strcspn(q, ","), q);
			if (check_word(k, k->words, item, err, len) < 0)
				return -EINVAL;
		}
		if (strlen(v) >= k->size)
			return nf_scenario_errf(err, len, "%s.%s: value longer than %zu characters", k->section,
				    k->name, k->size - 1);
		strcpy(p, v);
		return 0;
	}
	case T_STACK: {
		struct nf_stack_list l;
		const char *w[NF_STACKS_MAX + 1];
		stack_words(&l, w);
		if (check_word(k, w, v, err, len) < 0)
			return -EINVAL;
	}
		/* fall through */
	case T_WORD:
	case T_TEXT:
		if (k->words && check_word(k, k->words, v, err, len) < 0)
			return -EINVAL;
		if (k->type == T_WORD) { /* stored as the word's index */
			*(int64_t *)p = word_index(k->words, v);
			return 0;
		}
		if (strlen(v) >= k->size)
			return nf_scenario_errf(err, len, "%s.%s: value longer than %zu characters", k->section,
				    k->name, k->size - 1);
		strcpy(p, v);
		return 0;
	}
	return 0;
}

void nf_scenario_defaults(struct nf_scenario *sc)
{
	char err[256];

	memset(sc, 0, sizeof(*sc));
	for (size_t i = 0; i < NKEYS; i++)
		set_value(sc, &keys[i], keys[i].def, err, sizeof(err));
	strcpy(sc->name, "scenario");
}

int nf_scenario_assign(struct nf_scenario *sc, const char *section, const char *name,
		       const char *value, char *msg, size_t len)
{
	const struct key *k = find_key(section, name);

	if (!k) {
		unknown_key(section, name, msg, len);
		return -EINVAL;
	}
	return set_value(sc, k, value, msg, len);
}

int nf_scenario_set(struct nf_scenario *sc, const char *a, char *err, size_t errlen)
{
	const char *dot = strchr(a, '.'), *eq = strchr(a, '=');
	char section[32], name[48], msg[400];
	const struct key *k;

	if (!dot || !eq || dot > eq || (size_t)(dot - a) >= sizeof(section) ||
	    (size_t)(eq - dot - 1) >= sizeof(name))
		return nf_scenario_errf(err, errlen, "--set %s: want section.key=value", a);
	snprintf(section, sizeof(section), "%.*s", (int)(dot - a), a);
	snprintf(name, sizeof(name), "%.*s", (int)(eq - dot - 1), dot + 1);
	k = find_key(section, name);
	if (!k) {
		unknown_key(section, name, msg, sizeof(msg));
		return nf_scenario_errf(err, errlen, "--set %s: %s", a, msg);
	}
	if (set_value(sc, k, eq + 1, msg, sizeof(msg)) < 0)
		return nf_scenario_errf(err, errlen, "--set: %s", msg);
	return 0;
}

static void value_text(const struct nf_scenario *sc, const struct key *k, char *buf, size_t len)
{
	const char *p = (const char *)sc + k->off;

	switch (k->type) {
	case T_INT:
		snprintf(buf, len, "%lld", (long long)*(const int64_t *)p);
		break;
	case T_DUR:
		snprintf(buf, len, "%lldms", (long long)*(const int64_t *)p);
		break;
	case T_PCT:
		snprintf(buf, len, "%g", (double)*(const int64_t *)p / 10000);
		break;
	case T_WORD:
		snprintf(buf, len, "%s", k->words[*(const int64_t *)p]);
		break;
	case T_TEXT:
	case T_STACK:
	case T_LIST:
	case T_FAULTS:
		snprintf(buf, len, "%s", p);
		break;
	}
}

void nf_scenario_write_json(const struct nf_scenario *sc, FILE *f, const char *indent)
{
	const char *open = NULL;

	for (size_t i = 0; i < NKEYS; i++) {
		char v[300];
		if (!open || strcmp(open, keys[i].section)) {
			fprintf(f, "%s%s\"%s\": {", open ? "},\n" : "", indent, keys[i].section);
			open = keys[i].section;
		} else {
			fputc(',', f);
		}
		value_text(sc, &keys[i], v, sizeof(v));
		fprintf(f, "\n%s  \"%s\": \"%s\"", indent, keys[i].name, v);
	}
	fprintf(f, "}\n");
}

/* troff text: a backslash is \e, a line never starts with a control character */
static void put_troff(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++)
		if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '-')
			fputs("\\-", f);
		else
			fputc(*s, f);
}

/* a key's allowed values or range, as `netflap keys` and the man page say them */
static void put_range(FILE *f, const struct key *k, void (*put)(FILE *, const char *))
{
	const char *const *words = k->words;
	struct nf_stack_list l;
	const char *w[NF_STACKS_MAX + 1];
	char buf[96];

	if (k->type == T_STACK) {
		stack_words(&l, w);
		words = w;
	}
	if (words) {
		put(f, "(");
		for (int j = 0; words[j]; j++) {
			put(f, j ? " | " : "");
			put(f, words[j]);
		}
		put(f, ")");
	} else if (k->type == T_PCT) {
		put(f, "(0..100 %)");
	} else if (k->type == T_INT || k->type == T_DUR) {
		snprintf(buf, sizeof(buf), "(%lld..%lld%s)", (long long)k->min, (long long)k->max,
			 k->type == T_DUR ? " ms" : "");
		put(f, buf);
	}
}

static void put_plain(FILE *f, const char *s)
{
	fputs(s, f);
}

void nf_scenario_print_keys(FILE *f, bool man)
{
	for (size_t i = 0; i < NKEYS; i++) {
		const struct key *k = &keys[i];
		if (!man) {
			fprintf(f, "%s.%s = %s", k->section, k->name, k->def);
			if (k->words || k->type == T_STACK || k->type == T_PCT || k->type == T_INT ||
			    k->type == T_DUR)
				fputs("  ", f);
			put_range(f, k, put_plain);
			fprintf(f, "\n    %s\n", k->help);
			continue;
		}
		fprintf(f, ".TP\n.B %s.%s\n= ", k->section, k->name);
		put_troff(f, k->def[0] ? k->def : "(empty)");
		fputs("  ", f);
		put_range(f, k, put_troff);
		fputs("\n.br\n", f);
		put_troff(f, k->help);
		fputc('\n', f);
	}
}

void nf_scenario_impair(const struct nf_scenario *sc, int i, struct nf_impair_cfg *out)
{
	*out = (struct nf_impair_cfg){
	    .loss = sc->imp_loss,
	    .model = sc->imp_model,
	    .ge_p = sc->imp_ge_p,
	    .ge_r = sc->imp_ge_r,
	    .ge_bad_loss = sc->imp_ge_bad_loss,
	    .ge_good_loss = sc->imp_ge_good_loss,
	    .delay = sc->imp_delay_ms * 1000,
	    .jitter = sc->imp_jitter_ms * 1000,
	    .duplicate = sc->imp_duplicate,
	    .reorder = sc->imp_reorder,
	    .corrupt = sc->imp_corrupt,
	    .rate = sc->imp_rate,
	    .seed = sc->seed * 1009 + i, /* each device its own pattern, all from run.seed */
	};
}

size_t nf_scenario_nkeys(void)
{
	return NKEYS;
}

void nf_scenario_key(size_t i, const char **section, const char **name, const char **bad_value)
{
	static const char *const bad[] = {[T_INT] = "12x",
					  [T_DUR] = "5 parsecs",
					  [T_WORD] = "no-such-word",
					  [T_TEXT] = "no-such-word",
					  [T_STACK] = "no-such-stack",
					  [T_LIST] = "no-such-word",
					  [T_FAULTS] = "flap:0",
					  [T_PCT] = "101"};

	*section = keys[i].section;
	*name = keys[i].name;
	/* free text (ap.adapters) is checked by validation: give it a device that is not there */
	*bad_value = keys[i].type == T_TEXT && !keys[i].words ? "63" : bad[keys[i].type];
}
