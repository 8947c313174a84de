/* A stand-in board's reports (see board.c). */
#ifndef NETFLAP_BOARD_H
#define NETFLAP_BOARD_H

#include "report.h"
#include "session.h"

/* the report as firmware/netflap_report.c's line: to the console, or kept
 * (the newest only) for the next MQTT session */
void nf_board_report(struct nf_session *s, const struct nf_report *r);

/* in a session just opened: publish the kept line (QoS 0). 0 or -1. */
int nf_board_publish(struct nf_session *s);

#endif
