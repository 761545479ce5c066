import Foundation

/// A run to store: its identity, inputs and results, written in one transaction.
public struct NewRun: Sendable {
    /// The command that recorded the run (stored as its raw value).
    public var kind: RunKind
    public var startedAt: Date
    public var finishedAt: Date
    public var toolVersion: String
    public var scenarioName: String?
    public var scenarioYAML: String?
    public var seed: UInt64?
    public var trials: Int?
    /// Machine description (JSON), for runs that measured something.
    public var machine: String?
    public var results: [ResultRow]
    public var series: [SeriesRow]
    public var measurements: [MeasurementRow]

    public init(
        kind: RunKind, startedAt: Date, finishedAt: Date, toolVersion: String, scenarioName: String? = nil,
        scenarioYAML: String? = nil, seed: UInt64? = nil, trials: Int? = nil, machine: String? = nil,
        results: [ResultRow] = [], series: [SeriesRow] = [], measurements: [MeasurementRow] = []
    ) {
        self.kind = kind
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.toolVersion = toolVersion
        self.scenarioName = scenarioName
        self.scenarioYAML = scenarioYAML
        self.seed = seed
        self.trials = trials
        self.machine = machine
        self.results = results
        self.series = series
        self.measurements = measurements
    }
}

/// Totals of one strategy in one phase (`initial`, `maintenance`, `total`).
public struct ResultRow: Sendable, Equatable {
    public var strategy: String
    public var phase: String
    public var gpuHours: Double
    public var wallClockHours: Double
    public var costUSD: Double
    public var energyKWh: Double
    public var co2Kg: Double
    public var trainedTokens: Double

    public init(strategy: String, phase: String, gpuHours: Double, wallClockHours: Double, costUSD: Double,
                energyKWh: Double, co2Kg: Double, trainedTokens: Double) {
        self.strategy = strategy
        self.phase = phase
        self.gpuHours = gpuHours
        self.wallClockHours = wallClockHours
        self.costUSD = costUSD
        self.energyKWh = energyKWh
        self.co2Kg = co2Kg
        self.trainedTokens = trainedTokens
    }
}

/// One point of a cumulative series (for plots).
public struct SeriesRow: Sendable, Equatable {
    public var strategy: String
    public var day: Int
    public var gpuHours: Double
    public var costUSD: Double

    public init(strategy: String, day: Int, gpuHours: Double, costUSD: Double) {
        self.strategy = strategy
        self.day = day
        self.gpuHours = gpuHours
        self.costUSD = costUSD
    }
}

/// A predicted-vs-measured (or measured-only) timing.
public struct MeasurementRow: Sendable, Equatable {
    public var name: String
    public var predictedSeconds: Double?
    public var measuredSeconds: Double
    /// Free-form JSON: sizes, BLAS core, threads.
    public var details: String

    public init(name: String, predictedSeconds: Double?, measuredSeconds: Double, details: String) {
        self.name = name
        self.predictedSeconds = predictedSeconds
        self.measuredSeconds = measuredSeconds
        self.details = details
    }
}

/// A stored run as read back: what the database holds for it. The store returns it and every
/// renderer (`runs show`, `runs export`, `runs compare`, the report) reads it; there is no mirror.
public struct StoredRun: Sendable, Equatable {
    public var id: Int64
    /// `.unknown(text)` for a kind this build does not know.
    public var kind: RunKind
    public var startedAt: Date
    public var finishedAt: Date
    public var toolVersion: String
    public var scenarioName: String?
    public var scenarioYAML: String?
    public var scenarioHash: String?
    public var seed: UInt64?
    public var trials: Int?
    public var machine: String?
    /// The run's full JSON document, as printed by `--format json`.
    public var document: String
    public var results: [ResultRow]
    public var series: [SeriesRow]
    public var measurements: [MeasurementRow]

    public init(
        id: Int64, kind: RunKind, startedAt: Date, finishedAt: Date, toolVersion: String, scenarioName: String?, scenarioYAML: String?,
        scenarioHash: String?, seed: UInt64?, trials: Int?, machine: String?, document: String, results: [ResultRow], series: [SeriesRow],
        measurements: [MeasurementRow]
    ) {
        (self.id, self.kind, self.startedAt, self.finishedAt, self.toolVersion) = (id, kind, startedAt, finishedAt, toolVersion)
        (self.scenarioName, self.scenarioYAML, self.scenarioHash, self.seed, self.trials) = (scenarioName, scenarioYAML, scenarioHash, seed, trials)
        (self.machine, self.document, self.results, self.series, self.measurements) = (machine, document, results, series, measurements)
    }
}

/// A one-line summary of a stored run, for `plan runs list`.
public struct RunSummary: Sendable, Equatable {
    public var id: Int64
    public var kind: RunKind
    public var startedAt: Date
    public var scenarioName: String?
    public var seed: UInt64?
    public var trials: Int?

    public init(id: Int64, kind: RunKind, startedAt: Date, scenarioName: String?, seed: UInt64?, trials: Int?) {
        (self.id, self.kind, self.startedAt, self.scenarioName, self.seed, self.trials) = (id, kind, startedAt, scenarioName, seed, trials)
    }
}
