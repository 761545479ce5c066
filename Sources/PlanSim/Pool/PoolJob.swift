import Foundation

/// A job as the GPU pool sees it: how many GPUs, for how long, when it may start at the
/// earliest, and the jobs it waits for.
public struct PoolJob: Sendable, Equatable {
    public var gpus: Int
    /// Wall-clock hours once started.
    public var hours: Double
    /// Hours from day 0 at which the job's build is triggered.
    public var releaseHours: Double
    /// Indices (into the submitted job list) of jobs that must finish first.
    public var dependencies: [Int]

    public init(gpus: Int, hours: Double, releaseHours: Double, dependencies: [Int]) {
        self.gpus = gpus
        self.hours = hours
        self.releaseHours = releaseHours
        self.dependencies = dependencies
    }
}

/// When a job ran.
public struct JobTiming: Sendable, Equatable {
    public var startHours: Double
    public var finishHours: Double
}
