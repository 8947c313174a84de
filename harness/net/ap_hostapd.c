/* AP backend "hostapd": a real hostapd, disabled and enabled through its
 * control interface (libwpa_client), each switch confirmed by its
 * AP-DISABLED / AP-ENABLED event. driver=wired (on the AP bridge) leaves
 * the link alone, so the backend mirrors the AP's state onto the AP ports'
 * carrier: the stations see what a radio going quiet does. driver=nl80211
 * (ap.iface, a real radio moved into the AP namespace) is the radio going
 * quiet; with ap.off = deauth the AP stays up and every station is
 * deauthenticated instead (DEAUTHENTICATE to the broadcast address). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wpa_ctrl.h>

#include "clock.h"
#include "ap.h"
#include "hostapd_conf.h"
#include "wiphy.h"
#include "proc.h"

#define EVENT_TIMEOUT_MS 5000
#define START_TIMEOUT_MS 10000

struct hostapd {
	char ctrl_dir[64], ctrl_path[96];
	struct wpa_ctrl *req, *ev;
	bool on, known; /* hostapd refuses to DISABLE what is disabled */
	struct nf_wiphy radio; /* ap.driver = nl80211: the radio lent */
};

static int request(struct hostapd *h, const char *cmd, char *reply, size_t cap)
{
	size_t len = cap - 1;

	if (wpa_ctrl_request(h->req, cmd, strlen(cmd), reply, &len, NULL) < 0)
		return -EIO;
	reply[len] = '\0';
	return 0;
}

/* waits for an event line containing want, bounded */
static int wait_event(struct hostapd *h, const char *want, int timeout_ms)
{
	long long deadline = nf_now_ms() + timeout_ms;
	char buf[512];

	for (;;) {
		long long left = deadline - nf_now_ms();
		struct pollfd p = {.fd = wpa_ctrl_get_fd(h->ev), .events = POLLIN};
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -ETIMEDOUT;
		size_t len = sizeof(buf) - 1;
		if (wpa_ctrl_recv(h->ev, buf, &len) < 0)
			return -EIO;
		buf[len] = '\0';
		if (strstr(buf, want))
			return 0;
	}
}

static void undo_hostapd(void *ctx, const char *name, long pid)
{
	struct nf_ap *ap = ctx;
	struct hostapd *h = ap->priv;

	(void)name;
	if (h) {
		if (h->ev) {
			wpa_ctrl_detach(h->ev);
			wpa_ctrl_close(h->ev);
		}
		if (h->req)
			wpa_ctrl_close(h->req);
	}
	if (pid > 0)
		nf_proc_stop((pid_t)pid, 2000);
	if (h) {
		unlink(h->ctrl_path);
		rmdir(h->ctrl_dir);
	}
}


