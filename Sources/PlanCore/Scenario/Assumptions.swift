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
        // A numeric field: its path and unit from the field table.
        func row(_ field: ScenarioField, _ value: String, catalog: String? = nil) -> Assumption {
            row(field.rawValue, value, field.spec.unit, catalog: catalog)
        }
        func row(_ language: Language, _ field: ScenarioField, _ value: Double) -> Assumption {
            row(field.rawValue.replacingOccurrences(of: "<code|*>", with: language.code), number(value), field.spec.unit)
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
            row(.finetuneRank, "\(finetune.rank)"),
            row(.finetuneAlpha, number(finetune.alpha)),
            row("finetune.targets", finetune.targets.joined(separator: " "), ""),
            row(.finetuneEpochs, number(finetune.epochs)),
            row("finetune.gradient_checkpointing", finetune.gradientCheckpointingAuto ? "auto" : "\(finetune.gradientCheckpointing)", ""),  // as the file writes it
            row("finetune.packing", "\(finetune.packing)", ""),
            row(.finetuneSequenceLength, "\(finetune.sequenceLength)"),
            row("hardware.gpu", hardware.gpu.name, ""),
            Assumption(path: "hardware.gpu peak (dense BF16)", value: number(hardware.gpu.peakFlopsPerSecond / 1e12), unit: ScenarioField.hardwarePeakTFLOPS.spec.unit,
                       origin: written.contains("hardware.peak_tflops") ? .scenario : .catalog(hardware.gpu.source)),
            Assumption(path: "hardware.gpu memory bandwidth", value: number(hardware.gpu.memoryBytesPerSecond / 1e9), unit: "GB/s",
                       origin: .catalog(hardware.gpu.source)),
            Assumption(path: "hardware.gpu link (collectives in a node)", value: number(hardware.gpu.linkBytesPerSecond / 1e9),
                       unit: ScenarioField.hardwareLinkGBPerS.spec.unit,
                       origin: written.contains("hardware.link_gb_per_s") ? .scenario : .catalog(hardware.gpu.source)),
            row(.hardwareGPUWatts, number(hardware.gpuWatts), catalog: hardware.gpu.source),
            row(.hardwarePoolGPUs, "\(hardware.poolGPUs)"),
            Assumption(path: "hardware.gpus_per_job", value: hardware.gpusPerJobAuto ? "auto (\(hardware.gpusPerJob))" : "\(hardware.gpusPerJob)",
                       unit: ScenarioField.hardwareGPUsPerJob.spec.unit, origin: written.contains("hardware.gpus_per_job") ? .scenario : .defaultValue),
            row("hardware.stack", hardware.stack.name, ""),
            row(.finetuneMicroBatchSize, "\(finetune.microBatchSize)"),
            row(.finetuneGradientAccumulation, "\(finetune.gradientAccumulation)"),
            Assumption(path: "hardware.mfu", value: hardware.mfu.map(number) ?? "model: \(number(trainingRate.mfu))", unit: ScenarioField.hardwareMFU.spec.unit,
                       origin: written.contains("hardware.mfu") ? .scenario : .defaultValue),
            Assumption(path: "training job peak memory per GPU", value: String(format: "%.1f of %.1f", trainingRate.memory.peak / Memory.gib, hardware.gpu.memoryGiB),
                       unit: "GiB", origin: .defaultValue),
            row(.hardwareMergeEfficiency, number(hardware.mergeEfficiency)),
            row(.hardwareUSDPerGPUHour, number(hardware.usdPerGPUHour)),
            row("hardware.pricing", hardware.pricing.rawValue, ""),
            row(.hardwareReservedUSDPerGPUHour, number(hardware.reservedRate)),
            row(.hardwarePUE, number(hardware.pue)),
            row(.hardwareKgCO2PerKWh, number(hardware.kgCO2PerKWh)),
            row(.overheadsJobStartupMinutes, number(overheads.jobStartupMinutes)),
            row(.overheadsMergeStartupMinutes, number(overheads.mergeStartupMinutes)),
            row(.overheadsEvaluationStartupMinutes, number(overheads.evaluationStartupMinutesResolved)),
            row(.overheadsCheckpointSaveMinutes, number(overheads.checkpointSaveMinutes)),
            row(.overheadsEvaluationExamplesPerLanguage, "\(overheads.evaluationExamplesPerLanguage)"),
            row(.overheadsGeneratedTokensPerExample, number(overheads.generatedTokensPerExample)),
        ]
        // Shown when it is set (the default, 1, leaves every existing report as it was).
        if hardware.tensorParallel != 1 || written.contains(ScenarioField.hardwareTensorParallel.rawValue),
           let at = rows.firstIndex(where: { $0.path == ScenarioField.hardwareGPUsPerJob.rawValue }) {
            rows.insert(row(.hardwareTensorParallel, "\(hardware.tensorParallel)"), at: at + 1)
        }
        if let evaluation = finetune.evaluation,
           let at = rows.firstIndex(where: { $0.path == ScenarioField.finetuneGradientAccumulation.rawValue }) {
            rows.insert(contentsOf: [row(.finetuneEvalEveryExamples, number(evaluation.everySamples)),
                                     row(.finetuneEvalExamples, number(evaluation.samples))], at: at + 1)
        }
        for language in languages {
            rows.append(row(language, .languageExamples, language.examples))
            rows.append(row(language, .languageTokensPerExample, language.tokensPerExample))
        }
        rows += [
            row("merge.method", merge.method, ""),
            row(.mergeDensity, number(merge.density)),
            row(.scheduleHorizonDays, "\(schedule.horizonDays)"),
            row(.scheduleReleaseEveryDays, "\(schedule.releaseEveryDays)"),
            row("strategies", strategies.map { kind in
                let own = [strategyOptions[kind]?.gpusPerJob.map { "\($0) GPUs per job" },
                           strategyOptions[kind]?.tensorParallel.map { "tensor_parallel \($0)" }].compactMap { $0 }
                return own.isEmpty ? kind.rawValue : "\(kind.rawValue) (\(own.joined(separator: ", ")))"
            }.joined(separator: ", "), ""),
        ]
        if strategies.contains(.continued) { rows.append(row(.continuedReplayFraction, number(continued.replayFraction))) }
        if strategies.contains(.hybrid) { rows.append(row(.hybridRefreshEveryDays, "\(hybrid.refreshEveryDays)")) }
        return rows
    }

    /// Dotted paths of every mapping key present in `yaml` (`hardware.mfu`, `languages.en.examples`).
    static func writtenPaths(_ yaml: String) -> Set<String> {
        guard let root = try? BoundedYAML.compose(yaml) else { return [] }
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
