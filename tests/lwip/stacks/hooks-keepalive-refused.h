/* A firmware's lwIP hooks file (LWIP_HOOK_FILENAME) as add-stack.sh
 * --hooks takes it: this one refuses SO_KEEPALIVE with EACCES, as a
 * firmware might to keep its own keepalive policy. The add-stack test sees
 * the hook compiled in through the so_keepalive row column. */
#ifndef NETFLAP_TEST_HOOKS_H
#define NETFLAP_TEST_HOOKS_H

#include <errno.h>

#define LWIP_HOOK_SOCKETS_SETSOCKOPT(s, sock, level, optname, optval, optlen, err)               \
	(((level) == SOL_SOCKET && (optname) == SO_KEEPALIVE) ? (*(err) = EACCES, 1) : 0)

#endif
