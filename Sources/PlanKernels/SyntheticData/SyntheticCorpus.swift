import PlanRandom

/// The examples of a `MultilingualTask`: the languages' surface forms, and deterministic
/// training and held-out examples per language.
public struct SyntheticCorpus: Sendable {
    public let task: MultilingualTask
    /// The shared concept map g.
    let conceptMap: [Int]
    /// Per language: concept → token id.
    let lexicon: [[Int32]]
    /// Per language: surface position i shows canonical position order[i].
    let wordOrder: [[Int]]

    /// The corpus of `task`.
    /// - Throws: `KernelError.invalidArgument` when the task is invalid.
    public init(task: MultilingualTask) throws {
        try task.validate()
        self.task = task
        var generator = Xoshiro256StarStar(seed: SplitMix64.derive(task.seed, 0))
        conceptMap = Self.permutation(task.concepts, &generator)
        if task.disjointLexicons {
            // One seeded permutation of the pool; language l takes its l-th slice of C tokens.
            var generator = Xoshiro256StarStar(seed: SplitMix64.derive(task.seed, 1, 0xD15))
            let pool = Self.permutation(task.surfaceTokens, &generator)
            lexicon = (0..<task.languages).map { language in
                (0..<task.concepts).map { Int32(3 + task.languages + pool[language * task.concepts + $0]) }
            }
        } else {
            lexicon = (0..<task.languages).map { language in
                var generator = Xoshiro256StarStar(seed: SplitMix64.derive(task.seed, 1, UInt64(language)))
                let pool = Self.permutation(task.surfaceTokens, &generator)
                return (0..<task.concepts).map { Int32(3 + task.languages + pool[$0]) }
            }
        }
        wordOrder = (0..<task.languages).map { language in
            guard language > 0 else { return Array(0..<task.itemsPerExample) }
            var generator = Xoshiro256StarStar(seed: SplitMix64.derive(task.seed, 2, UInt64(language)))
            return Self.permutation(task.itemsPerExample, &generator)
        }
    }

    /// A uniform random permutation of 0..<n (Fisher–Yates).
    static func permutation(_ n: Int, _ generator: inout Xoshiro256StarStar) -> [Int] {
        var values = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) {
            values.swapAt(i, Int(generator.next() % UInt64(i + 1)))
        }
        return values
    }

    /// The canonical answer to a concept sequence: reversed, then mapped by g.
    public func answer(to concepts: [Int]) -> [Int] {
        concepts.reversed().map { conceptMap[$0] }
    }

    /// Whether a concept sequence belongs to the held-out split (a hash of the sequence, shared by
    /// all languages, so no prompt appears in both splits).
    func isHeldOut(_ concepts: [Int]) -> Bool {
        var hash = task.seed ^ 0x5EED
        for c in concepts { hash = SplitMix64.derive(hash, UInt64(c)) }
        return Double(hash >> 11) * 0x1p-53 < task.heldOutFraction
    }

    /// The tokens of one example of `language` for a concept sequence.
    public func example(language: Int, concepts: [Int]) -> [Int32] {
        let order = wordOrder[language], words = lexicon[language]
        let answer = self.answer(to: concepts)
        var tokens: [Int32] = [task.tag(language)]
        tokens.reserveCapacity(task.tokensPerExample)
        for i in order { tokens.append(words[concepts[i]]) }
        tokens.append(MultilingualTask.separator)
        for i in order { tokens.append(words[answer[i]]) }
        tokens.append(MultilingualTask.endOfExample)
        return tokens
    }

    /// `count` examples of `language` from `split`; example i depends only on (seed, language,
    /// split, i), so a longer list extends a shorter one.
    /// - Complexity: O(count · k) expected (rejection sampling by split).
    public func examples(language: Int, split: DataSplit, count: Int) -> [[Int32]] {
        examples(language: language, split: split, indices: 0..<count)
    }

    /// The examples of `language` from `split` with the given indices (`examples(…, count:)` is
    /// indices 0 ..< count), e.g. a later range for data no earlier run has seen.
    public func examples(language: Int, split: DataSplit, indices: Range<Int>) -> [[Int32]] {
        indices.map { index in
            var generator = Xoshiro256StarStar(seed: SplitMix64.derive(task.seed, 3, UInt64(language), split.rawValue, UInt64(index)))
            while true {
                let concepts = (0..<task.itemsPerExample).map { _ in Int(generator.next() % UInt64(task.concepts)) }
                if isHeldOut(concepts) == (split == .heldOut) { return example(language: language, concepts: concepts) }
            }
        }
    }
}
