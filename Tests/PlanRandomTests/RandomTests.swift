import Testing
import PlanRandom

/// The generators and both stream derivations, pinned: the simulation's Monte Carlo figures and
/// snapshots and every seeded kernel output (DARE masks, synthetic data, model initialisation)
/// depend on these exact streams. The values come from Vigna's reference algorithms
/// (splitmix64.c, xoshiro256starstar.c).
@Suite("Seeded random generators")
struct RandomTests {
    @Test("SplitMix64 reproduces the reference sequence for seed 0")
    func splitMixReference() {
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test("xoshiro256** seeded through SplitMix64 gives the pinned outputs")
    func xoshiroPinned() {
        var generator = Xoshiro256StarStar(seed: 42)
        #expect(generator.next() == 0x1578_0B2E_0C2E_C716)
        #expect(generator.next() == 0x6104_D986_6D11_3A7E)
        #expect(generator.next() == 0xAE17_5332_39E4_99A1)
    }

    @Test("the simulation's per-trial derivation, init(seed:stream:), gives the pinned outputs")
    func trialStreamPinned() {
        var trial0 = Xoshiro256StarStar(seed: 42, stream: 0)
        #expect(trial0.next() == 0x19E4_79E2_AAA7_7BFB)
        #expect(trial0.next() == 0x5E3E_FE75_3BE2_7527)
        var trial3 = Xoshiro256StarStar(seed: 42, stream: 3)
        #expect(trial3.next() == 0xF00F_061D_6A20_5496)
        #expect(trial3.next() == 0x9C3D_EAAF_E1CD_38DD)
        #expect(trial3.next() == 0xAA6B_0126_E060_55BB)
    }

    @Test("the kernels' derivation, SplitMix64.derive, gives the pinned seeds and differs from the trial streams")
    func derivePinned() {
        #expect(SplitMix64.derive(42) == 0xBDD7_3226_2FEB_6E95)
        #expect(SplitMix64.derive(42, 3) == 0xD2B8_7B4B_6561_BF17)
        #expect(SplitMix64.derive(42, 1, 2) == 0x4819_C4A8_306F_709F)
        var derived = Xoshiro256StarStar(seed: SplitMix64.derive(42, 3)), trial = Xoshiro256StarStar(seed: 42, stream: 3)
        #expect(derived.next() != trial.next())
    }

    @Test("unit() and nextUnitFloat() take the top 53 and 24 bits of one output")
    func unitsPinned() {
        var double = Xoshiro256StarStar(seed: 7), float = Xoshiro256StarStar(seed: 7)
        #expect(double.unit() == 0.7005764821796896)
        #expect(float.nextUnitFloat() == Float(11_753_722) * 0x1p-24)
    }

    @Test("saved state words continue the same stream")
    func stateRoundTrip() {
        var generator = Xoshiro256StarStar(seed: 5)
        _ = generator.next()
        var copy = Xoshiro256StarStar(state: generator.state)
        #expect((0..<4).map { _ in generator.next() } == (0..<4).map { _ in copy.next() })
    }

    @Test("xoshiro256** is deterministic per seed and differs between seeds")
    func deterministic() {
        var a = Xoshiro256StarStar(seed: 42), b = Xoshiro256StarStar(seed: 42), c = Xoshiro256StarStar(seed: 43)
        let first = (0..<8).map { _ in a.next() }
        #expect(first == (0..<8).map { _ in b.next() })
        #expect(first != (0..<8).map { _ in c.next() })
    }

    @Test("unit floats are uniform on [0, 1)")
    func uniform() {
        var generator = Xoshiro256StarStar(seed: 7)
        let values = (0..<200_000).map { _ in generator.nextUnitFloat() }
        #expect(values.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        #expect(abs(mean - 0.5) < 0.005)
    }

    @Test("derived stream seeds differ for different indices")
    func derivedStreams() {
        let seeds = Set((0..<100).map { SplitMix64.derive(1, 0, UInt64($0)) })
        #expect(seeds.count == 100)
        let trials = Set((0..<100).map { index -> UInt64 in
            var generator = Xoshiro256StarStar(seed: 1, stream: UInt64(index))
            return generator.next()
        })
        #expect(trials.count == 100)
    }
}
