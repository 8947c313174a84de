/* The device's firmware behaviour: wait for the AP, get a lease, check the
 * gateway, resolve the broker, connect MQTT, publish; on carrier loss tear
 * the session down with the configured close sequence and leave the
 * network. One report per reconnect attempt, one per teardown. */
#ifndef NETFLAP_SESSION_H
#define NETFLAP_SESSION_H

#include <pthread.h>
#include <stdint.h>

#include "chan.h"
#include "netio.h"
#include "nf_app.h"
#include "report.h"
#include "shared.h"
#include "proto.h"
#include "rx_task.h"
#include "stack.h"
#include "tls.h"

enum nf_close_mode {
	NF_CLOSE_ONLY,     /* close(fd) */
	NF_SHUTDOWN_CLOSE, /* shutdown(fd, SHUT_RDWR); close(fd): mbedtls_net_free's two calls */
	NF_CLOSE_SHUTDOWN, /* close(fd); shutdown(fd, SHUT_RDWR): invalid use */
	NF_NET_FREE,       /* TLS: mbedtls_net_free() itself */
	NF_NOTIFY_NET_FREE /* TLS: mbedtls_ssl_close_notify(), then mbedtls_net_free() */
};

const char *nf_close_mode_name(enum nf_close_mode m);
int nf_close_mode_parse(const char *s, enum nf_close_mode *out);
/* The TLS teardown a close mode names: net_free and shutdown+close (the
 * same two calls) are mbedtls_net_free(); -EINVAL for close+shutdown, which
 * no TLS layer does. Without TLS, -EINVAL for the two TLS-only modes. */
int nf_close_mode_check(enum nf_close_mode m, bool tls, enum nf_tls_close *out);

enum nf_telemetry_out { NF_TEL_NONE, NF_TEL_MQTT, NF_TEL_SERIAL };

struct nf_session_cfg {
	const char *client_id;
	const char *broker;
	uint16_t port;
	uint16_t keepalive_s;
	unsigned sockopts; /* bit set of enum nf_fw_sockopt (device.sockopts) */
	int64_t publish_interval_ms;
	uint8_t qos;
	enum nf_close_mode close_mode;
	int64_t backoff_min_ms, backoff_max_ms;
	int64_t attempt_timeout_ms;
	int64_t ping_timeout_ms;
	/* the firmware's shape: a receive task beside the session task */
	bool rx_task;
	enum nf_rx_wait rx_wait;
	int rx_timeout_ms; /* its receive timeout (select/poll timeout, SO_RCVTIMEO) */
	int inflight;      /* QoS 1 publishes outstanding at most, 1..NF_INFLIGHT_MAX */
	int payload;       /* telemetry payload bytes (0: the JSON line alone) */
	struct nf_tls_cfg tls; /* ca_file NULL: plain MQTT */
	enum nf_tls_close tls_close;
	/* a stand-in board (netflap's device.kind = external): its reports are
	 * firmware/netflap_report.c's lines, published on its own MQTT session
	 * or written to its console, instead of REPORT lines to a harness */
	enum nf_telemetry_out telemetry;
	long socket_limit; /* the limit the firmware was built with (0: lwIP's own) */
	const char *app;   /* device.client: the app that connects (nf_app.h) */
	/* the families it has addresses in (the lease phase waits for each)
	 * and the one a dual-stack connect uses */
	bool ip4, ip6, prefer6;
	bool ip6_static; /* the static IPv6 address: no router to wait for */
};

#define NF_INFLIGHT_MAX 64
#define NF_BOARD_LINE 1024  /* firmware/netflap_report.h's NETFLAP_REPORT_MAX */
#define NF_PAYLOAD_MAX 4096

struct nf_session {
	const struct nf_session_cfg *cfg;
	const struct nf_stack_ops *ops;
	struct nf_stack *st;
	struct nf_shared *sh;
	struct nf_chan *chan;
	/* the session thread's own state */
	struct nf_netio io; /* the socket layer; its downs_seen: losses handled */
	int fd;
	uint16_t next_id;
	uint16_t ping_seq;
	int64_t counters[3]; /* total, ok, fail */
	int64_t publishes;
	struct nf_report last_teardown; /* rc/errno fields and times */
	/* the reconnect's path: the phase now, the phase a cut is armed for in
	 * this carrier-up phase (-1 none), where it landed, where a loss found
	 * the session; cut() blacks the link out and marks the carrier lost */
	enum nf_phase phase;
	int cut_at, cut_landed;
	enum nf_phase lost_in;
	void (*cut)(void *arg);
	void *cut_arg;
	/* the last report, for STATUS; guarded by report_mu */
	pthread_mutex_t report_mu;
	struct nf_report last;
	struct nf_impair_counts link_base; /* the link's counts at the last REPORT */
	struct nf_rx_task *rxt; /* the receive task while one runs */
	int inflight;           /* publishes awaiting their PUBACK now */
	struct nf_tls *tls;     /* device.tls = on: the TLS layer, else NULL */
	/* the open session, for STATUS (guarded by report_mu): its phase and
	 * attempt (phase 0: none open) and the last packet the broker sent in
	 * it, the harness's evidence that a session lived through a fault */
	int64_t open_phase, open_attempt, open_rx;
	/* telemetry = mqtt: the newest report, for the next session (board.c) */
	char pending[NF_BOARD_LINE];
	/* the app that connects (device.client; app_host.c): its state, the
	 * host it is handed, the figures it gives, the report of the attempt
	 * now (netflap's own app writes there), the socket it said it made,
	 * and its counters so far */
	const struct nf_app *app;
	void *app_state;
	struct nf_app_host host;
	struct nf_app_figures fig;
	struct nf_report *cur;
	int64_t app_fd;
	int64_t app_counter[NF_APP_COUNTERS];
};

/* The apps this device was built with (a table generated per stack):
 * netflap's own first, NULL-terminated. */
extern const struct nf_app *const nf_apps[];

void nf_session_init(struct nf_session *s, const struct nf_session_cfg *cfg,
		     const struct nf_stack_ops *ops, struct nf_stack *st, struct nf_shared *sh,
		     struct nf_chan *chan);
void nf_session_destroy(struct nf_session *s);

/* Picks cfg->app from nf_apps and starts it; 0, -ENOENT (no such app: the
 * names it has are said), -errno from its init. */
int nf_session_app_start(struct nf_session *s);
void nf_session_app_stop(struct nf_session *s);

/* The session thread's body; returns when sh->quit is set. */
void *nf_session_run(void *arg);

/* The last report with the stack's figures read now, as a STATUS line. */
int nf_session_status(struct nf_session *s, char *buf, size_t cap);

#endif
