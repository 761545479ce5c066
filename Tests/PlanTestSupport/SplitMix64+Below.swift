import PlanRandom

extension SplitMix64 {
    /// A draw in 0..<max(n, 1) by remainder (slightly biased; fine for choosing fuzz mutations,
    /// and replayable from the seed).
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}
