/// A named tensor as safetensors stores it: a shape and its elements in row-major order, as Float.
public struct Tensor: Equatable, Sendable {
    /// Dimensions, outermost first (PyTorch order).
    public let shape: [Int]
    /// Elements in row-major order.
    public let elements: [Float]

    /// A tensor; `elements.count` must equal the product of `shape`.
    /// - Throws: `KernelError.shapeMismatch` otherwise.
    public init(shape: [Int], elements: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == elements.count else {
            throw KernelError.shapeMismatch("\(elements.count) elements do not fill shape \(shape)")
        }
        self.shape = shape
        self.elements = elements
    }

    /// A 2-D tensor from a column-major matrix (converted to row-major).
    public init(_ matrix: Matrix<Float>) {
        shape = [matrix.rows, matrix.columns]
        elements = matrix.rowMajorElements()
    }

    /// This 2-D tensor as a column-major matrix.
    /// - Throws: `KernelError.shapeMismatch` when the tensor is not 2-D.
    public func matrix() throws -> Matrix<Float> {
        guard shape.count == 2 else {
            throw KernelError.shapeMismatch("a tensor of shape \(shape) is not a matrix")
        }
        return try Matrix(rowMajor: elements, rows: shape[0], columns: shape[1])
    }
}
