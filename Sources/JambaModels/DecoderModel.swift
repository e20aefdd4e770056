import Foundation
import JambaCheckpoint
import JambaKernels
import JambaSupport

/// Logits for the rows a forward was asked for, [rows, vocab] row-major. With `.all`, row r is
/// packed row r (sequence s, position t at offsets[s] + t); with `.last`, row s is sequence s's
/// last position.
public struct Logits: Sendable {
    public let rows: Int
    public let vocabularySize: Int
    public var values: [Float]

    public func row(_ r: Int) -> ArraySlice<Float> { values[(r * vocabularySize)..<((r + 1) * vocabularySize)] }

    /// Greedy choice for row r (the first maximum on ties, as torch.argmax).
    public func argmax(row r: Int) -> Int {
        values.withUnsafeBufferPointer { Softmax.argmax($0.baseAddress! + r * vocabularySize, count: vocabularySize) }
    }
}

/// A decoder model ready to run (Jamba, Llama, Mistral or Mixtral: one skeleton, the layer kinds
/// from the configuration): weights resolved from a TensorSource into typed layers, and nothing
/// else. It holds no scratch and no run-time settings, so once loaded it is immutable and several
/// engines may share it; each forward runs in the workspace and compute context of the `Engine`
/// that calls it.
public final class DecoderModel {
    public let config: ModelConfiguration
    public let plans: [LayerPlan]
    let embedding: Tensor     // [V, d]
    let layers: [DecoderLayer]
    let finalNorm: Tensor     // [d]
    let lmHead: Tensor        // [V, d]; the embedding itself when tie_word_embeddings
    /// Rotary positions of the attention layers (nil for Jamba, whose attention has none).
    let rotary: RotaryPositions?
    /// 2 × the weights one token multiplies through (ModelFLOPs), counted once from the schema.
    public let linearFLOPsPerToken: Double
    /// Weight elements of a decode step outside the experts, and of one expert (ModelFLOPs).
    let decodeWeights: (dense: Double, perExpert: Double)
    /// Keeps mapped files alive as long as the model reads them.
    public let source: TensorSource
    /// Things worth a look that do not stop a run: config.json keys no architecture reads.
    public internal(set) var warnings: [String] = []

    public init(config: ModelConfiguration, source: TensorSource) throws {
        self.config = config
        self.source = source
        plans = config.layers
        let v = config.vocabSize, d = config.hiddenSize, names = config.architecture.schema
        rotary = config.rotary
        linearFLOPsPerToken = Self.linearFLOPsPerToken(config)
        decodeWeights = Self.decodeWeightElements(config)
        do {
            embedding = try source.matrix(names.embedding, shape: [v, d])
            layers = try plans.map { try DecoderLayer(source, plan: $0, config: config) }
            finalNorm = try source.tensor(names.finalNorm, shape: [d])
            lmHead = config.tieWordEmbeddings ? embedding : try source.matrix(names.lmHead, shape: [v, d])
        } catch let e as CheckpointError {
            throw ModelError.checkpoint(e)
        }
    }

    /// What every command calls a model: a checkpoint folder, or a config.json file that gets
    /// seeded random weights, planned and checked (PreparedModel) before any weight is allocated.
    public static func load(path: URL, seed: UInt64, shape: MemoryPlan.Shape = .weightsOnly,
                            available: AvailableMemory? = nil) throws -> DecoderModel {
        try PreparedModel(path: path, seed: seed, shape: shape, available: available).load()
    }

    /// A config.json with seeded random weights (RandomWeights, Float32 in memory).
    public static func random(config file: URL, seed: UInt64, shape: MemoryPlan.Shape = .weightsOnly,
                              available: AvailableMemory? = nil) throws -> DecoderModel {
        try PreparedModel(config: file, seed: seed, shape: shape, available: available).load()
    }

    /// Loads config.json and the safetensors of a Hugging Face folder (headers read and checked,
    /// data mapped; BF16 and F16 matrices are read as stored).
    public static func load(folder: URL, shape: MemoryPlan.Shape = .weightsOnly, available: AvailableMemory? = nil) throws -> DecoderModel {
        try PreparedModel(folder: folder, shape: shape, available: available).load()
    }

    static func plan(_ config: ModelConfiguration, file: String, matrixElementBytes: Int, weights: String,
                     shape: MemoryPlan.Shape) throws -> MemoryPlan {
        try MemoryPlan(config: config, file: file, matrixElementBytes: matrixElementBytes, weights: weights,
                       sequences: shape.sequences, context: shape.context, chunk: shape.chunk, threads: shape.threads)
    }

    /// The plan of a run of `shape` on this (loaded) model: its weights as held, state and scratch.
    public func memoryPlan(_ shape: MemoryPlan.Shape) throws -> MemoryPlan {
        let half = embedding.dtype != .f32
        return try Self.plan(config, file: source.origin, matrixElementBytes: half ? 2 : 4,
                             weights: half ? "\(embedding.dtype.rawValue) as stored" : "float32", shape: shape)
    }

    /// A fresh per-sequence state (zero conv and SSM states, empty caches), with room for
    /// `reserve` cached tokens in every attention layer.
    public func newState(reserve: Int = 0) -> SequenceState {
        let c = config
        return SequenceState(layers: plans.map { plan in
            switch plan.mixer {
            case .attention:
                return .attention(KVCache(width: c.numKeyValueHeads * c.headDim, capacity: reserve, window: c.attentionWindow))
            case .mamba: return .mamba(MambaState(kernel: c.mambaDConv, channels: c.dInner, states: c.mambaDState))
            }
        })
    }

