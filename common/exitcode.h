/* netflap's exit codes (the design's contract), for every command. */
#ifndef NETFLAP_EXITCODE_H
#define NETFLAP_EXITCODE_H

#define NF_EXIT_CLEAN 0   /* ran, verdict clean */
#define NF_EXIT_FINDING 1 /* ran, a leak or a reconnect stall found */
#define NF_EXIT_USAGE 2   /* usage or scenario error */
#define NF_EXIT_ENV 3     /* privilege, a missing program, set-up failed */

#endif
