import Foundation

/// What a job is.
public enum JobKind: String, Sendable, Equatable, CaseIterable {
    case training, merge, evaluation
}

/// The cost of one job: work, time, money, energy and emissions.
public struct JobCost: Sendable, Equatable {
    public var kind: JobKind
    public var name: String
    /// Model FLOPs (training: no recompute, what MFU counts).
    public var flops: Double
    /// FLOPs executed: training adds the recompute of gradient checkpointing; else `flops`.
    public var hardwareFlops: Double
    public var bytesMoved: Double
    /// Tokens trained (training) or evaluated (evaluation).
    public var tokens: Double
    public var gpus: Int
    /// Wall-clock seconds from start to finish, overheads included.
    public var wallSeconds: Double
    /// GPU-seconds: wall seconds × GPUs.
    public var gpuSeconds: Double { wallSeconds * Double(gpus) }
    public var gpuHours: Double { gpuSeconds / 3600 }
    public var usd: Double
    public var kwh: Double
    public var co2Kg: Double

    public init(
        kind: JobKind, name: String, flops: Double, bytesMoved: Double, tokens: Double, gpus: Int,
        wallSeconds: Double, rates: EnergyRates
    ) {
        self.kind = kind
        self.name = name
        self.flops = flops
        self.hardwareFlops = flops
        self.bytesMoved = bytesMoved
        self.tokens = tokens
        self.gpus = gpus
        self.wallSeconds = wallSeconds
        let hours = wallSeconds * Double(gpus) / 3600
        let footprint = rates.footprint(gpuHours: hours)
        self.usd = footprint.usd
        self.kwh = footprint.kwh
        self.co2Kg = footprint.co2Kg
    }
}
