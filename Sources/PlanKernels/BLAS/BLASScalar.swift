/// A floating-point type with BLAS and LAPACK kernels (`Float` → `s*`, `Double` → `d*`).
///
/// Conformances forward to C in `Float+BLAS.swift` and `Double+BLAS.swift`. All matrices are
/// column-major; leading dimensions are in elements.
public protocol BLASScalar: BinaryFloatingPoint, Sendable, Codable where Self.RawSignificand: FixedWidthInteger {
    /// C ← alpha·op(A)·op(B) + beta·C, with op(A) m × k and op(B) k × n.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Self, a: BufferScope<Self>, lda: Int, b: BufferScope<Self>, ldb: Int,
        beta: Self, c: BufferScope<Self>, ldc: Int)

    /// Thin SVD by divide and conquer (`?gesdd`, jobz = 'S'); returns LAPACK's info.
    static func gesdd(
        m: Int, n: Int, a: BufferScope<Self>, lda: Int, s: BufferScope<Self>,
        u: BufferScope<Self>, ldu: Int, vt: BufferScope<Self>, ldvt: Int) -> Int

    /// Householder QR (`?geqrf`); returns LAPACK's info.
    static func geqrf(m: Int, n: Int, a: BufferScope<Self>, lda: Int, tau: BufferScope<Self>) -> Int

    /// Forms the first n columns of Q from `geqrf`'s output (`?orgqr`); returns LAPACK's info.
    static func orgqr(m: Int, n: Int, k: Int, a: BufferScope<Self>, lda: Int, tau: BufferScope<Self>) -> Int
}
