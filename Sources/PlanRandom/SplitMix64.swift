/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded value-type generator, used to expand one
/// seed into well-mixed state for `Xoshiro256StarStar` and to derive independent stream seeds.
@frozen
public struct SplitMix64: RandomNumberGenerator, Sendable {
    @usableFromInline var state: UInt64

    /// A generator whose sequence is fully determined by `seed`.
    @inlinable
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    /// - Complexity: O(1).
    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The multiplier that spreads a stream index over 64 bits before it is mixed into a seed
    /// (both derivations use it).
    @usableFromInline static let streamMultiplier: UInt64 = 0xD1B5_4A32_D192_ED03

    /// The seed of stream `indices` under `seed`, e.g. (run seed, tensor, task, chunk): the
    /// kernels' derivation (DARE masks, synthetic data, model initialisation). Each index is
    /// mixed in turn: `value = SplitMix64(value ^ index · C).next()`, starting from
    /// `SplitMix64(seed).next()`. The simulation's per-trial streams use
    /// `Xoshiro256StarStar(seed:stream:)`, a different derivation; both are pinned by tests.
    /// - Complexity: O(number of indices).
    @inlinable
    public static func derive(_ seed: UInt64, _ indices: UInt64...) -> UInt64 {
        var mixer = SplitMix64(seed: seed)
        var value = mixer.next()
        for index in indices {
            mixer = SplitMix64(seed: value ^ (index &* streamMultiplier))
            value = mixer.next()
        }
        return value
    }
}
