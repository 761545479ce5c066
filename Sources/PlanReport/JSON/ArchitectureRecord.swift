import Foundation
import PlanCore

/// The model architecture a stored run used (`model_architecture` in the simulate document's
/// `assumptions`, at the top of sweep and sensitivity documents), read back for the report of a
/// `model: {hf_config: PATH}` run. Written by `SimulationDocument.architecture` in plan's own
/// architecture format, read by the one architecture reader (`ModelArchitecture.read`).
public enum ArchitectureRecord {
    /// The architecture stored in a run document; nil when the run (an older plan) stored none.
    public static func stored(in document: String) -> ModelArchitecture? {
        guard let root = (try? JSONSerialization.jsonObject(with: Data(document.utf8))) as? [String: Any],
              let object = ((root["assumptions"] as? [String: Any])?["model_architecture"] ?? root["model_architecture"]) as? [String: Any],
              let data = try? JSONSerialization.data(withJSONObject: object)
        else { return nil }
        return try? ModelArchitecture.read(data, file: "stored run", name: object["name"] as? String ?? "stored")
    }
}
