import ArgumentParser
import Foundation
import PlanCore

/// Errors raised by the command layer itself.
enum CommandError: Error, CustomStringConvertible {
    case missingFile(String)
    case unreadableFile(String, String)
    case usage(String)
    case cannotCreate(String, String)

    var description: String {
        switch self {
        case let .missingFile(path): return "no such file: \(path)"
        case let .unreadableFile(path, reason): return "cannot read \(path): \(reason)"
        case let .usage(message): return message
        case let .cannotCreate(path, reason): return "cannot create \(path): \(reason)"
        }
    }
}

/// Prints `plan: error: …` (one line per diagnostic) to stderr.
func report(_ error: Error) {
    if let diagnostics = error as? ScenarioDiagnostics {
        for line in diagnostics.lines { Console.error(line) }
    } else if case let PlanCoreError.invalidScenario(diagnostics) = error {
        for line in diagnostics.lines { Console.error(line) }
    } else {
        Console.error("plan: error: \(error)")
    }
}

/// Runs `body`, turning any error into its message on stderr and its documented exit code
/// (`Exit.code(for:)`). Every command's `run` goes through here.
func guarded(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ExitCode {
        throw error
    } catch {
        report(error)
        throw ExitCode(Exit.code(for: error))
    }
}
