/* nf_app.h: a firmware's own network code inside netflap-device.
 *
 * netflap plays the platform (the Wi-Fi driver's link, the DHCP lease, the
 * clock) and keeps flapping, probing and judging; the app is the firmware's
 * network task. It runs on the device's session thread and uses the stack's
 * own APIs (lwIP sockets, netconn, raw/altcp, mbedTLS), with tasks of its
 * own if it wants them. For each carrier-up phase netflap waits for the
 * lease, then asks the app to connect; a connected app serves until the
 * link goes or its session ends; then netflap has it close what it opened.
 * Every call may block: the app polls host->lost() (or host->wait()) at
 * least every few hundred ms, as firmware checks its event group, so a
 * carrier loss ends its wait.
 *
 * An app is one C file defining `const struct nf_app nf_app_STEM`, where
 * STEM is the file's name without .c ('-' as '_'); its name (device.client)
 * is STEM with '_' as '-'. scripts/add-stack.sh NAME ... --app FILE.c builds
 * it into stack NAME's device. examples/app/example.c is one to copy. */
#ifndef NETFLAP_NF_APP_H
#define NETFLAP_NF_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NF_APP_API 1
#define NF_APP_COUNTERS 3
#define NF_APP_UNSET INT64_MIN /* a figure the app did not give */

/* How an attempt or a session ended: the row's status (in brackets). */
enum nf_app_result {
	NF_APP_OK,             /* connect: the session is open (ok) */
	NF_APP_LOST,           /* the link went: host->lost() said so (carrier_lost) */
	NF_APP_DNS_FAILED,     /* (dns_failed) */
	NF_APP_SOCKET_FAILED,  /* no socket, no pcb, no netconn (socket_failed) */
	NF_APP_CONNECT_FAILED, /* TCP connect refused or failed (connect_failed) */
	NF_APP_TIMEOUT,        /* not in time (timeout) */
	NF_APP_TLS_FAILED,     /* (tls_failed) */
	NF_APP_REFUSED,        /* the broker refused the session (connack_refused) */
	NF_APP_CLOSED,         /* serve: the broker closed it (broker_closed) */
	NF_APP_KEEPALIVE,      /* serve: the broker went silent (keepalive_timeout) */
	NF_APP_SEND_FAILED,    /* (send_failed) */
	NF_APP_RECV_FAILED,    /* (recv_failed) */
	NF_APP_PROTOCOL,       /* the broker sent something malformed (protocol_error) */
	NF_APP_FAILED,         /* anything else: say what with host->log (connack_failed) */
	NF_APP_RESULTS
};

/* Where an attempt is: a cut armed for that phase (run.cut_at) lands when
 * the app enters it. */
enum nf_app_phase {
	NF_APP_PH_DNS,     /* resolving the broker */
	NF_APP_PH_CONNECT, /* the SYN is out */
	NF_APP_PH_TLS,     /* the ClientHello is out */
	NF_APP_PH_CONNACK, /* CONNECT sent, waiting for CONNACK */
};

/* What the app tells netflap for the row; every field starts NF_APP_UNSET
 * for each attempt (connect) and each teardown (close). */
struct nf_app_figures {
	int64_t socket_fd, socket_errno;         /* connect: what socket() gave */
	int64_t shutdown_rc, shutdown_errno;     /* close: its shutdown(), if any */
	int64_t close_rc, close_errno;           /* close: its close() */
	int64_t publishes;                       /* publishes sent so far */
	int64_t counter[NF_APP_COUNTERS];        /* its own counters (app_1..3) */
};

/* netflap's side, handed to every call. */
struct nf_app_host {
	/* the scenario */
	const char *broker;     /* the broker's name (resolve it: DNS is served) */
	uint16_t port;          /* broker.port, or broker.tls_port with device.tls */
	const char *client_id;  /* unique per device and run */
	uint16_t keepalive_s;
	int64_t publish_interval_ms; /* 0: no telemetry */
	const char *tls_ca;     /* device.tls = on: the CA to verify the broker with; else NULL */
	/* entering a phase of the attempt; true: the link is gone, give up */
	bool (*enter)(struct nf_app_host *h, enum nf_app_phase ph);
	/* the link went since this carrier-up phase began, or the device quits */
	bool (*lost)(struct nf_app_host *h);
	/* sleeps until the link goes or deadline_ms; true: lost */
	bool (*wait)(struct nf_app_host *h, int64_t deadline_ms);
	/* the broker spoke in the open session (any packet): a session that
	 * lives through a fault is told from one that only looks open */
	void (*heard)(struct nf_app_host *h);
	int64_t (*now_ms)(void); /* CLOCK_MONOTONIC, ms */
	void (*log)(struct nf_app_host *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
	void *priv; /* netflap's */
};

struct nf_app {
	int api;                                /* NF_APP_API */
	const char *name;                       /* device.client */
	const char *counters[NF_APP_COUNTERS];  /* names of app_1..3 (NULL: unused) */
	size_t state_size;                      /* zeroed for init */
	/* once, before the first carrier; 0 or -errno (the device stops) */
	int (*init)(void *state, struct nf_app_host *h);
	/* the link came (up, before the lease) or went (down, before close);
	 * may be NULL */
	void (*link)(void *state, struct nf_app_host *h, bool up);
	/* after the lease, one attempt, by deadline_ms: NF_APP_OK when the
	 * session is open (CONNACK accepted), else why not */
	enum nf_app_result (*connect)(void *state, struct nf_app_host *h, struct nf_app_figures *f,
				      int64_t deadline_ms);
	/* the open session: publish, keep alive, until host->lost() or its end */
	enum nf_app_result (*serve)(void *state, struct nf_app_host *h, struct nf_app_figures *f);
	/* close everything the attempt opened, as the firmware does on a link
	 * loss or a failed attempt; leaving: the device is shutting down */
	void (*close)(void *state, struct nf_app_host *h, struct nf_app_figures *f, bool leaving);
	void (*fini)(void *state, struct nf_app_host *h); /* may be NULL */
};

#endif
