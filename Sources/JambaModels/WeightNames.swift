/// Every checkpoint tensor name of a Jamba model, in one place (transformers' JambaForCausalLM
/// names, as Jamba-v0.1 and save_pretrained write them). Nothing else spells a tensor name.
public enum WeightNames {
    public static let embedding = "model.embed_tokens.weight"
    public static let finalNorm = "model.final_layernorm.weight"
    public static let lmHead = "lm_head.weight"

    public struct Layer {
        let prefix: String
        init(_ i: Int) { prefix = "model.layers.\(i)." }

        public var inputNorm: String { prefix + "input_layernorm.weight" }
        public var preFeedForwardNorm: String { prefix + "pre_ff_layernorm.weight" }

        // Mamba mixer
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

        // Attention mixer
        public var qProj: String { prefix + "self_attn.q_proj.weight" }
        public var kProj: String { prefix + "self_attn.k_proj.weight" }
        public var vProj: String { prefix + "self_attn.v_proj.weight" }
        public var oProj: String { prefix + "self_attn.o_proj.weight" }

        // Dense MLP
        public var gateProj: String { prefix + "feed_forward.gate_proj.weight" }
        public var upProj: String { prefix + "feed_forward.up_proj.weight" }
        public var downProj: String { prefix + "feed_forward.down_proj.weight" }

        // Mixture of experts: per-expert on disk (Jamba-v0.1, save_pretrained) …
        public var router: String { prefix + "feed_forward.router.weight" }
        public func expertGate(_ e: Int) -> String { prefix + "feed_forward.experts.\(e).gate_proj.weight" }
        public func expertUp(_ e: Int) -> String { prefix + "feed_forward.experts.\(e).up_proj.weight" }
        public func expertDown(_ e: Int) -> String { prefix + "feed_forward.experts.\(e).down_proj.weight" }
        // … or fused as transformers holds them in memory: [E, 2F, H] with gate rows first, [E, H, F].
        public var expertsGateUp: String { prefix + "feed_forward.experts.gate_up_proj" }
        public var expertsDown: String { prefix + "feed_forward.experts.down_proj" }
    }

    public static func layer(_ i: Int) -> Layer { Layer(i) }
}
