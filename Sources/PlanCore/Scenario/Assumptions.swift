import Foundation
import Yams

/// One input of a scenario, with its unit and where its value came from.
public struct Assumption: Sendable, Equatable {
    public enum Origin: Sendable, Equatable, CustomStringConvertible {
        /// Written in the scenario file.
        case scenario
        /// From a catalog entry (its source named).
        case catalog(String)
        /// The documented default (scenarios/README.md).
        case defaultValue

        public var description: String {
            switch self {
            case .scenario: return "scenario file"
            case let .catalog(source): return "catalog (\(source))"
            case .defaultValue: return "default"
            }
        }
    }

    public var path: String
    public var value: String
    public var unit: String
    public var origin: Origin
}

extension Scenario {
    /// Every input that moves the cost figures, with provenance: whether the YAML text set it,
    /// a catalog supplied it, or the default applies.
    public func assumptions(yaml: String) -> [Assumption] {
        let written = Self.writtenPaths(yaml)
        func row(_ path: String, _ value: String, _ unit: String, catalog: String? = nil) -> Assumption {
            let origin: Assumption.Origin = written.contains(path) ? .scenario : catalog.map { .catalog($0) } ?? .defaultValue
            return Assumption(path: path, value: value, unit: unit, origin: origin)
        }
        func number(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.4g", value)
        }
        let modelSource = model.source
        let trainingRate = self.trainingRate
        var rows: [Assumption] = [
            Assumption(path: "model", value: model.name, unit: "", origin: written.contains("model") ? .scenario : .defaultValue),
            Assumption(path: "model.parameters", value: String(format: "%.3g B", model.totalParameters / 1e9), unit: "parameters", origin: .catalog(modelSource)),
            Assumption(path: "model.layers × hidden × mlp", value: "\(model.layers) × \(model.hidden) × \(model.mlp)", unit: "",
                       origin: .catalog(modelSource)),
            Assumption(path: "model.heads / kv_heads", value: "\(model.heads) / \(model.kvHeads)", unit: "", origin: .catalog(modelSource)),
            row("finetune.method", finetune.method.rawValue, ""),
            row("finetune.rank", "\(finetune.rank)", ""),
            row("finetune.alpha", number(finetune.alpha), ""),
            row("finetune.targets", finetune.targets.joined(separator: " "), ""),
            row("finetune.epochs", number(finetune.epochs), "epochs"),
            row("finetune.gradient_checkpointing", "\(finetune.gradientCheckpointing)", ""),
            row("finetune.packing", "\(finetune.packing)", ""),
            row("finetune.sequence_length", "\(finetune.sequenceLength)", "tokens"),
            row("hardware.gpu", hardware.gpu.name, ""),
            Assumption(path: "hardware.gpu peak (dense BF16)", value: number(hardware.gpu.peakFlopsPerSecond / 1e12), unit: "TFLOP/s",
                       origin: written.contains("hardware.peak_tflops") ? .scenario : .catalog(hardware.gpu.source)),
            Assumption(path: "hardware.gpu memory bandwidth", value: number(hardware.gpu.memoryBytesPerSecond / 1e9), unit: "GB/s",
                       origin: .catalog(hardware.gpu.source)),
            row("hardware.gpu_watts", number(hardware.gpuWatts), "W", catalog: hardware.gpu.source),
            row("hardware.pool_gpus", "\(hardware.poolGPUs)", "GPUs"),
            Assumption(path: "hardware.gpus_per_job", value: hardware.gpusPerJobAuto ? "auto (\(hardware.gpusPerJob))" : "\(hardware.gpusPerJob)",
                       unit: "GPUs", origin: written.contains("hardware.gpus_per_job") ? .scenario : .defaultValue),
            row("hardware.stack", hardware.stack.name, ""),
            row("finetune.micro_batch_size", "\(finetune.microBatchSize)", "sequences / GPU / micro-step"),
            row("finetune.gradient_accumulation", "\(finetune.gradientAccumulation)", "micro-steps / step"),
            Assumption(path: "hardware.mfu", value: hardware.mfu.map(number) ?? "model: \(number(trainingRate.mfu))", unit: "fraction",
                       origin: written.contains("hardware.mfu") ? .scenario : .defaultValue),
            Assumption(path: "training job peak memory per GPU", value: String(format: "%.1f of %.1f", trainingRate.memory.peak / Memory.gib, hardware.gpu.memoryGiB),
                       unit: "GiB", origin: .defaultValue),
            row("hardware.merge_efficiency", number(hardware.mergeEfficiency), "fraction of bandwidth"),
            row("hardware.usd_per_gpu_hour", number(hardware.usdPerGPUHour), "USD / GPU-hour"),
            row("hardware.pricing", hardware.pricing.rawValue, ""),
            row("hardware.pue", number(hardware.pue), "ratio"),
            row("hardware.kg_co2_per_kwh", number(hardware.kgCO2PerKWh), "kg CO2 / kWh"),
            row("overheads.job_startup_minutes", number(overheads.jobStartupMinutes), "minutes"),
            row("overheads.merge_startup_minutes", number(overheads.mergeStartupMinutes), "minutes"),
            row("overheads.evaluation_startup_minutes", number(overheads.evaluationStartupMinutesResolved), "minutes"),
            row("overheads.checkpoint_save_minutes", number(overheads.checkpointSaveMinutes), "minutes"),
            row("overheads.evaluation_examples_per_language", "\(overheads.evaluationExamplesPerLanguage)", "examples"),
            row("overheads.generated_tokens_per_example", number(overheads.generatedTokensPerExample), "tokens"),
        ]
        for language in languages {
            rows.append(row("languages.\(language.code).examples", number(language.examples), "examples"))
            rows.append(row("languages.\(language.code).tokens_per_example", number(language.tokensPerExample), "tokens"))
        }
        rows += [
            row("merge.method", merge.method, ""),
            row("merge.density", number(merge.density), "fraction"),
            row("schedule.horizon_days", "\(schedule.horizonDays)", "days"),
            row("schedule.release_every_days", "\(schedule.releaseEveryDays)", "days"),
            row("strategies", strategies.map { kind in
                strategyOptions[kind]?.gpusPerJob.map { "\(kind.rawValue) (\($0) GPUs per job)" } ?? kind.rawValue
            }.joined(separator: ", "), ""),
        ]
        if strategies.contains(.continued) { rows.append(row("continued.replay_fraction", number(continued.replayFraction), "fraction")) }
        if strategies.contains(.hybrid) { rows.append(row("hybrid.refresh_every_days", "\(hybrid.refreshEveryDays)", "days")) }
        return rows
    }

    /// Dotted paths of every mapping key present in `yaml` (`hardware.mfu`, `languages.en.examples`).
    static func writtenPaths(_ yaml: String) -> Set<String> {
        guard let root = try? Yams.compose(yaml: yaml) else { return [] }
        var paths: Set<String> = []
        func walk(_ node: Node, _ prefix: String) {
            guard case let .mapping(mapping) = node else { return }
            for (key, value) in mapping {
                guard case let .scalar(scalar) = key else { continue }
                let path = prefix.isEmpty ? scalar.string : "\(prefix).\(scalar.string)"
                paths.insert(path)
                walk(value, path)
            }
        }
        walk(root, "")
        return paths
    }
}
