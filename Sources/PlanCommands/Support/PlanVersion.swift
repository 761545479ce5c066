/// The tool version stored with every run.
public enum PlanVersion {
    public static let current = "0.1.0"
}
