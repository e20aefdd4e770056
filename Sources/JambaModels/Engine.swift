import Dispatch
import Foundation
import JambaKernels

/// The one way into a model: chunked, packed prefill and batched greedy decode with sequences
/// joining and leaving between steps; results come back in request order. The engine owns the run
/// time (its options, the compute context the kernels run on, and the workspace sized once from
/// the options), so the model it runs is only weights, and may be shared.
public final class Engine {
    public let model: DecoderModel
    public let options: EngineOptions
    /// Threads and profiler every forward of this engine runs with.
    public let context: ComputeContext
    /// Activations of one forward, for up to options.workspaceRows packed rows.
    let workspace: Workspace
    /// Token ids → text, for stop strings and result text (the model's tokenizer).
    public var detokenize: (([Int]) -> String)?
    /// Time and tokens spent in prefill and in decode steps since creation (or the last reset).
    public var stats = EngineStats()

    /// Most tokens one forward call processes during prefill.
    public var prefillChunk: Int { options.prefillChunk }
    /// Most sequences decoding together.
    public var maxBatch: Int { options.maxBatch }

    /// - context: the compute context to run on (engines that share a profiler share one); by
    ///   default `options.makeContext()`. Either way its thread count becomes OpenBLAS's.
    public init(model: DecoderModel, options: EngineOptions = EngineOptions(), context: ComputeContext? = nil,
                detokenize: (([Int]) -> String)? = nil) {
        precondition(options.prefillChunk > 0 && options.maxBatch > 0 && options.threads > 0)
        let context = context ?? options.makeContext()
        precondition(context.threads == options.threads, "the context's threads are the options'")
        context.claimOpenBLAS()
        self.model = model; self.options = options; self.context = context; self.detokenize = detokenize
        workspace = Workspace(config: model.config, rows: options.workspaceRows, context: context)
    }

    /// One forward of the model in this engine's workspace and context.
    private func run(_ batch: PackedBatch, states: [SequenceState], logits: LogitRows) throws -> Logits {
        try model.forward(batch, states: states, logits: logits, workspace: workspace, context: context)
    }

    // MARK: One forward

    /// Full-sequence forward of independent sequences from fresh states, as one forward call (no
    /// chunking: `forward`'s .npy and the parity checks compare every position of it). Their
    /// tokens together must fit the workspace (options.workspaceRows).
    public func forward(sequences: [[Int]], logits which: LogitRows = .all) throws -> Logits {
        guard sequences.contains(where: { !$0.isEmpty }) else { throw ModelError.emptyBatch }
        let batch = PackedBatch(sequences)
        guard batch.rows <= workspace.rows else {
            throw ModelError.badRequest("\(batch.rows) tokens in one forward, but the engine's workspace holds \(workspace.rows) rows (raise the prefill chunk)")
        }
        let reserve = sequences.map(\.count).max() ?? 0
        let t0 = DispatchTime.now().uptimeNanoseconds
        let logits = try run(batch, states: sequences.map { _ in model.newState(reserve: reserve) }, logits: which)
        stats.prefillSeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        stats.prefillTokens += batch.rows
        return logits
    }

    /// One decode step: token i is read by sequence i (advancing its state), one forward of
    /// tokens.count rows; the logits of each sequence's next token, row i for sequence i. What
    /// `generate` does between admissions, and what the throughput probes time.
    public func decodeStep(_ tokens: [Int], states: [SequenceState]) throws -> Logits {
        precondition(tokens.count == states.count, "one state per token")
        guard tokens.count <= workspace.rows else {
            throw ModelError.badRequest("a decode step of \(tokens.count) sequences, but the engine's workspace holds \(workspace.rows) rows (raise max batch)")
        }
        let contexts = states.map(\.position), expertsBefore = workspace.expertsRun
        let t0 = DispatchTime.now().uptimeNanoseconds
        let logits = try run(PackedBatch(tokens.map { [$0] }), states: states, logits: .last)
        stats.decodeSeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        stats.decodeTokens += tokens.count
        stats.decodeSteps += 1
        stats.decodeBytes += model.decodeStepBytes(contexts: contexts, expertsRun: workspace.expertsRun - expertsBefore)
        return logits
    }

