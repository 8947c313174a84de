/* netflap-device: one simulated Wi-Fi device. See README, "The device". */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "args.h"
#include "fatal.h"
#include "carrier.h"
#include "chan.h"
#include "clock.h"
#include "exitcode.h"
#include "nf_probe.h"
#include "proto.h"
#include "session.h"
#include "shared.h"
#include "stack.h"


/* the options: args.c */
static struct nf_dev_opts o;

/* Each lwIP variant is its own binary (the libraries share symbol names):
 * a stack other than this binary's runs its sibling. */
static void exec_sibling(char **argv)
{
	char self[PATH_MAX], path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n < 0) {
		perror("netflap-device: /proc/self/exe");
		exit(NF_EXIT_ENV);
	}
	self[n] = '\0';
	if (strcmp(o.stack, "upstream") == 0)
		snprintf(path, sizeof(path), "%s/netflap-device", dirname(self));
	else
		snprintf(path, sizeof(path), "%s/netflap-device-%s", dirname(self), o.stack);
	execv(path, argv);
	fprintf(stderr, "netflap-device: stack '%s': cannot run %s: %s\n", o.stack, path,
		strerror(errno));
	exit(errno == ENOENT ? NF_EXIT_USAGE : NF_EXIT_ENV);
}

struct loop {
	struct nf_shared *sh;
	struct nf_chan *chan;
	struct nf_session *sess;
	const struct nf_stack_ops *ops;
	struct nf_stack *st;
	struct carrier *car;
};

/* the session ends whatever it waits on now: a wake, not a timer slice */
static void quit_session(struct loop *l)
{
	nf_shared_quit(l->sh);
	nf_netio_wake(&l->sess->io);
}

/* The session thread cuts the link as it enters the armed phase: the
 * stack drops every frame and the carrier is lost, as if the AP went. */
static void cut_link(void *arg)
{
	struct loop *l = arg;

	if (l->ops->blackout)
		l->ops->blackout(l->st, true);
	pthread_mutex_lock(&l->sh->mu);
	l->sh->self_cut = true;
	pthread_mutex_unlock(&l->sh->mu);
	nf_shared_set_carrier(l->sh, false);
	nf_chan_printf(l->chan, "%s down t=%lld cut=1\n", nf_verb_name(NF_VERB_CARRIER),
		       (long long)nf_now_ms());
}

static void on_carrier(void *arg, bool up)
{
	struct loop *l = arg;

	/* a cut ends with the next real carrier event: the harness's AP off */
	pthread_mutex_lock(&l->sh->mu);
	bool was_cut = l->sh->self_cut;
	l->sh->self_cut = false;
	pthread_mutex_unlock(&l->sh->mu);
	if (was_cut && l->ops->blackout)
		l->ops->blackout(l->st, false);
	l->ops->link(l->st, up);
	nf_shared_set_carrier(l->sh, up);
	if (!up)
		nf_netio_wake(&l->sess->io);
	nf_chan_printf(l->chan, "%s %s t=%lld\n", nf_verb_name(NF_VERB_CARRIER), up ? "up" : "down",
		       (long long)nf_now_ms());
}

static void on_command(void *arg, const char *line)
{
	struct loop *l = arg;
	char buf[NF_LINE_MAX];

	switch (nf_verb_of(line)) {
	case NF_VERB_STATUS: {
		int n = nf_session_status(l->sess, buf, sizeof(buf));
		if (n > 0)
			nf_chan_write(l->chan, buf, (size_t)n);
		break;
	}
	case NF_VERB_QUIT:
		quit_session(l);
		break;
	case NF_VERB_CUT: { /* "CUT phase" or "CUT none": for the next reconnect */
		const char *a = line + strlen(nf_verb_name(NF_VERB_CUT));
		int ph = *a == ' ' ? nf_phase_parse(a + 1) : -1;
		pthread_mutex_lock(&l->sh->mu);
		l->sh->cut_armed = ph;
		pthread_mutex_unlock(&l->sh->mu);
		break;
	}
	default:
		nf_chan_printf(l->chan, "ERROR unknown command\n");
	}
}

