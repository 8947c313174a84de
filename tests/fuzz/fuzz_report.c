/* libFuzzer: the control-channel line parser the harness runs on every
 * line a device sends. A line that parses must survive format + parse
 * unchanged. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum nf_verb verbs[] = {NF_VERB_REPORT, NF_VERB_TEARDOWN, NF_VERB_STATUS};
	struct nf_report a, b;
	char line[4096], out[8192];
	size_t bad;

	if (size >= sizeof(line))
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	for (size_t v = 0; v < 3; v++) {
		if (nf_report_parse(line, verbs[v], &a, &bad) < 0) {
			if (bad > size)
				abort();
			continue;
		}
		int n = nf_report_format(&a, verbs[v], out, sizeof(out));
		if (n < 0)
			abort();
		if (nf_report_parse(out, verbs[v], &b, &bad) < 0)
			abort();
		if (memcmp(a.v, b.v, sizeof(a.v)) != 0)
			abort();
		if (strcmp(a.status[0] ? a.status : "-", b.status[0] ? b.status : "-") != 0)
			abort();
	}
	return 0;
}
