import Foundation
import Testing
@testable import PlanCore

/// Indexed field paths: a list field names its entry, `[*]` / `*` names every entry explicitly,
/// and a bare path into a list of several entries is refused with the forms to use.
struct FieldPathTests {
    let loader = ScenarioLoader(catalog: try! Catalog.bundled())

    /// Two periodic cadences, two Poisson rules, three explicit updates, one addition, three languages.
    func scenario() throws -> Scenario {
        try loader.load(text: ScenarioFieldTests.yaml([
            "languages": "{en: {examples: 100, tokens_per_example: 50}, fr: {examples: 300, tokens_per_example: 70}, de: {examples: 200, tokens_per_example: 60}}",
            "schedule": "{horizon_days: 200, periodic: [{languages: [en, fr], every_days: 7, add_examples: 2}, {languages: [de], every_days: 28, add_examples: 9}], "
                + "poisson: [{languages: all, per_year: 3, add_examples: 4}, {languages: [de], per_year: 5, add_examples: 6}], "
                + "events: [{day: 1, language: en, add_examples: 5}, {day: 2, language: fr, add_examples: 6}, {day: 3, language: de, add_examples: 7}], "
                + "additions: [{day: 5, language: ko, examples: 8, tokens_per_example: 40}]}",
        ]), file: "s")
    }

    @Test func parsingNamesTheFieldAndEntry() throws {
        let cases: [(String, ScenarioField, FieldPath.Entry)] = [
            ("finetune.rank", .finetuneRank, .bare),
            ("languages.count", .languagesCount, .bare),
            ("schedule.periodic.every_days", .schedulePeriodicEveryDays, .bare),
            ("schedule.periodic[0].every_days", .schedulePeriodicEveryDays, .index(0)),
            ("schedule.events[12].add_examples", .scheduleEventsAddExamples, .index(12)),
            ("schedule.poisson[*].per_year", .schedulePoissonPerYear, .all),
            ("schedule.additions[0].examples", .scheduleAdditionsExamples, .index(0)),
            ("languages.en.examples", .languageExamples, .code("en")),
            ("languages.*.tokens_per_example", .languageTokensPerExample, .all),
            ("languages[1].examples", .languageExamples, .index(1)),
            ("languages.examples", .languageExamples, .bare),
        ]
        for (text, field, entry) in cases {
            let path = try #require(FieldPath(text), "\(text)")
            #expect(path.field == field && path.entry == entry, "\(text)")
            #expect(ScenarioField(path: text) == field, "\(text)")
        }
        for bad in ["schedule.periodic[].every_days", "schedule.periodic[-1].every_days", "schedule.periodic[x].every_days",
                    "schedule.periodic[0]every_days", "finetune[0].rank", "schedule.periodic[0].colour", "languages..examples", "nope"] {
            #expect(FieldPath(bad) == nil, "\(bad)")
        }
        #expect(FieldPath.form(.schedulePeriodicEveryDays) == "schedule.periodic[<i|*>].every_days")
        #expect(FieldPath.form(.languageExamples) == "languages.<code|*>.examples")
        #expect(FieldPath.text(.schedulePoissonPerYear, .index(1)) == "schedule.poisson[1].per_year")
    }

    @Test func anIndexSetsOneEntry() throws {
        let scenario = try scenario()
        let one = try scenario.setting("schedule.periodic[1].every_days", to: 14)
        #expect(one.schedule.periodic.map(\.everyDays) == [7, 14])
        #expect(try one.value(at: "schedule.periodic[1].every_days") == 14)
        #expect(try one.value(at: "schedule.periodic[0].every_days") == 7)
        let events = try scenario.setting("schedule.events[2].add_examples", to: 1)
        #expect(events.schedule.events.map(\.addExamples) == [5, 6, 1])
        let poisson = try scenario.setting("schedule.poisson[1].per_year", to: 9)
        #expect(poisson.schedule.poisson.map(\.perYear) == [3, 9])
        let addition = try scenario.setting("schedule.additions[0].examples", to: 80)
        #expect(addition.schedule.additions.map(\.examples) == [80])
        // One entry: the bare path still names it.
        #expect(try scenario.setting("schedule.additions.tokens_per_example", to: 30).schedule.additions.map(\.tokensPerExample) == [30])
        let byPosition = try scenario.setting("languages[2].examples", to: 1)
        #expect(byPosition.languages.map(\.examples) == [100, 300, 1])
    }

