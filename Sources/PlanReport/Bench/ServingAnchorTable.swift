import Foundation
import PlanCore

/// The "Serving anchors" half of `plan bench anchors`: the serving model against published
/// serving measurements.
public enum ServingAnchorTable {
    /// A rate with thousands grouped; a slowdown as a percentage.
    static func value(_ value: Double, _ metric: ServingAnchor.Metric) -> String {
        metric.isSlowdown ? String(format: "%.1f%%", value * 100) : NumberFormat.grouped(value, decimals: value < 100 ? 2 : 0)
    }

    static func metricLabel(_ metric: ServingAnchor.Metric) -> String {
        switch metric {
        case .outputTokensPerSecondPerGPU: "output tok/s/GPU"
        case .prefillTokensPerSecondPerGPU: "prefill tok/s/GPU"
        case .requestsPerSecondPerReplica: "requests/s"
        case .loraSlowdown: "LoRA slowdown"
        case .loraSlowdownBand: "LoRA slowdown"
        }
    }

    static func predicted(_ check: ServingAnchor.Check) -> String {
        if let range = check.predictedRange {
            return "\(value(range.lowerBound, check.anchor.metric))–\(value(range.upperBound, check.anchor.metric))"
        }
        return value(check.predicted, check.anchor.metric)
    }

    static func published(_ check: ServingAnchor.Check) -> String {
        if case let .loraSlowdownBand(lower, upper, _) = check.anchor.metric {
            return "\(value(lower, check.anchor.metric))–\(value(upper, check.anchor.metric))"
        }
        return value(check.published, check.anchor.metric)
    }

    /// Rates: relative error in %; slowdowns: the difference in percentage points.
    static func error(_ check: ServingAnchor.Check) -> String {
        check.anchor.metric.isSlowdown ? String(format: "%+.1f pt", check.error * 100) : String(format: "%+.1f%%", check.error * 100)
    }

    static func tolerance(_ check: ServingAnchor.Check) -> String {
        guard let tolerance = check.anchor.tolerance else { return "" }
        return check.anchor.metric.isSlowdown ? String(format: "±%.0f pt", tolerance * 100) : String(format: "±%.0f%%", tolerance * 100)
    }

    public static func table(_ checks: [ServingAnchor.Check]) -> String {
        var table = TextTable(columns: [
            ("run", .left), ("metric", .left), ("predicted", .right), ("published", .right), ("err", .right),
            ("tolerance", .right), ("GPUs", .right), ("batch", .right), ("ms/token", .right),
        ])
        for check in checks {
            table.add([
                check.anchor.name + (check.anchor.anchor ? " *" : ""), metricLabel(check.anchor.metric), predicted(check),
                published(check), error(check), tolerance(check), String(check.capacity.gpusPerReplica),
                String(check.capacity.batch), String(format: "%.1f", check.capacity.msPerOutputToken),
            ])
        }
        let held = checks.filter(\.anchor.anchor)
        let within = held.filter { $0.withinTolerance == true }.count
        return "Serving anchors\n\n" + table.rendered()
            + "\n* = anchor held to its tolerance by the tests (\(within) of \(held.count) within). Rates: error = predicted / published − 1; "
            + "slowdowns: percentage points (a band: how far the predicted range reaches outside it). GPUs, batch and ms/token are the model's.\n"
    }

    public static func json(_ checks: [ServingAnchor.Check]) -> JSONValue {
        .array(checks.map { check in
            let anchor = check.anchor
            var pairs: [(String, JSONValue)] = [
                ("name", .string(anchor.name)), ("source", .string(anchor.source)), ("anchor", .bool(anchor.anchor)),
                ("model", .string(anchor.model)), ("gpu", .string(anchor.gpu)), ("stack", .string(anchor.stack)),
                ("metric", .string(anchor.metric.key)), ("predicted", .rounded(check.predicted)),
                ("published", .rounded(check.published)), ("error", .rounded(check.error)),
                ("tolerance", anchor.tolerance.map { .number($0) } ?? .null),
                ("within_tolerance", check.withinTolerance.map { .bool($0) } ?? .null),
            ]
            if let range = check.predictedRange {
                pairs.append(("predicted_min", .rounded(range.lowerBound)))
                pairs.append(("predicted_max", .rounded(range.upperBound)))
            }
            if case let .loraSlowdownBand(lower, upper, _) = anchor.metric {
                pairs.append(("published_min", .number(lower)))
                pairs.append(("published_max", .number(upper)))
            }
            pairs.append(("gpus_per_replica", .number(Double(check.capacity.gpusPerReplica))))
            pairs.append(("batch", .number(Double(check.capacity.batch))))
            pairs.append(("ms_per_output_token", .rounded(check.capacity.msPerOutputToken)))
            pairs.append(("tolerance_reason", .string(anchor.toleranceReason)))
            return .object(pairs)
        })
    }

    /// `plan bench anchors --format json`: the fine-tuning document with a `serving` array appended
    /// (its existing keys unchanged).
    public static func appending(_ checks: [ServingAnchor.Check], to document: JSONValue) -> JSONValue {
        guard case let .object(pairs) = document else { return document }
        return .object(pairs + [("serving", json(checks))])
    }
}
