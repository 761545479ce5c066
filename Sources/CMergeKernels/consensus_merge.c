#include "merge_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

// Sums must round exactly as the portable Swift kernel's separate multiply and add do.
#pragma clang fp contract(off)

#define MK_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq")))

// The kept value of one task in a 16-lane group (zero where |x| <= cut), loading only `lanes`.
MK_AVX512 static inline __m512 kept_values(const float *source, __mmask16 lanes, __m512i cut) {
    __m512 x = _mm512_maskz_loadu_ps(lanes, source);
    __m512i magnitude = _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(0x7fffffff));
    return _mm512_maskz_mov_ps(_mm512_cmpgt_epi32_mask(magnitude, cut), x);
}

// Stores a finished group: masked for partial groups, non-temporal for aligned full ones when
// streaming.
MK_AVX512 static inline void store_group(float *target, __mmask16 lanes, __m512 values, int streaming) {
    if (streaming && lanes == (__mmask16)0xffff)
        _mm512_stream_ps(target, values);
    else
        _mm512_mask_storeu_ps(target, lanes, values);
}

MK_AVX512 static inline void merge_group(size_t offset, __mmask16 lanes, size_t task_count,
                                         const float *const *sources, const int32_t *cuts,
                                         const float *weights, int consensus, int streaming, float *out) {
    const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.0f);
    if (consensus == MK_CONSENSUS_NONE) {
        __m512 sum = zero;
        for (size_t t = 0; t < task_count; t++) {
            __m512 kept = kept_values(sources[t] + offset, lanes, _mm512_set1_epi32(cuts[t]));
            sum = _mm512_add_ps(sum, _mm512_mul_ps(_mm512_set1_ps(weights[t]), kept));
        }
        store_group(out + offset, lanes, sum, streaming);
        return;
    }
    __m512 elect = zero;
    for (size_t t = 0; t < task_count; t++) {
        __m512 kept = kept_values(sources[t] + offset, lanes, _mm512_set1_epi32(cuts[t]));
        if (consensus == MK_CONSENSUS_TOTAL) {
            elect = _mm512_add_ps(elect, kept);
        } else {
            __m512 sign = _mm512_mask_mov_ps(zero, _mm512_cmp_ps_mask(kept, zero, _CMP_GT_OQ), one);
            sign = _mm512_mask_mov_ps(sign, _mm512_cmp_ps_mask(kept, zero, _CMP_LT_OQ), _mm512_set1_ps(-1.0f));
            elect = _mm512_add_ps(elect, sign);
        }
    }
    __m512 sum = zero, agreeing = zero;
    for (size_t t = 0; t < task_count; t++) {
        __m512 kept = kept_values(sources[t] + offset, lanes, _mm512_set1_epi32(cuts[t]));
        __m512i bits = _mm512_castps_si512(kept);
        // Agrees: kept is not ±0 and its sign bit equals the elected one's.
        __mmask16 nonzero = _mm512_test_epi32_mask(bits, _mm512_set1_epi32(0x7fffffff));
        __mmask16 opposite = _mm512_movepi32_mask(_mm512_xor_si512(bits, _mm512_castps_si512(elect)));
        __mmask16 agrees = _kandn_mask16(opposite, nonzero);
        sum = _mm512_mask_add_ps(sum, agrees, sum, _mm512_mul_ps(_mm512_set1_ps(weights[t]), kept));
        agreeing = _mm512_mask_add_ps(agreeing, agrees, agreeing, one);
    }
    store_group(out + offset, lanes, _mm512_div_ps(sum, _mm512_max_ps(agreeing, one)), streaming);
}

MK_AVX512 void mk_merge_avx512(size_t count, size_t task_count, const float *const *sources,
                               const int32_t *cuts, const float *weights, int consensus, int streaming,
                               float *out) {
    size_t i = 0;
    // Non-temporal stores need 64-byte alignment: a partial first group reaches it.
    size_t head = streaming ? ((64 - ((uintptr_t)out & 63)) & 63) / sizeof(float) : 0;
    if (head > count) head = count;
    if (head > 0) {
        merge_group(0, (__mmask16)((1u << head) - 1), task_count, sources, cuts, weights, consensus, 0, out);
        i = head;
    }
    for (; i + 16 <= count; i += 16) {
        // Software prefetch 2 KiB ahead in every source (see magnitude_scan.c).
        for (size_t t = 0; t < task_count; t++) MK_PREFETCH(sources[t] + i);
        merge_group(i, (__mmask16)0xffff, task_count, sources, cuts, weights, consensus, streaming, out);
    }
    if (i < count)
        merge_group(i, (__mmask16)((1u << (count - i)) - 1), task_count, sources, cuts, weights, consensus, 0, out);
    if (streaming) _mm_sfence();
}
#endif
