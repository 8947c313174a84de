/* The one clock netflap measures with: CLOCK_MONOTONIC in milliseconds.
 * Device and harness both use it, so their times compare within a host. */
#ifndef NETFLAP_CLOCK_H
#define NETFLAP_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t nf_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
