import Foundation
import JambaEval
import JambaModels

/// A model of the run as the tables describe it: sizes and the state it keeps per sequence.
public struct ModelInfo: Codable, Sendable, Equatable {
    public var name: String
    /// Where the weights came from, in words ("checkpoint models/x", "config configs/y.json, seed 0").
    public var source: String
    public var parametersTotal: Int
    /// Parameters touched per token (MoE layers count only their top-k experts).
    public var parametersActive: Int
    public var baseline: Bool
    /// Bytes of state per sequence that do not grow with context (the Mamba layers' conv and SSM state).
    public var fixedStateBytes: Int
    /// Bytes of K and V cached per token over all attention layers.
    public var kvBytesPerToken: Int
    /// Keys each attention layer sees (Mistral's sliding window): the KV cache then stops growing,
    /// holding at most 2 × window rows. Absent when the cache grows with the context.
    public var attentionWindow: Int?
    /// Bytes the weights take in memory as the engine holds them (BF16 and F16 matrices as
    /// stored, the rest Float32). Absent in results written before it was recorded: then every
    /// parameter counts 4 bytes, as the engine then held them.
    public var weightBytesHeld: Int?

    enum CodingKeys: String, CodingKey {
        case name, source, baseline
        case parametersTotal = "parameters_total"
        case parametersActive = "parameters_active"
        case fixedStateBytes = "fixed_state_bytes"
        case kvBytesPerToken = "kv_bytes_per_token"
        case attentionWindow = "attention_window"
        case weightBytesHeld = "weight_bytes"
    }

    public init(name: String, source: String, parametersTotal: Int, parametersActive: Int, baseline: Bool,
                fixedStateBytes: Int, kvBytesPerToken: Int, attentionWindow: Int? = nil, weightBytes: Int? = nil) {
        self.name = name; self.source = source; self.parametersTotal = parametersTotal
        self.parametersActive = parametersActive; self.baseline = baseline
        self.fixedStateBytes = fixedStateBytes; self.kvBytesPerToken = kvBytesPerToken
        self.attentionWindow = attentionWindow; self.weightBytesHeld = weightBytes
    }

    /// A suite's model once loaded: the sizes come from the model itself.
    public init(_ entry: Suite.Model, model: DecoderModel) {
        let source: String
        switch entry.source {
        case .checkpoint(let url): source = "checkpoint \(url.path)"
        case let .config(url, seed): source = "config \(url.path), seed \(seed)"
        }
        self.init(name: entry.name, source: source, parametersTotal: model.parameterCount,
                  parametersActive: model.activeParameterCount, baseline: entry.baseline,
                  fixedStateBytes: model.fixedStateBytes, kvBytesPerToken: model.kvBytesPerToken,
                  attentionWindow: model.attentionWindow, weightBytes: model.weightBytes)
    }

    /// The weights in memory: `weightBytesHeld`, or 4 bytes per parameter when it is absent.
    public var weightBytes: Int { weightBytesHeld ?? parametersTotal * MemoryLayout<Float>.size }

    /// State bytes of one sequence holding `context` tokens.
    public func stateBytes(context: Int) -> Int {
        fixedStateBytes + kvBytesPerToken * (attentionWindow.map { min(context, 2 * $0) } ?? context)
    }

    /// Whether one sequence's state grows without bound with its context.
    public var stateGrows: Bool { kvBytesPerToken > 0 && attentionWindow == nil }
}
