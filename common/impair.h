/* A userspace link impairment: what tc-netem does to a qdisc, done to the
 * frames of the device's own netif (this kernel has no netem, and the
 * device's netif is in-process anyway). Pure logic over a clock value the
 * caller passes in, so unit tests drive it with a fake clock.
 *
 * Each direction is a FIFO of frames with a release time. A frame offered
 * at `now` is, in this order: lost (Bernoulli, or Gilbert-Elliott as
 * netem's `gemodel p r 1-h 1-k`: the loss is the current state's, then the
 * state moves), corrupted (one bit flipped past the Ethernet header, so
 * lwIP's IP/TCP/UDP checksums are what must catch it), given a release
 * time (delay +- jitter, order kept; then the rate's serialisation), held
 * back behind the next frame (reorder) and copied (duplicate).
 *
 * Every random choice is a function of (seed, direction, frame number,
 * which choice): the same seed gives the same pattern of losses, copies
 * and flips however the frames are timed. */
#ifndef NETFLAP_IMPAIR_H
#define NETFLAP_IMPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NF_IMPAIR_FRAME_MAX 1536
#define NF_IMPAIR_QUEUE 256        /* frames waiting per direction; more are tail-dropped */
#define NF_IMPAIR_HOLD_US 50000    /* a reordered frame waits at most this for a successor */
#define NF_IMPAIR_PATTERN 256      /* losses remembered per direction (reproducibility) */
#define NF_PPM 1000000             /* probabilities are parts per million */

enum nf_impair_dir { NF_IMPAIR_TX, NF_IMPAIR_RX, NF_IMPAIR_DIRS };
enum nf_loss_model { NF_LOSS_BERNOULLI, NF_LOSS_GILBERT_ELLIOTT };

/* X(name, help): the configuration, one int64 each, in the order of the
 * spec string the harness passes to the device (--impair). Probabilities
 * in ppm, times in microseconds, rate in bit/s (0: unlimited). */
#define NF_IMPAIR_CFG(X)                                                                           \
	X(loss, "Bernoulli loss, ppm")                                                             \
	X(model, "enum nf_loss_model")                                                             \
	X(ge_p, "Gilbert-Elliott: good to bad per frame, ppm")                                     \
	X(ge_r, "Gilbert-Elliott: bad to good per frame, ppm")                                     \
	X(ge_bad_loss, "Gilbert-Elliott: loss in the bad state (netem's 1-h), ppm")               \
	X(ge_good_loss, "Gilbert-Elliott: loss in the good state (netem's 1-k), ppm")             \
	X(delay, "added delay, us")                                                                \
	X(jitter, "uniform +- spread around the delay, us")                                        \
	X(duplicate, "frames sent twice, ppm")                                                     \
	X(reorder, "frames held back behind the next one, ppm")                                   \
	X(corrupt, "frames with one bit flipped, ppm")                                             \
	X(rate, "link rate, bit/s (0: unlimited)")                                                 \
	X(seed, "seed of every choice")

struct nf_impair_cfg {
#define NF_X(name, help) int64_t name;
	NF_IMPAIR_CFG(NF_X)
#undef NF_X
};

/* X(name, help): what a link did, counted per direction */
#define NF_IMPAIR_COUNTS(X)                                                                        \
	X(passed, "frames the loss model let through")                                             \
	X(dropped, "frames lost (the loss model, or a full queue)")                                \
	X(bursts, "runs of consecutive losses")                                                    \
	X(delayed, "frames released later than offered")                                           \
	X(duplicated, "extra copies sent")                                                         \
	X(reordered, "frames that left after a later one")                                         \
	X(corrupted, "frames with a bit flipped")

struct nf_impair_counts {
#define NF_X(name, help) uint64_t name;
	NF_IMPAIR_COUNTS(NF_X)
#undef NF_X
};

struct nf_impair_frame {
	int64_t release_us;
	uint16_t len;
	uint8_t data[NF_IMPAIR_FRAME_MAX];
};

struct nf_impair_way {
	struct nf_impair_frame *q; /* ring of NF_IMPAIR_QUEUE */
	unsigned head, n;
	struct nf_impair_frame held;
	bool have_held, overtaken; /* a reordered frame waits; a later one has left */
	int64_t held_until;
	uint64_t index;    /* frames offered so far: the choices' counter */
	bool bad;          /* Gilbert-Elliott state */
	bool last_lost;
	int64_t last_release, busy_until;
	struct nf_impair_counts c;
	uint8_t pattern[NF_IMPAIR_PATTERN / 8]; /* bit i: frame i lost */
};

struct nf_impair {
	struct nf_impair_cfg cfg;
	struct nf_impair_way way[NF_IMPAIR_DIRS];
};

/* Parses "key=value,key=value" (keys of NF_IMPAIR_CFG; missing ones are
 * 0). 0, or -EINVAL with the offending item in bad. */
int nf_impair_parse(const char *spec, struct nf_impair_cfg *cfg, char *bad, size_t badlen);
/* The spec of cfg (the keys that are not 0); returns its length. */
int nf_impair_format(const struct nf_impair_cfg *cfg, char *buf, size_t len);
/* true when cfg changes anything */
bool nf_impair_active(const struct nf_impair_cfg *cfg);

int nf_impair_init(struct nf_impair *im, const struct nf_impair_cfg *cfg);
void nf_impair_free(struct nf_impair *im);

/* A frame enters direction d at now_us. */
void nf_impair_offer(struct nf_impair *im, enum nf_impair_dir d, const uint8_t *frame, size_t len,
		     int64_t now_us);
/* When the next frame is due (absolute us), or -1 when none waits. */
int64_t nf_impair_deadline(const struct nf_impair *im);
/* Takes the next frame due at now_us, in order: 1 (its direction, bytes
 * and length written; buf holds NF_IMPAIR_FRAME_MAX) or 0 when none. */
int nf_impair_pop(struct nf_impair *im, int64_t now_us, enum nf_impair_dir *d, uint8_t *buf,
		  size_t *len);
/* The link went away: what waits is gone (not counted as losses: they
 * were let through; the carrier took them). */
void nf_impair_flush(struct nf_impair *im);

/* Both directions' counts added up. */
void nf_impair_counts(const struct nf_impair *im, struct nf_impair_counts *out);
/* The first NF_IMPAIR_PATTERN frames' losses of direction d as hex, and
 * how many of them were offered so far. */
unsigned nf_impair_pattern(const struct nf_impair *im, enum nf_impair_dir d, char *hex,
			   size_t len);

#endif
