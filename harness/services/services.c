/* mosquitto and dnsmasq (see services.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "nf_dns.h"
#include "netns.h"
#include "proc.h"
#include "services.h"

static int in_user_ns(void)
{
	char buf[64] = "";
	FILE *f = fopen("/proc/self/uid_map", "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	/* the initial namespace maps all 2^32 ids from 0 */
	return !strstr(buf, "4294967295");
}

/* the pid is read when the undo runs: a restarted broker is stopped too,
 * and a paused one is let go on first so it can end */
static void undo_stop(void *ctx, const char *name, long unused)
{
	pid_t *pid = ctx;

	(void)name;
	(void)unused;
	if (*pid > 0) {
		kill(*pid, SIGCONT);
		nf_proc_stop(*pid, 2000);
		*pid = -1;
	}
}

/* one probe from inside the AP namespace: a TCP connect, or a DNS query */
static int probe(int nsfd, int dns, int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int saved, fd, ok = 0;

	inet_pton(AF_INET, NF_AP_ADDR, &sa.sin_addr);
	if (nf_netns_enter(nsfd, &saved) < 0)
		return 0;
	fd = socket(AF_INET, (dns ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	nf_netns_leave(saved);
	if (fd < 0)
		return 0;
	if (!dns) {
		ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	} else {
		uint8_t q[128], a[512];
		uint32_t ip;
		int len = nf_dns_build_query(q, sizeof(q), 0x6e66, NF_BROKER_NAME);
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (len > 0 &&
		    sendto(fd, q, (size_t)len, 0, (struct sockaddr *)&sa, sizeof(sa)) == len &&
		    poll(&p, 1, 100) == 1) {
			ssize_t n = recv(fd, a, sizeof(a), 0);
			ok = n > 0 && nf_dns_parse_a(a, (size_t)n, 0x6e66, &ip) == 0;
		}
	}
	close(fd);
	return ok;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fchmod(fileno(f), 0644); /* read by the daemons' own users; never world-writable */
	fputs(text, f);
	return fclose(f) ? -errno : 0;
}

static int spawn_broker(struct nf_services *sv)
{
	char log[PATH_MAX + 32];
	char *mosq[] = {"mosquitto", "-c", sv->conf, NULL};

	snprintf(log, sizeof(log), "%s/logs/mosquitto.log", sv->run_dir);
	struct nf_spawn sm = {.nsfd = sv->nsfd, .log = log, .pass_fd = -1, .argv = mosq};
	return nf_spawn(&sm, &sv->mosquitto);
}

/* device.ip6: the DHCP process also sends router advertisements for the
 * ULA prefix, with itself as the DNS server (RDNSS): SLAAC only (ra-only:
 * the A flag), or SLAAC with stateless DHCPv6 answering for options
 * (ra-stateless: A and O flags). An unsolicited one every 4 s besides the
 * answers to router solicitations. */
static int ra_args(const struct nf_services *sv, char **argv, int k)
{
	if (!sv->ip6[0])
		return k;
	argv[k++] = "--enable-ra";
	/* router_lifetime0: the router withdraws itself (lifetime 0) */
	argv[k++] = sv->ra_withdrawn ? "--ra-param=" NF_BRIDGE ",4,0" : "--ra-param=" NF_BRIDGE ",4,1800";
	argv[k++] = "--dhcp-option=option6:dns-server,[" NF_AP_ADDR6 "]";
	/* ra_renumber: the other prefix; the DNS server keeps its address */
	static const char *const range[2][2] = {
	    {"--dhcp-range=" NF_PREFIX6 ",ra-only,64,1h", "--dhcp-range=" NF_PREFIX6 ",ra-stateless,64,1h"},
	    {"--dhcp-range=" NF_PREFIX6_ALT ",ra-only,64,1h",
	     "--dhcp-range=" NF_PREFIX6_ALT ",ra-stateless,64,1h"}};
	argv[k++] = (char *)range[sv->ra_renumbered][strcmp(sv->ip6, "dhcp6") == 0];
	return k;
}

/* dnsmasq in two processes, so DHCP and DNS can each be silenced
 * (dhcp_outage, dns_outage): one answers DHCP only (--port=0), the other
 * DNS only (no range) */
static int spawn_dnsmasq(struct nf_services *sv, bool dhcp, pid_t *pid)
{
	char log[PATH_MAX + 32], lease_arg[PATH_MAX + 32], hosts_arg[PATH_MAX + 32];

	snprintf(log, sizeof(log), "%s/logs/dnsmasq%s.log", sv->run_dir, dhcp ? "-dhcp" : "");
	snprintf(lease_arg, sizeof(lease_arg), "--dhcp-leasefile=%s/dnsmasq.leases", sv->run_dir);
	snprintf(hosts_arg, sizeof(hosts_arg), "--dhcp-hostsfile=%s", sv->hosts);
	/* in netflap's own user namespace dnsmasq cannot drop privileges
	 * (setgroups is denied there): --no-daemon keeps it from trying */
	char *argv[32] = {"dnsmasq",
			  in_user_ns() ? "--no-daemon" : "--keep-in-foreground",
			  "--log-facility=-",
			  "--conf-file=/dev/null",
			  "--no-resolv",
			  "--no-hosts",
			  "--no-poll",
			  "--no-ping",
			  "--interface=" NF_BRIDGE,
			  "--bind-interfaces",
			  "--pid-file=",
			  "--user=root"};
	int k = 12;
	if (dhcp) {
		argv[k++] = "--port=0";
		/* with DNS off dnsmasq would not name itself as the DNS server */
		argv[k++] = "--dhcp-option=option:dns-server," NF_AP_ADDR;
		argv[k++] = "--dhcp-range=" NF_DHCP_FIRST "," NF_DHCP_LAST "," NF_NETMASK "," NF_DHCP_LEASE;
		argv[k++] = lease_arg;
		argv[k++] = hosts_arg;
		k = ra_args(sv, argv, k);
	} else {
		argv[k++] = "--listen-address=" NF_AP_ADDR;
		argv[k++] = "--address=/" NF_BROKER_NAME "/" NF_AP_ADDR;
		if (sv->ip6[0]) { /* AAAA for the broker's name, asked over either family */
			argv[k++] = "--listen-address=" NF_AP_ADDR6;
			argv[k++] = "--address=/" NF_BROKER_NAME "/" NF_AP_ADDR6;
		}
	}
	argv[k] = NULL;
	struct nf_spawn sd = {.nsfd = sv->nsfd, .log = log, .pass_fd = -1, .argv = argv};
	return nf_spawn(&sd, pid);
}

/* ready when they answer, not after a guessed sleep */
static int wait_ready(struct nf_services *sv, bool broker_only, int timeout_ms, char *err,
		      unsigned errlen)
{
	long long deadline = nf_now_ms() + timeout_ms;
	int broker = 0, dns = broker_only;

	while (!(broker && dns) && nf_now_ms() < deadline) {
		broker = broker || (probe(sv->nsfd, 0, sv->port) &&
				    (!sv->tls_port || probe(sv->nsfd, 0, sv->tls_port)));
		dns = dns || probe(sv->nsfd, 1, 53);
		if (!(broker && dns))
			poll(NULL, 0, 5);
	}
	if (!broker || !dns) {
		snprintf(err, errlen, "%s did not answer within %d ms (see %s/logs/)",
			 !broker ? "mosquitto" : "dnsmasq", timeout_ms, sv->run_dir);
		return -ETIMEDOUT;
	}
	return 0;
}

/* mosquitto's listeners on the AP's address (and its IPv6 one with
 * device.ip6): plain, and TLS with the run's broker certificate and key
 * and the CA for its chain (a listener's settings follow its line) */
static void listeners(char *buf, size_t len, int port, int tls_port, const struct nf_certs *c,
		      bool ip6)
{
	static const char *const addrs[] = {NF_AP_ADDR, NF_AP_ADDR6};
	size_t at = 0;

	buf[0] = '\0';
	for (int i = 0; i < 1 + ip6 && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "listener %d %s\n", port, addrs[i]);
	for (int i = 0; c && i < 1 + ip6 && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at,
				       "listener %d %s\ncafile %s\ncertfile %s\nkeyfile %s\n",
				       tls_port, addrs[i], c->ca, c->cert, c->key);
}

int nf_services_start(struct nf_services *sv, const struct nf_topo *t, const char *run_dir,
		      int port, int tls_port, const struct nf_certs *tls, const char *ip6,
		      int timeout_ms, struct nf_undo *u, char *err, unsigned errlen)
{
	char text[8 * PATH_MAX], listener[7 * PATH_MAX];
	int rc;

	*sv = (struct nf_services){.mosquitto = -1, .dnsmasq = -1, .dhcpd = -1,
				   .nsfd = t->ap_nsfd, .port = port, .tls_port = tls ? tls_port : 0};
	snprintf(sv->ip6, sizeof(sv->ip6), "%s", ip6 && strcmp(ip6, "off") ? ip6 : "");
	listeners(listener, sizeof(listener), port, tls_port, tls, sv->ip6[0] != '\0');
	snprintf(sv->run_dir, sizeof(sv->run_dir), "%s", run_dir);
	snprintf(sv->conf, sizeof(sv->conf), "%s/mosquitto.conf", run_dir);
	snprintf(sv->hosts, sizeof(sv->hosts), "%s/dhcp-hosts", run_dir);
	snprintf(text, sizeof(text),
		 "# generated by netflap\n%sallow_anonymous true\npersistence false\n"
		 "log_dest stdout\nconnection_messages true\nlog_timestamp true\n%s",
		 listener,
		 /* in netflap's own user namespace (no root) there is no other
		  * user to drop to; as real root mosquitto drops to its own,
		  * except with TLS: the broker's key stays in the run folder,
		  * root's and 0600, and mosquitto reads it after the drop */
		 in_user_ns() || tls ? "user root\n" : "");
	if ((rc = write_file(sv->conf, text)) || (rc = write_file(sv->hosts, ""))) {
		snprintf(err, errlen, "%s: %s", rc ? sv->conf : sv->hosts, strerror(-rc));
		return rc;
	}
	static const struct {
		const char *name;
		size_t off;
	} procs[] = {{"mosquitto", offsetof(struct nf_services, mosquitto)},
		     {"dnsmasq", offsetof(struct nf_services, dnsmasq)},
		     {"dnsmasq (DHCP)", offsetof(struct nf_services, dhcpd)}};
	for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++) {
		pid_t *pid = (pid_t *)((char *)sv + procs[i].off);
		rc = i == 0 ? spawn_broker(sv) : spawn_dnsmasq(sv, i == 2, pid);
		if (rc == 0)
			rc = nf_undo_push(u, undo_stop, pid, procs[i].name, 0);
		if (rc) {
			snprintf(err, errlen, "starting %s: %s", procs[i].name, strerror(-rc));
			return rc;
		}
	}
	return wait_ready(sv, false, timeout_ms, err, errlen);
}

int nf_services_broker(struct nf_services *sv, bool on, char *err, unsigned errlen)
{
	if (!on) {
		pid_t pid = sv->mosquitto;
		sv->mosquitto = -1; /* its end is asked for, not a dead service */
		int rc = pid > 0 ? nf_proc_stop(pid, 2000) : 0;
		if (rc < 0)
			snprintf(err, errlen, "stopping mosquitto: %s", strerror(-rc));
		return rc < 0 ? rc : 0;
	}
	int rc = spawn_broker(sv);
	if (rc) {
		snprintf(err, errlen, "starting mosquitto again: %s", strerror(-rc));
		return rc;
	}
	return wait_ready(sv, true, 5000, err, errlen);
}

static pid_t *pid_of(struct nf_services *sv, enum nf_service which)
{
	return which == NF_SVC_BROKER ? &sv->mosquitto : which == NF_SVC_DNS ? &sv->dnsmasq : &sv->dhcpd;
}

int nf_services_pause(struct nf_services *sv, enum nf_service which, bool pause)
{
	pid_t pid = *pid_of(sv, which);

	if (pid <= 0)
		return -ESRCH;
	return kill(pid, pause ? SIGSTOP : SIGCONT) < 0 ? -errno : 0;
}

int nf_services_dhcp_hosts(struct nf_services *sv, const char *text)
{
	int rc = write_file(sv->hosts, text);

	if (rc)
		return rc;
	return kill(sv->dhcpd, SIGHUP) < 0 ? -errno : 0; /* dnsmasq re-reads its hosts file */
}

/* DHCP's dnsmasq started again with *flag set to on (what its router
 * advertisements say); nothing when it already is */
static int ra_restart(struct nf_services *sv, bool *flag, bool on)
{
	pid_t pid = sv->dhcpd;
	int rc;

	if (!sv->ip6[0] || on == *flag)
		return 0;
	sv->dhcpd = -1; /* its end is asked for, not a dead service */
	if (pid > 0 && (rc = nf_proc_stop(pid, 2000)) < 0)
		return rc;
	*flag = on;
	return spawn_dnsmasq(sv, true, &sv->dhcpd);
}

int nf_services_ra_withdraw(struct nf_services *sv, bool withdraw)
{
	return ra_restart(sv, &sv->ra_withdrawn, withdraw);
}

int nf_services_ra_renumber(struct nf_services *sv, bool renumber)
{
	return ra_restart(sv, &sv->ra_renumbered, renumber);
}

const char *nf_services_name(const struct nf_services *sv, pid_t pid)
{
	if (pid == sv->mosquitto)
		return "mosquitto";
	if (pid == sv->dnsmasq)
		return "dnsmasq";
	if (pid == sv->dhcpd)
		return "dnsmasq (DHCP)";
	return NULL;
}
