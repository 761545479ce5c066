// AVX2 versions of the merge kernels, for x86-64 CPUs without AVX-512 (e.g. AMD Zen 2/3). Same
// contracts as the AVX-512 ones (see merge_kernels.h), 8 lanes instead of 16: AVX2 has no mask
// registers or compress, so masks are vectors, partial groups use maskload/maskstore, and
// compaction permutes through a 256-entry table.
#include "merge_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#pragma clang fp contract(off)

#define MK_AVX2 __attribute__((target("avx2,popcnt")))

// For each 8-bit mask, the lane indices of its set bits first (the rest zero): the permutation
// that packs the selected lanes to the front. Filled once when the library is loaded, before any
// thread can run a kernel.
static int32_t pack_table[256][8];

__attribute__((constructor)) static void fill_pack_table(void) {
    for (int mask = 0; mask < 256; mask++) {
        int next = 0;
        for (int lane = 0; lane < 8; lane++)
            if (mask & (1 << lane)) pack_table[mask][next++] = lane;
        while (next < 8) pack_table[mask][next++] = 0;
    }
}

// All-ones lanes for the first `count` (< 8 allowed) lanes.
MK_AVX2 static inline __m256i first_lanes(size_t count) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count < 8 ? count : 8)), index);
}

// Unsigned (x - low) <= width, as a lane mask.
MK_AVX2 static inline __m256i inside(__m256i x, __m256i low, __m256i width_biased) {
    const __m256i bias = _mm256_set1_epi32((int)0x80000000u);
    __m256i offset = _mm256_xor_si256(_mm256_sub_epi32(x, low), bias);
    return _mm256_xor_si256(_mm256_cmpgt_epi32(offset, width_biased), _mm256_set1_epi32(-1));
}

MK_AVX2 static inline size_t pack(uint32_t *out, __m256i values, __m256i mask) {
    int bits = _mm256_movemask_ps(_mm256_castsi256_ps(mask));
    __m256i order = _mm256_loadu_si256((const __m256i *)pack_table[bits]);
    _mm256_storeu_si256((__m256i *)out, _mm256_permutevar8x32_epi32(values, order));
    return (size_t)_mm_popcnt_u32((unsigned)bits);
}

MK_AVX2 size_t mk_scan_band_avx2(const float *values, size_t count, uint32_t low, uint32_t high, size_t *above,
                                 uint32_t *candidates, size_t capacity, size_t *scanned) {
    const __m256i magnitude = _mm256_set1_epi32(0x7fffffff), high_v = _mm256_set1_epi32((int)high);
    const __m256i low_v = _mm256_set1_epi32((int)low);
    const __m256i width_biased = _mm256_set1_epi32((int)((high - low) ^ 0x80000000u));
    size_t found = 0, i = 0, count_above = 0;
    for (; i < count && found + 8 <= capacity; i += 8) {
        MK_PREFETCH(values + i);
        __m256i lanes = first_lanes(count - i);
        __m256i bits = _mm256_and_si256(_mm256_maskload_epi32((const int *)(values + i), lanes), magnitude);
        // Magnitudes are below 2^31, so the signed compare orders them correctly.
        __m256i over = _mm256_and_si256(_mm256_cmpgt_epi32(bits, high_v), lanes);
        count_above += (size_t)_mm_popcnt_u32((unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(over)));
        found += pack(candidates + found, bits, _mm256_and_si256(inside(bits, low_v, width_biased), lanes));
    }
    *above += count_above;
    *scanned = i < count ? i : count;
    return found;
}

MK_AVX2 size_t mk_collect_range_avx2(const uint32_t *values, size_t count, uint32_t low, uint32_t high, uint32_t *out) {
    const __m256i low_v = _mm256_set1_epi32((int)low);
    const __m256i width_biased = _mm256_set1_epi32((int)((high - low) ^ 0x80000000u));
    size_t found = 0;
    for (size_t i = 0; i < count; i += 8) {
        __m256i lanes = first_lanes(count - i);
        __m256i bits = _mm256_maskload_epi32((const int *)(values + i), lanes);
        found += pack(out + found, bits, _mm256_and_si256(inside(bits, low_v, width_biased), lanes));
    }
    return found;
}

MK_AVX2 static inline __m256 kept_values(const float *source, __m256i lanes, __m256i cut) {
    __m256 x = _mm256_maskload_ps(source, lanes);
    __m256i magnitude = _mm256_and_si256(_mm256_castps_si256(x), _mm256_set1_epi32(0x7fffffff));
    return _mm256_and_ps(x, _mm256_castsi256_ps(_mm256_cmpgt_epi32(magnitude, cut)));
}

