/// A column-major block inside a `BufferScope`: element (i, j) is `buffer[i + j * ld]`.
///
/// Views are built inside a `BufferScope` closure and must not outlive it. They let the
/// transformer address row blocks of fused activations (q/k/v, gate/up) and per-head blocks
/// without copying, and hand them to `?gemm` with their leading dimension.
struct MatrixView<Scalar: BLASScalar> {
    let buffer: BufferScope<Scalar>
    let rows: Int
    let columns: Int
    /// Leading dimension (elements between consecutive columns), ≥ rows.
    let ld: Int

    /// The view of `rows × columns` elements at `offset` of `scope` with leading dimension `ld`
    /// (default: `rows`, i.e. contiguous).
    init(_ scope: BufferScope<Scalar>, offset: Int = 0, rows: Int, columns: Int, ld: Int? = nil) {
        let ld = ld ?? rows
        self.buffer = scope.slice(from: offset, count: columns == 0 ? 0 : (columns - 1) * ld + rows)
        self.rows = rows
        self.columns = columns
        self.ld = ld
    }

    /// A sub-block starting at (row, column).
    func block(row: Int = 0, rows: Int, column: Int = 0, columns: Int) -> MatrixView {
        MatrixView(buffer, offset: row + column * ld, rows: rows, columns: columns, ld: ld)
    }

    subscript(row: Int, column: Int) -> Scalar {
        @inline(__always) get { buffer[row + column * ld] }
        @inline(__always) nonmutating set { buffer[row + column * ld] = newValue }
    }

    /// C ← alpha · op(A) · op(B) + beta · C, by `?gemm`.
    /// - Complexity: 2·m·n·k FLOPs in BLAS.
    static func gemm(
        _ c: MatrixView, _ a: MatrixView, transposeA: Bool = false, _ b: MatrixView, transposeB: Bool = false,
        alpha: Scalar = 1, beta: Scalar = 0
    ) {
        let m = c.rows, n = c.columns
        let k = transposeA ? a.rows : a.columns
        assert((transposeA ? a.columns : a.rows) == m && (transposeB ? b.rows : b.columns) == n
            && (transposeB ? b.columns : b.rows) == k, "gemm shapes")
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            c.scale(by: beta)
            return
        }
        Scalar.gemm(
            transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
            a: a.buffer, lda: max(1, a.ld), b: b.buffer, ldb: max(1, b.ld), beta: beta, c: c.buffer, ldc: max(1, c.ld))
    }

    /// Multiplies every element by `factor` (0 clears, without reading NaNs).
    func scale(by factor: Scalar) {
        for j in 0..<columns {
            let column = buffer.slice(from: j * ld, count: rows)
            if factor == 0 {
                for i in 0..<rows { column[i] = 0 }
            } else {
                for i in 0..<rows { column[i] *= factor }
            }
        }
    }

    /// Copies `source` (same shape) into this view.
    func copy(from source: MatrixView) {
        if ld == rows, source.ld == rows {
            buffer.base.update(from: source.buffer.base, count: rows * columns)
            return
        }
        for j in 0..<columns {
            (buffer.base + j * ld).update(from: source.buffer.base + j * source.ld, count: rows)
        }
    }

    /// Adds `source` (same shape) into this view.
    func add(_ source: MatrixView) {
        for j in 0..<columns {
            let target = buffer.slice(from: j * ld, count: rows)
            let from = source.buffer.slice(from: j * source.ld, count: rows)
            for i in 0..<rows { target[i] += from[i] }
        }
    }
}
