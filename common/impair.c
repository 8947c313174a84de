/* Userspace link impairment (see impair.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impair.h"

#define ETH_HDR 14 /* a corrupted bit lands past it: the checksums' job, not the MAC filter's */

static const char *const cfg_names[] = {
#define NF_X(name, help) #name,
    NF_IMPAIR_CFG(NF_X)
#undef NF_X
};
#define NCFG (sizeof(cfg_names) / sizeof(cfg_names[0]))

static int64_t *cfg_field(struct nf_impair_cfg *c, size_t i)
{
	return (int64_t *)c + i; /* the struct is NCFG int64_t in list order */
}

int nf_impair_parse(const char *spec, struct nf_impair_cfg *cfg, char *bad, size_t badlen)
{
	memset(cfg, 0, sizeof(*cfg));
	for (const char *p = spec; *p;) {
		size_t n = strcspn(p, ","), i;
		const char *eq = memchr(p, '=', n);
		char *end = NULL;
		for (i = 0; eq && i < NCFG; i++)
			if (strlen(cfg_names[i]) == (size_t)(eq - p) &&
			    strncmp(cfg_names[i], p, (size_t)(eq - p)) == 0)
				break;
		long long v = eq && i < NCFG ? strtoll(eq + 1, &end, 10) : -1;
		if (!eq || i == NCFG || end != p + n || end == eq + 1 || v < 0) {
			snprintf(bad, badlen, "%.*s", (int)n, p);
			return -EINVAL;
		}
		*cfg_field(cfg, i) = v;
		p += n + (p[n] == ',');
	}
	if (cfg->loss > NF_PPM || cfg->model > NF_LOSS_GILBERT_ELLIOTT || cfg->ge_p > NF_PPM ||
	    cfg->ge_r > NF_PPM || cfg->ge_bad_loss > NF_PPM || cfg->ge_good_loss > NF_PPM ||
	    cfg->duplicate > NF_PPM || cfg->reorder > NF_PPM || cfg->corrupt > NF_PPM) {
		snprintf(bad, badlen, "a probability over %d ppm or an unknown model", NF_PPM);
		return -EINVAL;
	}
	return 0;
}

int nf_impair_format(const struct nf_impair_cfg *cfg, char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NCFG; i++) {
		int64_t v = *cfg_field((struct nf_impair_cfg *)cfg, i);
		if (!v)
			continue;
		int n = snprintf(buf + k, k < len ? len - k : 0, "%s%s=%" PRId64, k ? "," : "",
				 cfg_names[i], v);
		k += n > 0 ? (size_t)n : 0;
	}
	return (int)k;
}

bool nf_impair_active(const struct nf_impair_cfg *c)
{
	bool ge = c->model == NF_LOSS_GILBERT_ELLIOTT && (c->ge_p || c->ge_good_loss);
	return (c->model == NF_LOSS_BERNOULLI && c->loss) || ge || c->delay || c->jitter ||
	       c->duplicate || c->reorder || c->corrupt || c->rate;
}

int nf_impair_init(struct nf_impair *im, const struct nf_impair_cfg *cfg)
{
	memset(im, 0, sizeof(*im));
	im->cfg = *cfg;
	for (int d = 0; d < NF_IMPAIR_DIRS; d++) {
		im->way[d].q = calloc(NF_IMPAIR_QUEUE, sizeof(*im->way[d].q));
		if (!im->way[d].q) {
			nf_impair_free(im);
			return -ENOMEM;
		}
	}
	return 0;
}

void nf_impair_free(struct nf_impair *im)
{
	for (int d = 0; d < NF_IMPAIR_DIRS; d++) {
		free(im->way[d].q);
		im->way[d].q = NULL;
	}
}

/* the choices a frame needs, each its own stream */
enum draw { D_LOSS, D_STATE, D_CORRUPT, D_BIT, D_JITTER, D_REORDER, D_DUP };

/* splitmix64 of (seed, direction, frame, choice): a counter-based
 * generator, so a choice does not depend on how many came before */
