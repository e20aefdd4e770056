import Foundation
import JambaCheckpoint
import JambaKernels
import JambaModels
import JambaSupport

/// One measured run for the claims benchmark, meant to be the only work of a fresh process (its
/// peak resident set, VmHWM, is the run's): load the model, reserve `batch` states for `context`
/// tokens plus the decode steps, prefill one sequence of `context` tokens through the engine in
/// chunks, fill the other batch − 1 states from it (the memory of `batch` distinct prompts, the
/// prefill of one), then decode `steps` tokens for all of them at once.
///
/// Everything that grows with the run is allocated before the prefill (the scratch for the
/// largest forward, the states with their full KV capacity, zero-filled and so resident), so the
/// peak is known early: the run stops as soon as its measured peak passes the budget, and a probe
/// that does not fit costs a model load, not a prefill.
public enum ClaimsProbe {
    public struct Spec: Codable, Sendable, Equatable {
        /// A config.json (seeded random weights) or a checkpoint folder.
        public var model: String
        public var seed: UInt64
        /// Prompt tokens per sequence.
        public var context: Int
        public var batch: Int
        /// Timed decode steps after one untimed warm-up step.
        public var steps: Int
        /// Timed rounds of `steps` a session may ask for; the states have room for all of them
        /// (a run without a session times one).
        public var repetitions: Int
        public var budgetBytes: Int
        public var chunk: Int
        public var threads: Int

        public init(model: String, seed: UInt64, context: Int, batch: Int, steps: Int, repetitions: Int = 1, budgetBytes: Int,
                    chunk: Int, threads: Int) {
            self.model = model; self.seed = seed; self.context = context; self.batch = batch; self.steps = steps
            self.repetitions = repetitions; self.budgetBytes = budgetBytes; self.chunk = chunk; self.threads = threads
        }

        enum CodingKeys: String, CodingKey {
            case model, seed, context, batch, steps, repetitions, chunk, threads
            case budgetBytes = "budget_bytes"
        }

        /// Tokens each state is reserved for: the prompt, the warm-up step and every timed round.
        public var reservedTokens: Int { context + 1 + max(1, repetitions) * steps }
    }

    /// How far a run got: each stage is done when its peak is read (a run stopped during the
    /// prefill reports `allocated` and how many prompt tokens it read).
    public enum Stage: String, Codable, Sendable, Comparable {
        case loaded, allocated, prefilled, filled, decoded

        public static func < (a: Stage, b: Stage) -> Bool { order.firstIndex(of: a)! < order.firstIndex(of: b)! }
        static let order: [Stage] = [.loaded, .allocated, .prefilled, .filled, .decoded]
    }

    public struct Result: Codable, Sendable, Equatable {
        /// VmHWM when the run ended (or stopped).
        public var peakBytes: Int
        /// The whole run finished with its peak within the budget.
        public var fits: Bool
        /// The last stage finished.
        public var stage: Stage
        public var prefillSeconds: Double
        public var decodeSeconds: Double
        /// batch × steps when decoded, else 0.
        public var decodeTokens: Int
        /// The run, from the start of the model load.
        public var seconds: Double
        /// The model's sizes, as the loaded model counts them.
        public var sizes: ModelSizes?
        /// The peak once the states were allocated, before any prefill.
        public var allocatedPeakBytes: Int?
        /// Prompt tokens read when the run ended or stopped.
        public var prefilledTokens: Int?

        public init(peakBytes: Int, fits: Bool, stage: Stage, prefillSeconds: Double = 0, decodeSeconds: Double = 0,
                    decodeTokens: Int = 0, seconds: Double = 0, sizes: ModelSizes? = nil) {
            self.peakBytes = peakBytes; self.fits = fits; self.stage = stage; self.prefillSeconds = prefillSeconds
            self.decodeSeconds = decodeSeconds; self.decodeTokens = decodeTokens; self.seconds = seconds
            self.sizes = sizes
        }

        public var tokensPerSecond: Double { decodeSeconds > 0 ? Double(decodeTokens) / decodeSeconds : 0 }

