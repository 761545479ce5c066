import Foundation
import PlanCore

/// The `plan quality --format json` document, also stored with the run (docs/schemas/quality.schema.json):
/// `run_id`, `size`, `seeds`, `languages`, `answer`, `setups` (each with its ingredients,
/// diagnostics and `rows`: `model`, `method`, `density`, `weight`, `accuracy`, `accuracy_ci`,
/// `loss`, `loss_ci`, `retention`, `retention_ci`, `languages`), `competence_curve`, `bases`,
/// `blas_core`, `threads`, `seconds`. `parse` reads a stored one back (for `plan report` and a
/// scenario's `quality.from_run`).
public enum QualityDocument {
    /// One pretrained base, as the document lists it.
    public struct Base: Sendable, Equatable {
        public var name: String
        public var steps: Int
        public var seconds: Double
        public var reused: Bool
        public var randomLoss: Double
        public var pretrainedLoss: Double
        public init(name: String, steps: Int, seconds: Double, reused: Bool, randomLoss: Double, pretrainedLoss: Double) {
            self.name = name
            self.steps = steps
            self.seconds = seconds
            self.reused = reused
            self.randomLoss = randomLoss
            self.pretrainedLoss = pretrainedLoss
        }
    }

    public static func make(runID: Int64, _ s: QualitySummary, bases: [Base], blasCore: String, threads: Int) -> JSONValue {
        .object([
            ("run_id", .number(Double(runID))), ("size", .string(s.size)), ("seeds", .array(s.seeds.map { .string(String($0)) })),
            ("languages", .array(s.languages.map { .string($0) })), ("answer", .string(QualityAnswer.sentence(s))),
            ("parity_retention", .number(QualitySummary.parityRetention)),
            ("setups", .array(s.setups.map(setup))),
            ("competence_curve", .array(s.competence.map { point in
                let setup = s.setup(point.setup)
                return .object([
                    ("task_share", .number(point.taskShare)), ("setup", .string(point.setup)),
                    ("base_accuracy", rounded(setup?.row("base")?.accuracy.mean)),
                    ("combined_accuracy", rounded(setup?.row("combined")?.accuracy.mean)),
                    ("best_merge_accuracy", rounded(setup?.bestMerge?.accuracy.mean)), ("best_retention", rounded(setup?.bestMerge?.retention)),
                ])
            })),
            ("bases", .array(bases.map { base in
                .object([
                    ("name", .string(base.name)), ("steps", .number(Double(base.steps))), ("seconds", .rounded(base.seconds, digits: 3)),
                    ("reused", .bool(base.reused)), ("random_loss", .rounded(base.randomLoss, digits: 4)),
                    ("pretrained_loss", .rounded(base.pretrainedLoss, digits: 4)),
                ])
            })),
            ("blas_core", .string(blasCore)), ("threads", .number(Double(threads))), ("seconds", .rounded(s.seconds, digits: 3)),
        ])
    }

    static func rounded(_ value: Double?) -> JSONValue { value.map { .rounded($0, digits: 4) } ?? .null }
    static func interval(_ m: MeanInterval) -> JSONValue { .array([.rounded(m.lower, digits: 4), .rounded(m.upper, digits: 4)]) }

