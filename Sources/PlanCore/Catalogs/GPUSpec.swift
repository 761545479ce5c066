import Foundation

/// An accelerator's rates: a catalog GPU or a calibrated machine profile.
public struct GPUSpec: Sendable, Equatable {
    public var name: String
    /// Dense BF16 tensor peak in FLOP/s (never the "with sparsity" figure).
    public var peakFlopsPerSecond: Double
    public var memoryBytes: Double
    public var memoryBytesPerSecond: Double
    public var boardWatts: Double
    public var source: String

    public init(
        name: String, peakFlopsPerSecond: Double, memoryBytes: Double, memoryBytesPerSecond: Double,
        boardWatts: Double, source: String
    ) {
        self.name = name
        self.peakFlopsPerSecond = peakFlopsPerSecond
        self.memoryBytes = memoryBytes
        self.memoryBytesPerSecond = memoryBytesPerSecond
        self.boardWatts = boardWatts
        self.source = source
    }
}
