import Foundation

/// The quality side of the latest `plan validate`: held-out loss and answer-token accuracy per
/// model and language, as stored in the run's document (`quality`), with a one-line reading.
public struct ValidationQuality: Sendable, Equatable {
    /// One model's scores, in `languages` order.
    public struct Row: Sendable, Equatable {
        public var model: String
        public var losses: [Double]
        public var accuracies: [Double]
        public init(model: String, losses: [Double], accuracies: [Double]) {
            self.model = model
            self.losses = losses
            self.accuracies = accuracies
        }
        public var meanAccuracy: Double { accuracies.reduce(0, +) / Double(max(1, accuracies.count)) }
        public var meanLoss: Double { losses.reduce(0, +) / Double(max(1, losses.count)) }
    }

    public var runID: Int64
    public var setup: String
    public var languages: [String]
    public var rows: [Row]

    public init(runID: Int64, setup: String, languages: [String], rows: [Row]) {
        self.runID = runID
        self.setup = setup
        self.languages = languages
        self.rows = rows
    }

    /// The stored document's quality (nil when it has none, e.g. a run of an older plan).
    public static func parse(runID: Int64, document: String) -> ValidationQuality? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any],
            let languages = object["languages"] as? [String], let quality = object["quality"] as? [[String: Any]], !quality.isEmpty
        else { return nil }
        let rows = quality.compactMap { row -> Row? in
            guard let model = row["model"] as? String, let scores = row["scores"] as? [[String: Any]], scores.count == languages.count
            else { return nil }
            func value(_ score: [String: Any], _ key: String) -> Double { (score[key] as? NSNumber)?.doubleValue ?? .nan }
            return Row(model: model, losses: scores.map { value($0, "loss") }, accuracies: scores.map { value($0, "accuracy") })
        }
        guard !rows.isEmpty else { return nil }
        return ValidationQuality(runID: runID, setup: (object["setup"] as? String) ?? "?", languages: languages, rows: rows)
    }

    /// Header and rows: model, then loss and accuracy per language, then the mean accuracy.
    public var table: (header: [String], rows: [[String]]) {
        let header = ["model"] + languages.flatMap { ["\($0) loss", "\($0) acc"] } + ["mean acc"]
        let rows = rows.map { row in
            [row.model] + zip(row.losses, row.accuracies).flatMap { [Self.number(3, $0), Self.percent($1)] } + [Self.percent(row.meanAccuracy)]
        }
        return (header, rows)
    }

    /// One line: the combined model, the single adapters, the best and the worst merge, and
    /// the update's two outcomes, by mean answer accuracy.
    public var reading: String {
        func find(_ model: String) -> Row? { rows.first { $0.model == model } }
        var parts: [String] = []
        if let combined = find("combined") { parts.append("combined \(Self.percent(combined.meanAccuracy))") }
        if let single = find("single") { parts.append("single adapters \(Self.percent(single.meanAccuracy))") }
        let merges = rows.filter { $0.model.hasPrefix("merge/") }.sorted { $0.meanAccuracy > $1.meanAccuracy }
        if let best = merges.first, let worst = merges.last {
            parts.append("best merge \(best.model.dropFirst(6)) \(Self.percent(best.meanAccuracy))")
            if worst != best { parts.append("worst \(worst.model.dropFirst(6)) \(Self.percent(worst.meanAccuracy))") }
        }
        if let base = find("base") { parts.append("pretrained base \(Self.percent(base.meanAccuracy))") }
        if let all = find("update/retrain-all"), let one = find("update/re-merge") {
            parts.append("after the update: retrain-all \(Self.percent(all.meanAccuracy)), retrain-one + re-merge \(Self.percent(one.meanAccuracy))")
        }
        return "Mean answer-token accuracy: " + parts.joined(separator: "; ") + "."
    }

    /// What the numbers can and cannot say.
    public static let caveat = "Toy scale: a transformer of 1.5–5 million parameters pretrained for seconds on synthetic languages "
        + "(copies, translations, continuations), fine-tuned on one synthetic task (reverse and map); the study's models are 8B "
        + "Llamas on real languages and tasks, so only the direction of a gap is informative, not its size."

    static func number(_ digits: Int, _ value: Double) -> String { value.isFinite ? String(format: "%.\(digits)f", value) : "n/a" }
    static func percent(_ value: Double) -> String { value.isFinite ? String(format: "%.1f%%", value * 100) : "n/a" }
}
