import Foundation
import Testing
@testable import PlanCommands
import PlanCore
import PlanReport
import PlanRandom
import PlanTestSupport

/// Seeded mutations of the import fixtures (probe CSV, Trainer JSON, torchtune log) through the
/// path `plan calibrate --import` takes before the database: read, fit, the plausibility check,
/// and both outputs. Every failure must be exit 65 with short one-line messages, and whatever
/// passes must render finite JSON (issue 28: extreme values exited 70 or stored an infinite
/// rate). `PLAN_FUZZ_ITERATIONS` raises the count (a quarter of it runs here).
struct CalibrateImportFuzzTests {
    static var iterations: Int { (Int(ProcessInfo.processInfo.environment["PLAN_FUZZ_ITERATIONS"] ?? "") ?? 2_000) / 4 }

    typealias Mixer = SplitMix64

    static let values = [
        "1e308", "-1e308", "1e-308", "5e-324", "0", "-0", "-1", "1e19", "9223372036854775808", "nan", "inf", "true", "false", "null",
        "\"12\"", "[]", "{}", "1_000", "0x10", String(repeating: "9", count: 5_000), "1e-7", "1e30", "",
    ]

    /// Replaces one number by an extreme value, or inserts one at a random place.
    static func mutate(_ text: String, _ mixer: inout Mixer) -> String {
        var characters = Array(text)
        for _ in 0..<(1 + mixer.below(3)) {
            let value = Array(values[mixer.below(values.count)])
            let digits = characters.indices.filter { characters[$0].isNumber }
            if mixer.below(4) == 0 || digits.isEmpty {
                characters.insert(contentsOf: value, at: mixer.below(characters.count + 1))
                continue
            }
            var lower = digits[mixer.below(digits.count)], upper = lower
            while lower > 0, "0123456789.-+eE_".contains(characters[lower - 1]) { lower -= 1 }
            while upper + 1 < characters.count, "0123456789.-+eE_".contains(characters[upper + 1]) { upper += 1 }
            characters.replaceSubrange(lower...upper, with: value)
        }
        return String(characters)
    }

    @Test func mutatedImportsGiveDocumentedExitCodes() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/calibration")
        let seeds = try ["probe.csv", "train_results.json", "trainer_state.json", "log_1718000000.txt"].map { name in
            (name, try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
        }
        let catalog = try Catalog.bundled()
        var facts = JobSpec(model: "llama-3.1-8b")
        facts.gpu = "a100-80gb"
        let reader = RunLogReader(catalog: catalog, facts: facts)
        var mixer = Mixer(seed: 28)
        var codes: [Int32: Int] = [:]
        for iteration in 0..<Self.iterations {
            let (name, seed) = seeds[iteration % seeds.count]
            let text = Self.mutate(seed, &mixer)
            do {
                let runs = try reader.read(Data(text.utf8), file: name)
                let fit = try StepCurveFit.fit(runs, catalog: catalog)
                try fit.checkImported()
                let document = ImportCalibrationOutput.document(id: 1, name: "fuzz", fit).rendered()
                #expect(try JSONSerialization.jsonObject(with: Data(document.utf8)) is [String: Any], "iteration \(iteration)")
                _ = ImportCalibrationOutput.table(id: 1, name: "fuzz", fit)
                codes[0, default: 0] += 1
            } catch {
                let code = Exit.code(for: error)
                #expect(code == Exit.dataError, "iteration \(iteration): exit \(code) for \(error)")
                let lines = "\(error)".split(separator: "\n")
                #expect(lines.count == 1 && lines.allSatisfy { $0.count < 400 }, "iteration \(iteration): \(lines.map(\.count)) characters: \(lines.first?.prefix(300) ?? "")")
                codes[code, default: 0] += 1
            }
        }
        #expect(Set(codes.keys).isSubset(of: [0, 65]), "\(codes)")
        #expect((codes[0] ?? 0) > 0 && (codes[65] ?? 0) > 0, "\(codes)")
    }
}
