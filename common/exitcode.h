/* netflap's exit codes (the design's contract), for every command; matrix
 * and merge give the worst cell's meaning: 3 when a cell could not run (or
 * is missing), else 1 when any cell has a finding, else 0. */
#ifndef NETFLAP_EXITCODE_H
#define NETFLAP_EXITCODE_H

#define NF_EXIT_CLEAN 0   /* ran, verdict clean */
#define NF_EXIT_FINDING 1 /* ran, a finding: a leak, a stall, a crash */
#define NF_EXIT_USAGE 2   /* usage or scenario error */
#define NF_EXIT_ENV 3     /* privilege, a missing program, set-up failed */

#endif
