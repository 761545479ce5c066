import Dispatch
import Foundation
import PlanCore
import PlanKernels
import PlanRandom

/// `plan quality`: the quality experiment proper (DESIGN §7). For every setup and seed, a base
/// pretrained with the setup's task share (one per distinct base, shared by the seeds, as the
/// study's adapters all start from one Llama), then `QualityTrial`; the seeds' figures become
/// means with 95% intervals and retention against the combined model (`QualitySummary`).
public enum QualityExperiment {
    /// Progress: (finished units, total units, what is running).
    public typealias Progress = @Sendable (Int, Int, String) -> Void

    /// Most seeds a run accepts.
    public static let maximumSeeds = 50

    /// What the run needs besides the summary: the bases' pretraining and cache warnings.
    public struct Outcome: Sendable {
        public var summary: QualitySummary
        /// One line per base: its name, steps, seconds, whether it was reused, held-out losses.
        public var bases: [(name: String, base: Pretraining.Base)]
        public var warnings: [String]
    }

    /// The setups to run for `names` (nil: all), with the setups whose adapters they reuse.
    /// - Throws: `ValidateError.invalidArgument` for an unknown name.
    public static func setups(_ names: [String]?) throws -> [QualitySetup] {
        guard let names else { return QualitySetup.all }
        var wanted = Set<String>()
        for name in names {
            guard let setup = QualitySetup.named(name) else {
                throw ValidateError.invalidArgument(
                    "unknown quality setup '\(name)'; use one of: \(QualitySetup.all.map(\.name).joined(separator: ", "))")
            }
            wanted.insert(name)
            if let source = setup.reusesAdaptersOf { wanted.insert(source) }
        }
        return QualitySetup.all.filter { wanted.contains($0.name) }
    }

    /// Progress units of a run: one per base to pretrain and one per trial.
    public static func progressUnits(_ setups: [QualitySetup], seedCount: Int) -> Int {
        let training = setups.filter { $0.reusesAdaptersOf == nil }
        return Set(training.map(baseName)).count + training.count * seedCount
    }

    /// The seeds of a run: seed i is derived from `seed` and i.
    public static func seeds(_ count: Int, seed: UInt64) -> [UInt64] { (0..<count).map { SplitMix64.derive(seed, 0x9A, UInt64($0)) } }

    /// Runs `setups` at `scale` over `seedCount` seeds, bases and trials on `workers` threads
    /// (results do not depend on it). `cache` gives the file a base is cached in (by base name),
    /// nil for none.
    /// - Throws: `ValidateError` for invalid sizes or a failed kernel.
    public static func run(
        scale: QualityScale, setups: [QualitySetup] = QualitySetup.all, seedCount: Int, seed: UInt64,
        cache: (@Sendable (String) -> URL?)? = nil, workers: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: @escaping Progress = { _, _, _ in }
    ) throws -> Outcome {
        try scale.validate()
        guard seedCount >= 1, seedCount <= maximumSeeds else {
            throw ValidateError.invalidArgument("--seeds must be between 1 and \(maximumSeeds), got \(seedCount)")
        }
        guard !setups.isEmpty else { throw ValidateError.invalidArgument("no quality setup to run") }
        let started = DispatchTime.now().uptimeNanoseconds
        let training = setups.filter { $0.reusesAdaptersOf == nil }
        let baseNames = Array(Set(training.map(baseName))).sorted()
        let seeds = self.seeds(seedCount, seed: seed)
        let total = progressUnits(setups, seedCount: seedCount)
        let counter = Counter(total: total, progress: progress)
        do {
            let corpora = try [false, true].map { disjoint in
                try SyntheticCorpus(task: scale.task(disjointLexicons: disjoint, seed: SplitMix64.derive(seed, 0x7A5C)))
            }
            let baseSetups = baseNames.map { name in training.first { baseName($0) == name }! }
            let trained = try QualityWorkers.map(baseSetups.count, workers: workers) { index in
                let setup = baseSetups[index]
                let result = try QualityPretraining.base(
                    scale, corpus: corpora[setup.disjointLexicons ? 1 : 0], taskShare: setup.taskShare, seed: SplitMix64.derive(seed, 0xBA5E),
                    cache: cache?("quality-\(scale.name)-\(baseNames[index])"))
                counter.advance("pretrain \(baseNames[index])")
                return result
            }
            let bases = Dictionary(uniqueKeysWithValues: zip(baseNames, trained.map { $0.base }))
            let warnings = trained.compactMap { $0.warning }
            let jobs = training.flatMap { setup in seeds.indices.map { (setup, $0) } }
            let results = try QualityWorkers.map(jobs.count, workers: workers) { index in
                let (setup, repetition) = jobs[index]
                let trial = QualityTrial(
                    scale: scale, setup: setup, corpus: corpora[setup.disjointLexicons ? 1 : 0], base: bases[baseName(setup)]!.weights,
                    seed: seeds[repetition], repetition: repetition)
                let outcome = try trial.run(reweighted: setups.filter { $0.reusesAdaptersOf == setup.name })
                counter.advance("\(setup.name) seed \(repetition + 1)")
                return outcome
            }
            var outcomes: [String: [QualityTrial.Outcome]] = [:]
            for result in results {
                for (name, outcome) in result { outcomes[name, default: []].append(outcome) }
            }
            let languages = Array(ValidationSetup.languageCodes.prefix(scale.sizes.languages))
            let summaries = setups.map { setup in
                summarise(setup, outcomes[setup.name] ?? [], scale: scale, languages: languages)
            }
            let curve = QualitySetup.competenceCurve.filter { point in setups.contains { $0.name == point.setup } }
                .map { QualitySummary.CompetencePoint(taskShare: $0.taskShare, setup: $0.setup) }
            let summary = QualitySummary(
                size: scale.name, seeds: seeds, languages: languages, setups: summaries, competence: curve,
                seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            return Outcome(summary: summary, bases: baseNames.map { ($0, bases[$0]!) }, warnings: warnings)
        } catch let error as KernelError {
            throw ValidateError.kernelFailure(error.description)
        }
    }

    /// Finished units, reported to `progress` as pieces finish on any thread.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var done = 0
        private let total: Int
        private let progress: Progress
        init(total: Int, progress: @escaping Progress) {
            self.total = total
            self.progress = progress
        }
        func advance(_ label: String) {
            lock.lock()
            defer { lock.unlock() }
            done += 1
            progress(done, total, label)
        }
    }

