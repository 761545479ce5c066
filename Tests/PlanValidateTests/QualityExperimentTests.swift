import Foundation
import PlanCore
import PlanKernels
import Testing
@testable import PlanValidate

/// `plan quality`'s experiment on the seconds-long `tiny` scale: the rows every setup has, the
/// retention arithmetic, intervals, reproducibility, and setups that reuse the study's adapters.
struct QualityExperimentTests {
    static let setups = try! QualityExperiment.setups(["study", "weights-1-over-L", "task-naive-base"])

    static func run(seed: UInt64 = 3) throws -> QualitySummary {
        try QualityExperiment.run(scale: .tiny, setups: setups, seedCount: 2, seed: seed).summary
    }

    @Test func everySetupHasItsRowsAndRetentionIsAccuracyOverCombined() throws {
        let summary = try Self.run()
        #expect(summary.setups.map(\.name) == ["study", "task-naive-base", "weights-1-over-L"])
        #expect(summary.seeds.count == 2 && summary.languages == ["en", "de"])
        for setup in summary.setups {
            let models = setup.rows.map(\.model)
            for model in ["random-base", "base", "combined", "single", "update/retrain-all", "update/re-merge"] {
                #expect(models.contains(model), "\(setup.name): \(model)")
            }
            let merges = setup.rows.filter(\.isMerge)
            #expect(merges.count >= 5)
            #expect(merges.contains { $0.density != nil })
            let combined = try #require(setup.row("combined")), base = try #require(setup.row("base"))
            #expect(abs(combined.retention - 1) < 1e-12)
            let gain = combined.accuracy.mean - base.accuracy.mean
            for row in setup.rows {
                if gain > 0 {
                    #expect(abs(row.gainRetention - (row.accuracy.mean - base.accuracy.mean) / gain) < 1e-9, "\(row.model)")
                } else {
                    #expect(row.gainRetention.isNaN, "\(row.model)")
                }
            }
            for row in setup.rows {
                #expect(abs(row.retention - row.accuracy.mean / combined.accuracy.mean) < 1e-12, "\(row.model)")
                #expect(row.accuracy.lower <= row.accuracy.mean + 1e-12 && row.accuracy.mean <= row.accuracy.upper + 1e-12, "\(row.model)")
                #expect(row.accuracy.count == 2 && row.languages.count == 2)
                let mean = row.languages.map(\.accuracy).reduce(0, +) / 2
                #expect(abs(mean - row.accuracy.mean) < 1e-9, "\(row.model)")
                #expect((0...1).contains(row.accuracy.mean))
            }
            #expect(setup.adapterCosine.mean.isFinite && abs(setup.adapterCosine.mean) <= 1)
            #expect(setup.relativeUpdateNorm.mean > 0 && setup.crossLanguageAccuracy.mean.isFinite)
        }
        // The weight ablation merges the study's adapters: every non-merge row is the same, the weights differ.
        let study = try #require(summary.setup("study")), reweighted = try #require(summary.setup("weights-1-over-L"))
        for model in ["random-base", "base", "combined", "single", "update/retrain-all"] {
            #expect(study.row(model)?.accuracy == reweighted.row(model)?.accuracy && study.row(model)?.languages == reweighted.row(model)?.languages)
        }
        #expect(study.row("merge/ties d=0.5")?.weight == 1 && study.row("merge/linear")?.weight == 0.5)
        #expect(reweighted.row("merge/ties d=0.5")?.weight == 0.5 && reweighted.row("merge/cat")?.weight == 0.5)
        #expect(study.taskShare == 0.5 && summary.setup("task-naive-base")?.taskShare == 0)
        #expect(summary.competence.map(\.setup) == ["task-naive-base", "study"])
    }

    @Test func theSameSeedReproducesTheRunAndAnotherChangesIt() throws {
        let first = try Self.run(seed: 5), second = try Self.run(seed: 5), other = try Self.run(seed: 6)
        func figures(_ s: QualitySummary) -> [Double] { s.setups.flatMap { $0.rows.flatMap { [$0.accuracy.mean, $0.loss.mean] } } }
        #expect(figures(first) == figures(second))
        #expect(figures(first) != figures(other))
    }

    @Test func unknownSetupsAndBadSeedCountsAreRefused() {
        #expect(throws: ValidateError.self) { try QualityExperiment.setups(["nope"]) }
        #expect(throws: ValidateError.self) { try QualityExperiment.run(scale: .tiny, setups: QualitySetup.all, seedCount: 0, seed: 1) }
        #expect(throws: ValidateError.self) { try QualityScale.tiny.overriding(["epochs=x"]) }
        #expect(throws: ValidateError.self) { try QualityScale.tiny.overriding(["colour=3"]) }
        // A weight ablation brings the setup whose adapters it merges.
        #expect((try? QualityExperiment.setups(["weights-ones"]))?.map(\.name) == ["study", "weights-ones"])
    }
}
