/* run.json (see run_ctx.h): what ran, with which versions, and the
 * scenario as resolved, so a run can be repeated from its folder. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "escape.h"
#include "proc.h"
#include "mbedtls/version.h"
#include "run_ctx.h"
#include "stacks.h"

/* versions for run.json: the first line a program prints about itself */
static void program_version(const struct run *r, const char *name, char *const argv[], char *out,
			    size_t len)
{
	char log[PATH_MAX + 64], line[256] = "";
	struct nf_spawn s = {.nsfd = -1, .log = log, .pass_fd = -1, .argv = argv};
	pid_t pid;

	snprintf(out, len, "unknown");
	snprintf(log, sizeof(log), "%s/logs/version-%s.txt", r->dir, name);
	if (nf_spawn(&s, &pid) < 0)
		return;
	waitpid(pid, NULL, 0);
	FILE *f = fopen(log, "r");
	if (f) {
		/* "... version X" (mosquitto, dnsmasq) or "NAME vX" (hostapd) */
		while (fgets(line, sizeof(line), f) && !strstr(line, "ersion") &&
		       !(strncmp(line, name, strlen(name)) == 0 && strstr(line, " v")))
			;
		fclose(f);
	}
	unlink(log);
	line[strcspn(line, "\n")] = '\0';
	if (line[0])
		snprintf(out, len, "%s", line);
}

int nf_run_write_json(struct run *r, const char *state)
{
	FILE *f = nf_run_open(r, "run.json.tmp");
	char tmp[PATH_MAX + 64], dst[PATH_MAX + 64], t[32];
	struct utsname u;
	struct tm tm;

	if (!f)
		return -errno;
	if (!r->v_mosq[0]) { /* once per run */
		char *mosq[] = {"mosquitto", "-h", NULL}, *dnsm[] = {"dnsmasq", "--version", NULL},
		     *hapd[] = {"hostapd", "-v", NULL};
		program_version(r, "mosquitto", mosq, r->v_mosq, sizeof(r->v_mosq));
		program_version(r, "dnsmasq", dnsm, r->v_dnsmasq, sizeof(r->v_dnsmasq));
		if (strcmp(r->sc->backend, "hostapd") == 0)
			program_version(r, "hostapd", hapd, r->v_hostapd, sizeof(r->v_hostapd));
	}
	uname(&u);
	gmtime_r(&r->started_wall, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "{\n  \"netflap\": \"%s\",\n  \"state\": ", NETFLAP_VERSION);
	nf_put_json_string(f, state);
	fprintf(f, ",\n  \"started\": \"%s\",\n  \"run_id\": \"%s\",\n", t, r->runid);
	fprintf(
	    f, "  \"cycles_done\": %lld,\n  \"csv_version\": 1,\n",
	    (long long)(r->eng.cycle && nf_engine_done(&r->eng) ? r->eng.cycle : r->eng.cycle - 1));
	fprintf(f, "  \"lines_refused\": %lld,\n  \"capture_dropped\": %lld,\n",
		(long long)r->lines_refused, r->cap ? nf_capture_dropped(r->cap) : -1LL);
	fprintf(f, "  \"stack\": ");
	if (nf_stack_write_json(r->sc->stack, f, "  ") < 0)
		nf_put_json_string(f, r->sc->stack);
	fprintf(f, ",\n  \"device_build\": ");
	nf_put_json_string(f, r->device_build[0] ? r->device_build : "-");
	fprintf(f, ",\n  \"versions\": {\"lwip\": ");
	char lwip[32] = "-";
	nf_stack_field(r->sc->stack, "lwip", lwip, sizeof(lwip));
	nf_put_json_string(f, lwip);
	fprintf(f, ", \"stack\": ");
	nf_put_json_string(f, r->sc->stack);
	fprintf(f, ", \"mosquitto\": ");
	nf_put_json_string(f, r->v_mosq);
	fprintf(f, ", \"dnsmasq\": ");
	nf_put_json_string(f, r->v_dnsmasq);
	if (r->v_hostapd[0]) {
		fprintf(f, ", \"hostapd\": ");
		nf_put_json_string(f, r->v_hostapd);
	}
	fprintf(f, ", \"kernel\": ");
	nf_put_json_string(f, u.release);
	if (r->sc->tls) { /* the versions of TLS, and the run's certificate files */
		fprintf(f, ", \"mbedtls\": \"%s\"", MBEDTLS_VERSION_STRING);
		fprintf(f, "},\n  \"tls\": {\"ca\": ");
		nf_put_json_string(f, r->certs.ca);
		fprintf(f, ", \"broker_cert\": ");
		nf_put_json_string(f, r->certs.cert);
		fprintf(f, ", \"broker_key\": ");
		nf_put_json_string(f, r->certs.key);
	}
	fprintf(f, "},\n  \"scenario_file\": ");
	nf_put_json_string(f, r->sc->path);
	fprintf(f, ",\n  \"scenario\": {\n");
	nf_scenario_write_json(r->sc, f, "    ");
	fprintf(f, "  }\n}\n");
	if (fclose(f))
		return -errno;
	snprintf(tmp, sizeof(tmp), "%s/run.json.tmp", r->dir);
	snprintf(dst, sizeof(dst), "%s/run.json", r->dir);
	return rename(tmp, dst) < 0 ? -errno : 0;
}

