/* The socket options a firmware sets on its MQTT socket right after
 * socket(), by the names `device.sockopts` takes: one list for the
 * scenario check (harness), the device's table (device/session.c) and the
 * row columns (so_<name>: 0 when set, the errno when it failed). */
#ifndef NETFLAP_SOCKOPTS_H
#define NETFLAP_SOCKOPTS_H

/* X(name, what it sets) */
#define NF_FW_SOCKOPTS(X)                                                                          \
	X(keepalive, "SO_KEEPALIVE on: TCP keepalive probes on an idle link")                     \
	X(nodelay, "TCP_NODELAY on: no Nagle delay for small MQTT packets")                         \
	X(rcvtimeo, "SO_RCVTIMEO 5 s: a blocking recv() gives up after 5 s")                        \
	X(sndtimeo, "SO_SNDTIMEO 5 s: a blocking send() gives up after 5 s")                        \
	X(linger0, "SO_LINGER on, 0 s: close() aborts with RST instead of FIN")                    \
	X(reuseaddr, "SO_REUSEADDR on")

enum nf_fw_sockopt {
#define NF_X(name, help) NF_FW_SO_##name,
	NF_FW_SOCKOPTS(NF_X)
#undef NF_X
	    NF_FW_SO_COUNT
};

/* parses "keepalive,nodelay" ("" or "none": no option) into a bit set;
 * 0, or -EINVAL with the first unknown name copied to bad */
int nf_fw_sockopts_parse(const char *list, unsigned *set, char *bad, unsigned badlen);

/* the name of option i */
const char *nf_fw_sockopt_name(enum nf_fw_sockopt i);

#endif
