extension Matrix {
    /// Thin QR factorisation by Householder reflections (`?geqrf` + `?orgqr`).
    ///
    /// For an m × n matrix with p = min(m, n): `q` is m × p with orthonormal columns and `r` is
    /// p × n upper triangular (upper trapezoidal when n > m), self = q · r.
    /// - Throws: `KernelError.lapackFailure` when LAPACK reports an error.
    /// - Complexity: O(m·n·p).
    public func qr() throws -> (q: Matrix, r: Matrix) {
        let m = rows, n = columns, p = Swift.min(rows, columns)
        guard p > 0 else { return (Matrix(zeros: m, 0), Matrix(zeros: 0, n)) }
        var a = storage
        var tau = [Scalar](repeating: 0, count: p)
        let info = BufferScope.mutating(&a) { pa in
            BufferScope.mutating(&tau) { pt in Scalar.geqrf(m: m, n: n, a: pa, lda: m, tau: pt) }
        }
        guard info == 0 else { throw KernelError.lapackFailure(routine: "geqrf", info: info) }
        var r = Matrix(zeros: p, n)
        for j in 0..<n {
            for i in 0...Swift.min(j, p - 1) { r.storage[i + j * p] = a[i + j * m] }
        }
        var q = Array(a[0..<(m * p)])
        let infoQ = BufferScope.mutating(&q) { pq in
            BufferScope.mutating(&tau) { pt in Scalar.orgqr(m: m, n: p, k: p, a: pq, lda: m, tau: pt) }
        }
        guard infoQ == 0 else { throw KernelError.lapackFailure(routine: "orgqr", info: infoQ) }
        return (try Matrix(rows: m, columns: p, columnMajor: q), r)
    }

    /// Thin singular value decomposition by divide and conquer (`?gesdd`, never `?gesvd`).
    ///
    /// For an m × n matrix with p = min(m, n): `u` is m × p, `s` holds p singular values in
    /// descending order and `vt` is p × n, self = u · diag(s) · vt.
    /// - Throws: `KernelError.lapackFailure` when LAPACK does not converge or the input has NaN.
    /// - Complexity: O(m·n·p).
    public func svd() throws -> (u: Matrix, s: [Scalar], vt: Matrix) {
        let m = rows, n = columns, p = Swift.min(rows, columns)
        guard p > 0 else { return (Matrix(zeros: m, 0), [], Matrix(zeros: 0, n)) }
        var a = storage
        var s = [Scalar](repeating: 0, count: p)
        var u = Matrix(zeros: m, p)
        var vt = Matrix(zeros: p, n)
        let info = BufferScope.mutating(&a) { pa in
            BufferScope.mutating(&s) { ps in
                BufferScope.mutating(&u.storage) { pu in
                    BufferScope.mutating(&vt.storage) { pv in
                        Scalar.gesdd(m: m, n: n, a: pa, lda: m, s: ps, u: pu, ldu: m, vt: pv, ldvt: p)
                    }
                }
            }
        }
        guard info == 0 else { throw KernelError.lapackFailure(routine: "gesdd", info: info) }
        return (u, s, vt)
    }
}
