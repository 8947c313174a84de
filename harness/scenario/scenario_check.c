/* What single scenario keys cannot check alone (scenario.h:
 * nf_scenario_validate): keys that must agree, adapters that name devices. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "scenario.h"
#include "scenario_int.h"
#include "stacks.h"

int nf_scenario_adapters(const struct nf_scenario *sc, struct nf_devset *out)
{
	const char *p = sc->adapters;

	memset(out, 0, sizeof(*out));
	if (strcmp(p, "all") == 0) {
		for (int i = 0; i < sc->count; i++)
			out->w[i / 64] |= 1ULL << (i % 64);
		return 0;
	}
	while (*p) {
		char *end;
		long i = strtol(p, &end, 10);
		if (end == p || i < 0 || i >= sc->count) {
			memset(out, 0, sizeof(*out));
			return -EINVAL;
		}
		out->w[i / 64] |= 1ULL << (i % 64);
		p = end;
		while (*p == ',' || *p == ' ')
			p++;
	}
	return 0;
}

int nf_scenario_board_item(const char *list, int i, char *out, size_t len)
{
	const char *p = list;

	for (int k = 0; *p; k++) {
		while (*p == ' ')
			p++;
		size_t n = strcspn(p, ",");
		size_t m = n;
		while (m && p[m - 1] == ' ')
			m--;
		if (k == i) {
			if (!m || m >= len)
				return -ENOENT;
			memcpy(out, p, m);
			out[m] = '\0';
			return 0;
		}
		p += n + (p[n] == ',');
	}
	return -ENOENT;
}

/* the field lane: a port for the boards, and a way for each to report */
static int validate_board(const struct nf_scenario *sc, const char *where, char *err,
			  size_t errlen)
{
	bool ext = sc->kind == NF_KIND_EXTERNAL, nl = sc->ap_driver == NF_DRIVER_NL80211;
	bool hw = strcmp(sc->backend, "iface") == 0 || strcmp(sc->backend, "command") == 0;
	const char *list = sc->telemetry == NF_TELEMETRY_MQTT ? sc->board_clients : sc->board_serial;
	char item[256];

	if ((hw || nl) && !ext)
		return nf_scenario_errf(err, errlen, "%s: ap.backend = %s%s flaps a real port: it "
					"needs device.kind = external", where, sc->backend,
					nl ? " (driver nl80211)" : "");
	if (!ext)
		return 0;
	if (!sc->ap_iface[0])
		return nf_scenario_errf(err, errlen, "%s: device.kind = external needs ap.iface: the "
					"host interface the boards are on", where);
	if (!hw && !nl)
		return nf_scenario_errf(err, errlen, "%s: device.kind = external: ap.backend = iface, "
					"command, or hostapd with ap.driver = nl80211", where);
	if (strcmp(sc->backend, "command") == 0 && (!sc->off_command[0] || !sc->on_command[0]))
		return nf_scenario_errf(err, errlen, "%s: ap.backend = command needs ap.off_command "
					"and ap.on_command", where);
	if (strcmp(sc->fault, "flap") || sc->cut_at != NF_CUT_session || sc->tls)
		return nf_scenario_errf(err, errlen, "%s: device.kind = external: run.fault = flap, "
					"run.cut_at = session and device.tls = off only (a board "
					"cannot be asked for STATUS or told where to cut)", where);
	/* the AP waits for no board's word that it saw the carrier go: an off
	 * shorter than a link's detection would be a blur the board never sees */
	if (sc->disable_interval_ms < NF_BOARD_MIN_OFF_MS)
		return nf_scenario_errf(err, errlen, "%s: device.kind = external: run.disable_interval "
					"must be at least %d ms (a board must see its carrier go; a "
					"Wi-Fi station takes seconds)", where, NF_BOARD_MIN_OFF_MS);
	for (int i = 0; i < sc->count; i++)
		if (nf_scenario_board_item(list, i, item, sizeof(item)) < 0)
			return nf_scenario_errf(err, errlen, "%s: board.%s names no board %d (one entry "
						"per device, device.count = %lld)", where,
						sc->telemetry == NF_TELEMETRY_MQTT ? "clients" : "serial",
						i, (long long)sc->count);
	return 0;
}

