/* A stand-in board's reports (see board.c). */
#ifndef NETFLAP_BOARD_H
#define NETFLAP_BOARD_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"
#include "session.h"

/* the report as firmware/netflap_report.c's line: to the console, or kept
 * (the newest only) for the next MQTT session */
void nf_board_report(struct nf_session *s, const struct nf_report *r);

/* in a session just opened: the kept line and its topic
 * (netflap/<client id>/report), taken; false when there is none */
bool nf_board_take(struct nf_session *s, char *topic, size_t tlen, char *line, size_t llen);

#endif
