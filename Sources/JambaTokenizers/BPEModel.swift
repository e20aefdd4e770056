import JambaJSON
import Foundation

/// The `BPE` model of tokenizer.json: a vocabulary, ranked merges, and the SentencePiece-style
/// extras (`byte_fallback`, `unk_token` with `fuse_unk`) that Llama, Mistral and Jamba rely on.
///
/// Mirrors `tokenizers`' models/bpe: a word is split into characters (each looked up in the
/// vocabulary, falling back to `<0xXX>` byte pieces or the unknown token), then adjacent pairs are
/// merged lowest rank first, leftmost first on ties, until no pair merges.
struct BPEModel: Sendable {
    let vocab: ByteStringMap
    let merges: MergeTable
    let unkId: Int32?
    let fuseUnk: Bool
    let byteFallback: Bool
    let ignoreMerges: Bool
    let continuingSubwordPrefix: [UInt8]
    let endOfWordSuffix: [UInt8]
    /// `<0xXX>` piece id per byte, -1 where the vocabulary lacks it.
    let byteIds: [Int32]
    /// Id of each one-byte ASCII character, -1 when absent: most characters in most text, and the
    /// one lookup that would otherwise hash. Only used without prefix and suffix.
    let asciiIds: [Int32]
    let cache: WordCache
    /// Every pair of adjacent characters inside some vocabulary token (as a set: rank 0). Two
    /// in-vocabulary characters forming no such pair can never end up in one token, so a long
    /// word can be cut there and its parts merged (and cached) separately with the same result:
    /// a SentencePiece line falls apart into its "▁word" pieces. Empty when the model has a
    /// prefix or suffix, which makes token spellings differ from the text.
    let joinablePairs: MergeTable
    /// Words at least this long (bytes) are looked at for such cuts; shorter ones merge whole.
    static let minimumCutLength = 24

    /// Words at least this long (bytes) are not cached, as in `tokenizers` (its MAX_LENGTH): a
    /// whole SentencePiece line is one "word" and would only evict the useful entries.
    static let maxCachedLength = 256

    init(json: JSONObject, vocab vocabularyOut: inout [String: Int]) throws {
        if let dropout = try json.has("dropout") ? json.double("dropout") : nil, dropout > 0 {
            throw json.invalid("dropout", "BPE dropout \(dropout) is random; only 0 or null is supported")
        }
        let vocabObject = try json.object("vocab")
        let vocab = try ByteStringMap.vocabulary(vocabObject, recording: &vocabularyOut)

        let prefix = try json.optionalString("continuing_subword_prefix") ?? ""
        let suffix = try json.optionalString("end_of_word_suffix") ?? ""
        continuingSubwordPrefix = Array(prefix.utf8)
        endOfWordSuffix = Array(suffix.utf8)

        let mergeList = json.isNull("merges") ? [] : try json.array("merges")
        var merges = MergeTable(capacity: mergeList.count)
        let prefixLength = continuingSubwordPrefix.count
        for (rank, entry) in mergeList.enumerated() {
            let field = "merges[\(rank)]"
            let pair: [String]
            if let line = entry.stringValue {
                // The older format: "left right", exactly one space.
                pair = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            } else if let parts = entry.arrayValue, parts.count == 2,
                      let left = parts[0].stringValue, let right = parts[1].stringValue {
                pair = [left, right]
            } else {
                throw json.invalid(field, "expected \"left right\" or [left, right]")
            }
            guard pair.count == 2 else {
                throw json.invalid(field, "expected exactly two tokens, got \(pair.count)")
            }
            guard let left = vocab.value(for: pair[0]) else {
                throw TokenizerError.tokenNotInVocabulary(file: json.file, field: json.field(field), token: pair[0])
            }
            guard let right = vocab.value(for: pair[1]) else {
                throw TokenizerError.tokenNotInVocabulary(file: json.file, field: json.field(field), token: pair[1])
            }
            // `tokenizers` drops the prefix's byte count from the right token, prefix or not.
            let rightBytes = Array(pair[1].utf8)
            let merged = Array(pair[0].utf8) + rightBytes[min(prefixLength, rightBytes.count)...]
            guard let result = vocab.value(for: merged) else {
                throw TokenizerError.tokenNotInVocabulary(file: json.file, field: json.field(field),
                                                          token: String(decoding: merged, as: UTF8.self))
            }
            merges.set(left: left, right: right, rank: Int32(rank), result: result)
        }

        // `tokenizers` would fail on the first unknown character instead of refusing here.
        unkId = try json.optionalString("unk_token").map { try vocab.unknownId($0, in: json) }
        fuseUnk = try json.bool("fuse_unk", default: false)
        byteFallback = try json.bool("byte_fallback", default: false)
        ignoreMerges = try json.bool("ignore_merges", default: false)

        byteIds = (0..<256).map { byte in
            vocab.value(for: String(format: "<0x%02X>", byte)) ?? -1
        }
        asciiIds = (0..<128).map { byte in vocab.value(for: [UInt8(byte)]) ?? -1 }
        var pairs = MergeTable(capacity: 16)
        if continuingSubwordPrefix.isEmpty && endOfWordSuffix.isEmpty {
            for token in vocabObject.fields.keys {
                var previous: UInt32?
                for scalar in token.unicodeScalars {
                    if let previous { pairs.set(left: Int32(bitPattern: previous), right: Int32(bitPattern: scalar.value), rank: 0, result: 0) }
                    previous = scalar.value
                }
            }
        }
        joinablePairs = pairs
        self.vocab = vocab
        self.merges = merges
        cache = WordCache()
    }

