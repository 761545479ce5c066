import ArgumentParser
import Foundation
import PlanCore
import PlanKernels
import PlanReport
import PlanStore
import PlanValidate

/// Documented exit codes (sysexits.h), and the one mapping from every library's errors to them.
/// Every command runs its body through `guarded`, which prints the error and exits with
/// `code(for:)`, so no command can exit 70 on bad data by catching the wrong error types.
enum Exit {
    static let ok: Int32 = 0
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let software: Int32 = 70
    static let cannotCreate: Int32 = 73

    /// The exit code for an error from any layer; 70 only for internal failures and errors of
    /// no known type.
    static func code(for error: Error) -> Int32 {
        switch error {
        case is ScenarioDiagnostics: dataError
        case let error as PlanCoreError: code(for: error)
        case let error as StoreError: code(for: error)
        case let error as ReportError: code(for: error)
        case let error as KernelError: code(for: error.kind)
        case let error as ValidateError: code(for: error)
        case let error as CommandError: code(for: error)
        case is ValidationError: usage
        case is DecodingError: dataError
        case let error as CocoaError: code(for: error.code)
        case let error as POSIXError: code(for: error.code)
        default: software
        }
    }

    static func code(for error: PlanCoreError) -> Int32 {
        switch error {
        case .invalidScenario, .invalidJob, .workLimit, .invalidRunLog, .invalidModelConfig: dataError
        case .unknownScenario: noInput
        case .unknownModel, .unknownGPU, .invalidArgument: usage
        case .catalog: software
        }
    }

    static func code(for error: StoreError) -> Int32 {
        switch error {
        case .cannotOpen, .failed: cannotCreate
        case .newerSchema, .notADatabase, .notARegularFile, .badCell: dataError
        case .noSuchRun, .noDatabase: noInput
        }
    }

    static func code(for error: ReportError) -> Int32 {
        switch error {
        case .unreadableRun: dataError
        case .gnuplotMissing, .gnuplotFailed, .cannotWrite: cannotCreate
        }
    }

    static func code(for kind: KernelError.Kind) -> Int32 {
        switch kind {
        case .usage: usage
        case .invalidData: dataError
        case .missingInput: noInput
        case .internalFailure: software
        case .cannotCreateOutput: cannotCreate
        }
    }

    static func code(for error: ValidateError) -> Int32 {
        switch error {
        case .invalidArgument: usage
        case .kernelFailure: software
        }
    }

    static func code(for error: CommandError) -> Int32 {
        switch error {
        case .missingFile, .unreadableFile: noInput
        case .usage: usage
        case .cannotCreate: cannotCreate
        }
    }

    /// Foundation file errors: a missing or unreadable input 66, undecodable contents 65, any
    /// failed write 73.
    static func code(for code: CocoaError.Code) -> Int32 {
        switch code {
        case .fileReadCorruptFile, .fileReadInapplicableStringEncoding, .fileReadUnknownStringEncoding, .propertyListReadCorrupt,
             .coderReadCorrupt, .coderValueNotFound:
            dataError
        case .fileNoSuchFile, .fileReadNoSuchFile, .fileReadNoPermission, .fileReadUnknown, .fileReadInvalidFileName,
             .fileReadTooLarge, .fileReadUnsupportedScheme:
            noInput
        case .fileWriteUnknown, .fileWriteNoPermission, .fileWriteInvalidFileName, .fileWriteFileExists,
             .fileWriteInapplicableStringEncoding, .fileWriteUnsupportedScheme, .fileWriteOutOfSpace, .fileWriteVolumeReadOnly,
             .fileLocking:
            cannotCreate
        default: software
        }
    }

    /// POSIX errors from file system calls: a missing path 66, a path that cannot be written 73.
    static func code(for code: POSIXErrorCode) -> Int32 {
        switch code {
        case .ENOENT, .ENOTDIR: noInput
        case .EACCES, .EPERM, .EROFS, .ENOSPC, .EDQUOT, .EEXIST, .EISDIR, .ENAMETOOLONG: cannotCreate
        default: software
        }
    }
}
