// AVX-512 and AVX2 kernels for the hot passes of magnitude / TIES / DARE merges (the top-k band
// scan, the range copy-out, the fused keep / elect / disjoint-mean pass, DARE's masks), the read
// loop that is their bandwidth reference, and the FMA loops that measure the machine's peak.
//
// Swift cannot compile one function for a wider instruction set than the rest of the binary, so
// these loops are written in C with per-function target attributes and chosen at run time
// (mk_avx512_available, mk_avx2_available). PlanKernels keeps portable Swift implementations;
// tests check that all agree bit for bit. Everything here is x86-64 only.
#ifndef MERGE_KERNELS_H
#define MERGE_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)

/// Software prefetch 2 KiB ahead of `pointer`, computed on integers: the address may lie past the
/// end of the buffer (prefetching it is harmless; forming such a pointer would not be).
#define MK_PREFETCH(pointer) _mm_prefetch((const char *)((uintptr_t)(pointer) + 2048), _MM_HINT_T0)

/// 1 when this CPU runs AVX-512 F/VL/BW/DQ code, else 0.
int mk_avx512_available(void);

/// Magnitude scan of values[0..<count], comparing |x| as the integer bit patterns of non-negative
/// floats. Adds the number of entries with |x| > high to *above, writes the |x| bit patterns of
/// entries with low <= |x| <= high to candidates, in index order, and returns how many it wrote.
/// It stops early, before overflowing the buffer (capacity entries, at least 16), and sets
/// *scanned to the number of values it went through.
size_t mk_scan_band_avx512(const float *values, size_t count, uint32_t low, uint32_t high,
                           size_t *above, uint32_t *candidates, size_t capacity, size_t *scanned);

/// Copies the values of values[0..<count] with low <= v <= high to out, in order, and returns
/// how many; out needs room for that many plus 16.
size_t mk_collect_range_avx512(const uint32_t *values, size_t count, uint32_t low, uint32_t high,
                               uint32_t *out);

/// Consensus codes for mk_merge_avx512.
enum { MK_CONSENSUS_NONE = 0, MK_CONSENSUS_TOTAL = 1, MK_CONSENSUS_FREQUENCY = 2 };

/// Merges count elements of task_count task vectors into out.
/// Task t keeps x = sources[t][j] when the bit pattern of |x| is greater than cuts[t] (signed:
/// -1 keeps every entry, INT32_MAX none); other entries count as +0.
/// MK_CONSENSUS_NONE: out = sum_t weights[t] * kept_t.
/// Otherwise the elected sign is that of sum_t kept_t (TOTAL) or sum_t sign(kept_t) (FREQUENCY),
/// +0 counting as positive, and out = sum over agreeing tasks (kept != 0, same sign bit) of
/// weights[t] * kept_t, divided by max(1, number agreeing). Sums run in task order, without
/// fused multiply-adds, so results equal the portable Swift kernel's bit for bit.
/// streaming != 0 writes out with non-temporal stores (for outputs much larger than the caches:
/// saves reading every output line before writing it).
void mk_merge_avx512(size_t count, size_t task_count, const float *const *sources,
                     const int32_t *cuts, const float *weights, int consensus, int streaming,
                     float *out);

/// The sum of the bit patterns of values[0..<count] (wrapping): a read of the buffer at full
/// speed, for the bandwidth reference of the merge benchmark.
uint32_t mk_read_checksum_avx512(const float *values, size_t count);

/// DARE's random keep-and-rescale of source[0..<count] into kept: 8 xoshiro256** generators run
/// side by side (state: s0 of lanes 0-7, then s1, s2, s3; advanced in place). Each step gives 16
/// draws, element 2l the low and 2l + 1 the high 32 bits of lane l, shifted right by one; an
/// element is kept (times scale) when its draw is below limit, else +0. A partial last group still
/// takes a full step. Equal bit for bit to the portable Swift `DareLanes`.
void mk_dare_keep_avx512(const float *source, size_t count, uint64_t *state, int32_t limit,
                         float scale, float *kept);

/// AVX2 versions of the kernels above (8 lanes; same contracts, same bits). Their buffers need
/// 8 entries of slack instead of 16 (16 is always enough). mk_avx2_available: 1 when this CPU
/// runs AVX2 code.
int mk_avx2_available(void);
size_t mk_scan_band_avx2(const float *values, size_t count, uint32_t low, uint32_t high,
                         size_t *above, uint32_t *candidates, size_t capacity, size_t *scanned);
size_t mk_collect_range_avx2(const uint32_t *values, size_t count, uint32_t low, uint32_t high,
                             uint32_t *out);
void mk_merge_avx2(size_t count, size_t task_count, const float *const *sources, const int32_t *cuts,
                   const float *weights, int consensus, int streaming, float *out);
void mk_dare_keep_avx2(const float *source, size_t count, uint64_t *state, int32_t limit, float scale,
                       float *kept);
uint32_t mk_read_checksum_avx2(const float *values, size_t count);

/// 1 when this CPU runs AVX2 and FMA code, else 0.
int mk_avx2_fma_available(void);

/// Runs `iterations` rounds of 12 independent fused multiply-adds on full vectors (AVX-512: 16
/// floats, so 384 FLOP per round; AVX2: 8 floats, 192 FLOP) and returns a value that depends on
/// all of them. Timed on every core at once, it measures the machine's FMA peak.
float mk_fma_loop_avx512(size_t iterations, float seed);
float mk_fma_loop_avx2(size_t iterations, float seed);

#endif
#endif
