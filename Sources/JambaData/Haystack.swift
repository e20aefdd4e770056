/// The filler sentences of one record, generated lazily from their own random stream and measured
/// one by one, so a generator can ask "how many sentences fit in T tokens?" without building the
/// text. Sentences are the only places a needle may go: it is inserted between two of them.
final class Haystack {
    let kind: HaystackKind
    private var rng: SeededRandom
    private let counter: TokenCounter
    private let distractor: ((inout SeededRandom) -> String)?
    private(set) var sentences: [String] = []
    /// Separator written after each sentence (" " inside a paragraph, "\n\n" between paragraphs,
    /// "\n" between needle lines).
    private(set) var separators: [String] = []
    /// prefix[i] = tokens of sentences[0..<i] counted one by one (an estimate of the joined text).
    private(set) var prefix: [Int] = [0]
    private var paragraphLeft = 0
    private var noiseCounts: [Int] = []

    /// `distractor` makes one needle sentence for the `.needles` kind.
    init(kind: HaystackKind, rng: SeededRandom, counter: TokenCounter,
         distractor: ((inout SeededRandom) -> String)? = nil) {
        self.kind = kind
        self.rng = rng
        self.counter = counter
        self.distractor = distractor
        if kind == .noise { noiseCounts = WordLists.noiseSentences.map { counter.count($0) } }
    }

    /// Separator that follows an inserted needle.
    var needleSeparator: String { kind == .needles ? "\n" : " " }

    private func appendOne() {
        let text: String
        var tokens: Int
        var separator = " "
        switch kind {
        case .noise:
            let i = sentences.count % WordLists.noiseSentences.count
            text = WordLists.noiseSentences[i]
            tokens = noiseCounts[i]
        case .essay:
            if paragraphLeft == 0 { paragraphLeft = rng.int(in: EssayGrammar.paragraphSentences) }
            text = EssayGrammar.sentence(&rng)
            tokens = counter.count(text)
            paragraphLeft -= 1
            if paragraphLeft == 0 { separator = "\n\n" }
        case .needles:
            text = distractor!(&rng)
            tokens = counter.count(text)
            separator = "\n"
        }
        tokens = max(tokens, 1)
        sentences.append(text)
        separators.append(separator)
        prefix.append(prefix[prefix.count - 1] + tokens)
    }

    func ensure(count n: Int) {
        while sentences.count < n { appendOne() }
    }

    /// The largest n whose sentences' estimated tokens are ≤ `tokens`.
    func count(fittingIn tokens: Int) -> Int {
        guard tokens >= 0 else { return 0 }
        while prefix[prefix.count - 1] <= tokens { appendOne() }
        // prefix is strictly increasing; find the last index with prefix ≤ tokens.
        var lo = 0, hi = prefix.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if prefix[mid] <= tokens { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// The sentence boundary (0...n) closest in tokens to `depth` of the first n sentences.
    func boundary(depth: Double, of n: Int) -> Int {
        ensure(count: n)
        let target = depth * Double(prefix[n])
        var lo = 0, hi = n
        while lo < hi {
            let mid = (lo + hi) / 2
            if Double(prefix[mid]) < target { lo = mid + 1 } else { hi = mid }
        }
        if lo > 0 && target - Double(prefix[lo - 1]) <= Double(prefix[lo]) - target { return lo - 1 }
        return lo
    }

    /// The first n sentences with `insertions` (boundary, text) placed before the sentence at
    /// that boundary (n = after the last), in the order given for equal boundaries.
    func text(count n: Int, insertions: [(boundary: Int, text: String)]) -> String {
        ensure(count: n)
        let sorted = insertions.enumerated().sorted {
            $0.element.boundary != $1.element.boundary ? $0.element.boundary < $1.element.boundary : $0.offset < $1.offset
        }.map(\.element)
        var items: [(String, String)] = []
        items.reserveCapacity(n + sorted.count)
        var k = 0
        for i in 0...n {
            while k < sorted.count && sorted[k].boundary == i {
                items.append((sorted[k].text, needleSeparator))
                k += 1
            }
            if i < n { items.append((sentences[i], separators[i])) }
        }
        var out = ""
        out.reserveCapacity((prefix[n] + 16 * sorted.count) * 6)
        for (j, item) in items.enumerated() {
            out += item.0
            if j < items.count - 1 { out += item.1 }
        }
        return out
    }
}
