/// The `WordPiece` model (BERT): each word is cut greedily into the longest vocabulary entries
/// from the left, every piece after the first spelled with the `##` prefix; a word that cannot
/// be cut completely, or is longer than `max_input_chars_per_word`, becomes one unknown token.
struct WordPieceModel: Sendable {
    let vocab: ByteStringMap
    let unkId: Int32
    let prefix: [UInt8]
    let maxCharacters: Int

    init(json: JSONObject, vocab vocabularyOut: inout [String: Int]) throws {
        let vocab = try ByteStringMap.vocabulary(json.object("vocab"), recording: &vocabularyOut)
        unkId = try vocab.unknownId(json.optionalString("unk_token") ?? "[UNK]", in: json)
        self.vocab = vocab
        prefix = Array((try json.optionalString("continuing_subword_prefix") ?? "##").utf8)
        maxCharacters = try json.optionalInt("max_input_chars_per_word") ?? 100
    }

    func tokenize(_ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int]) {
        if word.isEmpty { return }
        let characters = word.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        if characters > maxCharacters {
            ids.append(Int(unkId))
            return
        }
        let first = ids.count
        var start = 0
        var candidate: [UInt8] = []
        while start < word.count {
            var end = word.count
            var found: Int32?
            while start < end {
                candidate.removeAll(keepingCapacity: true)
                if start > 0 { candidate += prefix }
                candidate += word[start..<end]
                if let id = vocab.value(for: candidate) {
                    found = id
                    break
                }
                end = previousScalarStart(word, before: end)
            }
            guard let id = found else {
                ids.removeSubrange(first...)
                ids.append(Int(unkId))
                return
            }
            ids.append(Int(id))
            start = end
        }
    }
}
