import Foundation
import Yams

/// The blocks of the whole decision: `merge_incremental`, `adapters`, `serving` and `quality`,
/// and `hardware.reliability`.
extension ScenarioLoader {
    /// `hardware.reliability:`; nil when absent (no failures).
    func readReliability(_ hardware: inout MappingReader) -> ReliabilitySettings? {
        guard var fields = hardware.mapping("reliability") else { return nil }
        var result = ReliabilitySettings()
        result.gpuFailuresPerHour = fields.double(.reliabilityGPUFailuresPerHour, default: result.gpuFailuresPerHour)
        result.storageGBPerSecondPerNode = fields.double(.reliabilityStorageGBPerS, default: result.storageGBPerSecondPerNode)
        result.restartMinutes = fields.optionalDouble(.reliabilityRestartMinutes)
        let interval = ScenarioField.reliabilityCheckpointIntervalMinutes
        if let node = fields.node(interval.spec.key) {
            if case let .scalar(scalar) = node, interval.spec.keywords.contains(scalar.string) {
                result.checkpointIntervalMinutes = nil
            } else {
                result.checkpointIntervalMinutes = MappingReader.value(node, path: fields.child(interval.spec.key), bounds: interval.spec.bounds,
                                                                       diagnostics: fields.diagnostics)
            }
        }
        fields.finish()
        return result
    }

    /// `hardware.capacity` (nil when absent or unknown, after recording why).
    func readCapacity(_ fields: inout MappingReader) -> Capacity? {
        guard let name = fields.string("capacity", default: nil) else { return nil }
        if let capacity = Capacity(rawValue: name) { return capacity }
        fields.diagnostics.error(
            fields.child("capacity"),
            "unknown capacity \"\(TerminalText.excerpt(name))\"; expected one of \(Capacity.allCases.map(\.rawValue).joined(separator: ", "))")
        return nil
    }

    /// `hardware.spot:`; nil when absent.
    func readSpot(_ hardware: inout MappingReader) -> SpotSettings? {
        guard var fields = hardware.mapping("spot") else { return nil }
        let price = fields.requiredDouble(.spotUSDPerGPUHour)
        let preemptions = fields.requiredDouble(.spotPreemptionsPerHour)
        let hours = fields.optionalDouble(.spotMaxJobHours)
        let gpus = fields.optionalInt(.spotMaxGPUsPerJob)
        fields.finish()
        guard let price, let preemptions else { return nil }
        return SpotSettings(usdPerGPUHour: price, preemptionsPerHour: preemptions, maxJobHours: hours, maxGPUsPerJob: gpus)
    }

    func readMergeIncremental(_ root: inout MappingReader) -> MergeIncrementalSettings {
        var result = MergeIncrementalSettings()
        guard var fields = root.mapping("merge_incremental") else { return result }
        result.replayFraction = fields.double(.mergeIncrementalReplayFraction, default: result.replayFraction)
        fields.finish()
        return result
    }

    func readAdapters(_ root: inout MappingReader) -> AdaptersSettings {
        var result = AdaptersSettings()
        guard var fields = root.mapping("adapters") else { return result }
        if let name = fields.string("update", default: nil) {
            if let update = AdaptersSettings.Update(rawValue: name) {
                result.update = update
            } else {
                fields.diagnostics.error(
                    fields.child("update"),
                    "unknown update \"\(TerminalText.excerpt(name))\"; expected one of \(AdaptersSettings.Update.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        result.replayFraction = fields.double(.adaptersReplayFraction, default: result.replayFraction)
        result.deployMinutes = fields.double(.adaptersDeployMinutes, default: result.deployMinutes)
        fields.finish()
        return result
    }

    /// `serving:`; nil when absent. `hardware` gives the defaults of `gpu` and `usd_per_gpu_hour`;
    /// `codes` are the languages traffic may name (the scenario's and the schedule's additions).
    func readServing(_ root: inout MappingReader, hardware: Hardware?, codes: Set<String>) -> ServingSettings? {
        guard var fields = root.mapping("serving") else { return nil }
        var gpu = hardware?.gpu
        if let name = fields.string("gpu", default: nil) {
            do { gpu = try catalog.gpu(name) } catch {
                gpu = nil
                fields.diagnostics.error(fields.child("gpu"), "\(error)")
            }
        }
        let price = fields.optionalDouble(.servingUSDPerGPUHour)
        let stack = fields.string("stack", default: ServingSettings.defaultStack) ?? ServingSettings.defaultStack
        if !ServingSettings.knownStacks.contains(stack) {
            fields.diagnostics.error(
                fields.child("stack"),
                "unknown serving stack \"\(TerminalText.excerpt(stack))\"; expected one of \(ServingSettings.knownStacks.sorted().joined(separator: ", "))")
        }
        let target = fields.optionalDouble(.servingMaxMsPerOutputToken)
        let peak = fields.double(.servingPeakToMean, default: 1)
        let scale = fields.double(.servingTrafficScale, default: 1)
        var traffic: [String: ServingTraffic] = [:]
        if var entries = fields.mapping("traffic") {
            for code in entries.keys {
                guard let node = entries.node(code), var entry = MappingReader(node, path: entries.child(code), diagnostics: entries.diagnostics)
                else { continue }
                if code != "*" && !codes.contains(code) {
                    entries.diagnostics.error(
                        entries.child(code),
                        "unknown language \"\(TerminalText.excerpt(code))\"; traffic names a scenario language, a schedule addition, or * for every language")
                }
                traffic[code] = ServingTraffic(
                    requestsPerDay: entry.optionalDouble(.servingRequestsPerDay), inputTokens: entry.optionalDouble(.servingInputTokens),
                    outputTokens: entry.optionalDouble(.servingOutputTokens))
                entry.finish()
            }
            entries.finish()
        } else if !fields.has("traffic") {
            fields.diagnostics.error(fields.child("traffic"), "missing required field (requests per day per language, or \"*\" for all)")
        }
        fields.finish()
        guard let gpu, let hardware else { return nil }
        var result = ServingSettings(gpu: gpu, usdPerGPUHour: price ?? hardware.usdPerGPUHour, stack: stack)
        result.maxMsPerOutputToken = target
        result.peakToMean = peak
        result.trafficScale = scale
        result.traffic = traffic
        return result
    }

    func readQuality(_ root: inout MappingReader) -> QualitySettings {
        var result = QualitySettings()
        guard var fields = root.mapping("quality") else { return result }
        result.floor = fields.double(.qualityFloor, default: 0)
        if let run = fields.optionalInt(.qualityFromRun) { result.fromRun = Int64(run) }
        if var entries = fields.mapping("retention") {
            let known = StrategyKind.allCases.map(\.rawValue) + MergeCostModel.methods
            for key in entries.keys {
                guard let node = entries.node(key) else { continue }
                if !known.contains(key) {
                    entries.diagnostics.error(
                        entries.child(key),
                        "unknown strategy or merge method \"\(TerminalText.excerpt(key))\"; expected a strategy (\(StrategyKind.allCases.map(\.rawValue).joined(separator: ", "))) or a merge method")
                    continue
                }
                if let value = MappingReader.value(node, path: entries.child(key), bounds: ScenarioField.qualityRetention.spec.bounds,
                                                   diagnostics: entries.diagnostics) {
                    result.retention[key] = value
                }
            }
            entries.finish()
        }
        fields.finish()
        return result
    }
}