static int hostapd_start(struct nf_ap *ap, const char *run_dir, struct nf_undo *u, char *err,
			 unsigned errlen)
{
	struct hostapd *h = calloc(1, sizeof(*h));
	char conf[600], log[600], reply[512];
	FILE *f;
	int rc;

	if (!h || nf_undo_push(u, nf_ap_undo_free_priv, ap, "hostapd state", 0) < 0) {
		free(h);
		return -ENOMEM;
	}
	ap->priv = h;
	/* a short root-only path: unix socket paths are limited to 108 bytes;
	 * the socket is named after the interface hostapd runs */
	snprintf(h->ctrl_dir, sizeof(h->ctrl_dir), "/run/netflap/%s-hostapd", ap->topo->runid);
	snprintf(h->ctrl_path, sizeof(h->ctrl_path), "%s/%s", h->ctrl_dir,
		 ap->sc->ap_driver == NF_DRIVER_NL80211 ? ap->sc->ap_iface : NF_BRIDGE);
	snprintf(conf, sizeof(conf), "%s/hostapd.conf", run_dir);
	snprintf(log, sizeof(log), "%s/logs/hostapd.log", run_dir);
	f = fopen(conf, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", conf, strerror(errno));
		return -errno;
	}
	rc = nf_hostapd_conf(f, ap->sc, h->ctrl_dir);
	fclose(f);
	/* nl80211: the radio joins the AP namespace first, where hostapd runs */
	if (rc == 0 && ap->sc->ap_driver == NF_DRIVER_NL80211)
		rc = nf_wiphy_lend(&h->radio, ap->sc->ap_iface, ap->topo->ap_nsfd, u, err, errlen);
	if (rc) {
		if (rc == -EIO)
			snprintf(err, errlen, "%s: write failed", conf);
		return rc;
	}
	char *argv[] = {"hostapd", conf, NULL};
	struct nf_spawn s = {.nsfd = ap->topo->ap_nsfd, .log = log, .pass_fd = -1, .argv = argv};
	pid_t pid;
	rc = nf_spawn(&s, &pid);
	ap->daemon = pid;
	if (rc || (rc = nf_undo_push(u, undo_hostapd, ap, "hostapd", ap->daemon))) {
		snprintf(err, errlen, "starting hostapd: %s", strerror(-rc));
		return rc;
	}
	/* ready when its control interface answers STATUS with ENABLED */
	long long deadline = nf_now_ms() + START_TIMEOUT_MS;
	while (!h->req && nf_now_ms() < deadline) {
		h->req = wpa_ctrl_open(h->ctrl_path);
		if (!h->req)
			poll(NULL, 0, 20);
	}
	h->ev = h->req ? wpa_ctrl_open(h->ctrl_path) : NULL;
	if (!h->req || !h->ev || wpa_ctrl_attach(h->ev) < 0) {
		snprintf(err, errlen, "hostapd control interface %s did not answer (see %s)",
			 h->ctrl_path, log);
		return -ETIMEDOUT;
	}
	if (request(h, "STATUS", reply, sizeof(reply)) < 0 || !strstr(reply, "state=ENABLED")) {
		snprintf(err, errlen, "hostapd is not enabled: %.80s", reply);
		return -EIO;
	}
	/* the run starts with the AP off */
	rc = ap->ops->set(ap, false);
	if (rc)
		snprintf(err, errlen, "hostapd DISABLE: %s", strerror(-rc));
	return rc;
}

/* every station deauthenticated (a deauthentication frame to the
 * broadcast address, and each station's state dropped) */
static int deauth_all(struct hostapd *h)
{
	char reply[64];
	int rc = request(h, "DEAUTHENTICATE ff:ff:ff:ff:ff:ff", reply, sizeof(reply));

	if (rc == 0 && strncmp(reply, "OK", 2) != 0) {
		fprintf(stderr, "netflap: hostapd DEAUTHENTICATE answered '%.40s'\n", reply);
		rc = -EIO;
	}
	return rc;
}

static int hostapd_set(struct nf_ap *ap, bool on)
{
	struct hostapd *h = ap->priv;
	char reply[64];
	int rc;

	if (ap->sc->ap_driver == NF_DRIVER_NL80211 && ap->sc->ap_off == NF_AP_OFF_DEAUTH)
		return on ? 0 : deauth_all(h); /* the AP stays up: the stations are sent away */
	if (h->known && h->on == on)
		return nf_ap_ports_set(ap, on);
	if (!on) /* the radio goes quiet first, then the stations notice */
		nf_ap_ports_set(ap, false);
	rc = request(h, on ? "ENABLE" : "DISABLE", reply, sizeof(reply));
	if (rc == 0 && strncmp(reply, "OK", 2) != 0) {
		fprintf(stderr, "netflap: hostapd %s answered '%.40s'\n", on ? "ENABLE" : "DISABLE",
			reply);
		rc = -EIO;
	}
	if (rc == 0)
		rc = wait_event(h, on ? "AP-ENABLED" : "AP-DISABLED", EVENT_TIMEOUT_MS);
	if (rc == 0 && on)
		rc = nf_ap_ports_set(ap, true);
	h->known = rc == 0;
	h->on = on;
	return rc;
}

const struct nf_ap_ops nf_ap_hostapd = {
    .name = "hostapd", .start = hostapd_start, .set = hostapd_set};
