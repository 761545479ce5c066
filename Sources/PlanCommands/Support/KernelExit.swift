import ArgumentParser
import PlanKernels

/// Exit codes and one-line messages for PlanKernels errors (merge, bench).
enum KernelExit {
    /// The documented exit code of a kernel error.
    static func code(for error: KernelError) -> Int32 {
        switch error.kind {
        case .usage: Exit.usage
        case .invalidData: Exit.dataError
        case .missingInput: Exit.noInput
        case .internalFailure: Exit.software
        case .cannotCreateOutput: Exit.cannotCreate
        }
    }

    /// Runs `body`; a `KernelError` becomes `plan: error: …` on stderr and its exit code, anything
    /// else goes through the shared `guarded` handling.
    static func guarded(_ body: () throws -> Void) throws {
        try PlanCommands.guarded {
            do {
                try body()
            } catch let error as KernelError {
                Console.error("plan: error: \(error)")
                throw ExitCode(code(for: error))
            }
        }
    }

    /// Prints the OpenBLAS core warning (generic kernels on an avx512f/avx2 CPU) on stderr.
    static func warnAboutBLASCore() {
        if let warning = BLASInfo.current().coreWarning() { Console.error("plan: \(warning)") }
    }
}
