import Testing
@testable import PlanKernels

/// Naive Double reference product of column-major matrices.
func referenceProduct<S: BLASScalar>(_ a: Matrix<S>, _ b: Matrix<S>) -> [Double] {
    var c = [Double](repeating: 0, count: a.rows * b.columns)
    for j in 0..<b.columns {
        for l in 0..<a.columns {
            let blj = Double(b[l, j])
            for i in 0..<a.rows { c[i + j * a.rows] += Double(a[i, l]) * blj }
        }
    }
    return c
}

func randomMatrix<S: BLASScalar>(_ rows: Int, _ columns: Int, seed: UInt64, as _: S.Type = S.self) -> Matrix<S> {
    var matrix = Matrix<S>(zeros: rows, columns)
    matrix.storage = randomValues(rows * columns, seed: seed).map { S($0) }
    return matrix
}

/// Runs a check once per scalar type with that type's tolerance.
struct ScalarCase: Sendable, CustomTestStringConvertible {
    let name: String
    let tolerance: Double
    let run: @Sendable (Double) throws -> Void
    var testDescription: String { name }
}

@Suite("Matrix over BLAS")
struct MatrixTests {
    static func gemmCheck<S: BLASScalar>(_: S.Type, tolerance: Double) throws {
        for (m, k, n) in [(1, 1, 1), (7, 5, 3), (64, 8, 160), (33, 17, 65)] {
            let a: Matrix<S> = randomMatrix(m, k, seed: UInt64(m * 100 + k))
            let b: Matrix<S> = randomMatrix(k, n, seed: UInt64(n * 7 + 1))
            let c = try Matrix.product(a, b)
            #expect(relativeError(c.storage, referenceProduct(a, b)) <= tolerance)
            let ct = try Matrix.product(a.transposed, b.transposed, transposeA: true, transposeB: true)
            #expect(relativeError(ct.storage, c.storage) <= tolerance)
        }
    }

    static func qrCheck<S: BLASScalar>(_: S.Type, tolerance: Double) throws {
        for (m, n) in [(40, 8), (8, 40), (64, 64), (1, 3)] {
            let a: Matrix<S> = randomMatrix(m, n, seed: UInt64(m + 3 * n))
            let (q, r) = try a.qr()
            #expect(q.rows == m && q.columns == min(m, n) && r.rows == min(m, n) && r.columns == n)
            #expect(relativeError(try Matrix.product(q, r).storage, a.storage) <= tolerance)
            let gram = try Matrix.product(q, q, transposeA: true)
            var identity = Matrix<S>(zeros: q.columns, q.columns)
            for i in 0..<q.columns { identity[i, i] = 1 }
            #expect(relativeError(gram.storage, identity.storage) <= tolerance)
            for j in 0..<r.columns { for i in 0..<r.rows where i > j { #expect(r[i, j] == 0) } }
        }
    }

    static func svdCheck<S: BLASScalar>(_: S.Type, tolerance: Double) throws {
        for (m, n) in [(64, 320), (160, 64), (32, 40), (5, 5)] {
            let a: Matrix<S> = randomMatrix(m, n, seed: UInt64(m * n))
            let (u, s, vt) = try a.svd()
            #expect(s.count == min(m, n))
            #expect(zip(s, s.dropFirst()).allSatisfy { $0 >= $1 })
            var us = u
            for j in 0..<us.columns { for i in 0..<us.rows { us[i, j] *= s[j] } }
            let reconstructed = try Matrix.product(us, vt)
            #expect(relativeError(reconstructed.storage, referenceProduct(us, vt)) <= tolerance)
            #expect(relativeError(reconstructed.storage, a.storage) <= tolerance)
        }
    }

    static let gemmCases = [
        ScalarCase(name: "Float", tolerance: 1e-6) { try gemmCheck(Float.self, tolerance: $0) },
        ScalarCase(name: "Double", tolerance: 1e-14) { try gemmCheck(Double.self, tolerance: $0) },
    ]
    static let qrCases = [
        ScalarCase(name: "Float", tolerance: 1e-5) { try qrCheck(Float.self, tolerance: $0) },
        ScalarCase(name: "Double", tolerance: 1e-13) { try qrCheck(Double.self, tolerance: $0) },
    ]
    static let svdCases = [
        ScalarCase(name: "Float", tolerance: 1e-5) { try svdCheck(Float.self, tolerance: $0) },
        ScalarCase(name: "Double", tolerance: 1e-13) { try svdCheck(Double.self, tolerance: $0) },
    ]

    @Test("sgemm/dgemm match a naive Double product, with and without transposes", arguments: gemmCases)
    func gemmMatchesReference(_ scalar: ScalarCase) throws { try scalar.run(scalar.tolerance) }

    @Test("thin QR reconstructs the input with orthonormal Q and triangular R", arguments: qrCases)
    func qrReconstructs(_ scalar: ScalarCase) throws { try scalar.run(scalar.tolerance) }

    @Test("thin SVD (gesdd) reconstructs the input with sorted singular values", arguments: svdCases)
    func svdReconstructs(_ scalar: ScalarCase) throws { try scalar.run(scalar.tolerance) }

    @Test("row-major conversion in tiles equals the element-by-element definition", arguments: [(1, 1), (1, 70), (70, 1), (37, 70), (64, 33), (16, 4100)])
    func tiledTranspose(_ rows: Int, _ columns: Int) throws {
        let elements = (0..<rows * columns).map { Float($0) }
        let matrix = try Matrix(rowMajor: elements, rows: rows, columns: columns)
        for i in 0..<rows {
            for j in 0..<columns where matrix[i, j] != elements[i * columns + j] {
                Issue.record("(\(i), \(j)) is \(matrix[i, j]), not \(elements[i * columns + j])")
                return
            }
        }
        #expect(matrix.rowMajorElements() == elements)
    }

    @Test("row-major tensors convert to column-major and back exactly")
    func rowMajorRoundTrip() throws {
        let elements: [Float] = [1, 2, 3, 4, 5, 6]  // [[1, 2, 3], [4, 5, 6]]
        let matrix = try Matrix(rowMajor: elements, rows: 2, columns: 3)
        #expect(matrix[0, 2] == 3 && matrix[1, 0] == 4)
        #expect(matrix.storage == [1, 4, 2, 5, 3, 6])
        #expect(matrix.rowMajorElements() == elements)
        #expect(matrix.transposed.transposed == matrix)
        #expect(throws: KernelError.self) { try Matrix<Float>(rowMajor: elements, rows: 4, columns: 2) }
    }

    @Test("products of mismatched shapes throw instead of crashing")
    func mismatchedProductThrows() {
        let a = Matrix<Float>(zeros: 3, 4), b = Matrix<Float>(zeros: 3, 4)
        #expect(throws: KernelError.self) { try Matrix.product(a, b) }
    }
}