    // MARK: Prefill

    /// Feeds each sequence's tokens into its state, in packed chunks of at most `prefillChunk`
    /// tokens (a long sequence spans several chunks, short ones share one). For every position p
    /// listed in logitPositions[s], calls onLogits(s, p, logits after reading tokens[s][0...p]).
    public func prefill(_ tokens: [[Int]], states: [SequenceState], logitPositions: [[Int]],
                        onLogits: (Int, Int, UnsafeBufferPointer<Float>) throws -> Void) throws {
        precondition(tokens.count == states.count && tokens.count == logitPositions.count)
        // Every chunk of a prompt sees the prompt's full length (dynamic rotary scaling, as one
        // forward over the whole prompt would).
        for (s, state) in states.enumerated() { state.plannedLength = state.position + tokens[s].count }
        var wanted = logitPositions.map { Set($0) }
        var segments: [(seq: Int, start: Int, count: Int)] = []
        var used = 0
        func flush() throws {
            if segments.isEmpty { return }
            let batch = PackedBatch(segments.map { Array(tokens[$0.seq][$0.start..<($0.start + $0.count)]) })
            var rows: [Int] = [], owners: [(Int, Int)] = []
            for (i, seg) in segments.enumerated() {
                for p in seg.start..<(seg.start + seg.count) where wanted[seg.seq].contains(p) {
                    rows.append(batch.offsets[i] + p - seg.start)
                    owners.append((seg.seq, p))
                    wanted[seg.seq].remove(p)
                }
            }
            let t0 = DispatchTime.now().uptimeNanoseconds
            let logits = try run(batch, states: segments.map { states[$0.seq] }, logits: .rows(rows))
            stats.prefillSeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            stats.prefillTokens += batch.rows
            try logits.values.withUnsafeBufferPointer { all in
                let v = logits.vocabularySize
                for (i, (s, p)) in owners.enumerated() {
                    try onLogits(s, p, UnsafeBufferPointer(rebasing: all[(i * v)..<((i + 1) * v)]))
                }
            }
            segments.removeAll(keepingCapacity: true)
            used = 0
        }
        for (s, seq) in tokens.enumerated() {
            var start = 0
            while start < seq.count {
                let take = min(prefillChunk - used, seq.count - start)
                segments.append((s, start, take))
                used += take
                start += take
                if used == prefillChunk { try flush() }
            }
        }
        try flush()
        for (s, left) in wanted.enumerated() where !left.isEmpty {
            throw ModelError.badRequest("sequence \(s): logit positions \(left.sorted()) are outside its \(tokens[s].count) tokens")
        }
    }

    // MARK: Generate

    private final class Active {
        let index: Int
        let request: GenerateRequest
        let state: SequenceState
        let started: UInt64
        var tokens: [Int] = []
        var firstTokenAt: UInt64 = 0
        /// Set when a logits row of this sequence held NaN or ±Inf (it then finishes at once).
        var nonFinite = false
        init(index: Int, request: GenerateRequest, state: SequenceState, started: UInt64) {
            self.index = index; self.request = request; self.state = state; self.started = started
        }
    }

