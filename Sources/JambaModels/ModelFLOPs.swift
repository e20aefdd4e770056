/// Matrix-product FLOPs a forward needs: what "model FLOP utilisation" divides by time. Counts
/// every GEMM the engine issues (projections, active experts, the router, lm_head on the rows that
/// get logits, and attention's score and value products over the causal half); elementwise work
/// (conv, scan, norms, softmax) is not counted, as is usual for MFU.
extension DecoderModel {
    /// 2 × the weights one token multiplies through in the decoder layers (top-k experts only),
    /// read off the architecture's weight schema: every projection, router and expert weight, an
    /// expert's counted top-k / E times (lm_head is counted apart, on the rows that get logits).
    static func linearFLOPsPerToken(_ c: ModelConfiguration) -> Double {
        let schema = c.architecture.schema
        let share = Double(c.numExpertsPerTok) / Double(c.numExperts)
        let params = schema.tensors(for: c).reduce(0.0) { sum, t in
            guard t.role == .linear, t.name != schema.lmHead else { return sum }
            return sum + Double(t.count) * (t.expert == nil ? 1 : share)
        }
        return 2 * params
    }

    /// Attention FLOPs for `tokens` new queries after `context` cached ones (scores + values).
    public func attentionFLOPs(tokens: Int, context: Int) -> Double {
        let c = config
        let layers = Double(plans.filter { $0.mixer == .attention }.count)
        // Query i attends to context + i + 1 keys (at most the window's).
        let keys: Double
        if let w = attentionWindow {
            keys = (0..<tokens).reduce(0.0) { $0 + Double(min(context + $1 + 1, w)) }
        } else {
            keys = Double(tokens) * Double(context) + Double(tokens) * Double(tokens + 1) / 2
        }
        return layers * 2 * 2 * Double(c.numAttentionHeads * c.headDim) * keys
    }

    /// Prefill of `tokens` after `context`, with logits for the last row only.
    public func prefillFLOPs(tokens: Int, context: Int = 0) -> Double {
        Double(tokens) * linearFLOPsPerToken + attentionFLOPs(tokens: tokens, context: context)
            + 2 * Double(config.vocabSize * config.hiddenSize)
    }

    /// Weight elements of the decoder layers outside the experts (projections and routers), and
    /// of one expert of one layer (its gate, up and down), read off the weight schema.
    static func decodeWeightElements(_ c: ModelConfiguration) -> (dense: Double, perExpert: Double) {
        let schema = c.architecture.schema
        var dense = 0.0, experts = 0.0
        for t in schema.tensors(for: c) where t.role == .linear && t.name != schema.lmHead {
            if t.expert == nil { dense += Double(t.count) } else { experts += Double(t.count) }
        }
        let moeLayers = c.layers.filter { $0.feedForward.isMoE }.count
        return (dense, moeLayers == 0 ? 0 : experts / Double(moeLayers * c.numExperts))
    }

    /// Bytes one decode step must read at `context` cached tokens: every weight the token
    /// multiplies through (top-k experts only) plus lm_head, and the KV cache of the attention
    /// layers. Decode at small batch is bound by this, not by FLOPs. Weights count at the bytes
    /// they are held in (2 for a BF16 or F16 checkpoint, read as stored).
    public func decodeBytes(context: Int) -> Double {
        let moeLayers = plans.filter { $0.feedForward.isMoE }.count
        return decodeStepBytes(contexts: [context], expertsRun: moeLayers * config.numExpertsPerTok)
    }

    /// Bytes one decode step of several sequences must read: each weight once for the whole batch
    /// (the engine multiplies every row through a weight while it is read), the experts counted
    /// once per expert the step's rows routed to (`expertsRun` over all layers: top-k per layer at
    /// batch 1, up to every expert at batch 8), lm_head, and each sequence's KV cache at its
    /// `contexts` cached tokens. What batched decode at the bandwidth limit is measured against.
    public func decodeStepBytes(contexts: [Int], expertsRun: Int) -> Double {
        let w = decodeWeights
        let weights = w.dense + Double(expertsRun) * w.perExpert + Double(config.vocabSize * config.hiddenSize)
        let kv = contexts.reduce(0) { $0 + kvBytesPerToken * min($1, attentionWindow ?? $1) }
        return Double(embedding.data.elementBytes) * weights + Double(kv)
    }

    /// One decode step at `context` cached tokens (logits for the new token).
    public func decodeFLOPs(context: Int) -> Double { prefillFLOPs(tokens: 1, context: context) }
}
