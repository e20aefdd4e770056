/// The `WordLevel` model: each pre-tokenized word is one vocabulary entry or the unknown token.
struct WordLevelModel: Sendable {
    let vocab: ByteStringMap
    let unkId: Int32

    init(json: JSONObject, vocab vocabularyOut: inout [String: Int]) throws {
        let vocab = try ByteStringMap.vocabulary(json.object("vocab"), recording: &vocabularyOut)
        // `tokenizers` defaults the field to "<unk>" and fails on the first unknown word when the
        // vocabulary lacks it; refusing at load time says so before any text is seen.
        unkId = try vocab.unknownId(json.optionalString("unk_token") ?? "<unk>", in: json)
        self.vocab = vocab
    }

    func tokenize(_ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int]) {
        if word.isEmpty { return }
        ids.append(Int(vocab.value(for: word) ?? unkId))
    }
}
