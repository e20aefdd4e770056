import JambaJSON
import Foundation

/// Generates needle-in-a-haystack records (RULER's niah family) sized in tokens: each record's
/// prompt plus `max_new_tokens` is at most the requested length and, haystack granularity
/// permitting, within one sentence of it. The needle answered first sits at a sentence boundary at
/// the requested depth (measured in haystack tokens); other needles go to random depths.
public struct NIAHGenerator {
    public let configuration: NIAHConfiguration
    private let counter: TokenCounter

    public init(configuration: NIAHConfiguration, counter: TokenCounter) throws {
        try configuration.validate()
        self.configuration = configuration
        self.counter = counter
    }

    /// One record. Depends only on (seed, task, length, depth, sample).
    public func record(length: Int, depth: Double, sample: Int, seed: UInt64) throws -> TaskRecord {
        let c = configuration
        guard (0...1).contains(depth) else { throw DataError.invalidRequest("niah: depth \(depth) is outside 0…1") }
        let depthLabel = DepthGrid.label(depth)
        var rng = SeededRandom(seed: seed, labels: [c.task, String(length), depthLabel, String(sample)])
        let haystackRNG = SeededRandom(seed: rng.next())

        var usedKeys = Set<String>()
        var usedValues = Set<String>()
        func newKey(_ r: inout SeededRandom) -> String {
            while true {
                let k = "\(r.pick(WordLists.adjectives))-\(r.pick(WordLists.nouns))"
                if usedKeys.insert(k).inserted { return k }
            }
        }
        func newValue(_ r: inout SeededRandom) -> String {
            while true {
                let v = c.valueKind.draw(&r)
                if usedValues.insert(v).inserted { return v }
            }
        }

        // Needles as (key, value); the first is the one placed at `depth`.
        var needles: [(key: String, value: String)] = []
        var asked: [String] = []
        var outputs: [String] = []
        switch c.variant {
        case .single:
            let k = newKey(&rng), v = newValue(&rng)
            needles = [(k, v)]; asked = [k]; outputs = [v]
        case .multikey:
            let k = newKey(&rng), v = newValue(&rng)
            needles = [(k, v)]; asked = [k]; outputs = [v]
            for _ in 0..<max(c.keys - 1, 0) { needles.append((newKey(&rng), newValue(&rng))) }
        case .multivalue:
            let k = newKey(&rng)
            asked = [k]
            for _ in 0..<c.values {
                let v = newValue(&rng)
                needles.append((k, v)); outputs.append(v)
            }
        case .multiquery:
            for _ in 0..<c.queries {
                let k = newKey(&rng), v = newValue(&rng)
                needles.append((k, v)); asked.append(k); outputs.append(v)
            }
        }
        var depths = [depth]
        for _ in 1..<max(needles.count, 1) { depths.append(rng.unit()) }
        let needleTexts = needles.map { NIAHTemplate.needle(key: $0.key, value: $0.value, kind: c.valueKind) }

        // The needles haystack draws distractor keys that never equal a queried one; they may
        // repeat among themselves (a 128K haystack holds more needles than there are key words).
        let askedSet = Set(needles.map(\.key))
        let answerSet = Set(outputs)
        let kind = c.valueKind
        let haystack = Haystack(kind: c.haystack, rng: haystackRNG, counter: counter) { r in
            var k: String
            repeat { k = "\(r.pick(WordLists.adjectives))-\(r.pick(WordLists.nouns))" } while askedSet.contains(k)
            var v: String
            repeat { v = kind.draw(&r) } while answerSet.contains(v)
            return NIAHTemplate.needle(key: k, value: v, kind: kind)
        }

        let header = NIAHTemplate.header(kind: c.valueKind)
        let question = NIAHTemplate.question(keys: asked, kind: c.valueKind)
        let answerPrefix = NIAHTemplate.answerPrefix(keys: asked, kind: c.valueKind)
        let maxNew = c.resolvedMaxNewTokens
        let budget = length - maxNew
        let fixed = counter.count(header + question + answerPrefix) + needleTexts.reduce(0) { $0 + counter.count($1) }

        func context(_ n: Int) -> String {
            let insertions = zip(depths, needleTexts).map { (haystack.boundary(depth: $0.0, of: n), $0.1) }
            return haystack.text(count: n, insertions: insertions)
        }
        guard let fit = PromptFitter.fit(budget: budget, fixedTokens: fixed, haystack: haystack, count: { n in
            counter.count(header + context(n) + question + answerPrefix)
        }) else {
            let minimum = counter.count(header + context(0) + question + answerPrefix) + maxNew
            throw DataError.doesNotFit(task: c.task, requested: length, minimum: minimum)
        }
        let input = header + context(fit.sentences) + question

        // context_length: the length asked for, which tables group by (`length` is the real count).
        var extras: [String: JSONValue] = ["haystack": .string(c.haystack.rawValue), "context_length": .int(length)]
        if let r = input.range(of: needleTexts[0]), let v = input[r].range(of: needles[0].value) {
            // RULER's token_position_answer: tokens before the first answer in the prompt.
            extras["token_position_answer"] = .int(counter.count(String(input[..<v.lowerBound])))
        }
        return TaskRecord(
            id: "\(c.task)/\(length)/d\(depthLabel)/\(sample)", task: c.task, input: input,
            outputs: outputs, length: fit.tokens + maxNew, depth: depth, maxNewTokens: maxNew,
            metric: "string_match_all", answerPrefix: answerPrefix, extras: extras)
    }
}