MK_AVX2 static inline void store_group(float *target, __m256i lanes, int full, __m256 values, int streaming) {
    if (full && streaming)
        _mm256_stream_ps(target, values);
    else if (full)
        _mm256_storeu_ps(target, values);
    else
        _mm256_maskstore_ps(target, lanes, values);
}

MK_AVX2 static inline void merge_group(size_t offset, size_t lane_count, size_t task_count, const float *const *sources,
                                       const int32_t *cuts, const float *weights, int consensus, int streaming,
                                       float *out) {
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
    const __m256i lanes = first_lanes(lane_count);
    const int full = lane_count >= 8;
    if (consensus == MK_CONSENSUS_NONE) {
        __m256 sum = zero;
        for (size_t t = 0; t < task_count; t++) {
            __m256 kept = kept_values(sources[t] + offset, lanes, _mm256_set1_epi32(cuts[t]));
            sum = _mm256_add_ps(sum, _mm256_mul_ps(_mm256_set1_ps(weights[t]), kept));
        }
        store_group(out + offset, lanes, full, sum, streaming);
        return;
    }
    __m256 elect = zero;
    for (size_t t = 0; t < task_count; t++) {
        __m256 kept = kept_values(sources[t] + offset, lanes, _mm256_set1_epi32(cuts[t]));
        if (consensus == MK_CONSENSUS_TOTAL) {
            elect = _mm256_add_ps(elect, kept);
        } else {
            __m256 positive = _mm256_and_ps(_mm256_cmp_ps(kept, zero, _CMP_GT_OQ), one);
            __m256 negative = _mm256_and_ps(_mm256_cmp_ps(kept, zero, _CMP_LT_OQ), one);
            elect = _mm256_add_ps(elect, _mm256_sub_ps(positive, negative));
        }
    }
    __m256 sum = zero, agreeing = zero;
    const __m256i magnitude_mask = _mm256_set1_epi32(0x7fffffff);
    for (size_t t = 0; t < task_count; t++) {
        __m256 kept = kept_values(sources[t] + offset, lanes, _mm256_set1_epi32(cuts[t]));
        __m256i bits = _mm256_castps_si256(kept);
        // Agrees: kept is not ±0 and its sign bit equals the elected one's.
        __m256i zero_lanes = _mm256_cmpeq_epi32(_mm256_and_si256(bits, magnitude_mask), _mm256_setzero_si256());
        __m256i opposite = _mm256_srai_epi32(_mm256_xor_si256(bits, _mm256_castps_si256(elect)), 31);
        __m256 agrees = _mm256_castsi256_ps(_mm256_andnot_si256(_mm256_or_si256(zero_lanes, opposite), _mm256_set1_epi32(-1)));
        // Adding +0 where a task disagrees leaves the sum as the Swift kernel's 0 · x does (the
        // sum starts at +0 and is never -0).
        sum = _mm256_add_ps(sum, _mm256_and_ps(agrees, _mm256_mul_ps(_mm256_set1_ps(weights[t]), kept)));
        agreeing = _mm256_add_ps(agreeing, _mm256_and_ps(agrees, one));
    }
    store_group(out + offset, lanes, full, _mm256_div_ps(sum, _mm256_max_ps(agreeing, one)), streaming);
}

MK_AVX2 void mk_merge_avx2(size_t count, size_t task_count, const float *const *sources, const int32_t *cuts,
                           const float *weights, int consensus, int streaming, float *out) {
    size_t i = 0;
    size_t head = streaming ? ((32 - ((uintptr_t)out & 31)) & 31) / sizeof(float) : 0;
    if (head > count) head = count;
    if (head > 0) {
        merge_group(0, head, task_count, sources, cuts, weights, consensus, 0, out);
        i = head;
    }
    for (; i + 8 <= count; i += 8) {
        if (((i - head) & 15) == 0)
            for (size_t t = 0; t < task_count; t++) MK_PREFETCH(sources[t] + i);
        merge_group(i, 8, task_count, sources, cuts, weights, consensus, streaming, out);
    }
    if (i < count) merge_group(i, count - i, task_count, sources, cuts, weights, consensus, 0, out);
    if (streaming) _mm_sfence();
}

