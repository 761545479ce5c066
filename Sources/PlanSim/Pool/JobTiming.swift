import Foundation

/// When a job ran, in hours from day 0.
public struct JobTiming: Sendable, Equatable {
    public var startHours: Double
    public var finishHours: Double
}
