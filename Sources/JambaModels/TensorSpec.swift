/// One tensor a configuration's model reads: its checkpoint name, shape, and what it is for (which
/// decides how random weights initialise it).
public struct TensorSpec: Sendable, Equatable {
    public enum Role: Sendable, Equatable {
        case embedding
        /// An RMSNorm weight (decoder, final, and Mamba's dt/B/C norms).
        case norm
        /// A projection weight [out, in] (also routers and fused experts).
        case linear
        case bias
        /// Mamba's depthwise conv1d weight [d_inner, 1, K].
        case conv
        case aLog
        case mambaD
        case dtBias
    }

    public let name: String
    public let shape: [Int]
    public let role: Role
    /// The expert this weight belongs to in a mixture of experts (a token multiplies through
    /// top-k of them), nil for every other weight.
    public var expert: Int? = nil

    public var count: Int { shape.reduce(1, *) }
}

extension WeightSchema {
    /// Every tensor a model of this configuration reads, in the layout `init` writes (per-expert
    /// MoE weights). The layers load exactly these names and shapes.
    public func tensors(for c: ModelConfiguration) -> [TensorSpec] {
        let d = c.hiddenSize, di = c.dInner, f = c.intermediateSize, hd = c.headDim
        var out = [TensorSpec(name: embedding, shape: [c.vocabSize, d], role: .embedding),
                   TensorSpec(name: finalNorm, shape: [d], role: .norm)]
        if !c.tieWordEmbeddings { out.append(TensorSpec(name: lmHead, shape: [c.vocabSize, d], role: .linear)) }
        func add(_ name: String, _ shape: [Int], _ role: TensorSpec.Role, expert: Int? = nil) {
            out.append(TensorSpec(name: name, shape: shape, role: role, expert: expert))
        }
        for plan in c.layers {
            let n = layer(plan.index)
            add(n.inputNorm, [d], .norm)
            add(n.preFeedForwardNorm, [d], .norm)
            switch plan.mixer {
            case .mamba:
                add(n.inProj, [2 * di, d], .linear)
                add(n.conv1d, [di, 1, c.mambaDConv], .conv)
                if c.mambaConvBias { add(n.conv1dBias, [di], .bias) }
                add(n.xProj, [c.dtRank + 2 * c.mambaDState, di], .linear)
                add(n.dtProj, [di, c.dtRank], .linear)
                add(n.dtProjBias, [di], .dtBias)
                add(n.aLog, [di, c.mambaDState], .aLog)
                add(n.d, [di], .mambaD)
                add(n.outProj, [d, di], .linear)
                add(n.dtNorm, [c.dtRank], .norm)
                add(n.bNorm, [c.mambaDState], .norm)
                add(n.cNorm, [c.mambaDState], .norm)
                if c.mambaProjBias { add(n.inProjBias, [2 * di], .bias); add(n.outProjBias, [d], .bias) }
            case .attention:
                let qw = c.numAttentionHeads * hd, kvw = c.numKeyValueHeads * hd
                add(n.qProj, [qw, d], .linear)
                add(n.kProj, [kvw, d], .linear)
                add(n.vProj, [kvw, d], .linear)
                add(n.oProj, [d, qw], .linear)
                if c.attentionBias {
                    add(n.qProjBias, [qw], .bias); add(n.kProjBias, [kvw], .bias)
                    add(n.vProjBias, [kvw], .bias); add(n.oProjBias, [d], .bias)
                }
            }
            switch plan.feedForward {
            case .dense:
                add(n.gateProj, [f, d], .linear); add(n.upProj, [f, d], .linear); add(n.downProj, [d, f], .linear)
                if c.mlpBias { add(n.gateProjBias, [f], .bias); add(n.upProjBias, [f], .bias); add(n.downProjBias, [d], .bias) }
            case .moe(let experts, _):
                let names = n.experts[0]
                add(names.router, [experts, d], .linear)
                for e in 0..<experts {
                    let x = names.perExpert(e)
                    add(x.gate, [f, d], .linear, expert: e); add(x.up, [f, d], .linear, expert: e)
                    add(x.down, [d, f], .linear, expert: e)
                }
            }
        }
        return out
    }
}
