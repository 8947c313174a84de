/* Shared device state and deadline waits (see shared.h). */
#include <errno.h>
#include <time.h>

#include "clock.h"
#include "shared.h"

void nf_shared_init(struct nf_shared *sh)
{
	pthread_condattr_t a;

	*sh = (struct nf_shared){
	    .t_carrier_up = -1, .t_carrier_down = -1, .t_lease = -1, .cut_armed = -1};
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
	sh->bound = bound;
	sh->ip = ip;
	sh->gw = gw;
	sh->dns = dns;
	if (bound)
		sh->t_lease = nf_now_ms();
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
