/* Text into JSON strings and XML/HTML, for run.json, verdict.json,
 * junit.xml and report.html. */
#ifndef NETFLAP_ESCAPE_H
#define NETFLAP_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* s as a quoted JSON string; control characters are dropped. */
void nf_put_json_string(FILE *f, const char *s);
/* n bytes of s with <, >, & and " escaped. */
void nf_put_xml_text(FILE *f, const char *s, size_t n);

#endif
