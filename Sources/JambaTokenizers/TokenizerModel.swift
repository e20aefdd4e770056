/// The `model` of tokenizer.json: turns one pre-tokenized word into ids.
enum TokenizerModel: Sendable {
    case bpe(BPEModel)
    case wordLevel(WordLevelModel)
    case unigram(UnigramModel)
    case wordPiece(WordPieceModel)

    static let supported = ["BPE", "WordLevel", "Unigram", "WordPiece"]

    /// Reads `model`; `vocab` receives every token → id of the model vocabulary.
    static func load(_ json: JSONObject, vocab: inout [String: Int]) throws -> TokenizerModel {
        let model = try json.object("model")
        // Old files may omit the type; tokenizers then guesses from the fields, and so do we for
        // the one unambiguous case.
        let type = model.has("type") ? try model.string("type") : (model.has("merges") ? "BPE" : "")
        switch type {
        case "BPE": return .bpe(try BPEModel(json: model, vocab: &vocab))
        case "WordLevel": return .wordLevel(try WordLevelModel(json: model, vocab: &vocab))
        case "Unigram": return .unigram(try UnigramModel(json: model, vocab: &vocab))
        case "WordPiece": return .wordPiece(try WordPieceModel(json: model, vocab: &vocab))
        case "": throw TokenizerError.missingField(file: model.file, field: model.field("type"))
        default: throw model.unsupported("type", type: type, supported: supported)
        }
    }

    func tokenize(_ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int], scratch: inout BPEScratch) {
        switch self {
        case .bpe(let model): model.tokenize(word, into: &ids, scratch: &scratch)
        case .wordLevel(let model): model.tokenize(word, into: &ids)
        case .unigram(let model): model.tokenize(word, into: &ids)
        case .wordPiece(let model): model.tokenize(word, into: &ids)
        }
    }
}
