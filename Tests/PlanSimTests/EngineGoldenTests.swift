import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim

/// `Simulator` outputs frozen before the two simulation engines became one: every figure of the
/// detailed result (totals, latency, savings, break-even, pool usage, daily series, per-build
/// jobs) on the shipped scenarios and the toy schedules, printed with every digit.
///
/// Re-record on purpose with `PLAN_RECORD_GOLDEN=1 swift test --filter EngineGoldenTests`
/// (records and fails), review the diff, then re-run without it.
struct EngineGoldenTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")

    static let cases: [(name: String, seed: UInt64)] = [
        ("paper-2601.16127", 42), ("twelve-languages", 42), ("fifty-languages", 42), ("fifty-languages", 7),
        ("toy-poisson", 3), ("toy-periodic", 5), ("toy-same-day", 11), ("toy-saturated", 1),
    ]

    static func scenario(_ name: String) throws -> Scenario {
        let loader = ScenarioLoader(catalog: try Catalog.bundled())
        if name.hasPrefix("toy-") {
            let extra = "continued: {replay_fraction: 0.3}\nhybrid: {refresh_every_days: 60}"
            let all = "[full-retrain, merge, continued, hybrid]"
            switch name {
            case "toy-poisson":
                return try ToyScenario.load(ToyScenario.yaml(
                    strategies: all, schedule: "horizon_days: 400\npoisson: [{languages: all, per_year: 9, add_examples: 2}]\nrelease_every_days: 7",
                    pool: 2, extra: extra))
            case "toy-periodic":
                return try ToyScenario.load(ToyScenario.yaml(
                    strategies: all,
                    schedule: "horizon_days: 300\nperiodic: [{languages: [a, c], every_days: 30, add_examples: 3}]\nevents: [{day: 10, language: b, add_examples: 5}, {day: 10, language: d, add_examples: 1}, {day: 250, language: a, add_examples: 2}]\nadditions: [{day: 100, language: d, examples: 6, tokens_per_example: 2}]\npoisson: [{languages: [b, d], per_year: 12, add_examples: 1}]",
                    pool: 2, extra: extra))
            case "toy-same-day":
                return try ToyScenario.load(ToyScenario.yaml(
                    strategies: "[merge, continued]",
                    schedule: "horizon_days: 90\nperiodic: [{languages: all, every_days: 15, add_examples: 1}]\npoisson: [{languages: all, per_year: 20, add_examples: 4}]",
                    pool: 3, extra: extra))
            default:
                return try ToyScenario.load(ToyScenario.yaml(
                    strategies: all, schedule: "horizon_days: 20\nperiodic: [{languages: all, every_days: 1, add_examples: 30}]",
                    pool: 1, extra: extra))
            }
        }
        if name == Catalog.defaultScenarioName {
            return try loader.load(text: try Catalog.scenarioText(name), file: name)
        }
        let url = root.appendingPathComponent("scenarios/\(name).yaml")
        return try loader.load(text: String(contentsOf: url, encoding: .utf8), file: url.lastPathComponent)
    }

    @Test(arguments: 0..<cases.count)
    func simulatorOutputsMatchTheFrozenGoldenFiles(_ index: Int) throws {
        let (name, seed) = Self.cases[index]
        let result = Simulator(scenario: try Self.scenario(name)).run(seed: seed)
        let text = Self.dump(result)
        let file = Self.folder.appendingPathComponent("\(name)-seed\(seed).txt")
        if ProcessInfo.processInfo.environment["PLAN_RECORD_GOLDEN"] != nil {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("recorded \(file.lastPathComponent); re-run without PLAN_RECORD_GOLDEN")
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        let got = text.split(separator: "\n", omittingEmptySubsequences: false)
        let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
        if let line = zip(got, want).enumerated().first(where: { !Self.matches(String($0.element.0), String($0.element.1)) }) {
            Issue.record("\(file.lastPathComponent): line \(line.offset + 1) differs:\n  got  \(line.element.0)\n  want \(line.element.1)")
        }
        #expect(got.count == want.count)
    }

    @Test func theGoldenComparisonToleratesOnlyLastDigitDifferences() {
        #expect(Self.matches("gpu_h=7.5914141322092981 jobs=2 [training:a:1x360s@0-10]", "gpu_h=7.5914141322092989 jobs=2 [training:a:1x360s@0-10]"))
        #expect(!Self.matches("gpu_h=7.5914141 jobs=2", "gpu_h=7.5914142 jobs=2"))
        #expect(!Self.matches("gpu_h=7.5 jobs=2", "gpu_h=7.5 jobs=3"))
        #expect(!Self.matches("training:a:1x360s", "merge:a:1x360s"))
        #expect(Self.matches("wall_h=1e-05 @0-9.9999999999999982", "wall_h=1.0000000000000001e-05 @0-10"))
        #expect(Self.matches("  builds count=20 digest=dacb", "  builds count=20 digest=63d6"))
        #expect(!Self.matches("  builds count=21 digest=dacb", "  builds count=20 digest=dacb"))
    }

    /// Whether a dumped line matches its golden line: the same text around the numbers, and
    /// every number within 1e-9 relative (the engine keeps running sums, so a total may differ
    /// from the frozen one in its last digits: the order of the additions changed, not the
    /// model). A list's digest hashes every item with all 17 digits, so only its count is
    /// compared; its printed items (the first 40, every 25th, the last) are compared in full.
    static func matches(_ got: String, _ want: String) -> Bool {
        if got == want { return true }
        if want.contains(" digest=") {
            return got.split(separator: " ").dropLast().elementsEqual(want.split(separator: " ").dropLast())
        }
        let (gotText, gotNumbers) = numbers(in: got)
        let (wantText, wantNumbers) = numbers(in: want)
        guard gotText == wantText, gotNumbers.count == wantNumbers.count else { return false }
        return zip(gotNumbers, wantNumbers).allSatisfy { a, b in
            a == b || abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-300)
        }
    }

    /// The line with every number (`-12`, `3.5`, `1.2e-05`) replaced by `#`, and the numbers in order.
    static func numbers(in line: String) -> (text: String, numbers: [Double]) {
        let chars = Array(line.utf8)
        var text: [UInt8] = []
        var numbers: [Double] = []
        func isDigit(_ i: Int) -> Bool { i < chars.count && chars[i] >= 48 && chars[i] <= 57 }
        var i = 0
        while i < chars.count {
            let starts = isDigit(i) || (chars[i] == UInt8(ascii: "-") && isDigit(i + 1))
            guard starts else {
                text.append(chars[i])
                i += 1
                continue
            }
            var j = i + 1
            while isDigit(j) { j += 1 }
            if j < chars.count, chars[j] == UInt8(ascii: "."), isDigit(j + 1) {
                j += 1
                while isDigit(j) { j += 1 }
            }
            if j < chars.count, chars[j] == UInt8(ascii: "e") {
                var k = j + 1
                if k < chars.count, chars[k] == UInt8(ascii: "-") || chars[k] == UInt8(ascii: "+") { k += 1 }
                if isDigit(k) {
                    j = k
                    while isDigit(j) { j += 1 }
                }
            }
            numbers.append(Double(String(decoding: chars[i..<j], as: UTF8.self)) ?? .nan)
            text.append(UInt8(ascii: "#"))
            i = j
        }
        return (String(decoding: text, as: UTF8.self), numbers)
    }

    // MARK: - The dump

    static func g(_ value: Double) -> String { String(format: "%.17g", value) }

    static func totals(_ t: PhaseTotals) -> String {
        "gpu_h=\(g(t.gpuHours)) wall_h=\(g(t.wallClockHours)) usd=\(g(t.costUSD)) kwh=\(g(t.energyKWh)) co2=\(g(t.co2Kg)) tokens=\(g(t.trainedTokens)) jobs=\(t.jobs)"
    }

    static func savings(_ s: SavingsFigures) -> String {
        "gpu_h=\(g(s.gpuHours)) wall_h=\(g(s.wallClockHours)) usd=\(g(s.costUSD)) kwh=\(g(s.energyKWh)) co2=\(g(s.co2Kg))"
    }

    /// Every figure; long lists (series points, builds) in full up to 40 entries, then every
    /// 25th entry and the last, plus an order-sensitive digest of all of them.
    static func dump(_ result: SimulationResult) -> String {
        var lines = ["scenario=\(result.scenarioName) seed=\(result.seed) horizon=\(result.horizonDays) baseline=\(result.baseline.rawValue) arrivals=\(result.arrivals) updates=\(result.updates)"]
        for s in result.strategies {
            lines.append("strategy \(s.kind.rawValue)")
            lines.append("  initial \(totals(s.initial))")
            lines.append("  maintenance \(totals(s.maintenance))")
            lines.append("  latency mean=\(g(s.latency.meanHours)) p90=\(g(s.latency.p90Hours)) n=\(s.latency.count)")
            if let v = s.savings {
                lines.append("  savings total \(savings(v.total))")
                lines.append("  savings initial \(savings(v.initial))")
                lines.append("  savings maintenance \(savings(v.maintenance))")
                lines.append("  savings latency_mean=\(g(v.updateLatencyMean))")
            }
            lines.append("  break_even=\(s.breakEvenDay.map(String.init) ?? "nil")")
            let p = s.pool
            lines.append("  pool gpus=\(p.poolGPUs) per_job=\(p.gpusPerJob) busy=\(g(p.busyGPUHours)) util=\(g(p.utilisation)) peak_queue=\(p.peakQueuedJobs) last_finish=\(g(p.lastFinishHours)) max_latency=\(g(p.maxLatencyHours)) on_demand=\(g(p.onDemandCostUSD)) reserved=\(g(p.reservedCostUSD))")
            let points = s.series.map { "day=\($0.day) gpu_h=\(g($0.gpuHours)) usd=\(g($0.costUSD))" }
            lines += list("series", points)
            let builds = s.builds.map { b -> String in
                let jobs = b.jobs.map { "\($0.cost.kind.rawValue):\($0.cost.name):\($0.cost.gpus)x\(g($0.cost.wallSeconds))s@\(g($0.timing.startHours))-\(g($0.timing.finishHours))" }
                return "\(b.build.reason.rawValue) day=\(g(b.build.day)) arrivals=\(b.build.arrivals.count) deployed=\(g(b.deployedHours)) \(totals(b.totals)) [\(jobs.joined(separator: " "))]"
            }
            lines += list("builds", builds)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func list(_ name: String, _ items: [String]) -> [String] {
        var digest: UInt64 = 0xcbf2_9ce4_8422_2325
        for item in items {
            for byte in item.utf8 {
                digest ^= UInt64(byte)
                digest &*= 0x0000_0100_0000_01b3
            }
            digest ^= 0x0a
            digest &*= 0x0000_0100_0000_01b3
        }
        var lines = ["  \(name) count=\(items.count) digest=\(String(digest, radix: 16))"]
        for (index, item) in items.enumerated() where index < 40 || index % 25 == 0 || index == items.count - 1 {
            lines.append("    [\(index)] \(item)")
        }
        return lines
    }
}
