/* Reading back the flat JSON netflap writes itself (run.json, cell.json:
 * one "key": value a line, strings escaping only " and \). Not a JSON
 * parser: enough for our own files. */
#ifndef NETFLAP_JSON_READ_H
#define NETFLAP_JSON_READ_H

#include <stddef.h>
#include <stdint.h>

/* The whole file (at most 64 KiB), NUL-ended, to free(); NULL if it cannot
 * be read or is empty. */
char *nf_json_slurp(const char *path);
/* The text after the first "key": in json, or NULL. */
const char *nf_json_field(const char *json, const char *key);
/* A JSON string at p into out; the text after it, or NULL when p is not a
 * string (out is then ""). */
const char *nf_json_str_at(const char *p, char *out, size_t len);
/* The string value of key into out; 0, or -ENOENT ("" in out). */
int nf_json_str(const char *json, const char *key, char *out, size_t len);
/* The value of key as a number, also when written as a string ("60"):
 * run.json keeps the scenario's values as strings; def when absent. */
int64_t nf_json_int(const char *json, const char *key, int64_t def);

#endif
