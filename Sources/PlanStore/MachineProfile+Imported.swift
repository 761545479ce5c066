import Foundation
import PlanCore

/// Profiles fitted to measured runs (`plan calibrate --import`): the base GPU's datasheet figures in
/// the profile's columns, and in `details` (JSON) `"source": "import"`, `base_gpu`, `stack`,
/// `peak_fp8_flops_per_second`, `link_bytes_per_second`, `gpus_per_node` and `step_curve`
/// (`gemm_efficiency_max`, `half_efficiency_tokens`, `step_overhead_seconds`,
/// `communication_overlap`), plus whatever the caller adds (the fit's residuals).
extension MachineProfile {
    /// A profile for `device` (a catalog GPU carrying a fitted `stepCurve`), measured by run `runID`.
    public static func imported(name: String, device: GPUSpec, baseGPU: String, createdAt: Date,
                                extra: [String: Any] = [:]) throws -> MachineProfile {
        var details = extra
        details["source"] = "import"
        details["base_gpu"] = baseGPU
        details["stack"] = device.stackName ?? SoftwareStack.defaultName
        details["peak_fp8_flops_per_second"] = device.peakFP8FlopsPerSecond ?? NSNull()
        details["link_bytes_per_second"] = device.linkBytesPerSecond
        details["gpus_per_node"] = device.gpusPerNode
        if let curve = device.stepCurve {
            details["step_curve"] = [
                "gemm_efficiency_max": curve.gemmEfficiencyMax, "half_efficiency_tokens": curve.halfEfficiencyTokens,
                "step_overhead_seconds": curve.stepOverheadSeconds,
                "communication_overlap": curve.communicationOverlap.map { $0 as Any } ?? NSNull(),
            ] as [String: Any]
        }
        let data = try JSONSerialization.data(withJSONObject: details, options: [.sortedKeys])
        return MachineProfile(
            name: name, runID: nil, createdAt: createdAt, peakFlopsPerSecond: device.peakFlopsPerSecond,
            memoryBytesPerSecond: device.memoryBytesPerSecond, memoryBytes: device.memoryBytes, boardWatts: device.boardWatts,
            details: String(decoding: data, as: UTF8.self))
    }

    /// The base GPU an imported profile was fitted on; nil for a CPU calibration.
    public var baseGPUName: String? { importedDetails?["base_gpu"] as? String }

    var importedDetails: [String: Any]? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(details.utf8))) as? [String: Any],
              object["source"] as? String == "import" || object["step_curve"] != nil else { return nil }
        return object
    }

    func applyImportedDetails(to spec: inout GPUSpec) {
        guard let object = importedDetails else { return }
        func number(_ value: Any?) -> Double? { (value as? NSNumber).map(\.doubleValue).flatMap { $0.isFinite ? $0 : nil } }
        spec.peakFP8FlopsPerSecond = number(object["peak_fp8_flops_per_second"])
        if let link = number(object["link_bytes_per_second"]), link > 0 { spec.linkBytesPerSecond = link }
        if let node = number(object["gpus_per_node"]), node >= 1, node <= 1_000_000 { spec.gpusPerNode = Int(node) }
        spec.stackName = object["stack"] as? String
        if let curve = object["step_curve"] as? [String: Any], let eta = number(curve["gemm_efficiency_max"]),
           let half = number(curve["half_efficiency_tokens"]), let overhead = number(curve["step_overhead_seconds"]),
           eta > 0, eta <= 1, half >= 0, overhead >= 0 {
            spec.stepCurve = StepCurve(gemmEfficiencyMax: eta, halfEfficiencyTokens: half, stepOverheadSeconds: overhead,
                                       communicationOverlap: number(curve["communication_overlap"]))
        }
        spec.source = "machine profile \(name): \(baseGPUName ?? "gpu") datasheet + step curve fitted to measured runs"
            + (runID.map { " (calibrate run \($0))" } ?? "")
    }
}
