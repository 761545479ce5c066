import Foundation

/// Rotary position embeddings (Su et al. 2021) in Llama's half-split form: within a head,
/// element i pairs with i + headDim/2 and both rotate by position · base^(−2i / headDim).
struct RotaryEmbedding<S: TransformerScalar>: Sendable {
    let headDim: Int
    let sequenceLength: Int
    /// cos and sin per (pair i, position p) at i + p · headDim/2.
    let cosines: [S]
    let sines: [S]

    init(headDim: Int, sequenceLength: Int, base: Double) {
        self.headDim = headDim
        self.sequenceLength = sequenceLength
        let half = headDim / 2
        var cosines = [S](repeating: 0, count: half * sequenceLength)
        var sines = cosines
        for p in 0..<sequenceLength {
            for i in 0..<half {
                let angle = Double(p) * Foundation.pow(base, -2 * Double(i) / Double(headDim))
                let (c, s) = S.rotation(angle)
                cosines[i + p * half] = c
                sines[i + p * half] = s
            }
        }
        self.cosines = cosines
        self.sines = sines
    }

    /// Rotates `heads` consecutive heads of every column of `x` (rows `heads · headDim`), in place.
    /// Column t is at position t mod sequenceLength. `inverse` applies the transpose rotation
    /// (the backward pass).
    /// - Complexity: O(heads · headDim · T).
    func apply(_ x: MatrixView<S>, heads: Int, inverse: Bool) {
        let half = headDim / 2
        BufferScope.reading(cosines) { cosines in
            BufferScope.reading(sines) { sines in
                for t in 0..<x.columns {
                    let p = t % sequenceLength
                    let c = cosines.slice(from: p * half, count: half)
                    let s = sines.slice(from: p * half, count: half)
                    for h in 0..<heads {
                        let v = x.buffer.slice(from: t * x.ld + h * headDim, count: headDim)
                        for i in 0..<half {
                            let x1 = v[i], x2 = v[i + half]
                            let sine = inverse ? -s[i] : s[i]
                            v[i] = x1 * c[i] - x2 * sine
                            v[i + half] = x1 * sine + x2 * c[i]
                        }
                    }
                }
            }
        }
    }
}
