/// The `WordLevel` model: each pre-tokenized word is one vocabulary entry or the unknown token.
struct WordLevelModel: Sendable {
    let vocab: ByteStringMap
    let unkId: Int32

    init(json: JSONObject, vocab vocabularyOut: inout [String: Int]) throws {
        let vocabObject = try json.object("vocab")
        var vocab = ByteStringMap(capacity: vocabObject.fields.count)
        for (token, value) in vocabObject.fields {
            guard let id = value.integer, id >= 0, id < Int(Int32.max) else {
                throw vocabObject.invalid(token, "token id must be a non-negative integer")
            }
            vocab.set(token, Int32(id))
            vocabularyOut[token] = id
        }
        // `tokenizers` defaults the field to "<unk>" and fails on the first unknown word when the
        // vocabulary lacks it; refusing at load time says so before any text is seen.
        let unk = try json.optionalString("unk_token") ?? "<unk>"
        guard let unkId = vocab.value(for: unk) else {
            throw TokenizerError.tokenNotInVocabulary(file: json.file, field: json.field("unk_token"), token: unk)
        }
        self.vocab = vocab
        self.unkId = unkId
    }

    func tokenize(_ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int]) {
        if word.isEmpty { return }
        ids.append(Int(vocab.value(for: word) ?? unkId))
    }
}
