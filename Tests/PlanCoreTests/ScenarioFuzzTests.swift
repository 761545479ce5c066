import Foundation
import Testing
@testable import PlanCore
import PlanRandom
import PlanTestSupport

/// Seeded mutation fuzzing of the scenario loader: every mutated file must give a scenario or
/// diagnostics, never a crash. `PLAN_FUZZ_ITERATIONS` raises the count (the suite runs 2,000;
/// `PLAN_FUZZ_ITERATIONS=100000 swift test -c release --filter ScenarioFuzzTests` for a long run).
struct ScenarioFuzzTests {
    static var iterations: Int { Int(ProcessInfo.processInfo.environment["PLAN_FUZZ_ITERATIONS"] ?? "") ?? 2_000 }

    /// PlanRandom's SplitMix64 (with `below` from PlanTestSupport), so a failing case can be replayed from its seed.
    typealias Mixer = SplitMix64

    static let tokens: [String] = [
        ":", "-", "[", "]", "{", "}", ",", "\n", "  ", "&a", "*a", "!!str", "!!float", "? ", "|", ">", "#", "'", "\"",
        ".nan", ".inf", "-.inf", "1e400", "-5000", "0", "1.5", "~", "null", "true", "yes", "0x1F", "1_000", "<<: *a",
        "version: 1", "languages:", "schedule:", "uncertainty:", "hardware.mfu: {uniform: [", "\u{0}", "\u{FEFF}", "é", "---", "...",
    ]

    static func mutate(_ text: String, _ mixer: inout Mixer) -> Data {
        var bytes = Array(text.utf8)
        for _ in 0..<(1 + mixer.below(6)) {
            switch mixer.below(6) {
            case 0 where !bytes.isEmpty:  // flip a byte
                bytes[mixer.below(bytes.count)] = UInt8(truncatingIfNeeded: mixer.next())
            case 1 where !bytes.isEmpty:  // delete a span
                let start = mixer.below(bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + 1 + mixer.below(40)))
            case 2:  // insert a YAML-significant token
                bytes.insert(contentsOf: Array(tokens[mixer.below(tokens.count)].utf8), at: mixer.below(bytes.count + 1))
            case 3 where bytes.count > 2:  // duplicate a span elsewhere
                let start = mixer.below(bytes.count)
                let span = Array(bytes[start..<min(bytes.count, start + 1 + mixer.below(80))])
                bytes.insert(contentsOf: span, at: mixer.below(bytes.count + 1))
            case 4 where !bytes.isEmpty:  // truncate
                bytes.removeSubrange(mixer.below(bytes.count)...)
            default:  // replace a number with an extreme one
                if let digit = bytes.firstIndex(where: { $0 >= 48 && $0 <= 57 }) {
                    bytes.replaceSubrange(digit...digit, with: Array(["-1", "1e308", "99999999999999999999", ".nan"][mixer.below(4)].utf8))
                }
            }
        }
        return Data(bytes)
    }

    @Test func mutatedScenariosNeverCrash() throws {
        let loader = ScenarioLoader(catalog: try Catalog.bundled())
        let seeds = [try Catalog.scenarioText("paper-2601.16127"), try Catalog.scenarioText("fifty-languages")]
        var mixer = Mixer(seed: 2026)
        var accepted = 0
        var rejected = 0
        for iteration in 0..<Self.iterations {
            let data = Self.mutate(seeds[iteration % seeds.count], &mixer)
            do {
                let scenario = try loader.load(data: data, file: "fuzz")
                // Whatever loads must be usable: finite, non-negative prices.
                let cost = CostModel(scenario: scenario).training(name: "x", data: scenario.languages.map {
                    .init(examples: $0.examples, tokensPerExample: $0.tokensPerExample)
                })
                #expect(cost.usd.isFinite && cost.usd >= 0, "iteration \(iteration)")
                accepted += 1
            } catch let error as ScenarioDiagnostics {
                #expect(!error.diagnostics.isEmpty)
                #expect(error.lines.allSatisfy { !$0.contains("\n") }, "iteration \(iteration): multi-line diagnostic")
                rejected += 1
            }
        }
        #expect(accepted + rejected == Self.iterations)
        #expect(rejected > 0 && accepted > 0)
    }

    /// Anchors a0…a8, each a list of ten aliases of the one before (10^8 leaves).
    static var nestedAliases: String {
        var lines = ["x0: &a0 [q, q, q, q, q, q, q, q, q, q]"]
        for level in 1...8 {
            let items: [String] = Array(repeating: "*a\(level - 1)", count: 10)
            lines.append("x\(level): &a\(level) [" + items.joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Hand-picked nasties: aliases, merge keys, deep nesting, odd scalars.
    @Test(arguments: [
        "a: &x [*x]", "version: 1\nmodel: &m llama-3.1-8b\nname: *m\n", "<<: {version: 1}", String(repeating: "[", count: 5000),
        String(repeating: "- ", count: 3000) + "x", "version: !!binary aGVsbG8=", "version: 0x1", "version: 1\nlanguages: {en: *undefined}",
        "\u{FEFF}version: 1", "version: 1\n\t- tab", "version: 1\nlanguages: {? [a]: 1}",
        // Aliases of 10^8 nodes as a key and as a value (issue 28: hours of hashing before).
        nestedAliases + "*a8: 1\n", nestedAliases + "version: *a8\n",
    ])
    func nastyDocumentsGetDiagnostics(text: String) throws {
        let loader = ScenarioLoader(catalog: try Catalog.bundled())
        #expect(throws: ScenarioDiagnostics.self) { try loader.load(text: text, file: "nasty") }
    }

    /// Huge but valid inputs stay finite and non-negative in the cost model.
    @Test func hugeInputsStayFinite() throws {
        let text = try Catalog.scenarioText("paper-2601.16127")
            .replacingOccurrences(of: "en: {examples: 5000, tokens_per_example: 600}", with: "en: {examples: 1e12, tokens_per_example: 1e8}")
            .replacingOccurrences(of: "epochs: 4 ", with: "epochs: 10000 ")
        let scenario = try ScenarioLoader(catalog: try Catalog.bundled()).load(text: text, file: "huge")
        let job = CostModel(scenario: scenario).training(name: "x", data: [.init(examples: 1e12, tokensPerExample: 1e8)])
        for value in [job.flops, job.gpuHours, job.usd, job.kwh, job.co2Kg] { #expect(value.isFinite && value > 0) }
    }
}
