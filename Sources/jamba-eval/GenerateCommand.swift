import ArgumentParser
import Foundation
import JambaEval
import JambaModels
import JambaTokenizers

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Greedy generation with the hybrid cache: chunked prefill, then batched decode.")

    @OptionGroup var model: ModelOptions
    @OptionGroup var input: IdsOptions
    @OptionGroup var engine: EngineOptionGroup

    @Option(help: "Prompt text (needs a tokenizer: the model folder's tokenizer.json, or --tokenizer).")
    var prompt: String?

    @Option(help: "A folder with tokenizer.json, when MODEL has none (e.g. a config with random weights).")
    var tokenizer: String?

    @Option(help: "Tokens to generate per sequence.")
    var maxNewTokens: Int = 32

    @Option(help: "Most sequences decoding together.")
    var batch: Int = EngineOptions.defaultMaxBatch

    @Flag(help: "Stop at the model's eos_token_id.")
    var stopAtEos = false

    @Flag(help: "Print load time, prefill and decode tokens/s, time to first token and state bytes.")
    var stats = false

    func validate() throws {
        // Checked before the model loads: prompt + max_new_tokens sizes every sequence's state.
        if let p = Limits.problem(maxNewTokens, 0...Limits.newTokens.upperBound) { throw ValidationError("--max-new-tokens \(p)") }
        if let p = Limits.problem(batch, Limits.batch) { throw ValidationError("--batch \(p)") }
        if prompt != nil && (input.ids != nil || input.idsFile != nil) { throw ValidationError("give --prompt or --ids/--ids-file, not both") }
    }

    func run() throws {
        // --tokenizer must hold one; else the model folder's, if it has one.
        let tok: (any Tokenizer)? = try tokenizer.map { try loadTokenizer(from: URL(fileURLWithPath: $0)) }
            ?? loadTokenizer(ifIn: URL(fileURLWithPath: model.model))
        let sequences: [[Int]]
        if let prompt {
            guard let tok else { throw ValidationError("--prompt needs a tokenizer: MODEL has no tokenizer.json; give --tokenizer DIR") }
            sequences = [tok.encode(prompt, addSpecialTokens: true)]
        } else {
            sequences = try input.sequences()
        }
        // The chunk need not exceed the prompts' tokens (the same chunks, a smaller workspace), nor
        // the batch the number of sequences.
        var options = engine.options()
        options.prefillChunk = min(options.prefillChunk, sequences.reduce(0) { $0 + $1.count })
        options.maxBatch = min(batch, sequences.count)
        // Planned before the weights load: `batch` sequences at the longest prompt + max_new_tokens.
        let loadStart = Date()
        let m = try model.load(shape: .init(sequences: options.maxBatch, context: sequences.map(\.count).max()! + maxNewTokens,
                                            chunk: options.prefillChunk, threads: options.threads))
        let loadSeconds = Date().timeIntervalSince(loadStart)
        let engine = Engine(model: m, options: options, detokenize: tok.map { t in { t.decode($0, skipSpecialTokens: true) } })
        let stops = stopAtEos ? Set(m.config.eosTokenIds) : []
        let results = try engine.generate(sequences.map { GenerateRequest(prompt: $0, maxNewTokens: maxNewTokens, stopTokens: stops) })
        for r in results {
            print(r.tokens.map(String.init).joined(separator: ","))
            if let text = r.text { print(text) }
        }
        if stats {
            let s = engine.stats
            let ttft = results.map(\.timeToFirstToken)
            // Opening, mapping and checking every weight (a checkpoint's pages are read from disk
            // here, or random weights made): what a user waits for before the first prefill.
            print(String(format: "load: %.3f s", loadSeconds) + " (\(m.weightBytes) bytes of weights)")
            print(String(format: "prefill: %d tokens in %.3f s = %.1f tokens/s", s.prefillTokens, s.prefillSeconds, s.prefillTokensPerSecond))
            print(String(format: "decode: %d tokens in %d steps, %.3f s = %.1f tokens/s", s.decodeTokens, s.decodeSteps, s.decodeSeconds, s.decodeTokensPerSecond))
            print(String(format: "time to first token: %.3f s (mean over %d sequences)", ttft.reduce(0, +) / Double(max(ttft.count, 1)), ttft.count))
            print("state bytes per sequence at the end: \(results.map(\.stateBytes).map(String.init).joined(separator: ", "))")
        }
        self.engine.printProfile(engine.context)
    }
}
