/* The firmware's receive task (see rx_task.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "rx_task.h"

static const char *const wait_names[] = {[NF_RX_SELECT] = "select",
					 [NF_RX_POLL] = "poll",
					 [NF_RX_RECV] = "recv"};

const char *nf_rx_wait_name(enum nf_rx_wait w)
{
	return (unsigned)w < sizeof(wait_names) / sizeof(wait_names[0]) ? wait_names[w] : "?";
}

int nf_rx_wait_parse(const char *s, enum nf_rx_wait *out)
{
	for (unsigned i = 0; i < sizeof(wait_names) / sizeof(wait_names[0]); i++)
		if (strcmp(s, wait_names[i]) == 0) {
			*out = (enum nf_rx_wait)i;
			return 0;
		}
	return -EINVAL;
}

static void set_in_stack(struct nf_rx_task *t, bool on)
{
	pthread_mutex_lock(&t->sh->mu);
	t->in_stack = on;
	pthread_mutex_unlock(&t->sh->mu);
}

static bool room_or_stop(const struct nf_shared *sh, const void *arg)
{
	const struct nf_rx_task *t = arg;
	(void)sh;
	return t->len < sizeof(t->buf) || t->stop;
}

/* One wait and one read, as the firmware's loop does them: > 0 bytes
 * handed over, 0 nothing yet (the receive timeout), < 0 the end. */
static int once(struct nf_rx_task *t)
{
	uint8_t tmp[1024];
	ssize_t n;

	set_in_stack(t, true);
	if (t->how == NF_RX_RECV) {
		n = t->ops->recv(t->fd, tmp, sizeof(tmp), 0); /* blocking, SO_RCVTIMEO */
	} else {
		int rc = t->how == NF_RX_SELECT ? t->ops->select_rd(t->fd, t->timeout_ms)
						: t->ops->poll_rd(t->fd, t->timeout_ms);
		n = rc > 0 ? t->ops->recv(t->fd, tmp, sizeof(tmp), t->ops->dontwait) : rc;
		if (rc == 0)
			errno = EAGAIN;
	}
	int e = errno;
	set_in_stack(t, false);
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return e == EAGAIN || e == EWOULDBLOCK || e == EINTR ? 0 : -e;
	nf_shared_wait(t->sh, room_or_stop, t, -1); /* the session task takes it */
	pthread_mutex_lock(&t->sh->mu);
	size_t k = (size_t)n < sizeof(t->buf) - t->len ? (size_t)n : sizeof(t->buf) - t->len;
	memcpy(t->buf + t->len, tmp, k);
	t->len += k;
	pthread_cond_broadcast(&t->sh->cv);
	pthread_mutex_unlock(&t->sh->mu);
	return (int)n;
}

static void *run(void *arg)
{
	struct nf_rx_task *t = arg;
	int rc = 0;

	for (;;) {
		pthread_mutex_lock(&t->sh->mu);
		bool stop = t->stop;
		pthread_mutex_unlock(&t->sh->mu);
		if (stop || (rc = once(t)) < 0)
			break;
	}
	pthread_mutex_lock(&t->sh->mu);
	t->end = rc < 0 ? rc : -ECANCELED;
	t->done = true;
	t->t_done = nf_now_ms();
	pthread_cond_broadcast(&t->sh->cv);
	pthread_mutex_unlock(&t->sh->mu);
	return NULL;
}

int nf_rx_task_start(struct nf_rx_task **out, const struct nf_stack_ops *ops, struct nf_stack *st,
		     struct nf_shared *sh, int fd, enum nf_rx_wait how, int timeout_ms)
{
	struct nf_rx_task *t = calloc(1, sizeof(*t));
	int rc;

	if (!t)
		return -ENOMEM;
	*t = (struct nf_rx_task){
	    .ops = ops, .st = st, .sh = sh, .fd = fd, .how = how, .timeout_ms = timeout_ms};
	if (how == NF_RX_RECV) { /* a blocking recv bounded by the firmware's timeout */
		int level = ops->sockopts[NF_SO_RCVTIMEO][0], name = ops->sockopts[NF_SO_RCVTIMEO][1];
		struct timeval tv = {timeout_ms / 1000, timeout_ms % 1000 * 1000};
		if (ops->set_blocking(fd, true) < 0 ||
		    ops->setsockopt(fd, level, name, &tv, sizeof(tv)) < 0) {
			rc = -errno;
			goto fail;
		}
	}
	rc = -pthread_create(&t->tid, NULL, run, t);
	if (rc)
		goto fail;
	*out = t;
	return 0;
fail:
	free(t);
	return rc;
}

struct take_wait {
	const struct nf_rx_task *t;
	bool (*lost)(const struct nf_shared *, const void *);
	const void *arg;
};

static bool data_end_or_lost(const struct nf_shared *sh, const void *arg)
{
	const struct take_wait *w = arg;
	return w->t->len || w->t->done || w->lost(sh, w->arg);
}

ssize_t nf_rx_task_take(struct nf_rx_task *t, void *buf, size_t len, int64_t deadline,
			bool (*lost)(const struct nf_shared *sh, const void *arg), const void *arg)
{
	struct take_wait w = {t, lost, arg};
	ssize_t n;

	if (nf_shared_wait(t->sh, data_end_or_lost, &w, deadline) < 0)
		return -ETIMEDOUT;
	pthread_mutex_lock(&t->sh->mu);
	if (t->len) { /* what came before an end is still the session's */
		n = (ssize_t)(t->len < len ? t->len : len);
		memcpy(buf, t->buf, (size_t)n);
		memmove(t->buf, t->buf + n, t->len - (size_t)n);
		t->len -= (size_t)n;
		pthread_cond_broadcast(&t->sh->cv);
	} else {
		n = t->done ? t->end : -ENETDOWN;
	}
	pthread_mutex_unlock(&t->sh->mu);
	return n;
}

bool nf_rx_task_in_stack(struct nf_rx_task *t)
{
	pthread_mutex_lock(&t->sh->mu);
	bool in = t->in_stack;
	pthread_mutex_unlock(&t->sh->mu);
	return in;
}

static bool is_done(const struct nf_shared *sh, const void *arg)
{
	(void)sh;
	return ((const struct nf_rx_task *)arg)->done;
}

int64_t nf_rx_task_finish(struct nf_rx_task *t, int64_t t_close, int64_t deadline)
{
	pthread_mutex_lock(&t->sh->mu);
	t->stop = true;
	pthread_cond_broadcast(&t->sh->cv); /* a task waiting for room goes on */
	pthread_mutex_unlock(&t->sh->mu);
	if (nf_shared_wait(t->sh, is_done, t, deadline) < 0) {
		pthread_detach(t->tid); /* stuck in the stack: it keeps its memory */
		return -1;
	}
	pthread_join(t->tid, NULL);
	int64_t ms = t->t_done > t_close ? t->t_done - t_close : 0;
	free(t);
	return ms;
}
