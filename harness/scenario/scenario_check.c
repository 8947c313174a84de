/* What single scenario keys cannot check alone (scenario.h:
 * nf_scenario_validate): keys that must agree, adapters that name devices. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "scenario_int.h"

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
	return validate_tls(sc, where, err, errlen);
}
