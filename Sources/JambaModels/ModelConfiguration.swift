import Foundation

/// config.json of a checkpoint: model_type "jamba", "llama", "mistral" or "mixtral", with
/// transformers' defaults for that architecture filled in for every missing field, validated on
/// load. Field meanings and defaults: DESIGN.md section 2. The Jamba-only fields (Mamba, layer
/// periods) keep Jamba's defaults and are ignored by the other architectures; the rotary fields are
/// ignored by Jamba, whose attention has no positions.
public struct ModelConfiguration: Codable, Sendable, Equatable {
    public var architecture: Architecture = .jamba
    public var vocabSize = 65536
    public var hiddenSize = 4096
    public var intermediateSize = 14336
    public var numHiddenLayers = 32
    public var numAttentionHeads = 32
    public var numKeyValueHeads = 8
    /// transformers reads head_dim when present, else hidden_size / heads.
    public var headDimOverride: Int? = nil
    /// num_experts (Jamba) or num_local_experts (Mixtral); 1 means dense.
    public var numExperts = 16
    public var numExpertsPerTok = 2
    public var expertLayerPeriod = 2
    public var expertLayerOffset = 1
    public var attnLayerPeriod = 8
    public var attnLayerOffset = 4
    public var mambaDState = 16
    public var mambaDConv = 4
    public var mambaExpand = 2
    /// nil means "auto": ceil(hidden_size / 16).
    public var mambaDtRankValue: Int? = nil
    public var mambaConvBias = true
    public var mambaProjBias = false
    public var rmsNormEps: Double = 1e-6
    public var tieWordEmbeddings = false
    public var hiddenAct = "silu"
    public var padTokenId: Int? = 0
    public var bosTokenId: Int? = 1
    public var eosTokenIds: [Int] = [2]
    public var maxPositionEmbeddings = 262144
    public var initializerRange: Double = 0.02
    /// Explicit per-layer mixers, when the file carries layers_block_type; else period/offset.
    public var layersBlockType: [MixerKind]? = nil
    // Rotary attention (Llama, Mistral, Mixtral).
    public var ropeTheta: Double = 10000
    public var ropeScaling = RopeScaling()
    /// Mistral and Mixtral: a query sees only the last W keys (itself included); nil: all of them.
    public var slidingWindow: Int? = nil
    /// Llama: biases on q, k, v and o projections; on the MLP's three projections.
    public var attentionBias = false
    public var mlpBias = false
    /// The weights' dtype as config.json names it ("float32", "bfloat16", "float16"): written by
    /// `init --dtype`, not read (on load every tensor's own dtype in the safetensors header rules).
    public var dtype = "float32"

    public init(architecture: Architecture = .jamba) {
        self.architecture = architecture
        applyDefaults(of: architecture)
    }

