/// Softmax cross-entropy over the vocabulary, per token column, with per-token loss weights
/// (0 masks a token out, e.g. the prompt part of an example).
///
/// The loss is the weighted mean Σ_t w_t · (−log p_t[target_t]) / Σ_t w_t.
enum CrossEntropy {
    /// Turns the logits of every weighted column into probabilities (in place) and returns the
    /// weighted loss sum and the weight sum. Unweighted columns are left as they are.
    /// - Complexity: O(vocab · T), one exponential per weighted logit.
    static func forward<S: TransformerScalar>(
        logits: MatrixView<S>, targets: BufferScope<Int32>, weights: BufferScope<S>
    ) -> (loss: Double, weight: Double) {
        let v = logits.rows
        var loss = 0.0, total = 0.0
        for t in 0..<logits.columns where weights[t] != 0 {
            let column = logits.buffer.slice(from: t * logits.ld, count: v)
            var maximum = column[0]
            for i in 0..<v where column[i] > maximum { maximum = column[i] }
            for i in 0..<v { column[i] -= maximum }
            S.exponentiate(column, offset: 0, count: v)
            var sum: S = 0
            for i in 0..<v { sum += column[i] }
            let inverse = 1 / sum
            for i in 0..<v { column[i] *= inverse }
            let p = column[Int(targets[t])]
            loss -= Double(weights[t]) * Double(S.logarithm(max(p, S.leastNormalMagnitude)))
            total += Double(weights[t])
        }
        return (loss, total)
    }

    /// Replaces the probabilities from `forward` with d(mean loss)/d(logits):
    /// (p − onehot(target)) · w_t / Σ w; unweighted columns become 0.
    /// - Complexity: O(vocab · T).
    static func backward<S: TransformerScalar>(
        logits: MatrixView<S>, targets: BufferScope<Int32>, weights: BufferScope<S>, totalWeight: Double
    ) {
        let v = logits.rows
        let norm = totalWeight > 0 ? 1 / S(totalWeight) : 0
        for t in 0..<logits.columns {
            let column = logits.buffer.slice(from: t * logits.ld, count: v)
            let w = weights[t] * norm
            if w == 0 {
                for i in 0..<v { column[i] = 0 }
                continue
            }
            for i in 0..<v { column[i] *= w }
            column[Int(targets[t])] -= w
        }
    }
}
