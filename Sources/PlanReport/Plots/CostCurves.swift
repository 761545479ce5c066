import Foundation
import PlanSim

/// What the cost plots show: cumulative series and phase totals per strategy.
public struct CostCurves: Sendable, Equatable {
    public struct Curve: Sendable, Equatable {
        public var strategy: String
        /// (day, cumulative GPU-hours, cumulative dollars)
        public var points: [DailyPoint]
        public init(strategy: String, points: [DailyPoint]) {
            self.strategy = strategy
            self.points = points
        }
    }
    public struct Phases: Sendable, Equatable {
        public var strategy: String
        public var initialGPUHours: Double
        public var maintenanceGPUHours: Double
        public init(strategy: String, initialGPUHours: Double, maintenanceGPUHours: Double) {
            self.strategy = strategy
            self.initialGPUHours = initialGPUHours
            self.maintenanceGPUHours = maintenanceGPUHours
        }
    }

    public var title: String
    public var curves: [Curve]
    public var phases: [Phases]

    public init(title: String, curves: [Curve], phases: [Phases]) {
        self.title = title
        self.curves = curves
        self.phases = phases
    }

    public init(result: SimulationResult) {
        self.init(record: SimulationRecord(result: result))
    }

    /// From a stored run (its series rows set with `SimulationRecord.withSeries`).
    public init(record: SimulationRecord) {
        self.init(
            title: record.scenario,
            curves: record.strategies.map { Curve(strategy: $0.name, points: $0.series) },
            phases: record.strategies.map {
                Phases(strategy: $0.name, initialGPUHours: $0.initial.gpuHours, maintenanceGPUHours: $0.maintenance.gpuHours)
            })
    }
}
