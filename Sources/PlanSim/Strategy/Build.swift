import Foundation
import PlanCore

/// One deployment: the jobs a strategy runs for the initial model, an update, or a refresh.
public struct Build: Sendable, Equatable {
    public enum Reason: String, Sendable, Equatable {
        case initial, update, refresh
    }
    public var reason: Reason
    /// Day the build is triggered.
    public var day: Double
    /// The data it ships (empty for initial builds and refreshes).
    public var arrivals: [Arrival]
    /// Indices of its jobs in the strategy's job list; the last one is the evaluation that
    /// marks the model deployable.
    public var jobs: [Int]
}
