/// Forward pass, backward pass and optimizer step.
extension TransformerModel {
    /// The forward pass over the loaded batch; keeps what the backward pass needs and returns
    /// the weighted loss sum and the weight sum (mean loss = loss / weight).
    /// - Complexity: ≈ 2 × (matmul parameters) FLOPs per token plus 4 · S · heads · headDim per
    ///   token and layer for attention, almost all in `sgemm`.
    @discardableResult
    func forward() -> (loss: Double, weight: Double) {
        let c = config, d = c.dModel, t = layout.tokens, eps = S(c.normEpsilon)
        let result = BufferScope.reading(base) { w in
            BufferScope.reading(lora) { l in
                BufferScope.mutating(&activations) { act in
                    BufferScope.reading(inputs) { tokens in
                        BufferScope.reading(targets) { targets in
                            BufferScope.reading(weights) { weights in
                                func view(_ offset: Int, _ rows: Int, _ columns: Int = t) -> MatrixView<S> {
                                    MatrixView(act, offset: offset, rows: rows, columns: columns)
                                }
                                func weight(_ offset: Int, _ rows: Int, _ columns: Int) -> MatrixView<S> {
                                    MatrixView(w, offset: offset, rows: rows, columns: columns)
                                }
                                // Embedding lookup into the first layer's input.
                                let x0 = view(layout.layers.first?.input ?? layout.output, d)
                                for column in 0..<t {
                                    (x0.buffer.base + column * d).update(
                                        from: w.base + baseLayout.embedding + Int(tokens[column]) * d, count: d)
                                }
                                for (index, a) in layout.layers.enumerated() {
                                    let p = baseLayout.layers[index]
                                    let x = view(a.input, d)
                                    let n1 = view(a.attentionNormed, d)
                                    RMSNorm.forward(
                                        x: x, gain: w.slice(from: p.attentionNorm, count: d), epsilon: eps, y: n1,
                                        inverseRMS: act.slice(from: a.attentionInverseRMS, count: t))
                                    let qkv = view(a.qkv, c.qkvRows)
                                    MatrixView.gemm(qkv, weight(p.qkv, c.qkvRows, d), n1)
                                    adapt(index, .q, l, act, a, input: n1, output: qkv.block(rows: c.attentionWidth, columns: t))
                                    adapt(index, .k, l, act, a, input: n1,
                                          output: qkv.block(row: c.attentionWidth, rows: c.keyValueWidth, columns: t))
                                    adapt(index, .v, l, act, a, input: n1,
                                          output: qkv.block(row: c.attentionWidth + c.keyValueWidth, rows: c.keyValueWidth, columns: t))
                                    rope.apply(qkv, heads: c.heads + c.kvHeads, inverse: false)
                                    let attention = view(a.attention, c.attentionWidth)
                                    CausalAttention.forward(
                                        c, sequences: sequences, qkv: qkv, probabilities: act.slice(from: a.probabilities, count: 0),
                                        output: attention)
                                    let middle = view(a.middle, d)
                                    middle.copy(from: x)
                                    MatrixView.gemm(middle, weight(p.output, d, c.attentionWidth), attention, beta: 1)
                                    adapt(index, .o, l, act, a, input: attention, output: middle)
                                    let n2 = view(a.mlpNormed, d)
                                    RMSNorm.forward(
                                        x: middle, gain: w.slice(from: p.mlpNorm, count: d), epsilon: eps, y: n2,
                                        inverseRMS: act.slice(from: a.mlpInverseRMS, count: t))
                                    let gateUp = view(a.gateUp, 2 * c.mlp)
                                    MatrixView.gemm(gateUp, weight(p.gateUp, 2 * c.mlp, d), n2)
                                    adapt(index, .gate, l, act, a, input: n2, output: gateUp.block(rows: c.mlp, columns: t))
                                    adapt(index, .up, l, act, a, input: n2, output: gateUp.block(row: c.mlp, rows: c.mlp, columns: t))
                                    let hidden = view(a.hidden, c.mlp)
                                    SwiGLU.forward(gateUp: gateUp, hidden: hidden)
                                    let out = view(index + 1 < layout.layers.count ? layout.layers[index + 1].input : layout.output, d)
                                    out.copy(from: middle)
                                    MatrixView.gemm(out, weight(p.down, d, c.mlp), hidden, beta: 1)
                                    adapt(index, .down, l, act, a, input: hidden, output: out)
                                }
                                let normed = view(layout.finalNormed, d)
                                RMSNorm.forward(
                                    x: view(layout.output, d), gain: w.slice(from: baseLayout.finalNorm, count: d), epsilon: eps,
                                    y: normed, inverseRMS: act.slice(from: layout.finalInverseRMS, count: t))
                                let logits = view(layout.logits, c.vocab)
                                MatrixView.gemm(logits, weight(baseLayout.head, c.vocab, d), normed)
                                return CrossEntropy.forward(logits: logits, targets: targets, weights: weights)
                            }
                        }
                    }
                }
            }
        }
        lastWeight = result.weight
        return result
    }

