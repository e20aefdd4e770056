import Foundation
import JambaJSON

extension ModelConfiguration {
    /// Fields read as integers. Foundation's JSONDecoder reports 64.5 (or 2^63) in such a field
    /// as "The given data was not valid JSON" with no field at all; these are checked by hand so
    /// the message names the field and the value.
    static let integerFields: Set<String> = [
        "vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
        "num_key_value_heads", "head_dim", "num_experts", "num_experts_per_tok", "num_local_experts",
        "expert_layer_period", "expert_layer_offset", "attn_layer_period", "attn_layer_offset",
        "mamba_d_state", "mamba_d_conv", "mamba_expand", "mamba_dt_rank", "pad_token_id", "bos_token_id",
        "eos_token_id", "max_position_embeddings", "sliding_window", "original_max_position_embeddings",
    ]

    /// Why `data` did not decode when JSONDecoder gave no reason: a JSON syntax error (with the
    /// byte offset JambaJSON names), or the first integer field holding a fraction or a number too
    /// large for 64 bits.
    static func diagnose(_ data: Data, file: String) -> ModelError {
        let (parsed, problem) = parseObject(data)
        guard let top = parsed else { return .configUnreadable(file: file, reason: problem) }
        func check(_ members: [(key: String, value: JSONValue)], prefix: String) -> ModelError? {
            for (key, value) in members.sorted(by: { $0.key < $1.key }) {
                let path = prefix + key
                if let nested = value.members, let e = check(nested, prefix: path + ".") { return e }
                guard integerFields.contains(key) else { continue }
                for case .number(let literal) in value.arrayValue ?? [value] {
                    // An integer literal that fits, or an integral float within 64 bits (4096.0).
                    if Int(literal) != nil { continue }
                    if let d = Double(literal), d == d.rounded(), abs(d) < 9.2e18 { continue }
                    return .configField(file: file, field: path, reason: "expected an integer, got \(literal)")
                }
            }
            return nil
        }
        return check(top, prefix: "") ?? .configUnreadable(file: file, reason: "not a valid configuration")
    }

    /// The top-level members of a config.json, or nil and why it is not a JSON object.
    static func parseObject(_ data: Data) -> (members: [(key: String, value: JSONValue)]?, problem: String) {
        let value: JSONValue
        do {
            value = try data.withUnsafeBytes { try JSONParser.parse($0) }
        } catch let e as JSONParser.Failure {
            return (nil, "not valid JSON at byte \(e.offset): \(e.reason)")
        } catch {
            return (nil, "not valid JSON: \(error)")
        }
        guard let members = value.members else { return (nil, "the top level is not a JSON object") }
        return (members, "")
    }
}

extension ModelConfiguration {
    /// Top-level config.json keys some architecture reads (CodingKeys), plus the keys transformers
    /// and AI21's files carry that change nothing in a forward pass (training, generation and
    /// bookkeeping settings). Anything else is reported, so a misspelt size such as `hiden_size`
    /// does not pass unnoticed while the real field silently takes its default.
    static let knownKeys: Set<String> = Set(allKeyNamesList).union([
        "torch_dtype", "transformers_version", "_name_or_path", "auto_map", "use_cache", "attention_dropout",
        "router_aux_loss_coef", "output_router_logits", "num_logits_to_keep", "use_mamba_kernels",
        "calc_logits_for_entire_prompt", "router_jitter_noise", "pretraining_tp", "use_sliding_window",
        "max_window_layers", "_from_model_config", "return_dict", "output_attentions", "output_hidden_states",
        "is_encoder_decoder", "tie_encoder_decoder", "quantization_config", "mlp_only_layers",
        "model_max_length", "torchscript", "use_return_dict", "problem_type", "chunk_size_feed_forward",
        "decoder_start_token_id", "sep_token_id", "task_specific_params", "id2label", "label2id",
        // transformers 5's JambaConfig (which Mamba implementation to run), and AI21's first
        // Jamba-v0.1 files (the dt/B/C norms, always applied here; the context length).
        "use_mambapy", "use_associative_scan", "mamba_inner_layernorms", "n_ctx",
    ])

    /// Warnings for the top-level keys of a config.json that no architecture reads, each naming the
    /// key and, when it is one edit or two from a key that is read, that key and what it now holds.
    public static func unreadKeyWarnings(_ data: Data, file: String, config: ModelConfiguration) -> [String] {
        guard let top = parseObject(data).members else { return [] }
        let present = Set(top.map(\.key))
        return present.sorted().filter { !knownKeys.contains($0) }.map { key in
            var text = "warning: \(file): key '\(key)' is read by no architecture"
            if let near = allKeyNamesList.min(by: { editDistance(key, $0) < editDistance(key, $1) }),
               editDistance(key, near) <= 2, !present.contains(near) {
                text += " (did you mean '\(near)'? it is missing, so it takes transformers' default\(config.describe(near).map { ", \($0)" } ?? ""))"
            }
            return text
        }
    }

    /// The value a read key holds, for the warnings ("4096").
    func describe(_ key: String) -> String? {
        let values: [String: Any] = [
            "vocab_size": vocabSize, "hidden_size": hiddenSize, "intermediate_size": intermediateSize,
            "num_hidden_layers": numHiddenLayers, "num_attention_heads": numAttentionHeads,
            "num_key_value_heads": numKeyValueHeads, "num_experts": numExperts, "num_experts_per_tok": numExpertsPerTok,
            "attn_layer_period": attnLayerPeriod, "attn_layer_offset": attnLayerOffset,
            "expert_layer_period": expertLayerPeriod, "expert_layer_offset": expertLayerOffset,
            "mamba_d_state": mambaDState, "mamba_d_conv": mambaDConv, "mamba_expand": mambaExpand,
            "max_position_embeddings": maxPositionEmbeddings,
        ]
        return values[key].map { "\($0)" }
    }

    /// Levenshtein distance (keys are short ASCII; quadratic is fine).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count), current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
