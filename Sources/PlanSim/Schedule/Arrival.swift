import Foundation
import PlanCore

/// New data reaching the team: more examples for a language, or a new language.
public struct Arrival: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case examples(Double)
        case newLanguage(examples: Double, tokensPerExample: Double)
    }
    /// Day the data arrives (fractional for Poisson arrivals).
    public var day: Double
    public var language: String
    /// Position of `language` among the scenario's languages followed by its additions, so
    /// that the simulation's hot loop never compares strings.
    public var languageIndex: Int
    public var kind: Kind
}
