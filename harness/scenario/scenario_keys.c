/* The scenario key table: every key's section, name, type, default,
 * range and help, one list (scenario.c parses against it, `netflap keys`
 * and the man page print it). */
#include <stddef.h>
#include <stdint.h>

#include "faults.h"
#include "impair.h"
#include "scenario.h"
#include "scenario_int.h"
#include "sockopts.h"

static const char *const w_pace[] = {"timed", "event", NULL};
static const char *const w_backend[] = {"veth", "hostapd", "iface", "command", NULL};
static const char *const w_driver[] = {"wired", "nl80211", NULL};
static const char *const w_ap_off[] = {"disable", "deauth", NULL}; /* enum nf_ap_off */
static const char *const w_kind[] = {"simulated", "external", NULL}; /* enum nf_kind */
static const char *const w_telemetry[] = {"mqtt", "serial", NULL}; /* enum nf_telemetry */
static const char *const w_close[] = {"shutdown+close",        "close",    "close+shutdown",
				      "close_notify+net_free", "net_free", NULL};
static const char *const w_tls_heap[] = {"separate", "lwip", NULL};
static const char *const w_tls_free[] = {"always", "skip_on_error", NULL};
static const char *const w_tls_cert[] = { /* enum nf_tls_cert */
    "good", "wrong_name", "expired", "untrusted", NULL};
static const char *const w_ip[] = {"dhcp", "static", "off", NULL};
static const char *const w_ip6[] = {"off", "slaac", "dhcp6", "static", NULL};
static const char *const w_prefer[] = {"ip4", "ip6", NULL}; /* enum nf_prefer */
static const char *const w_qos[] = {"0", "1", NULL}; /* index = value */
static const char *const w_onoff[] = {"off", "on", NULL};
static const char *const w_on_crash[] = {"stop", "restart", NULL}; /* enum nf_on_crash */
static const char *const w_threads[] = {"one", "rx-task", NULL};
static const char *const w_rx_wait[] = {"select", "poll", "recv", NULL};
static const char *const w_loss[] = {"bernoulli", "gilbert_elliott", NULL}; /* nf_loss_model */
static const char *const w_cut[] = { /* enum nf_cut_at */
    "session", "up", "lease", "dns", "connect", "tls", "connack", "random", "ra", "dad", NULL};
static const char *const w_sockopts[] = {
#define NF_X(name, help) #name,
    NF_FW_SOCKOPTS(NF_X)
#undef NF_X
	NULL};

#define F(field) offsetof(struct nf_scenario, field)
#define S(field) F(field), sizeof(((struct nf_scenario *)0)->field)
#define DAY 86400000

