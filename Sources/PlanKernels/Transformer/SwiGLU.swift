/// The SwiGLU activation (Shazeer 2020): h = silu(gate) ⊙ up, silu(z) = z · σ(z).
///
/// Gate and up are the two row halves of one fused projection output ([gate; up], 2·m × T).
enum SwiGLU {
    /// h[:, t] = silu(gate[:, t]) ⊙ up[:, t].
    /// - Complexity: O(m · T) with one exponential per element.
    static func forward<S: TransformerScalar>(gateUp: MatrixView<S>, hidden: MatrixView<S>) {
        let m = hidden.rows
        for t in 0..<hidden.columns {
            let gate = gateUp.buffer.slice(from: t * gateUp.ld, count: 2 * m)
            let out = hidden.buffer.slice(from: t * hidden.ld, count: m)
            // e^(−g) in the output first, so the exponentials run as one vector loop.
            for i in 0..<m { out[i] = -gate[i] }
            S.exponentiate(out, offset: 0, count: m)
            for i in 0..<m { out[i] = gate[i] / (1 + out[i]) * gate[m + i] }
        }
    }

    /// d[gate; up] from dh: dup = dh ⊙ silu(g), dgate = dh ⊙ up ⊙ σ(g) · (1 + g · (1 − σ(g))).
    /// - Complexity: O(m · T) with one exponential per element.
    static func backward<S: TransformerScalar>(gateUp: MatrixView<S>, dHidden: MatrixView<S>, dGateUp: MatrixView<S>) {
        let m = dHidden.rows
        for t in 0..<dHidden.columns {
            let gate = gateUp.buffer.slice(from: t * gateUp.ld, count: 2 * m)
            let upstream = dHidden.buffer.slice(from: t * dHidden.ld, count: m)
            let out = dGateUp.buffer.slice(from: t * dGateUp.ld, count: 2 * m)
            for i in 0..<m { out[i] = -gate[i] }
            S.exponentiate(out, offset: 0, count: m)
            for i in 0..<m {
                let g = gate[i], u = gate[m + i], dh = upstream[i]
                let sigma = 1 / (1 + out[i])
                out[i] = dh * u * sigma * (1 + g * (1 - sigma))
                out[m + i] = dh * g * sigma
            }
        }
    }
}
