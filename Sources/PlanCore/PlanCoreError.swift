import Foundation

/// Everything that can go wrong in PlanCore, with a lower-case message that says what failed
/// and how to fix it.
public enum PlanCoreError: Error, Equatable, CustomStringConvertible {
    /// A model name that is not in the catalog.
    case unknownModel(String, known: [String])
    /// A GPU name that is not in the catalog.
    case unknownGPU(String, known: [String])
    /// A scenario name that is not embedded.
    case unknownScenario(String, known: [String])
    /// A catalog data file that is missing or malformed (a build problem, not a user one).
    case catalog(String)
    /// A Hugging Face `config.json` that plan cannot read as a dense decoder (file, problem).
    case invalidModelConfig(String, String)
    /// A scenario file with one or more problems.
    case invalidScenario(ScenarioDiagnostics)
    /// An argument outside its valid range.
    case invalidArgument(String)
    /// A training job whose parts do not fit together (a tensor-parallel degree that does not
    /// divide the GPUs or the attention heads): invalid input data, exit 65.
    case invalidJob(String)
    /// Work beyond one of the documented `WorkLimits` (invalid input data, exit 65).
    case workLimit(String)
    /// A measured-run file (Trainer JSON, torchtune log, probe CSV) that cannot be imported; the
    /// message names the file and the field.
    case invalidRunLog(String)

    public var description: String {
        switch self {
        case let .unknownModel(name, known):
            return "unknown model '\(TerminalText.excerpt(name))'; known models: \(known.joined(separator: ", "))"
        case let .unknownGPU(name, known):
            return "unknown gpu '\(TerminalText.excerpt(name))'; known gpus: \(known.joined(separator: ", "))"
        case let .unknownScenario(name, known):
            return "unknown scenario '\(TerminalText.excerpt(name))'; embedded scenarios: \(known.joined(separator: ", "))"
        case let .catalog(message):
            return "catalog data is unreadable: \(message); reinstall or rebuild plan"
        case let .invalidModelConfig(file, problem):
            return "\(file): \(problem)"
        case let .invalidScenario(diagnostics):
            return diagnostics.description
        case let .invalidArgument(message), let .invalidJob(message), let .workLimit(message), let .invalidRunLog(message):
            return message
        }
    }
}
