import Foundation
import PlanCore

/// A stored run as the renderers see it: everything the database holds for it (PlanReport does
/// not depend on PlanStore; the command layer fills this in from a `StoredRun`).
public struct RunView: Sendable {
    /// A totals row: one strategy in one phase.
    public struct Result: Sendable {
        public var strategy: String, phase: String
        public var gpuHours: Double, wallClockHours: Double, costUSD: Double, energyKWh: Double, co2Kg: Double, trainedTokens: Double
        public init(strategy: String, phase: String, gpuHours: Double, wallClockHours: Double, costUSD: Double,
                    energyKWh: Double, co2Kg: Double, trainedTokens: Double) {
            (self.strategy, self.phase, self.gpuHours, self.wallClockHours) = (strategy, phase, gpuHours, wallClockHours)
            (self.costUSD, self.energyKWh, self.co2Kg, self.trainedTokens) = (costUSD, energyKWh, co2Kg, trainedTokens)
        }
    }

    /// One point of a cumulative series.
    public struct SeriesPoint: Sendable {
        public var strategy: String, day: Int, gpuHours: Double, costUSD: Double
        public init(strategy: String, day: Int, gpuHours: Double, costUSD: Double) {
            (self.strategy, self.day, self.gpuHours, self.costUSD) = (strategy, day, gpuHours, costUSD)
        }
    }

    /// A timing, predicted and/or measured; `details` is JSON text.
    public struct Measurement: Sendable {
        public var name: String, predictedSeconds: Double?, measuredSeconds: Double, details: String
        public init(name: String, predictedSeconds: Double?, measuredSeconds: Double, details: String) {
            (self.name, self.predictedSeconds, self.measuredSeconds, self.details) = (name, predictedSeconds, measuredSeconds, details)
        }
    }

    public var id: Int64
    public var kind: RunKind
    public var startedAt: Date
    public var finishedAt: Date
    public var toolVersion: String
    public var scenarioName: String?
    public var scenarioYAML: String?
    public var scenarioHash: String?
    public var seed: UInt64?
    public var trials: Int?
    /// Machine description (JSON text).
    public var machine: String?
    /// The run's own document (JSON text), as its command printed it.
    public var document: String
    public var results: [Result]
    public var series: [SeriesPoint]
    public var measurements: [Measurement]

    public init(
        id: Int64, kind: RunKind, startedAt: Date, finishedAt: Date, toolVersion: String, scenarioName: String?,
        scenarioYAML: String?, scenarioHash: String?, seed: UInt64?, trials: Int?, machine: String?, document: String,
        results: [Result], series: [SeriesPoint], measurements: [Measurement]
    ) {
        self.id = id
        self.kind = kind
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.toolVersion = toolVersion
        self.scenarioName = scenarioName
        self.scenarioYAML = scenarioYAML
        self.scenarioHash = scenarioHash
        self.seed = seed
        self.trials = trials
        self.machine = machine
        self.document = document
        self.results = results
        self.series = series
        self.measurements = measurements
    }

    /// A `plan runs list` row.
    public struct Summary: Sendable {
        public var id: Int64, kind: RunKind, startedAt: Date, scenarioName: String?, seed: UInt64?, trials: Int?
        public init(id: Int64, kind: RunKind, startedAt: Date, scenarioName: String?, seed: UInt64?, trials: Int?) {
            (self.id, self.kind, self.startedAt, self.scenarioName, self.seed, self.trials) = (id, kind, startedAt, scenarioName, seed, trials)
        }
    }
}
