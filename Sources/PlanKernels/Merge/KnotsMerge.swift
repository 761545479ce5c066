/// KnOTS (Stoica et al., arXiv 2410.19735): align the tasks' updates in the joint SVD basis of
/// [ΔW_1 … ΔW_T], then merge the per-task blocks Σ·V_tᵀ and map back with U.
///
/// The low-rank route never forms the out × T·in stack: with Bcat = [s₁B₁ … s_T B_T] (out × Σr)
/// and blockdiag(A₁ … A_T) (Σr × T·in), [ΔW_1 … ΔW_T] = Bcat · blockdiag(A). QR of Bcat and of each
/// A_tᵀ gives Q_B R_B and blockdiag(Q_{A_t} R_{A_t}), so the stack is Q_B · (R_B · blockdiag(R_{A_t})ᵀ)
/// · blockdiag(Q_{A_t})ᵀ and only the small core R_B · blockdiag(R_{A_t})ᵀ needs an SVD. The
/// factorisations run in Double so the result does not depend on the route (the TIES selection that
/// follows is discontinuous in its inputs).
public enum KnotsMerge {
    /// The joint basis and the per-task blocks.
    public struct Factors: Sendable {
        /// U, out × q (Float), the shared left singular vectors.
        public let u: Matrix<Float>
        /// Per task, Σ·V_tᵀ (q × in, column-major, flattened), the task vectors KnOTS merges.
        public let blocks: [[Float]]
        /// The singular values.
        public let singularValues: [Double]
    }

    /// The low-rank route (QR of the stacked factors, SVD of the small core).
    /// - Complexity: O(out·R² + T·in·r² + R³) with R = Σ r_t.
    public static func lowRankFactors(modules: [LoRAModule], scalings: [Double]) throws -> Factors {
        let bStack = try Matrix.horizontal(
            zip(modules, scalings).map { $0.b.converted(to: Double.self).scaled(by: $1) })
        let (qB, rB) = try bStack.qr()
        var coreParts: [Matrix<Double>] = [], qAs: [Matrix<Double>] = []
        var column = 0
        for module in modules {
            let (qA, rA) = try module.a.converted(to: Double.self).transposed.qr()
            let rBBlock = rB.columns(column..<(column + module.rank))
            coreParts.append(try Matrix.product(rBBlock, rA, transposeB: true))
            qAs.append(qA)
            column += module.rank
        }
        let core = try Matrix.horizontal(coreParts)
        let (uCore, s, vtCore) = try core.svd()
        let u = try Matrix.product(qB, uCore)
        var blocks: [[Float]] = []
        var offset = 0
        for qA in qAs {
            let vtPart = vtCore.columns(offset..<(offset + qA.columns))
            var block = try Matrix.product(vtPart, qA, transposeB: true)
            scaleRows(&block, by: s)
            blocks.append(block.storage.map { Float($0) })
            offset += qA.columns
        }
        return Factors(u: u.converted(to: Float.self), blocks: blocks, singularValues: s)
    }

    /// The dense reference: thin SVD of the explicit [ΔW_1 … ΔW_T], truncated to `rank` components.
    /// Only for tests and benchmarks; it costs O(out · T·in · min(out, T·in)).
    public static func denseFactors(modules: [LoRAModule], scalings: [Double], rank: Int) throws -> Factors {
        let deltas = try zip(modules, scalings).map {
            try Matrix.product($0.b.converted(to: Double.self), $0.a.converted(to: Double.self), alpha: $1)
        }
        let (u, s, vt) = try Matrix.horizontal(deltas).svd()
        let q = min(rank, s.count)
        let inFeatures = modules[0].inFeatures
        var blocks: [[Float]] = []
        for t in modules.indices {
            var block = vt.rows(0..<q).columns((t * inFeatures)..<((t + 1) * inFeatures))
            scaleRows(&block, by: s)
            blocks.append(block.storage.map { Float($0) })
        }
        return Factors(u: u.columns(0..<q).converted(to: Float.self), blocks: blocks, singularValues: Array(s[0..<q]))
    }

    static func scaleRows(_ matrix: inout Matrix<Double>, by values: [Double]) {
        for j in 0..<matrix.columns {
            for i in 0..<matrix.rows { matrix[i, j] *= values[i] }
        }
    }
}
