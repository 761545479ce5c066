import Foundation
import Testing
@testable import PlanCore

/// `scenarios/README.md`'s "Numeric fields" table and the field specs agree both ways: every
/// spec has its row (same type, unit, range, variability and doc), and there is no other row.
struct ScenarioReadmeTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scenarios/README.md")

    static let header = ["field", "type", "unit", "range", "vary", "meaning"]

    /// The row a spec should have, cell by cell.
    static func row(_ spec: FieldSpec) -> [String] {
        let type = (spec.bounds.isWhole ? "whole" : "number") + spec.keywords.map { " or `\($0)`" }.joined()
        return ["`\(spec.path)`", type, spec.unit.isEmpty ? "—" : spec.unit, spec.bounds.interval, spec.isVariable ? "✓" : "", spec.doc]
    }

    /// The table as Markdown (printed when the README disagrees, ready to paste).
    static var expectedTable: String {
        func line(_ cells: [String]) -> String { "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |" }
        return ([line(header), "|" + String(repeating: "---|", count: header.count)] + ScenarioField.all.map { line(row($0)) })
            .joined(separator: "\n")
    }

    /// The cells of a Markdown table row (`\|` is a literal bar).
    static func cells(_ line: String) -> [String] {
        var result: [String] = []
        var cell = ""
        var previous: Character = " "
        for character in line.trimmingCharacters(in: .whitespaces).dropFirst() {
            if character == "|" && previous != "\\" {
                result.append(cell.trimmingCharacters(in: .whitespaces))
                cell = ""
            } else if character == "|" {
                cell.removeLast()
                cell.append(character)
            } else {
                cell.append(character)
            }
            previous = character
        }
        return result
    }

    /// The rows of the first table under `## Numeric fields`.
    static func readmeRows() throws -> (header: [String], rows: [[String]]) {
        let text = try String(contentsOf: readme, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "## Numeric fields") else { return ([], []) }
        let table = lines[(start + 1)...].drop { !$0.hasPrefix("|") }.prefix { $0.hasPrefix("|") }.map(cells)
        guard table.count >= 2 else { return ([], []) }
        return (table[0], Array(table.dropFirst(2)))
    }

    @Test func numericFieldTableAgreesWithTheSpecs() throws {
        let (header, rows) = try Self.readmeRows()
        #expect(header == Self.header, "scenarios/README.md needs a '## Numeric fields' table with columns \(Self.header)")
        let expected = ScenarioField.all.map(Self.row)
        let missing = expected.filter { !rows.contains($0) }
        let extra = rows.filter { !expected.contains($0) }
        #expect(missing.isEmpty && extra.isEmpty,
                "README rows differ from the specs.\nmissing or different: \(missing.map { $0[0] })\nnot in the specs: \(extra.map { $0.first ?? "" })\nexpected table:\n\(Self.expectedTable)")
        #expect(rows.count == Set(rows.map { $0.first ?? "" }).count, "a field has two rows")
    }

    @Test func cellsSplitOnUnescapedBars() {
        #expect(Self.cells("| `a.<code\\|*>.b` | x |  |") == ["`a.<code|*>.b`", "x", ""])
    }
}
