import Foundation

/// When training data changes over the planning horizon.
public struct Schedule: Sendable, Equatable {
    public var horizonDays: Int = 365
    public var events: [UpdateEvent] = []
    public var periodic: [PeriodicUpdate] = []
    public var poisson: [PoissonUpdate] = []
    public var additions: [LanguageAddition] = []
    /// 0 = deploy as soon as ready; N = updates wait for the next N-day release window.
    public var releaseEveryDays: Int = 0
    /// How long a training job may wait after its release for a cleaner hour of its region's
    /// grid (`schedule.max_update_delay_hours`; the wait counts in update latency).
    public var maxUpdateDelayHours: Double = 0

    /// The defaults (`ScenarioDefaults.schedule`).
    public init() {}
}

/// Which languages a recurring update touches.
public enum LanguageSelection: Sendable, Equatable {
    case all
    case some([String])
}

/// New examples for one language on one day.
public struct UpdateEvent: Sendable, Equatable {
    public var day: Double
    public var language: String
    public var addExamples: Double
    public init(day: Double, language: String, addExamples: Double) {
        self.day = day
        self.language = language
        self.addExamples = addExamples
    }
}

/// New examples for each selected language every `everyDays` days, starting at `startDay`
/// (default: `everyDays`).
public struct PeriodicUpdate: Sendable, Equatable {
    public var languages: LanguageSelection
    public var everyDays: Double
    public var addExamples: Double
    public var startDay: Double?
    public init(languages: LanguageSelection, everyDays: Double, addExamples: Double, startDay: Double? = nil) {
        self.languages = languages
        self.everyDays = everyDays
        self.addExamples = addExamples
        self.startDay = startDay
    }
}

/// Updates arriving at random: a Poisson process of `perYear` events per selected language.
public struct PoissonUpdate: Sendable, Equatable {
    public var languages: LanguageSelection
    public var perYear: Double
    public var addExamples: Double
    public init(languages: LanguageSelection, perYear: Double, addExamples: Double) {
        self.languages = languages
        self.perYear = perYear
        self.addExamples = addExamples
    }
}

/// A language that joins on `day`.
public struct LanguageAddition: Sendable, Equatable {
    public var day: Double
    public var language: String
    public var examples: Double
    public var tokensPerExample: Double
    public init(day: Double, language: String, examples: Double, tokensPerExample: Double) {
        self.day = day
        self.language = language
        self.examples = examples
        self.tokensPerExample = tokensPerExample
    }
}
