import Foundation

/// One measured fine-tuning run, read from a log (`RunLogReader`): the job as `plan estimate`
/// would describe it and what was measured.
public struct MeasuredRun: Sendable, Equatable {
    /// The file format the run came from.
    public enum Format: String, Sendable, Equatable {
        /// HF Trainer `trainer_state.json`, `train_results.json` or `all_results.json`.
        case trainer
        /// torchtune DiskLogger lines (`Step N | … tokens_per_second_per_gpu:… peak_memory_alloc:…`).
        case torchtune
        /// The probe CSV (`RunLogReader.csvHeader`), one run per row.
        case csv
        /// Training steps `plan calibrate` timed itself on this CPU.
        case timedSteps = "timed-steps"
        /// An MLPerf Training result log (`:::MLLOG` events, `MLPerfLog`).
        case mlperf
    }

    /// `file` or `file:line N`, for messages.
    public var source: String
    public var format: Format
    public var spec: JobSpec
    /// The architecture when the run's model came from a file (probe, config.json); nil → `spec.model`
    /// in the catalog.
    public var architecture: ModelArchitecture?
    /// Measured training tokens per second on each GPU.
    public var tokensPerSecondPerGPU: Double
    /// Measured peak of torch allocations per GPU, GiB (`max_memory_allocated`), where given.
    public var peakMemoryGiB: Double?
    /// What the log says about its own FLOPs (Trainer `total_flos`: 6 × non-embedding parameters ×
    /// tokens); shown for comparison only, never used.
    public var loggedTotalFlos: Double?
    /// Tokens the log counted, where it did (Trainer `num_input_tokens_seen`, over all GPUs).
    public var tokens: Double?
    public var runtimeSeconds: Double?
    /// The MLPerf log the run came from (its whole run, evaluations and schedule), where it did.
    public var mlperf: MLPerfLog?

    public init(source: String, format: Format, spec: JobSpec, architecture: ModelArchitecture? = nil,
                tokensPerSecondPerGPU: Double, peakMemoryGiB: Double? = nil, loggedTotalFlos: Double? = nil,
                tokens: Double? = nil, runtimeSeconds: Double? = nil) {
        self.source = source
        self.format = format
        self.spec = spec
        self.architecture = architecture
        self.tokensPerSecondPerGPU = tokensPerSecondPerGPU
        self.peakMemoryGiB = peakMemoryGiB
        self.loggedTotalFlos = loggedTotalFlos
        self.tokens = tokens
        self.runtimeSeconds = runtimeSeconds
    }
}