const struct nf_key nf_scenario_keys[] = {
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
     "out; ra, dad: with device.ip6, waiting for the router's advertisement, the address's "
     "duplicate address detection under way); random: a phase each cycle (seeded)"},
    {"run", "fault", T_FAULTS, S(fault), "flap", 0, 0, NULL,
     "each cycle's fault: flap, blackhole, broker_restart, broker_stall, dhcp_outage, "
     "dns_outage, address_change; with device.ip6 dad_conflict, router_lifetime0, "
     "blackhole6, ra_renumber; or a weighted list (flap:6,blackhole:2; seeded)"},
    {"run", "pcap_limit", T_INT, F(pcap_limit_mib), 0, "256", 0, 1 << 20, NULL,
     "MiB of ap.pcap at most (a soak's capture stops there; counts go on); 0 = no file"},
    {"run", "rotate", T_INT, F(rotate_mib), 0, "0", 0, 1 << 20, NULL,
     "MiB: cycles.csv and each log go on in numbered gzip segments past this size (a night in bounded disk); 0 = one file each"},
    {"run", "stop_on_stall", T_WORD, F(stop_on_stall), 0, "off", 0, 0, w_onoff,
     "on: end the run once every device has failed verdict.stall_cycles cycles in a row (a dead device adds only timeouts)"},
    {"ap", "backend", T_TEXT, S(backend), "veth", 0, 0, w_backend,
     "veth: take the AP-side links down; hostapd: DISABLE/ENABLE a real hostapd"},
    {"ap", "iface", T_TEXT, S(ap_iface), "", 0, 0, NULL,
     "a host interface netflap did not create (a USB Ethernet port wired to a board, a Wi-Fi "
     "radio): moved into the AP's bridge for the run and given back after; with backend "
     "iface it goes down and up each cycle"},
    {"ap", "off_command", T_TEXT, S(off_command), "", 0, 0, NULL,
     "backend command: the AP-off command, argv words (no shell); NETFLAP_CYCLE and "
     "NETFLAP_RUN_DIR in its environment"},
    {"ap", "on_command", T_TEXT, S(on_command), "", 0, 0, NULL,
     "backend command: the AP-on command, argv words (no shell)"},
    {"ap", "command_timeout", T_DUR, F(command_timeout_ms), 0, "10s", 100, 600000, NULL,
     "backend command: longest a command may run; longer, or a non-zero exit, ends the run"},
    {"ap", "driver", T_WORD, F(ap_driver), 0, "wired", 0, 0, w_driver,
     "backend hostapd: wired (on the AP bridge) or nl80211 (a Wi-Fi radio, ap.iface)"},
    {"ap", "ssid", T_TEXT, S(ssid), "netflap", 0, 0, NULL, "nl80211: the network's name"},
    {"ap", "passphrase", T_TEXT, S(passphrase), "", 0, 0, NULL,
     "nl80211: WPA2-PSK passphrase (8 to 63 characters); empty: an open network"},
    {"ap", "channel", T_INT, F(channel), 0, "6", 1, 196, NULL, "nl80211: the radio channel"},
    {"ap", "country", T_TEXT, S(country), "", 0, 0, NULL,
     "nl80211: two-letter regulatory country (empty: the radio's own)"},
    {"ap", "off", T_WORD, F(ap_off), 0, "disable", 0, 0, w_ap_off,
     "nl80211: disable (beacons stop: the hotspot goes off) or deauth (every station "
     "deauthenticated, the AP kept up)"},
    {"ap", "adapters", T_TEXT, S(adapters), "all", 0, 0, NULL,
     "which AP ports flap: all, or device indexes (0,2,...)"},
    {"ap", "isolate", T_WORD, F(isolate), 0, "on", 0, 0, w_onoff,
     "client isolation: devices reach the AP, not each other's broadcasts"},
    {"device", "count", T_INT, F(count), 0, "1", 1, NF_MAX_DEVICES, NULL,
     "devices, each its own namespace and process"},
    {"device", "kind", T_WORD, F(kind), 0, "simulated", 0, 0, w_kind,
     "simulated: netflap starts each device; external: real boards netflap does not start, "
     "reporting through board.telemetry"},
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
    {"device", "client", T_TEXT, S(client), "netflap", 0, 0, NULL,
     "the firmware's network code that reconnects: netflap (its own MQTT session, which the "
     "device.* session keys shape), example (examples/app/: a minimal sockets app), or an "
     "app the stack was built with (scripts/add-stack.sh --app; device/app/nf_app.h)"},
    {"device", "socket_limit", T_INT, F(socket_limit), 0, "0", 0, 38, NULL,
     "usable lwIP socket slots, 0 = all 38 (the field report's shrunken table)"},
    {"device", "ip", T_TEXT, S(ip), "dhcp", 0, 0, w_ip,
     "IPv4 addressing: dhcp, static, or off (an IPv6-only device, with device.ip6)"},
    {"device", "ip6", T_TEXT, S(ip6), "off", 0, 0, w_ip6,
     "IPv6 addressing: off, slaac (router advertisements), dhcp6 (SLAAC with stateless "
     "DHCPv6 for the DNS server, the one lwIP has), or static (fd6e:666c:6170::100:N/64)"},
    {"device", "prefer", T_WORD, F(prefer), 0, "ip4", 0, 0, w_prefer,
     "dual-stack: the family the broker connect uses (the other when it has no address)"},
    {"device", "ip6_keep", T_WORD, F(ip6_keep), 0, "off", 0, 0, w_onoff,
     "device.ip6: on, the port keeps its IPv6 addresses, routers, prefixes and neighbours "
     "through a carrier loss (netif_set_link_down alone; the kernel's own way); off, they go "
     "as netif_set_down makes them go"},
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
    {"board", "telemetry", T_WORD, F(telemetry), 0, "mqtt", 0, 0, w_telemetry,
     "device.kind = external: how boards report; mqtt (to netflap/<client>/report on the "
     "run's broker) or serial (lines starting NETFLAP on board.serial)"},
    {"board", "clients", T_TEXT, S(board_clients), "", 0, 0, NULL,
     "the boards' MQTT client ids, comma-separated, one per board in device order"},
    {"board", "serial", T_TEXT, S(board_serial), "", 0, 0, NULL,
     "the boards' serial consoles (/dev/ttyUSB0,...), one per board in device order"},
    {"board", "baud", T_INT, F(board_baud), 0, "115200", 1200, 4000000, NULL,
     "serial line speed"},
    {"verdict", "stall_cycles", T_INT, F(stall_cycles), 0, "3", 1, 1000000, NULL,
     "consecutive failed cycles that make a reconnect stall"},
    {"verdict", "settle_cycles", T_INT, F(settle_cycles), 0, "2", 0, 1000000, NULL,
     "cycles before the baseline is taken"},
};

_Static_assert(sizeof(nf_scenario_keys) / sizeof(nf_scenario_keys[0]) <= NF_SCENARIO_MAXKEYS,
	       "scenario_int.h: raise NF_SCENARIO_MAXKEYS");

size_t nf_scenario_nkeys_(void)
{
	return sizeof(nf_scenario_keys) / sizeof(nf_scenario_keys[0]);
}