        enum CodingKeys: String, CodingKey {
            case fits, stage, seconds, sizes
            case peakBytes = "peak_bytes"
            case prefillSeconds = "prefill_seconds"
            case decodeSeconds = "decode_seconds"
            case decodeTokens = "decode_tokens"
            case allocatedPeakBytes = "allocated_peak_bytes"
            case prefilledTokens = "prefilled_tokens"
        }
    }

    /// What the computed estimate is made of, as the engine holds the model (BF16 and F16 matrices
    /// as stored, the rest Float32).
    public struct ModelSizes: Codable, Sendable, Equatable {
        public var parameters: Int
        public var activeParameters: Int
        public var weightBytes: Int
        /// Per sequence, whatever the context (the Mamba layers' conv and SSM states).
        public var fixedStateBytes: Int
        /// Per sequence and token (K and V of every attention layer).
        public var kvBytesPerToken: Int
        /// A sliding window (Mistral) caps the cache at 2W rows.
        public var attentionWindow: Int?
        /// One row of Float32 logits: a decode step of B sequences holds B of them.
        public var logitsBytesPerSequence: Int

        public init(parameters: Int, activeParameters: Int, weightBytes: Int, fixedStateBytes: Int, kvBytesPerToken: Int,
                    attentionWindow: Int? = nil, logitsBytesPerSequence: Int = 0) {
            self.parameters = parameters; self.activeParameters = activeParameters; self.weightBytes = weightBytes
            self.fixedStateBytes = fixedStateBytes; self.kvBytesPerToken = kvBytesPerToken; self.attentionWindow = attentionWindow
            self.logitsBytesPerSequence = logitsBytesPerSequence
        }

        public init(_ m: DecoderModel) {
            self.init(parameters: m.parameterCount, activeParameters: m.activeParameterCount, weightBytes: m.weightBytes,
                      fixedStateBytes: m.fixedStateBytes, kvBytesPerToken: m.kvBytesPerToken, attentionWindow: m.attentionWindow,
                      logitsBytesPerSequence: 4 * m.config.vocabSize)
        }

        /// Cached rows of a sequence reserved for `tokens` tokens.
        public func cachedRows(_ tokens: Int) -> Int { attentionWindow.map { min(tokens, 2 * $0) } ?? tokens }

        /// One sequence's state reserved for `tokens` tokens.
        public func stateBytes(tokens: Int) -> Int { fixedStateBytes + kvBytesPerToken * cachedRows(tokens) }

        /// Weights plus `batch` sequences' states reserved for `tokens` tokens each.
        public func bytes(batch: Int, tokens: Int) -> Int { weightBytes + batch * stateBytes(tokens: tokens) }

        enum CodingKeys: String, CodingKey {
            case parameters
            case activeParameters = "active_parameters"
            case weightBytes = "weight_bytes"
            case fixedStateBytes = "fixed_state_bytes"
            case kvBytesPerToken = "kv_bytes_per_token"
            case attentionWindow = "attention_window"
            case logitsBytesPerSequence = "logits_bytes_per_sequence"
        }
    }

    /// The prompt: fixed pseudo-random ids (the same for every model with this vocabulary).
    static func prompt(_ n: Int, vocabulary v: Int) -> [Int] { (0..<n).map { ($0 &* 31 &+ 3) % v } }

    /// Runs `spec` in this process. `peak` reads the process's peak resident bytes (VmHWM).
    /// With a `session`, the run is held after the warm-up decode step and the session calls its
    /// argument for each timed round (at most spec.repetitions), so several models' runs can be
    /// timed in turns; without one, it times one round.
    public static func run(_ spec: Spec, peak: () -> Int = { ProcFS.peakResidentBytes },
                           session: ((_ timedRound: () throws -> Double) throws -> Void)? = nil) throws -> Result {
        precondition(spec.context > 0 && spec.batch > 0 && spec.steps >= 0 && spec.chunk > 0)
        let t0 = DispatchTime.now().uptimeNanoseconds
        func elapsed(_ since: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - since) / 1e9 }
        var result = Result(peakBytes: 0, fits: false, stage: .loaded)
        /// Records the stage; false when the peak has passed the budget (the run stops there).
        func reached(_ stage: Stage) -> Bool {
            result.stage = stage
            result.peakBytes = peak()
            result.seconds = elapsed(t0)
            return result.peakBytes <= spec.budgetBytes
        }

