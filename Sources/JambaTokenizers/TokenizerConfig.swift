import JambaJSON
import Foundation

/// The parts of transformers' tokenizer_config.json that change token ids: which strings are the
/// BOS / EOS tokens, and whether they are added around every encoded text.
struct TokenizerConfig: Sendable {
    var bosToken: String?
    var eosToken: String?
    /// Present only when the file says so; then it overrides the post-processor (transformers'
    /// Llama-family tokenizers rebuild their template from these flags).
    var addBosToken: Bool?
    var addEosToken: Bool?

    static let fileName = "tokenizer_config.json"

    init() {}

    init(data: Data) throws {
        let json = try JSONObject.parse(data, file: TokenizerConfig.fileName)
        bosToken = try TokenizerConfig.tokenName(json, "bos_token")
        eosToken = try TokenizerConfig.tokenName(json, "eos_token")
        addBosToken = json.has("add_bos_token") ? try json.bool("add_bos_token", default: false) : nil
        addEosToken = json.has("add_eos_token") ? try json.bool("add_eos_token", default: false) : nil
    }

    /// A token is written either as its string or as an AddedToken object with `content`.
    private static func tokenName(_ json: JSONObject, _ key: String) throws -> String? {
        if json.isNull(key) { return nil }
        if let name = json.fields[key]?.stringValue { return name }
        if json.fields[key]?.objectValue != nil { return try json.object(key).string("content") }
        throw TokenizerError.wrongType(file: json.file, field: key,
                                       expected: "a string or an object with \"content\"")
    }
}
