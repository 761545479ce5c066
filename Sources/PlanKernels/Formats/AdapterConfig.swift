import Foundation

/// The parts of a PEFT `adapter_config.json` that merging needs, plus the whole document so the
/// merged adapter can copy every other field from its first input.
public struct AdapterConfig: Equatable, Sendable {
    /// LoRA rank `r`.
    public var rank: Int
    /// `lora_alpha`.
    public var alpha: Double
    /// `target_modules` (a single regex string is kept as one element).
    public var targetModules: [String]
    /// `use_rslora`: scaling is alpha / sqrt(r) instead of alpha / r.
    public var useRSLoRA: Bool
    /// The full JSON object as read.
    var document: [String: JSONValue]

    /// `base_model_name_or_path`, when the config names one.
    public var baseModel: String? { document["base_model_name_or_path"]?.stringValue }

    /// The factor applied to B·A: `alpha / sqrt(r)` with rsLoRA, else `alpha / r`.
    public var scaling: Double {
        useRSLoRA ? alpha / Double(rank).squareRoot() : alpha / Double(rank)
    }

    /// Parses and validates `adapter_config.json` content; `path` only labels errors.
    /// - Throws: `KernelError.invalidData` for invalid JSON, a key that appears twice in one
    ///   object (`JSONKeys`), a missing or non-positive `r` or
    ///   `lora_alpha`, a non-LoRA adapter, or features PlanKernels cannot merge (DoRA, rank or
    ///   alpha patterns, fan_in_fan_out).
    public static func parse(_ data: Data, path: String) throws -> AdapterConfig {
        func invalid(_ reason: String) -> KernelError { .invalidData(path: path, reason: reason) }
        switch JSONKeys.firstProblem(in: data) {
        case let .duplicate(key, within)?:
            let place = within.isEmpty ? "" : " inside " + within.map(JSONKeys.quoted).joined(separator: ".")
            throw invalid("the key \(JSONKeys.quoted(key)) appears twice\(place); PEFT reads the last value and plan would read "
                + "the first, so the file is refused: keep one")
        case .tooDeep?:
            throw invalid("adapter_config.json nests deeper than \(JSONKeys.maximumDepth) levels; it is not a peft config")
        case nil: break
        }
        guard let document = JSONValue.parse(data)?.objectValue else {
            throw invalid("adapter_config.json is not a json object; re-export the adapter with peft")
        }
        if let type = document["peft_type"]?.stringValue, type.uppercased() != "LORA" {
            throw invalid("peft_type is \(type); only lora adapters can be merged")
        }
        guard let rank = document["r"]?.intValue, rank > 0 else {
            throw invalid("r must be a positive integer")
        }
        guard let alpha = document["lora_alpha"]?.doubleValue, alpha.isFinite, alpha > 0 else {
            throw invalid("lora_alpha must be a positive number")
        }
        if document["use_dora"]?.boolValue == true {
            throw invalid("dora adapters (use_dora: true) cannot be merged; use plain lora adapters")
        }
        if document["fan_in_fan_out"]?.boolValue == true {
            throw invalid("fan_in_fan_out adapters are not supported; use adapters for nn.Linear layers")
        }
        for key in ["rank_pattern", "alpha_pattern"] {
            if let pattern = document[key]?.objectValue, !pattern.isEmpty {
                throw invalid("\(key) is not supported: every module must use r and lora_alpha")
            }
        }
        let targets: [String] = switch document["target_modules"] {
        case .string(let pattern): [pattern]
        case .array(let values): values.compactMap(\.stringValue)
        default: []
        }
        return AdapterConfig(
            rank: rank, alpha: alpha, targetModules: targets,
            useRSLoRA: document["use_rslora"]?.boolValue ?? false, document: document)
    }

    /// The config of a merged adapter: this one with `r = lora_alpha = rank` (scaling 1), the given
    /// target modules, rsLoRA off and no patterns.
    public func merged(rank: Int, targetModules: [String]) -> AdapterConfig {
        var document = self.document
        document["r"] = .integer(rank)
        document["lora_alpha"] = .integer(rank)
        document["use_rslora"] = .bool(false)
        document["rank_pattern"] = .object([:])
        document["alpha_pattern"] = .object([:])
        document["target_modules"] = .array(targetModules.map { .string($0) })
        return AdapterConfig(
            rank: rank, alpha: Double(rank), targetModules: targetModules, useRSLoRA: false, document: document)
    }
}