/* keys that only mean something beside another: set elsewhere, refused */
static int validate_scope(const struct nf_scenario *sc, const char *where, char *err,
			  size_t errlen)
{
	bool cmd = strcmp(sc->backend, "command") == 0, ext = sc->kind == NF_KIND_EXTERNAL;
	const struct {
		bool set, applies;
		const char *key, *needs;
	} scope[] = {
	    {sc->off_command[0], cmd, "ap.off_command", "ap.backend = command"},
	    {sc->on_command[0], cmd, "ap.on_command", "ap.backend = command"},
	    {strcmp(sc->ssid, "netflap") != 0, sc->ap_driver == NF_DRIVER_NL80211, "ap.ssid",
	     "ap.driver = nl80211"},
	    {sc->board_clients[0], ext, "board.clients", "device.kind = external"},
	    {sc->board_serial[0], ext, "board.serial", "device.kind = external"},
	    {sc->ap_iface[0], ext, "ap.iface", "device.kind = external"},
	};

	for (size_t i = 0; i < sizeof(scope) / sizeof(scope[0]); i++)
		if (scope[i].set && !scope[i].applies)
			return nf_scenario_errf(err, errlen, "%s: %s is for %s", where, scope[i].key,
						scope[i].needs);
	return 0;
}

static int validate_ap(const struct nf_scenario *sc, const char *where, char *err, size_t errlen)
{
	int rc = validate_scope(sc, where, err, errlen);

	if (rc)
		return rc;
	size_t pl = strlen(sc->passphrase);

	if (sc->ap_driver == NF_DRIVER_NL80211 && strcmp(sc->backend, "hostapd"))
		return nf_scenario_errf(err, errlen, "%s: ap.driver = nl80211 is hostapd's: set "
					"ap.backend = hostapd", where);
	if (sc->ap_off == NF_AP_OFF_DEAUTH && sc->ap_driver != NF_DRIVER_NL80211)
		return nf_scenario_errf(err, errlen, "%s: ap.off = deauth needs a radio: ap.driver = "
					"nl80211", where);
	if (pl && (pl < 8 || pl > 63))
		return nf_scenario_errf(err, errlen, "%s: ap.passphrase: WPA2-PSK wants 8 to 63 "
					"characters, it has %zu", where, pl);
	if (sc->country[0] && (strlen(sc->country) != 2 || sc->country[0] < 'A' ||
			       sc->country[0] > 'Z' || sc->country[1] < 'A' || sc->country[1] > 'Z'))
		return nf_scenario_errf(err, errlen, "%s: ap.country = '%s': want two capital "
					"letters (DE, US, ...)", where, sc->country);
	if (!sc->ssid[0])
		return nf_scenario_errf(err, errlen, "%s: ap.ssid is empty", where);
	return validate_board(sc, where, err, errlen);
}

static int validate_tls(const struct nf_scenario *sc, const char *where, char *err, size_t errlen)
{
	bool tls_mode = strstr(sc->close_mode, "net_free") != NULL;

	if (!sc->tls && tls_mode)
		return nf_scenario_errf(err, errlen,
					"%s: device.close_mode = %s needs device.tls = on", where,
					sc->close_mode);
	if (sc->tls && strcmp(sc->close_mode, "close+shutdown") == 0)
		return nf_scenario_errf(
		    err, errlen,
		    "%s: device.close_mode = close+shutdown is not a TLS teardown: with "
		    "device.tls = on use net_free, close_notify+net_free or close",
		    where);
	if (sc->tls && strcmp(sc->threads, "rx-task") == 0)
		return nf_scenario_errf(
		    err, errlen,
		    "%s: device.threads = rx-task with device.tls = on is not supported", where);
	if (!sc->tls && sc->cut_at == NF_CUT_tls)
		return nf_scenario_errf(err, errlen, "%s: run.cut_at = tls needs device.tls = on",
					where);
	if (sc->tls && sc->tls_port == sc->port)
		return nf_scenario_errf(err, errlen,
					"%s: broker.tls_port and broker.port are both %lld", where,
					(long long)sc->port);
	return 0;
}

/* What a release cannot honour, refused before anything starts: lwIP
 * before 2.1 has no lwip_poll() and no fd_used in its sockets (the
 * stack's manifest names its release) */
static int validate_release(const struct nf_scenario *sc, const char *where, char *err,
			    size_t errlen)
{
	char ver[32];
	int major = 0, minor = 0;

	if (nf_stack_field(sc->stack, "lwip", ver, sizeof(ver)) < 0 ||
	    sscanf(ver, "%d.%d", &major, &minor) != 2 || major > 2 || (major == 2 && minor >= 1))
		return 0;
	if (strcmp(sc->rx_wait, "poll") == 0)
		return nf_scenario_errf(err, errlen,
					"%s: device.rx_wait = poll: stack '%s' is lwIP %s, which has no "
					"lwip_poll() (2.1 added it); use select or recv",
					where, sc->stack, ver);
	if (sc->socket_limit)
		return nf_scenario_errf(err, errlen,
					"%s: device.socket_limit: stack '%s' is lwIP %s, whose sockets "
					"have no fd_used to pin slots with (2.1 added it)",
					where, sc->stack, ver);
	return 0;
}

