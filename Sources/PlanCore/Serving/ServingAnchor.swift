import Foundation

/// A published serving measurement (`Resources/serving-anchors.yaml`): the setup and what was measured.
public struct ServingAnchor: Sendable, Equatable {
    /// What was measured, in the unit the row publishes.
    public enum Metric: Sendable, Equatable {
        /// Generated tokens per second per GPU.
        case outputTokensPerSecondPerGPU(Double)
        /// Prompt tokens per second per GPU of one request prefilled alone (its length / time to first token).
        case prefillTokensPerSecondPerGPU(Double)
        /// Requests per second of one replica.
        case requestsPerSecondPerReplica(Double)
        /// 1 − multi-LoRA / dense output throughput on the same setup.
        case loraSlowdown(Double)
        /// The published range of the LoRA slowdown over a grid of input × output lengths.
        case loraSlowdownBand(lower: Double, upper: Double, gridTokens: [Double])

        /// The data file's key for this metric.
        public var key: String {
            switch self {
            case .outputTokensPerSecondPerGPU: "output_tokens_per_second_per_gpu"
            case .prefillTokensPerSecondPerGPU: "prefill_tokens_per_second_per_gpu"
            case .requestsPerSecondPerReplica: "requests_per_second_per_replica"
            case .loraSlowdown: "lora_slowdown"
            case .loraSlowdownBand: "lora_slowdown_band"
            }
        }

        /// True for the slowdowns, whose error and tolerance are absolute (fractions of throughput);
        /// false for the rates, whose error and tolerance are relative.
        public var isSlowdown: Bool {
            switch self {
            case .loraSlowdown, .loraSlowdownBand: true
            default: false
            }
        }
    }

    public var name: String
    public var source: String
    public var model: String
    public var gpu: String
    public var stack: String
    public var workload: ServingWorkload
    /// Tensor-parallel degree the run used (nil: the model's smallest that fits).
    public var gpusPerReplica: Int?
    public var adapters: ServingAdapters?
    public var metric: Metric
    /// Relative (rates) or absolute (slowdowns) error the tests allow; anchors only.
    public var tolerance: Double?
    /// Why the tolerance is what it is, or why the row is not held.
    public var toleranceReason: String
    /// True for the rows the test suite holds to `tolerance`.
    public var anchor: Bool

    /// The bundled published measurements, in file order, parsed once per process.
    public static func bundled() throws -> [ServingAnchor] { try shipped.get() }

    static let shipped = Catalog.loaded { try parse(ResourceLocator.text("serving-anchors.yaml"), file: "serving-anchors.yaml") }

    static let metricKeys = ["output_tokens_per_second_per_gpu", "prefill_tokens_per_second_per_gpu",
                             "requests_per_second_per_replica", "lora_slowdown", "lora_slowdown_band"]

    static func parse(_ text: String, file: String) throws -> [ServingAnchor] {
        try Catalog.orderedEntries(text, file: file) { name, fields -> ServingAnchor? in
            let source = fields.string("source", default: "") ?? ""
            if source.isEmpty { fields.diagnostics.error(fields.child("source"), "missing required field") }
            let model = fields.string("model", default: "") ?? ""
            let gpu = fields.string("gpu", default: "") ?? ""
            let stack = fields.string("stack", default: ServingStack.defaultName) ?? ServingStack.defaultName
            let input = fields.requiredDouble("input_tokens", range: 0...1e7, above: 0)
            let output = fields.requiredDouble("output_tokens", range: 0...1e7, above: 0)
            let concurrency: Int? = fields.has("concurrency") ? fields.requiredInt("concurrency", range: 1...1_000_000) : nil
            let degree: Int? = fields.has("gpus_per_replica") ? fields.requiredInt("gpus_per_replica", range: 1...64) : nil
            let adapters = readAdapters(&fields)
            let metric = readMetric(&fields)
            let tolerance: Double? = fields.has("tolerance") ? fields.requiredDouble("tolerance", range: 0...10, above: 0) : nil
            let reason = fields.string("tolerance_reason", default: "") ?? ""
            let anchor = fields.bool("anchor", default: false)
            if anchor && tolerance == nil { fields.diagnostics.error(fields.child("tolerance"), "an anchor needs a tolerance") }
            if reason.isEmpty { fields.diagnostics.error(fields.child("tolerance_reason"), "missing required field") }
            if let metric, metric.isSlowdown && adapters == nil {
                fields.diagnostics.error(fields.child("adapters"), "a LoRA slowdown row needs its adapters")
            }
            fields.finish()
            guard let input, let output, let metric else { return nil }
            return ServingAnchor(
                name: name, source: source, model: model, gpu: gpu, stack: stack,
                workload: ServingWorkload(inputTokens: input, outputTokens: output, maxConcurrency: concurrency),
                gpusPerReplica: degree, adapters: adapters, metric: metric, tolerance: tolerance, toleranceReason: reason,
                anchor: anchor)
        }.map(\.value)
    }

    static func readAdapters(_ fields: inout MappingReader) -> ServingAdapters? {
        guard var mapping = fields.mapping("adapters") else { return nil }
        let count = mapping.int("count", default: 1, range: 1...1_000_000)
        let rank = mapping.requiredInt("rank", range: 1...65536)
        var targets = ModelArchitecture.projectionNames
        if let node = mapping.node("targets") {
            if case let .scalar(scalar) = node { targets = JobSpec.parseTargets(scalar.string) } else {
                targets = mapping.stringList("targets", default: targets)
            }
        }
        mapping.finish()
        return rank.map { ServingAdapters(count: count, rank: $0, targets: targets) }
    }

    static func readMetric(_ fields: inout MappingReader) -> Metric? {
        let present = metricKeys.filter { fields.has($0) }
        guard present.count == 1, let key = present.first else {
            fields.diagnostics.error(fields.path, "give exactly one of \(metricKeys.joined(separator: ", "))")
            return nil
        }
        if key == "lora_slowdown_band" {
            let band = fields.stringList(key, default: []).compactMap(MappingReader.parseNumber)
            let grid = fields.stringList("grid_tokens", default: []).compactMap(MappingReader.parseNumber)
            guard band.count == 2, band.allSatisfy(\.isFinite), band[0] <= band[1], !grid.isEmpty,
                  grid.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                fields.diagnostics.error(fields.child(key), "expected [lower, upper] and a non-empty grid_tokens list")
                return nil
            }
            return .loraSlowdownBand(lower: band[0], upper: band[1], gridTokens: grid)
        }
        guard let value = fields.requiredDouble(key, range: key == "lora_slowdown" ? -1...1 : 0...1e12) else { return nil }
        switch key {
        case "output_tokens_per_second_per_gpu": return .outputTokensPerSecondPerGPU(value)
        case "prefill_tokens_per_second_per_gpu": return .prefillTokensPerSecondPerGPU(value)
        case "requests_per_second_per_replica": return .requestsPerSecondPerReplica(value)
        default: return .loraSlowdown(value)
        }
    }
}
