/* The TLS certificates of a run (device.tls = on), made fresh by mbedTLS
 * each run into RUN/tls/ (files 0600): a CA the device trusts and the
 * broker's key and certificate as broker.tls_cert asks: good (the CA's,
 * for the broker's name, valid now), wrong_name, expired, or untrusted
 * (issued by another CA the device does not know). EC P-256 keys. */
#ifndef NETFLAP_CERTS_H
#define NETFLAP_CERTS_H

#include <limits.h>
#include <stddef.h>

enum nf_tls_cert { NF_CERT_GOOD, NF_CERT_WRONG_NAME, NF_CERT_EXPIRED, NF_CERT_UNTRUSTED };

struct nf_certs {
	char ca[PATH_MAX];   /* the device's trust anchor */
	char cert[PATH_MAX]; /* the broker's certificate (its chain) */
	char key[PATH_MAX];  /* and key */
};

/* Makes them for the broker called name. 0 or -errno with a message. */
int nf_certs_make(const char *run_dir, enum nf_tls_cert kind, const char *name,
		  struct nf_certs *out, char *err, size_t errlen);

#endif