/* 1 when stack's manifest lists app in its apps= (into apps, for a message) */
static int stack_has_app(const char *stack, const char *app, char *apps, size_t len)
{
	char item[64];

	nf_stack_field(stack, "apps", apps, len);
	for (int i = 0; nf_scenario_board_item(apps, i, item, sizeof(item)) == 0; i++)
		if (strcmp(item, app) == 0)
			return 1;
	return 0;
}

/* device.client: an app the stack's device was built with (its manifest's
 * apps=); linux runs netflap's own session only; the receive-task shape
 * is netflap's session's */
static int validate_client(const struct nf_scenario *sc, const char *where, char *err,
			   size_t errlen)
{
	char apps[1024] = "netflap", ver[32] = "", profile[16] = "";

	if (strcmp(sc->client, "netflap") == 0)
		return 0;
	/* TLS: the example speaks plain MQTT; lwIP's client needs the altcp_tls
	 * netflap's profiles turn on from 2.1 (a user's app is handed the CA) */
	nf_stack_field(sc->stack, "lwip", ver, sizeof(ver));
	nf_stack_field(sc->stack, "profile", profile, sizeof(profile));
	if (sc->tls && strcmp(sc->client, "example") == 0)
		return nf_scenario_errf(err, errlen, "%s: device.client = example speaks plain MQTT: "
					"device.tls = on is for netflap's own session, lwip-mqtt or an "
					"app of yours", where);
	if (sc->tls && strcmp(sc->client, "lwip-mqtt") == 0 &&
	    (strncmp(ver, "2.0", 3) == 0 || strcmp(profile, "file") == 0))
		return nf_scenario_errf(err, errlen, "%s: device.client = lwip-mqtt with device.tls = "
					"on needs altcp_tls: stack '%s' is lwIP %s with %s options (2.1 "
					"on, netflap's profiles turn it on)", where, sc->stack, ver,
					profile);
	if (strcmp(sc->stack, "linux") == 0 || sc->kind == NF_KIND_EXTERNAL)
		return nf_scenario_errf(err, errlen, "%s: device.client = %s: %s runs netflap's own "
					"session only", where, sc->client,
					sc->kind == NF_KIND_EXTERNAL ? "a board (device.kind = external)"
								     : "stack linux");
	if (!stack_has_app(sc->stack, sc->client, apps, sizeof(apps)))
		return nf_scenario_errf(err, errlen, "%s: device.client = %s: stack '%s' has no such "
					"app (it has: %s; scripts/add-stack.sh --app FILE.c adds one)",
					where, sc->client, sc->stack, apps);
	if (strcmp(sc->threads, "one"))
		return nf_scenario_errf(err, errlen, "%s: device.threads = %s shapes netflap's own "
					"session, not device.client = %s", where, sc->threads,
					sc->client);
	return 0;
}

/* 1 when word is an item of the comma list (a manifest's ipv6=) */
static int list_has(const char *list, const char *word)
{
	char item[32];

	for (int i = 0; nf_scenario_board_item(list, i, item, sizeof(item)) == 0; i++)
		if (strcmp(item, word) == 0)
			return 1;
	return 0;
}

/* device.ip, device.ip6: a device has an address to reach the broker
 * with, its faults act on a family it has, and its stack can take the
 * IPv6 addressing asked (the manifest's ipv6=, what the stack's options
 * build). device.prefer = ip6 without IPv6 is IPv4: the family it has
 * (so one scenario serves a matrix's --ip6 off,slaac). */