/* The main thread's one event loop: signals, carrier, frames, commands. */
static int run_loop(struct loop *l)
{
	struct epoll_event ev, evs[8];
	sigset_t set;
	int ep, sfd, rc = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (sfd < 0 || ep < 0) {
		rc = -errno;
		goto out;
	}
	int fds[] = {sfd, carrier_fd(l->car), l->ops->rx_fd(l->st),
		     l->chan->readable ? l->chan->fd : -1};
	for (int i = 0; i < 4; i++) {
		if (fds[i] < 0)
			continue;
		ev = (struct epoll_event){.events = EPOLLIN, .data.fd = fds[i]};
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0) {
			rc = -errno;
			goto out;
		}
	}
	for (;;) {
		pthread_mutex_lock(&l->sh->mu);
		bool quit = l->sh->quit;
		pthread_mutex_unlock(&l->sh->mu);
		if (quit)
			break;
		int n = epoll_wait(ep, evs, 8, -1);
		if (n < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		/* the harness's commands first: a CUT it wrote before switching
		 * the AP on is armed before the carrier event starts the reconnect */
		for (int i = 1; i < n; i++)
			if (evs[i].data.fd == fds[3]) {
				struct epoll_event t = evs[0];
				evs[0] = evs[i];
				evs[i] = t;
			}
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == sfd) {
				quit_session(l);
			} else if (fd == fds[1]) {
				if (carrier_poll(l->car) < 0)
					fprintf(stderr, "netflap-device: carrier watch failed\n");
			} else if (fd == fds[2]) {
				l->ops->rx(l->st);
			} else if (fd == fds[3]) {
				int r = nf_chan_read(l->chan, on_command, l);
				if (r == -EPIPE) /* the harness is gone: so are we */
					quit_session(l);
			}
		}
	}
out:
	if (ep >= 0)
		close(ep);
	if (sfd >= 0)
		close(sfd);
	return rc;
}

/* the first line on the channel: who this device is */
static void hello(struct loop *l)
{
	struct nf_probe p;
	int have = l->ops->probe(l->st, &p) == 0;

	nf_chan_printf(l->chan,
		       "%s netflap-device %d stack=%s pid=%d client=%s close_mode=%s "
		       "num_sockets=%d socket_limit=%d lwip=%s build=%s app=%s\n",
		       nf_verb_name(NF_VERB_HELLO), NF_PROTO_VERSION, o.stack, (int)getpid(),
		       o.s.client_id, nf_close_mode_name(o.s.close_mode), have ? p.num_sockets : -1,
		       have ? p.socket_limit : -1, l->ops == &nf_stack_linux ? "-" : nf_probe_lwip_version(),
		       l->ops == &nf_stack_linux ? "-" : nf_probe_build_id(), o.s.app);
}

/* the stack this binary is, or exec the sibling that is it */
static const struct nf_stack_ops *choose_stack(char **argv)
{
	if (strcmp(o.stack, "linux") == 0)
		return &nf_stack_linux;
	if (strcmp(o.stack, nf_probe_variant()) != 0)
		exec_sibling(argv);
	return &nf_stack_lwip;
}

static int print_version(const struct nf_stack_ops *ops)
{
	if (ops == &nf_stack_linux)
		printf("netflap-device %s (stack linux: the host kernel's sockets)\n", NETFLAP_VERSION);
	else
		printf("netflap-device %s (stack %s; lwIP %s, build %s)\n", NETFLAP_VERSION,
		       nf_probe_variant(), nf_probe_lwip_version(), nf_probe_build_id());
	return 0;
}

/* device.tls: the TLS layer over this stack (the kernel stack has no lwIP
 * heap to give mbedTLS: it gets a separate one, said in the log) */
