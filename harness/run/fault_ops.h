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

#endif
