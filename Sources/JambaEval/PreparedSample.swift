import JambaData
import JambaModels
import JambaTokenizers

/// A task record turned into what the engine needs: token ids, the request kind, references.
struct PreparedSample {
    enum Work {
        case generate(prompt: [Int], maxNewTokens: Int)
        case positions(ids: [Int], targets: [(position: Int, token: Int)])
        /// Context and the token ids of every choice; `gold` indexes the right one.
        case loglikelihood(context: [Int], choices: [[Int]], gold: Int)
    }

    let id: String
    let metric: Metric
    let work: Work
    let references: [String]
    let length: Int
    let depth: Double?

    var promptTokens: Int {
        switch work {
        case .generate(let p, _): return p.count
        case .positions(let ids, _): return ids.count
        case .loglikelihood(let c, _, _): return c.count
        }
    }

    /// Tokens this sample puts through the model: what the batch budget counts.
    var cost: Int {
        switch work {
        case .generate(let p, let n): return p.count + n
        case .positions(let ids, _): return ids.count
        case .loglikelihood(let c, let choices, _): return choices.reduce(0) { $0 + c.count + $1.count }
        }
    }

    /// Reads one record for `task` under `model`.
    init(_ record: TaskRecord, task: Suite.Task, file: String, model: LoadedModel) throws {
        func fail(_ reason: String) -> RunError { .record(file: file, id: record.id, reason: reason) }
        let tokenizer = model.tokenizer
        func encode(_ text: String, special: Bool) throws -> [Int] {
            guard let t = tokenizer else {
                throw fail("text input needs a tokenizer, and model '\(model.spec.name)' has none (add 'tokenizer:' to it in the suite)")
            }
            return t.encode(text, addSpecialTokens: special)
        }
        var metric = task.metric
        if metric == nil, let raw = record.metric {
            guard let m = Metric(rawValue: raw) else { throw fail("unknown metric '\(raw)'") }
            metric = m
        }
        let chosen = metric ?? (record.positions != nil ? .positionsAccuracy : .stringMatchAll)
        id = record.id
        self.metric = chosen
        // Tables group by the context length a generator was asked for; RULER files state only
        // the real count, which is then the bucket.
        let nominal = record.extras["context_length"]?.intValue
        depth = record.depth
        let vocab = model.model.config.vocabSize
        switch chosen.requestKind {
        case .generate:
            let prompt: [Int]
            if let ids = record.inputIds { prompt = ids } else if let text = record.prompt { prompt = try encode(text, special: true) } else {
                throw fail("has neither 'input' nor 'input_ids'")
            }
            let maxNew = task.maxNewTokens ?? record.maxNewTokens ?? 32
            work = .generate(prompt: prompt, maxNewTokens: maxNew)
            references = record.outputs
            length = nominal ?? record.length ?? prompt.count + maxNew
        case .positions:
            let ids: [Int]
            if let given = record.inputIds { ids = given } else if let text = record.prompt { ids = try encode(text, special: true) } else {
                throw fail("has neither 'input' nor 'input_ids'")
            }
            guard let targets = record.positions, !targets.isEmpty else { throw fail("positions_accuracy needs 'positions'") }
            for t in targets where t.position < 0 || t.position >= ids.count {
                throw fail("position \(t.position) is outside its \(ids.count) tokens")
            }
            work = .positions(ids: ids, targets: targets.map { ($0.position, $0.target) })
            references = targets.map { String($0.target) }
            length = nominal ?? record.length ?? ids.count
        case .loglikelihood:
            guard let text = record.prompt else { throw fail("loglikelihood needs a text 'input'") }
            var choices = record.outputs
            var gold = 0
            if case .array(let values)? = record.extras["choices"] {
                choices = try values.map { v in
                    guard case .string(let s) = v else { throw fail("'choices' must be strings") }
                    return s
                }
                guard case .number(let raw)? = record.extras["gold"], let g = Int(raw), g >= 0, g < choices.count else {
                    throw fail("'choices' needs an integer 'gold' index into it")
                }
                gold = g
            }
            guard !choices.isEmpty else { throw fail("loglikelihood needs 'outputs' (or 'choices' with 'gold')") }
            let context = try encode(text, special: true)
            work = .loglikelihood(context: context, choices: try choices.map { try encode($0, special: false) }, gold: gold)
            references = [choices[gold]]
            length = nominal ?? record.length ?? context.count
        }
        // Every id must exist in the model: an id past the vocabulary is a data error, not a crash.
        let all: [Int]
        switch work {
        case .generate(let p, _): all = p
        case .positions(let ids, let targets): all = ids + targets.map(\.token)
        case .loglikelihood(let c, let choices, _): all = c + choices.flatMap { $0 }
        }
        if let bad = all.first(where: { $0 < 0 || $0 >= vocab }) {
            throw fail("token id \(bad) is outside the model's vocabulary [0, \(vocab))")
        }
        if promptTokens == 0 { throw fail("the prompt has no tokens") }
    }
}
