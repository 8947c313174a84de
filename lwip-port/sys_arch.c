/* lwIP OS abstraction over pthreads for netflap's Linux-hosted port.
 * Timed waits use CLOCK_MONOTONIC so a wall-clock step never fires or
 * stretches an lwIP timeout. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "lwip/opt.h"
#include "lwip/sys.h"
#include "lwip/tcpip.h"

struct sys_sem {
	pthread_mutex_t mu;
	pthread_cond_t cond;
	unsigned count;
};

struct sys_mutex {
	pthread_mutex_t mu;
};

struct sys_mbox {
	pthread_mutex_t mu;
	pthread_cond_t not_empty;
	pthread_cond_t not_full;
	unsigned head, len, cap;
	void **slots;
};

static void cond_init_monotonic(pthread_cond_t *c)
{
	pthread_condattr_t a;

	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(c, &a);
	pthread_condattr_destroy(&a);
}

static uint64_t now_ms(void)
{
	return (uint64_t)nf_now_ms(); /* netflap's one clock: lwIP's times compare with ours */
}

static struct timespec deadline_after(u32_t ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000u;
	ts.tv_nsec += (long)(ms % 1000u) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* Waits on cond until pred() holds; returns ms waited or SYS_ARCH_TIMEOUT.
 * timeout 0 means forever, as lwIP defines it. */
static u32_t cond_wait_until(pthread_cond_t *c, pthread_mutex_t *mu, u32_t timeout,
			     int (*pred)(void *), void *arg)
{
	uint64_t start = now_ms();
	struct timespec dl;

	if (timeout)
		dl = deadline_after(timeout);
	while (!pred(arg)) {
		if (!timeout) {
			pthread_cond_wait(c, mu);
		} else if (pthread_cond_timedwait(c, mu, &dl) == ETIMEDOUT && !pred(arg)) {
			return SYS_ARCH_TIMEOUT;
		}
	}
	uint64_t waited = now_ms() - start;
	return waited >= SYS_ARCH_TIMEOUT ? SYS_ARCH_TIMEOUT - 1 : (u32_t)waited;
}

/* semaphores */

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
	struct sys_sem *s = calloc(1, sizeof(*s));

	if (!s)
		return ERR_MEM;
	pthread_mutex_init(&s->mu, NULL);
	cond_init_monotonic(&s->cond);
	s->count = count;
	*sem = s;
	SYS_STATS_INC_USED(sem);
	return ERR_OK;
}

void sys_sem_signal(sys_sem_t *sem)
{
	struct sys_sem *s = *sem;

	pthread_mutex_lock(&s->mu);
	s->count++;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->mu);
}

static int sem_ready(void *arg)
{
	return ((struct sys_sem *)arg)->count > 0;
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
	struct sys_sem *s = *sem;
	u32_t r;

	pthread_mutex_lock(&s->mu);
	r = cond_wait_until(&s->cond, &s->mu, timeout, sem_ready, s);
	if (r != SYS_ARCH_TIMEOUT)
		s->count--;
	pthread_mutex_unlock(&s->mu);
	return r;
}

void sys_sem_free(sys_sem_t *sem)
{
	struct sys_sem *s = *sem;

	if (!s)
		return;
	SYS_STATS_DEC(sem.used);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->mu);
	free(s);
	*sem = NULL;
}

/* mutexes */

err_t sys_mutex_new(sys_mutex_t *mutex)
{
	struct sys_mutex *m = calloc(1, sizeof(*m));

	if (!m)
		return ERR_MEM;
	pthread_mutex_init(&m->mu, NULL);
	*mutex = m;
	SYS_STATS_INC_USED(mutex);
	return ERR_OK;
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
	pthread_mutex_lock(&(*mutex)->mu);
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
	pthread_mutex_unlock(&(*mutex)->mu);
}

void sys_mutex_free(sys_mutex_t *mutex)
{
	if (!*mutex)
		return;
	SYS_STATS_DEC(mutex.used);
	pthread_mutex_destroy(&(*mutex)->mu);
	free(*mutex);
	*mutex = NULL;
}

/* mailboxes: a bounded ring; post blocks while full, trypost fails. */

#define MBOX_DEFAULT_CAP 128

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
	struct sys_mbox *mb = calloc(1, sizeof(*mb));

	if (!mb)
		return ERR_MEM;
	mb->cap = size > 0 ? (unsigned)size : MBOX_DEFAULT_CAP;
	mb->slots = calloc(mb->cap, sizeof(*mb->slots));
	if (!mb->slots) {
		free(mb);
		return ERR_MEM;
	}
	pthread_mutex_init(&mb->mu, NULL);
	cond_init_monotonic(&mb->not_empty);
	cond_init_monotonic(&mb->not_full);
	*mbox = mb;
	SYS_STATS_INC_USED(mbox);
	return ERR_OK;
}

static void mbox_put_locked(struct sys_mbox *mb, void *msg)
{
	mb->slots[(mb->head + mb->len) % mb->cap] = msg;
	mb->len++;
	pthread_cond_signal(&mb->not_empty);
}

static void *mbox_take_locked(struct sys_mbox *mb)
{
	void *msg = mb->slots[mb->head];

	mb->head = (mb->head + 1) % mb->cap;
	mb->len--;
	pthread_cond_signal(&mb->not_full);
	return msg;
}

static int mbox_has_room(void *arg)
{
	struct sys_mbox *mb = arg;
	return mb->len < mb->cap;
}

