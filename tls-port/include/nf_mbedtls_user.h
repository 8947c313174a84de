/* netflap's additions to mbedTLS 2.28's default config.h (read through
 * MBEDTLS_USER_CONFIG_FILE). Debian 12 builds its libmbedtls with the
 * first five switches (debian/rules); netflap builds the same source
 * package itself because Debian's lacks the last two. */
#ifndef NETFLAP_MBEDTLS_USER_H
#define NETFLAP_MBEDTLS_USER_H

/* as Debian's libmbedtls */
#define MBEDTLS_THREADING_C
#define MBEDTLS_THREADING_PTHREAD
#define MBEDTLS_CMAC_C
#define MBEDTLS_DEPRECATED_WARNING
#define MBEDTLS_SSL_DTLS_SRTP

/* mbedtls_platform_set_calloc_free(): TLS's allocations go to a heap the
 * device counts (device.tls_heap: lwIP's own heap, or a separate one) */
#define MBEDTLS_PLATFORM_MEMORY

/* an MCU port's asymmetric buffers: a record in takes the 16 KB the
 * protocol allows, a record out at most 4 KB (ESP-IDF's default shape) */
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096

#endif
