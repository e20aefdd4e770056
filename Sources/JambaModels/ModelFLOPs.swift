/// Matrix-product FLOPs a forward needs: what "model FLOP utilisation" divides by time. Counts
/// every GEMM the engine issues (projections, active experts, the router, lm_head on the rows that
/// get logits, and attention's score and value products over the causal half); elementwise work
/// (conv, scan, norms, softmax) is not counted, as is usual for MFU.
extension DecoderModel {
    /// 2 × the weights one token multiplies through in the decoder layers (top-k experts only).
    public var linearFLOPsPerToken: Double {
        let c = config
        let d = Double(c.hiddenSize), di = Double(c.dInner), f = Double(c.intermediateSize)
        let r = Double(c.dtRank), n = Double(c.mambaDState)
        let hd = Double(c.headDim), h = Double(c.numAttentionHeads), kv = Double(c.numKeyValueHeads)
        var params = 0.0
        for plan in plans {
            switch plan.mixer {
            case .mamba: params += 2 * di * d + (r + 2 * n) * di + di * r + d * di
            case .attention: params += 2 * h * hd * d + 2 * kv * hd * d
            }
            switch plan.feedForward {
            case .dense: params += 3 * f * d
            case .moe(let e, let k): params += Double(e) * d + Double(k) * 3 * f * d
            }
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

    /// Bytes one decode step must read at `context` cached tokens: every weight the token
    /// multiplies through (top-k experts only) plus lm_head, and the KV cache of the attention
    /// layers. Decode at small batch is bound by this, not by FLOPs.
    public func decodeBytes(context: Int) -> Double {
        4 * (linearFLOPsPerToken / 2 + Double(config.vocabSize * config.hiddenSize)) + Double(kvBytesPerToken * min(context, attentionWindow ?? context))
    }

    /// One decode step at `context` cached tokens (logits for the new token).
    public func decodeFLOPs(context: Int) -> Double { prefillFLOPs(tokens: 1, context: context) }
}
