import JambaJSON

/// Reading a model's `vocab` object, shared by the BPE, WordPiece and WordLevel models.
extension ByteStringMap {
    /// The token → id pairs of `object` (a model's "vocab"), each also recorded in `vocabulary`,
    /// the tokenizer's id table.
    static func vocabulary(_ object: JSONObject, recording vocabulary: inout [String: Int]) throws -> ByteStringMap {
        var map = ByteStringMap(capacity: object.fields.count)
        for (token, value) in object.fields {
            guard let id = value.serdeInteger, id >= 0, id < Int(Int32.max) else {
                throw object.invalid(token, "token id must be a non-negative integer")
            }
            map.set(token, Int32(id))
            vocabulary[token] = id
        }
        return map
    }

    /// The id of the unknown token `token` named by `json`'s "unk_token" field (or its default),
    /// which must be in the vocabulary.
    func unknownId(_ token: String, in json: JSONObject) throws -> Int32 {
        guard let id = value(for: token) else {
            throw TokenizerError.tokenNotInVocabulary(file: json.file, field: json.field("unk_token"), token: token)
        }
        return id
    }
}
