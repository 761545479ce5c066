/// The LoRA path of an adapted projection (Hu et al. 2021): Y += s · B · (A · X), with A r × in,
/// B out × r and s = alpha / r, over a frozen base weight.
enum LoRALinear {
    /// U = A · X (kept for the backward pass), then Y += s · B · U.
    /// - Complexity: 2 · r · (in + out) FLOPs per token.
    static func forward<S: TransformerScalar>(
        a: MatrixView<S>, b: MatrixView<S>, scaling: S, x: MatrixView<S>, inner: MatrixView<S>, y: MatrixView<S>
    ) {
        MatrixView.gemm(inner, a, x)
        MatrixView.gemm(y, b, inner, alpha: scaling, beta: 1)
    }

    /// From the output gradient dY: dB = s · dY · Uᵀ, dU = s · Bᵀ · dY, dA = dU · Xᵀ and dX += Aᵀ · dU.
    /// `dInner` is r × T scratch.
    /// - Complexity: 4 · r · (in + out) FLOPs per token.
    static func backward<S: TransformerScalar>(
        a: MatrixView<S>, b: MatrixView<S>, scaling: S, x: MatrixView<S>, inner: MatrixView<S>, dy: MatrixView<S>,
        dA: MatrixView<S>, dB: MatrixView<S>, dInner: MatrixView<S>, dx: MatrixView<S>
    ) {
        MatrixView.gemm(dB, dy, inner, transposeB: true, alpha: scaling)
        MatrixView.gemm(dInner, b, transposeA: true, dy, alpha: scaling)
        MatrixView.gemm(dA, dInner, x, transposeB: true)
        MatrixView.gemm(dx, a, transposeA: true, dInner, beta: 1)
    }
}
