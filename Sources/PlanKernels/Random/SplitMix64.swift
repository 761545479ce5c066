/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator used to expand one seed into
/// well-mixed state for `Xoshiro256StarStar` and to derive independent stream seeds.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fully determined by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A seed for stream `indices` under `seed`, e.g. (run seed, tensor, task, chunk).
    public static func derive(_ seed: UInt64, _ indices: UInt64...) -> UInt64 {
        var mixer = SplitMix64(seed: seed)
        var value = mixer.next()
        for index in indices {
            mixer = SplitMix64(seed: value ^ (index &* 0xD1B5_4A32_D192_ED03))
            value = mixer.next()
        }
        return value
    }
}