MK_AVX2 static inline __m256i rotate_left(__m256i x, int k) {
    return _mm256_or_si256(_mm256_slli_epi64(x, k), _mm256_srli_epi64(x, 64 - k));
}

// One xoshiro256** step on 4 lanes.
MK_AVX2 static inline __m256i xoshiro_step(__m256i *s0, __m256i *s1, __m256i *s2, __m256i *s3) {
    __m256i times5 = _mm256_add_epi64(_mm256_slli_epi64(*s1, 2), *s1);
    __m256i rotated = rotate_left(times5, 7);
    __m256i result = _mm256_add_epi64(_mm256_slli_epi64(rotated, 3), rotated);
    __m256i t = _mm256_slli_epi64(*s1, 17);
    *s2 = _mm256_xor_si256(*s2, *s0);
    *s3 = _mm256_xor_si256(*s3, *s1);
    *s1 = _mm256_xor_si256(*s1, *s2);
    *s0 = _mm256_xor_si256(*s0, *s3);
    *s2 = _mm256_xor_si256(*s2, t);
    *s3 = rotate_left(*s3, 45);
    return result;
}

MK_AVX2 static inline void dare_group(const float *source, float *kept, size_t lane_count, __m256i draws, __m256i limit,
                                      __m256 scale) {
    __m256i lanes = first_lanes(lane_count);
    __m256 keep = _mm256_castsi256_ps(_mm256_cmpgt_epi32(limit, _mm256_srli_epi32(draws, 1)));
    __m256 x = _mm256_maskload_ps(source, lanes);
    _mm256_maskstore_ps(kept, lanes, _mm256_and_ps(keep, _mm256_mul_ps(x, scale)));
}

MK_AVX2 void mk_dare_keep_avx2(const float *source, size_t count, uint64_t *state, int32_t limit, float scale, float *kept) {
    // Lanes 0-3 and 4-7 of the 8 generators in two register sets.
    __m256i a0 = _mm256_loadu_si256((const __m256i *)state), b0 = _mm256_loadu_si256((const __m256i *)(state + 4));
    __m256i a1 = _mm256_loadu_si256((const __m256i *)(state + 8)), b1 = _mm256_loadu_si256((const __m256i *)(state + 12));
    __m256i a2 = _mm256_loadu_si256((const __m256i *)(state + 16)), b2 = _mm256_loadu_si256((const __m256i *)(state + 20));
    __m256i a3 = _mm256_loadu_si256((const __m256i *)(state + 24)), b3 = _mm256_loadu_si256((const __m256i *)(state + 28));
    const __m256i limit_v = _mm256_set1_epi32(limit);
    const __m256 scale_v = _mm256_set1_ps(scale);
    for (size_t i = 0; i < count; i += 16) {
        // Lanes 0-3 give elements 0-7 (low, high half each), lanes 4-7 elements 8-15.
        __m256i low_draws = xoshiro_step(&a0, &a1, &a2, &a3);
        __m256i high_draws = xoshiro_step(&b0, &b1, &b2, &b3);
        size_t remaining = count - i;
        dare_group(source + i, kept + i, remaining, low_draws, limit_v, scale_v);
        if (remaining > 8) dare_group(source + i + 8, kept + i + 8, remaining - 8, high_draws, limit_v, scale_v);
    }
    _mm256_storeu_si256((__m256i *)state, a0);
    _mm256_storeu_si256((__m256i *)(state + 4), b0);
    _mm256_storeu_si256((__m256i *)(state + 8), a1);
    _mm256_storeu_si256((__m256i *)(state + 12), b1);
    _mm256_storeu_si256((__m256i *)(state + 16), a2);
    _mm256_storeu_si256((__m256i *)(state + 20), b2);
    _mm256_storeu_si256((__m256i *)(state + 24), a3);
    _mm256_storeu_si256((__m256i *)(state + 28), b3);
}

MK_AVX2 uint32_t mk_read_checksum_avx2(const float *values, size_t count) {
    __m256i sum = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        if ((i & 15) == 0) MK_PREFETCH(values + i);
        sum = _mm256_add_epi32(sum, _mm256_loadu_si256((const __m256i *)(values + i)));
    }
    uint32_t lanes[8];
    _mm256_storeu_si256((__m256i *)lanes, sum);
    uint32_t total = 0;
    for (int lane = 0; lane < 8; lane++) total += lanes[lane];
    for (; i < count; i++) {
        uint32_t bits;
        __builtin_memcpy(&bits, values + i, sizeof bits);
        total += bits;
    }
    return total;
}
#endif
