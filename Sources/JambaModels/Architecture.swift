/// The model families the engine runs, chosen from config.json's model_type. They share one decoder
/// skeleton (RMSNorm → mixer → residual → RMSNorm → MLP or MoE → residual) and differ in the mixers,
/// positions, routing and tensor names (DESIGN.md section 2).
public enum Architecture: String, Sendable, Codable, CaseIterable {
    /// AI21's hybrid: Mamba and attention layers (no positions), MoE with un-renormalised weights.
    case jamba
    /// Every layer rotary attention with a dense gated MLP (LlamaForCausalLM).
    case llama
    /// Llama's layers plus an optional sliding attention window (MistralForCausalLM).
    case mistral
    /// Mistral's attention with a mixture of experts in every layer, top-k weights renormalised
    /// (MixtralForCausalLM).
    case mixtral

    /// The class name transformers saves in config.json's "architectures".
    public var transformersClass: String {
        switch self {
        case .jamba: return "JambaForCausalLM"
        case .llama: return "LlamaForCausalLM"
        case .mistral: return "MistralForCausalLM"
        case .mixtral: return "MixtralForCausalLM"
        }
    }

    /// Whether attention layers rotate queries and keys (Jamba's attention has no positions).
    public var usesRotaryPositions: Bool { self != .jamba }

    /// Mixtral divides the top-k routing weights by their sum; Jamba keeps the softmax values.
    public var renormalizesTopK: Bool { self == .mixtral }

    /// The weight names of this family's checkpoints.
    public var schema: WeightSchema { WeightSchema(self) }
}
