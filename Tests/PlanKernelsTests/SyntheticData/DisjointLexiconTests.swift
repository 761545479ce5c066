import Testing
@testable import PlanKernels

/// Languages with their own vocabularies: no surface token is shared, and too small a pool is refused.
struct DisjointLexiconTests {
    @Test func everyLanguageHasItsOwnTokens() throws {
        let task = MultilingualTask(languages: 3, concepts: 8, itemsPerExample: 4, seed: 5, disjointLexicons: true)
        #expect(task.surfaceTokens == 24 && task.vocabulary == 3 + 3 + 24)
        let corpus = try SyntheticCorpus(task: task)
        let sets = corpus.lexicon.map(Set.init)
        for set in sets { #expect(set.count == 8) }
        #expect(sets[0].isDisjoint(with: sets[1]) && sets[0].isDisjoint(with: sets[2]) && sets[1].isDisjoint(with: sets[2]))
        // The examples use only the language's own tokens (besides tag, separator and end).
        for language in 0..<3 {
            for example in corpus.examples(language: language, split: .train, count: 20) {
                for token in example.dropFirst() where token > MultilingualTask.endOfExample { #expect(sets[language].contains(token)) }
            }
        }
        // The shared pool keeps collisions (the default): some token means different concepts in two languages.
        let shared = try SyntheticCorpus(task: MultilingualTask(languages: 3, concepts: 8, itemsPerExample: 4, seed: 5))
        #expect(!Set(shared.lexicon[0]).isDisjoint(with: Set(shared.lexicon[1])) || !Set(shared.lexicon[0]).isDisjoint(with: Set(shared.lexicon[2])))
    }

    @Test func tooFewSurfaceTokensAreRefused() {
        #expect(throws: KernelError.self) {
            try SyntheticCorpus(task: MultilingualTask(languages: 3, concepts: 8, surfaceTokens: 16, disjointLexicons: true))
        }
    }

    @Test func indexRangesExtendTheCountedList() throws {
        let corpus = try SyntheticCorpus(task: MultilingualTask(languages: 2, concepts: 8, itemsPerExample: 4, seed: 5))
        let first = corpus.examples(language: 1, split: .train, count: 30)
        #expect(corpus.examples(language: 1, split: .train, indices: 10..<30) == Array(first[10..<30]))
    }
}
