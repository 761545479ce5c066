import ArgumentParser
import PlanKernels
import PlanValidate

/// Exit codes and one-line messages for PlanValidate errors (calibrate, validate).
enum ValidateExit {
    /// The documented exit code of a validation error.
    static func code(for error: ValidateError) -> Int32 {
        switch error {
        case .invalidArgument: Exit.usage
        case .kernelFailure: Exit.software
        }
    }

    /// Runs `body`; a `ValidateError` becomes `plan: error: …` on stderr and its exit code, kernel
    /// errors and anything else go through `KernelExit.guarded`.
    static func guarded(_ body: () throws -> Void) throws {
        try KernelExit.guarded {
            do {
                try body()
            } catch let error as ValidateError {
                Console.error("plan: error: \(error)")
                throw ExitCode(code(for: error))
            }
        }
    }
}
