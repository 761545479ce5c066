import Foundation
import PlanSim

extension SimulationRecord {
    /// Reads a stored simulate document (`plan simulate --format json`).
    /// - Throws: `ReportError.unreadableRun` naming what is missing or mistyped.
    public init(document: String) throws {
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(document.utf8))
        } catch let error as DecodingError {
            throw ReportError.unreadableRun(reason: Self.describe(error))
        }
    }

    /// "missing strategies[0].pool" rather than Foundation's debug text.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case let .keyNotFound(key, context): return "missing \(path(context.codingPath + [key]))"
        case let .typeMismatch(_, context), let .valueNotFound(_, context): return "unexpected value at \(path(context.codingPath))"
        case let .dataCorrupted(context): return context.codingPath.isEmpty ? "not a JSON document" : "unreadable \(path(context.codingPath))"
        @unknown default: return "unreadable document"
        }
    }
}
