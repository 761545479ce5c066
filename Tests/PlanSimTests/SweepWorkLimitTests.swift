import Foundation
import Testing
@testable import PlanCore
@testable import PlanSim

/// Issue 28: a grid within the per-point limits (`languages.count=1:10000:1`) used to run past
/// ten minutes; the sum of its points' work is now checked up front, point by point.
struct SweepWorkLimitTests {
    static func scenario() throws -> Scenario {
        try ToyScenario.load(ToyScenario.yaml(schedule: "horizon_days: 30\nevents: [{day: 10, language: a, add_examples: 4}]"))
    }

    @Test func aGridBeyondTheSweepWorkIsRefusedBeforeSimulating() throws {
        let sweep = Sweep(scenario: try Self.scenario(), seed: 1)
        let range = try Sweep.Range.parse("languages.count=1:10000:1")
        #expect(range.values.count == 10_000)
        do {
            try sweep.check(range)
            Issue.record("the grid was accepted")
        } catch let PlanCoreError.workLimit(message) {
            // n languages and one arrival at n: Σ (n + 1) over n = 1…k passes 5,000,000 at k = 3,161 (5,000,702).
            #expect(message.hasPrefix("--vary languages.count at 3161.0: the grid's points up to this one simulate 5000702 languages"), "\(message)")
            #expect(message.contains("more than the limit of \(WorkLimits.sweepWork) per sweep"))
        }
        #expect(throws: PlanCoreError.self) { try sweep.run(range) }
    }

    @Test func aGridWithinTheSweepWorkIsAccepted() throws {
        let sweep = Sweep(scenario: try Self.scenario(), seed: 1)
        try sweep.check(try Sweep.Range.parse("languages.count=1:3000:1"))
        let scenario = try Self.scenario()
        // Three languages and one arrival.
        #expect(scenario.simulationWork == 4)
    }

    /// Growing the language list is linear: codes are looked up in a set (10,000 was quadratic).
    @Test func resizingKeepsCodesUnique() throws {
        let scenario = try Self.scenario()
        let grown = Scenario.resized(scenario.languages, to: WorkLimits.languages)
        #expect(grown.count == WorkLimits.languages)
        #expect(Set(grown.map(\.code)).count == WorkLimits.languages)
        #expect(Array(grown.prefix(3)) == scenario.languages)
    }
}
