/// A synthetic multilingual fine-tuning task: L languages share one underlying task but differ in
/// surface form, so per-language adapters learn the same function through different tokens.
///
/// The task: given k concepts c₀ … c_{k−1} (from C), answer g(c_{k−1}) … g(c₀) — reverse the
/// sequence and map every concept through one fixed permutation g (shared by all languages).
/// Language l writes concept c as its own token (a seeded injection of the C concepts into a
/// shared pool of surface tokens, so languages overlap and collide; with `disjointLexicons`, each
/// language draws from its own slice of the pool, so no token is shared) and uses its own word order
/// (a seeded permutation of the k positions, applied to prompt and answer alike; language 0
/// keeps the canonical order). An example reads
/// `[tag_l] prompt(k) [SEP] answer(k) [EOS]`, 2k + 3 tokens.
///
/// Everything is a pure function of `seed`.
public struct MultilingualTask: Sendable, Equatable {
    /// Number of languages L.
    public var languages: Int
    /// Number of concepts C.
    public var concepts: Int
    /// Surface tokens shared by the languages (≥ C).
    public var surfaceTokens: Int
    /// Concepts per example k.
    public var itemsPerExample: Int
    /// Fraction of all concept sequences reserved for the held-out split (by hash, so the
    /// splits never share a prompt).
    public var heldOutFraction: Double
    public var seed: UInt64
    /// Whether every language has its own surface tokens (C of them, disjoint from the other
    /// languages'; needs `surfaceTokens` ≥ L·C) instead of a seeded draw from the shared pool.
    public var disjointLexicons: Bool

    /// Token ids: 0 padding, 1 separator, 2 end of example, 3 ..< 3 + L language tags, then the
    /// surface tokens.
    public static let padding: Int32 = 0
    public static let separator: Int32 = 1
    public static let endOfExample: Int32 = 2

    /// A task; `surfaceTokens` defaults to 2·C (L·C with `disjointLexicons`).
    public init(
        languages: Int, concepts: Int = 16, surfaceTokens: Int? = nil, itemsPerExample: Int = 6, heldOutFraction: Double = 0.1,
        seed: UInt64 = 1, disjointLexicons: Bool = false
    ) {
        self.languages = languages
        self.concepts = concepts
        self.disjointLexicons = disjointLexicons
        self.surfaceTokens = surfaceTokens ?? (disjointLexicons ? languages * concepts : 2 * concepts)
        self.itemsPerExample = itemsPerExample
        self.heldOutFraction = heldOutFraction
        self.seed = seed
    }

    /// Checks the sizes.
    /// - Throws: `KernelError.invalidArgument` for a non-positive size, fewer surface tokens than
    ///   concepts, or a held-out fraction outside (0, 1).
    public func validate() throws {
        guard languages >= 1, concepts >= 2, itemsPerExample >= 1 else {
            throw KernelError.invalidArgument("a task needs at least 1 language, 2 concepts and 1 item per example")
        }
        guard surfaceTokens >= concepts else {
            throw KernelError.invalidArgument("surface tokens (\(surfaceTokens)) must be at least the concepts (\(concepts))")
        }
        guard !disjointLexicons || surfaceTokens >= languages * concepts else {
            throw KernelError.invalidArgument(
                "disjoint lexicons need at least languages × concepts = \(languages * concepts) surface tokens, got \(surfaceTokens)")
        }
        guard heldOutFraction > 0, heldOutFraction < 1 else {
            throw KernelError.invalidArgument("the held-out fraction must lie strictly between 0 and 1, got \(heldOutFraction)")
        }
    }

    /// Vocabulary size: 3 specials + L tags + surface tokens.
    public var vocabulary: Int { 3 + languages + surfaceTokens }
    /// Tokens per example: 2k + 3.
    public var tokensPerExample: Int { 2 * itemsPerExample + 3 }
    /// The language tag token of `language`.
    public func tag(_ language: Int) -> Int32 { Int32(3 + language) }
}

/// Which part of a language's data.
public enum DataSplit: UInt64, Sendable, Equatable, CaseIterable {
    case train = 1, heldOut = 2
}
