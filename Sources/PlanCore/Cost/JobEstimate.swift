import Foundation

/// `plan estimate`: the price of one training job, or the footprint of given GPU-hours.
public struct JobEstimate: Sendable, Equatable {
    public var flops: Double?
    public var flopsPerToken: Double?
    public var gpuHours: Double
    public var wallClockHours: Double
    public var costUSD: Double
    public var energyKWh: Double
    public var co2Kg: Double

    /// Prices training `tokens` tokens of `model` with `method` on `gpus` GPUs of type `gpu`.
    /// No start-up overheads: this is the compute alone (a scenario adds them).
    public static func training(
        model: ModelArchitecture, tokens: Double, method: Finetune.Method, rank: Int, gradientCheckpointing: Bool,
        sequenceLength: Int, gpu: GPUSpec, gpus: Int, mfu: Double, rates: EnergyRates
    ) throws -> JobEstimate {
        try check(tokens, "--tokens", above: 0)
        try check(mfu, "--mfu", above: 0, max: 1)
        try check(Double(gpus), "--gpus", above: 0)
        try check(Double(sequenceLength), "--sequence-length", above: 0)
        let flopsModel = TrainingFlops(
            model: model, method: method, rank: rank, targets: ModelArchitecture.projectionNames,
            gradientCheckpointing: gradientCheckpointing)
        let perToken = flopsModel.perToken(context: Double(sequenceLength))
        let total = perToken * tokens
        let gpuSeconds = total / (gpu.peakFlopsPerSecond * mfu)
        var result = unchecked(gpuHours: gpuSeconds / 3600, rates: rates)
        result.flops = total
        result.flopsPerToken = perToken
        result.wallClockHours = gpuSeconds / Double(gpus) / 3600
        return result
    }

    /// Converts known GPU-hours into dollars, kWh and CO2 (wall-clock = GPU-hours / GPUs).
    public static func footprint(gpuHours: Double, gpus: Int = 1, rates: EnergyRates) throws -> JobEstimate {
        try check(gpuHours, "--gpu-hours", above: -1)
        try check(rates.gpuWatts, "--gpu-watts", above: 0)
        try check(rates.pue, "--pue", above: 0.999, max: 10)
        try check(rates.kgCO2PerKWh, "--kg-co2-per-kwh", above: -1e-300, max: 10)
        try check(rates.usdPerGPUHour, "--usd-per-gpu-hour", above: -1e-300)
        return unchecked(gpuHours: gpuHours, rates: rates, gpus: gpus)
    }

    private static func unchecked(gpuHours: Double, rates: EnergyRates, gpus: Int = 1) -> JobEstimate {
        let f = rates.footprint(gpuHours: gpuHours)
        return JobEstimate(flops: nil, flopsPerToken: nil, gpuHours: gpuHours, wallClockHours: gpuHours / Double(max(gpus, 1)),
                           costUSD: f.usd, energyKWh: f.kwh, co2Kg: f.co2Kg)
    }

    private static func check(_ value: Double, _ name: String, above: Double, max: Double = .greatestFiniteMagnitude) throws {
        guard value.isFinite, value > above, value <= max else {
            let range = max.isFinite && max < .greatestFiniteMagnitude ? " and at most \(max)" : ""
            let lower = above < 0 ? "non-negative" : "greater than \(above)"
            throw PlanCoreError.invalidArgument("\(name) must be a finite number, \(lower)\(range), got \(value)")
        }
    }
}