static uint64_t draw(const struct nf_impair *im, int d, uint64_t i, enum draw what)
{
	uint64_t z = (uint64_t)im->cfg.seed * 0x9e3779b97f4a7c15ull ^ i * 0xbf58476d1ce4e5b9ull ^
		     ((uint64_t)d << 60 | (uint64_t)what << 52);
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static bool chance(const struct nf_impair *im, int d, uint64_t i, enum draw what, int64_t ppm)
{
	return ppm > 0 && (int64_t)(draw(im, d, i, what) % NF_PPM) < ppm;
}

/* the loss model: the current state's loss, then the state moves (netem's order) */
static bool lost(struct nf_impair *im, int d, uint64_t i)
{
	const struct nf_impair_cfg *c = &im->cfg;
	struct nf_impair_way *w = &im->way[d];

	if (c->model != NF_LOSS_GILBERT_ELLIOTT)
		return chance(im, d, i, D_LOSS, c->loss);
	bool l = chance(im, d, i, D_LOSS, w->bad ? c->ge_bad_loss : c->ge_good_loss);
	if (chance(im, d, i, D_STATE, w->bad ? c->ge_r : c->ge_p))
		w->bad = !w->bad;
	return l;
}

/* delay +- jitter, never before now nor before the frame ahead; then the
 * rate: the frame leaves once the link has sent it */
static int64_t release_time(struct nf_impair *im, int d, uint64_t i, size_t len, int64_t now)
{
	const struct nf_impair_cfg *c = &im->cfg;
	struct nf_impair_way *w = &im->way[d];
	int64_t t = now + c->delay;

	if (c->jitter)
		t += (int64_t)(draw(im, d, i, D_JITTER) % (uint64_t)(2 * c->jitter + 1)) - c->jitter;
	if (t < now)
		t = now;
	if (t < w->last_release)
		t = w->last_release;
	if (c->rate) {
		if (t < w->busy_until)
			t = w->busy_until;
		t += (int64_t)len * 8 * 1000000 / c->rate;
		w->busy_until = t;
	}
	return t;
}

static bool enqueue(struct nf_impair_way *w, const struct nf_impair_frame *f)
{
	if (w->n == NF_IMPAIR_QUEUE)
		return false;
	w->q[(w->head + w->n++) % NF_IMPAIR_QUEUE] = *f;
	return true;
}

void nf_impair_offer(struct nf_impair *im, enum nf_impair_dir d, const uint8_t *frame, size_t len,
		     int64_t now)
{
	const struct nf_impair_cfg *c = &im->cfg;
	struct nf_impair_way *w = &im->way[d];
	uint64_t i = w->index++;
	struct nf_impair_frame f;

	if (len > NF_IMPAIR_FRAME_MAX)
		len = NF_IMPAIR_FRAME_MAX;
	if (lost(im, d, i) || w->n == NF_IMPAIR_QUEUE) {
		if (i < NF_IMPAIR_PATTERN)
			w->pattern[i / 8] |= (uint8_t)(1u << (i % 8));
		w->c.dropped++;
		w->c.bursts += !w->last_lost;
		w->last_lost = true;
		return;
	}
	w->last_lost = false;
	w->c.passed++;
	memcpy(f.data, frame, len);
	f.len = (uint16_t)len;
	if (len > ETH_HDR && chance(im, d, i, D_CORRUPT, c->corrupt)) {
		uint64_t bit = draw(im, d, i, D_BIT) % ((len - ETH_HDR) * 8);
		f.data[ETH_HDR + bit / 8] ^= (uint8_t)(1u << (bit % 8));
		w->c.corrupted++;
	}
	f.release_us = release_time(im, d, i, len, now);
	w->c.delayed += f.release_us > now;
	if (!w->have_held && chance(im, d, i, D_REORDER, c->reorder)) {
		/* held back: the next frame overtakes it (or it goes at held_until) */
		w->held = f;
		w->have_held = true;
		w->overtaken = false;
		w->held_until = f.release_us + NF_IMPAIR_HOLD_US;
		return;
	}
	w->last_release = f.release_us;
	enqueue(w, &f);
	if (chance(im, d, i, D_DUP, c->duplicate) && enqueue(w, &f))
		w->c.duplicated++;
}

/* when the way's next frame is due, -1 none; *held: it is the held one */
static int64_t way_next(const struct nf_impair_way *w, bool *held)
{
	int64_t t = w->n ? w->q[w->head].release_us : -1;

	*held = w->have_held && (t < 0 || w->held_until <= t);
	return *held ? w->held_until : t;
}

int64_t nf_impair_deadline(const struct nf_impair *im)
{
	int64_t best = -1;
	bool held;

	for (int d = 0; d < NF_IMPAIR_DIRS; d++) {
		int64_t t = way_next(&im->way[d], &held);
		if (t >= 0 && (best < 0 || t < best))
			best = t;
	}
	return best;
}

int nf_impair_pop(struct nf_impair *im, int64_t now, enum nf_impair_dir *dir, uint8_t *buf,
		  size_t *len)
{
	int d = -1;
	int64_t best = -1;
	bool held = false, h;

	for (int k = 0; k < NF_IMPAIR_DIRS; k++) {
		int64_t t = way_next(&im->way[k], &h);
		if (t >= 0 && t <= now && (best < 0 || t < best)) {
			best = t;
			d = k;
			held = h;
		}
	}
	if (d < 0)
		return 0;
	struct nf_impair_way *w = &im->way[d];
	const struct nf_impair_frame *f;
	if (held) {
		f = &w->held;
		w->have_held = false;
		w->c.reordered += w->overtaken; /* a later frame left first */
	} else {
		f = &w->q[w->head];
		w->head = (w->head + 1) % NF_IMPAIR_QUEUE;
		w->n--;
		if (w->have_held && !w->overtaken) { /* the held one goes right after */
			w->overtaken = true;
			w->held_until = f->release_us > w->held.release_us ? f->release_us
									   : w->held.release_us;
		}
	}
	memcpy(buf, f->data, f->len);
	*len = f->len;
	*dir = (enum nf_impair_dir)d;
	return 1;
}

void nf_impair_flush(struct nf_impair *im)
{
	for (int d = 0; d < NF_IMPAIR_DIRS; d++) {
		struct nf_impair_way *w = &im->way[d];
		w->n = 0;
		w->have_held = false;
		w->last_release = w->busy_until = 0;
	}
}

void nf_impair_counts(const struct nf_impair *im, struct nf_impair_counts *out)
{
	memset(out, 0, sizeof(*out));
	for (int d = 0; d < NF_IMPAIR_DIRS; d++) {
#define NF_X(name, help) out->name += im->way[d].c.name;
		NF_IMPAIR_COUNTS(NF_X)
#undef NF_X
	}
}

unsigned nf_impair_pattern(const struct nf_impair *im, enum nf_impair_dir d, char *hex, size_t len)
{
	const struct nf_impair_way *w = &im->way[d];
	size_t k = 0;

	for (size_t b = 0; b < sizeof(w->pattern) && k + 3 <= len; b++)
		k += (size_t)snprintf(hex + k, len - k, "%02x", w->pattern[b]);
	if (len)
		hex[k < len ? k : len - 1] = '\0';
	return w->index < NF_IMPAIR_PATTERN ? (unsigned)w->index : NF_IMPAIR_PATTERN;
}
