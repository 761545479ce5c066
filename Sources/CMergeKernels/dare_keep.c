#include "merge_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define MK_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq")))

// One xoshiro256** step on 8 lanes at once; returns the 8 outputs. x*5 and x*9 are shifts and
// adds, so no 64-bit multiply is needed.
MK_AVX512 static inline __m512i xoshiro_step(__m512i *s0, __m512i *s1, __m512i *s2, __m512i *s3) {
    __m512i times5 = _mm512_add_epi64(_mm512_slli_epi64(*s1, 2), *s1);
    __m512i rotated = _mm512_rol_epi64(times5, 7);
    __m512i result = _mm512_add_epi64(_mm512_slli_epi64(rotated, 3), rotated);
    __m512i t = _mm512_slli_epi64(*s1, 17);
    *s2 = _mm512_xor_si512(*s2, *s0);
    *s3 = _mm512_xor_si512(*s3, *s1);
    *s1 = _mm512_xor_si512(*s1, *s2);
    *s0 = _mm512_xor_si512(*s0, *s3);
    *s2 = _mm512_xor_si512(*s2, t);
    *s3 = _mm512_rol_epi64(*s3, 45);
    return result;
}

MK_AVX512 void mk_dare_keep_avx512(const float *source, size_t count, uint64_t *state, int32_t limit,
                                   float scale, float *kept) {
    __m512i s0 = _mm512_loadu_si512(state), s1 = _mm512_loadu_si512(state + 8);
    __m512i s2 = _mm512_loadu_si512(state + 16), s3 = _mm512_loadu_si512(state + 24);
    const __m512i limit_v = _mm512_set1_epi32(limit);
    const __m512 scale_v = _mm512_set1_ps(scale);
    for (size_t i = 0; i < count; i += 16) {
        __mmask16 lanes = count - i >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (count - i)) - 1);
        // 8 × 64 random bits read as 16 × 32: element 2l takes the low half of lane l, 2l + 1 the
        // high half; each keeps its top 31 bits as a uniform draw in [0, 2^31).
        __m512i draws = _mm512_srli_epi32(xoshiro_step(&s0, &s1, &s2, &s3), 1);
        __mmask16 keep = _mm512_cmplt_epi32_mask(draws, limit_v);
        __m512 x = _mm512_maskz_loadu_ps(lanes, source + i);
        _mm512_mask_storeu_ps(kept + i, lanes, _mm512_maskz_mov_ps(keep, _mm512_mul_ps(x, scale_v)));
    }
    _mm512_storeu_si512(state, s0);
    _mm512_storeu_si512(state + 8, s1);
    _mm512_storeu_si512(state + 16, s2);
    _mm512_storeu_si512(state + 24, s3);
}
#endif