static int tls_start(struct loop *l)
{
	char err[400];

	if (!o.s.tls.ca_file || strcmp(o.s.app, "netflap"))
		return 0; /* another app does its own TLS: it is handed the CA */
	if (l->ops == &nf_stack_linux && o.s.tls.heap == NF_TLS_HEAP_LWIP) {
		fprintf(stderr, "netflap-device: stack linux has no lwIP heap: mbedTLS gets a "
				"separate one\n");
		o.s.tls.heap = NF_TLS_HEAP_SEPARATE;
	}
	int rc = nf_tls_init(&l->sess->tls, &o.s.tls, l->ops->tls_net, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "netflap-device: TLS: %s\n", err);
	return rc;
}

/* the channel's fd: the harness's (inherited or a unix socket), a stand-in
 * board's console, or -1 (none); -2 when it cannot be opened (said) */
static int open_channel(void)
{
	int cfd = (int)o.control_fd;

	if (o.serial) { /* a stand-in board: its console is where its lines go */
		cfd = open(o.serial, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (cfd < 0) {
			fprintf(stderr, "netflap-device: --serial %s: %s\n", o.serial, strerror(errno));
			return -2;
		}
	} else if (o.control) {
		cfd = nf_chan_connect(o.control);
		if (cfd < 0) {
			fprintf(stderr, "netflap-device: control socket %s: %s\n", o.control,
				strerror(-cfd));
			return -2;
		}
	}
	return cfd;
}

int main(int argc, char **argv)
{
	struct nf_stack_cfg sc;
	struct nf_shared sh;
	struct nf_chan chan;
	struct nf_session sess;
	struct loop l = {.sh = &sh, .chan = &chan, .sess = &sess};
	char err[256] = "";
	sigset_t set;
	pthread_t tid;
	int rc, exit_code = NF_EXIT_ENV;

	if (nf_dev_args(&o, argc, argv) < 0 || (!o.version && nf_dev_stack_cfg(&o, &sc) < 0)) {
		nf_dev_usage(stderr);
		return NF_EXIT_USAGE;
	}
	l.ops = choose_stack(argv);
	if (o.version)
		return print_version(l.ops);

	nf_fatal_install();
	/* signals arrive through the loop's signalfd, in every thread */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	int cfd = open_channel();
	if (cfd == -2)
		return NF_EXIT_ENV;
	nf_chan_init(&chan, cfd);
	nf_shared_init(&sh);

	rc = l.ops->open(&l.st, &sc, &sh, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "netflap-device: stack %s on %s: %s\n", o.stack, o.ifname, err);
		exit_code = rc == -EINVAL ? NF_EXIT_USAGE : NF_EXIT_ENV;
		goto out_chan;
	}
	rc = carrier_open(&l.car, o.ifname, on_carrier, &l, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "netflap-device: carrier watch: %s\n", err);
		goto out_stack;
	}
	nf_session_init(&sess, &o.s, l.ops, l.st, &sh, &chan);
	sess.cut = cut_link;
	sess.cut_arg = &l;
	if (tls_start(&l) < 0)
		goto out_sess;
	rc = nf_session_app_start(&sess);
	if (rc < 0) {
		exit_code = rc == -ENOENT ? NF_EXIT_USAGE : NF_EXIT_ENV;
		goto out_sess;
	}
	hello(&l);
	if (carrier_up(l.car))
		on_carrier(&l, true);
	if (pthread_create(&tid, NULL, nf_session_run, &sess) != 0) {
		fprintf(stderr, "netflap-device: cannot start the session thread\n");
		goto out_sess;
	}
	rc = run_loop(&l);
	quit_session(&l);
	pthread_join(tid, NULL);
	if (rc < 0)
		fprintf(stderr, "netflap-device: event loop: %s\n", strerror(-rc));
	exit_code = rc < 0 ? NF_EXIT_ENV : 0;
out_sess:
	nf_session_app_stop(&sess);
	nf_tls_destroy(sess.tls);
	nf_session_destroy(&sess);
	carrier_close(l.car);
out_stack:
	l.ops->close(l.st);
out_chan:
	nf_shared_destroy(&sh);
	nf_chan_close(&chan);
	return exit_code;
}
