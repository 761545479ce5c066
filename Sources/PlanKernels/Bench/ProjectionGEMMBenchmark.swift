import PlanRandom

/// Times the projection and LM-head GEMMs of one training step at a model's own shapes: forward
/// Y = W·X and input gradient dX = Wᵀ·dY for every fused weight (qkv, output, gate-up, down) of
/// every layer, each layer with its own weights as in a step, then the LM head.
///
/// `plan calibrate` stores the rate as `matmul_flops_per_second`; `CPUMergeModel` prices the
/// FLOPs of a merge (methods other than the SVD ones) with it. The other kernels of a step are
/// not timed one by one: the step-time model is fitted to whole timed steps (`StepCalibration`).
public enum ProjectionGEMMBenchmark {
    /// Seed of the synthetic weights and activations. Any fixed value does: the figure is a
    /// timing, and the values only need realistic magnitudes (no subnormals, no overflow).
    static let seed: UInt64 = 7
    /// Magnitude of the synthetic weights, as initialised.
    static let weightScale: Float = 0.05

    /// The fused weights of one layer, (rows, columns): qkv, output, gate-up, down.
    static func layerShapes(_ c: TransformerConfig) -> [(rows: Int, columns: Int)] {
        [(c.qkvRows, c.dModel), (c.dModel, c.attentionWidth), (2 * c.mlp, c.dModel), (c.dModel, c.mlp)]
    }

    /// FLOP/s of the GEMMs for `config` at `sequences` sequences per step: 2 products of
    /// 2 × rows × columns × tokens FLOPs per weight, over the lower quartile of `repetitions`
    /// timings (`Stopwatch.lowerQuartile`).
    /// - Throws: `KernelError.invalidArgument` for an invalid config or fewer than one sequence.
    /// - Complexity: about `repetitions` + 1 times the step's projection GEMMs.
    public static func flopsPerSecond(config: TransformerConfig, sequences: Int, repetitions: Int = 5) throws -> Double {
        try config.validate()
        guard sequences >= 1 else { throw KernelError.invalidArgument("sequences per step must be at least 1") }
        let t = sequences * config.sequenceLength
        let weights = Array(repeating: layerShapes(config), count: config.layers).flatMap { $0 } + [(config.vocab, config.dModel)]
        let widest = weights.map { max($0.rows, $0.columns) }.max() ?? config.dModel
        let count = weights.reduce(0) { $0 + $1.rows * $1.columns }
        var generator = Xoshiro256StarStar(seed: seed)
        func random(_ count: Int, scale: Float) -> [Float] { (0..<count).map { _ in (generator.nextUnitFloat() * 2 - 1) * scale } }
        var x = random(widest * t, scale: 1), y = [Float](repeating: 0, count: widest * t)
        var w = random(count, scale: weightScale)
        let seconds = Stopwatch.lowerQuartile(of: repetitions) {
            BufferScope.mutating(&w) { ws in
                BufferScope.mutating(&x) { xs in
                    BufferScope.mutating(&y) { ys in
                        var offset = 0
                        for (rows, columns) in weights {
                            let weight = MatrixView(ws, offset: offset, rows: rows, columns: columns)
                            offset += rows * columns
                            MatrixView.gemm(MatrixView(ys, rows: rows, columns: t), weight, MatrixView(xs, rows: columns, columns: t))
                            MatrixView.gemm(MatrixView(ys, rows: columns, columns: t), weight, transposeA: true, MatrixView(xs, rows: rows, columns: t))
                        }
                    }
                }
            }
        }
        return 2 * 2 * Double(count * t) / seconds
    }
}
