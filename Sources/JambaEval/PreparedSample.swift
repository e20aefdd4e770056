import JambaJSON
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
        let chosen: Metric
        do { chosen = try Self.metric(of: record, task: task) } catch let reason as RecordProblem { throw fail(reason.text) }
        id = record.id
        self.metric = chosen
        // Tables group by the context length a generator was asked for: jamba-eval's generators
        // write it as context_length, lm-evaluation-harness's RULER port as max_length. RULER's own
        // files state only the real count, which is then the bucket.
        let nominal = record.extras["context_length"]?.intValue ?? record.extras["max_length"]?.intValue
        depth = record.depth
        let vocab = model.config.vocabSize
        switch chosen.requestKind {
        case .generate:
            let prompt: [Int]
            if let ids = record.inputIds { prompt = ids } else if let text = record.prompt { prompt = try encode(text, special: true) } else {
                throw fail("has neither 'input' nor 'input_ids'")
            }
            let maxNew: Int
            do { maxNew = try Self.generationBudget(of: record, task: task) } catch let reason as RecordProblem { throw fail(reason.text) }
            if record.outputs.isEmpty { throw fail("'outputs' is empty: a generation record needs at least one reference") }
            // The budget must be able to hold the answer, or even a perfect model scores low.
            if let t = tokenizer {
                let needed = Self.referenceTokens(record.outputs, metric: chosen) { t.encode($0, addSpecialTokens: false).count }
                if needed > maxNew {
                    throw fail("max_new_tokens \(maxNew) cannot hold the references (\(needed) tokens); raise max_new_tokens in the suite's task")
                }
            }
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
            let encoded = try choices.map { try encode($0, special: false) }
            // An empty continuation has no likelihood to compare: the engine would refuse it mid-run.
            if let i = encoded.firstIndex(where: \.isEmpty) { throw fail("choice \(i) (\"\(choices[i])\") has no tokens") }
            work = .loglikelihood(context: context, choices: encoded, gold: gold)
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

    /// A record-level problem, before the caller adds the file and record to it.
    struct RecordProblem: Error { let text: String }

    /// The metric a record is scored with: the suite task's, else the record's, else positions
    /// when it has positions, else its RULER family's, else string_match_all.
    static func metric(of record: TaskRecord, task: Suite.Task) throws -> Metric {
        if let m = task.metric { return m }
        if let raw = record.metric {
            guard let m = Metric(rawValue: raw) else { throw RecordProblem(text: "unknown metric '\(raw)'") }
            return m
        }
        if record.positions != nil { return .positionsAccuracy }
        return RulerFamily.of(recordTask: record.task, task: task)?.metric ?? .stringMatchAll
    }

    /// New tokens a generation record gets: the suite task's max_new_tokens, else the record's,
    /// else its RULER family's tokens_to_generate. No silent default: a wrong guess cuts answers
    /// short and looks like a weak model.
    static func generationBudget(of record: TaskRecord, task: Suite.Task) throws -> Int {
        if let n = task.maxNewTokens { return n }
        if let n = record.maxNewTokens {
            if let p = Limits.problem(n, Limits.newTokens) { throw RecordProblem(text: "'max_new_tokens' \(p)") }
            return n
        }
        if let family = RulerFamily.of(recordTask: record.task, task: task) { return family.tokensToGenerate }
        throw RecordProblem(text: "no generation budget: neither the suite's task nor the record gives 'max_new_tokens', "
                            + "and '\(task.name)' is not a RULER task family (niah, vt, cwe, fwe, qa); add max_new_tokens to the task")
    }

    /// Tokens the shortest full-credit answer takes: every reference for string_match_all, the
    /// shortest one otherwise.
    static func referenceTokens(_ refs: [String], metric: Metric, count: (String) -> Int) -> Int {
        if metric == .stringMatchAll { return count(refs.joined(separator: " ")) }
        return refs.map(count).min() ?? 0
    }
}