    /// Greedy generation for every request, up to `maxBatch` decoding at once; new requests are
    /// prefilled and join between decode steps as others finish.
    public func generate(_ requests: [GenerateRequest]) throws -> [GenerateResult] {
        for (i, r) in requests.enumerated() {
            if r.prompt.isEmpty { throw ModelError.badRequest("generate request \(i): empty prompt") }
            if !r.stopStrings.isEmpty && detokenize == nil {
                throw ModelError.badRequest("generate request \(i): stop strings need a tokenizer to decode with")
            }
        }
        var results = [GenerateResult?](repeating: nil, count: requests.count)
        var pending = requests.indices.reversed().map { $0 }   // popLast gives request order
        var active: [Active] = []
        while !pending.isEmpty || !active.isEmpty {
            // Admit waiting requests into free slots: one packed, chunked prefill for all of them.
            var joiners: [Active] = []
            while active.count + joiners.count < maxBatch, let i = pending.popLast() {
                let r = requests[i]
                if r.maxNewTokens <= 0 {
                    results[i] = GenerateResult(tokens: [], text: detokenize.map { _ in "" }, finishReason: .length, timeToFirstToken: 0, stateBytes: 0)
                    continue
                }
                joiners.append(Active(index: i, request: r, state: model.newState(reserve: r.prompt.count + r.maxNewTokens),
                                      started: DispatchTime.now().uptimeNanoseconds))
            }
            if !joiners.isEmpty {
                try prefill(joiners.map(\.request.prompt), states: joiners.map(\.state),
                            logitPositions: joiners.map { [$0.request.prompt.count - 1] }) { s, _, logits in
                    joiners[s].tokens.append(Softmax.argmax(logits.baseAddress!, count: logits.count))
                    if !NonFinite.allFinite(logits.baseAddress!, logits.count) { joiners[s].nonFinite = true }
                }
                let now = DispatchTime.now().uptimeNanoseconds
                for j in joiners {
                    j.firstTokenAt = now
                    if let done = finished(j) { results[j.index] = done } else { active.append(j) }
                }
            }
            if active.isEmpty { continue }
            // One decode step for every active sequence: each projection is one GEMM over B rows.
            let logits = try decodeStep(active.map { $0.tokens.last! }, states: active.map(\.state))
            for (row, a) in active.enumerated() {
                a.tokens.append(logits.argmax(row: row))
                logits.values.withUnsafeBufferPointer { v in
                    if !NonFinite.allFinite(v.baseAddress! + row * logits.vocabularySize, logits.vocabularySize) { a.nonFinite = true }
                }
            }
            active.removeAll { a in
                guard let done = finished(a) else { return false }
                results[a.index] = done
                return true
            }
        }
        return results.map { $0! }
    }

    /// The result if `a` has just finished, else nil.
    private func finished(_ a: Active) -> GenerateResult? {
        let r = a.request
        let ttft = Double(a.firstTokenAt - a.started) / 1e9
        let last = a.tokens.last!
        if a.nonFinite {
            return GenerateResult(tokens: a.tokens, text: detokenize?(a.tokens), finishReason: .nonFiniteLogits,
                                  timeToFirstToken: ttft, stateBytes: a.state.bytes)
        }
        if r.stopTokens.contains(last) {
            return GenerateResult(tokens: a.tokens, text: detokenize?(Array(a.tokens.dropLast())), finishReason: .stopToken,
                                  timeToFirstToken: ttft, stateBytes: a.state.bytes)
        }
        if !r.stopStrings.isEmpty, let detokenize {
            let text = detokenize(a.tokens)
            let cuts = r.stopStrings.compactMap { text.range(of: $0)?.lowerBound }
            if let cut = cuts.min() {
                return GenerateResult(tokens: a.tokens, text: String(text[..<cut]), finishReason: .stopString,
                                      timeToFirstToken: ttft, stateBytes: a.state.bytes)
            }
        }
        if a.tokens.count >= r.maxNewTokens {
            return GenerateResult(tokens: a.tokens, text: detokenize?(a.tokens), finishReason: .length,
                                  timeToFirstToken: ttft, stateBytes: a.state.bytes)
        }
        return nil
    }

    // MARK: Scoring

