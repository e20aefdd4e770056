/// Every checkpoint tensor name of each architecture, in one place: transformers' names as
/// save_pretrained writes them (and, for Jamba-v0.1 and Mixtral, as the published checkpoints
/// spell them). Nothing else spells a tensor name: layers, random weights and `init` read these.
public struct WeightSchema: Sendable {
    public let architecture: Architecture

    public init(_ architecture: Architecture) { self.architecture = architecture }

    public var embedding: String { "model.embed_tokens.weight" }
    public var finalNorm: String { architecture == .jamba ? "model.final_layernorm.weight" : "model.norm.weight" }
    public var lmHead: String { "lm_head.weight" }

    public func layer(_ i: Int) -> Layer { Layer(prefix: "model.layers.\(i).", architecture: architecture) }

    public struct Layer: Sendable {
        let prefix: String
        let architecture: Architecture

        public var inputNorm: String { prefix + "input_layernorm.weight" }
        /// The norm before the feed-forward: Jamba's pre_ff_layernorm, the others' post_attention_layernorm.
        public var preFeedForwardNorm: String {
            prefix + (architecture == .jamba ? "pre_ff_layernorm.weight" : "post_attention_layernorm.weight")
        }

        // Mamba mixer (Jamba)
        public var inProj: String { prefix + "mamba.in_proj.weight" }
        public var inProjBias: String { prefix + "mamba.in_proj.bias" }
        public var conv1d: String { prefix + "mamba.conv1d.weight" }
        public var conv1dBias: String { prefix + "mamba.conv1d.bias" }
        public var xProj: String { prefix + "mamba.x_proj.weight" }
        public var dtProj: String { prefix + "mamba.dt_proj.weight" }
        public var dtProjBias: String { prefix + "mamba.dt_proj.bias" }
        public var aLog: String { prefix + "mamba.A_log" }
        public var d: String { prefix + "mamba.D" }
        public var outProj: String { prefix + "mamba.out_proj.weight" }
        public var outProjBias: String { prefix + "mamba.out_proj.bias" }
        public var dtNorm: String { prefix + "mamba.dt_layernorm.weight" }
        public var bNorm: String { prefix + "mamba.b_layernorm.weight" }
        public var cNorm: String { prefix + "mamba.c_layernorm.weight" }

        // Attention mixer; the biases exist only with Llama's attention_bias.
        public var qProj: String { prefix + "self_attn.q_proj.weight" }
        public var kProj: String { prefix + "self_attn.k_proj.weight" }
        public var vProj: String { prefix + "self_attn.v_proj.weight" }
        public var oProj: String { prefix + "self_attn.o_proj.weight" }
        public var qProjBias: String { prefix + "self_attn.q_proj.bias" }
        public var kProjBias: String { prefix + "self_attn.k_proj.bias" }
        public var vProjBias: String { prefix + "self_attn.v_proj.bias" }
        public var oProjBias: String { prefix + "self_attn.o_proj.bias" }

        // Dense gated MLP: Jamba's feed_forward, the others' mlp; biases only with Llama's mlp_bias.
        private var mlp: String { prefix + (architecture == .jamba ? "feed_forward." : "mlp.") }
        public var gateProj: String { mlp + "gate_proj.weight" }
        public var upProj: String { mlp + "up_proj.weight" }
        public var downProj: String { mlp + "down_proj.weight" }
        public var gateProjBias: String { mlp + "gate_proj.bias" }
        public var upProjBias: String { mlp + "up_proj.bias" }
        public var downProjBias: String { mlp + "down_proj.bias" }

        /// The mixture of experts' names, in the layouts a checkpoint may use, the one `init`
        /// writes first.
        public var experts: [ExpertNames] {
            switch architecture {
            case .jamba:
                // Per expert (Jamba-v0.1, save_pretrained) or fused as transformers holds them in
                // memory: gate_up_proj [E, 2F, d] with gate rows first, down_proj [E, d, F].
                let moe = prefix + "feed_forward."
                return [ExpertNames(router: moe + "router.weight", perExpert: { e in
                            let x = moe + "experts.\(e)."
                            return (x + "gate_proj.weight", x + "up_proj.weight", x + "down_proj.weight")
                        }, fusedGateUp: moe + "experts.gate_up_proj", fusedDown: moe + "experts.down_proj")]
            case .mixtral:
                // Published Mixtral checkpoints: block_sparse_moe with w1 (gate), w3 (up), w2 (down)
                // per expert; transformers 5 in memory: mlp.gate and fused mlp.experts tensors.
                let legacy = prefix + "block_sparse_moe.", current = prefix + "mlp."
                return [
                    ExpertNames(router: legacy + "gate.weight", perExpert: { e in
                        let x = legacy + "experts.\(e)."
                        return (x + "w1.weight", x + "w3.weight", x + "w2.weight")
                    }, fusedGateUp: legacy + "experts.gate_up_proj", fusedDown: legacy + "experts.down_proj"),
                    ExpertNames(router: current + "gate.weight", perExpert: { e in
                        let x = current + "experts.\(e)."
                        return (x + "gate_proj.weight", x + "up_proj.weight", x + "down_proj.weight")
                    }, fusedGateUp: current + "experts.gate_up_proj", fusedDown: current + "experts.down_proj"),
                ]
            case .llama, .mistral:
                return []
            }
        }
    }

    /// One layout's names for a mixture of experts: the router, each expert's (gate, up, down)
    /// projections, or the two fused tensors holding all experts.
    public struct ExpertNames: Sendable {
        public let router: String
        public let perExpert: @Sendable (Int) -> (gate: String, up: String, down: String)
        public let fusedGateUp: String
        public let fusedDown: String
    }
}
