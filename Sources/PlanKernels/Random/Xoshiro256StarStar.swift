/// xoshiro256** (Blackman, Vigna 2018): a fast seeded value-type generator for DARE masks and
/// synthetic data. Never use `SystemRandomNumberGenerator` in kernels: results must be reproducible.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    /// The state words (readable so vector kernels can run several generators side by side).
    private(set) var s0, s1, s2, s3: UInt64

    /// A generator whose sequence is fully determined by `seed` (state expanded by SplitMix64).
    public init(seed: UInt64) {
        var mixer = SplitMix64(seed: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    /// A generator continuing from saved state words.
    init(state s0: UInt64, _ s1: UInt64, _ s2: UInt64, _ s3: UInt64) {
        (self.s0, self.s1, self.s2, self.s3) = (s0, s1, s2, s3)
    }

    /// The next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotate(s3, 45)
        return result
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    @inline(__always)
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    @inline(__always)
    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}
