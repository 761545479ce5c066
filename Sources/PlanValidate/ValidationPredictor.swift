import PlanCore

/// Predicts `plan validate`'s jobs with the planning models: training jobs with the step-time
/// model (`StepTimeModel`) on this CPU as a device (`device`, carrying its fitted `StepCurve`),
/// merges with `MergeCostModel`'s bytes at the measured merge throughput (`rates`).
struct ValidationPredictor {
    var setup: ValidationSetup
    var device: GPUSpec
    var stack: SoftwareStack
    var rates: KernelRates

    /// Seconds of one optimizer step at the setup's size.
    var stepSeconds: Double {
        StepTimeModel(stack: stack).step(StepCalibration.job(setup, sequences: setup.sequencesPerStep), gpu: device).total
    }

    /// A training job over `sequences` packed sequences for `epochs` epochs.
    func training(sequences: Int, epochs: Int) -> Double {
        let perStep = setup.sequencesPerStep
        let steps = Double((sequences + perStep - 1) / perStep * epochs)
        return steps * stepSeconds
    }

    /// A merge of `adapters` adapters with the setup's method.
    func merge(adapters: Int) -> Double {
        let energy = EnergyRates(gpuWatts: 1, pue: 1, kgCO2PerKWh: 0, usdPerGPUHour: 0)
        return CPUMergeModel(model: setup.architecture, finetune: setup.finetune, rates: rates)
            .merge(name: "merge", method: setup.mergeMethod, adapters: adapters, energy: energy).wallSeconds
    }
}
