import PlanRandom

/// DARE's random masks: 8 xoshiro256** generators run side by side, so one step yields 16 draws
/// and vector kernels can produce them 16 at a time.
///
/// Element 16g + 2l takes the low and 16g + 2l + 1 the high 32 bits of lane l's g-th output,
/// shifted right by one (a uniform draw in [0, 2³¹)); it is kept, times the rescale, when the
/// draw is below the limit. Lane l of the generators for `seed` starts from
/// `SplitMix64.derive(seed, l)`. The portable and C (AVX2, AVX-512) paths give identical bits.
struct DareLanes: Sendable {
    static let laneCount = 8
    private var lanes: [Xoshiro256StarStar]

    /// Generators for one (seed, stream, task, chunk) key.
    init(seed: UInt64) {
        lanes = (0..<Self.laneCount).map { Xoshiro256StarStar(seed: SplitMix64.derive(seed, UInt64($0))) }
    }

    /// Writes source[j] · scale into kept[j] where draw j < limit, else +0, consuming
    /// ⌈count / 16⌉ steps of every lane.
    /// - Precondition: `kept.count >= source.count`.
    mutating func keep(_ source: BufferScope<Float>, limit: Int32, scale: Float, into kept: BufferScope<Float>, kernels: MergeKernels) {
        #if arch(x86_64)
        if let vector = kernels.vectorFunctions {
            var state = [UInt64](repeating: 0, count: 4 * Self.laneCount)
            for (l, lane) in lanes.enumerated() {
                (state[l], state[8 + l], state[16 + l], state[24 + l]) = lane.state
            }
            vector.dareKeep(source.base, source.count, &state, limit, scale, kept.base)
            for l in lanes.indices { lanes[l] = Xoshiro256StarStar(state: (state[l], state[8 + l], state[16 + l], state[24 + l])) }
            return
        }
        #endif
        BufferScope.mutating(&lanes) { lanes in
            let count = source.count
            var start = 0
            // Full groups of 16 without bounds tests, then the ragged end.
            while start + 2 * Self.laneCount <= count {
                for l in 0..<Self.laneCount {
                    let draw = lanes[l].next(), element = start + 2 * l
                    kept[element] = Self.kept(source[element], draw: UInt32(truncatingIfNeeded: draw), limit: limit, scale: scale)
                    kept[element + 1] = Self.kept(source[element + 1], draw: UInt32(truncatingIfNeeded: draw >> 32), limit: limit, scale: scale)
                }
                start += 2 * Self.laneCount
            }
            if start < count {
                for l in 0..<Self.laneCount {
                    let draw = lanes[l].next(), element = start + 2 * l
                    if element < count {
                        kept[element] = Self.kept(source[element], draw: UInt32(truncatingIfNeeded: draw), limit: limit, scale: scale)
                    }
                    if element + 1 < count {
                        kept[element + 1] = Self.kept(
                            source[element + 1], draw: UInt32(truncatingIfNeeded: draw >> 32), limit: limit, scale: scale)
                    }
                }
            }
        }
    }

    /// x · scale when the draw's top 31 bits are below `limit`, else +0 (branch-free).
    @inline(__always)
    static func kept(_ x: Float, draw: UInt32, limit: Int32, scale: Float) -> Float {
        let uniform = Int32(bitPattern: draw >> 1)
        return Float(bitPattern: (x * scale).bitPattern & UInt32(bitPattern: (uniform &- limit) >> 31))
    }
}
