import Foundation
import JambaKernels
import JambaSupport

/// The memory a run will take, computed from the configuration before anything is allocated:
/// the weights in the dtype they will be held in, the state of every sequence at the longest
/// context asked for, and the prefill scratch for the chunk. `check` compares it with what the
/// machine (or the cgroup) has left, so a run that cannot fit stops with both numbers and what to
/// change instead of being killed by the OOM killer minutes in.
public struct MemoryPlan: Sendable, Equatable {
    public let weightBytes: Int
    /// How the weights are held ("float32 (random weights)", "bf16 as stored").
    public let weights: String
    /// True when the weights are Float32 but could be halved (random weights, or a folder that a
    /// BF16 `init --dtype bf16` would write): the first thing an error suggests.
    public let weightsCouldBeHalved: Bool
    public let stateBytes: Int
    public let scratchBytes: Int
    public let sequences: Int
    public let context: Int
    public let chunk: Int
    public let threads: Int
    public let totalBytes: Int

    /// What a run will hold at once: `sequences` states of up to `context` tokens, prefilled in
    /// chunks of `chunk` rows by an engine of `threads` threads (each has its attention scratch).
    public struct Shape: Sendable, Equatable {
        public var sequences: Int, context: Int, chunk: Int, threads: Int
        public init(sequences: Int, context: Int, chunk: Int, threads: Int = EngineOptions.defaultThreads) {
            self.sequences = sequences; self.context = context; self.chunk = chunk; self.threads = threads
        }
        /// Loading alone: the weights, one sequence's fixed state, one row of scratch.
        public static let weightsOnly = Shape(sequences: 1, context: 1, chunk: 1, threads: 1)
    }

    /// - sequences, context: the batch held at once and the tokens each holds at most.
    /// - chunk: the prefill chunk (packed rows of one forward).
    /// - threads: the engine's threads (EngineOptions.threads).
    /// - matrixElementBytes: 4 for Float32 weights, 2 for BF16 or F16 read as stored.
    public init(config c: ModelConfiguration, file: String, matrixElementBytes: Int, weights: String,
                sequences: Int, context: Int, chunk: Int, threads: Int = EngineOptions.defaultThreads) throws {
        func overflow(_ field: String) -> ModelError {
            .configField(file: file, field: field, reason: "the memory this run needs overflows 64-bit arithmetic")
        }
        weightBytes = try c.weightBytes(file: file, matrixElementBytes: matrixElementBytes)
        self.weights = weights
        weightsCouldBeHalved = matrixElementBytes == 4
        guard let perSequence = c.stateBytes(context: context) else { throw overflow("context × kv bytes per token") }
        let (state, o1) = perSequence.multipliedReportingOverflow(by: max(1, sequences))
        if o1 { throw overflow("batch × state bytes") }
        stateBytes = state
        let rows = max(1, min(chunk, max(1, sequences) * max(1, context)))
        guard let scratch = Self.scratchBytes(c, rows: rows, sequences: max(1, sequences), threads: max(1, threads),
                                              halfWeights: matrixElementBytes < 4) else {
            throw overflow("prefill chunk × hidden_size")
        }
        scratchBytes = scratch
        let (sum1, o2) = weightBytes.addingReportingOverflow(stateBytes)
        let (sum2, o3) = sum1.addingReportingOverflow(scratchBytes)
        if o2 || o3 { throw overflow("weights + state") }
        totalBytes = sum2
        self.sequences = sequences; self.context = context; self.chunk = chunk; self.threads = threads
    }