    /// transformers' defaults of LlamaConfig, MistralConfig and MixtralConfig where they differ from
    /// JambaConfig's.
    private mutating func applyDefaults(of a: Architecture) {
        guard a != .jamba else { return }
        vocabSize = 32000; hiddenSize = 4096; numHiddenLayers = 32; numAttentionHeads = 32
        rmsNormEps = 1e-6; ropeTheta = 10000; padTokenId = nil; bosTokenId = 1; eosTokenIds = [2]
        numExperts = 1; numExpertsPerTok = 1; slidingWindow = nil
        switch a {
        case .jamba: break
        case .llama:
            intermediateSize = 11008; numKeyValueHeads = 32; maxPositionEmbeddings = 2048
        case .mistral:
            intermediateSize = 14336; numKeyValueHeads = 8; maxPositionEmbeddings = 4096 * 32; slidingWindow = 4096
        case .mixtral:
            intermediateSize = 14336; numKeyValueHeads = 8; maxPositionEmbeddings = 4096 * 32
            rmsNormEps = 1e-5; ropeTheta = 1e6; numExperts = 8; numExpertsPerTok = 2
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case modelType = "model_type"
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads", headDim = "head_dim"
        case numExperts = "num_experts", numExpertsPerTok = "num_experts_per_tok"
        case numLocalExperts = "num_local_experts"
        case expertLayerPeriod = "expert_layer_period", expertLayerOffset = "expert_layer_offset"
        case attnLayerPeriod = "attn_layer_period", attnLayerOffset = "attn_layer_offset"
        case mambaDState = "mamba_d_state", mambaDConv = "mamba_d_conv", mambaExpand = "mamba_expand"
        case mambaDtRank = "mamba_dt_rank", mambaConvBias = "mamba_conv_bias", mambaProjBias = "mamba_proj_bias"
        case rmsNormEps = "rms_norm_eps", tieWordEmbeddings = "tie_word_embeddings", hiddenAct = "hidden_act"
        case padTokenId = "pad_token_id", bosTokenId = "bos_token_id", eosTokenId = "eos_token_id"
        case maxPositionEmbeddings = "max_position_embeddings", initializerRange = "initializer_range"
        case layersBlockType = "layers_block_type"
        case ropeTheta = "rope_theta", ropeScaling = "rope_scaling", ropeParameters = "rope_parameters"
        case slidingWindow = "sliding_window", attentionBias = "attention_bias", mlpBias = "mlp_bias"
        case architectures, dtype = "dtype"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let type = try c.decodeIfPresent(String.self, forKey: .modelType) {
            guard let a = Architecture(rawValue: type) else {
                throw DecodingError.dataCorruptedError(forKey: .modelType, in: c, debugDescription:
                    "model_type is '\(type)'; supported: \(Architecture.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))")
            }
            architecture = a
        }
        applyDefaults(of: architecture)
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try c.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        vocabSize = try value(.vocabSize, vocabSize)
        hiddenSize = try value(.hiddenSize, hiddenSize)
        intermediateSize = try value(.intermediateSize, intermediateSize)
        numHiddenLayers = try value(.numHiddenLayers, numHiddenLayers)
        numAttentionHeads = try value(.numAttentionHeads, numAttentionHeads)
        // transformers: num_key_value_heads None means as many as the query heads (Llama's default).
        if architecture == .llama || c.contains(.numKeyValueHeads) {
            numKeyValueHeads = try c.decodeIfPresent(Int?.self, forKey: .numKeyValueHeads)?.flatMap { $0 } ?? numAttentionHeads
        }
        headDimOverride = try c.decodeIfPresent(Int?.self, forKey: .headDim)?.flatMap { $0 }
        switch architecture {
        case .jamba:
            numExperts = try value(.numExperts, numExperts)
        case .mixtral:
            // transformers' MixtralConfig maps num_experts to num_local_experts.
            numExperts = try c.decodeIfPresent(Int.self, forKey: .numLocalExperts) ?? value(.numExperts, numExperts)
        case .llama, .mistral:
            break
        }
        if architecture == .jamba || architecture == .mixtral {
            numExpertsPerTok = try value(.numExpertsPerTok, numExpertsPerTok)
        }
        expertLayerPeriod = try value(.expertLayerPeriod, expertLayerPeriod)
        expertLayerOffset = try value(.expertLayerOffset, expertLayerOffset)
        attnLayerPeriod = try value(.attnLayerPeriod, attnLayerPeriod)
        attnLayerOffset = try value(.attnLayerOffset, attnLayerOffset)
        mambaDState = try value(.mambaDState, mambaDState)
        mambaDConv = try value(.mambaDConv, mambaDConv)
        mambaExpand = try value(.mambaExpand, mambaExpand)
        if let rank = try? c.decodeIfPresent(Int.self, forKey: .mambaDtRank) {
            mambaDtRankValue = rank
        } else if let text = try? c.decodeIfPresent(String.self, forKey: .mambaDtRank) {
            guard text == "auto" else {
                throw DecodingError.dataCorruptedError(forKey: .mambaDtRank, in: c,
                    debugDescription: "must be an integer or \"auto\", got \"\(text)\"")
            }
        } else if c.contains(.mambaDtRank), try !c.decodeNil(forKey: .mambaDtRank) {
            throw DecodingError.dataCorruptedError(forKey: .mambaDtRank, in: c,
                debugDescription: "must be an integer or \"auto\"")
        }
        mambaConvBias = try value(.mambaConvBias, mambaConvBias)
        mambaProjBias = try value(.mambaProjBias, mambaProjBias)
        rmsNormEps = try value(.rmsNormEps, rmsNormEps)
        tieWordEmbeddings = try value(.tieWordEmbeddings, tieWordEmbeddings)
        hiddenAct = try value(.hiddenAct, hiddenAct)
        padTokenId = try c.decodeIfPresent(Int?.self, forKey: .padTokenId) ?? padTokenId
        bosTokenId = try c.decodeIfPresent(Int?.self, forKey: .bosTokenId) ?? bosTokenId
        if let one = try? c.decodeIfPresent(Int.self, forKey: .eosTokenId) {
            eosTokenIds = [one]
        } else if let many = try? c.decodeIfPresent([Int].self, forKey: .eosTokenId) {
            eosTokenIds = many
        } else if c.contains(.eosTokenId), try !c.decodeNil(forKey: .eosTokenId) {
            throw DecodingError.dataCorruptedError(forKey: .eosTokenId, in: c,
                debugDescription: "must be an integer or a list of integers")
        } else if c.contains(.eosTokenId) {
            eosTokenIds = []
        }
        maxPositionEmbeddings = try value(.maxPositionEmbeddings, maxPositionEmbeddings)
        initializerRange = try value(.initializerRange, initializerRange)
        layersBlockType = try c.decodeIfPresent([MixerKind].self, forKey: .layersBlockType)
        // Rotary settings: rope_theta + rope_scaling (transformers 4 files), or rope_parameters
        // holding rope_type, rope_theta and the scaling fields (transformers 5 files).
        ropeTheta = try value(.ropeTheta, ropeTheta)
        if let parameters = try c.decodeIfPresent(RopeScaling.self, forKey: .ropeParameters) {
            ropeScaling = parameters
            let inner = try c.nestedContainer(keyedBy: RopeParameterKeys.self, forKey: .ropeParameters)
            ropeTheta = try inner.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? ropeTheta
        }
        if let scaling = try c.decodeIfPresent(RopeScaling.self, forKey: .ropeScaling) { ropeScaling = scaling }
        if architecture == .mistral || architecture == .mixtral {
            if c.contains(.slidingWindow) { slidingWindow = try c.decodeIfPresent(Int?.self, forKey: .slidingWindow)?.flatMap { $0 } }
        }
        if architecture == .llama {
            attentionBias = try value(.attentionBias, attentionBias)
            mlpBias = try value(.mlpBias, mlpBias)
        }
    }

    static let allKeyNamesList = CodingKeys.allCases.map(\.rawValue)

    private enum RopeParameterKeys: String, CodingKey { case ropeTheta = "rope_theta" }

    /// Writes the fields transformers' config class of the architecture reads, so `init --out`
    /// folders load there. (Jamba's file is written exactly as before: committed folders made with
    /// `init` stay byte-identical.)
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(architecture.rawValue, forKey: .modelType)
        try c.encode([architecture.transformersClass], forKey: .architectures)
        try c.encode(dtype, forKey: .dtype)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(numKeyValueHeads, forKey: .numKeyValueHeads)
        try c.encodeIfPresent(headDimOverride, forKey: .headDim)
        switch architecture {
        case .jamba:
            try c.encode(numExperts, forKey: .numExperts)
            try c.encode(numExpertsPerTok, forKey: .numExpertsPerTok)
            try c.encode(expertLayerPeriod, forKey: .expertLayerPeriod)
            try c.encode(expertLayerOffset, forKey: .expertLayerOffset)
            try c.encode(attnLayerPeriod, forKey: .attnLayerPeriod)
            try c.encode(attnLayerOffset, forKey: .attnLayerOffset)
            try c.encode(mambaDState, forKey: .mambaDState)
            try c.encode(mambaDConv, forKey: .mambaDConv)
            try c.encode(mambaExpand, forKey: .mambaExpand)
            if let r = mambaDtRankValue { try c.encode(r, forKey: .mambaDtRank) } else { try c.encode("auto", forKey: .mambaDtRank) }
            try c.encode(mambaConvBias, forKey: .mambaConvBias)
            try c.encode(mambaProjBias, forKey: .mambaProjBias)
        case .llama, .mistral, .mixtral:
            if architecture == .mixtral {
                try c.encode(numExperts, forKey: .numLocalExperts)
                try c.encode(numExpertsPerTok, forKey: .numExpertsPerTok)
            }
            try c.encode(ropeTheta, forKey: .ropeTheta)
            if ropeScaling.kind != .default { try c.encode(ropeScaling, forKey: .ropeScaling) }
            if architecture == .llama {
                try c.encode(attentionBias, forKey: .attentionBias)
                try c.encode(mlpBias, forKey: .mlpBias)
            } else {
                try c.encode(slidingWindow, forKey: .slidingWindow)
            }
        }
        try c.encode(rmsNormEps, forKey: .rmsNormEps)
        try c.encode(tieWordEmbeddings, forKey: .tieWordEmbeddings)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encode(padTokenId, forKey: .padTokenId)
        try c.encode(bosTokenId, forKey: .bosTokenId)
        if eosTokenIds.count == 1 { try c.encode(eosTokenIds[0], forKey: .eosTokenId) } else { try c.encode(eosTokenIds, forKey: .eosTokenId) }
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(initializerRange, forKey: .initializerRange)
    }

