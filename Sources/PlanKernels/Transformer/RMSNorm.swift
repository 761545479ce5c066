/// Root-mean-square layer normalisation (Zhang & Sennrich 2019), per token column:
/// y = g ⊙ x / rms(x), rms(x) = sqrt(mean(x²) + ε).
enum RMSNorm {
    /// Normalises every column of `x` into `y` and stores 1/rms per column in `inverseRMS`.
    /// - Complexity: O(d · T), two passes over each column (it stays in L1).
    static func forward<S: TransformerScalar>(
        x: MatrixView<S>, gain: BufferScope<S>, epsilon: S, y: MatrixView<S>, inverseRMS: BufferScope<S>
    ) {
        let d = x.rows
        for t in 0..<x.columns {
            let column = x.buffer.slice(from: t * x.ld, count: d)
            let out = y.buffer.slice(from: t * y.ld, count: d)
            var sum: S = 0
            for i in 0..<d { sum += column[i] * column[i] }
            let r = 1 / (sum / S(d) + epsilon).squareRoot()
            inverseRMS[t] = r
            for i in 0..<d { out[i] = column[i] * r * gain[i] }
        }
    }

    /// The input gradient, added to `dx` (`accumulate`) or written to it; the gain gradient is
    /// added to `dGain` when given.
    ///
    /// With u = g ⊙ dy: dx = r · u − x · r³ · (u · x) / d, dg += dy ⊙ x · r.
    /// - Complexity: O(d · T).
    static func backward<S: TransformerScalar>(
        x: MatrixView<S>, gain: BufferScope<S>, inverseRMS: BufferScope<S>, dy: MatrixView<S>, dx: MatrixView<S>,
        accumulate: Bool, dGain: BufferScope<S>?
    ) {
        let d = x.rows
        for t in 0..<x.columns {
            let column = x.buffer.slice(from: t * x.ld, count: d)
            let upstream = dy.buffer.slice(from: t * dy.ld, count: d)
            let out = dx.buffer.slice(from: t * dx.ld, count: d)
            let r = inverseRMS[t]
            var dot: S = 0
            for i in 0..<d { dot += gain[i] * upstream[i] * column[i] }
            let c = r * r * r * dot / S(d)
            if accumulate {
                for i in 0..<d { out[i] += r * gain[i] * upstream[i] - column[i] * c }
            } else {
                for i in 0..<d { out[i] = r * gain[i] * upstream[i] - column[i] * c }
            }
            if let dGain {
                for i in 0..<d { dGain[i] += upstream[i] * column[i] * r }
            }
        }
    }
}
