import Foundation

/// Prices training, merge and evaluation jobs for one scenario (DESIGN §4).
///
/// GPU-seconds = FLOPs / (peak × MFU) + fixed overheads, times GPUs per job; merges add
/// bytes / (bandwidth × merge efficiency). Dollars, kWh and CO2 follow from GPU-hours.
public struct CostModel: Sendable, Equatable {
    public let model: ModelArchitecture
    public let finetune: Finetune
    public let hardware: Hardware
    public let overheads: Overheads
    public let merge: MergeSettings

    public init(model: ModelArchitecture, finetune: Finetune, hardware: Hardware, overheads: Overheads, merge: MergeSettings) {
        self.model = model
        self.finetune = finetune
        self.hardware = hardware
        self.overheads = overheads
        self.merge = merge
        flops = TrainingFlops(model: model, finetune: finetune)
        mergeCost = MergeCostModel(method: merge.method, model: model, rank: finetune.rank, targets: finetune.targets)
        totalParameters = model.totalParameters
    }

    public init(scenario: Scenario) {
        self.init(model: scenario.model, finetune: scenario.finetune, hardware: scenario.hardware,
                  overheads: scenario.overheads, merge: scenario.merge)
    }

    // Derived once: the simulation prices thousands of jobs per Monte Carlo trial.
    public let flops: TrainingFlops
    let mergeCost: MergeCostModel
    let totalParameters: Double
    public var rates: EnergyRates { EnergyRates(hardware: hardware) }
    /// Sustained FLOP/s of one GPU: peak × MFU.
    public var sustainedFlopsPerGPU: Double { hardware.gpu.peakFlopsPerSecond * hardware.mfu }

    /// Examples of one language fed to a training job.
    public struct DataSlice: Sendable, Equatable {
        public var examples: Double
        public var tokensPerExample: Double
        public init(examples: Double, tokensPerExample: Double) {
            self.examples = examples
            self.tokensPerExample = tokensPerExample
        }
    }

    /// Attention context per sequence: the packed length, or the example itself when unpacked.
    public func context(tokensPerExample: Double) -> Double {
        let length = Double(finetune.sequenceLength)
        return finetune.packing ? length : min(tokensPerExample, length)
    }

    /// A training job over `data` for `epochs` epochs on `gpusPerJob` GPUs.
    public func training(name: String, data: [DataSlice], epochs: Double? = nil) -> JobCost {
        let epochs = epochs ?? finetune.epochs
        let perToken = flops
        var tokens = 0.0
        var work = 0.0
        for slice in data {
            let sliceTokens = slice.examples * slice.tokensPerExample * epochs
            tokens += sliceTokens
            work += sliceTokens * perToken.perToken(context: context(tokensPerExample: slice.tokensPerExample))
        }
        let gpus = hardware.gpusPerJob
        let compute = work / (Double(gpus) * sustainedFlopsPerGPU)
        let fixed = (overheads.jobStartupMinutes + overheads.checkpointSaveMinutes) * 60
        return JobCost(kind: .training, name: name, flops: work, bytesMoved: 0, tokens: tokens, gpus: gpus,
                       wallSeconds: compute + fixed, rates: rates)
    }

    /// An evaluation of one model on every language's held-out examples:
    /// 2 × parameters × (prompt + generated) tokens (forward only).
    public func evaluation(name: String, languages: [Language]) -> JobCost {
        evaluation(name: name, languages: languages.count, tokensPerExample: languages.reduce(0) { $0 + $1.tokensPerExample })
    }

    /// The same, from the number of languages and the sum of their tokens per example.
    public func evaluation(name: String, languages count: Int, tokensPerExample sum: Double) -> JobCost {
        let examples = Double(overheads.evaluationExamplesPerLanguage)
        let tokens = examples * (sum + Double(count) * overheads.generatedTokensPerExample)
        let work = 2 * totalParameters * tokens
        let gpus = hardware.gpusPerJob
        let wall = work / (Double(gpus) * sustainedFlopsPerGPU) + overheads.evaluationStartupMinutesResolved * 60
        return JobCost(kind: .evaluation, name: name, flops: work, bytesMoved: 0, tokens: tokens, gpus: gpus,
                       wallSeconds: wall, rates: rates)
    }

    /// A merge of `adapters` LoRA adapters with the scenario's merge method, on one GPU.
    public func mergeJob(name: String, adapters: Int) -> JobCost {
        let work = mergeCost.work(tasks: adapters)
        let seconds = work.bytes / (hardware.gpu.memoryBytesPerSecond * hardware.mergeEfficiency)
            + work.flops / sustainedFlopsPerGPU + overheads.mergeStartupMinutes * 60
        return JobCost(kind: .merge, name: name, flops: work.flops, bytesMoved: work.bytes, tokens: 0, gpus: 1,
                       wallSeconds: seconds, rates: rates)
    }
}
