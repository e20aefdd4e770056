import JambaCheckpoint
import JambaKernels

/// One decoder layer (transformers' JambaAttentionDecoderLayer / JambaMambaDecoderLayer, and
/// Llama's, Mistral's and Mixtral's decoder layers, which have the same shape):
///   h += Mixer(RMSNorm(h; input_layernorm));  h += FFN(RMSNorm(h; pre_ff_layernorm or post_attention_layernorm))
struct DecoderLayer {
    enum Mixer {
        case attention(AttentionMixer)
        case mamba(MambaMixer)
    }

    enum FeedForward {
        case dense(GatedMLP)
        case moe(MoEBlock)
    }

    let plan: LayerPlan
    let inputNorm: Tensor
    let preFeedForwardNorm: Tensor
    let mixer: Mixer
    let feedForward: FeedForward
    let eps: Float

    init(_ source: TensorSource, plan: LayerPlan, config c: ModelConfiguration) throws {
        let n = c.architecture.schema.layer(plan.index)
        self.plan = plan
        eps = Float(c.rmsNormEps)
        inputNorm = try source.tensor(n.inputNorm, shape: [c.hiddenSize])
        preFeedForwardNorm = try source.tensor(n.preFeedForwardNorm, shape: [c.hiddenSize])
        switch plan.mixer {
        case .attention: mixer = .attention(try AttentionMixer(source, layer: plan.index, config: c))
        case .mamba: mixer = .mamba(try MambaMixer(source, layer: plan.index, config: c))
        }
        switch plan.feedForward {
        case .dense:
            let bias = c.mlpBias
            feedForward = .dense(GatedMLP(
                gate: try Linear(source, n.gateProj, out: c.intermediateSize, in: c.hiddenSize, bias: bias ? n.gateProjBias : nil),
                up: try Linear(source, n.upProj, out: c.intermediateSize, in: c.hiddenSize, bias: bias ? n.upProjBias : nil),
                down: try Linear(source, n.downProj, out: c.hiddenSize, in: c.intermediateSize, bias: bias ? n.downProjBias : nil)))
        case .moe:
            feedForward = .moe(try MoEBlock(source, layer: plan.index, config: c))
        }
    }

    /// Advances ws.hidden [R, d] through this layer.
    func forward(batch: PackedBatch, states: [SequenceState], ws: Workspace, context: ComputeContext) {
        let rows = batch.rows, d = inputNorm.count
        let h = ws.hidden.pointer, x = ws.normed.pointer
        context.measure("norms") { RMSNorm.apply(x, ldOut: d, h, ldX: d, weight: inputNorm.pointer, rows: rows, dim: d, eps: eps) }
        switch mixer {
        case .attention(let a): a.forward(x, into: h, batch: batch, states: states, layer: plan.index, ws: ws, context: context)
        case .mamba(let m): m.forward(x, into: h, batch: batch, states: states, layer: plan.index, ws: ws, context: context)
        }
        context.measure("norms") {
            RMSNorm.apply(x, ldOut: d, h, ldX: d, weight: preFeedForwardNorm.pointer, rows: rows, dim: d, eps: eps)
        }
        switch feedForward {
        case .dense(let mlp):
            context.measure("mlp") {
                mlp.forward(x, rows: rows, into: h, accumulate: true, gateScratch: ws.gate.pointer, upScratch: ws.up.pointer, context: context)
            }
        case .moe(let moe):
            context.measure("moe") { moe.forward(x, into: h, rows: rows, ws: ws, context: context) }
        }
    }

    var parameterCount: Int {
        let norms = inputNorm.count + preFeedForwardNorm.count
        let mix: Int
        switch mixer {
        case .attention(let a): mix = a.parameterCount
        case .mamba(let m): mix = m.parameterCount
        }
        switch feedForward {
        case .dense(let mlp): return norms + mix + mlp.parameterCount
        case .moe(let moe): return norms + mix + moe.parameterCount
        }
    }

    var byteCount: Int {
        let norms = 4 * (inputNorm.count + preFeedForwardNorm.count)
        let mix: Int
        switch mixer {
        case .attention(let a): mix = a.byteCount
        case .mamba(let m): mix = m.byteCount
        }
        switch feedForward {
        case .dense(let mlp): return norms + mix + mlp.byteCount
        case .moe(let moe): return norms + mix + moe.byteCount
        }
    }

    var activeParameterCount: Int {
        guard case .moe(let moe) = feedForward else { return parameterCount }
        return parameterCount - moe.parameterCount + moe.activeParameterCount
    }
}