    /// Runs the packed rows through the model, each sequence continuing from its state (which it
    /// advances), and returns logits for the requested rows. The engine's workspace holds the
    /// activations (it must have room for the batch's rows) and its context says how work fans out.
    func forward(_ batch: PackedBatch, states: [SequenceState], logits which: LogitRows,
                 workspace ws: Workspace, context: ComputeContext) throws -> Logits {
        precondition(states.count == batch.count, "one state per sequence")
        precondition(batch.rows <= ws.rows, "\(batch.rows) rows in a workspace of \(ws.rows)")
        let v = config.vocabSize, d = config.hiddenSize
        for s in 0..<batch.count {
            for t in 0..<batch.lengths[s] {
                let id = batch.tokens[batch.offsets[s] + t]
                if id < 0 || id >= v { throw ModelError.tokenOutOfRange(sequence: s, position: t, token: id, vocabularySize: v) }
            }
        }
        let h = ws.hidden.pointer
        // embed_tokens
        for (r, id) in batch.tokens.enumerated() { embedding.data.widen(into: h + r * d, from: id * d, count: d) }
        if let rotary {
            // Rotary angles of every row, once for all layers: sequence s's rows sit at positions
            // state.position + t (LlamaRotaryEmbedding; dynamic scaling uses the planned length).
            let half = config.headDim / 2
            for s in 0..<batch.count where batch.lengths[s] > 0 {
                let state = states[s], o = batch.offsets[s]
                let length = max(state.plannedLength, state.position + batch.lengths[s])
                Rotary.fillTable(cos: ws.ropeCos.pointer + o * half, sin: ws.ropeSin.pointer + o * half,
                                 inverseFrequencies: rotary.inverseFrequencies(length: length),
                                 firstPosition: state.position, rows: batch.lengths[s])
            }
        }
        // A decode step (one to eight rows) runs on the engine's own kernels: every product is a
        // SkinnyGEMM (or HalfSkinnyGEMM for 16-bit weights) on SpinTeam, one row included, and
        // OpenBLAS, left with nothing but small products, stays on this thread so its pool does not
        // wake and spin beside them (measured: +20% at batch 8 on 2 cores). One Float32 row used to
        // stay OpenBLAS's threaded sgemv; since SkinnyGEMM asks for the next weight rows ahead it
        // reads faster than sgemv (Zen 4, jamba-mini tg64, 7 interleaved rounds: 35.3 against 32.2
        // tokens/s).
        let engineKernels = batch.rows <= SkinnyGEMM.maxRows
        if engineKernels {
            context.withEngineKernels { step in for layer in layers { layer.forward(batch: batch, states: states, ws: ws, context: step) } }
        } else {
            for layer in layers { layer.forward(batch: batch, states: states, ws: ws, context: context) }
        }
        for (s, state) in states.enumerated() { state.position += batch.lengths[s] }
        // final_layernorm and lm_head, on the rows asked for only.
        let rows = which.resolve(batch)
        precondition(rows.count <= batch.rows, "more logit rows than rows in the batch")
        let x = ws.normed.pointer
        for (i, r) in rows.enumerated() {
            precondition(r >= 0 && r < batch.rows, "logit row \(r) outside the batch")
            RMSNorm.apply(x + i * d, ldOut: d, h + r * d, ldX: d, weight: finalNorm.pointer, rows: 1, dim: d,
                          eps: Float(config.rmsNormEps))
        }
        var out = Logits(rows: rows.count, vocabularySize: v, values: [Float](repeating: 0, count: rows.count * v))
        out.values.withUnsafeMutableBufferPointer { o in
            let logits = o.baseAddress!
            func head(_ c: ComputeContext) {
                BLAS.linear(logits, ldOut: v, x, ldX: d, lmHead.data, ldW: d, m: rows.count, n: v, k: d, context: c)
            }
            // A few logit rows (every decode step, the last row of a prompt) are SkinnyGEMM's shape.
            context.measure("lm_head") { if rows.count <= SkinnyGEMM.maxRows { context.withEngineKernels(head) } else { head(context) } }
        }
        return out
    }

    // MARK: Sizes

    public var parameterCount: Int {
        embedding.count + layers.reduce(0) { $0 + $1.parameterCount } + finalNorm.count
            + (config.tieWordEmbeddings ? 0 : lmHead.count)
    }

    /// Bytes the weights take in memory: matrices as stored (BF16 and F16 mapped as they are),
    /// everything else in Float32.
    public var weightBytes: Int {
        embedding.byteCount + layers.reduce(0) { $0 + $1.byteCount } + 4 * finalNorm.count
            + (config.tieWordEmbeddings ? 0 : lmHead.byteCount)
    }

    /// Parameters touched per token: MoE layers count only top-k experts.
    public var activeParameterCount: Int {
        embedding.count + layers.reduce(0) { $0 + $1.activeParameterCount } + finalNorm.count
            + (config.tieWordEmbeddings ? 0 : lmHead.count)
    }

    /// Bytes of state per sequence that do not grow with context (all Mamba layers).
    public var fixedStateBytes: Int { config.fixedStateBytes }

    /// Keys each attention layer keeps at most (Mistral's sliding window), nil when the cache
    /// grows with the context.
    public var attentionWindow: Int? { config.attentionWindow }

    /// State bytes of one sequence holding `context` tokens (a sliding-window cache holds at most
    /// 2 × window rows).
    public func stateBytes(context: Int) -> Int {
        fixedStateBytes + kvBytesPerToken * (attentionWindow.map { min(context, 2 * $0) } ?? context)
    }

    /// Bytes of K and V cached per token, over all attention layers (up to the window, if any).
    public var kvBytesPerToken: Int { config.kvBytesPerToken }
}