    /// The LoRA path of `projection` in `layer`, if it is a target: output += s · B · (A · input).
    private func adapt(
        _ layer: Int, _ projection: Projection, _ l: BufferScope<S>, _ act: BufferScope<S>, _ a: ActivationLayout.Layer,
        input: MatrixView<S>, output: MatrixView<S>
    ) {
        guard let index = loraLayout.layers[layer].firstIndex(where: { $0.projection == projection }) else { return }
        let f = loraLayout.layers[layer][index], r = loraLayout.rank
        LoRALinear.forward(
            a: MatrixView(l, offset: f.a, rows: r, columns: f.input), b: MatrixView(l, offset: f.b, rows: f.output, columns: r),
            scaling: S(mode.loraScaling), x: input,
            inner: MatrixView(act, offset: a.loraInner[index], rows: r, columns: layout.tokens), y: output)
    }

    /// The backward pass of the last forward: fills `gradients` (d mean loss / d trainable).
    /// Under LoRA the frozen weights get no gradient, only the activations flow back through them.
    /// - Complexity: ≈ 2 × (matmul parameters) FLOPs per token under LoRA (4 × for full
    ///   fine-tuning) plus 8 · S · heads · headDim per token and layer for attention.
    func backward() {
        let c = config, d = c.dModel, t = layout.tokens
        let full = mode == .full
        let totalWeight = lastWeight
        if full {
            for i in gradients.indices { gradients[i] = 0 }
        }
        BufferScope.reading(base) { w in
            BufferScope.reading(lora) { l in
                BufferScope.mutating(&gradients) { g in
                    BufferScope.mutating(&activations) { act in
                        BufferScope.reading(inputs) { tokens in
                            BufferScope.reading(targets) { targets in
                                BufferScope.reading(weights) { weights in
                                    func view(_ offset: Int, _ rows: Int, _ columns: Int = t) -> MatrixView<S> {
                                        MatrixView(act, offset: offset, rows: rows, columns: columns)
                                    }
                                    func weight(_ offset: Int, _ rows: Int, _ columns: Int) -> MatrixView<S> {
                                        MatrixView(w, offset: offset, rows: rows, columns: columns)
                                    }
                                    func gradient(_ offset: Int, _ rows: Int, _ columns: Int) -> MatrixView<S> {
                                        MatrixView(g, offset: offset, rows: rows, columns: columns)
                                    }
                                    let logits = view(layout.logits, c.vocab)
                                    CrossEntropy.backward(logits: logits, targets: targets, weights: weights, totalWeight: totalWeight)
                                    let normed = view(layout.finalNormed, d)
                                    if full { MatrixView.gemm(gradient(baseLayout.head, c.vocab, d), logits, normed, transposeB: true) }
                                    let dn = view(layout.normedGradient, d)
                                    MatrixView.gemm(dn, weight(baseLayout.head, c.vocab, d), transposeA: true, logits)
                                    let dres = view(layout.residualGradient, d)
                                    RMSNorm.backward(
                                        x: view(layout.output, d), gain: w.slice(from: baseLayout.finalNorm, count: d),
                                        inverseRMS: act.slice(from: layout.finalInverseRMS, count: t), dy: dn, dx: dres,
                                        accumulate: false, dGain: full ? g.slice(from: baseLayout.finalNorm, count: d) : nil)
                                    for index in layout.layers.indices.reversed() {
                                        let a = layout.layers[index], p = baseLayout.layers[index]
                                        // MLP: out = middle + W_down · h(W_gateUp · norm(middle)).
                                        let hidden = view(a.hidden, c.mlp)
                                        let dh = view(layout.hiddenGradient, c.mlp)
                                        MatrixView.gemm(dh, weight(p.down, d, c.mlp), transposeA: true, dres)
                                        if full { MatrixView.gemm(gradient(p.down, d, c.mlp), dres, hidden, transposeB: true) }
                                        adaptBackward(index, .down, l, g, act, a, input: hidden, dy: dres, dx: dh)
                                        let gateUp = view(a.gateUp, 2 * c.mlp)
                                        let dgu = view(layout.gateUpGradient, 2 * c.mlp)
                                        SwiGLU.backward(gateUp: gateUp, dHidden: dh, dGateUp: dgu)
                                        let n2 = view(a.mlpNormed, d)
                                        MatrixView.gemm(dn, weight(p.gateUp, 2 * c.mlp, d), transposeA: true, dgu)
                                        if full { MatrixView.gemm(gradient(p.gateUp, 2 * c.mlp, d), dgu, n2, transposeB: true) }
                                        adaptBackward(index, .gate, l, g, act, a, input: n2, dy: dgu.block(rows: c.mlp, columns: t), dx: dn)
                                        adaptBackward(
                                            index, .up, l, g, act, a, input: n2, dy: dgu.block(row: c.mlp, rows: c.mlp, columns: t), dx: dn)
                                        RMSNorm.backward(
                                            x: view(a.middle, d), gain: w.slice(from: p.mlpNorm, count: d),
                                            inverseRMS: act.slice(from: a.mlpInverseRMS, count: t), dy: dn, dx: dres, accumulate: true,
                                            dGain: full ? g.slice(from: p.mlpNorm, count: d) : nil)
                                        // Attention: middle = x + W_o · attn(rope(W_qkv · norm(x))).
                                        let attention = view(a.attention, c.attentionWidth)
                                        let da = view(layout.attentionGradient, c.attentionWidth)
                                        MatrixView.gemm(da, weight(p.output, d, c.attentionWidth), transposeA: true, dres)
                                        if full { MatrixView.gemm(gradient(p.output, d, c.attentionWidth), dres, attention, transposeB: true) }
                                        adaptBackward(index, .o, l, g, act, a, input: attention, dy: dres, dx: da)
                                        let qkv = view(a.qkv, c.qkvRows)
                                        let dqkv = view(layout.qkvGradient, c.qkvRows)
                                        CausalAttention.backward(
                                            c, sequences: sequences, qkv: qkv, probabilities: act.slice(from: a.probabilities, count: 0),
                                            dOutput: da, dQKV: dqkv, scratch: act.slice(from: layout.probabilityGradient, count: 0))
                                        rope.apply(dqkv, heads: c.heads + c.kvHeads, inverse: true)
                                        let n1 = view(a.attentionNormed, d)
                                        MatrixView.gemm(dn, weight(p.qkv, c.qkvRows, d), transposeA: true, dqkv)
                                        if full { MatrixView.gemm(gradient(p.qkv, c.qkvRows, d), dqkv, n1, transposeB: true) }
                                        adaptBackward(index, .q, l, g, act, a, input: n1, dy: dqkv.block(rows: c.attentionWidth, columns: t), dx: dn)
                                        adaptBackward(
                                            index, .k, l, g, act, a, input: n1,
                                            dy: dqkv.block(row: c.attentionWidth, rows: c.keyValueWidth, columns: t), dx: dn)
                                        adaptBackward(
                                            index, .v, l, g, act, a, input: n1,
                                            dy: dqkv.block(row: c.attentionWidth + c.keyValueWidth, rows: c.keyValueWidth, columns: t), dx: dn)
                                        RMSNorm.backward(
                                            x: view(a.input, d), gain: w.slice(from: p.attentionNorm, count: d),
                                            inverseRMS: act.slice(from: a.attentionInverseRMS, count: t), dy: dn, dx: dres, accumulate: true,
                                            dGain: full ? g.slice(from: p.attentionNorm, count: d) : nil)
                                    }
                                    if full {
                                        // Embedding rows of the batch's tokens collect the input gradient.
                                        for column in 0..<t {
                                            let target = g.slice(from: baseLayout.embedding + Int(tokens[column]) * d, count: d)
                                            let source = dres.buffer.slice(from: column * d, count: d)
                                            for i in 0..<d { target[i] += source[i] }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The LoRA backward of `projection` in `layer`, if it is a target: writes dA and dB, adds to dx.
    private func adaptBackward(
        _ layer: Int, _ projection: Projection, _ l: BufferScope<S>, _ g: BufferScope<S>, _ act: BufferScope<S>,
        _ a: ActivationLayout.Layer, input: MatrixView<S>, dy: MatrixView<S>, dx: MatrixView<S>
    ) {
        guard let index = loraLayout.layers[layer].firstIndex(where: { $0.projection == projection }) else { return }
        let f = loraLayout.layers[layer][index], r = loraLayout.rank, t = layout.tokens
        LoRALinear.backward(
            a: MatrixView(l, offset: f.a, rows: r, columns: f.input), b: MatrixView(l, offset: f.b, rows: f.output, columns: r),
            scaling: S(mode.loraScaling), x: input, inner: MatrixView(act, offset: a.loraInner[index], rows: r, columns: t), dy: dy,
            dA: MatrixView(g, offset: f.a, rows: r, columns: f.input), dB: MatrixView(g, offset: f.b, rows: f.output, columns: r),
            dInner: MatrixView(act, offset: layout.loraInnerGradient, rows: r, columns: t), dx: dx)
    }

    /// One AdamW update of the trainable parameters with the current gradients.
    func applyOptimizer(_ optimizer: AdamW) {
        optimizerSteps += 1
        let step = optimizerSteps
        BufferScope.reading(gradients) { g in
            BufferScope.mutating(&firstMoment) { m in
                BufferScope.mutating(&secondMoment) { v in
                    if mode == .full {
                        BufferScope.mutating(&base) { p in optimizer.update(parameters: p, gradients: g, first: m, second: v, step: step) }
                    } else {
                        BufferScope.mutating(&lora) { p in optimizer.update(parameters: p, gradients: g, first: m, second: v, step: step) }
                    }
                }
            }
        }
    }
}
