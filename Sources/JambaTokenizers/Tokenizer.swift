import Foundation

/// Text ↔ token ids for one model, matching the Hugging Face `tokenizers` library id for id.
///
/// Implementations are immutable after loading and safe to share between threads.
public protocol Tokenizer: Sendable {
    /// Token ids of `text`; with `addSpecialTokens` the BOS / EOS (or CLS / SEP) tokens that the
    /// tokenizer's post-processor or tokenizer_config.json call for are added around them.
    func encode(_ text: String, addSpecialTokens: Bool) -> [Int]
    /// The text of `ids`. Unknown ids are skipped, as `tokenizers` skips them.
    func decode(_ ids: [Int], skipSpecialTokens: Bool) -> String
    /// One more than the largest token id (model vocabulary and added tokens).
    var vocabularySize: Int { get }
    var bosTokenId: Int? { get }
    var eosTokenId: Int? { get }
    /// The id of a token spelled exactly `token` (added tokens first, then the model vocabulary).
    func tokenId(for token: String) -> Int?
    /// The spelling of token `id`, nil when no token has that id.
    func token(for id: Int) -> String?
}

extension Tokenizer {
    public func encode(_ text: String) -> [Int] { encode(text, addSpecialTokens: true) }
    public func decode(_ ids: [Int]) -> String { decode(ids, skipSpecialTokens: false) }
}

/// Loads the tokenizer of a Hugging Face model folder: tokenizer.json, and tokenizer_config.json
/// when present.
public func loadTokenizer(from folder: URL) throws -> any Tokenizer {
    try PretrainedTokenizer(folder: folder)
}

/// The tokenizer of a model folder, nil when the folder has no tokenizer.json (a config file, or a
/// checkpoint saved without one): the one place that decides where a model's tokenizer lives.
public func loadTokenizer(ifIn folder: URL) throws -> (any Tokenizer)? {
    guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("tokenizer.json").path) else { return nil }
    return try loadTokenizer(from: folder)
}
