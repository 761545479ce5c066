import Foundation
import PlanSim

/// A sensitivity run's Sobol indices as stored (`plan sensitivity --format json`), typed.
public struct SensitivityRecord: Sendable, Equatable, Decodable {
    public struct Index: Sendable, Equatable, Decodable {
        public var input: String
        public var first: Double
        public var firstInterval: [Double]
        public var total: Double
        public var totalInterval: [Double]

        enum CodingKeys: String, CodingKey {
            case input, first = "first_order", firstInterval = "first_order_ci", total = "total_effect", totalInterval = "total_effect_ci"
        }
    }

    public struct Output: Sendable, Equatable, Decodable {
        /// `cost_usd` or `cost_gap_usd`.
        public var figure: String
        public var strategy: String
        public var mean: Double
        public var standardDeviation: Double
        /// One per input, in input order.
        public var indices: [Index]

        enum CodingKeys: String, CodingKey { case figure, strategy, mean, standardDeviation = "sd", indices }

        /// Inputs by decreasing total effect (ties: input order), as `Sensitivity.Result.ranked`.
        public var ranked: [Index] {
            indices.enumerated().sorted { ($0.element.total, -$0.offset) > ($1.element.total, -$1.offset) }.map(\.element)
        }
    }

    public var baseSamples: Int
    public var evaluations: Int
    public var baseline: String
    public var inputs: [String]
    public var outputs: [Output]
    /// `SensitivityTable.summaries` as worded when the run was stored.
    public var mostInfluential: [String]

    enum CodingKeys: String, CodingKey {
        case baseSamples = "base_samples", evaluations, baseline, inputs, outputs, mostInfluential = "most_influential"
    }

    /// The outputs the plots and the report's lead show: the cost gaps (each total cost when
    /// the scenario has a single strategy).
    public var gapOutputs: [Output] {
        let gaps = outputs.filter { $0.figure == "cost_gap_usd" }
        return gaps.isEmpty ? outputs : gaps
    }

    public init(_ result: Sensitivity.Result) {
        baseSamples = result.baseSamples
        evaluations = result.evaluations
        baseline = result.baseline.rawValue
        inputs = result.inputs
        outputs = result.outputs.map { output in
            Output(figure: output.figure, strategy: output.strategy.rawValue, mean: output.mean, standardDeviation: output.standardDeviation,
                   indices: zip(result.inputs, output.indices).map { input, index in
                       Index(input: input, first: index.first, firstInterval: [index.firstLow, index.firstHigh], total: index.total,
                             totalInterval: [index.totalLow, index.totalHigh])
                   })
        }
        mostInfluential = SensitivityTable.summaries(result)
    }

    /// - Throws: `ReportError.unreadableRun` naming what is missing.
    public init(document: String) throws {
        do { self = try JSONDecoder().decode(Self.self, from: Data(document.utf8)) } catch let error as DecodingError {
            throw ReportError.unreadableRun(reason: SimulationRecord.describe(error))
        }
    }

    /// "merge − full-retrain cost gap" or "merge total cost" (as `SensitivityTable.title`).
    public func title(_ output: Output) -> String { Self.title(figure: output.figure, strategy: output.strategy, baseline: baseline) }

    /// The one wording of an output's name.
    public static func title(figure: String, strategy: String, baseline: String) -> String {
        figure == "cost_gap_usd" ? "\(strategy) − \(baseline) cost gap" : "\(strategy) total cost"
    }
}
