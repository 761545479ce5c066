@testable import PlanCore

extension ScenarioLoader {
    /// The diagnostics loading `text` (as `s.yaml`) gives: none when it loads, one `?` entry for
    /// an error that is not a scenario diagnostic.
    func diagnostics(_ text: String) -> [Diagnostic] {
        do {
            _ = try load(text: text, file: "s.yaml")
            return []
        } catch let error as ScenarioDiagnostics {
            return error.diagnostics
        } catch {
            return [Diagnostic(path: "?", message: "\(error)")]
        }
    }
}
