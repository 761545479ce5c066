import Foundation
import PlanCore
import PlanSim

/// Everything a capacity-planning report is made from: the stored run's inputs and the results
/// it stored, read back as typed records.
public struct ReportInput: Sendable {
    public var runID: Int64
    public var kind: String
    public var startedAt: Date
    public var toolVersion: String
    public var scenario: Scenario
    public var yaml: String
    public var seed: UInt64
    /// The simulation of the scenario as stored (with its Monte Carlo bands); nil for a sweep or
    /// sensitivity run, which stores its own results instead.
    public var simulation: SimulationRecord?
    public var sweeps: [SweepRecord]
    public var tornado: TornadoRecord?
    /// Sobol indices of a stored sensitivity run.
    public var sensitivity: SensitivityRecord?
    /// The latest validation's predicted vs measured seconds, if any: (run id, rows).
    public var calibration: (runID: Int64, rows: [(name: String, predicted: Double, measured: Double)])?
    /// Set when re-simulating the stored scenario gives other figures than those stored.
    public var consistencyWarning: String?
    /// The latest validation's quality table, if it has one.
    public var quality: ValidationQuality?

    public init(runID: Int64, kind: String, startedAt: Date, toolVersion: String, scenario: Scenario, yaml: String, seed: UInt64,
                simulation: SimulationRecord?, sweeps: [SweepRecord] = [], tornado: TornadoRecord? = nil, sensitivity: SensitivityRecord? = nil,
                calibration: (runID: Int64, rows: [(name: String, predicted: Double, measured: Double)])?, consistencyWarning: String?,
                quality: ValidationQuality? = nil) {
        self.runID = runID
        self.kind = kind
        self.startedAt = startedAt
        self.toolVersion = toolVersion
        self.scenario = scenario
        self.yaml = yaml
        self.seed = seed
        self.simulation = simulation
        self.sweeps = sweeps
        self.tornado = tornado
        self.sensitivity = sensitivity
        self.calibration = calibration
        self.consistencyWarning = consistencyWarning
        self.quality = quality
    }

    /// From live results (a fresh run, the tests): each converted to the record its stored
    /// document reads back as.
    public init(runID: Int64, kind: String, startedAt: Date, toolVersion: String, scenario: Scenario, yaml: String, seed: UInt64,
                simulation: SimulationResult, monteCarlo: MonteCarlo.Result?, sweeps: [Sweep.Result], tornado: Tornado.Result?,
                calibration: (runID: Int64, rows: [(name: String, predicted: Double, measured: Double)])?, consistencyWarning: String?,
                sensitivity: Sensitivity.Result? = nil, quality: ValidationQuality? = nil) {
        self.init(runID: runID, kind: kind, startedAt: startedAt, toolVersion: toolVersion, scenario: scenario, yaml: yaml, seed: seed,
                  simulation: SimulationRecord(result: simulation, monteCarlo: monteCarlo), sweeps: sweeps.map(SweepRecord.init),
                  tornado: tornado.map(TornadoRecord.init), sensitivity: sensitivity.map(SensitivityRecord.init),
                  calibration: calibration, consistencyWarning: consistencyWarning, quality: quality)
    }
}
