/// Norms of a base's weights, for reading how large an adapter's update is relative to the
/// weights it adapts.
extension FineTuner {
    /// The Frobenius norm of the projection weights LoRA can adapt (q, k, v, o, gate, up and down
    /// of every layer; embeddings, norms and the LM head excluded) in `weights` laid out for `config`.
    /// - Throws: `KernelError.shapeMismatch` when `weights` is not a base of `config`.
    public static func projectionWeightNorm(_ config: TransformerConfig, weights: [Float]) throws -> Double {
        let layout = BaseLayout(config)
        guard weights.count == layout.count else {
            throw KernelError.shapeMismatch("base weights of \(weights.count) values for a model of \(layout.count)")
        }
        let d = config.dModel
        var sum = 0.0
        func add(_ start: Int, _ count: Int) {
            for i in start..<(start + count) { sum += Double(weights[i]) * Double(weights[i]) }
        }
        for layer in layout.layers {
            add(layer.qkv, config.qkvRows * d)
            add(layer.output, d * config.attentionWidth)
            add(layer.gateUp, 2 * config.mlp * d)
            add(layer.down, d * config.mlp)
        }
        return sum.squareRoot()
    }
}
