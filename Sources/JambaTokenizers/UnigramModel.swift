import JambaJSON
import Foundation

/// The `Unigram` model (SentencePiece unigram, used by T5-family checkpoints): the best-scoring
/// segmentation of each word by Viterbi over the pieces, unknown characters fused into one
/// unknown token, optionally spelled as `<0xXX>` byte pieces instead.
///
/// Mirrors `tokenizers`' models/unigram `encode_optimized`, including its tie rule (the first path
/// found keeps a tie) and its unknown-token score (lowest piece score minus 10).
struct UnigramModel: Sendable {
    let vocab: ByteStringMap
    /// Every prefix of every piece → bit 1 "is a prefix", bit 2 "is a piece". Stands in for the
    /// trie of `tokenizers`: a search extends a candidate one character at a time while it is a
    /// prefix of some piece.
    let prefixes: ByteStringMap
    let scores: [Double]
    let unkId: Int32?
    let unkScore: Double
    let byteFallback: Bool
    let byteIds: [Int32]

    init(json: JSONObject, vocab vocabularyOut: inout [String: Int]) throws {
        let entries = try json.array("vocab")
        var vocab = ByteStringMap(capacity: entries.count)
        var prefixes = ByteStringMap(capacity: entries.count * 4)
        var scores: [Double] = []
        var minScore = Double.infinity
        for (id, entry) in entries.enumerated() {
            guard let pair = entry.arrayValue, pair.count == 2, let piece = pair[0].stringValue,
                  let score = pair[1].serdeDouble else {
                throw json.invalid("vocab[\(id)]", "expected [piece, score]")
            }
            vocab.set(piece, Int32(id))
            vocabularyOut[piece] = id
            scores.append(score)
            minScore = min(minScore, score)
            let bytes = Array(piece.utf8)
            var end = 0
            while end < bytes.count {
                end += utf8Length(lead: bytes[end])
                let prefix = Array(bytes[0..<min(end, bytes.count)])
                let old = prefixes.value(for: prefix) ?? 0
                prefixes.set(prefix, old | (end >= bytes.count ? 3 : 1))
            }
        }
        if let unk = try json.optionalInt("unk_id") {
            guard unk >= 0 && unk < entries.count else {
                throw json.invalid("unk_id", "\(unk) is outside the vocabulary of \(entries.count) pieces")
            }
            unkId = Int32(unk)
        } else {
            unkId = nil
        }
        byteFallback = try json.bool("byte_fallback", default: false)
        byteIds = (0..<256).map { byte in vocab.value(for: String(format: "<0x%02X>", byte)) ?? -1 }
        unkScore = (minScore.isFinite ? minScore : 0) - 10.0
        self.vocab = vocab
        self.prefixes = prefixes
        self.scores = scores
    }

    func tokenize(_ word: UnsafeBufferPointer<UInt8>, into ids: inout [Int]) {
        let size = word.count
        if size == 0 { return }
        // best[end]: score of the best path ending at byte `end`, where that last piece starts,
        // and its id (-1 = not reached yet).
        var bestScore = [Double](repeating: 0, count: size + 1)
        var bestStart = [Int](repeating: -1, count: size + 1)
        var bestId = [Int32](repeating: -1, count: size + 1)
        var start = 0
        while start < size {
            let here = bestScore[start]
            let charLength = utf8Length(lead: word[start])
            var hasSingle = false
            var end = start
            while end < size {
                end += utf8Length(lead: word[end])
                let candidate = UnsafeBufferPointer(rebasing: word[start..<min(end, size)])
                guard let flags = prefixes.value(for: candidate) else { break }
                if flags & 2 != 0, let id = vocab.value(for: candidate) {
                    let score = here + scores[Int(id)]
                    if bestStart[end] < 0 || score > bestScore[end] {
                        bestScore[end] = score
                        bestStart[end] = start
                        bestId[end] = id
                    }
                    if end - start == charLength { hasSingle = true }
                }
            }
            if !hasSingle, let unk = unkId {
                let end = start + charLength
                let score = here + unkScore
                if bestStart[end] < 0 || score > bestScore[end] {
                    bestScore[end] = score
                    bestStart[end] = start
                    bestId[end] = unk
                }
            }
            start += charLength
        }
        // Walk back; consecutive unknown pieces fuse into one (tokenizers hard-wires fuse_unk).
        var pieces: [(start: Int, end: Int, unknown: Bool)] = []
        var end = size
        while end > 0 {
            let begin = bestStart[end]
            if begin < 0 { return }  // unreachable without an unknown token; tokenizers errors
            let unknown = unkId != nil && bestId[end] == unkId
            if unknown, let last = pieces.last, last.unknown {
                pieces[pieces.count - 1] = (begin, last.end, true)
            } else {
                pieces.append((begin, end, unknown))
            }
            end = begin
        }
        for piece in pieces.reversed() {
            let bytes = UnsafeBufferPointer(rebasing: word[piece.start..<piece.end])
            if let id = vocab.value(for: bytes) {
                ids.append(Int(id))
                continue
            }
            if byteFallback && bytes.allSatisfy({ byteIds[Int($0)] >= 0 }) {
                for byte in bytes { ids.append(Int(byteIds[Int(byte)])) }
                continue
            }
            if let unk = unkId { ids.append(Int(unk)) }
        }
    }
}
