/* The device's per-cycle report: one list of fields feeds the struct, the
 * line format on the control channel and its parser. A line is
 *   REPORT key=value key=value ...
 * with integers, '-' for "not reached", and one word for status. */
#ifndef NETFLAP_REPORT_H
#define NETFLAP_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

/* X(name, help). Times are CLOCK_MONOTONIC milliseconds. */
#define NF_REPORT_FIELDS(X)                                                                        \
	X(phase, "carrier-up phases seen so far (1 = the first association)")                      \
	X(attempt, "reconnect attempt within this phase, from 1")                                  \
	X(t_carrier_down, "carrier loss seen")                                                     \
	X(t_teardown, "teardown done after the carrier loss")                                      \
	X(t_carrier_up, "carrier seen back")                                                       \
	X(t_lease, "address bound (DHCP ACK or static)")                                           \
	X(t_dns, "broker name resolved")                                                           \
	X(t_tcp, "TCP connected")                                                                  \
	X(t_connack, "CONNACK accepted")                                                           \
	X(cut_phase, "this attempt was cut on purpose entering this phase (enum nf_phase)")        \
	X(lost_in, "the phase a carrier loss found the session in (TEARDOWN; enum nf_phase)")    \
	X(ip, "the address the attempt had, IPv4 as a 32-bit number (host order)")              \
	X(socket_fd, "what socket() returned this attempt (-1: failed)")                           \
	X(socket_errno, "errno of a failed socket()")                                              \
	X(shutdown_rc, "shutdown() return code of the last teardown")                              \
	X(shutdown_errno, "errno after that shutdown() (0 when none was set)")                     \
	X(close_rc, "close() return code of the last teardown")                                    \
	X(close_errno, "errno after that close() (0 when none was set)")                           \
	X(slots_in_use, "socket slots with a netconn")                                             \
	X(slots_pinned, "slots held by fd_used without a netconn")                                 \
	X(slots_closing, "in-use slots marked closing")                                            \
	X(slots_after_teardown, "slots in use right after the last teardown")                      \
	X(socket_limit, "usable socket slots")                                                     \
	X(num_sockets, "NUM_SOCKETS")                                                              \
	X(heap_free, "lwIP heap free bytes")                                                       \
	X(heap_min_free, "lwIP heap lowest-ever free bytes")                                       \
	X(heap_largest_free, "the largest block the lwIP heap can give now")                       \
	X(netconn_used, "NETCONN pool in use")                                                     \
	X(netconn_max, "NETCONN pool high-water mark")                                             \
	X(netconn_err, "NETCONN pool allocation failures")                                         \
	X(tcp_pcb_used, "TCP_PCB pool in use")                                                     \
	X(tcp_pcb_max, "TCP_PCB high-water mark")                                                  \
	X(tcp_pcb_err, "TCP_PCB allocation failures")                                              \
	X(tcp_pcb_listen_used, "TCP_PCB_LISTEN in use")                                            \
	X(tcp_pcb_listen_max, "TCP_PCB_LISTEN high-water mark")                                    \
	X(tcp_pcb_listen_err, "TCP_PCB_LISTEN allocation failures")                                \
	X(udp_pcb_used, "UDP_PCB in use")                                                          \
	X(udp_pcb_max, "UDP_PCB high-water mark")                                                  \
	X(udp_pcb_err, "UDP_PCB allocation failures")                                              \
	X(raw_pcb_used, "RAW_PCB in use")                                                          \
	X(raw_pcb_max, "RAW_PCB high-water mark")                                                  \
	X(raw_pcb_err, "RAW_PCB allocation failures")                                              \
	X(pbuf_pool_used, "PBUF_POOL in use")                                                      \
	X(pbuf_pool_max, "PBUF_POOL high-water mark")                                              \
	X(pbuf_pool_err, "PBUF_POOL allocation failures")                                          \
	X(tcp_time_wait, "TCP pcbs in TIME_WAIT (lingering, not leaked)")                          \
	X(heap_time_wait, "heap bytes TIME_WAIT and closing pcbs hold (pools on the heap; else 0)")  \
	X(tcp_closing, "TCP pcbs closed by the app that lwIP still finishes (FIN_WAIT, LAST_ACK)")  \
	X(ping_ok, "1: the gateway answered the echo; 0: it did not")                              \
	X(ping_errno, "errno when the ping's socket() failed")                                     \
	X(reconnect_total, "reconnect attempts so far")                                            \
	X(reconnect_ok, "successful reconnects so far")                                            \
	X(reconnect_fail, "failed reconnects so far")                                              \
	X(publishes, "PUBLISH packets sent so far")                                                \
	X(so_keepalive, "device.sockopts keepalive: 0 set, else the errno")                         \
	X(so_nodelay, "device.sockopts nodelay: 0 set, else the errno")                             \
	X(so_rcvtimeo, "device.sockopts rcvtimeo: 0 set, else the errno")                           \
	X(so_sndtimeo, "device.sockopts sndtimeo: 0 set, else the errno")                           \
	X(so_linger0, "device.sockopts linger0: 0 set, else the errno")                             \
	X(so_reuseaddr, "device.sockopts reuseaddr: 0 set, else the errno")                         \
	X(unacked_bytes, "bytes written to the MQTT socket, not acknowledged, at the last teardown") \
	X(inflight, "QoS 1 publishes awaiting their PUBACK at the last teardown")                  \
	X(rx_blocked, "device.threads = rx-task: 1 the receive task was inside the stack at the close") \
	X(rx_exit_ms, "ms from the close to the receive task's end (-1: it did not end)")          \
	X(link_passed, "[impair] since the last report: frames the loss model let through")       \
	X(link_dropped, "[impair] frames lost (loss model or a full queue)")                      \
	X(link_bursts, "[impair] runs of consecutive losses")                                     \
	X(link_delayed, "[impair] frames released later than offered")                            \
	X(link_duplicated, "[impair] extra copies sent")                                          \
	X(link_reordered, "[impair] frames that left after a later one")                          \
	X(link_corrupted, "[impair] frames with a bit flipped")                                  \
	X(tls_handshake_ms, "device.tls: TCP connected to TLS handshake done, ms")                 \
	X(tls_resumed, "device.tls: 1 the broker resumed the offered session, 0 a full handshake") \
	X(tls_error, "device.tls: mbedTLS's error code of a failed handshake (negative)")          \
	X(tls_verify, "device.tls: certificate verification flags of a failed handshake")         \
	X(tls_heap_used, "device.tls: bytes mbedTLS holds on its heap now")                       \
	X(tls_heap_peak, "device.tls: the most mbedTLS held during this attempt")                 \
	X(tls_heap_after_teardown, "device.tls: bytes mbedTLS held right after the last teardown") \
	X(tls_heap_fails, "device.tls: mbedTLS allocations its heap refused, ever")                \
	X(session, "1: a session is open now (CONNACK accepted, not torn down); 0: none")          \
	X(session_phase, "the open session's carrier-up phase (its REPORT's phase)")               \
	X(session_attempt, "the open session's attempt within that phase")                         \
	X(session_rx, "the last packet the broker sent in the open session (ms)")                  \
	X(tcp_xmit, "TCP segments sent so far, retransmissions included (lwIP's tcp.xmit)")                     \
	X(heap_closing, "heap bytes connections the application closed still hold: pcbs on the heap and their queued segments") \
	X(closing_queued, "bytes queued (unsent, unacked, out of order) in those connections") \
	X(app_1, "device.client: the app's first own counter (nf_app.h; named in the device log)") \
	X(app_2, "device.client: the app's second own counter") \
	X(app_3, "device.client: the app's third own counter") \
	X(t_ip6, "device.ip6: a global IPv6 address preferred (its duplicate address detection passed)") \
	X(ip_family, "the family the broker connect used: 4 or 6") \
	X(ip6_state, "device.ip6: the global address's state: 0 none, 1 tentative, 2 preferred, 3 deprecated, 4 duplicated") \
	X(ip6_addrs, "device.ip6: IPv6 addresses held, link-local included") \
	X(nd6_neighbors, "device.ip6: neighbour cache entries") \
	X(nd6_incomplete, "device.ip6: of them, still resolving") \
	X(nd6_dests, "device.ip6: destination cache entries") \
	X(nd6_routers, "device.ip6: default routers") \
	X(nd6_prefixes, "device.ip6: on-link prefixes") \
	X(mld6_groups, "device.ip6: MLD groups joined") \
	X(nd6_queue, "device.ip6: packets queued for unresolved neighbours") \
	X(ip6_reass, "device.ip6: IPv6 reassemblies under way") \
	X(ip_fallback, "dual-stack, device.prefer = ip6: 1 the connect went over IPv4, IPv6 having no address in time; 0 over IPv6") \
	X(ip6_hi, "device.ip6: the global IPv6 address the attempt had, its first 8 bytes as one big-endian number (its prefix)") \
	X(ip6_lo, "device.ip6: that address's last 8 bytes (its interface identifier)")

enum nf_report_field {
#define NF_X(name, help) NF_R_##name,
	NF_REPORT_FIELDS(NF_X)
#undef NF_X
	    NF_R_COUNT
};

#define NF_UNSET INT64_MIN
#define NF_STATUS_MAX 24

struct nf_report {
	int64_t v[NF_R_COUNT];
	char status[NF_STATUS_MAX]; /* ok, socket_failed, connect_failed, ... */
};

/* All fields unset, status empty. */
void nf_report_clear(struct nf_report *r);

const char *nf_report_field_name(enum nf_report_field f);
const char *nf_report_field_help(enum nf_report_field f);

/* Writes "<verb> k=v ... status=word\n" into buf. Returns the length, or
 * -ENOSPC. */
int nf_report_format(const struct nf_report *r, enum nf_verb verb, char *buf, size_t cap);

/* Parses the fields of a line that starts with verb (after it, the
 * key=value pairs). Unknown keys are skipped (a newer device may send
 * more); a malformed pair is an error. 0, -EINVAL (not this verb, or a bad
 * pair: *bad_at gets its offset). */
int nf_report_parse(const char *line, enum nf_verb verb, struct nf_report *r, size_t *bad_at);

#endif
