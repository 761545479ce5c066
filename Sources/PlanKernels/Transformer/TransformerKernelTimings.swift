import Dispatch
import PlanRandom

/// Times the kernels one training step of a given model issues, at that model's shapes: the
/// projection, LoRA and attention GEMMs (as FLOP rates) and the elementwise kernels, the
/// optimizer and the batch load (as seconds per element). `plan calibrate` turns these into a
/// machine profile; the cost model multiplies them by per-token counts from the architecture.
///
/// Every figure is the lower quartile of `repetitions` timings, so a burst of load on a shared
/// machine does not set it.
public enum TransformerKernelTimings {
    /// The measured rates.
    public struct Result: Sendable, Equatable, Codable {
        public var matmulFlopsPerSecond: Double
        public var adapterFlopsPerSecond: Double
        public var attentionFlopsPerSecond: Double
        public var normSecondsPerElement: Double
        public var activationSecondsPerElement: Double
        public var softmaxSecondsPerElement: Double
        public var rotarySecondsPerElement: Double
        public var crossEntropySecondsPerElement: Double
        public var copySecondsPerElement: Double
        public var optimizerSecondsPerParameter: Double
        /// Loading one batch into the step buffers, seconds.
        public var secondsPerStep: Double
    }

    /// Measures every rate for `config` trained with `mode` on `sequences` sequences per step.
    /// - Throws: `KernelError.invalidArgument` for an invalid config or LoRA settings.
    /// - Complexity: about `repetitions` × (one step's GEMMs + elementwise passes).
    public static func measure(config: TransformerConfig, mode: TrainingMode, sequences: Int, repetitions: Int = 5) throws -> Result {
        try config.validate()
        try FineTuner.check(mode)
        guard case .lora(let rank, _, let targets) = mode else {
            throw KernelError.invalidArgument("kernel timings are taken for lora training")
        }
        let c = config, t = sequences * config.sequenceLength, d = c.dModel, reps = max(1, repetitions)
        var generator = Xoshiro256StarStar(seed: 7)
        func random(_ count: Int, scale: Float = 1) -> [Float] {
            (0..<count).map { _ in (generator.nextUnitFloat() * 2 - 1) * scale }
        }

        // Projection GEMMs: forward Y = W·X and input gradient dX = Wᵀ·dY for every fused
        // weight of every layer (each layer its own weights, as in a step), plus the LM head,
        // timed as one sequence.
        let shapes = [(c.qkvRows, d), (d, c.attentionWidth), (2 * c.mlp, d), (d, c.mlp)]
        let widest = (shapes + [(c.vocab, d)]).map { max($0.0, $0.1) }.max() ?? d
        let layerWeights = shapes.reduce(0) { $0 + $1.0 * $1.1 }
        var weights = random(c.layers * layerWeights + c.vocab * d, scale: 0.05)
        var x = random(widest * t), y = [Float](repeating: 0, count: widest * t)
        let matmulSeconds = quartile(reps) {
            withViews(&weights, &x, &y) { w, xs, ys in
                var offset = 0
                func pass(_ output: Int, _ input: Int) {
                    let weight = MatrixView(w, offset: offset, rows: output, columns: input)
                    offset += output * input
                    MatrixView.gemm(MatrixView(ys, rows: output, columns: t), weight, MatrixView(xs, rows: input, columns: t))
                    MatrixView.gemm(MatrixView(ys, rows: input, columns: t), weight, transposeA: true, MatrixView(xs, rows: output, columns: t))
                }
                for _ in 0..<c.layers {
                    for (output, input) in shapes { pass(output, input) }
                }
                pass(c.vocab, d)
            }
        }
        let matmulFlops = 2 * 2 * Double((c.layers * layerWeights + c.vocab * d) * t)

        // LoRA GEMMs of every target in every layer: U = A·X, Y += s·B·U; dB, dU, dA, dX.
        let shapesLoRA = Projection.allCases.filter(targets.contains).map { c.shape(of: $0) }
        let perLayer = shapesLoRA.reduce(0) { $0 + rank * ($1.input + $1.output) }
        var factors = random(c.layers * perLayer, scale: 0.05), gradients = [Float](repeating: 0, count: c.layers * perLayer)
        var inner = random(rank * t), dInner = random(rank * t), dx = [Float](repeating: 0, count: widest * t)
        let adapterSeconds = quartile(reps) {
            withViews(&factors, &gradients, &x) { f, g, xs in
                withViews(&inner, &dInner, &y) { us, dus, ys in
                    BufferScope.mutating(&dx) { dxs in
                        var offset = 0
                        for _ in 0..<c.layers {
                            for shape in shapesLoRA {
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
        let adapterFlops = 6 * Double(c.layers * perLayer * t)

        // Attention of one layer over all sequences and heads: the six GEMMs alone, then the
        // real kernels (GEMMs + causal softmax forward and backward); the difference prices the
        // softmax as it runs inside attention, on scores still in cache.
        let s = c.sequenceLength
        var qkv = random(c.qkvRows * t, scale: 0.5), probabilities = random(sequences * c.heads * s * s, scale: 0.01)
        var attention = random(c.attentionWidth * t, scale: 0.1), dqkv = [Float](repeating: 0, count: c.qkvRows * t)
        var scratch = [Float](repeating: 0, count: s * s)
        let attentionSeconds = quartile(reps) {
            withViews(&qkv, &probabilities, &attention) { q, p, o in
                BufferScope.mutating(&dqkv) { dq in
                    attentionGEMMs(c, sequences: sequences, qkv: MatrixView(q, rows: c.qkvRows, columns: t), probabilities: p,
                                   output: MatrixView(o, rows: c.attentionWidth, columns: t), dQKV: MatrixView(dq, rows: c.qkvRows, columns: t))
                }
            }
        }
        let attentionKernelSeconds = quartile(reps) {
            withViews(&qkv, &probabilities, &attention) { q, p, o in
                withViews(&dqkv, &scratch, &y) { dq, sc, dout in
                    let qkvView = MatrixView(q, rows: c.qkvRows, columns: t)
                    CausalAttention.forward(c, sequences: sequences, qkv: qkvView, probabilities: p, output: MatrixView(o, rows: c.attentionWidth, columns: t))
                    CausalAttention.backward(
                        c, sequences: sequences, qkv: qkvView, probabilities: p, dOutput: MatrixView(dout, rows: c.attentionWidth, columns: t),
                        dQKV: MatrixView(dq, rows: c.qkvRows, columns: t), scratch: sc)
                }
            }
        }
        let attentionFlops = Double(sequences * c.heads) * 6 * 2 * Double(s * s * c.headDim)
        let softmaxSeconds = max(0, attentionKernelSeconds - attentionSeconds)

        // Elementwise kernels, forward and backward, on step-sized buffers.
        var gain = [Float](repeating: 1, count: d), inverse = [Float](repeating: 0, count: t), upstream = random(d * t)
        let normSeconds = quartile(reps) {
            withViews(&x, &y, &upstream) { xs, ys, dys in
                BufferScope.mutating(&gain) { g in
                    BufferScope.mutating(&inverse) { r in
                        let xv = MatrixView(xs, rows: d, columns: t), yv = MatrixView(ys, rows: d, columns: t)
                        RMSNorm.forward(x: xv, gain: g, epsilon: 1e-5, y: yv, inverseRMS: r)
                        RMSNorm.backward(x: xv, gain: g, inverseRMS: r, dy: MatrixView(dys, rows: d, columns: t),
                                         dx: yv, accumulate: false, dGain: nil)
                    }
                }
            }
        }
        var gateUp = random(2 * c.mlp * t, scale: 3), hidden = [Float](repeating: 0, count: c.mlp * t)
        var dGateUp = [Float](repeating: 0, count: 2 * c.mlp * t)
        let activationSeconds = quartile(reps) {
            withViews(&gateUp, &hidden, &dGateUp) { gu, h, dgu in
                SwiGLU.forward(gateUp: MatrixView(gu, rows: 2 * c.mlp, columns: t), hidden: MatrixView(h, rows: c.mlp, columns: t))
                SwiGLU.backward(gateUp: MatrixView(gu, rows: 2 * c.mlp, columns: t), dHidden: MatrixView(h, rows: c.mlp, columns: t),
                                dGateUp: MatrixView(dgu, rows: 2 * c.mlp, columns: t))
            }
        }
        let rope = RotaryEmbedding<Float>(headDim: c.headDim, sequenceLength: s, base: c.ropeBase)
        let rotaryRows = (c.heads + c.kvHeads) * c.headDim
        let rotarySeconds = quartile(reps) {
            BufferScope.mutating(&qkv) { q in
                let view = MatrixView(q, rows: c.qkvRows, columns: t)
                rope.apply(view, heads: c.heads + c.kvHeads, inverse: false)
                rope.apply(view, heads: c.heads + c.kvHeads, inverse: true)
            }
        }
        var logits = random(c.vocab * t, scale: 3)
        var targetTokens = (0..<t).map { Int32($0 % c.vocab) }, lossWeights = [Float](repeating: 1, count: t)
        let crossEntropySeconds = quartile(reps) {
            BufferScope.mutating(&logits) { l in
                BufferScope.mutating(&targetTokens) { tt in
                    BufferScope.mutating(&lossWeights) { w in
                        let view = MatrixView(l, rows: c.vocab, columns: t)
                        let r = CrossEntropy.forward(logits: view, targets: tt, weights: w)
                        CrossEntropy.backward(logits: view, targets: tt, weights: w, totalWeight: r.weight)
                    }
                }
            }
        }
        let copySeconds = quartile(reps) {
            withViews(&x, &y, &gain) { xs, ys, _ in
                MatrixView(ys, rows: d, columns: t).copy(from: MatrixView(xs, rows: d, columns: t))
            }
        }
        let parameters = LoRALayout(config, mode: mode).count
        var p = random(parameters), g = random(parameters), m = [Float](repeating: 0, count: parameters), v = m
        var step = 0
        let optimizerSeconds = quartile(reps) {
            step += 1
            withViews(&p, &g, &m) { ps, gs, ms in
                BufferScope.mutating(&v) { vs in AdamW().update(parameters: ps, gradients: gs, first: ms, second: vs, step: step) }
            }
        }
        // The batch load a step starts with.
        let model = TransformerModel<Float>(config: TransformerConfig(
            vocab: c.vocab, dModel: 2, layers: 1, heads: 1, kvHeads: 1, headDim: 2, mlp: 1, sequenceLength: s),
            mode: .full, sequences: sequences, baseSeed: 1, adapterSeed: 1)
        // The data pipeline and batch load a step starts with: a shuffled epoch of batches from
        // packed examples, per batch, then copying one batch into the step buffers.
        let corpus = try SyntheticCorpus(task: MultilingualTask(languages: 1, seed: 3))
        let examples = corpus.examples(language: 0, split: .train, count: 8 * sequences * max(1, s / corpus.task.tokensPerExample))
        let packed = try PackedSequences(examples: examples, sequenceLength: s)
        var batches: [TokenBatch] = []
        let pipelineSeconds = quartile(reps) { batches = (try? packed.batches(size: sequences, shuffleSeed: 5)) ?? [] }
        let batch = try FineTuneBenchmark.randomBatch(model.config, sequences: sequences, seed: 3)
        let loadSeconds = quartile(reps) { try? model.load(batch) } + pipelineSeconds / Double(max(1, batches.count))

        return Result(
            matmulFlopsPerSecond: matmulFlops / matmulSeconds, adapterFlopsPerSecond: adapterFlops / adapterSeconds,
            attentionFlopsPerSecond: attentionFlops / attentionSeconds, normSecondsPerElement: normSeconds / Double(d * t),
            activationSecondsPerElement: activationSeconds / Double(c.mlp * t),
            softmaxSecondsPerElement: softmaxSeconds / Double(sequences * c.heads * s * s),
            rotarySecondsPerElement: rotarySeconds / Double(rotaryRows * t),
            crossEntropySecondsPerElement: crossEntropySeconds / Double(c.vocab * t), copySecondsPerElement: copySeconds / Double(d * t),
            optimizerSecondsPerParameter: optimizerSeconds / Double(max(1, parameters)), secondsPerStep: loadSeconds)
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

    /// The lower quartile of `repetitions` timings of `body` (after one untimed warm-up run):
    /// on a shared machine a burst of other work only ever slows a run down, so the fast end
    /// of the distribution is the machine's undisturbed rate; the quartile (not the minimum)
    /// keeps one lucky run from setting it.
    static func quartile(_ repetitions: Int, _ body: () -> Void) -> Double {
        body()
        var times: [Double] = []
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return lowerQuartile(times)
    }

    /// The element a quarter of the way up the sorted `values` (the median of one or two values).
    public static func lowerQuartile(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard sorted.count > 2 else { return sorted.reduce(0, +) / Double(max(1, sorted.count)) }
        return sorted[sorted.count / 4]
    }

    static func withViews<R>(
        _ a: inout [Float], _ b: inout [Float], _ c: inout [Float], _ body: (BufferScope<Float>, BufferScope<Float>, BufferScope<Float>) -> R
    ) -> R {
        BufferScope.mutating(&a) { pa in BufferScope.mutating(&b) { pb in BufferScope.mutating(&c) { pc in body(pa, pb, pc) } } }
    }
}
