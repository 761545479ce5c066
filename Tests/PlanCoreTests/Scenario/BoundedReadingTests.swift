import Foundation
import Testing
@testable import PlanCore

/// Issue 28, "hangs and super-linear work" in the scenario reader: generated hostile documents
/// end with a diagnostic that names the limit (counts and messages are asserted, never times).
struct BoundedReadingTests {
    static let small = """
        version: 1
        name: small
        model: llama-3.1-8b
        hardware: {gpu: a100-80gb, pool_gpus: 2, mfu: 0.35}

        """

    func load(_ text: String) throws -> Scenario {
        try ScenarioLoader(catalog: try Catalog.bundled()).load(text: text, file: "s.yaml")
    }

    func diagnostics(_ text: String) -> [Diagnostic] {
        do {
            _ = try load(text)
            return []
        } catch let error as ScenarioDiagnostics {
            return error.diagnostics
        } catch {
            Issue.record("unexpected \(error)")
            return []
        }
    }

    /// Anchors a0…a`levels`, each a list of ten aliases of the one before (10^levels leaves).
    static func nestedAnchors(levels: Int) -> String {
        var lines = ["x0: &a0 [q, q, q, q, q, q, q, q, q, q]"]
        for level in 1...levels {
            lines.append("x\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// 700 bytes used to take hours: Yams hashed the key with every alias expanded (10^8 nodes).
    @Test(arguments: [
        "*a8: 1\n", "? *a8\n: 1\n", "y: {*a8 : 1}\n", "y: {[*a8, 1]: 1}\n", "? [*a8]\n: 1\n", "y:\n  - {? {k: *a8} : 1}\n",
    ])
    func aliasesInKeysAreRefused(key: String) {
        let found = diagnostics("version: 1\n" + Self.nestedAnchors(levels: 8) + key)
        #expect(found.map(\.message) == ["an alias (*a8) is used in a mapping key; keys must be plain strings, not aliases"])
    }

    @Test func aliasExpansionIsBounded() {
        // As a value, 10^8 nodes: refused once the count passes the limit.
        let found = diagnostics(Self.small + Self.nestedAnchors(levels: 8) + "description: *a8\n")
        #expect(found.count == 1)
        #expect(found.first?.message.contains("more than \(BoundedYAML.aliasExpansionNodes) nodes (the limit)") == true)
        // Two levels add 10 × 10 + 10 × 110 = 1,200 nodes, within it; the scenario then reads on.
        let within = diagnostics(Self.small + Self.nestedAnchors(levels: 2) + "languages: {en: {examples: 10, tokens_per_example: 10}}\n")
        #expect(within.map(\.path).sorted() == ["x0", "x1", "x2"], "only the unknown fields: \(within)")
    }

    @Test func scalarAliasesStillWork() throws {
        let scenario = try load(
            Self.small.replacingOccurrences(of: "model: llama-3.1-8b", with: "model: &m llama-3.1-8b")
                + "description: *m\nlanguages: {en: &l {examples: 10, tokens_per_example: 10}, fr: *l}\n")
        #expect(scenario.description == "llama-3.1-8b")
        #expect(scenario.languages.map(\.code) == ["en", "fr"])
    }

    /// An asterisk that is not an alias (inside a plain or quoted scalar, a comment) is left alone.
    @Test func asterisksInTextAreNotAliases() throws {
        let scenario = try load(
            Self.small + "description: \"a *b\" # *c\nlanguages: {en: {examples: 10, tokens_per_example: 10}}\n"
                + "strategies: [full-retrain, merge]\n")
        #expect(scenario.description == "a *b")
        #expect(BoundedYAML.probeText("a: *x\nb: 'c *d'\ne: f*g\n", marker: "\u{E000}") == "a: \u{E000}x\nb: 'c \u{E000}d'\ne: f*g\n")
    }

    /// The language count is checked before any language is read (once: one diagnostic).
    @Test func languagesBeyondTheLimitAreCountedFirst() {
        let count = WorkLimits.languages + 1
        let languages = (0..<count).map { "  l\($0): {examples: 1, tokens_per_example: 1}" }.joined(separator: "\n")
        let found = diagnostics(Self.small + "languages:\n" + languages + "\n")
        #expect(found.map(\.message) == ["\(count) languages, more than the limit of \(WorkLimits.languages)"])
    }

    /// 10,000 languages (the limit) read in one pass; each one's fields are checked.
    @Test func tenThousandLanguagesAreRead() throws {
        let languages = (0..<WorkLimits.languages).map { "  l\($0): {examples: \($0 + 1), tokens_per_example: 1}" }.joined(separator: "\n")
        let scenario = try load(Self.small + "languages:\n" + languages + "\n")
        #expect(scenario.languages.count == WorkLimits.languages)
        #expect(scenario.languages.last?.examples == Double(WorkLimits.languages))
    }

    @Test func diagnosticsAreCappedPerFieldAndInAll() {
        let names = (0..<900).map { "bad\($0)" }.joined(separator: ", ")
        let found = diagnostics(Self.small + "languages: {en: {examples: 10, tokens_per_example: 10}}\nfinetune: {targets: [\(names)]}\n")
        #expect(found.count == DiagnosticCollector.perField + 1)
        #expect(found.last?.message == "and 890 more problems (at most 10 per field and 100 in all are listed)")
        // Many fields: at most `total` listed.
        let languages = (0..<300).map { "  l\($0): {examples: -1, tokens_per_example: 1}" }.joined(separator: "\n")
        let many = diagnostics(Self.small + "languages:\n" + languages + "\n")
        #expect(many.count == DiagnosticCollector.total + 1)
        #expect(many.last?.message.hasPrefix("and 200 more problems") == true)
    }

    @Test func longListsOfNamesAreRefusedWhole() {
        let names = Array(repeating: "q_proj", count: MappingReader.maximumListItems + 1).joined(separator: ", ")
        let found = diagnostics(Self.small + "languages: {en: {examples: 10, tokens_per_example: 10}}\nfinetune: {targets: [\(names)]}\n")
        #expect(found.map(\.message) == ["\(MappingReader.maximumListItems + 1) names, more than the limit of \(MappingReader.maximumListItems) in one list"])
    }

    @Test func storedScenariosAreBoundedInSize() {
        let found = diagnostics(Self.small + "description: " + String(repeating: "x", count: WorkLimits.scenarioBytes) + "\n")
        #expect(found.map(\.message) == ["the scenario is larger than the limit of \(WorkLimits.scenarioBytes >> 20) MiB"])
    }

    /// Every trial sets every uncertain input, a language's by finding it among the languages:
    /// the block is counted first, and trials × (arrivals + those settings) is a work limit.
    @Test func uncertainInputsAreBoundedAndCountAsTrialWork() throws {
        let count = 2_000
        let languages = (0..<count).map { "  l\($0): {examples: 100, tokens_per_example: 100}" }.joined(separator: "\n")
        let inputs = { (n: Int) in (0..<n).map { "  languages.l\($0).examples: {uniform: [50, 150]}" }.joined(separator: "\n") }
        let over = diagnostics(Self.small + "languages:\n" + languages + "\nuncertainty:\n" + inputs(WorkLimits.uncertainInputs + 1) + "\n")
        #expect(over.map(\.message) == ["\(WorkLimits.uncertainInputs + 1) uncertain inputs, more than the limit of \(WorkLimits.uncertainInputs)"])
        let scenario = try load(Self.small + "languages:\n" + languages + "\nuncertainty:\n" + inputs(WorkLimits.uncertainInputs) + "\n")
        #expect(scenario.uncertainty.count == WorkLimits.uncertainInputs)
        // 1,000 inputs × 2,001 steps + 1 arrival per trial: 99 trials fit in 200,000,000, 100 do not.
        try scenario.checkMonteCarloWork(trials: 99)
        #expect(throws: PlanCoreError.self) { try scenario.checkMonteCarloWork(trials: 100) }
    }

    @Test func fieldsFoldListIndices() {
        #expect(DiagnosticCollector.field("finetune.targets[12]") == "finetune.targets[]")
        #expect(DiagnosticCollector.field("schedule.events[3].day") == "schedule.events[].day")
        #expect(DiagnosticCollector.field("hardware.mfu") == "hardware.mfu")
    }
}
