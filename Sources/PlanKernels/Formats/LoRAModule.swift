/// One adapted layer: ΔW = scaling · B · A, with A r × in and B out × r (column-major).
public struct LoRAModule: Equatable, Sendable {
    /// The tensor-name prefix, e.g. `base_model.model.model.layers.0.self_attn.q_proj`.
    public let name: String
    /// The down projection, r × in.
    public var a: Matrix<Float>
    /// The up projection, out × r.
    public var b: Matrix<Float>

    /// A module; `a.rows` must equal `b.columns`.
    /// - Throws: `KernelError.shapeMismatch` otherwise.
    public init(name: String, a: Matrix<Float>, b: Matrix<Float>) throws {
        guard a.rows == b.columns else {
            throw KernelError.shapeMismatch("\(name): lora_A has rank \(a.rows) but lora_B has rank \(b.columns)")
        }
        self.name = name
        self.a = a
        self.b = b
    }

    /// The rank r.
    public var rank: Int { a.rows }
    /// Input features.
    public var inFeatures: Int { a.columns }
    /// Output features.
    public var outFeatures: Int { b.rows }

    /// The last component of the name (`q_proj`), as PEFT's `target_modules` lists it.
    public var shortName: String {
        name.split(separator: ".").last.map(String.init) ?? name
    }

    /// ΔW = scaling · B · A, out × in.
    /// - Complexity: O(out · in · r) in sgemm.
    public func delta(scaling: Float) throws -> Matrix<Float> {
        try Matrix.product(b, a, alpha: scaling)
    }

    /// The tensor names PEFT uses for this module's factors.
    var tensorNames: (a: String, b: String) { ("\(name).lora_A.weight", "\(name).lora_B.weight") }
}
