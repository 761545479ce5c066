#include "merge_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

// Twelve independent FMA chains: enough to cover the 4-cycle latency of two FMA ports, so the loop
// runs at the core's FMA throughput. The values decay towards a fixed point and stay finite.
#define MK_FMA_CHAINS 12

__attribute__((target("avx512f"))) float mk_fma_loop_avx512(size_t iterations, float seed) {
    __m512 chains[MK_FMA_CHAINS];
    for (int j = 0; j < MK_FMA_CHAINS; j++) chains[j] = _mm512_set1_ps(seed + 0.01f * (float)j);
    const __m512 scale = _mm512_set1_ps(0.999999f), shift = _mm512_set1_ps(1e-7f);
    for (size_t i = 0; i < iterations; i++)
        for (int j = 0; j < MK_FMA_CHAINS; j++) chains[j] = _mm512_fmadd_ps(chains[j], scale, shift);
    __m512 total = chains[0];
    for (int j = 1; j < MK_FMA_CHAINS; j++) total = _mm512_add_ps(total, chains[j]);
    return _mm512_reduce_add_ps(total);
}

__attribute__((target("avx2,fma"))) float mk_fma_loop_avx2(size_t iterations, float seed) {
    __m256 chains[MK_FMA_CHAINS];
    for (int j = 0; j < MK_FMA_CHAINS; j++) chains[j] = _mm256_set1_ps(seed + 0.01f * (float)j);
    const __m256 scale = _mm256_set1_ps(0.999999f), shift = _mm256_set1_ps(1e-7f);
    for (size_t i = 0; i < iterations; i++)
        for (int j = 0; j < MK_FMA_CHAINS; j++) chains[j] = _mm256_fmadd_ps(chains[j], scale, shift);
    __m256 total = chains[0];
    for (int j = 1; j < MK_FMA_CHAINS; j++) total = _mm256_add_ps(total, chains[j]);
    float lanes[8];
    _mm256_storeu_ps(lanes, total);
    return lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7];
}
#endif
