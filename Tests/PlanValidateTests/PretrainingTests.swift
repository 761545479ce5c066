import Foundation
import PlanKernels
import Testing
@testable import PlanValidate
import PlanTestSupport

/// The pretraining phase and its cache, on the seconds-long `tiny` setup.
struct PretrainingTests {
    static func cacheFile() throws -> URL {
        try temporaryFolder("plan-pretrain").appendingPathComponent("cache.bin")
    }

    /// Full training on general text lowers the held-out general-text loss well below the random
    /// base's, and the same setup trains the same weights.
    @Test func pretrainingLowersHeldOutLossAndIsDeterministic() throws {
        let setup = ValidationSetup.tiny
        let first = try Pretraining.train(setup)
        #expect(first.randomLoss.isFinite && first.pretrainedLoss.isFinite)
        #expect(first.pretrainedLoss < 0.7 * first.randomLoss, "random \(first.randomLoss), pretrained \(first.pretrainedLoss)")
        #expect(first.steps == setup.pretrainingSteps && !first.reused)
        let second = try Pretraining.train(setup)
        #expect(second.weights == first.weights)
        #expect(first.weights.count == FineTuner.baseWeightCount(setup.config))
    }

    /// A second call reuses the cached base; a changed setup (or seed) trains afresh and
    /// replaces the file; a damaged file is retrained, not trusted.
    @Test func cacheIsReusedAndInvalidatedWhenTheSetupChanges() throws {
        let file = try Self.cacheFile()
        defer { try? FileManager.default.removeItem(at: file) }
        let setup = ValidationSetup.tiny
        let trained = try Pretraining.base(setup, cache: file)
        #expect(!trained.base.reused && trained.warning == nil)
        #expect(FileManager.default.fileExists(atPath: file.path))
        let reused = try Pretraining.base(setup, cache: file)
        #expect(reused.base.reused)
        #expect(reused.base.weights == trained.base.weights)
        #expect(reused.base.pretrainedLoss == trained.base.pretrainedLoss && reused.base.seconds == trained.base.seconds)

        var changed = setup
        changed.pretrainingSteps += 10
        #expect(Pretraining.key(changed) != Pretraining.key(setup))
        let retrained = try Pretraining.base(changed, cache: file)
        #expect(!retrained.base.reused)
        #expect(retrained.base.weights != trained.base.weights)
        #expect(try Pretraining.base(changed, cache: file).base.reused)
        // The file now holds the changed setup's base: the original no longer matches it.
        #expect(PretrainingCache.read(file, key: Pretraining.key(setup)) == nil)

        var reseeded = setup
        reseeded.seed += 1
        #expect(Pretraining.key(reseeded) != Pretraining.key(setup))

        // A truncated file is not trusted.
        let bytes = try Data(contentsOf: file)
        try bytes.prefix(bytes.count / 2).write(to: file)
        #expect(PretrainingCache.read(file, key: Pretraining.key(changed)) == nil)
        #expect(!(try Pretraining.base(changed, cache: file).base.reused))
    }

    /// An unwritable cache is a warning, not a failure.
    @Test func unwritableCacheWarns() throws {
        let file = URL(fileURLWithPath: "/nonexistent-plan-folder/cache.bin")
        let result = try Pretraining.base(.tiny, cache: file)
        #expect(!result.base.reused)
        #expect(result.warning?.contains("could not cache") == true)
    }

    /// Every quality row is produced: the bases, combined, single adapters, every merge method
    /// (TIES at two densities) and the update's two outcomes, each with a finite loss and an
    /// accuracy in [0, 1] for every language.
    @Test func everyMergeMethodRowIsProduced() throws {
        let setup = ValidationSetup.tiny
        let report = try Validation.run(setup: setup)
        let expected = ["random base", "base", "combined", "single"]
            + QualityRow.qualityMerges.map { QualityRow.mergeLabel($0.method, $0.density) } + ["update/retrain-all", "update/re-merge"]
        #expect(report.quality.map(\.model) == expected)
        #expect(Set(QualityRow.qualityMerges.map(\.method)) == ["linear", "ties", "dare_ties", "magnitude_prune", "knots_ties", "cat"])
        #expect(Set(QualityRow.qualityMerges.filter { $0.method == "ties" }.compactMap(\.density)).count == 2)
        #expect(report.languages == Array(ValidationSetup.languageCodes.prefix(setup.languages)))
        for row in report.quality {
            #expect(row.scores.count == setup.languages, "\(row.model)")
            for score in row.scores {
                #expect(score.loss > 0 && score.loss.isFinite, "\(row.model)")
                #expect(score.accuracy >= 0 && score.accuracy <= 1, "\(row.model)")
            }
        }
        // The base row is the pretrained base (its losses are the report's base losses), not the random one.
        let base = try #require(report.quality.first { $0.model == "base" })
        #expect(base.scores.map(\.loss) == report.losses.map(\.base))
        #expect(report.pretraining.steps == setup.pretrainingSteps)
    }
}
