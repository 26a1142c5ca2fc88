/* A stable least-significant-digit radix sort of 64-bit keys. */
#include "internal.h"

#include <string.h>

#define DIGIT_BITS 11
#define DIGITS (1u << DIGIT_BITS)

/* One counting pass on the digit at shift; false when every item has
 * the same digit there (nothing moves). */
static bool pass(const struct sort_item *src, struct sort_item *dst, size_t n,
                 unsigned shift)
{
    size_t count[DIGITS] = {0};
    size_t sum = 0;

    for (size_t i = 0; i < n; i++)
        count[(src[i].key >> shift) & (DIGITS - 1)]++;
    if (count[(src[0].key >> shift) & (DIGITS - 1)] == n)
        return false;
    for (size_t d = 0; d < DIGITS; d++) {
        size_t c = count[d];
        count[d] = sum;
        sum += c;
    }
    for (size_t i = 0; i < n; i++)
        dst[count[(src[i].key >> shift) & (DIGITS - 1)]++] = src[i];
    return true;
}

void ingest_radix_sort(struct sort_item *a, struct sort_item *tmp, size_t n)
{
    struct sort_item *src = a, *dst = tmp;

    if (n < 2)
        return;
    for (unsigned shift = 0; shift < 64; shift += DIGIT_BITS) {
        if (pass(src, dst, n, shift)) {
            struct sort_item *t = src;
            src = dst;
            dst = t;
        }
    }
    if (src != a)
        memcpy(a, src, n * sizeof(*a));
}