    @Test func aStarSetsEveryEntryToTheSameValueAndReadsTheirMean() throws {
        let scenario = try scenario()
        #expect(try scenario.value(at: "schedule.periodic[*].every_days") == 17.5)
        let all = try scenario.setting("schedule.periodic[*].every_days", to: 10)
        #expect(all.schedule.periodic.map(\.everyDays) == [10, 10])
        #expect(try scenario.setting("languages.*.examples", to: 5).languages.map(\.examples) == [5, 5, 5])
        let scaled = try #require(scenario.scalingClamped("schedule.periodic[*].add_examples", by: 2))
        #expect(scaled.schedule.periodic.map(\.addExamples) == [4, 18])
        // Scaling clamps each entry to the field's bounds.
        let tiny = try #require(scenario.scalingClamped("languages.*.tokens_per_example", by: 0.01))
        #expect(tiny.languages.map(\.tokensPerExample) == [1, 1, 1])
    }

    @Test func aBarePathIntoSeveralEntriesIsRefusedWithTheForms() throws {
        let scenario = try scenario()
        let expected = "schedule.periodic.every_days is ambiguous: the scenario has 2 periodic rules; name one, "
            + "schedule.periodic[0].every_days ... schedule.periodic[1].every_days, or all together, schedule.periodic[*].every_days"
        #expect(throws: PlanCoreError.invalidArgument(expected)) { try scenario.setting("schedule.periodic.every_days", to: 7) }
        #expect(throws: PlanCoreError.self) { try scenario.value(at: "schedule.events.add_examples") }
        #expect(throws: PlanCoreError.self) { try scenario.value(at: "schedule.poisson.per_year") }
        #expect(throws: PlanCoreError.invalidArgument(
            "languages.examples is ambiguous: the scenario has 3 languages; name one, languages.en.examples (a language code: en, fr, de), "
                + "or all together, languages.*.examples")) { try scenario.value(at: "languages.examples") }
        #expect(scenario.settingClamped("schedule.periodic.every_days", to: 7) == nil)
    }

    @Test func outOfRangeIndicesAndUnknownCodesListTheValidOnes() throws {
        let scenario = try scenario()
        #expect(throws: PlanCoreError.invalidArgument(
            "schedule.periodic[2].every_days: no entry 2; the scenario has 2 periodic rules, valid indices 0...1 (or * for all: schedule.periodic[*].every_days)")) {
            try scenario.value(at: "schedule.periodic[2].every_days")
        }
        #expect(throws: PlanCoreError.self) { try scenario.value(at: "schedule.events[99999999999999999999999].add_examples") }
        #expect(throws: PlanCoreError.invalidArgument(
            "unknown language \"ko\" in languages.ko.examples; the scenario's languages: en, fr, de (or * for all: languages.*.examples)")) {
            try scenario.setting("languages.ko.examples", to: 1)
        }
        var empty = scenario
        empty.schedule.periodic = []
        #expect(throws: PlanCoreError.invalidArgument("schedule.periodic[*].every_days: the scenario has no periodic rules")) {
            try empty.value(at: "schedule.periodic[*].every_days")
        }
    }

    @Test func overlapsComparesEntries() throws {
        let scenario = try scenario()
        #expect(scenario.overlaps("schedule.periodic[0].every_days", "schedule.periodic[*].every_days"))
        #expect(!scenario.overlaps("schedule.periodic[0].every_days", "schedule.periodic[1].every_days"))
        #expect(!scenario.overlaps("schedule.periodic[0].every_days", "schedule.periodic[0].add_examples"))
        #expect(scenario.overlaps("languages.fr.examples", "languages[1].examples"))
        #expect(scenario.overlaps("hardware.mfu", "hardware.mfu"))
    }

    /// In the file, a bare path into two cadences is a diagnostic at its uncertainty key.
    @Test func theUncertaintyBlockTakesIndexedPaths() throws {
        let base = ScenarioFieldTests.yaml([
            "schedule": "{periodic: [{languages: all, every_days: 7, add_examples: 2}, {languages: all, every_days: 28, add_examples: 9}]}",
        ])
        let good = try loader.load(text: base + "uncertainty:\n  schedule.periodic[1].add_examples: {uniform: [5, 10]}\n", file: "s")
        #expect(good.uncertainty.map(\.path) == ["schedule.periodic[1].add_examples"])
        let bad = loader.diagnostics(base + "uncertainty:\n  schedule.periodic.add_examples: {uniform: [5, 10]}\n")
        #expect(bad.contains { $0.path == "uncertainty.schedule.periodic.add_examples" && $0.message.contains("schedule.periodic[*].add_examples") })
    }
}
