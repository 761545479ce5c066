import Testing
@testable import PlanKernels
import PlanRandom

/// Finite-difference gradient checks in Double: every layer type on its own (with a random
/// linear read-out as the loss), then the whole model under LoRA and under full fine-tuning.
struct GradientCheckTests {
    /// A tiny model whose heads are wider than d / heads, with grouped key/value heads.
    static let config = TransformerConfig(vocab: 11, dModel: 8, layers: 2, heads: 4, kvHeads: 2, headDim: 4, mlp: 12, sequenceLength: 5)

    static func uniform(_ count: Int, seed: UInt64, scale: Double = 1) -> [Double] {
        var generator = Xoshiro256StarStar(seed: seed)
        return (0..<count).map { _ in Double(generator.nextUnitFloat() * 2 - 1) * scale }
    }

    /// A batch with random tokens and a mask that drops some positions.
    static func batch(_ config: TransformerConfig, sequences: Int, seed: UInt64) throws -> TokenBatch {
        var generator = Xoshiro256StarStar(seed: seed)
        let count = sequences * config.sequenceLength
        let inputs = (0..<count).map { _ in Int32(generator.next() % UInt64(config.vocab)) }
        let targets = (0..<count).map { _ in Int32(generator.next() % UInt64(config.vocab)) }
        let weights = (0..<count).map { Float($0 % 3 == 1 ? 0 : 1) }
        return try TokenBatch(sequences: sequences, sequenceLength: config.sequenceLength, inputs: inputs, targets: targets, weights: weights)
    }

    /// max |analytic − numeric| / max(1e-8, max |numeric|) over `indices` of `values`, where
    /// numeric is the central difference of `loss` with step 1e-5.
    static func relativeError(
        _ values: inout [Double], indices: [Int], analytic: [Double], loss: ([Double]) -> Double
    ) -> Double {
        var worst = 0.0, scale = 1e-8
        for index in indices {
            let saved = values[index]
            values[index] = saved + 1e-5
            let plus = loss(values)
            values[index] = saved - 1e-5
            let minus = loss(values)
            values[index] = saved
            let numeric = (plus - minus) / 2e-5
            worst = max(worst, abs(numeric - analytic[index]))
            scale = max(scale, abs(numeric))
        }
        return worst / scale
    }

    // MARK: Layers

    @Test func rmsNorm() {
        let d = 6, t = 4
        var x = Self.uniform(d * t, seed: 1), gain = Self.uniform(d, seed: 2).map { $0 + 1.5 }
        let readout = Self.uniform(d * t, seed: 3)
        func loss(_ x: [Double], _ gain: [Double]) -> Double {
            var x = x, gain = gain, y = [Double](repeating: 0, count: d * t), r = [Double](repeating: 0, count: t)
            return BufferScope.mutating(&x) { xs in
                BufferScope.mutating(&gain) { gs in
                    BufferScope.mutating(&y) { ys in
                        BufferScope.mutating(&r) { rs in
                            RMSNorm.forward(x: MatrixView(xs, rows: d, columns: t), gain: gs, epsilon: 1e-5, y: MatrixView(ys, rows: d, columns: t), inverseRMS: rs)
                            return (0..<(d * t)).reduce(0.0) { $0 + ys[$1] * readout[$1] }
                        }
                    }
                }
            }
        }
        var dx = [Double](repeating: 0.5, count: d * t), dGain = [Double](repeating: 0, count: d)
        var y = [Double](repeating: 0, count: d * t), r = [Double](repeating: 0, count: t), dy = readout
        BufferScope.mutating(&x) { xs in
            BufferScope.mutating(&gain) { gs in
                BufferScope.mutating(&y) { ys in
                    BufferScope.mutating(&r) { rs in
                        BufferScope.mutating(&dy) { dys in
                            BufferScope.mutating(&dx) { dxs in
                                BufferScope.mutating(&dGain) { dgs in
                                    RMSNorm.forward(x: MatrixView(xs, rows: d, columns: t), gain: gs, epsilon: 1e-5, y: MatrixView(ys, rows: d, columns: t), inverseRMS: rs)
                                    RMSNorm.backward(
                                        x: MatrixView(xs, rows: d, columns: t), gain: gs, inverseRMS: rs, dy: MatrixView(dys, rows: d, columns: t),
                                        dx: MatrixView(dxs, rows: d, columns: t), accumulate: true, dGain: dgs)
                                }
                            }
                        }
                    }
                }
            }
        }
        // `accumulate` added to the 0.5 already there.
        let dxOnly = dx.map { $0 - 0.5 }
        let g = gain
        #expect(Self.relativeError(&x, indices: Array(x.indices), analytic: dxOnly) { loss($0, g) } < 1e-7)
        let xs = x
        #expect(Self.relativeError(&gain, indices: Array(gain.indices), analytic: dGain) { loss(xs, $0) } < 1e-7)
    }

