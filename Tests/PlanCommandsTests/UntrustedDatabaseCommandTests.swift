import Foundation
import GRDB
import PlanStore
import PlanTestSupport
import Testing

/// Commands on an untrusted `--db` (issue 28): a crafted schema exits 65 before a row is read
/// or written (its trigger never runs, its endless view never hangs), a FIFO or device exits 65
/// without blocking, a command that only reads never creates a file (66), and a name holding a
/// NUL is stored and listed whole.
struct UntrustedDatabaseCommandTests {
    /// A plan database with one simulate run, then `sql` applied to it.
    static func crafted(_ sql: String, in folder: URL) throws -> String {
        #expect(try Binary.run(["simulate", "--no-plots", "--db", "crafted.sqlite"], in: folder).status == 0)
        try DatabaseQueue(path: folder.appendingPathComponent("crafted.sqlite").path).writeWithoutTransaction { try $0.execute(sql: sql) }
        return "crafted.sqlite"
    }

    static let everyCommand: [[String]] = [
        ["runs", "list"], ["runs", "show", "1"], ["runs", "export", "1", "--format", "csv"], ["runs", "compare", "1", "1"],
        ["report", "--latest", "--output", "report"], ["simulate", "--no-plots"], ["bench", "gemm", "--size", "32", "--repetitions", "1"],
    ]

    @Test(arguments: [
        "CREATE TRIGGER evil AFTER INSERT ON run BEGIN DELETE FROM run; END",
        "PRAGMA foreign_keys = OFF; DROP TABLE series; DROP TABLE result; DROP TABLE measurement; DROP TABLE profile; DROP TABLE run; "
            + "CREATE VIEW run AS WITH RECURSIVE c(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM c) SELECT id, 'simulate' AS kind FROM c",
    ])
    func aCraftedSchemaExits65AndNothingRuns(_ sql: String) throws {
        let folder = Binary.workspace()
        let database = try Self.crafted(sql, in: folder)
        let before = try Data(contentsOf: folder.appendingPathComponent(database))
        for command in Self.everyCommand {
            let output = try Binary.run(command + ["--db", database], in: folder)
            #expect(output.status == 65 && output.stderr.contains("not a plan run database"), "\(command): \(output.stderr)")
            #expect(output.stderr.split(separator: "\n").count == 1, "\(command): \(output.stderr)")
        }
        #expect(try Data(contentsOf: folder.appendingPathComponent(database)) == before)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("report").path))
    }

    @Test(arguments: ["fifo", "/dev/null", "link"]) func aDatabaseThatIsNotARegularFileExits65(_ name: String) throws {
        let folder = Binary.workspace()
        switch name {
        case "fifo": #expect(mkfifo(folder.appendingPathComponent(name).path, 0o600) == 0)
        case "link":
            #expect(try Binary.run(["simulate", "--no-plots", "--db", "real.sqlite"], in: folder).status == 0)
            try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent(name).path, withDestinationPath: "real.sqlite")
        default: break
        }
        for command in Self.everyCommand {
            let output = try Binary.run(command + ["--db", name], in: folder)
            #expect(output.status == 65 && output.stderr.contains("plan opens only regular files"), "\(command): \(output.stderr)")
        }
    }

    @Test func commandsThatOnlyReadNeverCreateADatabase() throws {
        let folder = Binary.workspace()
        for command in Self.everyCommand.prefix(5) {
            let output = try Binary.run(command + ["--db", "typo.sqlite"], in: folder)
            #expect(output.status == 66 && output.stderr.contains("no run database at typo.sqlite"), "\(command): \(output.stderr)")
            let output2 = try Binary.run(command, in: folder)
            #expect(output2.status == 66, "\(command): \(output2.stderr)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".std") }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func aNameWithANULIsStoredAndListedWhole() throws {
        let folder = Binary.workspace()
        var yaml = try Binary.defaultScenario(in: folder)
        yaml = yaml.replacingOccurrences(of: "name: paper-2601.16127", with: "name: \"before\\0after\"")
        try Data(yaml.utf8).write(to: folder.appendingPathComponent("s.yaml"))
        let simulate = try Binary.run(["simulate", "s.yaml", "--no-plots", "--format", "json"], in: folder)
        #expect(simulate.status == 0, "\(simulate.stderr)")
        let list = try Binary.run(["runs", "list", "--format", "json"], in: folder)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any])
        let runs = try #require(object["runs"] as? [[String: Any]])
        #expect(runs.first?["scenario"] as? String == "before\u{0}after", "\(list.stdout)")
        let table = try Binary.run(["runs", "list"], in: folder)
        #expect(table.stdout.contains("before\\u{0}after"), "\(table.stdout)")
        let document = try JSONSerialization.jsonObject(with: Data(simulate.stdout.utf8)) as? [String: Any]
        #expect(document?["scenario"] as? String == "before\u{0}after")
    }
}
