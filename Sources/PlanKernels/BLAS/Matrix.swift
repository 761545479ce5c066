/// A dense column-major matrix: element (i, j) is `storage[i + j * rows]`.
///
/// Tensors on disk are row-major (PyTorch layout); convert with `init(rowMajor:rows:columns:)`
/// and `rowMajorElements()`, never by reinterpreting storage.
public struct Matrix<Scalar: BLASScalar>: Equatable, Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// Column-major elements, `rows * columns` of them.
    public internal(set) var storage: [Scalar]

    /// A matrix of zeros.
    public init(zeros rows: Int, _ columns: Int) {
        self.rows = max(0, rows)
        self.columns = max(0, columns)
        storage = [Scalar](repeating: 0, count: self.rows * self.columns)
    }

    /// A matrix over storage already known to hold `rows * columns` column-major elements.
    init(rows: Int, columns: Int, validStorage storage: [Scalar]) {
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix from column-major elements.
    /// - Throws: `KernelError.shapeMismatch` when `storage.count != rows * columns`.
    public init(rows: Int, columns: Int, columnMajor storage: [Scalar]) throws {
        guard rows >= 0, columns >= 0, storage.count == rows * columns else {
            throw KernelError.shapeMismatch("\(storage.count) elements do not fill a \(rows) × \(columns) matrix")
        }
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }

    /// A matrix from row-major elements (the safetensors / PyTorch layout), transposing the storage.
    /// - Throws: `KernelError.shapeMismatch` when `elements.count != rows * columns`.
    /// - Complexity: O(rows × columns).
    public init(rowMajor elements: [Scalar], rows: Int, columns: Int) throws {
        guard rows >= 0, columns >= 0, elements.count == rows * columns else {
            throw KernelError.shapeMismatch("\(elements.count) elements do not fill a \(rows) × \(columns) matrix")
        }
        self.rows = rows
        self.columns = columns
        storage = Self.transposed(elements, rows: rows, columns: columns)
    }

    /// The `columns × rows` transpose of a `rows × columns` layout (either order), in 32 × 32
    /// tiles so both sides stay in cache; no bounds checks in the inner loops.
    static func transposed(_ source: [Scalar], rows: Int, columns: Int) -> [Scalar] {
        let tile = 32
        return [Scalar](unsafeUninitializedCapacity: source.count) { target, initialized in
            BufferScope.reading(source) { source in
                for rowStart in stride(from: 0, to: rows, by: tile) {
                    let rowEnd = min(rows, rowStart + tile)
                    for columnStart in stride(from: 0, to: columns, by: tile) {
                        for i in rowStart..<rowEnd {
                            for j in columnStart..<min(columns, columnStart + tile) { target[i + j * rows] = source[i * columns + j] }
                        }
                    }
                }
            }
            initialized = source.count
        }
    }

    /// The elements in row-major order, as safetensors stores them.
    /// - Complexity: O(rows × columns).
    public func rowMajorElements() -> [Scalar] {
        // Column-major rows × columns is row-major columns × rows: transpose that layout.
        Self.transposed(storage, rows: columns, columns: rows)
    }

    /// Element (row, column).
    public subscript(row: Int, column: Int) -> Scalar {
        get { storage[row + column * rows] }
        set { storage[row + column * rows] = newValue }
    }

    /// The transpose.
    /// - Complexity: O(rows × columns).
    public var transposed: Matrix {
        // The column-major transpose has this matrix's row-major layout.
        Matrix(rows: columns, columns: rows, validStorage: rowMajorElements())
    }

    /// Frobenius norm, accumulated in Double.
    public var frobeniusNorm: Double {
        storage.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
    }

    /// Columns `range` as a new matrix.
    public func columns(_ range: Range<Int>) -> Matrix {
        var result = Matrix(zeros: rows, range.count)
        result.storage.replaceSubrange(0..<(rows * range.count), with: storage[(range.lowerBound * rows)..<(range.upperBound * rows)])
        return result
    }

    /// Rows `range` as a new matrix.
    public func rows(_ range: Range<Int>) -> Matrix {
        var result = Matrix(zeros: range.count, columns)
        for j in 0..<columns {
            for (target, i) in range.enumerated() { result.storage[target + j * range.count] = storage[i + j * rows] }
        }
        return result
    }

    /// This matrix with every element multiplied by `factor`.
    public func scaled(by factor: Scalar) -> Matrix {
        var result = self
        for index in result.storage.indices { result.storage[index] *= factor }
        return result
    }

    /// Converts the element type (e.g. Float ↔ Double).
    public func converted<Other: BLASScalar>(to _: Other.Type = Other.self) -> Matrix<Other> {
        var result = Matrix<Other>(zeros: rows, columns)
        result.storage = storage.map { Other($0) }
        return result
    }

    /// Concatenates matrices with equal row counts side by side: [M₁ M₂ …].
    /// - Throws: `KernelError.shapeMismatch` when row counts differ.
    public static func horizontal(_ parts: [Matrix]) throws -> Matrix {
        let rows = parts.first?.rows ?? 0
        guard parts.allSatisfy({ $0.rows == rows }) else {
            throw KernelError.shapeMismatch("cannot place matrices with different row counts side by side")
        }
        var result = Matrix(zeros: rows, 0)
        result = try Matrix(rows: rows, columns: parts.reduce(0) { $0 + $1.columns }, columnMajor: parts.flatMap(\.storage))
        return result
    }

    /// Stacks matrices with equal column counts on top of each other.
    /// - Throws: `KernelError.shapeMismatch` when column counts differ.
    public static func vertical(_ parts: [Matrix]) throws -> Matrix {
        try horizontal(parts.map(\.transposed)).transposed
    }
}
