import Foundation

/// An accelerator's rates: a catalog GPU or a calibrated machine profile.
public struct GPUSpec: Sendable, Equatable {
    public var name: String
    /// Dense BF16 tensor peak in FLOP/s (never the "with sparsity" figure).
    public var peakFlopsPerSecond: Double
    /// Dense FP8 tensor peak in FLOP/s, where the device has FP8 tensor cores (Hopper, Ada).
    public var peakFP8FlopsPerSecond: Double?
    /// Device memory in bytes, as the vendor's tools show it (nvidia-smi's MiB × 2^20).
    public var memoryBytes: Double
    public var memoryBytesPerSecond: Double
    /// Achievable per-GPU collective bandwidth inside one node (NVLink or PCIe), bytes/s.
    public var linkBytesPerSecond: Double
    /// GPUs that share the intra-node link; past this, collectives cross the network.
    public var gpusPerNode: Int
    public var boardWatts: Double
    public var source: String
    /// A fitted step-time curve (calibrated profiles); nil → the software stack's curve.
    public var stepCurve: StepCurve?
    /// The software stack `stepCurve` was fitted with (an imported calibration); scenarios and
    /// `plan estimate --profile` use it when they name no stack. nil → `SoftwareStack.defaultName`.
    public var stackName: String?

    public init(
        name: String, peakFlopsPerSecond: Double, memoryBytes: Double, memoryBytesPerSecond: Double,
        boardWatts: Double, source: String, peakFP8FlopsPerSecond: Double? = nil,
        linkBytesPerSecond: Double = 25e9, gpusPerNode: Int = 8, stepCurve: StepCurve? = nil,
        stackName: String? = nil
    ) {
        self.name = name
        self.peakFlopsPerSecond = peakFlopsPerSecond
        self.peakFP8FlopsPerSecond = peakFP8FlopsPerSecond
        self.memoryBytes = memoryBytes
        self.memoryBytesPerSecond = memoryBytesPerSecond
        self.linkBytesPerSecond = linkBytesPerSecond
        self.gpusPerNode = gpusPerNode
        self.boardWatts = boardWatts
        self.source = source
        self.stepCurve = stepCurve
        self.stackName = stackName
    }

    /// Memory in GiB (2^30 bytes).
    public var memoryGiB: Double { memoryBytes / Memory.gib }

    /// The device's ridge point: FLOPs it can do per byte it reads from memory (peak / bandwidth).
    public var ridgeFlopsPerByte: Double { peakFlopsPerSecond / memoryBytesPerSecond }
}
