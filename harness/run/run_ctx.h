/* One run's state, shared by the files that make up `netflap run`:
 * run.c (the steps, start to teardown), loop.c (the event loop),
 * devices.c (the device processes and their channels) and run_json.c.
 * Private to them; one instance per run, no globals. */
#ifndef NETFLAP_RUN_CTX_H
#define NETFLAP_RUN_CTX_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>

#include "ap.h"
#include "capture.h"
#include "certs.h"
#include "engine.h"
#include "pressure.h"
#include "proto.h"
#include "rotate.h"
#include "rows.h"
#include "run.h"
#include "services.h"
#include "topo.h"
#include "undo.h"

struct dev_chan {
	int fd;
	pid_t pid;
	struct nf_lines in;
	bool hello, gone;
	int status;      /* its wait status once reaped, -1 before */
	char crash[192]; /* its crash's cause (crash.h), "" none */
	FILE *console;   /* a board's serial console log (boards.c), NULL none */
};

/* the rows so far, judged as the run goes (judge.c) */
struct nf_judge {
	struct nf_rows rows; /* every row written, bounded (rows.h) */
	pid_t pid;           /* the judging child, 0 none */
	int64_t last_ms;
	bool on;
};

struct mosquitto;

struct run {
	const struct nf_scenario *sc;
	const struct nf_run_opts *o;
	char dir[PATH_MAX];
	char runid[8];
	struct nf_undo undo;
	struct nf_topo topo;
	struct nf_services svc;
	struct nf_certs certs; /* device.tls: the run's CA and broker certificate */
	struct nf_ap ap;
	struct nf_capture *cap;
	struct dev_chan dev[NF_MAX_DEVICES];
	uint8_t macs[NF_MAX_DEVICES][6];
	FILE *csv;
	int csv_err;
	struct nf_engine eng;
	int64_t ok_rows, fail_rows, last_fd, last_heap, last_heap_min;
	int64_t started_ms;
	time_t started_wall;
	bool tty;
	char fatal[256];
	char v_mosq[128], v_dnsmasq[128], v_hostapd[128];
	bool addr_alt; /* address_change: the devices' reserved other addresses are in force */
	bool dad_conflict; /* dad_conflict: the devices' next addresses are the AP's too */
	bool ip6_off;      /* blackhole6: the AP's IPv6 is off */
	char device_build[24]; /* the build id the devices' HELLO gave ("-" for linux) */
	struct mosquitto *mosq; /* device.kind = external, board.telemetry = mqtt */
	int mosq_fd;
	FILE *tlog; /* logs/telemetry.log: what telemetry was dropped, and why */
	int64_t lines_refused; /* device or board lines that did not parse: no row came of them */
	struct nf_rotate rot;  /* run.rotate: cycles.csv and the logs in segments */
	struct nf_pressure pressure; /* the machine's CPU pressure, per device's row */
	struct nf_judge judge;       /* the rows so far, judged as the run goes */
};

/* judge.c: the run judges its rows as it goes; `netflap status` reads
 * the verdict.json it keeps */
/* 0 or -errno (then the run goes on without: its final verdict reads the files) */
int nf_judge_start(struct run *r);
/* a row as written to cycles.csv, newline included */
void nf_judge_row(struct run *r, const char *line);
/* every 10 s: a child judges the rows so far and replaces verdict.json */
void nf_judge_tick(struct run *r);
/* pid was the judging child */
bool nf_judge_reaped(struct run *r, pid_t pid);
/* the child ended (by its pid), the rows freed: before the final verdict */
void nf_judge_stop(struct run *r);

/* progress and notes on stderr (nothing with --quiet) */
void nf_run_say(const struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* a file in the run folder, created 0600, for writing */
FILE *nf_run_open(const struct run *r, const char *name);

/* run.json (atomically replaced): state, versions, the resolved scenario */
int nf_run_write_json(struct run *r, const char *state);

/* devices.c: start every device in its namespace with its channel; read a
 * channel's lines into the engine; note a device that ended */
int nf_devices_start(struct run *r, char *err, size_t len);
void nf_devices_read(struct run *r, int i);
/* one line in the channel's format from device (or board) i */
void nf_devices_line(struct run *r, int i, const char *line);

/* boards.c, device.kind = external: open each board's telemetry path;
 * read a board's console; serve the MQTT client (readable: its socket
 * has data; else its writes and keepalive) */
int nf_boards_start(struct run *r, char *err, size_t len);
/* before anything changes: each board.serial a terminal, board.baud a speed */
int nf_boards_check(const struct nf_scenario *sc, char *err, size_t len);
void nf_boards_read(struct run *r, int i);
void nf_boards_mqtt(struct run *r, bool readable);
/* a device process ended: its cause kept for its crash row; with
 * device.on_crash = restart it starts again. The device index restarted
 * (its channel to watch again), -1 none, -2 the pid is no device's. */
int nf_devices_reaped(struct run *r, pid_t pid, int status);
/* the cause of device i's crash, for its row (crash.h); taken once */
void nf_devices_take_crash(struct run *r, int i, char *out, size_t len);
void nf_devices_ask_status(struct run *r, int i);
/* CUT: where device i cuts its link in its next reconnect (-1: nowhere) */
void nf_devices_arm_cut(struct run *r, int i, int phase);

/* loop.c: signals, the timer, every channel and the capture, until the
 * engine is done. 0; -EINTR (a second signal); -ETIMEDOUT (devices did
 * not start); -errno. ready_fd, if >= 0, gets a byte once cycles start. */
int nf_run_loop(struct run *r);

#endif
