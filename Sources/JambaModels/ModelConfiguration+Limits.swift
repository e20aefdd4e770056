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

    /// Bytes of the weights held in Float32 (random weights; a Float32 checkpoint), overflow-checked:
    /// an error names the fields whose product is too large.
    public func weightBytes(file: String) throws -> Int {
        try weightBytes(file: file, matrixElementBytes: 4)
    }

    /// Bytes of the weights with the matrices (projections, experts, embedding, lm_head) at
    /// `matrixElementBytes` each (2 for a BF16 or F16 checkpoint, read as stored) and the rest
    /// (norms, conv, A, D, biases) in Float32, overflow-checked.
    public func weightBytes(file: String, matrixElementBytes: Int) throws -> Int {
        let (matrices, other) = try weightElements(file: file)
        let (m, o1) = matrices.multipliedReportingOverflow(by: matrixElementBytes)
        let (r, o2) = other.multipliedReportingOverflow(by: 4)
        let (total, o3) = m.addingReportingOverflow(r)
        if o1 || o2 || o3 { throw ModelError.configField(file: file, field: "num_hidden_layers", reason: "the weights' size overflows 64-bit arithmetic") }
        return total
    }

    /// Parameters in weight matrices and in everything else, overflow-checked (the schema's
    /// tensors counted from the configuration alone, so nothing is allocated to size them).
    public func weightElements(file: String) throws -> (matrices: Int, other: Int) {
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
        // in_proj [2·di, d], out_proj [d, di], x_proj [r + 2N, di], dt_proj [di, r]
        let mambaMatrices = try sum([try product([3, di, d], "mamba_expand × hidden_size"),
                                     try product([r + 2 * n, di], "mamba_dt_rank × mamba_d_state"),
                                     try product([di, r], "mamba_dt_rank × mamba_expand × hidden_size")], "mamba_expand × hidden_size")
        // conv [di, K] (+ bias), A_log [di, N], D, dt bias; the dt, B and C norms; in/out_proj biases
        let mambaOther = try sum([try product([di, mambaDConv + n + 2 + (mambaConvBias ? 1 : 0)], "mamba_d_state × mamba_expand × hidden_size"),
                                  r + 2 * n, mambaProjBias ? 2 * di + d : 0], "mamba_d_state")
        let attention = try product([2 * (numAttentionHeads + numKeyValueHeads), hd, d], "num_attention_heads × head_dim × hidden_size")
        let attentionOther = attentionBias ? (numAttentionHeads + 2 * numKeyValueHeads) * hd + d : 0
        let dense = try product([3, f, d], "intermediate_size × hidden_size")
        let denseOther = mlpBias ? 2 * f + d : 0
        let moe = try sum([try product([numExperts, d], "num_experts × hidden_size"),
                           try product([numExperts, 3, f, d], "num_experts × intermediate_size × hidden_size")],
                          "num_experts × intermediate_size × hidden_size")
        var matrices = [embed], other = [d]
        for plan in layers {
            matrices.append(plan.mixer == .mamba ? mambaMatrices : attention)
            matrices.append(plan.feedForward.isMoE ? moe : dense)
            other += [plan.mixer == .mamba ? mambaOther : attentionOther, plan.feedForward.isMoE ? 0 : denseOther, 2 * d]
        }
        return (try sum(matrices, "num_hidden_layers"), try sum(other, "num_hidden_layers"))
    }

    /// Parameters one token multiplies through: MoE layers count their router and top-k experts only.
    public func activeParameterCount(file: String) throws -> Int {
        let (matrices, other) = try weightElements(file: file)
        let moeLayers = layers.filter { $0.feedForward.isMoE }.count
        // Idle experts: (E − k) × 3·F·d per MoE layer; within the total, so no overflow.
        let idle = moeLayers * (numExperts - numExpertsPerTok) * 3 * intermediateSize * hiddenSize
        return matrices + other - idle
    }

    // MARK: State

    /// Bytes of state per sequence that do not grow with context (every Mamba layer's conv and
    /// SSM state, Float32).
    public var fixedStateBytes: Int {
        layers.filter { $0.mixer == .mamba }.count * 4 * dInner * (mambaDConv - 1 + mambaDState)
    }

    /// Bytes of K and V cached per token over all attention layers (Float32).
    public var kvBytesPerToken: Int {
        layers.filter { $0.mixer == .attention }.count * 2 * 4 * numKeyValueHeads * headDim
    }

    /// State bytes of one sequence holding `context` tokens (a sliding-window cache holds at most
    /// 2 × window rows), overflow-checked.
    public func stateBytes(context: Int) -> Int? {
        let tokens = attentionWindow.map { min(context, 2 * $0) } ?? context
        let (kv, o1) = kvBytesPerToken.multipliedReportingOverflow(by: tokens)
        let (total, o2) = fixedStateBytes.addingReportingOverflow(kv)
        return o1 || o2 ? nil : total
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
