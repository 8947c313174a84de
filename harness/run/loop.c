/* The run's one event loop (see run_ctx.h): epoll over the signalfd, a
 * timerfd armed at the engine's next deadline, every device channel and
 * the capture. Signal handlers do no work: signals are read here. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "run_ctx.h"

#define HELLO_TIMEOUT_MS 5000 /* and 100 ms per device: a fleet starts on 2 cores too */

enum { TAG_SIGNAL = 1000, TAG_TIMER, TAG_CAPTURE, TAG_TELEMETRY };

struct loop {
	struct run *r;
	int ep, sfd, tfd;
	bool hello_wait;
	int64_t hello_deadline;
};

static int arm(int tfd, int64_t deadline)
{
	struct itimerspec its = {0};

	if (deadline >= 0) {
		its.it_value.tv_sec = deadline / 1000;
		its.it_value.tv_nsec = (long)(deadline % 1000) * 1000000L;
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	return timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* a restarted device's new channel, on the descriptor of its old one */
static void watch_again(int ep, int fd, int dev)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)dev};

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0 && errno == EEXIST)
		epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

static void reap(struct run *r, int ep)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (nf_rotate_reaped(r, pid, status) || nf_judge_reaped(r, pid))
			continue;
		const char *svc = nf_services_name(&r->svc, pid);
		if (!svc && pid == r->ap.daemon) {
			svc = r->ap.ops->name;
			r->ap.daemon = 0;
		}
		if (!svc) {
			int dev = nf_devices_reaped(r, pid, status);
			if (dev >= 0)
				watch_again(ep, r->dev[dev].fd, dev);
			continue;
		}
		snprintf(r->fatal, sizeof(r->fatal),
			 "%s (pid %d) died mid-run (%s %d); see %s/logs/%s.log", svc, (int)pid,
			 WIFSIGNALED(status) ? "signal" : "exit",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), r->dir, svc);
		nf_engine_request_stop(&r->eng);
		if (pid == r->svc.mosquitto)
			r->svc.mosquitto = -1;
		else if (pid == r->svc.dnsmasq)
			r->svc.dnsmasq = -1;
	}
}

/* SIGCHLD reaps; the first stop signal finishes the cycle, a second one
 * stops at once (-EINTR) */
static int on_signals(struct run *r, int sfd, int ep)
{
	struct signalfd_siginfo si;

	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			reap(r, ep);
		} else if (!r->eng.stop) {
			nf_run_say(r, "netflap: %s: finishing cycle %lld, then tearing down",
				   strsignal((int)si.ssi_signo), (long long)r->eng.cycle);
			nf_engine_request_stop(&r->eng);
		} else {
			return -EINTR;
		}
	}
	return 0;
}

struct watch {
	int fd;
	uint64_t tag;
};

static int setup(struct loop *l)
{
	struct run *r = l->r;
	struct epoll_event ev;
	sigset_t set;
	int rc = 0;

	sigemptyset(&set);
	for (const int *s = (const int[]){SIGINT, SIGTERM, SIGCHLD, SIGHUP, 0}; *s; s++)
		sigaddset(&set, *s);
	l->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (l->sfd < 0 || (rc = nf_undo_push_close(&r->undo, "signalfd", l->sfd)) < 0)
		return rc ? rc : -errno;
	l->ep = epoll_create1(EPOLL_CLOEXEC);
	if (l->ep < 0 || (rc = nf_undo_push_close(&r->undo, "epoll", l->ep)) < 0)
		return rc ? rc : -errno;
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (l->tfd < 0 || (rc = nf_undo_push_close(&r->undo, "timerfd", l->tfd)) < 0)
		return rc ? rc : -errno;
	struct watch watch[NF_MAX_DEVICES + 4] = {{l->sfd, TAG_SIGNAL}, {l->tfd, TAG_TIMER}};
	int n = 2;
	if (r->cap)
		watch[n++] = (struct watch){nf_capture_fd(r->cap), TAG_CAPTURE};
	if (r->mosq)
		watch[n++] = (struct watch){r->mosq_fd, TAG_TELEMETRY};
	for (int i = 0; i < r->sc->count; i++)
		if (r->dev[i].fd >= 0) /* boards reporting over MQTT have none */
			watch[n++] = (struct watch){r->dev[i].fd, (uint64_t)i};
	for (int i = 0; i < n; i++) {
		ev = (struct epoll_event){.events = EPOLLIN, .data.u64 = watch[i].tag};
		if (epoll_ctl(l->ep, EPOLL_CTL_ADD, watch[i].fd, &ev) < 0)
			return -errno;
	}
	l->hello_wait = true;
	l->hello_deadline = nf_now_ms() + HELLO_TIMEOUT_MS + 100 * r->sc->count;
	return arm(l->tfd, l->hello_deadline) < 0 ? -errno : 0;
}

