import JambaJSON

/// Generates variable-tracking records (RULER's vt) sized in tokens like NIAHGenerator. Statements
/// go to sentence boundaries at random depths, in order within each chain (a variable is always
/// assigned before it is copied), so following the chain needs the whole context.
public struct VariableTrackingGenerator {
    public let configuration: VariableTrackingConfiguration
    private let counter: TokenCounter

    public init(configuration: VariableTrackingConfiguration, counter: TokenCounter) throws {
        try configuration.validate()
        self.configuration = configuration
        self.counter = counter
    }

    public func record(length: Int, sample: Int, seed: UInt64) throws -> TaskRecord {
        let c = configuration
        var rng = SeededRandom(seed: seed, labels: [c.task, String(length), String(c.chains), String(c.hops), String(sample)])
        let haystackRNG = SeededRandom(seed: rng.next())

        // Variable names: five capital letters, distinct; values: five digits, distinct per chain.
        var names = Set<String>()
        func newName() -> String {
            while true {
                let s = String((0..<5).map { _ in Character(UnicodeScalar(UInt8(65 + rng.below(26)))) })
                if names.insert(s).inserted { return s }
            }
        }
        var values = Set<Int>()
        var chains: [[String]] = []      // statements per chain
        var chainVariables: [[String]] = []
        var firstValue = 0
        for ci in 0..<c.chains {
            var value: Int
            repeat { value = rng.int(in: 10_000...99_999) } while !values.insert(value).inserted
            if ci == 0 { firstValue = value }
            var vars = [newName()]
            var statements = ["VAR \(vars[0]) = \(value)."]
            for _ in 0..<c.hops {
                let v = newName()
                statements.append("VAR \(v) = VAR \(vars.last!).")
                vars.append(v)
            }
            chains.append(statements)
            chainVariables.append(vars)
        }
        // Interleave the chains randomly, keeping each chain's order, then give the statements
        // increasing random depths.
        var order: [Int] = chains.enumerated().flatMap { Array(repeating: $0.offset, count: $0.element.count) }
        rng.shuffle(&order)
        var next = Array(repeating: 0, count: chains.count)
        var statements: [String] = []
        for ci in order {
            statements.append(chains[ci][next[ci]])
            next[ci] += 1
        }
        let depths = (0..<statements.count).map { _ in rng.unit() }.sorted()

        let haystack = Haystack(kind: c.haystack, rng: haystackRNG, counter: counter)
        let answer = chainVariables[0]
        let header = "Memorize and follow the chains of variable assignments hidden in the text below.\n\n"
        let question = "\nQuestion: Which variables are assigned the value \(firstValue) in the text above?"
        let answerPrefix = " Answer: Following the chains of assignments in the text above, \(answer.count) variables are assigned the value \(firstValue); they are:"
        let maxNew = c.resolvedMaxNewTokens
        let fixed = counter.count(header + question + answerPrefix) + statements.reduce(0) { $0 + counter.count($1) }

        func context(_ n: Int) -> String {
            let insertions = zip(depths, statements).map { (haystack.boundary(depth: $0.0, of: n), $0.1) }
            return haystack.text(count: n, insertions: insertions)
        }
        guard let fit = PromptFitter.fit(budget: length - maxNew, fixedTokens: fixed, haystack: haystack, count: { n in
            counter.count(header + context(n) + question + answerPrefix)
        }) else {
            let minimum = counter.count(header + context(0) + question + answerPrefix) + maxNew
            throw DataError.doesNotFit(task: c.task, requested: length, minimum: minimum)
        }
        return TaskRecord(
            id: "\(c.task)/\(length)/\(sample)", task: c.task, input: header + context(fit.sentences) + question,
            outputs: answer, length: fit.tokens + maxNew, maxNewTokens: maxNew, metric: "string_match_all",
            answerPrefix: answerPrefix,
            extras: ["chains": .int(c.chains), "hops": .int(c.hops), "haystack": .string(c.haystack.rawValue),
                     "context_length": .int(length)])
    }
}