static int mbox_has_msg(void *arg)
{
	return ((struct sys_mbox *)arg)->len > 0;
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
	struct sys_mbox *mb = *mbox;

	pthread_mutex_lock(&mb->mu);
	cond_wait_until(&mb->not_full, &mb->mu, 0, mbox_has_room, mb);
	mbox_put_locked(mb, msg);
	pthread_mutex_unlock(&mb->mu);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
	struct sys_mbox *mb = *mbox;
	err_t err = ERR_MEM;

	pthread_mutex_lock(&mb->mu);
	if (mb->len < mb->cap) {
		mbox_put_locked(mb, msg);
		err = ERR_OK;
	}
	pthread_mutex_unlock(&mb->mu);
	return err;
}

#ifndef NF_TREE_LWIP_2_0 /* 2.1's; 2.0.x neither has nor calls it */
err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg)
{
	return sys_mbox_trypost(mbox, msg);
}
#endif

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
	struct sys_mbox *mb = *mbox;
	u32_t r;
	void *m;

	pthread_mutex_lock(&mb->mu);
	r = cond_wait_until(&mb->not_empty, &mb->mu, timeout, mbox_has_msg, mb);
	if (r != SYS_ARCH_TIMEOUT) {
		m = mbox_take_locked(mb);
		if (msg)
			*msg = m;
	} else if (msg) {
		*msg = NULL;
	}
	pthread_mutex_unlock(&mb->mu);
	return r;
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
	struct sys_mbox *mb = *mbox;
	u32_t r = SYS_MBOX_EMPTY;
	void *m;

	pthread_mutex_lock(&mb->mu);
	if (mb->len > 0) {
		m = mbox_take_locked(mb);
		if (msg)
			*msg = m;
		r = 0;
	}
	pthread_mutex_unlock(&mb->mu);
	return r;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
	struct sys_mbox *mb = *mbox;

	if (!mb)
		return;
	SYS_STATS_DEC(mbox.used);
	pthread_cond_destroy(&mb->not_empty);
	pthread_cond_destroy(&mb->not_full);
	pthread_mutex_destroy(&mb->mu);
	free(mb->slots);
	free(mb);
	*mbox = NULL;
}

/* threads */

struct thread_start {
	lwip_thread_fn fn;
	void *arg;
};

static void *thread_trampoline(void *p)
{
	struct thread_start st = *(struct thread_start *)p;

	free(p);
	st.fn(st.arg);
	return NULL;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn, void *arg, int stacksize, int prio)
{
	struct thread_start *st = malloc(sizeof(*st));
	pthread_t tid;

	LWIP_UNUSED_ARG(stacksize);
	LWIP_UNUSED_ARG(prio);
	LWIP_ASSERT("sys_thread_new: out of memory", st != NULL);
	st->fn = fn;
	st->arg = arg;
	if (pthread_create(&tid, NULL, thread_trampoline, st) != 0) {
		free(st);
		LWIP_ASSERT("sys_thread_new: pthread_create failed", 0);
		return 0;
	}
	pthread_detach(tid);
	pthread_setname_np(tid, name);
	return (sys_thread_t)tid;
}

/* per-thread netconn semaphore, freed when its thread exits */

static pthread_key_t sem_key;
static pthread_once_t sem_key_once = PTHREAD_ONCE_INIT;

static void sem_key_destroy(void *p)
{
	sys_sem_t sem = p;
	sys_sem_free(&sem);
}

static void sem_key_create(void)
{
	pthread_key_create(&sem_key, sem_key_destroy);
}

static _Thread_local sys_sem_t thread_sem;

sys_sem_t *sys_arch_netconn_sem_get(void)
{
	if (!thread_sem)
		sys_arch_netconn_sem_alloc();
	return &thread_sem;
}

void sys_arch_netconn_sem_alloc(void)
{
	if (thread_sem)
		return;
	pthread_once(&sem_key_once, sem_key_create);
	if (sys_sem_new(&thread_sem, 0) != ERR_OK)
		LWIP_ASSERT("netconn thread semaphore: out of memory", 0);
	pthread_setspecific(sem_key, thread_sem);
}

void sys_arch_netconn_sem_free(void)
{
	if (!thread_sem)
		return;
	pthread_setspecific(sem_key, NULL);
	sys_sem_free(&thread_sem);
}

/* core lock ownership, for LWIP_ASSERT_CORE_LOCKED */

static _Atomic int tcpip_thread_marked;
static pthread_t tcpip_thread;
static _Atomic int core_locked;
static pthread_t core_owner;

void sys_arch_mark_tcpip_thread(void)
{
	tcpip_thread = pthread_self();
	atomic_store(&tcpip_thread_marked, 1);
}

void sys_arch_lock_tcpip_core(void)
{
	sys_mutex_lock(&lock_tcpip_core);
	core_owner = pthread_self();
	atomic_store(&core_locked, 1);
}

void sys_arch_unlock_tcpip_core(void)
{
	atomic_store(&core_locked, 0);
	sys_mutex_unlock(&lock_tcpip_core);
}

void sys_arch_check_core_locking(void)
{
	if (!atomic_load(&tcpip_thread_marked))
		return; /* lwip_init() runs before the tcpip thread exists */
	LWIP_ASSERT("lwIP core called without the core lock",
		    atomic_load(&core_locked) && pthread_equal(core_owner, pthread_self()));
}

/* protection, time, init */

static pthread_mutex_t protect_mu = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

sys_prot_t sys_arch_protect(void)
{
	pthread_mutex_lock(&protect_mu);
	return 0;
}

void sys_arch_unprotect(sys_prot_t pval)
{
	LWIP_UNUSED_ARG(pval);
	pthread_mutex_unlock(&protect_mu);
}

u32_t sys_now(void)
{
	return (u32_t)now_ms();
}

u32_t sys_jiffies(void)
{
	return (u32_t)now_ms();
}

void sys_init(void)
{
}