static int dispatch(struct loop *l, uint64_t tag)
{
	struct run *r = l->r;
	uint64_t x;

	switch (tag) {
	case TAG_SIGNAL:
		return on_signals(r, l->sfd, l->ep);
	case TAG_TIMER:
		return read(l->tfd, &x, sizeof(x)) < 0 && errno != EAGAIN ? -errno : 0;
	case TAG_CAPTURE:
		nf_capture_read(r->cap);
		return 0;
	case TAG_TELEMETRY:
		nf_boards_mqtt(r, true);
		return 0;
	default:
		if (r->sc->kind == NF_KIND_EXTERNAL)
			nf_boards_read(r, (int)tag);
		else
			nf_devices_read(r, (int)tag);
		if (r->dev[tag].gone)
			epoll_ctl(l->ep, EPOLL_CTL_DEL, r->dev[tag].fd, NULL);
		return 0;
	}
}

/* 1 while devices are still saying HELLO, 0 once cycles have started */
static int hello_pending(struct loop *l, int64_t now)
{
	struct run *r = l->r;
	int have = 0;

	for (int i = 0; i < r->sc->count; i++)
		have += r->dev[i].hello;
	if (have < r->sc->count && now < l->hello_deadline)
		return 1;
	if (have < r->sc->count) {
		snprintf(r->fatal, sizeof(r->fatal),
			 "%d of %lld devices did not start (see %s/logs/device-*.log)",
			 (int)(r->sc->count - have), (long long)r->sc->count, r->dir);
		return -ETIMEDOUT;
	}
	l->hello_wait = false;
	r->started_ms = now;
	nf_engine_start(&r->eng, now);
	if (r->o->ready_fd >= 0) { /* --daemon's parent: we are running */
		if (write(r->o->ready_fd, "1", 1) < 0)
			nf_run_say(r, "netflap: telling the caller we run: %s", strerror(errno));
	}
	return 0;
}

int nf_run_loop(struct run *r)
{
	struct loop l = {.r = r, .ep = -1, .sfd = -1, .tfd = -1};
	int rc = setup(&l);

	while (rc == 0 && !nf_engine_done(&r->eng)) {
		struct epoll_event evs[16];
		int n = epoll_wait(l.ep, evs, 16, -1);
		if (n < 0 && errno != EINTR)
			return -errno;
		for (int k = 0; rc == 0 && k < n; k++)
			rc = dispatch(&l, evs[k].data.u64);
		nf_boards_mqtt(r, false); /* its queued writes and keepalive */
		int64_t now = nf_now_ms();
		if (rc || (l.hello_wait && (rc = hello_pending(&l, now)) != 0)) {
			rc = rc == 1 ? 0 : rc;
			continue;
		}
		if (r->fatal[0] && !r->eng.stop)
			nf_engine_request_stop(&r->eng);
		nf_engine_tick(&r->eng, now);
		if ((r->eng.ap_errors || r->eng.fault_errors) && !r->eng.stop)
			nf_engine_request_stop(&r->eng);
		if (arm(l.tfd, nf_engine_deadline(&r->eng, now)) < 0)
			rc = -errno;
	}
	return rc;
}
