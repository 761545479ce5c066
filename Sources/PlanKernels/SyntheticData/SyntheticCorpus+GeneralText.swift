import PlanRandom

/// General text in the synthetic languages, for pretraining a base model: it teaches each
/// language's vocabulary, word order and the correspondence of words across languages, but not
/// the task's function (reverse, then map through g).
extension SyntheticCorpus {
    /// `count` general-text sequences of `language`, each as long as a task example
    /// (`[tag_l] words(c) [SEP] continuation [EOS]`, so they pack like the task's): a random
    /// concept sequence c written in the language's words and word order, then, with equal odds,
    /// c again in the same language (copy), c written in the next language's words and order
    /// (translation), or c continued (every concept's successor, c + 1 mod C, in the same
    /// language). Sequence i depends only on (seed, language, `seed`, i).
    /// - Complexity: O(count · k).
    public func generalText(language: Int, count: Int, seed: UInt64) -> [[Int32]] {
        let k = task.itemsPerExample, c = task.concepts
        let next = (language + 1) % task.languages
        return (0..<count).map { index in
            var generator = Xoshiro256StarStar(seed: SplitMix64.derive(task.seed, 4, UInt64(language), seed, UInt64(index)))
            let concepts = (0..<k).map { _ in Int(generator.next() % UInt64(c)) }
            var tokens: [Int32] = [task.tag(language)]
            tokens.reserveCapacity(task.tokensPerExample)
            for i in wordOrder[language] { tokens.append(lexicon[language][concepts[i]]) }
            tokens.append(MultilingualTask.separator)
            switch generator.next() % 3 {
            case 0: for i in wordOrder[language] { tokens.append(lexicon[language][concepts[i]]) }
            case 1: for i in wordOrder[next] { tokens.append(lexicon[next][concepts[i]]) }
            default: for i in wordOrder[language] { tokens.append(lexicon[language][(concepts[i] + 1) % c]) }
            }
            tokens.append(MultilingualTask.endOfExample)
            return tokens
        }
    }
}