    /// The base a setup trains from: its task share and lexicon.
    static func baseName(_ setup: QualitySetup) -> String {
        "share\(Int((setup.taskShare * 100).rounded()))-\(setup.disjointLexicons ? "disjoint" : "shared")"
    }

    /// The seeds' outcomes of one setup as means, intervals and retention.
    static func summarise(_ setup: QualitySetup, _ trials: [QualityTrial.Outcome], scale: QualityScale, languages: [String]) -> QualitySummary.Setup {
        let combinedIndex = trials.first?.rows.firstIndex { $0.model == "combined" }
        let combinedPerSeed = trials.map { trial in combinedIndex.map { trial.rows[$0].meanAccuracy } ?? .nan }
        let combinedMean = MeanInterval(combinedPerSeed).mean
        let baseIndex = trials.first?.rows.firstIndex { $0.model == "base" }
        let baseMean = MeanInterval(trials.map { trial in baseIndex.map { trial.rows[$0].meanAccuracy } ?? .nan }).mean
        let gain = combinedMean - baseMean
        let rows: [QualitySummary.Row] = (trials.first?.rows.indices ?? 0..<0).map { index in
            let perSeed = trials.map { $0.rows[index] }
            let first = perSeed[0]
            let accuracy = MeanInterval(perSeed.map(\.meanAccuracy))
            let ratios = zip(perSeed, combinedPerSeed).map { $1 > 0 ? $0.meanAccuracy / $1 : .nan }
            let figures = languages.indices.map { language in
                QualitySummary.LanguageFigures(
                    language: languages[language], accuracy: MeanInterval(perSeed.map { $0.scores[language].accuracy }).mean,
                    loss: MeanInterval(perSeed.map { $0.scores[language].loss }).mean)
            }
            return QualitySummary.Row(
                model: first.model, method: first.method, density: first.density, weight: first.weight, accuracy: accuracy,
                loss: MeanInterval(perSeed.map(\.meanLoss)), retention: combinedMean > 0 ? accuracy.mean / combinedMean : .nan,
                retentionInterval: MeanInterval(ratios), gainRetention: gain > 0 ? (accuracy.mean - baseMean) / gain : .nan, languages: figures)
        }
        return QualitySummary.Setup(
            name: setup.name, changes: setup.changes, taskShare: setup.taskShare, lexicon: setup.disjointLexicons ? "disjoint" : "shared",
            sameInit: setup.sameInit, learningRate: setup.largeUpdates ? scale.largeLearningRate : scale.sizes.learningRate,
            epochs: setup.largeUpdates ? scale.largeEpochs : scale.sizes.epochs, weighting: setup.weighting.rawValue, rows: rows,
            adapterCosine: MeanInterval(trials.map(\.adapterCosine)), crossLanguageAccuracy: MeanInterval(trials.map(\.crossLanguageAccuracy)),
            relativeUpdateNorm: MeanInterval(trials.map(\.relativeUpdateNorm)))
    }
}
