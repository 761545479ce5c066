import Foundation

extension ModelArchitecture {
    /// Matmul weights in one decoder layer (the seven projections).
    public var matmulParametersPerLayer: Double {
        Self.projectionNames.reduce(0) { sum, name in
            guard let shape = projectionShape(name) else { return sum }
            return sum + Double(shape.input) * Double(shape.output)
        }
    }

    /// Matmul weights a token passes through: all layers plus the LM head (hidden × vocab),
    /// which is a matmul whether or not it shares storage with the embedding table.
    public var matmulParameters: Double {
        Double(layers) * matmulParametersPerLayer + Double(hidden) * Double(vocab)
    }

    /// Total stored parameters: layers (matmuls, norms, biases), embedding table, LM head when
    /// not tied, final norm. Compare with `publishedParams`.
    public var totalParameters: Double {
        let norms = 2.0 * Double(hidden)
        let bias = qkvBias ? Double((heads + 2 * kvHeads) * headDim) : 0
        let perLayer = matmulParametersPerLayer + norms + bias
        let embedding = Double(vocab) * Double(hidden)
        let head = tiedEmbeddings ? 0 : embedding
        return Double(layers) * perLayer + embedding + head + Double(hidden)
    }

    /// LoRA parameters for rank `rank` on `targets` across all layers: r · (in + out) each.
    public func loraParameters(rank: Int, targets: [String]) -> Double {
        let perLayer = targets.reduce(0.0) { sum, name in
            guard let shape = projectionShape(name) else { return sum }
            return sum + Double(rank) * Double(shape.input + shape.output)
        }
        return Double(layers) * perLayer
    }
}
