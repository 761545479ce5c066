import ArgumentParser
import Foundation
import Testing
@testable import PlanCommands
import PlanTestSupport

/// `--help` of every command and subcommand of `plan`, rendered at 100 columns and compared with
/// `Snapshots/help/<command path>.txt`. The list comes from the command tree, so a new command is
/// covered (and fails until recorded). Re-record on purpose with
/// `PLAN_RECORD_SNAPSHOTS=1 swift test --filter HelpSnapshotTests` (records, then fails), review the
/// diff, re-run without it.
@Suite("help text of every command")
struct HelpSnapshotTests {
    static let folder = Snapshot.folder("Snapshots/help", besides: #filePath)
    static let columns = 100

    /// A command and the names leading to it (`["plan", "runs", "list"]`).
    struct Command: CustomTestStringConvertible, Sendable {
        let path: [String]
        let type: any ParsableCommand.Type
        var file: String { path.joined(separator: "-") + ".txt" }
        var testDescription: String { path.joined(separator: " ") }
    }

    /// `PlanCommand` and every command below it, depth first, in `subcommands` order.
    static let commands: [Command] = {
        func walk(_ type: any ParsableCommand.Type, _ path: [String]) -> [Command] {
            let here = path + [type._commandName]
            return [Command(path: here, type: type)] + type.configuration.subcommands.flatMap { walk($0, here) }
        }
        return walk(PlanCommand.self, [])
    }()

    @Test("every command's --help matches its snapshot", arguments: commands)
    func helpMatchesSnapshot(_ command: Command) {
        let help = PlanCommand.helpMessage(for: command.type, columns: Self.columns)
        Snapshot.check(help + "\n", command.file, in: Self.folder, sourceLocation: #_sourceLocation)
    }

    @Test("no snapshot is left for a command that is gone",
          .enabled(if: !Snapshot.isRecording, "recording writes the files this compares"))
    func snapshotsMatchTheTree() throws {
        #expect(Self.commands.count > PlanCommand.configuration.subcommands.count)
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".txt") })
        #expect(files == Set(Self.commands.map(\.file)), "snapshots without a command: \(files.subtracting(Self.commands.map(\.file)).sorted())")
    }
}
