import CBLAS

/// `Double` BLAS and LAPACK kernels: thin forwards to OpenBLAS and LAPACKE.
extension Double: BLASScalar {
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Double, a: BufferScope<Double>, lda: Int, b: BufferScope<Double>, ldb: Int,
        beta: Double, c: BufferScope<Double>, ldc: Int
    ) {
        cblas_dgemm(
            CblasColMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a.base, blasint(lda), b.base, blasint(ldb),
            beta, c.base, blasint(ldc))
    }

    public static func gesdd(
        m: Int, n: Int, a: BufferScope<Double>, lda: Int, s: BufferScope<Double>,
        u: BufferScope<Double>, ldu: Int, vt: BufferScope<Double>, ldvt: Int
    ) -> Int {
        Int(LAPACKE_dgesdd(
            LAPACK_COL_MAJOR, CChar(UInt8(ascii: "S")), Int32(m), Int32(n), a.base, Int32(lda),
            s.base, u.base, Int32(ldu), vt.base, Int32(ldvt)))
    }

    public static func geqrf(m: Int, n: Int, a: BufferScope<Double>, lda: Int, tau: BufferScope<Double>) -> Int {
        Int(LAPACKE_dgeqrf(LAPACK_COL_MAJOR, Int32(m), Int32(n), a.base, Int32(lda), tau.base))
    }

    public static func orgqr(m: Int, n: Int, k: Int, a: BufferScope<Double>, lda: Int, tau: BufferScope<Double>) -> Int {
        Int(LAPACKE_dorgqr(
            LAPACK_COL_MAJOR, Int32(m), Int32(n), Int32(k), a.base, Int32(lda), tau.base))
    }
}
