/* The counted heap mbedTLS allocates from (device/tls_heap.c): what it
 * counts on alloc and free, its peak and mark, refusals over the limit,
 * overflow and the backend's own NULL, zeroing and alignment. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nf_check.h"
#include "tls_heap.h"

/* a backend that gives out a budget of bytes, then NULL */
static size_t budget;
static void *budget_alloc(size_t n)
{
	if (n > budget)
		return NULL;
	budget -= n;
	return malloc(n);
}
static const struct nf_heap_backend tight = {budget_alloc, free};

START_TEST(test_counts_and_peak)
{
	struct nf_heap h;
	struct nf_heap_figures f;

	nf_heap_init(&h, &nf_heap_host, 0);
	unsigned char *a = nf_heap_calloc(&h, 10, 100), *b = nf_heap_calloc(&h, 1, 24);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq((uintptr_t)a % 16, 0);
	for (int i = 0; i < 1000; i++)
		ck_assert_uint_eq(a[i], 0);
	nf_heap_figures(&h, &f);
	ck_assert_int_eq(f.used, 1024);
	ck_assert_int_eq(f.blocks, 2);
	ck_assert_int_eq(f.peak, 1024);
	nf_heap_free(&h, a);
	nf_heap_free(&h, NULL);
	nf_heap_figures(&h, &f);
	ck_assert_int_eq(f.used, 24);
	ck_assert_int_eq(f.blocks, 1);
	ck_assert_int_eq(f.peak, 1024); /* a peak stays until marked */
	nf_heap_mark(&h);
	nf_heap_figures(&h, &f);
	ck_assert_int_eq(f.peak, 24);
	nf_heap_free(&h, b);
	nf_heap_figures(&h, &f);
	ck_assert_int_eq(f.used, 0);
	ck_assert_int_eq(f.fails, 0);
	nf_heap_destroy(&h);
}
END_TEST

START_TEST(test_limit_and_overflow_refused)
{
	struct nf_heap h;
	struct nf_heap_figures f;

	nf_heap_init(&h, &nf_heap_host, 1000);
	void *a = nf_heap_calloc(&h, 1, 600);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_null(nf_heap_calloc(&h, 1, 500)); /* 1100 > 1000 */
	ck_assert_ptr_null(nf_heap_calloc(&h, SIZE_MAX / 2, 4)); /* n * size overflows */
	ck_assert_ptr_null(nf_heap_calloc(&h, 1, SIZE_MAX - 4)); /* the header overflows */
	nf_heap_figures(&h, &f);
	ck_assert_int_eq(f.fails, 3);
	ck_assert_int_eq(f.used, 600);
	void *b = nf_heap_calloc(&h, 1, 400); /* exactly the limit */
	ck_assert_ptr_nonnull(b);
	nf_heap_free(&h, a);
	nf_heap_free(&h, b);
	nf_heap_destroy(&h);
}
END_TEST

START_TEST(test_backend_null_counted)
{
	struct nf_heap h;
	struct nf_heap_figures f;

	budget = 200;
	nf_heap_init(&h, &tight, 0);
	void *a = nf_heap_calloc(&h, 1, 100);
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_null(nf_heap_calloc(&h, 1, 100)); /* 100 + header > what is left */
	nf_heap_figures(&h, &f);
	ck_assert_int_eq(f.fails, 1);
	ck_assert_int_eq(f.used, 100);
	ck_assert_int_eq(f.peak, 100);
	nf_heap_free(&h, a);
	nf_heap_destroy(&h);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tls-heap");
	TCase *tc = tcase_create("tls-heap");

	tcase_add_test(tc, test_counts_and_peak);
	tcase_add_test(tc, test_limit_and_overflow_refused);
	tcase_add_test(tc, test_backend_null_counted);
	suite_add_tcase(s, tc);
	return nf_check_run(s);
}
