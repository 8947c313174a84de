/* Fault names and run.fault's weighted lists (see faults.h); what each
 * fault does to the network is fault_ops.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"

static const char *const names[] = {
#define NF_X(name, help) #name,
    NF_FAULTS(NF_X)
#undef NF_X
};

const char *nf_fault_name(enum nf_fault f)
{
	return f < NF_FAULT_COUNT ? names[f] : "-";
}

int nf_fault_parse(const char *word)
{
	for (int i = 0; i < NF_FAULT_COUNT; i++)
		if (strcmp(word, names[i]) == 0)
			return i;
	return -1;
}

int nf_fault_mix_parse(const char *text, struct nf_fault_mix *m, char *err, unsigned errlen)
{
	const char *p = text;

	memset(m, 0, sizeof(*m));
	while (*p) {
		size_t n = strcspn(p, ","), w = strcspn(p, ":,");
		char word[32];
		unsigned long weight = 1;
		snprintf(word, sizeof(word), "%.*s", (int)w, p);
		int f = nf_fault_parse(word);
		if (!n || (p[n] == ',' && !p[n + 1])) {
			snprintf(err, errlen, "an empty name in the list");
			return -EINVAL;
		}
		if (f < 0) {
			snprintf(err, errlen, "no fault '%s'", word);
			return -EINVAL;
		}
		if (w < n) { /* name:weight */
			char *end;
			weight = strtoul(p + w + 1, &end, 10);
			if (end != p + n || weight < 1 || weight > 1000) {
				snprintf(err, errlen, "%s: weight '%.*s' is not 1..1000", word,
					 (int)(n - w - 1), p + w + 1);
				return -EINVAL;
			}
		}
		for (int i = 0; i < m->n; i++)
			if (m->kind[i] == (enum nf_fault)f) {
				snprintf(err, errlen, "%s named twice", word);
				return -EINVAL;
			}
		m->kind[m->n] = (enum nf_fault)f;
		m->weight[m->n++] = (uint32_t)weight;
		m->total += (uint32_t)weight;
		p += n + (p[n] == ',');
	}
	if (!m->n) {
		snprintf(err, errlen, "no fault named");
		return -EINVAL;
	}
	return 0;
}

enum nf_fault nf_fault_mix_pick(const struct nf_fault_mix *m, uint32_t r)
{
	uint32_t x = r % m->total;

	for (int i = 0; i < m->n; i++) {
		if (x < m->weight[i])
			return m->kind[i];
		x -= m->weight[i];
	}
	return m->kind[0];
}

int nf_fault_keeps_carrier(enum nf_fault f)
{
	return f == NF_FAULT_blackhole || f == NF_FAULT_broker_restart || f == NF_FAULT_broker_stall;
}

int nf_fault_has_late_step(enum nf_fault f)
{
	return f == NF_FAULT_dhcp_outage || f == NF_FAULT_dns_outage;
}

int nf_fault_is_ip6(enum nf_fault f)
{
	return f == NF_FAULT_dad_conflict || f == NF_FAULT_router_lifetime0 ||
	       f == NF_FAULT_blackhole6 || f == NF_FAULT_ra_renumber;
}