    /// Σ log p(continuation | context) and whether the continuation is the greedy one, with up to
    /// `maxBatch` requests sharing each packed prefill.
    public func loglikelihood(_ requests: [LoglikelihoodRequest]) throws -> [LoglikelihoodResult] {
        for (i, r) in requests.enumerated() where r.context.isEmpty || r.continuation.isEmpty {
            throw ModelError.badRequest("loglikelihood request \(i): context and continuation must each hold at least one token")
        }
        var results: [LoglikelihoodResult] = []
        for group in stride(from: 0, to: requests.count, by: maxBatch).map({ requests[$0..<min($0 + maxBatch, requests.count)] }) {
            let reqs = Array(group)
            let seqs = reqs.map { $0.context + $0.continuation }
            var partial = reqs.map { LoglikelihoodResult(logprob: 0, isGreedy: true, tokenLogprobs: Array(repeating: 0, count: $0.continuation.count)) }
            try prefill(seqs, states: seqs.map { model.newState(reserve: $0.count) },
                        logitPositions: reqs.map { Array(($0.context.count - 1)..<($0.context.count + $0.continuation.count - 1)) }) { s, p, logits in
                let i = p - (reqs[s].context.count - 1)
                let target = reqs[s].continuation[i]
                let lp = Double(logits[target]) - Softmax.logSumExp(logits.baseAddress!, count: logits.count)
                partial[s].tokenLogprobs[i] = lp
                if !NonFinite.allFinite(logits.baseAddress!, logits.count) { partial[s].nonFiniteLogits = true }
                if Softmax.argmax(logits.baseAddress!, count: logits.count) != target { partial[s].isGreedy = false }
            }
            for i in partial.indices { partial[i].logprob = partial[i].tokenLogprobs.reduce(0, +) }
            results += partial
        }
        return results
    }

    /// Greedy predictions at the requested positions of each sequence, compared with the targets.
    public func positions(_ requests: [PositionsRequest]) throws -> [PositionsResult] {
        for (i, r) in requests.enumerated() {
            if r.ids.isEmpty { throw ModelError.badRequest("positions request \(i): no ids") }
            for t in r.targets where t.position < 0 || t.position >= r.ids.count {
                throw ModelError.badRequest("positions request \(i): position \(t.position) is outside its \(r.ids.count) ids")
            }
        }
        var results: [PositionsResult] = []
        for start in stride(from: 0, to: requests.count, by: maxBatch) {
            let reqs = Array(requests[start..<min(start + maxBatch, requests.count)])
            var predicted = reqs.map { [Int: Int](minimumCapacity: $0.targets.count) }
            var nonFinite = reqs.map { _ in false }
            try prefill(reqs.map(\.ids), states: reqs.map { model.newState(reserve: $0.ids.count) },
                        logitPositions: reqs.map { $0.targets.map(\.position) }) { s, p, logits in
                predicted[s][p] = Softmax.argmax(logits.baseAddress!, count: logits.count)
                if !NonFinite.allFinite(logits.baseAddress!, logits.count) { nonFinite[s] = true }
            }
            for (s, r) in reqs.enumerated() {
                let preds = r.targets.map { predicted[s][$0.position]! }
                results.append(PositionsResult(predictions: preds, correct: zip(preds, r.targets).map { $0 == $1.token },
                                               nonFiniteLogits: nonFinite[s]))
            }
        }
        return results
    }
}

/// Where an engine's time went: prefill (tokens read) versus decode (tokens written).
public struct EngineStats: Sendable, Codable {
    public var prefillTokens = 0
    public var prefillSeconds = 0.0
    public var decodeTokens = 0
    public var decodeSteps = 0
    public var decodeSeconds = 0.0
    /// Bytes the decode steps had to read (`DecoderModel.decodeStepBytes`: weights once per step,
    /// each expert the step routed to once, every sequence's KV cache).
    public var decodeBytes = 0.0

    public init() {}
    public var prefillTokensPerSecond: Double { prefillSeconds > 0 ? Double(prefillTokens) / prefillSeconds : 0 }
    public var decodeTokensPerSecond: Double { decodeSeconds > 0 ? Double(decodeTokens) / decodeSeconds : 0 }
}
