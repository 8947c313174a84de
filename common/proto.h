/* The control channel between netflap and each netflap-device, defined
 * once for both ends (as hostap's wpa_ctrl.h): the verbs, the statuses a
 * row can carry, and the line framing. A line is one write(2), ending in
 * '\n', at most NF_LINE_MAX bytes; a REPORT/TEARDOWN/STATUS line carries
 * key=value fields (report.h).
 *
 *   device -> harness: HELLO, CARRIER, REPORT, TEARDOWN, STATUS
 *   harness -> device: STATUS (asks for one), QUIT */
#ifndef NETFLAP_PROTO_H
#define NETFLAP_PROTO_H

#include <stddef.h>

#define NF_PROTO_VERSION 1
#define NF_LINE_MAX 4096

/* X(name, help) */
#define NF_VERBS(X)                                                                                \
	X(HELLO, "device -> harness: started; its stack, pid, client id, close mode")              \
	X(CARRIER, "device -> harness: carrier up/down seen (for logs)")                           \
	X(REPORT, "device -> harness: one reconnect attempt's outcome and figures")                \
	X(TEARDOWN, "device -> harness: the session torn down after a carrier loss")               \
	X(STATUS, "harness -> device asks; device -> harness: the last report, figures now")       \
	X(QUIT, "harness -> device: end the session and exit")                                     \
	X(CUT, "harness -> device: at the next reconnect, cut the link entering this phase")       \
	X(PHASE, "device -> harness: the session entered a phase of its reconnect")

enum nf_verb {
#define NF_X(name, help) NF_VERB_##name,
	NF_VERBS(NF_X)
#undef NF_X
	    NF_VERB_COUNT,
	NF_VERB_NONE = -1
};

/* Row statuses: X(name, origin, help); origin "device" or "harness". */
#define NF_STATUSES(X)                                                                             \
	X(ok, "device", "CONNACK accepted")                                                        \
	X(dhcp_timeout, "device", "no lease within the attempt")                                   \
	X(carrier_lost, "device", "the carrier went during the attempt")                           \
	X(dns_failed, "device", "the broker's name did not resolve")                               \
	X(socket_failed, "device", "socket() failed: the slot table is full")                      \
	X(connect_failed, "device", "TCP connect or the CONNECT send failed")                      \
	X(timeout, "both", "connect or CONNACK not in time; from the harness: no report in time")  \
	X(connack_failed, "device", "no CONNACK, or something else came first")                    \
	X(connack_refused, "device", "the broker refused the session")                             \
	X(send_failed, "device", "a send in the session failed")                                   \
	X(recv_failed, "device", "a receive in the session failed")                                \
	X(keepalive_timeout, "device", "PINGRESP or PUBACK not within the keepalive")              \
	X(broker_closed, "device", "the broker closed the connection")                             \
	X(protocol_error, "device", "the broker sent something malformed")                         \
	X(device_crashed, "harness", "the device process ended")                                   \
	X(cut, "device", "the link was cut on purpose in the phase run.cut_at named (counts as ok)") \
	X(tls_failed, "device", "the TLS handshake failed (tls_error: mbedTLS's code)")            \
	X(rebooted, "harness", "the first row after device.on_crash = restart started it again (a session)") \
	X(in_up, "harness", "no report in time: the carrier was back, nothing asked yet")          \
	X(in_lease, "harness", "no report in time: still waiting for its address")                 \
	X(in_dns, "harness", "no report in time: still resolving the broker")                      \
	X(in_connect, "harness", "no report in time: TCP connect still in flight")                 \
	X(in_tls, "harness", "no report in time: TLS handshake still in flight")                   \
	X(in_connack, "harness", "no report in time: still waiting for CONNACK")                   \
	X(in_session, "harness", "a session open, but no word from the broker since the fault")    \
	X(in_backoff, "harness", "no report in time: between a failed attempt and the next")      \
	X(in_ra, "harness", "no report in time: device.ip6, still waiting for the router's advertisement") \
	X(in_dad, "harness", "no report in time: device.ip6, its address's duplicate address detection still under way") \
	X(no_report, "harness", "a board (device.kind = external) sent no report in time; a board cannot be asked for STATUS") \
	X(ip6_timeout, "device", "device.ip6: no preferred IPv6 address within the attempt (no router advertisement came, or its detection never ended)") \
	X(dad_failed, "device", "device.ip6: duplicate address detection failed (another node answered for the address): the device did not use it")

enum nf_status {
#define NF_X(name, origin, help) NF_ST_##name,
	NF_STATUSES(NF_X)
#undef NF_X
	    NF_ST_COUNT
};

const char *nf_verb_name(enum nf_verb v);
/* The verb a line starts with (followed by ' ' or the end), or NF_VERB_NONE. */
enum nf_verb nf_verb_of(const char *line);

const char *nf_status_name(enum nf_status s);
const char *nf_status_help(enum nf_status s);
const char *nf_status_origin(enum nf_status s);
/* the status of a device that did not report in time while in phase p */
enum nf_status nf_status_in_phase(int p);
/* 1 for an in_<phase> status: the device was still on its way */
int nf_status_is_under_way(const char *word);
/* index, or -1 for a word that is no status */
int nf_status_parse(const char *word);
/* the word is "ok", or "cut" (a reconnect cut on purpose did what was asked) */
int nf_status_is_ok(const char *word);

/* The phases of a device's reconnect, in order, X(name, help): where a cut
 * lands (run.cut_at) and where a carrier loss found the device. */
#define NF_PHASES(X)                                                                               \
	X(up, "the carrier is back, nothing asked yet")                                            \
	X(lease, "waiting for the address (DHCP, or static at once)")                              \
	X(dns, "resolving the broker's name")                                                      \
	X(connect, "TCP connect in flight (SYN sent)")                                             \
	X(tls, "TLS handshake in flight (ClientHello sent; device.tls)")                          \
	X(connack, "CONNECT sent, waiting for CONNACK")                                            \
	X(session, "connected: publishing and keeping alive")                                      \
	X(backoff, "between a failed attempt and the next")                                        \
	X(ra, "device.ip6: its link-local address passed DAD, waiting for the router's advertisement") \
	X(dad, "device.ip6: a global address made, its duplicate address detection under way")

enum nf_phase {
#define NF_X(name, help) NF_PH_##name,
	NF_PHASES(NF_X)
#undef NF_X
	    NF_PH_COUNT
};

const char *nf_phase_name(enum nf_phase p);
/* index, or -1 for a word that is no phase */
int nf_phase_parse(const char *word);

/* Line framing for a stream: bytes in, whole lines out (without '\n'). */
struct nf_lines {
	char buf[NF_LINE_MAX];
	size_t len;
};

/* Feeds n bytes; calls on_line for each complete line. 0, or -EMSGSIZE
 * when a line outgrew NF_LINE_MAX (it is dropped, framing goes on). */
int nf_lines_feed(struct nf_lines *l, const char *data, size_t n,
		  void (*on_line)(void *arg, const char *line), void *arg);

#endif
