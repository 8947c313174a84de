/* device.threads = rx-task: the firmware shape of esp-mqtt, the AWS IoT
 * SDK and most RTOS ports. A receive task blocks in the stack (select(),
 * poll() or a blocking recv(), device.rx_wait) on the MQTT socket and
 * hands the bytes to the session task, which publishes, keeps alive and,
 * when the network goes, closes the socket with its close mode while the
 * receive task may still be inside the stack: lwIP's cross-thread close
 * paths (select_waiting, fd_used, deferred frees). The receive task has no
 * wake of ours, as on the device: the close (or its own timeout, the
 * firmware's receive timeout) is what ends its wait. */
#ifndef NETFLAP_RX_TASK_H
#define NETFLAP_RX_TASK_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shared.h"
#include "stack.h"

enum nf_rx_wait { NF_RX_SELECT, NF_RX_POLL, NF_RX_RECV };

const char *nf_rx_wait_name(enum nf_rx_wait w);
int nf_rx_wait_parse(const char *s, enum nf_rx_wait *out);

#define NF_RX_TASK_BUF 4096

struct nf_rx_task {
	const struct nf_stack_ops *ops;
	struct nf_stack *st;
	struct nf_shared *sh; /* its mu guards the fields below; its cv says they changed */
	int fd;
	enum nf_rx_wait how;
	int timeout_ms; /* the firmware's receive timeout: one wait at most this long */
	pthread_t tid;
	/* under sh->mu */
	uint8_t buf[NF_RX_TASK_BUF];
	size_t len;     /* bytes received, not yet taken by the session task */
	int end;        /* 0 running; why it stopped: -ECONNRESET (EOF), -errno */
	bool in_stack;  /* inside select/poll/recv now */
	bool stop;      /* the session task is done with the socket */
	bool done;      /* the thread has returned from its loop */
	int64_t t_done;
};

/* Starts a task on fd (connected) into *out. 0 or -errno. */
int nf_rx_task_start(struct nf_rx_task **out, const struct nf_stack_ops *ops, struct nf_stack *st,
		     struct nf_shared *sh, int fd, enum nf_rx_wait how, int timeout_ms);

/* Session task: received bytes into buf (> 0), or the task's end (-errno,
 * -ECONNRESET), -ENETDOWN when lost(arg) holds (checked under sh->mu), or
 * -ETIMEDOUT at deadline (nf_now_ms clock). */
ssize_t nf_rx_task_take(struct nf_rx_task *t, void *buf, size_t len, int64_t deadline,
			bool (*lost)(const struct nf_shared *sh, const void *arg), const void *arg);

/* Whether the task is inside the stack now (for the row: read it just
 * before the close). */
bool nf_rx_task_in_stack(struct nf_rx_task *t);

/* After the session task closed the socket: waits for the task to end, at
 * most until deadline, and frees it. The ms from t_close to its end, or -1
 * when it did not end in time (it is then left to end by itself, detached,
 * with its memory: the row says so). */
int64_t nf_rx_task_finish(struct nf_rx_task *t, int64_t t_close, int64_t deadline);

#endif
