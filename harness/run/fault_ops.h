/* The faults' effects on a run (fault_ops.c). */
#ifndef NETFLAP_FAULT_OPS_H
#define NETFLAP_FAULT_OPS_H

#include "faults.h"

struct run;

#include <stdbool.h>

/* The AP backend switched on or off for this cycle. 0, or -errno with
 * r->fatal set (the backend's own words where it has them). */
int nf_run_ap_switch(struct run *r, bool on);

/* Fault f's step on run r. 0, or -errno with r->fatal set. */
int nf_fault_apply(struct run *r, enum nf_fault f, enum nf_fault_step step);

/* The IPv6 faults (fault_ip6.c): f's step, and taking back at a cycle's
 * DOWN what the last one left in force. 0, or -errno with r->fatal set. */
int nf_fault_ip6_apply(struct run *r, enum nf_fault f, enum nf_fault_step step);
int nf_fault_ip6_undo(struct run *r);
/* an IPv6 fault is still in force (the next DOWN takes it back) */
bool nf_fault_ip6_pending(const struct run *r);

#endif
