/// xoshiro256** (Blackman & Vigna 2018): a fast, seeded value-type generator; the only source of
/// randomness in the simulation and the kernels. Never use `SystemRandomNumberGenerator` where
/// results must be reproducible.
@frozen
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    @usableFromInline var s0, s1, s2, s3: UInt64

    /// A generator whose sequence is fully determined by `seed` (state expanded by SplitMix64).
    @inlinable
    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    /// The generator for stream (trial) `index` of a run seeded with `seed`: the simulation's
    /// derivation (Monte Carlo trials, Sobol rows), `Xoshiro256StarStar(seed:
    /// SplitMix64(seed ^ index · C).next())`. It differs from `SplitMix64.derive(seed, index)`,
    /// the kernels' derivation; both are kept so that every seeded output stays as it was.
    @inlinable
    public init(seed: UInt64, stream index: UInt64) {
        var mixer = SplitMix64(seed: seed ^ (index &* SplitMix64.streamMultiplier))
        self.init(seed: mixer.next())
    }

    /// A generator continuing from saved state words (vector kernels run several generators side
    /// by side and hand their state back).
    @inlinable
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        (s0, s1, s2, s3) = state
    }

    /// The four state words, in order, for `init(state:)`.
    @inlinable
    public var state: (UInt64, UInt64, UInt64, UInt64) { (s0, s1, s2, s3) }

    /// The next 64 random bits.
    /// - Complexity: O(1).
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = Self.rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Self.rotate(s3, 45)
        return result
    }

    /// A uniform Double in [0, 1) with 53 random bits (one `next()`).
    @inlinable @inline(__always)
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// A uniform Float in [0, 1) with 24 random bits (one `next()`).
    @inlinable @inline(__always)
    public mutating func nextUnitFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    @inlinable @inline(__always)
    static func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
