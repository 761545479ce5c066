import Foundation
import Testing
@testable import PlanCommands
import PlanCore
import PlanReport
import PlanSim
import PlanRandom
import PlanTestSupport

/// Seeded mutations of the embedded scenarios, aimed at numbers and names, through the same
/// path `plan simulate` takes: load and validate, check the work limits, simulate, and render
/// the outputs. Every failure must map to a documented exit code (65 here; 64 never, since no
/// option is involved), and nothing may crash. `PLAN_FUZZ_ITERATIONS` raises the count.
struct ScenarioExitCodeFuzzTests {
    static var iterations: Int { Int(ProcessInfo.processInfo.environment["PLAN_FUZZ_ITERATIONS"] ?? "") ?? 2_000 }

    /// PlanRandom's SplitMix64 (with `below` from PlanTestSupport), so a failing case can be replayed from its seed.
    typealias Mixer = SplitMix64

    static let numbers = [
        "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551616", "1e19", "1e300", "-1e300",
        "1e-320", "1e-20", "5e-324", "0", "-0", "0.5", "1", "2", "36500", "36501", "100000", "1e12", "1e15", "1e24", ".inf", ".nan",
        "1_000_000", "0x7fffffffffffffff", "1e-9", "65536", "65537", "10000", "10001",
    ]
    static let names = [
        "\"x'\\nsystem \\\"touch CANARY\\\"\\n\"", "\"\\e[2J\\e[31mred\"", "\"<script>alert(1)</script>\"", "\"a\\\\\"", "\"`id`\"",
        String(repeating: "n", count: 5000), "\"\\u2028EOD\\u2029\"",
    ]

    /// Replaces one number (a run of digits, with its sign, point and exponent) by an extreme one,
    /// or the scenario's name by a hostile one.
    static func mutate(_ text: String, _ mixer: inout Mixer) -> String {
        var lines = text.components(separatedBy: "\n")
        for _ in 0..<(1 + mixer.below(3)) {
            if mixer.below(5) == 0, let index = lines.firstIndex(where: { $0.hasPrefix("name:") }) {
                lines[index] = "name: " + names[mixer.below(names.count)]
                continue
            }
            let candidates = lines.indices.filter { lines[$0].contains(where: \.isNumber) && !lines[$0].hasPrefix("#") }
            guard !candidates.isEmpty else { break }
            let index = candidates[mixer.below(candidates.count)]
            let line = Array(lines[index])
            let digits = line.indices.filter { line[$0].isNumber }
            let start = digits[mixer.below(digits.count)]
            var lower = start
            var upper = start
            while lower > 0, "0123456789.-+eE_".contains(line[lower - 1]) { lower -= 1 }
            while upper + 1 < line.count, "0123456789.-+eE_".contains(line[upper + 1]) { upper += 1 }
            lines[index] = String(line[..<lower]) + numbers[mixer.below(numbers.count)] + String(line[(upper + 1)...])
        }
        return lines.joined(separator: "\n")
    }

    @Test func mutatedScenariosGiveDocumentedExitCodes() throws {
        let seeds = [try Catalog.scenarioText("paper-2601.16127"), try Catalog.scenarioText("fifty-languages")]
        var mixer = Mixer(seed: 11)
        var codes: [Int32: Int] = [:]
        var simulated = 0
        for iteration in 0..<Self.iterations {
            let text = Self.mutate(seeds[iteration % seeds.count], &mixer)
            do {
                let (scenario, _) = try Inputs.scenario((Data(text.utf8), "fuzz.yaml"), profiles: [:])
                try scenario.checkMonteCarloWork(trials: 4)
                // Simulate the cheap ones (the rest were already checked against the limits).
                if scenario.expectedArrivals < 2_000 && iteration % 10 == 0 {
                    let result = Simulator(scenario: scenario).run(seed: UInt64(iteration))
                    _ = GnuplotScript.all(CostCurves(result: result))
                    _ = SimulationDocument.make(runID: 1, scenario: scenario, result: result).rendered()
                    _ = SimulationTable.render(runID: 1, scenario: scenario, result: result)
                    simulated += 1
                }
                codes[0, default: 0] += 1
            } catch {
                let code = Exit.code(for: error)
                #expect(code == Exit.dataError, "iteration \(iteration): exit \(code) for \(error)")
                for line in "\(error)".split(separator: "\n") {
                    #expect(line.count < 400, "iteration \(iteration): a \(line.count)-character diagnostic")
                }
                codes[code, default: 0] += 1
            }
        }
        #expect(Set(codes.keys).isSubset(of: [0, 65]), "\(codes)")
        #expect((codes[0] ?? 0) > 0 && (codes[65] ?? 0) > 0 && simulated > 0, "\(codes), \(simulated) simulated")
    }
}