        let model = try DecoderModel.load(path: URL(fileURLWithPath: spec.model), seed: spec.seed)
        let v = model.config.vocabSize
        result.sizes = ModelSizes(model)
        // The engine's workspace is the scratch for the largest forward of the run (a prefill
        // chunk or the decode batch); then one chunk goes through a throwaway state, so what the
        // first forward of a chunk sets up (OpenBLAS buffers, worker threads: about 2 MiB) is
        // resident before the states are allocated and the allocated peak is close to the run's.
        let rows = min(spec.chunk, spec.context)
        let engine = Engine(model: model, options: EngineOptions(threads: spec.threads, prefillChunk: rows, maxBatch: spec.batch))
        try engine.prefill([prompt(rows, vocabulary: v)], states: [model.newState(reserve: rows)], logitPositions: [[rows - 1]]) { _, _, _ in }
        let tokens = prompt(spec.context, vocabulary: v)
        guard reached(.loaded) else { return result }

        let states = (0..<spec.batch).map { _ in model.newState(reserve: spec.reservedTokens) }
        guard reached(.allocated) else { return result }
        result.allocatedPeakBytes = result.peakBytes

        // The prompt goes through the engine one chunk per call (what one call does chunk by chunk;
        // only dynamic rotary scaling would see each chunk's end as the length), so the peak can be
        // read after each: a run that outgrows the budget stops there.
        var first = 0
        let tp = DispatchTime.now().uptimeNanoseconds
        let trace = ProcessInfo.processInfo.environment["JAMBA_EVAL_CLAIMS_TRACE"] != nil
        for start in stride(from: 0, to: spec.context, by: spec.chunk) {
            let end = min(start + spec.chunk, spec.context)
            let last = end == spec.context
            try engine.prefill([Array(tokens[start..<end])], states: [states[0]], logitPositions: [last ? [end - start - 1] : []]) { _, _, logits in
                first = Softmax.argmax(logits.baseAddress!, count: logits.count)
            }
            result.prefilledTokens = end
            if trace { FileHandle.standardError.write("prefilled \(end): peak \(peak()) rss \(ProcFS.selfStatusBytes("VmRSS:") ?? 0)\n".data(using: .utf8)!) }
            if !last {
                result.prefillSeconds = elapsed(tp)
                guard reached(.allocated) else { return result }
            }
        }
        result.prefillSeconds = elapsed(tp)
        guard reached(.prefilled) else { return result }

        for s in states.dropFirst() { s.fill(from: states[0]) }
        guard reached(.filled) else { return result }

        // Decode as Engine.generate does: the engine's decode step, one forward of B rows, greedy.
        var next = [Int](repeating: first, count: spec.batch)
        func step() throws {
            let logits = try engine.decodeStep(next, states: states)
            next = (0..<spec.batch).map { logits.argmax(row: $0) }
        }
        try step()
        var rounds = 0
        /// One timed round of `steps` steps; its seconds.
        func timedRound() throws -> Double {
            guard rounds < max(1, spec.repetitions) else {
                throw RunError.model(name: spec.model, reason: "more than \(spec.repetitions) timed rounds: the states have no room for them")
            }
            rounds += 1
            let td = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<spec.steps { try step() }
            let seconds = elapsed(td)
            result.decodeSeconds += seconds
            result.decodeTokens += spec.batch * spec.steps
            return seconds
        }
        if let session { try session(timedRound) } else { _ = try timedRound() }
        result.fits = reached(.decoded)
        withExtendedLifetime(states) {}
        return result
    }
}
