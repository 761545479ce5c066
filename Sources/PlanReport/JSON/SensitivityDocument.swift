import Foundation
import PlanCore
import PlanSim

/// The `plan sensitivity --format json` document (also stored with the run).
public enum SensitivityDocument {
    public static func make(runID: Int64?, scenario: Scenario, seed: UInt64, result: Sensitivity.Result, seconds: Double?) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("run_id", runID.map { .number(Double($0)) } ?? .null),
            ("scenario", .string(scenario.name)),
            ("model_architecture", SimulationDocument.architecture(scenario.model)),
            ("seed", .number(Double(seed))),
            ("base_samples", .number(Double(result.baseSamples))),
            ("evaluations", .number(Double(result.evaluations))),
            ("baseline", .string(result.baseline.rawValue)),
            ("inputs", .array(result.inputs.map(JSONValue.string))),
            ("confidence", .number(0.95)),
        ]
        if let seconds { pairs.append(("seconds", .rounded(seconds, digits: 4))) }
        pairs.append(("outputs", .array(result.outputs.map { output in
            .object([
                ("figure", .string(output.figure)), ("strategy", .string(output.strategy.rawValue)),
                ("mean", .rounded(output.mean)), ("sd", .rounded(output.standardDeviation)),
                ("indices", .array(zip(result.inputs, output.indices).map { input, index in
                    .object([
                        ("input", .string(input)),
                        ("first_order", .rounded(index.first, digits: 6)),
                        ("first_order_ci", .array([.rounded(index.firstLow, digits: 6), .rounded(index.firstHigh, digits: 6)])),
                        ("total_effect", .rounded(index.total, digits: 6)),
                        ("total_effect_ci", .array([.rounded(index.totalLow, digits: 6), .rounded(index.totalHigh, digits: 6)])),
                    ])
                })),
            ])
        })))
        pairs.append(("most_influential", .array(SensitivityTable.summaries(result).map(JSONValue.string))))
        return .object(pairs)
    }
}
