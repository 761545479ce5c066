import Foundation

/// Merge jobs on a calibrated CPU: `MergeCostModel`'s bytes at the measured merge throughput, its
/// FLOPs at the matmul rate (the SVD rate for `*svd` and `knots_*`), and a measured fixed cost per
/// module — at the validation model's sizes a merge takes milliseconds and the per-module set-up
/// is a large share of it. Training jobs on the CPU use the step-time model like every device
/// (`StepTimeModel` with the fitted curve of `plan calibrate`).
public struct CPUMergeModel: Sendable, Equatable {
    public var model: ModelArchitecture
    public var finetune: Finetune
    public var rates: KernelRates

    public init(model: ModelArchitecture, finetune: Finetune, rates: KernelRates) {
        self.model = model
        self.finetune = finetune
        self.rates = rates
    }

    /// A merge of `adapters` LoRA adapters with `method`.
    public func merge(name: String, method: String, adapters: Int, energy: EnergyRates) -> JobCost {
        let work = MergeCostModel(method: method, model: model, rank: finetune.rank, targets: finetune.targets).work(tasks: adapters)
        let modules = Double(model.layers * finetune.targets.filter { model.projectionShape($0) != nil }.count)
        let flopRate = method.hasSuffix("svd") || method.hasPrefix("knots_") ? rates.svdFlopsPerSecond : rates.matmulFlopsPerSecond
        let seconds = work.bytes / rates.mergeBytesPerSecond + work.flops / flopRate + modules * rates.mergeSecondsPerModule
        return JobCost(kind: .merge, name: name, flops: work.flops, bytesMoved: work.bytes, tokens: 0, gpus: 1,
                       wallSeconds: seconds, rates: energy)
    }
}
