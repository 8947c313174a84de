/* On a fatal signal the device writes the frames it died in to stderr (its
 * log), one "netflap-device: frame NAME" line each, then dies of the same
 * signal: the harness names the crash by them (harness/crash.c). */
#ifndef NETFLAP_FATAL_H
#define NETFLAP_FATAL_H

void nf_fatal_install(void);

#endif
