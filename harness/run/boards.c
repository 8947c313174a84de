/* device.kind = external (see run_ctx.h): boards netflap does not start,
 * their lines in the device channel's own format (REPORT k=v ...), read
 * from one of two telemetry paths:
 *   mqtt    one libmosquitto client of netflap's, inside the AP namespace,
 *           subscribed to netflap/+/report on the run's broker; the topic's
 *           client id picks the board (board.clients)
 *   serial  each board's console (board.serial), raw at board.baud; lines
 *           that start "NETFLAP " are telemetry, the rest the board's log
 *           (logs/board-<i>.log)
 * A line from an unknown client, or one that does not parse, is logged in
 * logs/telemetry.log and makes no row. */
#include <errno.h>
#include <fcntl.h>
#include <mosquitto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "netns.h"
#include "run_ctx.h"
#include "subnet.h"

#define TELEMETRY_PREFIX "NETFLAP "
#define TOPIC_FILTER "netflap/+/report"

static void telemetry_log(struct run *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void telemetry_log(struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->tlog)
		return;
	va_start(ap, fmt);
	vfprintf(r->tlog, fmt, ap);
	va_end(ap);
	fputc('\n', r->tlog);
	fflush(r->tlog);
}

/* the board whose client id is id, or -1 */
static int board_of(const struct run *r, const char *id)
{
	char item[256];

	for (int i = 0; i < r->sc->count; i++)
		if (nf_scenario_board_item(r->sc->board_clients, i, item, sizeof(item)) == 0 &&
		    strcmp(item, id) == 0)
			return i;
	return -1;
}

static void on_message(struct mosquitto *m, void *arg, const struct mosquitto_message *msg)
{
	struct run *r = arg;
	char id[128], line[NF_LINE_MAX];
	int end = -1;

	(void)m;
	/* netflap/<client id>/report, nothing after it */
	sscanf(msg->topic, "netflap/%127[^/]/report%n", id, &end);
	if (end < 0 || msg->topic[end] || msg->payloadlen <= 0 ||
	    msg->payloadlen >= (int)sizeof(line)) {
		telemetry_log(r, "dropped a message on %s: not a report", msg->topic);
		return;
	}
	int i = board_of(r, id);
	if (i < 0) {
		telemetry_log(r, "dropped a report from unknown client %s (not in board.clients)", id);
		return;
	}
	memcpy(line, msg->payload, (size_t)msg->payloadlen);
	line[msg->payloadlen] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	nf_devices_line(r, i, line);
}

static void undo_mosq(void *ctx, const char *name, long x)
{
	struct run *r = ctx;

	(void)name;
	(void)x;
	mosquitto_disconnect(r->mosq);
	mosquitto_destroy(r->mosq);
	mosquitto_lib_cleanup();
	r->mosq = NULL;
}

static int start_mqtt(struct run *r, char *err, size_t len)
{
	char id[48];
	int saved, rc;

	mosquitto_lib_init();
	snprintf(id, sizeof(id), "netflap-%s-telemetry", r->runid);
	r->mosq = mosquitto_new(id, true, r);
	if (!r->mosq || (rc = nf_undo_push(&r->undo, undo_mosq, r, "telemetry", 0)) < 0) {
		if (r->mosq)
			mosquitto_destroy(r->mosq);
		snprintf(err, len, "telemetry: the MQTT client could not be made");
		return -ENOMEM;
	}
	mosquitto_message_callback_set(r->mosq, on_message);
	/* its socket is made inside the AP namespace, where the broker is */
	if ((rc = nf_netns_enter(r->topo.ap_nsfd, &saved)) < 0)
		return rc;
	rc = mosquitto_connect(r->mosq, NF_AP_ADDR, (int)nf_scenario_mqtt_port(r->sc), 60);
	nf_netns_leave(saved);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_subscribe(r->mosq, NULL, TOPIC_FILTER, 1);
	if (rc != MOSQ_ERR_SUCCESS) {
		snprintf(err, len, "telemetry: the run's broker at %s: %s", NF_AP_ADDR,
			 mosquitto_strerror(rc));
		return -EIO;
	}
	r->mosq_fd = mosquitto_socket(r->mosq);
	return 0;
}

static speed_t speed_of(int64_t baud)
{
	static const struct {
		int64_t baud;
		speed_t s;
	} t[] = {{1200, B1200},     {2400, B2400},     {4800, B4800},     {9600, B9600},
		 {19200, B19200},   {38400, B38400},   {57600, B57600},   {115200, B115200},
		 {230400, B230400}, {460800, B460800}, {921600, B921600}, {1000000, B1000000},
		 {2000000, B2000000}, {3000000, B3000000}, {4000000, B4000000}};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].baud == baud)
			return t[i].s;
	return 0;
}

/* board i's console: raw, no echo, board.baud; its fd or -errno */
static int open_serial(struct run *r, int i, char *err, size_t len)
{
	char path[256];
	struct termios tio;
	speed_t sp = speed_of(r->sc->board_baud); /* a standard speed: nf_boards_check */

	nf_scenario_board_item(r->sc->board_serial, i, path, sizeof(path)); /* validated */
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, len, "board.serial = %s (board %d): %s", path, i, strerror(errno));
		return errno == ENOENT ? -EINVAL : -errno;
	}
	if (tcgetattr(fd, &tio) < 0) { /* a terminal a moment ago: nf_boards_check */
		snprintf(err, len, "board.serial = %s (board %d): %s", path, i, strerror(errno));
		close(fd);
		return -EINVAL;
	}
	cfmakeraw(&tio);
	tio.c_cflag |= CLOCAL | CREAD;
	cfsetispeed(&tio, sp);
	cfsetospeed(&tio, sp);
	if (tcsetattr(fd, TCSANOW, &tio) < 0) {
		snprintf(err, len, "board.serial = %s: %s", path, strerror(errno));
		close(fd);
		return -EIO;
	}
	return fd;
}

