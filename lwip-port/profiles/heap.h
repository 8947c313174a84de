/* The `heap` option profile: the `static` profile with lwIP's pools on its
 * heap (MEMP_MEM_MALLOC 1), as ESP-IDF builds lwIP. Every pcb, netconn and
 * pbuf is then a heap block: a leaked socket also shows as heap that does
 * not come back, the field report's "lowest free" sign. The pool counts stay
 * as statistics only; the heap is the limit, so it is sized like a Wi-Fi
 * MCU's share for the network. */
#ifndef NETFLAP_PROFILE_HEAP_H
#define NETFLAP_PROFILE_HEAP_H

#include "static.h"

#undef MEMP_MEM_MALLOC
#define MEMP_MEM_MALLOC 1
#undef MEM_SIZE
#define MEM_SIZE (160 * 1024)

#endif
