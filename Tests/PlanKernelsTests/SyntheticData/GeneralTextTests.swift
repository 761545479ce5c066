import Testing
@testable import PlanKernels

/// The pretraining corpus: task-shaped sequences that copy, translate or continue a concept
/// sequence, never the task's answer function.
struct GeneralTextTests {
    let task = MultilingualTask(languages: 3, seed: 5)

    @Test func sequencesAreDeterministicAndPackLikeTheTask() throws {
        let corpus = try SyntheticCorpus(task: task)
        for language in 0..<task.languages {
            let text = corpus.generalText(language: language, count: 200, seed: 1)
            #expect(text == corpus.generalText(language: language, count: 200, seed: 1))
            #expect(text != corpus.generalText(language: language, count: 200, seed: 2))
            #expect(Array(corpus.generalText(language: language, count: 50, seed: 1)) == Array(text.prefix(50)))
            for sequence in text {
                #expect(sequence.count == task.tokensPerExample)
                #expect(sequence.first == task.tag(language) && sequence.last == MultilingualTask.endOfExample)
                #expect(sequence[task.itemsPerExample + 1] == MultilingualTask.separator)
                #expect(sequence.allSatisfy { $0 >= 0 && Int($0) < task.vocabulary })
            }
            _ = try PackedSequences(examples: text, sequenceLength: 64)
        }
    }

    /// Each continuation is a copy, a translation into the next language, or the successor
    /// sequence; all three occur; none is the task's answer (up to chance coincidences).
    @Test func continuationsAreCopiesTranslationsOrSuccessors() throws {
        let corpus = try SyntheticCorpus(task: task)
        let k = task.itemsPerExample
        let language = 1, next = 2
        var kinds = Set<Int>()
        var taskAnswers = 0
        let text = corpus.generalText(language: language, count: 300, seed: 9)
        for sequence in text {
            let prompt = Array(sequence[1...k]), continuation = Array(sequence[(k + 2)..<(2 * k + 2)])
            // Recover the concepts from the prompt (surface position i shows canonical position order[i]).
            var concepts = [Int](repeating: 0, count: k)
            for (i, position) in corpus.wordOrder[language].enumerated() {
                concepts[position] = try #require(corpus.lexicon[language].firstIndex(of: prompt[i]))
            }
            let copy = corpus.wordOrder[language].map { corpus.lexicon[language][concepts[$0]] }
            let translation = corpus.wordOrder[next].map { corpus.lexicon[next][concepts[$0]] }
            let successor = corpus.wordOrder[language].map { corpus.lexicon[language][(concepts[$0] + 1) % task.concepts] }
            let kind = [copy, translation, successor].firstIndex(of: continuation)
            #expect(kind != nil)
            if let kind { kinds.insert(kind) }
            if Array(corpus.example(language: language, concepts: concepts)[(k + 2)..<(2 * k + 2)]) == continuation { taskAnswers += 1 }
        }
        #expect(kinds == [0, 1, 2])
        #expect(taskAnswers <= 3)
    }
}