    // MARK: Derived sizes

    public var headDim: Int { headDimOverride ?? hiddenSize / numAttentionHeads }
    public var dInner: Int { mambaExpand * hiddenSize }
    public var dtRank: Int { mambaDtRankValue ?? (hiddenSize + 15) / 16 }

    /// Jamba's layer i: attention if i % attn_layer_period == attn_layer_offset (or as
    /// layers_block_type says); MoE if num_experts > 1 and i % expert_layer_period ==
    /// expert_layer_offset. Llama and Mistral: attention and a dense MLP in every layer; Mixtral:
    /// attention and a mixture of experts in every layer.
    public var layers: [LayerPlan] {
        (0..<numHiddenLayers).map { i in
            switch architecture {
            case .jamba:
                let mixer = layersBlockType?[i] ?? (i % attnLayerPeriod == attnLayerOffset ? .attention : .mamba)
                let moe = numExperts > 1 && i % expertLayerPeriod == expertLayerOffset
                return LayerPlan(index: i, mixer: mixer, feedForward: moe ? .moe(experts: numExperts, topK: numExpertsPerTok) : .dense)
            case .llama, .mistral:
                return LayerPlan(index: i, mixer: .attention, feedForward: .dense)
            case .mixtral:
                return LayerPlan(index: i, mixer: .attention, feedForward: .moe(experts: numExperts, topK: numExpertsPerTok))
            }
        }
    }