    static func setup(_ setup: QualitySummary.Setup) -> JSONValue {
        .object([
            ("name", .string(setup.name)), ("changes", .string(setup.changes)), ("task_share", .number(setup.taskShare)),
            ("lexicon", .string(setup.lexicon)), ("same_init", .bool(setup.sameInit)), ("learning_rate", .number(setup.learningRate)),
            ("epochs", .number(Double(setup.epochs))), ("weighting", .string(setup.weighting)),
            ("adapter_cosine", .rounded(setup.adapterCosine.mean, digits: 4)), ("adapter_cosine_ci", interval(setup.adapterCosine)),
            ("cross_language_accuracy", .rounded(setup.crossLanguageAccuracy.mean, digits: 4)),
            ("cross_language_accuracy_ci", interval(setup.crossLanguageAccuracy)),
            ("relative_update_norm", .rounded(setup.relativeUpdateNorm.mean, digits: 5)),
            ("best_merge", setup.bestMerge.map { .string($0.model) } ?? .null), ("best_retention", rounded(setup.bestMerge?.retention)),
            ("update_retention", .rounded(setup.updateRetention, digits: 4)),
            ("rows", .array(setup.rows.map { row in
                .object([
                    ("model", .string(row.model)), ("method", row.method.map { .string($0) } ?? .null),
                    ("density", row.density.map { .number($0) } ?? .null), ("weight", row.weight.map { .rounded($0, digits: 4) } ?? .null),
                    ("accuracy", .rounded(row.accuracy.mean, digits: 4)), ("accuracy_ci", interval(row.accuracy)),
                    ("loss", .rounded(row.loss.mean, digits: 4)), ("loss_ci", interval(row.loss)),
                    ("retention", .rounded(row.retention, digits: 4)), ("retention_ci", interval(row.retentionInterval)),
                    ("gain_retention", .rounded(row.gainRetention, digits: 4)),
                    ("languages", .array(row.languages.map { figures in
                        .object([
                            ("language", .string(figures.language)), ("accuracy", .rounded(figures.accuracy, digits: 4)),
                            ("loss", .rounded(figures.loss, digits: 4)),
                        ])
                    })),
                ])
            })),
        ])
    }

    /// The summary a stored document holds (nil when it is not a quality document). Figures
    /// stored as null (not finite) read back as NaN; interval counts are the number of seeds.
    public static func parse(_ document: String) -> QualitySummary? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any],
            let size = object["size"] as? String, let languages = object["languages"] as? [String],
            let seedTexts = object["seeds"] as? [String], let setups = object["setups"] as? [[String: Any]]
        else { return nil }
        let seeds = seedTexts.compactMap { UInt64($0) }
        let n = seeds.count
        func number(_ value: Any?) -> Double { (value as? NSNumber)?.doubleValue ?? .nan }
        func interval(_ mean: Any?, _ bounds: Any?) -> MeanInterval {
            let pair = (bounds as? [Any]) ?? []
            return MeanInterval(mean: number(mean), lower: number(pair.first), upper: number(pair.dropFirst().first), count: n)
        }
        let parsed: [QualitySummary.Setup] = setups.compactMap { setup in
            guard let name = setup["name"] as? String, let rows = setup["rows"] as? [[String: Any]] else { return nil }
            return QualitySummary.Setup(
                name: name, changes: (setup["changes"] as? String) ?? "", taskShare: number(setup["task_share"]),
                lexicon: (setup["lexicon"] as? String) ?? "?", sameInit: (setup["same_init"] as? Bool) ?? false,
                learningRate: number(setup["learning_rate"]), epochs: (setup["epochs"] as? Int) ?? 0, weighting: (setup["weighting"] as? String) ?? "?",
                rows: rows.compactMap { row in
                    guard let model = row["model"] as? String else { return nil }
                    return QualitySummary.Row(
                        model: model, method: row["method"] as? String, density: (row["density"] as? NSNumber)?.doubleValue,
                        weight: (row["weight"] as? NSNumber)?.doubleValue, accuracy: interval(row["accuracy"], row["accuracy_ci"]),
                        loss: interval(row["loss"], row["loss_ci"]), retention: number(row["retention"]),
                        retentionInterval: interval(row["retention"], row["retention_ci"]), gainRetention: number(row["gain_retention"]),
                        languages: ((row["languages"] as? [[String: Any]]) ?? []).map {
                            QualitySummary.LanguageFigures(
                                language: ($0["language"] as? String) ?? "?", accuracy: number($0["accuracy"]), loss: number($0["loss"]))
                        })
                },
                adapterCosine: interval(setup["adapter_cosine"], setup["adapter_cosine_ci"]),
                crossLanguageAccuracy: interval(setup["cross_language_accuracy"], setup["cross_language_accuracy_ci"]),
                relativeUpdateNorm: MeanInterval(mean: number(setup["relative_update_norm"]), lower: .nan, upper: .nan, count: n))
        }
        let curve = ((object["competence_curve"] as? [[String: Any]]) ?? []).compactMap { point -> QualitySummary.CompetencePoint? in
            guard let setup = point["setup"] as? String else { return nil }
            return QualitySummary.CompetencePoint(taskShare: number(point["task_share"]), setup: setup)
        }
        return QualitySummary(size: size, seeds: seeds, languages: languages, setups: parsed, competence: curve, seconds: number(object["seconds"]))
    }
}
