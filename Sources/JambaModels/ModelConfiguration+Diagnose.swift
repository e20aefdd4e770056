import Foundation

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

    /// Why `data` did not decode when JSONDecoder gave no reason: a JSON syntax error (with
    /// JSONSerialization's description, which carries the position), or the first integer field
    /// holding a fraction or a number too large for 64 bits.
    static func diagnose(_ data: Data, file: String) -> ModelError {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            return .configUnreadable(file: file, reason: "not valid JSON: \(detail)")
        }
        guard let top = object as? [String: Any] else { return .configUnreadable(file: file, reason: "the top level is not a JSON object") }
        func check(_ map: [String: Any], prefix: String) -> ModelError? {
            for key in map.keys.sorted() {
                let path = prefix + key
                if let nested = map[key] as? [String: Any], let e = check(nested, prefix: path + ".") { return e }
                guard integerFields.contains(key) else { continue }
                let values = (map[key] as? [Any]) ?? [map[key] as Any]
                for case let n as NSNumber in values {
                    let d = n.doubleValue
                    if d != d.rounded() || abs(d) >= 9.2e18 {
                        return .configField(file: file, field: path, reason: "expected an integer, got \(n)")
                    }
                }
            }
            return nil
        }
        return check(top, prefix: "") ?? .configUnreadable(file: file, reason: "not a valid configuration")
    }
}
