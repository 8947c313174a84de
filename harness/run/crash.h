/* A device's crash named by its cause: the signal or exit code, and its
 * last words in its log (an lwIP assertion, a sanitizer's report, the
 * frames of the backtrace netflap-device prints on a fatal signal). */
#ifndef NETFLAP_CRASH_H
#define NETFLAP_CRASH_H

#include <stddef.h>

/* "SIGABRT: lwIP assertion "..." failed at line N in sockets.c; at f <- g"
 * into out from the wait status (status < 0: not reaped yet) and the tail
 * of the log at log_path. Always a string; "" parts are left out. */
void nf_crash_words(const char *log_path, int status, char *out, size_t cap);

#endif
