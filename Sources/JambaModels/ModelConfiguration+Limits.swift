import Foundation

/// Size limits of a configuration. A config.json is untrusted: a vocab_size of 1e9 or a
/// num_hidden_layers of 2^62 must come back as an error naming the field, not as an arithmetic
/// overflow trap or a failed allocation after minutes of work. The caps are far above any
/// published model (Jamba 1.5 Large: hidden 8192, 72 layers, 16 experts, vocab 65536) and low
/// enough that the products sizing one tensor cannot overflow; the sums over layers are computed
/// with overflow checks all the same.
extension ModelConfiguration {
    /// Each size field's allowed range, as config.json names it.
    public var sizeFields: [(field: String, value: Int, max: Int)] {
        var fields: [(String, Int, Int)] = [
            ("vocab_size", vocabSize, 1 << 24), ("hidden_size", hiddenSize, 1 << 17),
            ("intermediate_size", intermediateSize, 1 << 20), ("num_hidden_layers", numHiddenLayers, 1 << 12),
            ("num_attention_heads", numAttentionHeads, 1 << 12), ("num_key_value_heads", numKeyValueHeads, 1 << 12),
            ("num_experts", numExperts, 1 << 12), ("num_experts_per_tok", numExpertsPerTok, 1 << 12),
            ("expert_layer_period", expertLayerPeriod, 1 << 12), ("attn_layer_period", attnLayerPeriod, 1 << 12),
            ("mamba_d_state", mambaDState, 1 << 12), ("mamba_d_conv", mambaDConv, 1 << 10),
            ("mamba_expand", mambaExpand, 64), ("max_position_embeddings", maxPositionEmbeddings, 1 << 40),
        ]
        if let h = headDimOverride { fields.append(("head_dim", h, 1 << 14)) }
        if let r = mambaDtRankValue { fields.append(("mamba_dt_rank", r, 1 << 17)) }
        if let w = slidingWindow { fields.append(("sliding_window", w, 1 << 40)) }
        return fields
    }

    /// Throws for a size field outside 1…its cap, or weights whose size overflows Int.
    public func validateSizes(file: String) throws {
        for (field, value, cap) in sizeFields where value < 1 || value > cap {
            throw ModelError.configField(file: file, field: field, reason: "must be in 1…\(cap), got \(value)")
        }
        // head_dim derived from hidden_size / heads is within hidden_size, so within its cap.
        if headDim > 1 << 14 { throw ModelError.configField(file: file, field: "head_dim", reason: "must be in 1…\(1 << 14), got \(headDim)") }
        _ = try weightBytes(file: file)
    }

    /// Bytes of the weights as the engine holds them (Float32), overflow-checked: an error names
    /// the fields whose product is too large.
    public func weightBytes(file: String) throws -> Int {
        func fail(_ fields: String) -> ModelError {
            .configField(file: file, field: fields, reason: "the weights' size overflows 64-bit arithmetic")
        }
        func product(_ xs: [Int], _ fields: String) throws -> Int {
            var p = 1
            for x in xs {
                let (r, o) = p.multipliedReportingOverflow(by: x)
                if o { throw fail(fields) }
                p = r
            }
            return p
        }
        func sum(_ xs: [Int], _ fields: String) throws -> Int {
            var s = 0
            for x in xs {
                let (r, o) = s.addingReportingOverflow(x)
                if o { throw fail(fields) }
                s = r
            }
            return s
        }
        let d = hiddenSize, di = try product([mambaExpand, hiddenSize], "mamba_expand × hidden_size")
        let f = intermediateSize, r = dtRank, n = mambaDState, hd = headDim
        let embed = try product([vocabSize, d, tieWordEmbeddings ? 1 : 2], "vocab_size × hidden_size")
        let mamba = try sum([try product([3, di, d], "mamba_expand × hidden_size"), try product([di, mambaDConv + n + r + 4], "mamba_d_state"),
                             try product([r + 2 * n, di], "mamba_dt_rank × mamba_d_state")], "mamba_expand × hidden_size")
        let attention = try product([2 * (numAttentionHeads + numKeyValueHeads), hd, d], "num_attention_heads × head_dim × hidden_size")
        let dense = try product([3, f, d], "intermediate_size × hidden_size")
        let moe = try sum([try product([numExperts, d], "num_experts × hidden_size"),
                           try product([numExperts, 3, f, d], "num_experts × intermediate_size × hidden_size")],
                          "num_experts × intermediate_size × hidden_size")
        var layerTotals: [Int] = []
        for plan in layers {
            let mixer = plan.mixer == .mamba ? mamba : attention
            let ff = plan.feedForward.isMoE ? moe : dense
            layerTotals.append(try sum([mixer, ff, 2 * d], "num_hidden_layers"))
        }
        let elements = try sum([embed, d] + layerTotals, "num_hidden_layers")
        return try product([elements, 4], "num_hidden_layers")
    }

    /// Random weights are allocated in memory: refuse a configuration whose weights cannot fit
    /// in `memoryBytes` (default: the machine's physical memory) instead of failing to allocate.
    public func checkRandomWeightsFit(file: String, memoryBytes: Int = Int(clamping: ProcessInfo.processInfo.physicalMemory)) throws {
        let bytes = try weightBytes(file: file)
        if bytes > memoryBytes {
            func gib(_ b: Int) -> String { String(format: "%.1f GiB", Double(b) / Double(1 << 30)) }
            throw ModelError.configField(file: file, field: "vocab_size/hidden_size/intermediate_size/num_hidden_layers/num_experts", reason:
                "random weights for this configuration need \(gib(bytes)), more than this machine's \(gib(memoryBytes)) of memory "
                + "(vocab_size \(vocabSize), hidden_size \(hiddenSize), intermediate_size \(intermediateSize), "
                + "num_hidden_layers \(numHiddenLayers), num_experts \(numExperts))")
        }
    }
}
