extension Matrix {
    /// The product op(A)·op(B)·alpha, computed by `?gemm`.
    /// - Throws: `KernelError.shapeMismatch` when inner dimensions differ.
    /// - Complexity: O(m·n·k) floating-point operations in BLAS.
    public static func product(
        _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false,
        alpha: Scalar = 1
    ) throws -> Matrix {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kb = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        guard k == kb else {
            throw KernelError.shapeMismatch("cannot multiply \(m) × \(k) by \(kb) × \(n)")
        }
        var result = Matrix(zeros: m, n)
        guard m > 0, n > 0, k > 0 else { return result }
        BufferScope.reading(a.storage) { pa in
            BufferScope.reading(b.storage) { pb in
                BufferScope.mutating(&result.storage) { pc in
                    Scalar.gemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                        alpha: alpha, a: pa, lda: max(1, a.rows), b: pb, ldb: max(1, b.rows),
                        beta: 0, c: pc, ldc: max(1, m))
                }
            }
        }
        return result
    }

    /// The matrix product self · other.
    public func multiplied(by other: Matrix) throws -> Matrix {
        try Matrix.product(self, other)
    }
}
