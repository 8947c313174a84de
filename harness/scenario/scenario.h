/* Scenario files: INI ([run] [ap] [device] [broker] [verdict]), every key a
 * row of one table (scenario.c) that feeds the parser, the defaults,
 * --set, validation, run.json and `netflap keys`. */
#ifndef NETFLAP_SCENARIO_H
#define NETFLAP_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define NF_MAX_DEVICES 256

/* a set of device indexes (ap.adapters) */
struct nf_devset {
	uint64_t w[NF_MAX_DEVICES / 64];
};

static inline bool nf_devset_has(const struct nf_devset *s, int i)
{
	return i >= 0 && i < NF_MAX_DEVICES && (s->w[i / 64] >> (i % 64) & 1);
}
#define NF_SCENARIO_MAX_BYTES (1 << 20) /* bigger files are refused, not read */

enum nf_pace { NF_PACE_TIMED, NF_PACE_EVENT };

/* run.cut_at: the AP's flap finds the session, or the device cuts its own
 * link entering that phase (nf_phase) */
enum nf_cut_at {
	NF_CUT_session,
	NF_CUT_up,
	NF_CUT_lease,
	NF_CUT_dns,
	NF_CUT_connect,
	NF_CUT_tls,
	NF_CUT_connack,
	NF_CUT_random,
	NF_CUT_ra,  /* device.ip6: waiting for the router's advertisement */
	NF_CUT_dad  /* device.ip6: the global address's detection under way */
};

/* device.on_crash: what a device's crash does to the run */
enum nf_on_crash { NF_CRASH_STOP, NF_CRASH_RESTART };
enum nf_kind { NF_KIND_SIMULATED, NF_KIND_EXTERNAL };
#define NF_BOARD_MIN_OFF_MS 100 /* device.kind = external: run.disable_interval at least */
enum nf_telemetry { NF_TELEMETRY_MQTT, NF_TELEMETRY_SERIAL };
enum nf_ap_off { NF_AP_OFF_DISABLE, NF_AP_OFF_DEAUTH };
enum nf_ap_driver { NF_DRIVER_WIRED, NF_DRIVER_NL80211 };
enum nf_prefer { NF_PREFER_IP4, NF_PREFER_IP6 };


/* device.kind = external: board i's entry in a comma list (board.clients,
 * board.serial) into out; -ENOENT when the list has no entry i */
int nf_scenario_board_item(const char *list, int i, char *out, size_t len);

struct nf_scenario {
	/* [run] */
	int64_t loops;
	int64_t disable_interval_ms, enable_interval_ms;
	int64_t pace; /* enum nf_pace */
	int64_t reconnect_timeout_ms;
	int64_t jitter_ms;
	int64_t seed;
	int64_t pcap_limit_mib;
	int64_t rotate_mib; /* run.rotate: segments past this size, 0 off */
	int64_t stop_on_stall; /* 0 off, 1 on */
	/* [ap] */
	char backend[16];
	char ap_iface[16];                    /* IFNAMSIZ */
	char off_command[256], on_command[256]; /* argv words */
	int64_t command_timeout_ms;
	int64_t ap_driver; /* 0 wired, 1 nl80211 */
	char ssid[33], passphrase[64], country[3];
	int64_t channel;
	int64_t ap_off; /* enum nf_ap_off */
	int64_t kind;   /* enum nf_kind */
	int64_t telemetry; /* enum nf_telemetry */
	char board_clients[512], board_serial[512];
	int64_t board_baud;
	char adapters[256]; /* "all" or a comma list of device indexes */
	int64_t isolate;    /* 0 off, 1 on */
	int64_t cut_at; /* enum nf_cut_at */
	char fault[160];
	/* [device] */
	int64_t count;
	char stack[48];
	char close_mode[24];
	char client[48]; /* device.client: the app that connects (device/app/nf_app.h) */
	int64_t socket_limit;
	int64_t on_crash; /* enum nf_on_crash */
	char sockopts[96];
	char ip[8];
	char ip6[8];     /* off | slaac | dhcp6 | static, passed as written */
	int64_t prefer;  /* enum nf_prefer: the family a dual-stack device connects over */
	int64_t ip6_keep; /* 1: IPv6 state kept through a carrier loss */
	int64_t keepalive_ms, publish_interval_ms;
	int64_t qos;
	char threads[16], rx_wait[16]; /* passed to the device as written */
	int64_t inflight, payload;
	int64_t tls, tls_resume; /* 0 off, 1 on */
	char tls_heap[16];       /* separate | lwip, passed as written */
	char tls_free[16];       /* always | skip_on_error, passed as written */
	/* [impair]: the device's link (lwIP netif), probabilities in ppm */
	int64_t imp_loss, imp_model, imp_ge_p, imp_ge_r, imp_ge_bad_loss, imp_ge_good_loss;
	int64_t imp_delay_ms, imp_jitter_ms, imp_duplicate, imp_reorder, imp_corrupt, imp_rate;
	/* [broker] */
	int64_t port;
	int64_t tls_port;
	int64_t tls_cert; /* enum nf_tls_cert */
	/* [verdict] */
	int64_t stall_cycles, settle_cycles;
	/* where it came from */
	char name[64]; /* the file's base name without .scn */
	char path[512];
};

struct nf_impair_cfg;
/* [impair] as device i's impairment (its seed from run.seed and i) */
void nf_scenario_impair(const struct nf_scenario *sc, int i, struct nf_impair_cfg *out);

/* the port the devices' MQTT goes to: broker.tls_port with device.tls */
static inline int64_t nf_scenario_mqtt_port(const struct nf_scenario *sc)
{
	return sc->tls ? sc->tls_port : sc->port;
}

/* Defaults for every key. */
void nf_scenario_defaults(struct nf_scenario *sc);

/* Reads a scenario file over the defaults. 0, or -errno with a message
 * "file:line: what is wrong" (and a did-you-mean) in err. */
int nf_scenario_load(struct nf_scenario *sc, const char *path, char *err, size_t errlen);

/* Sets one key from its text (the file reader and --set): 0, or -EINVAL
 * with a message (unknown key with a did-you-mean, bad value) in msg. */
int nf_scenario_assign(struct nf_scenario *sc, const char *section, const char *name,
		       const char *value, char *msg, size_t len);

/* Applies "section.key=value" (--set). 0 or -EINVAL with a message. */
int nf_scenario_set(struct nf_scenario *sc, const char *assignment, char *err, size_t errlen);

/* Checks what single keys cannot: adapters name existing devices, etc. */
int nf_scenario_validate(const struct nf_scenario *sc, char *err, size_t errlen);

/* adapters as a set of device indexes; 0 and an empty set when the list
 * names a device that is not there, -EINVAL. */
int nf_scenario_adapters(const struct nf_scenario *sc, struct nf_devset *out);

/* Every key with its value, as JSON object members ("run": {...}, ...). */
void nf_scenario_write_json(const struct nf_scenario *sc, FILE *f, const char *indent);

/* The key table, for tests and tools: section, name and a value that is
 * wrong for that key. */
size_t nf_scenario_nkeys(void);
void nf_scenario_key(size_t i, const char **section, const char **name, const char **bad_value);

/* The key table as text, for `netflap keys`. */
/* every key with its default, range and help; man: as troff (.TP entries)
 * for netflap-scenario(5), from the same table */
void nf_scenario_print_keys(FILE *f, bool man);

/* the scenario's device speaks IPv6 (device.ip6 not off) */
static inline bool nf_scenario_ip6(const struct nf_scenario *sc)
{
	return sc->ip6[0] && sc->ip6[0] != 'o'; /* "off" */
}

#endif
