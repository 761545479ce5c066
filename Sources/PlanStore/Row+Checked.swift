import Foundation
import GRDB
import PlanCore

extension Row {
    /// The cell `column` as `T`, or `StoreError.badCell` naming the table, row and column when it
    /// is missing, NULL or of another type (a tampered file): never GRDB's fatal conversion error.
    func checked<T: DatabaseValueConvertible>(_ column: String, table: String, row id: Int64?) throws -> T {
        let value = (self[column] as (any DatabaseValueConvertible)?)?.databaseValue ?? .null
        guard let converted = T.fromDatabaseValue(value) else {
            throw StoreError.badCell(table: table, row: id, column: column, found: Self.describe(value), expected: "\(T.self)")
        }
        return converted
    }

    /// As `checked`, but NULL is nil.
    func checkedOptional<T: DatabaseValueConvertible>(_ column: String, table: String, row id: Int64?) throws -> T? {
        let value = (self[column] as (any DatabaseValueConvertible)?)?.databaseValue ?? .null
        if value.isNull { return nil }
        return try checked(column, table: table, row: id) as T
    }

    /// A short description of a stored value for the error message.
    static func describe(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "NULL"
        case .int64(let number): return "the integer \(number)"
        case .double(let number): return "the number \(number)"
        case .string(let text): return "the text '\(TerminalText.excerpt(text, limit: 40))'"
        case .blob(let data): return "a \(data.count)-byte blob"
        }
    }
}
