import PlanRandom
/// The buffers and shapes `TransformerKernelTimings` times one kernel family at a time on: one
/// training step of `config` at `sequences` sequences (t = sequences × sequence length tokens).
///
/// The input buffers `x` (d × t at the widest projection) and `qkv` are shared between families,
/// as a step's activations are; outputs go to scratch buffers, so no family changes another's
/// inputs. Every random value comes from one generator (`TransformerKernelTimings.Seed.buffers`).
final class KernelTimingBench {
    typealias Timing = TransformerKernelTimings.Timing

    /// Magnitudes of the synthetic values: weights and LoRA factors as initialised, activations
    /// of unit order, attention inputs small enough that the softmax stays away from 0 and 1.
    enum Scale {
        static let weights: Float = 0.05
        static let queries: Float = 0.5
        static let probabilities: Float = 0.01
        static let attentionOutput: Float = 0.1
        static let gateUp: Float = 3
        static let logits: Float = 3
    }

    let c: TransformerConfig
    let sequences: Int
    let repetitions: Int
    /// Tokens per step.
    let t: Int
    /// Rows of the widest projection (inputs and outputs of every GEMM fit in `widest × t`).
    let widest: Int
    private var generator: Xoshiro256StarStar
    var x: [Float]
    var y: [Float]
    var qkv: [Float]

    init(config: TransformerConfig, sequences: Int, repetitions: Int) {
        c = config
        self.sequences = sequences
        self.repetitions = repetitions
        t = sequences * config.sequenceLength
        widest = (Self.projectionShapes(config) + [(config.vocab, config.dModel)]).map { max($0.0, $0.1) }.max() ?? config.dModel
        generator = Xoshiro256StarStar(seed: TransformerKernelTimings.Seed.buffers)
        x = []
        y = [Float](repeating: 0, count: widest * t)
        qkv = []
        x = random(widest * t)
        qkv = random(config.qkvRows * t, scale: Scale.queries)
    }