    /// Rotary embedding of the attention layers, nil when they have no positions (Jamba).
    public var rotary: RotaryPositions? {
        guard architecture.usesRotaryPositions else { return nil }
        return RotaryPositions(dim: headDim, theta: ropeTheta, scaling: ropeScaling, maxPositions: maxPositionEmbeddings)
    }

    /// Keys a query may see (itself included), nil for all.
    public var attentionWindow: Int? { architecture.usesRotaryPositions ? slidingWindow : nil }

    /// The transformer-only twin: every layer attention, everything else equal.
    public var transformerOnly: ModelConfiguration {
        var c = self
        c.attnLayerPeriod = 1
        c.attnLayerOffset = 0
        c.layersBlockType = nil
        return c
    }

    // MARK: Loading and validation

    public static func load(from url: URL) throws -> ModelConfiguration { try loadReportingKeys(from: url).config }

    /// The configuration and a warning for each top-level key no architecture reads.
    public static func loadReportingKeys(from url: URL) throws -> (config: ModelConfiguration, warnings: [String]) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw ModelError.configUnreadable(file: url.path, reason: "no such file")
        }
        if isFolder.boolValue {
            throw ModelError.configUnreadable(file: url.path, reason: "is a folder; give its config.json (or the folder as a checkpoint)")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError.configUnreadable(file: url.path, reason: error.localizedDescription)
        }
        let config = try decode(data, file: url.path)
        return (config, unreadKeyWarnings(data, file: url.path, config: config))
    }

    public static func decode(_ data: Data, file: String) throws -> ModelConfiguration {
        let config: ModelConfiguration
        do {
            config = try JSONDecoder().decode(ModelConfiguration.self, from: data)
        } catch let DecodingError.typeMismatch(type, context) {
            throw ModelError.configField(file: file, field: fieldName(context.codingPath), reason: "expected \(type): \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw ModelError.configField(file: file, field: fieldName(context.codingPath), reason: context.debugDescription)
        } catch let DecodingError.valueNotFound(_, context) {
            throw ModelError.configField(file: file, field: fieldName(context.codingPath), reason: "must not be null")
        } catch {
            throw diagnose(data, file: file)
        }
        try config.validate(file: file)
        return config
    }

    private static func fieldName(_ path: [CodingKey]) -> String {
        path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    /// Rejects what transformers would reject or what cannot describe a working model.
    public func validate(file: String) throws {
        func fail(_ field: String, _ reason: String) -> ModelError { .configField(file: file, field: field, reason: reason) }
        let positive: [(String, Int)] = [
            ("vocab_size", vocabSize), ("hidden_size", hiddenSize), ("intermediate_size", intermediateSize),
            ("num_hidden_layers", numHiddenLayers), ("num_attention_heads", numAttentionHeads),
            ("num_key_value_heads", numKeyValueHeads), ("num_experts", numExperts),
            ("num_experts_per_tok", numExpertsPerTok), ("expert_layer_period", expertLayerPeriod),
            ("attn_layer_period", attnLayerPeriod), ("mamba_d_state", mambaDState),
            ("mamba_d_conv", mambaDConv), ("mamba_expand", mambaExpand),
        ]
        for (name, v) in positive where v <= 0 { throw fail(name, "must be positive, got \(v)") }
        if let r = mambaDtRankValue, r <= 0 { throw fail("mamba_dt_rank", "must be positive or \"auto\", got \(r)") }
        if headDimOverride == nil, hiddenSize % numAttentionHeads != 0 {
            throw fail("num_attention_heads", "hidden_size \(hiddenSize) is not divisible by num_attention_heads \(numAttentionHeads)")
        }
        if let h = headDimOverride, h <= 0 { throw fail("head_dim", "must be positive, got \(h)") }
        if numAttentionHeads % numKeyValueHeads != 0 {
            throw fail("num_key_value_heads", "num_attention_heads \(numAttentionHeads) is not divisible by num_key_value_heads \(numKeyValueHeads)")
        }
        if numExpertsPerTok > numExperts {
            throw fail("num_experts_per_tok", "top-k \(numExpertsPerTok) exceeds num_experts \(numExperts)")
        }
        if attnLayerOffset < 0 || attnLayerOffset >= attnLayerPeriod {
            throw fail("attn_layer_offset", "must be in [0, attn_layer_period \(attnLayerPeriod)), got \(attnLayerOffset)")
        }
        if expertLayerOffset < 0 || expertLayerOffset >= expertLayerPeriod {
            throw fail("expert_layer_offset", "must be in [0, expert_layer_period \(expertLayerPeriod)), got \(expertLayerOffset)")
        }
        if hiddenAct != "silu" { throw fail("hidden_act", "only \"silu\" is supported, got \"\(hiddenAct)\"") }
        if !(rmsNormEps > 0) { throw fail("rms_norm_eps", "must be positive, got \(rmsNormEps)") }
        if architecture != .jamba {
            if let w = slidingWindow, w <= 0 { throw fail("sliding_window", "must be positive or null, got \(w)") }
            if !(ropeTheta > 0) { throw fail("rope_theta", "must be positive, got \(ropeTheta)") }
            if headDim % 2 != 0 { throw fail("head_dim", "rotary positions need an even head_dim, got \(headDim)") }
            if ropeScaling.kind != .default && !(ropeScaling.factor >= 1) {
                throw fail("rope_scaling.factor", "must be at least 1 for \(ropeScaling.kind.rawValue) scaling, got \(ropeScaling.factor)")
            }
            if ropeScaling.kind == .llama3 && !(ropeScaling.highFreqFactor > ropeScaling.lowFreqFactor && ropeScaling.lowFreqFactor > 0) {
                throw fail("rope_scaling.high_freq_factor", "llama3 scaling needs high_freq_factor > low_freq_factor > 0, got \(ropeScaling.highFreqFactor) and \(ropeScaling.lowFreqFactor)")
            }
        }
        if let kinds = layersBlockType, kinds.count != numHiddenLayers {
            throw fail("layers_block_type", "has \(kinds.count) entries for \(numHiddenLayers) layers")
        }
        try validateSizes(file: file)
    }
}
