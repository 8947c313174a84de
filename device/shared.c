/* Shared device state and deadline waits (see shared.h). */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "shared.h"

void nf_shared_init(struct nf_shared *sh)
{
	pthread_condattr_t a;

	*sh = (struct nf_shared){
	    .t_carrier_up = -1, .t_carrier_down = -1, .t_lease = -1, .t_ip6 = -1, .cut_armed = -1};
	pthread_mutex_init(&sh->mu, NULL);
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&sh->cv, &a);
	pthread_condattr_destroy(&a);
}

void nf_shared_destroy(struct nf_shared *sh)
{
	pthread_cond_destroy(&sh->cv);
	pthread_mutex_destroy(&sh->mu);
}

void nf_shared_set_carrier(struct nf_shared *sh, bool up)
{
	pthread_mutex_lock(&sh->mu);
	if (up != sh->carrier) {
		sh->carrier = up;
		if (up) {
			sh->t_carrier_up = nf_now_ms();
		} else {
			sh->t_carrier_down = nf_now_ms();
			sh->carrier_downs++;
		}
		pthread_cond_broadcast(&sh->cv);
	}
	pthread_mutex_unlock(&sh->mu);
}

void nf_shared_set_lease(struct nf_shared *sh, bool bound, uint32_t ip, uint32_t gw, uint32_t dns)
{
	pthread_mutex_lock(&sh->mu);
	/* the netif's status callback also comes for IPv6's address changes:
	 * the lease's time is when this address was bound */
	if (bound && (!sh->bound || sh->ip != ip))
		sh->t_lease = nf_now_ms();
	sh->bound = bound;
	sh->ip = ip;
	sh->gw = gw;
	sh->dns = dns;
	pthread_cond_broadcast(&sh->cv);
	pthread_mutex_unlock(&sh->mu);
}

void nf_shared_set_ip6(struct nf_shared *sh, const struct nf_ip6_seen *seen)
{
	pthread_mutex_lock(&sh->mu);
	if (seen->preferred && (!sh->bound6 || memcmp(sh->ip6, seen->addr, 16))) {
		memcpy(sh->ip6, seen->addr, 16);
		sh->t_ip6 = nf_now_ms();
	}
	sh->bound6 = seen->preferred;
	sh->dup6 = !seen->preferred && seen->dup;
	sh->ll6 = seen->ll;
	sh->tent6 = seen->tentative;
	pthread_cond_broadcast(&sh->cv);
	pthread_mutex_unlock(&sh->mu);
}

void nf_shared_quit(struct nf_shared *sh)
{
	pthread_mutex_lock(&sh->mu);
	sh->quit = true;
	pthread_cond_broadcast(&sh->cv);
	pthread_mutex_unlock(&sh->mu);
}

int nf_shared_wait(struct nf_shared *sh, bool (*pred)(const struct nf_shared *, const void *),
		   const void *arg, int64_t deadline_ms)
{
	struct timespec dl = {.tv_sec = deadline_ms / 1000,
			      .tv_nsec = (long)(deadline_ms % 1000) * 1000000L};
	int rc = 0;

	pthread_mutex_lock(&sh->mu);
	while (!pred(sh, arg)) {
		if (deadline_ms < 0) {
			pthread_cond_wait(&sh->cv, &sh->mu);
		} else if (pthread_cond_timedwait(&sh->cv, &sh->mu, &dl) == ETIMEDOUT) {
			rc = pred(sh, arg) ? 0 : -ETIMEDOUT;
			break;
		}
	}
	pthread_mutex_unlock(&sh->mu);
	return rc;
}
