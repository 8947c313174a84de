/* A run's TLS certificates (see certs.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ecp.h"
#include "mbedtls/entropy.h"
#include "mbedtls/error.h"
#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"

#include "certs.h"

/* what each kind of broker certificate is (enum nf_tls_cert, named by
 * broker.tls_cert's words): its issuer, subject name and validity
 * (mbedTLS's YYYYMMDDhhmmss) */
static const struct kind {
	int other_ca;          /* signed by a CA the device does not trust */
	const char *cn_prefix; /* prepended to the broker's name */
	const char *from, *to;
} kinds[] = {
    [NF_CERT_GOOD] = {0, "", "20250101000000", "20491231235959"},
    [NF_CERT_WRONG_NAME] = {0, "not-", "20250101000000", "20491231235959"},
    [NF_CERT_EXPIRED] = {0, "", "20200101000000", "20210101000000"},
    [NF_CERT_UNTRUSTED] = {1, "", "20250101000000", "20491231235959"},
};

struct gen {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
	char *err;
	size_t errlen;
};

static int fail(struct gen *g, int rc, const char *what)
{
	char msg[128];

	mbedtls_strerror(rc, msg, sizeof(msg));
	snprintf(g->err, g->errlen, "TLS certificates: %s: %s", what, msg);
	return -EIO;
}

static int keygen(struct gen *g, mbedtls_pk_context *k)
{
	int rc = mbedtls_pk_setup(k, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
	if (!rc)
		rc = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*k),
					 mbedtls_ctr_drbg_random, &g->drbg);
	return rc ? fail(g, rc, "key generation") : 0;
}

/* writes PEM text to path, 0600, replacing it */
static int write_pem(struct gen *g, const char *path, const unsigned char *pem)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t len = strlen((const char *)pem);

	if (fd < 0 || write(fd, pem, len) != (ssize_t)len || close(fd) < 0) {
		snprintf(g->err, g->errlen, "TLS certificates: %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	return 0;
}

/* one certificate: subject (its key), issuer (its key and name), dates */
static int issue(struct gen *g, const char *path, mbedtls_pk_context *subj_key, const char *subj,
		 mbedtls_pk_context *iss_key, const char *iss, const struct kind *k, int ca,
		 long serial)
{
	mbedtls_x509write_cert w;
	mbedtls_mpi sn;
	unsigned char pem[4096];
	int rc;

	mbedtls_x509write_crt_init(&w);
	mbedtls_mpi_init(&sn);
	mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&w, subj_key);
	mbedtls_x509write_crt_set_issuer_key(&w, iss_key);
	if ((rc = mbedtls_mpi_lset(&sn, serial)) ||
	    (rc = mbedtls_x509write_crt_set_serial(&w, &sn)) ||
	    (rc = mbedtls_x509write_crt_set_subject_name(&w, subj)) ||
	    (rc = mbedtls_x509write_crt_set_issuer_name(&w, iss)) ||
	    (rc = mbedtls_x509write_crt_set_validity(&w, k->from, k->to)) ||
	    (rc = mbedtls_x509write_crt_set_basic_constraints(&w, ca, ca ? 0 : -1)) ||
	    (rc = mbedtls_x509write_crt_set_subject_key_identifier(&w)) ||
	    (rc = mbedtls_x509write_crt_set_authority_key_identifier(&w)) ||
	    (rc = mbedtls_x509write_crt_pem(&w, pem, sizeof(pem), mbedtls_ctr_drbg_random,
					    &g->drbg)))
		rc = fail(g, rc, path);
	else
		rc = write_pem(g, path, pem);
	mbedtls_mpi_free(&sn);
	mbedtls_x509write_crt_free(&w);
	return rc;
}

static int write_key(struct gen *g, const char *path, mbedtls_pk_context *k)
{
	unsigned char pem[1024];
	int rc = mbedtls_pk_write_key_pem(k, pem, sizeof(pem));

	return rc ? fail(g, rc, path) : write_pem(g, path, pem);
}

static int make(struct gen *g, const char *dir, const struct kind *k, const char *name,
		struct nf_certs *out)
{
	mbedtls_pk_context ca_key, other_key, srv_key;
	char subj[300], other[PATH_MAX + 16];
	static const char ca_name[] = "CN=netflap run CA,O=netflap";
	static const char other_name[] = "CN=netflap other CA,O=netflap";
	int rc;

	mbedtls_pk_init(&ca_key);
	mbedtls_pk_init(&other_key);
	mbedtls_pk_init(&srv_key);
	snprintf(subj, sizeof(subj), "CN=%s%s,O=netflap broker", k->cn_prefix, name);
	snprintf(other, sizeof(other), "%s/other-ca.crt", dir);
	static const struct kind ca_valid = {0, "", "20200101000000", "20491231235959"};
	mbedtls_pk_context *iss = k->other_ca ? &other_key : &ca_key;
	const char *iss_name = k->other_ca ? other_name : ca_name;
	if (!(rc = keygen(g, &ca_key)) && !(rc = keygen(g, &other_key)) &&
	    !(rc = keygen(g, &srv_key)) &&
	    !(rc = issue(g, out->ca, &ca_key, ca_name, &ca_key, ca_name, &ca_valid, 1, 1)) &&
	    !(rc = issue(g, other, &other_key, other_name, &other_key, other_name, &ca_valid, 1,
			 1)) &&
	    !(rc = issue(g, out->cert, &srv_key, subj, iss, iss_name, k, 0, 2)))
		rc = write_key(g, out->key, &srv_key);
	mbedtls_pk_free(&srv_key);
	mbedtls_pk_free(&other_key);
	mbedtls_pk_free(&ca_key);
	return rc;
}

int nf_certs_make(const char *run_dir, enum nf_tls_cert kind, const char *name,
		  struct nf_certs *out, char *err, size_t errlen)
{
	static const char pers[] = "netflap-certs";
	struct gen g = {.err = err, .errlen = errlen};
	char dir[PATH_MAX];
	int rc;

	snprintf(dir, sizeof(dir), "%s/tls", run_dir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "TLS certificates: %s: %s", dir, strerror(errno));
		return -errno;
	}
	snprintf(out->ca, sizeof(out->ca), "%s/ca.crt", dir);
	snprintf(out->cert, sizeof(out->cert), "%s/broker.crt", dir);
	snprintf(out->key, sizeof(out->key), "%s/broker.key", dir);
	mbedtls_entropy_init(&g.entropy);
	mbedtls_ctr_drbg_init(&g.drbg);
	rc = mbedtls_ctr_drbg_seed(&g.drbg, mbedtls_entropy_func, &g.entropy,
				   (const unsigned char *)pers, sizeof(pers) - 1);
	rc = rc ? fail(&g, rc, "seeding") : make(&g, dir, &kinds[kind], name, out);
	mbedtls_ctr_drbg_free(&g.drbg);
	mbedtls_entropy_free(&g.entropy);
	return rc;
}
