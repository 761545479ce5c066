/// Causal multi-head attention with grouped key/value heads, on the fused [q; k; v] activations.
///
/// Per sequence and query head h (key/value head g = h / (heads / kvHeads)):
/// P = softmax_keys(scale · K_gᵀ Q_h) with keys after the query masked, O_h = V_g · P
/// (S × S scores, keys down the rows, queries across the columns). The products are dense GEMMs
/// over the whole S × S square; the masked half is computed and then zeroed, which at the small
/// sequence lengths used here is cheaper than blocking around it.
enum CausalAttention {
    /// Fills `probabilities` (S × S per (sequence, head), sequence-major) and the attention
    /// output (heads · headDim × T).
    /// - Complexity: 4 · S² · headDim FLOPs per (sequence, head) in BLAS, plus one exponential per
    ///   unmasked score.
    static func forward<S: TransformerScalar>(
        _ config: TransformerConfig, sequences: Int, qkv: MatrixView<S>, probabilities: BufferScope<S>, output: MatrixView<S>
    ) {
        let s = config.sequenceLength, hd = config.headDim
        let group = config.heads / config.kvHeads
        let scale = 1 / S(hd).squareRoot()
        for b in 0..<sequences {
            for h in 0..<config.heads {
                let g = h / group
                let q = qkv.block(row: h * hd, rows: hd, column: b * s, columns: s)
                let k = qkv.block(row: (config.heads + g) * hd, rows: hd, column: b * s, columns: s)
                let v = qkv.block(row: (config.heads + config.kvHeads + g) * hd, rows: hd, column: b * s, columns: s)
                let p = MatrixView(probabilities, offset: (b * config.heads + h) * s * s, rows: s, columns: s)
                MatrixView.gemm(p, k, transposeA: true, q, alpha: scale)
                softmaxCausal(p)
                MatrixView.gemm(output.block(row: h * hd, rows: hd, column: b * s, columns: s), v, p)
            }
        }
    }

    /// Column-wise softmax over keys 0...i for query column i; keys after i become 0.
    static func softmaxCausal<S: TransformerScalar>(_ p: MatrixView<S>) {
        for i in 0..<p.columns {
            let column = p.buffer.slice(from: i * p.ld, count: p.rows)
            var maximum = column[0]
            for j in 0...i where column[j] > maximum { maximum = column[j] }
            for j in 0...i { column[j] -= maximum }
            S.exponentiate(column, offset: 0, count: i + 1)
            var sum: S = 0
            for j in 0...i { sum += column[j] }
            let inverse = 1 / sum
            for j in 0...i { column[j] *= inverse }
            for j in (i + 1)..<p.rows { column[j] = 0 }
        }
    }

    /// The gradient with respect to [q; k; v] (after rotary embedding) from the output gradient.
    /// `scratch` holds S × S elements.
    /// - Complexity: 8 · S² · headDim FLOPs per (sequence, head) in BLAS.
    static func backward<S: TransformerScalar>(
        _ config: TransformerConfig, sequences: Int, qkv: MatrixView<S>, probabilities: BufferScope<S>,
        dOutput: MatrixView<S>, dQKV: MatrixView<S>, scratch: BufferScope<S>
    ) {
        let s = config.sequenceLength, hd = config.headDim
        let group = config.heads / config.kvHeads
        let scale = 1 / S(hd).squareRoot()
        let dp = MatrixView(scratch, rows: s, columns: s)
        for b in 0..<sequences {
            for h in 0..<config.heads {
                let g = h / group
                // The first head of a group writes dK and dV, the others add to them.
                let beta: S = h % group == 0 ? 0 : 1
                let q = qkv.block(row: h * hd, rows: hd, column: b * s, columns: s)
                let k = qkv.block(row: (config.heads + g) * hd, rows: hd, column: b * s, columns: s)
                let v = qkv.block(row: (config.heads + config.kvHeads + g) * hd, rows: hd, column: b * s, columns: s)
                let dq = dQKV.block(row: h * hd, rows: hd, column: b * s, columns: s)
                let dk = dQKV.block(row: (config.heads + g) * hd, rows: hd, column: b * s, columns: s)
                let dv = dQKV.block(row: (config.heads + config.kvHeads + g) * hd, rows: hd, column: b * s, columns: s)
                let dout = dOutput.block(row: h * hd, rows: hd, column: b * s, columns: s)
                let p = MatrixView(probabilities, offset: (b * config.heads + h) * s * s, rows: s, columns: s)
                MatrixView.gemm(dp, v, transposeA: true, dout)
                MatrixView.gemm(dv, dout, p, transposeB: true, beta: beta)
                softmaxCausalBackward(p, dp, scale: scale)
                MatrixView.gemm(dq, k, dp)
                MatrixView.gemm(dk, q, dp, transposeB: true, beta: beta)
            }
        }
    }

    /// Softmax backward in place, scaled: dS = scale · P ⊙ (dP − Σ_keys P ⊙ dP) per query column;
    /// masked keys get 0.
    static func softmaxCausalBackward<S: TransformerScalar>(_ p: MatrixView<S>, _ dp: MatrixView<S>, scale: S) {
        let s = p.rows
        for i in 0..<p.columns {
            let pc = p.buffer.slice(from: i * p.ld, count: s)
            let dc = dp.buffer.slice(from: i * dp.ld, count: s)
            var dot: S = 0
            for j in 0...i { dot += pc[j] * dc[j] }
            for j in 0...i { dc[j] = scale * pc[j] * (dc[j] - dot) }
            for j in (i + 1)..<s { dc[j] = 0 }
        }
    }
}
