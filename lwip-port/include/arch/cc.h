/* lwIP compiler/platform glue for netflap's Linux-hosted port. */
#ifndef NETFLAP_ARCH_CC_H
#define NETFLAP_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>
/* Use the host's struct timeval and errno values, so errno read by the
 * device after a failed lwip_* call means what it means on Linux. */
#include <sys/time.h>
#define LWIP_TIMEVAL_PRIVATE 0
#define LWIP_ERRNO_STDINCLUDE 1
#ifdef NF_TREE_LWIP_2_0 /* its arch.h has no LWIP_ERRNO_STDINCLUDE: the values from here */
#include <errno.h>
#endif

#define LWIP_RAND() ((u32_t)random())

#define LWIP_PLATFORM_DIAG(x)                                                                      \
	do {                                                                                       \
		printf x;                                                                          \
	} while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                                    \
	do {                                                                                       \
		fprintf(stderr, "lwIP assertion \"%s\" failed at line %d in %s\n", x, __LINE__,    \
			__FILE__);                                                                 \
		fflush(NULL);                                                                      \
		abort();                                                                           \
	} while (0)

#endif