    /// The forward's scratch for `rows` packed rows (the Workspace's buffers), the attention
    /// blocks of each thread, one logits row per sequence, and with 16-bit weights the widest
    /// Float32 panel.
    static func scratchBytes(_ c: ModelConfiguration, rows: Int, sequences: Int, threads: Int, halfWeights: Bool) -> Int? {
        let d = c.hiddenSize, di = c.dInner, attn = c.numAttentionHeads * c.headDim, kv = c.numKeyValueHeads * c.headDim
        let perRow = 4 * d + 5 * di + c.dtRank + 2 * c.mambaDState + 2 * attn + 2 * kv + c.headDim
            + 2 * c.intermediateSize + c.numExperts + 4 * c.numExpertsPerTok
        let (activations, o1) = perRow.multipliedReportingOverflow(by: rows)
        let (logits, o2) = c.vocabSize.multipliedReportingOverflow(by: sequences)
        let widest = max(d, di, attn, c.intermediateSize)
        let panel = halfWeights ? PanelGEMM.scratchBytes(n: max(c.vocabSize, widest), k: widest) / 4 : 0
        let floats = [activations, logits, panel, CausalAttention.scratchCount(heads: c.numAttentionHeads, headDim: c.headDim, parts: threads)]
        var total = 0
        for f in floats {
            let (t, o) = total.addingReportingOverflow(f)
            if o { return nil }
            total = t
        }
        let (bytes, o3) = total.multipliedReportingOverflow(by: 4)
        return o1 || o2 || o3 ? nil : bytes
    }

    /// Throws `ModelError.insufficientMemory` when the plan needs more than `available`.
    public func check(_ available: AvailableMemory = .current(), file: String, notes: [String] = []) throws {
        if totalBytes > available.bytes { throw ModelError.insufficientMemory(file: file, plan: self, available: available, notes: notes) }
    }

    /// "weights 1.9 GiB (float32) + state 0.3 GiB (8 × 32,768 tokens) + scratch 0.2 GiB (chunk 2048)".
    public var breakdown: String {
        "weights \(Self.gib(weightBytes)) (\(weights)) + state \(Self.gib(stateBytes)) (\(sequences) × \(context) tokens)"
            + " + scratch \(Self.gib(scratchBytes)) (prefill chunk \(chunk)) = \(Self.gib(totalBytes))"
    }

    /// What to change, largest share first.
    public var advice: String {
        var out: [(Int, String)] = []
        if weightsCouldBeHalved { out.append((weightBytes / 2, "BF16 weights (jamba-eval init --dtype bf16, or a BF16 checkpoint) halve the weights")) }
        if sequences > 1 { out.append((stateBytes, "a smaller batch (now \(sequences))")) }
        if context > 1 { out.append((stateBytes, "a shorter context (now \(context) tokens)")) }
        if chunk > 256 { out.append((scratchBytes, "a smaller prefill chunk (now \(chunk))")) }
        let ranked = out.sorted { $0.0 > $1.0 }.map(\.1)
        return ranked.isEmpty ? "a machine with more memory" : ranked.joined(separator: "; ")
    }

    /// The longest context one sequence can hold in `available` with the weights at
    /// `matrixElementBytes` and prefill chunks of `chunk`: nil when the state does not grow with
    /// context (no attention layer, or a sliding window that fits), 0 when even one token does not fit.
    public static func longestContext(_ c: ModelConfiguration, file: String, matrixElementBytes: Int,
                                      available: AvailableMemory, chunk: Int,
                                      threads: Int = EngineOptions.defaultThreads) throws -> Int? {
        func fits(_ context: Int) throws -> Bool {
            try MemoryPlan(config: c, file: file, matrixElementBytes: matrixElementBytes, weights: "",
                           sequences: 1, context: context, chunk: chunk, threads: threads).totalBytes <= available.bytes
        }
        // From a full chunk on, the scratch is constant and each token adds its KV bytes.
        let full = max(1, chunk)
        if try fits(full) {
            let perToken = c.kvBytesPerToken
            if perToken == 0 { return nil }
            let base = try MemoryPlan(config: c, file: file, matrixElementBytes: matrixElementBytes, weights: "",
                                      sequences: 1, context: full, chunk: chunk, threads: threads)
            let tokens = full + (available.bytes - base.totalBytes) / perToken
            if let w = c.attentionWindow, tokens >= 2 * w { return nil }
            return tokens
        }
        // Shorter than a chunk: the scratch shrinks with the prompt, so search.
        var lo = 0, hi = full
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if try fits(mid) { lo = mid } else { hi = mid }
        }
        return lo
    }

    public static func gib(_ bytes: Int) -> String { String(format: "%.2f GiB", Double(bytes) / Double(1 << 30)) }
}
