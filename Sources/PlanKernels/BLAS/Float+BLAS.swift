import CBLAS

/// `Float` BLAS and LAPACK kernels: thin forwards to OpenBLAS and LAPACKE.
extension Float: BLASScalar {
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float, a: BufferScope<Float>, lda: Int, b: BufferScope<Float>, ldb: Int,
        beta: Float, c: BufferScope<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasColMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
            blasint(m), blasint(n), blasint(k), alpha, a.base, blasint(lda), b.base, blasint(ldb),
            beta, c.base, blasint(ldc))
    }

    public static func gesdd(
        m: Int, n: Int, a: BufferScope<Float>, lda: Int, s: BufferScope<Float>,
        u: BufferScope<Float>, ldu: Int, vt: BufferScope<Float>, ldvt: Int
    ) -> Int {
        Int(LAPACKE_sgesdd(
            LAPACK_COL_MAJOR, CChar(UInt8(ascii: "S")), Int32(m), Int32(n), a.base, Int32(lda),
            s.base, u.base, Int32(ldu), vt.base, Int32(ldvt)))
    }

    public static func geqrf(m: Int, n: Int, a: BufferScope<Float>, lda: Int, tau: BufferScope<Float>) -> Int {
        Int(LAPACKE_sgeqrf(LAPACK_COL_MAJOR, Int32(m), Int32(n), a.base, Int32(lda), tau.base))
    }

    public static func orgqr(m: Int, n: Int, k: Int, a: BufferScope<Float>, lda: Int, tau: BufferScope<Float>) -> Int {
        Int(LAPACKE_sorgqr(
            LAPACK_COL_MAJOR, Int32(m), Int32(n), Int32(k), a.base, Int32(lda), tau.base))
    }
}