static int validate_ip6(const struct nf_scenario *sc, const char *where, char *err, size_t errlen)
{
	bool v6 = nf_scenario_ip6(sc), v4 = strcmp(sc->ip, "off") != 0;
	char modes[64] = "", ver[32] = "";

	if (!v4 && !v6)
		return nf_scenario_errf(err, errlen,
					"%s: device.ip = off needs device.ip6 (slaac, dhcp6 or static): "
					"the device would have no address", where);
	struct nf_fault_mix mix;
	char why[128];
	if (nf_fault_mix_parse(sc->fault, &mix, why, sizeof(why)) == 0)
		for (int i = 0; i < mix.n; i++) {
			if (!v6 && nf_fault_is_ip6(mix.kind[i]))
				return nf_scenario_errf(err, errlen,
							"%s: run.fault %s acts on IPv6: it needs "
							"device.ip6", where, nf_fault_name(mix.kind[i]));
			if (mix.kind[i] == NF_FAULT_ra_renumber && strcmp(sc->ip6, "static") == 0)
				return nf_scenario_errf(err, errlen,
							"%s: run.fault ra_renumber moves the LAN to "
							"another prefix: a static IPv6 address "
							"(device.ip6 = static) stays in the old one "
							"(use slaac or dhcp6)", where);
			if (!v4 && mix.kind[i] == NF_FAULT_blackhole6)
				return nf_scenario_errf(err, errlen,
							"%s: run.fault blackhole6 takes IPv6 away and "
							"keeps IPv4: an IPv6-only device (device.ip = "
							"off) has nothing left", where);
			if (!v4 && (mix.kind[i] == NF_FAULT_dhcp_outage ||
				    mix.kind[i] == NF_FAULT_address_change))
				return nf_scenario_errf(err, errlen,
							"%s: run.fault %s acts on the DHCP lease: an "
							"IPv6-only device (device.ip = off) has none",
							where, nf_fault_name(mix.kind[i]));
		}
	if (!v6 && sc->ip6_keep)
		return nf_scenario_errf(err, errlen,
					"%s: device.ip6_keep = on keeps IPv6 state: it needs device.ip6",
					where);
	if (!v6 && (sc->cut_at == NF_CUT_ra || sc->cut_at == NF_CUT_dad))
		return nf_scenario_errf(err, errlen,
					"%s: run.cut_at = %s is a phase of IPv6's addressing: it needs "
					"device.ip6", where, sc->cut_at == NF_CUT_ra ? "ra" : "dad");
	if (!v6)
		return 0;
	if (sc->reconnect_timeout_ms < 10000)
		return nf_scenario_errf(err, errlen,
					"%s: device.ip6 wants run.reconnect_timeout >= 10s: lwIP's "
					"neighbour discovery takes up to 7 s a reconnect (its 1 s timer, "
					"a router solicitation every 4 s), and a dual-stack device waits "
					"three quarters of the attempt for IPv6", where);
	if (sc->kind == NF_KIND_EXTERNAL)
		return nf_scenario_errf(err, errlen,
					"%s: device.ip6 = %s: a board's IPv6 is not judged yet "
					"(device.kind = external runs IPv4)", where, sc->ip6);
	if (strcmp(sc->stack, "linux") == 0) {
		if (strcmp(sc->ip6, "dhcp6") == 0)
			return nf_scenario_errf(err, errlen,
						"%s: device.ip6 = dhcp6: stack linux is the kernel, which "
						"has no DHCPv6 client; use slaac or static", where);
		return 0;
	}
	nf_stack_field(sc->stack, "lwip", ver, sizeof(ver));
	if (nf_stack_field(sc->stack, "ipv6", modes, sizeof(modes)) < 0 || !strcmp(modes, "off"))
		return nf_scenario_errf(err, errlen,
					"%s: device.ip6 = %s: stack '%s' (lwIP %s) is built without "
					"IPv6 (its options have LWIP_IPV6 0, or the release is older "
					"than netflap's IPv6 port, lwIP 2.1)", where, sc->ip6, sc->stack,
					ver[0] ? ver : "?");
	if (!list_has(modes, sc->ip6))
		return nf_scenario_errf(err, errlen,
					"%s: device.ip6 = %s: stack '%s' (lwIP %s) has IPv6 for %s "
					"only (dhcp6 needs LWIP_IPV6_DHCP6, slaac "
					"LWIP_IPV6_AUTOCONFIG)", where, sc->ip6, sc->stack,
					ver[0] ? ver : "?", modes);
	return 0;
}

int nf_scenario_validate(const struct nf_scenario *sc, char *err, size_t errlen)
{
	const char *where = sc->path[0] ? sc->path : "scenario";

	struct nf_devset set;
	if (nf_scenario_adapters(sc, &set) < 0 ||
	    !memcmp(&set, &(struct nf_devset){{0}}, sizeof(set)))
		return nf_scenario_errf(
		    err, errlen, "%s: ap.adapters = '%s': want all, or device indexes 0..%lld",
		    where, sc->adapters, (long long)sc->count - 1);
	if (strcmp(sc->stack, "linux") == 0 && sc->socket_limit)
		return nf_scenario_errf(err, errlen,
					"%s: device.socket_limit applies to lwIP stacks, not linux",
					where);
	if (strcmp(sc->stack, "linux") == 0 && strcmp(sc->ip, "dhcp") == 0)
		return nf_scenario_errf(err, errlen,
					"%s: device.stack = linux needs device.ip = static", where);
	if (sc->keepalive_ms % 1000)
		return nf_scenario_errf(err, errlen, "%s: device.keepalive must be whole seconds",
					where);
	int rc = validate_tls(sc, where, err, errlen);
	if (!rc)
		rc = validate_release(sc, where, err, errlen);
	if (!rc)
		rc = validate_client(sc, where, err, errlen);
	if (!rc)
		rc = validate_ip6(sc, where, err, errlen);
	return rc ? rc : validate_ap(sc, where, err, errlen);
}
