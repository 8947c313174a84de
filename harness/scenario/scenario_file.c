/* Scenario files (see scenario.h): read whole, every byte of every line
 * checked before libinih parses it, so nothing hides behind a NUL and no
 * binary or half-typed file starts a run. A line is refused with
 * file:line: for a NUL or another control byte, invalid UTF-8, junk after
 * a section's ']', a key before any section, or a length past what the
 * parser reads. */
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scenario.h"

#define LINE_MAX_CHARS 512 /* longer lines are refused, never cut */

struct load_ctx {
	struct nf_scenario *sc;
	const char *buf;
	size_t len, pos;
	int line;
	bool in_section, failed;
	char *err;
	size_t errlen;
	const char *path;
};

static void fail(struct load_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct load_ctx *c, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (c->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s:%d: %s", c->path, c->line, msg);
	c->failed = true;
}

/* length of the UTF-8 sequence at p (at most n bytes), 0 if invalid */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t k;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		k = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		k = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		k = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (k > n)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (k == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0; /* overlong, a surrogate, or past Unicode */
	return k;
}

/* every byte: text, UTF-8, no control bytes but a tab (and a CR before LF) */
static int check_bytes(struct load_ctx *c, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n;) {
		if (p[i] == '\0') {
			fail(c, "a NUL byte at column %zu: not a text file", i + 1);
			return -EINVAL;
		}
		if ((p[i] < 0x20 && p[i] != '\t' && !(p[i] == '\r' && i + 1 == n)) ||
		    p[i] == 0x7f) {
			fail(c, "control byte 0x%02x at column %zu", p[i], i + 1);
			return -EINVAL;
		}
		size_t k = utf8_len(p + i, n - i);
		if (!k) {
			fail(c, "invalid UTF-8 at column %zu", i + 1);
			return -EINVAL;
		}
		i += k;
	}
	return 0;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* a [section] line: nothing but blanks or a comment after ']';
 * a key line: only under a section */
static int check_shape(struct load_ctx *c, const char *p, size_t n)
{
	size_t i = 0;

	if (c->line == 1 && n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3; /* a UTF-8 byte order mark */
	while (i < n && is_blank(p[i]))
		i++;
	if (i == n || p[i] == ';' || p[i] == '#')
		return 0;
	if (p[i] == '[') {
		const char *close = memchr(p + i, ']', n - i);
		if (!close) {
			fail(c, "a section header without its ']'");
			return -EINVAL;
		}
		for (size_t j = (size_t)(close - p) + 1; j < n; j++) {
			if (p[j] == ';' || p[j] == '#')
				break;
			if (!is_blank(p[j])) {
				fail(c, "'%.*s' after the section header's ']'",
				     (int)(n - j - (p[n - 1] == '\r')), p + j);
				return -EINVAL;
			}
		}
		c->in_section = true;
		return 0;
	}
	if (!c->in_section) {
		size_t k = i;
		while (k < n && p[k] != '=' && p[k] != ':' && !is_blank(p[k]))
			k++;
		fail(c, "'%.*s' before any [section] (sections: run, ap, device, broker, verdict)",
		     (int)(k - i < 40 ? k - i : 40), p + i);
		return -EINVAL;
	}
	return 0;
}

/* libinih's reader: the next line of the buffer, checked first */
static char *reader(char *str, int num, void *stream)
{
	struct load_ctx *c = stream;
	const char *start = c->buf + c->pos, *nl;
	size_t n;

	if (c->failed || c->pos >= c->len)
		return NULL;
	nl = memchr(start, '\n', c->len - c->pos);
	n = nl ? (size_t)(nl - start) : c->len - c->pos;
	c->line++;
	if (check_bytes(c, (const unsigned char *)start, n) < 0 || check_shape(c, start, n) < 0)
		return NULL;
	if (n + 2 > (size_t)num || n > LINE_MAX_CHARS) {
		fail(c, "line longer than %d characters", LINE_MAX_CHARS);
		return NULL;
	}
	memcpy(str, start, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	c->pos += n + (nl ? 1 : 0);
	return str;
}

static int on_pair(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *c = user;
	char msg[400];

	if (c->failed)
		return 0;
	if (nf_scenario_assign(c->sc, section, name, value, msg, sizeof(msg)) < 0) {
		fail(c, "%s", msg);
		return 0;
	}
	return 1;
}

static int read_all(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	int rc = 0;

	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > NF_SCENARIO_MAX_BYTES) {
		snprintf(err, errlen, "%s: not a regular file of at most %d bytes", path,
			 NF_SCENARIO_MAX_BYTES);
		rc = -EINVAL;
	} else if (!(*buf = malloc((size_t)st.st_size + 1))) {
		rc = -ENOMEM;
	} else if ((*len = fread(*buf, 1, (size_t)st.st_size + 1, f)) > (size_t)st.st_size ||
		   ferror(f)) {
		snprintf(err, errlen, "%s: cannot read (changed while read?)", path);
		rc = -EIO;
	}
	fclose(f);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", path);
	return rc;
}

int nf_scenario_load(struct nf_scenario *sc, const char *path, char *err, size_t errlen)
{
	struct load_ctx c = {.sc = sc, .err = err, .errlen = errlen, .path = path};
	char *buf = NULL;
	const char *base, *dot;
	int rc = read_all(path, &buf, &c.len, err, errlen);

	if (rc < 0)
		goto out;
	c.buf = buf;
	rc = ini_parse_stream(reader, &c, on_pair, &c);
	if (c.failed) {
		rc = -EINVAL;
		goto out;
	}
	if (rc != 0) {
		snprintf(err, errlen, "%s:%d: not a 'key = value' line or a [section]", path,
			 rc > 0 ? rc : c.line);
		rc = -EINVAL;
		goto out;
	}
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	snprintf(sc->name, sizeof(sc->name), "%.*s",
		 (int)(dot && dot != base ? (size_t)(dot - base) : strlen(base)), base);
	snprintf(sc->path, sizeof(sc->path), "%s", path);
out:
	free(buf);
	return rc;
}