    /// Appends the ids of one pre-tokenized word.
    func tokenize(_ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int], scratch: inout BPEScratch) {
        if word.isEmpty { return }
        if ignoreMerges, let id = vocab.value(for: word) {
            ids.append(Int(id))
            return
        }
        if word.count >= BPEModel.minimumCutLength && joinablePairs.count > 0 {
            var start = 0
            for cut in cuts(word) {
                tokenizePart(UnsafeBufferPointer(rebasing: word[start..<cut]), into: &ids, scratch: &scratch)
                start = cut
            }
            tokenizePart(UnsafeBufferPointer(rebasing: word[start...]), into: &ids, scratch: &scratch)
        } else {
            tokenizePart(word, into: &ids, scratch: &scratch)
        }
    }

    /// Merges one word, or one independent part of it, through the cache.
    private func tokenizePart(_ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int], scratch: inout BPEScratch) {
        let cacheable = word.count < BPEModel.maxCachedLength
        if cacheable && cache.lookup(word, into: &ids) { return }
        let start = ids.count
        mergeWord(word, scratch: &scratch)
        scratch.appendSymbols(to: &ids)
        if cacheable { cache.store(word, ids: ids[start...]) }
    }

    /// Byte offsets where no merge can ever join the characters on either side (see
    /// `joinablePairs`). Characters outside the vocabulary (byte fallback, unknown) are never
    /// cut beside, so fused unknowns stay fused.
    private func cuts(_ word: UnsafeBufferPointer<UInt8>) -> [Int] {
        var out: [Int] = []
        var previous: UInt32 = 0
        var previousKnown = false
        var index = 0
        while index < word.count {
            let (value, length) = decodeScalar(word, at: index)
            let known = value < 0x80 ? asciiIds[Int(value)] >= 0
                : vocab.value(for: UnsafeBufferPointer(rebasing: word[index..<(index + length)])) != nil
            if known && previousKnown
                && joinablePairs.lookup(Int32(bitPattern: previous), Int32(bitPattern: value)).rank < 0 {
                out.append(index)
            }
            previous = value
            previousKnown = known
            index += length
        }
        return out
    }

    /// Splits `word` into initial symbols, then merges them (tokenizers' `merge_word`).
    private func mergeWord(_ word: UnsafeBufferPointer<UInt8>, scratch: inout BPEScratch) {
        scratch.reset()
        let simple = continuingSubwordPrefix.isEmpty && endOfWordSuffix.isEmpty
        var unkPending: (id: Int32, length: Int32)?
        var index = 0
        let count = word.count
        while index < count {
            let lead = word[index]
            let length = utf8Length(lead: lead)
            let isFirst = index == 0
            let isLast = index + length >= count
            var id: Int32 = -1
            var piece: [UInt8] = []
            if simple {
                if lead < 0x80 {
                    id = asciiIds[Int(lead)]
                } else {
                    id = vocab.value(for: UnsafeBufferPointer(rebasing: word[index..<(index + length)])) ?? -1
                }
            } else {
                if !isFirst { piece += continuingSubwordPrefix }
                piece += word[index..<(index + length)]
                if isLast { piece += endOfWordSuffix }
                id = vocab.value(for: piece) ?? -1
            }
            if id >= 0 {
                if let pending = unkPending {
                    scratch.append(pending.id, length: pending.length)
                    unkPending = nil
                }
                scratch.append(id, length: Int32(length))
            } else {
                var handled = false
                if byteFallback {
                    // Every byte of the piece (prefix and suffix included) must have a <0xXX>.
                    let bytes: [UInt8] = simple ? Array(word[index..<(index + length)]) : piece
                    if bytes.allSatisfy({ byteIds[Int($0)] >= 0 }) {
                        for byte in bytes { scratch.append(byteIds[Int(byte)], length: 1) }
                        handled = true
                    }
                }
                if !handled, let unk = unkId {
                    if let pending = unkPending, fuseUnk {
                        unkPending = (pending.id, pending.length + Int32(length))
                    } else {
                        if let pending = unkPending { scratch.append(pending.id, length: pending.length) }
                        unkPending = (unk, Int32(length))
                    }
                }
                // Without byte fallback and without an unknown token the character is dropped,
                // as `tokenizers` does.
            }
            index += length
        }
        if let pending = unkPending { scratch.append(pending.id, length: pending.length) }
        scratch.mergeAll(merges)
    }
}