    /// Uniform values in (−scale, scale).
    func random(_ count: Int, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in (generator.nextUnitFloat() * 2 - 1) * scale }
    }

    func quartile(_ body: () throws -> Void) rethrows -> Double { try TransformerKernelTimings.quartile(repetitions, body) }

    /// The fused weights of one layer, (rows, columns): qkv, output, gate-up, down.
    static func projectionShapes(_ c: TransformerConfig) -> [(Int, Int)] {
        [(c.qkvRows, c.dModel), (c.dModel, c.attentionWidth), (2 * c.mlp, c.dModel), (c.dModel, c.mlp)]
    }

    /// Projection GEMMs: forward Y = W·X and input gradient dX = Wᵀ·dY for every fused weight of
    /// every layer (each layer its own weights, as in a step), plus the LM head, timed as one
    /// sequence. Units: FLOPs.
    func projections() -> Timing {
        let shapes = Self.projectionShapes(c)
        let layerWeights = shapes.reduce(0) { $0 + $1.0 * $1.1 }
        let count = c.layers * layerWeights + c.vocab * c.dModel
        var weights = random(count, scale: Scale.weights)
        let t = t, d = c.dModel, layers = c.layers, vocab = c.vocab
        let seconds = quartile {
            TransformerKernelTimings.withViews(&weights, &x, &y) { w, xs, ys in
                var offset = 0
                func pass(_ output: Int, _ input: Int) {
                    let weight = MatrixView(w, offset: offset, rows: output, columns: input)
                    offset += output * input
                    MatrixView.gemm(MatrixView(ys, rows: output, columns: t), weight, MatrixView(xs, rows: input, columns: t))
                    MatrixView.gemm(MatrixView(ys, rows: input, columns: t), weight, transposeA: true, MatrixView(xs, rows: output, columns: t))
                }
                for _ in 0..<layers {
                    for (output, input) in shapes { pass(output, input) }
                }
                pass(vocab, d)
            }
        }
        return Timing(seconds: seconds, units: 2 * 2 * Double(count * t))
    }

    /// LoRA GEMMs of every target in every layer: U = A·X, Y += s·B·U; dB, dU, dA, dX.
    /// Units: FLOPs.
    func adapters(rank: Int, targets: [Projection]) -> Timing {
        let shapes = Projection.allCases.filter(targets.contains).map { c.shape(of: $0) }
        let perLayer = shapes.reduce(0) { $0 + rank * ($1.input + $1.output) }
        var factors = random(c.layers * perLayer, scale: Scale.weights), gradients = [Float](repeating: 0, count: c.layers * perLayer)
        var inner = random(rank * t), dInner = random(rank * t), dx = [Float](repeating: 0, count: widest * t)
        let t = t, layers = c.layers
        let seconds = quartile {
            TransformerKernelTimings.withViews(&factors, &gradients, &x) { f, g, xs in
                TransformerKernelTimings.withViews(&inner, &dInner, &y) { us, dus, ys in
                    BufferScope.mutating(&dx) { dxs in
                        var offset = 0
                        for _ in 0..<layers {
                            for shape in shapes {
                                let a = MatrixView(f, offset: offset, rows: rank, columns: shape.input)
                                let b = MatrixView(f, offset: offset + rank * shape.input, rows: shape.output, columns: rank)
                                let da = MatrixView(g, offset: offset, rows: rank, columns: shape.input)
                                let db = MatrixView(g, offset: offset + rank * shape.input, rows: shape.output, columns: rank)
                                offset += rank * (shape.input + shape.output)
                                let xView = MatrixView(xs, rows: shape.input, columns: t), yView = MatrixView(ys, rows: shape.output, columns: t)
                                let u = MatrixView(us, rows: rank, columns: t)
                                LoRALinear.forward(a: a, b: b, scaling: 1, x: xView, inner: u, y: yView)
                                LoRALinear.backward(
                                    a: a, b: b, scaling: 1, x: xView, inner: u, dy: yView, dA: da, dB: db,
                                    dInner: MatrixView(dus, rows: rank, columns: t), dx: MatrixView(dxs, rows: shape.input, columns: t))
                            }
                        }
                    }
                }
            }
        }
        return Timing(seconds: seconds, units: 6 * Double(c.layers * perLayer * t))
    }

    /// Attention of one layer over all sequences and heads: the six GEMMs alone (units: FLOPs),
    /// then the real kernels (GEMMs + causal softmax forward and backward); the difference prices
    /// the softmax as it runs inside attention, on scores still in cache (units: score elements).
    func attention() -> (gemms: Timing, softmax: Timing) {
        let s = c.sequenceLength, config = c, sequences = sequences, t = t
        var probabilities = random(sequences * c.heads * s * s, scale: Scale.probabilities)
        var output = random(c.attentionWidth * t, scale: Scale.attentionOutput), dqkv = [Float](repeating: 0, count: c.qkvRows * t)
        var scratch = [Float](repeating: 0, count: s * s)
        let gemmSeconds = quartile {
            TransformerKernelTimings.withViews(&qkv, &probabilities, &output) { q, p, o in
                BufferScope.mutating(&dqkv) { dq in
                    Self.attentionGEMMs(
                        config, sequences: sequences, qkv: MatrixView(q, rows: config.qkvRows, columns: t), probabilities: p,
                        output: MatrixView(o, rows: config.attentionWidth, columns: t), dQKV: MatrixView(dq, rows: config.qkvRows, columns: t))
                }
            }
        }
        let kernelSeconds = quartile {
            TransformerKernelTimings.withViews(&qkv, &probabilities, &output) { q, p, o in
                TransformerKernelTimings.withViews(&dqkv, &scratch, &y) { dq, sc, dout in
                    let qkvView = MatrixView(q, rows: config.qkvRows, columns: t)
                    CausalAttention.forward(
                        config, sequences: sequences, qkv: qkvView, probabilities: p, output: MatrixView(o, rows: config.attentionWidth, columns: t))
                    CausalAttention.backward(
                        config, sequences: sequences, qkv: qkvView, probabilities: p,
                        dOutput: MatrixView(dout, rows: config.attentionWidth, columns: t),
                        dQKV: MatrixView(dq, rows: config.qkvRows, columns: t), scratch: sc)
                }
            }
        }
        let flops = Double(sequences * c.heads) * 6 * 2 * Double(s * s * c.headDim)
        return (Timing(seconds: gemmSeconds, units: flops),
                Timing(seconds: max(0, kernelSeconds - gemmSeconds), units: Double(sequences * c.heads * s * s)))
    }

    /// The six attention GEMMs per (sequence, head) exactly as `CausalAttention` issues them.
    static func attentionGEMMs(
        _ c: TransformerConfig, sequences: Int, qkv: MatrixView<Float>, probabilities: BufferScope<Float>, output: MatrixView<Float>,
        dQKV: MatrixView<Float>
    ) {
        let s = c.sequenceLength, hd = c.headDim, group = c.heads / c.kvHeads
        for b in 0..<sequences {
            for h in 0..<c.heads {
                let g = h / group
                let q = qkv.block(row: h * hd, rows: hd, column: b * s, columns: s)
                let k = qkv.block(row: (c.heads + g) * hd, rows: hd, column: b * s, columns: s)
                let v = qkv.block(row: (c.heads + c.kvHeads + g) * hd, rows: hd, column: b * s, columns: s)
                let p = MatrixView(probabilities, offset: (b * c.heads + h) * s * s, rows: s, columns: s)
                let o = output.block(row: h * hd, rows: hd, column: b * s, columns: s)
                MatrixView.gemm(p, k, transposeA: true, q)
                MatrixView.gemm(o, v, p)
                let dk = dQKV.block(row: (c.heads + g) * hd, rows: hd, column: b * s, columns: s)
                let dv = dQKV.block(row: (c.heads + c.kvHeads + g) * hd, rows: hd, column: b * s, columns: s)
                let dq = dQKV.block(row: h * hd, rows: hd, column: b * s, columns: s)
                MatrixView.gemm(p, v, transposeA: true, o)
                MatrixView.gemm(dv, o, p, transposeB: true)
                MatrixView.gemm(dq, k, p)
                MatrixView.gemm(dk, q, p, transposeB: true)
            }
        }
    }

    /// RMSNorm forward and backward on d × t. Units: elements.
    func norm() -> Timing {
        let d = c.dModel, t = t
        var gain = [Float](repeating: 1, count: d), inverse = [Float](repeating: 0, count: t), upstream = random(d * t)
        let seconds = quartile {
            TransformerKernelTimings.withViews(&x, &y, &upstream) { xs, ys, dys in
                BufferScope.mutating(&gain) { g in
                    BufferScope.mutating(&inverse) { r in
                        let xv = MatrixView(xs, rows: d, columns: t), yv = MatrixView(ys, rows: d, columns: t)
                        RMSNorm.forward(x: xv, gain: g, epsilon: 1e-5, y: yv, inverseRMS: r)
                        RMSNorm.backward(x: xv, gain: g, inverseRMS: r, dy: MatrixView(dys, rows: d, columns: t), dx: yv, accumulate: false, dGain: nil)
                    }
                }
            }
        }
        return Timing(seconds: seconds, units: Double(d * t))
    }

    /// SwiGLU forward and backward on the gate-up activations. Units: hidden elements (mlp × t).
    func activation() -> Timing {
        let mlp = c.mlp, t = t
        var gateUp = random(2 * mlp * t, scale: Scale.gateUp), hidden = [Float](repeating: 0, count: mlp * t)
        var dGateUp = [Float](repeating: 0, count: 2 * mlp * t)
        let seconds = quartile {
            TransformerKernelTimings.withViews(&gateUp, &hidden, &dGateUp) { gu, h, dgu in
                SwiGLU.forward(gateUp: MatrixView(gu, rows: 2 * mlp, columns: t), hidden: MatrixView(h, rows: mlp, columns: t))
                SwiGLU.backward(gateUp: MatrixView(gu, rows: 2 * mlp, columns: t), dHidden: MatrixView(h, rows: mlp, columns: t),
                                dGateUp: MatrixView(dgu, rows: 2 * mlp, columns: t))
            }
        }
        return Timing(seconds: seconds, units: Double(mlp * t))
    }

    /// RoPE on the query and key rows, forward and inverse. Units: rotated elements.
    func rotary() -> Timing {
        let rope = RotaryEmbedding<Float>(headDim: c.headDim, sequenceLength: c.sequenceLength, base: c.ropeBase)
        let heads = c.heads + c.kvHeads, rows = c.qkvRows, t = t
        let seconds = quartile {
            BufferScope.mutating(&qkv) { q in
                let view = MatrixView(q, rows: rows, columns: t)
                rope.apply(view, heads: heads, inverse: false)
                rope.apply(view, heads: heads, inverse: true)
            }
        }
        return Timing(seconds: seconds, units: Double(heads * c.headDim * t))
    }

    /// Cross-entropy forward and backward over the logits. Units: logits (vocab × t).
    func crossEntropy() -> Timing {
        let vocab = c.vocab, t = t
        var logits = random(vocab * t, scale: Scale.logits)
        var targets = (0..<t).map { Int32($0 % vocab) }, weights = [Float](repeating: 1, count: t)
        let seconds = quartile {
            BufferScope.mutating(&logits) { l in
                BufferScope.mutating(&targets) { tt in
                    BufferScope.mutating(&weights) { w in
                        let view = MatrixView(l, rows: vocab, columns: t)
                        let r = CrossEntropy.forward(logits: view, targets: tt, weights: w)
                        CrossEntropy.backward(logits: view, targets: tt, weights: w, totalWeight: r.weight)
                    }
                }
            }
        }
        return Timing(seconds: seconds, units: Double(vocab * t))
    }

    /// A residual-stream copy (d × t). Units: elements.
    func copy() -> Timing {
        let d = c.dModel, t = t
        let seconds = quartile {
            BufferScope.mutating(&x) { xs in
                BufferScope.mutating(&y) { ys in MatrixView(ys, rows: d, columns: t).copy(from: MatrixView(xs, rows: d, columns: t)) }
            }
        }
        return Timing(seconds: seconds, units: Double(d * t))
    }

    /// One AdamW update of `parameters` trainable parameters. Units: parameters.
    func optimizer(parameters: Int) -> Timing {
        var p = random(parameters), g = random(parameters), m = [Float](repeating: 0, count: parameters), v = m
        var step = 0
        let seconds = quartile {
            step += 1
            TransformerKernelTimings.withViews(&p, &g, &m) { ps, gs, ms in
                BufferScope.mutating(&v) { vs in AdamW().update(parameters: ps, gradients: gs, first: ms, second: vs, step: step) }
            }
        }
        return Timing(seconds: seconds, units: Double(parameters))
    }

    /// The data pipeline and batch load one step starts with, seconds per step: a shuffled epoch
    /// of batches from packed examples (per batch), then copying one batch into the step buffers.
    /// - Throws: `KernelError` from the corpus, the packing or the batch load.
    func batchLoad() throws -> Double {
        let s = c.sequenceLength, sequences = sequences
        let corpus = try SyntheticCorpus(task: MultilingualTask(languages: 1, seed: TransformerKernelTimings.Seed.corpus))
        let examples = corpus.examples(language: 0, split: .train, count: 8 * sequences * max(1, s / corpus.task.tokensPerExample))
        let packed = try PackedSequences(examples: examples, sequenceLength: s)
        var batches: [TokenBatch] = []
        let pipelineSeconds = try quartile { batches = try packed.batches(size: sequences, shuffleSeed: TransformerKernelTimings.Seed.shuffle) }
        // Only the batch's shape matters to the copy: a model of the same vocabulary and
        // sequence length, otherwise minimal.
        let model = TransformerModel<Float>(
            config: TransformerConfig(vocab: c.vocab, dModel: 2, layers: 1, heads: 1, kvHeads: 1, headDim: 2, mlp: 1, sequenceLength: s),
            mode: .full, sequences: sequences, baseSeed: 1, adapterSeed: 1)
        let batch = try FineTuneBenchmark.randomBatch(model.config, sequences: sequences, seed: TransformerKernelTimings.Seed.batch)
        let loadSeconds = try quartile { try model.load(batch) }
        return loadSeconds + pipelineSeconds / Double(max(1, batches.count))
    }
}
