/* The device's control channel to the harness: line-oriented, one write()
 * per line so a reader never sees half a line, even if the device dies.
 * The verbs and the framing are common/proto.h's. */
#ifndef NETFLAP_CHAN_H
#define NETFLAP_CHAN_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "proto.h"

struct nf_chan {
	pthread_mutex_t mu;
	int fd;        /* -1: no channel, lines go nowhere */
	bool readable; /* a socket the harness may send commands on */
	struct nf_lines in;
};

/* fd may be -1. Takes ownership of fd. */
void nf_chan_init(struct nf_chan *c, int fd);
void nf_chan_close(struct nf_chan *c);

/* Connects to a unix stream socket at path. fd or -errno. */
int nf_chan_connect(const char *path);

/* Writes one line (with its newline). 0 or -errno (-EPIPE: harness gone). */
int nf_chan_write(struct nf_chan *c, const char *line, size_t len);
int nf_chan_printf(struct nf_chan *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Reads what is there; calls on_line for each complete line (without the
 * newline). 0, or -EPIPE at EOF, -EMSGSIZE for an over-long line. */
int nf_chan_read(struct nf_chan *c, void (*on_line)(void *arg, const char *line), void *arg);

#endif
