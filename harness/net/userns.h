/* netflap run without root: a user namespace of our own. */
#ifndef NETFLAP_USERNS_H
#define NETFLAP_USERNS_H

#include <stddef.h>

/* Enters a user + network + mount namespace where we are root over the
 * network namespaces we make, with a private /run for them. All of it
 * ends with this process: nothing can be left behind. 0 or -errno with a
 * message in err. */
int nf_enter_user_ns(char *err, size_t len);

#endif
