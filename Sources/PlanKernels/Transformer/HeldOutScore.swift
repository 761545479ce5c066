/// Held-out quality of one model on one language: mean cross-entropy over the answer and end
/// tokens (nats) and the share of answer tokens predicted exactly (argmax).
public struct HeldOutScore: Sendable, Equatable, Codable {
    public var loss: Double
    public var accuracy: Double
    public init(loss: Double, accuracy: Double) {
        self.loss = loss
        self.accuracy = accuracy
    }
}
