import Foundation
import GRDB
import PlanCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What plan trusts in a database file before it reads a row: a plain file (never a link, FIFO
/// or device, which SQLite would follow or block on), and exactly the schema its own migrations
/// create (no trigger that runs on a write, no view that never ends, no extra or altered table).
extension RunStore {
    /// How a command uses the database: commands that store runs open it for writing (creating
    /// and migrating it); `runs list | show | compare | export` and `report` only read, and never
    /// create a file.
    public enum Access: Sendable {
        case readWrite, readOnly
    }

    /// Checks, without creating or writing anything, that `path` can be opened for writing: a
    /// regular file with plan's schema (`refuseForeignFile`), or a missing file in an existing,
    /// writable folder. For a command that writes an output before it stores its run.
    public static func preflight(path: String) throws {
        try refuseForeignFile(path)
        var status = stat()
        if lstat(path, &status) == 0 {
            guard FileManager.default.isWritableFile(atPath: path), FileManager.default.isReadableFile(atPath: path) else { throw StoreError.cannotOpen(path: path, reason: "the file is not writable") }
            return
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.isEmpty ? "." : directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError.cannotOpen(path: path, reason: "folder \(directory) does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: directory.isEmpty ? "." : directory) else {
            throw StoreError.cannotOpen(path: path, reason: "folder \(directory) is not writable")
        }
    }

    /// Refuses a path that exists but is not a regular file (a symbolic link, FIFO, device,
    /// socket or folder), or whose SQLite side files (`-wal`, `-shm`, `-journal`) are not regular
    /// files either. Uses `lstat`, so nothing is opened or followed.
    static func refuseNonRegularFile(_ path: String) throws {
        for (file, role) in [(path, "the database"), (path + "-wal", "its -wal file"), (path + "-shm", "its -shm file"),
                             (path + "-journal", "its -journal file")] {
            var status = stat()
            guard lstat(file, &status) == 0 else { continue }
            let type = status.st_mode & S_IFMT
            guard type != S_IFREG else { continue }
            let what: String = switch type {
            case S_IFLNK: "a symbolic link"
            case S_IFIFO: "a FIFO"
            case S_IFCHR, S_IFBLK: "a device"
            case S_IFDIR: "a folder"
            case S_IFSOCK: "a socket"
            default: "not a regular file"
            }
            throw StoreError.notARegularFile(path: path, reason: "\(role) \(file) is \(what); plan opens only regular files, pass another --db")
        }
    }

    /// SQLite's side files of a WAL database.
    static func sideFiles(_ path: String) -> [String] { [path + "-wal", path + "-shm"] }

    /// Removes the `-wal` and `-shm` that the read-only schema check created beside a file it
    /// then refused (a read-only connection cannot remove them when it closes), so a refused
    /// file is left as it was: only files that did not exist before, and only an empty WAL.
    static func removeCheckLeftovers(_ path: String, existedBefore: [Bool]) {
        let files = sideFiles(path)
        guard existedBefore == [false, false],
            let size = (try? FileManager.default.attributesOfItem(atPath: files[0]))?[.size] as? NSNumber, size.intValue == 0
        else { return }
        for file in files { try? FileManager.default.removeItem(atPath: file) }
    }

    /// The connection of a command that only reads: once the schema is checked, a read-write
    /// connection used only through `read` (GRDB runs those with `query_only`) and refused by
    /// `requireWritable`, which, when it closes, removes the `-wal` and `-shm` files as every
    /// plan connection does; a file plan may not write is read through a read-only connection.
    static func queryOnlyConfiguration(_ path: String) -> Configuration {
        configuration(readonly: !FileManager.default.isWritableFile(atPath: path))
    }

    /// Refuses a write through a store opened `readOnly`.
    func requireWritable() throws {
        guard access == .readWrite else { throw StoreError.failed("\(path) was opened to read runs only") }
    }

    /// The connection settings every plan connection uses: a busy timeout, and
    /// `trusted_schema = OFF`, so that SQL in the schema (a view, a trigger, a default) cannot
    /// call functions with side effects even if a check above were bypassed.
    static func configuration(readonly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readonly
        configuration.busyMode = .timeout(30)
        configuration.foreignKeysEnabled = !readonly
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA trusted_schema = OFF") }
        return configuration
    }

    /// One row of `sqlite_master`, its SQL in a canonical form (case, quotes and spacing do not
    /// matter).
    struct SchemaObject: Hashable, Comparable, CustomStringConvertible {
        var type: String
        var name: String
        var table: String
        var sql: String?

        init(type: String, name: String, table: String, sql: String?) {
            self.type = type.lowercased()
            self.name = name.lowercased()
            self.table = table.lowercased()
            self.sql = sql.map(Self.canonical)
        }

        static func canonical(_ sql: String) -> String {
            var out = ""
            var pendingSpace = false
            for character in sql.lowercased() {
                if "\"`[]".contains(character) { continue }
                if character.isWhitespace { pendingSpace = true; continue }
                let punctuation = "(),;".contains(character)
                if pendingSpace && !punctuation, let last = out.last, !"(),;".contains(last) { out.append(" ") }
                pendingSpace = false
                out.append(character)
            }
            return out
        }

        static func < (a: SchemaObject, b: SchemaObject) -> Bool { (a.type, a.name) < (b.type, b.name) }
        var description: String { "\(type) \(TerminalText.excerpt(name, limit: 40))" }
    }

    static func schema(_ db: Database) throws -> Set<SchemaObject> {
        Set(try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_master").map { row in
            SchemaObject(type: row["type"] ?? "", name: row["name"] ?? "", table: row["tbl_name"] ?? "", sql: row["sql"])
        })
    }

    /// The schema the first `count` migrations create, built in memory by the migrator itself
    /// (with `count` 0: GRDB's own `grdb_migrations` table alone).
    static func expectedSchema(migrations count: Int) throws -> Set<SchemaObject> {
        let names = migrator.migrations
        let queue = try DatabaseQueue()
        try migrator.migrate(queue, upTo: names[max(min(count, names.count), 1) - 1])
        let all = try queue.read(schema)
        return count == 0 ? all.filter { $0.table == "grdb_migrations" } : all
    }

    /// Checks the file's schema against the one its applied migrations create, reading only
    /// `sqlite_master` and (once it is known to be plan's table) `grdb_migrations`. Returns
    /// normally for a file with no schema yet; throws `newerSchema` for migrations this build
    /// does not know and `notADatabase` for anything else that differs.
    static func checkSchema(_ db: Database, path: String) throws {
        let found = try schema(db)
        if found.isEmpty { return }
        let tables = found.filter { $0.type == "table" && !$0.name.hasPrefix("sqlite_") }.map(\.name).sorted()
        guard found.contains(where: { $0.type == "table" && $0.name == "grdb_migrations" }) else {
            let names = tables.prefix(5).joined(separator: ", ") + (tables.count > 5 ? ", ..." : "")
            throw StoreError.notADatabase(
                path: path, reason: "it is another program's SQLite database (tables: \(TerminalText.excerpt(names))); plan did not change it, pass another --db")
        }
        // Read the migration table only once it is known to be GRDB's plain table.
        let bookkeeping = try expectedSchema(migrations: 0)
        let foundBookkeeping = found.filter { $0.table == "grdb_migrations" }
        guard foundBookkeeping == bookkeeping else {
            throw foreign(path, unexpected: foundBookkeeping.subtracting(bookkeeping), missing: bookkeeping.subtracting(foundBookkeeping))
        }
        let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        let known = migrator.migrations
        let unknown = Set(applied).subtracting(known).sorted()
        if !unknown.isEmpty { throw StoreError.newerSchema(path: path, unknown: unknown.map { TerminalText.excerpt($0, limit: 40) }) }
        // Migrations apply in order: the applied ones must be the first few.
        let count = Set(applied).count
        guard Set(known.prefix(count)) == Set(applied), applied.count == count else {
            throw StoreError.notADatabase(path: path, reason: "its migration table lists \(applied.sorted().joined(separator: ", ")), not a sequence plan applies; "
                + "plan did not change it, pass another --db")
        }
        let expected = try expectedSchema(migrations: count)
        if found != expected {
            throw foreign(path, unexpected: found.subtracting(expected), missing: expected.subtracting(found))
        }
    }

    static func foreign(_ path: String, unexpected: Set<SchemaObject>, missing: Set<SchemaObject>) -> StoreError {
        var parts: [String] = []
        func list(_ objects: Set<SchemaObject>) -> String {
            let sorted = objects.sorted()
            return sorted.prefix(4).map(\.description).joined(separator: ", ") + (sorted.count > 4 ? ", ..." : "")
        }
        let names = Set(unexpected.map(\.name)).intersection(missing.map(\.name))
        let altered = unexpected.filter { names.contains($0.name) }
        let extra = unexpected.filter { !names.contains($0.name) }
        let gone = missing.filter { !names.contains($0.name) }
        if !altered.isEmpty { parts.append("altered \(list(altered))") }
        if !extra.isEmpty { parts.append("\(list(extra)) that plan's migrations did not create") }
        if !gone.isEmpty { parts.append("no \(list(gone))") }
        return .notADatabase(path: path, reason: "its schema is not plan's (\(parts.joined(separator: "; "))); plan did not read or change it, pass another --db")
    }
}