    @Test func swiGLU() {
        let m = 5, t = 3
        var gateUp = Self.uniform(2 * m * t, seed: 4, scale: 3)
        let readout = Self.uniform(m * t, seed: 5)
        func loss(_ gu: [Double]) -> Double {
            var gu = gu, h = [Double](repeating: 0, count: m * t)
            return BufferScope.mutating(&gu) { g in
                BufferScope.mutating(&h) { hs in
                    SwiGLU.forward(gateUp: MatrixView(g, rows: 2 * m, columns: t), hidden: MatrixView(hs, rows: m, columns: t))
                    return (0..<(m * t)).reduce(0.0) { $0 + hs[$1] * readout[$1] }
                }
            }
        }
        var dh = readout, dgu = [Double](repeating: 0, count: 2 * m * t)
        BufferScope.mutating(&gateUp) { g in
            BufferScope.mutating(&dh) { dhs in
                BufferScope.mutating(&dgu) { out in
                    SwiGLU.backward(gateUp: MatrixView(g, rows: 2 * m, columns: t), dHidden: MatrixView(dhs, rows: m, columns: t), dGateUp: MatrixView(out, rows: 2 * m, columns: t))
                }
            }
        }
        #expect(Self.relativeError(&gateUp, indices: Array(gateUp.indices), analytic: dgu, loss: loss) < 1e-7)
    }

    /// Attention with rotary embeddings applied to q and k first, as the model does.
    @Test func causalAttentionWithRotaryEmbedding() {
        let c = Self.config, sequences = 2, t = sequences * c.sequenceLength
        let rope = RotaryEmbedding<Double>(headDim: c.headDim, sequenceLength: c.sequenceLength, base: 10_000)
        var qkv = Self.uniform(c.qkvRows * t, seed: 6, scale: 2)
        let readout = Self.uniform(c.attentionWidth * t, seed: 7)
        func run(_ raw: [Double], backward: Bool) -> (loss: Double, gradient: [Double]) {
            var q = raw, p = [Double](repeating: 0, count: sequences * c.heads * c.sequenceLength * c.sequenceLength)
            var out = [Double](repeating: 0, count: c.attentionWidth * t), dout = readout
            var dq = [Double](repeating: 0, count: c.qkvRows * t), scratch = [Double](repeating: 0, count: c.sequenceLength * c.sequenceLength)
            return BufferScope.mutating(&q) { qs in
                BufferScope.mutating(&p) { ps in
                    BufferScope.mutating(&out) { os in
                        BufferScope.mutating(&dout) { ds in
                            BufferScope.mutating(&dq) { dqs in
                                BufferScope.mutating(&scratch) { ss in
                                    let qkvView = MatrixView(qs, rows: c.qkvRows, columns: t)
                                    rope.apply(qkvView, heads: c.heads + c.kvHeads, inverse: false)
                                    let outView = MatrixView(os, rows: c.attentionWidth, columns: t)
                                    CausalAttention.forward(c, sequences: sequences, qkv: qkvView, probabilities: ps, output: outView)
                                    let loss = (0..<(c.attentionWidth * t)).reduce(0.0) { $0 + os[$1] * readout[$1] }
                                    guard backward else { return (loss, []) }
                                    let dqkv = MatrixView(dqs, rows: c.qkvRows, columns: t)
                                    CausalAttention.backward(
                                        c, sequences: sequences, qkv: qkvView, probabilities: ps,
                                        dOutput: MatrixView(ds, rows: c.attentionWidth, columns: t), dQKV: dqkv, scratch: ss)
                                    rope.apply(dqkv, heads: c.heads + c.kvHeads, inverse: true)
                                    return (loss, Array(UnsafeBufferPointer(start: dqs.base, count: dqs.count)))
                                }
                            }
                        }
                    }
                }
            }
        }
        let analytic = run(qkv, backward: true).gradient
        #expect(Self.relativeError(&qkv, indices: Array(qkv.indices), analytic: analytic) { run($0, backward: false).loss } < 1e-7)
    }

