import Testing
@testable import PlanKernels

/// The synthetic multilingual data: deterministic, disjoint splits, one task in many surface forms.
struct SyntheticCorpusTests {
    static let task = MultilingualTask(languages: 3, concepts: 8, itemsPerExample: 4, heldOutFraction: 0.2, seed: 5)

    @Test func sameSeedSameExamplesOtherSeedOthers() throws {
        let a = try SyntheticCorpus(task: Self.task), b = try SyntheticCorpus(task: Self.task)
        var other = Self.task
        other.seed = 6
        let c = try SyntheticCorpus(task: other)
        for language in 0..<3 {
            #expect(a.examples(language: language, split: .train, count: 50) == b.examples(language: language, split: .train, count: 50))
            #expect(a.examples(language: language, split: .train, count: 50) != c.examples(language: language, split: .train, count: 50))
        }
    }

    @Test func longerListsExtendShorterOnes() throws {
        let corpus = try SyntheticCorpus(task: Self.task)
        let short = corpus.examples(language: 1, split: .heldOut, count: 10)
        #expect(Array(corpus.examples(language: 1, split: .heldOut, count: 30).prefix(10)) == short)
    }

    /// The prompt's concepts, recovered through the language's lexicon and word order.
    static func concepts(_ example: [Int32], corpus: SyntheticCorpus, language: Int) -> [Int] {
        let k = corpus.task.itemsPerExample
        var canonical = [Int](repeating: -1, count: k)
        for (surface, position) in corpus.wordOrder[language].enumerated() {
            canonical[position] = corpus.lexicon[language].firstIndex(of: example[1 + surface]) ?? -1
        }
        return canonical
    }

    @Test func heldOutPromptsNeverAppearInTraining() throws {
        let corpus = try SyntheticCorpus(task: Self.task)
        for language in 0..<3 {
            let train = Set(corpus.examples(language: language, split: .train, count: 400).map { Self.concepts($0, corpus: corpus, language: language) })
            let heldOut = Set(corpus.examples(language: language, split: .heldOut, count: 100).map { Self.concepts($0, corpus: corpus, language: language) })
            #expect(train.isDisjoint(with: heldOut))
            #expect(heldOut.count > 50)
        }
    }

    @Test func languagesShareTheTaskButNotTheSurface() throws {
        let corpus = try SyntheticCorpus(task: Self.task)
        let k = Self.task.itemsPerExample
        let prompt = [0, 3, 5, 7]
        let expected = corpus.answer(to: prompt)
        #expect(expected.count == k)
        var surfaces: Set<[Int32]> = []
        for language in 0..<3 {
            let example = corpus.example(language: language, concepts: prompt)
            #expect(example.count == Self.task.tokensPerExample)
            #expect(example.first == Self.task.tag(language))
            #expect(example[k + 1] == MultilingualTask.separator)
            #expect(example.last == MultilingualTask.endOfExample)
            // Decode the answer through this language's lexicon and word order.
            var answer = [Int](repeating: -1, count: k)
            for (surface, position) in corpus.wordOrder[language].enumerated() {
                answer[position] = corpus.lexicon[language].firstIndex(of: example[k + 2 + surface]) ?? -1
            }
            #expect(answer == expected)
            #expect(example.allSatisfy { $0 >= 0 && Int($0) < Self.task.vocabulary })
            surfaces.insert(example)
        }
        #expect(surfaces.count == 3)
        #expect(corpus.wordOrder[0] == Array(0..<k))
    }

    @Test func packingScoresOnlyAnswersAndShiftsTargets() throws {
        let corpus = try SyntheticCorpus(task: Self.task)
        let examples = corpus.examples(language: 2, split: .train, count: 7)
        let length = Self.task.tokensPerExample, s = 2 * length + 3
        let packed = try PackedSequences(examples: examples, sequenceLength: s)
        #expect(packed.examplesPerSequence == 2)
        #expect(packed.count == 4)
        let batches = try packed.batches(size: 3, shuffleSeed: nil)
        #expect(batches.count == 2)
        let first = batches[0]
        for p in 0..<(s - 1) { #expect(first.targets[p] == first.inputs[p + 1]) }
        // Per example: the answer (k tokens) and the end token are scored, nothing else.
        let scored = first.weights[0..<s].reduce(0, +)
        #expect(scored == Float(2 * (Self.task.itemsPerExample + 1)))
        for p in 0..<s where first.weights[p] == 1 {
            let offset = p % length
            #expect(offset >= Self.task.itemsPerExample + 1 && offset < length - 1)
        }
        // The last batch is topped up with unscored padding sequences.
        #expect(batches[1].weights[s...].allSatisfy { $0 == 0 })
        #expect(try packed.batches(size: 3, shuffleSeed: 9).map(\.inputs) == packed.batches(size: 3, shuffleSeed: 9).map(\.inputs))
    }

    @Test func invalidTasksAreRefused() {
        #expect(throws: KernelError.self) { try SyntheticCorpus(task: MultilingualTask(languages: 0)) }
        #expect(throws: KernelError.self) { try SyntheticCorpus(task: MultilingualTask(languages: 2, concepts: 8, surfaceTokens: 4)) }
        #expect(throws: KernelError.self) { try PackedSequences(examples: [[1, 2, 3]], sequenceLength: 2) }
    }
}
