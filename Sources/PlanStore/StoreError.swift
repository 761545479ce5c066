import Foundation

/// Everything that can go wrong in PlanStore.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The database file cannot be created or opened for writing.
    case cannotOpen(path: String, reason: String)
    /// The file was written by a newer plan with migrations this build does not know.
    case newerSchema(path: String, unknown: [String])
    /// The file is not a plan database (or is corrupt, or its schema was changed outside plan).
    case notADatabase(path: String, reason: String)
    /// The path is a symbolic link, FIFO, device or folder (or one of its SQLite side files is).
    case notARegularFile(path: String, reason: String)
    /// A command that only reads runs was given a database file that does not exist.
    case noDatabase(path: String)
    /// No run with this id.
    case noSuchRun(Int64)
    /// A cell holds a value of the wrong type (the file was edited by hand or by another program).
    case badCell(table: String, row: Int64?, column: String, found: String, expected: String)
    /// A read or write failed.
    case failed(String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason):
            return "cannot open run database \(path): \(reason); pass --db PATH or set PLAN_DB to a writable file"
        case let .newerSchema(path, unknown):
            return "run database \(path) was written by a newer plan (migrations \(unknown.joined(separator: ", "))); upgrade plan or use another --db"
        case let .notADatabase(path, reason):
            return "\(path) is not a plan run database: \(reason)"
        case let .notARegularFile(path, reason):
            return "\(path) is not a plan run database: \(reason)"
        case let .noDatabase(path):
            return "no run database at \(path); run plan simulate (or another command that stores runs) first, or pass --db PATH"
        case let .noSuchRun(id):
            return "no run with id \(id); see plan runs list"
        case let .badCell(table, row, column, found, expected):
            let rowText = row.map { "row \($0)" } ?? "a row"
            return "run database: table \(table), \(rowText), column \(column) holds \(found), not a valid \(expected); "
                + "the file was modified outside plan (use another --db, or delete that run)"
        case let .failed(message):
            return "run database error: \(message)"
        }
    }
}
