#include "merge_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

// The reference read loop of the merge benchmark: the fastest way this code knows to pull a
// buffer through the cores (full-width loads, software prefetch), so merge kernels are compared
// with a read that is as good as theirs.
__attribute__((target("avx512f"))) uint32_t mk_read_checksum_avx512(const float *values, size_t count) {
    __m512i sum = _mm512_setzero_si512();
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        MK_PREFETCH(values + i);
        sum = _mm512_add_epi32(sum, _mm512_loadu_si512(values + i));
    }
    uint32_t total = (uint32_t)_mm512_reduce_add_epi32(sum);
    for (; i < count; i++) {
        uint32_t bits;
        __builtin_memcpy(&bits, values + i, sizeof bits);
        total += bits;
    }
    return total;
}
#endif
