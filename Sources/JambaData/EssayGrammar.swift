/// Generates essay-like prose for the "essay" haystack from WordLists and a handful of sentence
/// patterns: grammatical, varied and meaningless, so a model cannot answer from the haystack and
/// no copyrighted essays are needed. Sentences run 5–16 words, short enough that the generators
/// can land within a sentence (≈ 2% at 1K tokens) of the requested length.
struct EssayGrammar {
    /// Sentences per paragraph are drawn from this range; paragraphs are separated by a blank line.
    static let paragraphSentences = 3...7

    static func sentence(_ rng: inout SeededRandom) -> String {
        let w = WordLists.self
        func adj() -> String { rng.pick(w.adjectives) }
        func noun() -> String { rng.pick(w.nouns) }
        func verb() -> (base: String, third: String, past: String) { rng.pick(w.verbs) }
        func adv() -> String { rng.pick(w.adverbs) }
        func prep() -> String { rng.pick(w.prepositions) }
        // "a" or "an" by the next word's first letter (none of the words starts with a silent h
        // or a sounded u).
        func a(_ word: String) -> String { ("aeiou".contains(word.first!) ? "an " : "a ") + word }
        switch rng.below(8) {
        case 0:
            return "The \(adj()) \(noun()) \(verb().past) the \(noun()) \(prep()) the \(adj()) \(noun())."
        case 1:
            return "\(rng.pick(w.connectives)), \(rng.pick(w.subjects)) \(verb().past) \(a(adj())) \(noun()) \(adv())."
        case 2:
            return "When the \(noun()) \(verb().past) the \(noun()), the \(noun()) \(verb().past) \(adv())."
        case 3:
            return "It is \(adj()) to \(verb().base) \(a(noun())) that \(verb().third) \(adv())."
        case 4:
            return "Most \(noun())s never \(verb().base) the \(adj()) \(noun()), but some do."
        case 5:
            let subject = a(noun())
            return "\(subject.prefix(1).uppercased())\(subject.dropFirst()) \(prep()) the \(noun()) \(verb().third) every \(adj()) \(noun())."
        case 6:
            return "Why would \(a(adj())) \(noun()) \(verb().base) the \(noun()) \(prep()) the \(noun())?"
        default:
            return "Nobody \(verb().past) the \(noun()), so the \(adj()) \(noun()) \(verb().past) it \(adv())."
        }
    }
}