static void undo_fclose(void *ctx, const char *name, long x)
{
	(void)name;
	(void)x;
	fclose(ctx);
}

/* a log in the run folder, closed by the undo; NULL when it cannot be made */
static FILE *open_log(struct run *r, const char *name)
{
	FILE *f = nf_run_open(r, name);

	if (f && nf_undo_push(&r->undo, undo_fclose, f, name, 0) < 0) {
		fclose(f);
		f = NULL;
	}
	return f;
}

int nf_boards_check(const struct nf_scenario *sc, char *err, size_t len)
{
	char path[256];

	for (int i = 0; sc->telemetry == NF_TELEMETRY_SERIAL && i < sc->count; i++) {
		nf_scenario_board_item(sc->board_serial, i, path, sizeof(path)); /* validated */
		int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		bool tty = fd >= 0 && isatty(fd);
		int e = errno;
		if (fd >= 0)
			close(fd);
		if (!tty) {
			snprintf(err, len, "board.serial = %s (board %d): %s", path, i,
				 fd < 0 ? strerror(e) : "not a terminal");
			return -EINVAL;
		}
	}
	return speed_of(sc->board_baud) ? 0 : (snprintf(err, len, "board.baud = %lld: not a "
					       "standard line speed", (long long)sc->board_baud), -EINVAL);
}

int nf_boards_start(struct run *r, char *err, size_t len)
{
	int rc;

	r->tlog = open_log(r, "logs/telemetry.log");
	for (int i = 0; i < r->sc->count; i++) {
		r->dev[i] = (struct dev_chan){.fd = -1, .pid = -1, .status = -1, .hello = true};
		if (r->sc->telemetry != NF_TELEMETRY_SERIAL)
			continue;
		char name[64];
		snprintf(name, sizeof(name), "logs/board-%d.log", i);
		r->dev[i].console = open_log(r, name);
		if ((rc = open_serial(r, i, err, len)) < 0)
			return rc;
		r->dev[i].fd = rc;
		if ((rc = nf_undo_push_close(&r->undo, "board console", r->dev[i].fd)) < 0)
			return rc;
	}
	return r->sc->telemetry == NF_TELEMETRY_MQTT ? start_mqtt(r, err, len) : 0;
}

struct line_ctx {
	struct run *r;
	int i;
};

static void on_console_line(void *arg, const char *line)
{
	struct line_ctx *c = arg;
	struct dev_chan *d = &c->r->dev[c->i];

	if (strncmp(line, TELEMETRY_PREFIX, strlen(TELEMETRY_PREFIX)) == 0) {
		nf_devices_line(c->r, c->i, line + strlen(TELEMETRY_PREFIX));
	} else if (d->console) {
		fprintf(d->console, "%s\n", line);
		fflush(d->console);
	}
}

void nf_boards_read(struct run *r, int i)
{
	struct dev_chan *d = &r->dev[i];
	struct line_ctx ctx = {r, i};
	char buf[4096];
	ssize_t n = read(d->fd, buf, sizeof(buf));

	if (n <= 0) {
		/* a console that went away (unplugged; a pty's other end closed) is
		 * not a crash: the board's rows say no_report from here on */
		if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			d->gone = true;
			nf_run_say(r, "netflap: board %d's console ended: %s", i,
				   n == 0 ? "end of file" : strerror(errno));
		}
		return;
	}
	for (ssize_t k = 0; k < n; k++) /* a console's line ends may be \r\n */
		if (buf[k] == '\r')
			buf[k] = '\n';
	if (nf_lines_feed(&d->in, buf, (size_t)n, on_console_line, &ctx) == -EMSGSIZE)
		telemetry_log(r, "board %d's console: a line over %d bytes dropped", i, NF_LINE_MAX);
}

void nf_boards_mqtt(struct run *r, bool readable)
{
	int rc = MOSQ_ERR_SUCCESS;

	if (!r->mosq)
		return;
	/* every packet that is here before the engine ticks: reports that
	 * arrive together (a firmware may send several per connect) are seen
	 * together, so the engine takes the newest (libmosquitto reads a
	 * packet per call, exactly its bytes) */
	for (int k = 0, left = 1; readable && rc == MOSQ_ERR_SUCCESS && left > 0 && k < 64; k++) {
		rc = mosquitto_loop_read(r->mosq, 1);
		if (ioctl(r->mosq_fd, FIONREAD, &left) < 0)
			left = 0;
	}
	if (rc == MOSQ_ERR_SUCCESS && mosquitto_want_write(r->mosq))
		rc = mosquitto_loop_write(r->mosq, 1);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_loop_misc(r->mosq);
	if (rc != MOSQ_ERR_SUCCESS && !r->fatal[0])
		snprintf(r->fatal, sizeof(r->fatal), "telemetry: the connection to the run's broker "
			 "failed: %s", mosquitto_strerror(rc));
}
