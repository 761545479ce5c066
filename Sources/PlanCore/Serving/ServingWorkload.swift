import Foundation

/// The traffic one serving replica sees: the mean request shape.
public struct ServingWorkload: Sendable, Equatable {
    /// Mean prompt tokens per request (> 0).
    public var inputTokens: Double
    /// Mean generated tokens per request (> 0).
    public var outputTokens: Double
    /// Most sequences in flight per replica when the clients cap it (a benchmark's concurrency or
    /// a static batch); nil: memory, the stack's limit and the latency target decide.
    public var maxConcurrency: Int?

    public init(inputTokens: Double, outputTokens: Double, maxConcurrency: Int? = nil) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.maxConcurrency = maxConcurrency
    }

    /// The mean context a decoding sequence holds in the KV cache: its prompt plus half its output
    /// (sequences are spread evenly over their decode in a saturated, continuously batched server).
    public var meanContextTokens: Double { inputTokens + outputTokens / 2 }

    /// The longest context one sequence reaches (prompt plus all its output).
    public var fullContextTokens: Double { inputTokens + outputTokens }
}
