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

    enum CodingKeys: String, CodingKey {
        case name, source, baseline
        case parametersTotal = "parameters_total"
        case parametersActive = "parameters_active"
        case fixedStateBytes = "fixed_state_bytes"
        case kvBytesPerToken = "kv_bytes_per_token"
    }

    public init(name: String, source: String, parametersTotal: Int, parametersActive: Int, baseline: Bool,
                fixedStateBytes: Int, kvBytesPerToken: Int) {
        self.name = name; self.source = source; self.parametersTotal = parametersTotal
        self.parametersActive = parametersActive; self.baseline = baseline
        self.fixedStateBytes = fixedStateBytes; self.kvBytesPerToken = kvBytesPerToken
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
                  fixedStateBytes: model.fixedStateBytes, kvBytesPerToken: model.kvBytesPerToken)
    }

    /// The weights in memory: the engine computes in Float32 whatever the checkpoint's dtype.
    public var weightBytes: Int { parametersTotal * MemoryLayout<Float>.size }

    /// State bytes of one sequence holding `context` tokens.
    public func stateBytes(context: Int) -> Int { fixedStateBytes + kvBytesPerToken * context }
}