    @Test func crossEntropyWithMask() {
        let v = 7, t = 4
        var logits = Self.uniform(v * t, seed: 8, scale: 3)
        var targets: [Int32] = [3, 0, 6, 2]
        var weights: [Double] = [1, 0, 1, 1]
        func loss(_ values: [Double]) -> Double {
            var values = values
            return BufferScope.mutating(&values) { ls in
                BufferScope.mutating(&targets) { ts in
                    BufferScope.mutating(&weights) { ws in
                        let r = CrossEntropy.forward(logits: MatrixView(ls, rows: v, columns: t), targets: ts, weights: ws)
                        return r.loss / r.weight
                    }
                }
            }
        }
        var gradient = logits
        BufferScope.mutating(&gradient) { ls in
            BufferScope.mutating(&targets) { ts in
                BufferScope.mutating(&weights) { ws in
                    let r = CrossEntropy.forward(logits: MatrixView(ls, rows: v, columns: t), targets: ts, weights: ws)
                    CrossEntropy.backward(logits: MatrixView(ls, rows: v, columns: t), targets: ts, weights: ws, totalWeight: r.weight)
                }
            }
        }
        #expect(Self.relativeError(&logits, indices: Array(logits.indices), analytic: gradient, loss: loss) < 1e-7)
    }

    // MARK: Whole model

    /// d(mean loss)/d(trainable) from the model, and the parameter array it refers to.
    static func modelGradient(_ mode: TrainingMode) throws -> (model: TransformerModel<Double>, batch: TokenBatch, gradient: [Double]) {
        let model = TransformerModel<Double>(config: config, mode: mode, sequences: 2, baseSeed: 11, adapterSeed: 12, randomB: true)
        let batch = try Self.batch(config, sequences: 2, seed: 13)
        try model.load(batch)
        model.forward()
        model.backward()
        return (model, batch, model.gradients)
    }

    static func meanLoss(_ model: TransformerModel<Double>) -> Double {
        let r = model.forward()
        return r.loss / r.weight
    }

    /// Every LoRA factor of every projection, through the whole network.
    @Test(arguments: [Projection.allCases, [.q, .v], [.down], [.gate, .o]])
    func loraThroughTheModel(targets: [Projection]) throws {
        let (model, _, gradient) = try Self.modelGradient(.lora(rank: 2, alpha: 4, targets: targets))
        var values = model.lora
        let error = Self.relativeError(&values, indices: Array(values.indices), analytic: gradient) { values in
            model.lora = values
            return Self.meanLoss(model)
        }
        #expect(error < 1e-6, "\(targets): \(error)")
    }

    /// Full fine-tuning: embeddings, norms, every projection and the LM head.
    @Test func fullFineTuningThroughTheModel() throws {
        let (model, _, gradient) = try Self.modelGradient(.full)
        var values = model.base
        // Every weight of the second layer and the head; a stride through the rest.
        let layer = model.baseLayout.layers[1]
        let dense = Array(layer.attentionNorm..<model.baseLayout.count)
        let sparse = Array(stride(from: 0, to: layer.attentionNorm, by: 3))
        let error = Self.relativeError(&values, indices: sparse + dense, analytic: gradient) { values in
            model.base = values
            return Self.meanLoss(model)
        }
        #expect(error < 1e-6, "\(error)")
    }

    /// An AdamW step on the LoRA factors lowers the loss of the batch it saw.
    @Test func adamWStepLowersTheLoss() throws {
        let model = TransformerModel<Double>(
            config: Self.config, mode: .lora(rank: 2, alpha: 4, targets: Projection.allCases), sequences: 2, baseSeed: 1, adapterSeed: 2)
        try model.load(try Self.batch(Self.config, sequences: 2, seed: 3))
        let before = Self.meanLoss(model)
        for _ in 0..<5 {
            model.forward()
            model.backward()
            model.applyOptimizer(AdamW(learningRate: 1e-2))
        }
        #expect(Self.meanLoss(model) < before)
    }
}
