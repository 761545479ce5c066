import ArgumentParser
import Foundation
import PlanCore
import PlanReport
import PlanStore

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

/// Documented exit codes (sysexits.h).
enum Exit {
    static let ok: Int32 = 0
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let software: Int32 = 70
    static let cannotCreate: Int32 = 73

    /// The exit code for an error from any layer.
    static func code(for error: Error) -> Int32 {
        switch error {
        case is ScenarioDiagnostics: return dataError
        case let error as PlanCoreError:
            switch error {
            case .invalidScenario, .workLimit, .invalidRunLog: return dataError
            case .unknownScenario: return noInput
            case .unknownModel, .unknownGPU, .invalidArgument: return usage
            case .catalog: return software
            case .invalidModelConfig: return dataError
            }
        case let error as StoreError:
            switch error {
            case .cannotOpen: return cannotCreate
            case .newerSchema, .notADatabase, .badCell: return dataError
            case .noSuchRun: return noInput
            case .failed: return cannotCreate
            }
        case ReportError.unreadableRun: return dataError
        case is ReportError: return cannotCreate
        case let error as CommandError:
            switch error {
            case .missingFile: return noInput
            case .unreadableFile: return noInput
            case .usage: return usage
            case .cannotCreate: return cannotCreate
            }
        default: return software
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

/// Runs `body`, turning any error into its message on stderr and its documented exit code.
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
