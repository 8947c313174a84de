/* The run registry: where live runs are, for `netflap status`, `stop` and
 * `cleanup`. A run is registered twice: <run folder>/netflap.pid (status
 * and stop find it by folder) and /run/netflap/<runid> (cleanup finds the
 * owner of the netflap-<runid>-* namespaces and spares a live one). */
#ifndef NETFLAP_REGISTRY_H
#define NETFLAP_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "undo.h"

#define NF_REGISTRY_DIR "/run/netflap"

/* Registers this process as the run in dir with id runid; both entries'
 * removal is pushed on u. 0 or -errno with a message in err. */
int nf_registry_add(const char *dir, const char *runid, struct nf_undo *u, char *err,
		    size_t len);

/* `netflap status RUN_DIR`, `netflap stop RUN_DIR`, `netflap cleanup`:
 * exit codes. */
int nf_status(const char *dir);
int nf_stop(const char *dir);
int nf_cleanup(bool quiet);

#endif
