/// Added tokens (`added_tokens` in tokenizer.json): special tokens such as `<s>` and any tokens
/// added after training. They are cut out of the text before the model runs, so the model never
/// sees their spelling, in two passes as in `tokenizers`: tokens with `normalized: false` are found
/// in the raw text, the others in the normalized text (their own spelling normalized too).
struct AddedVocabulary: Sendable {
    struct Token: Sendable {
        let content: String
        let id: Int
        let singleWord: Bool
        let lstrip: Bool
        let rstrip: Bool
        let normalized: Bool
        let special: Bool
        /// What `decode` and `id_to_token` give for this id: tokenizers keeps the normalized
        /// spelling of `normalized` tokens (with a Prepend normalizer, "xyzzy" decodes as "▁xyzzy").
        let spelling: String
    }

    /// Special tokens first, then the others, each in file order (the order tokenizers matches
    /// them in; it only matters between identical spellings).
    let tokens: [Token]
    /// Spellings of special tokens: `decode(skipSpecialTokens: true)` drops any token spelled so.
    let specialContents: Set<String>
    private let rawMatcher: TokenMatcher
    private let normalizedMatcher: TokenMatcher

    init(json: JSONObject, normalizer: Normalizer?) throws {
        var tokens: [Token] = []
        for entry in json.has("added_tokens") ? try json.objects("added_tokens") : [] {
            let content = try entry.string("content")
            let normalized = try entry.bool("normalized", default: true)
            let id = try entry.int("id")
            guard id >= 0 else { throw entry.invalid("id", "must not be negative") }
            if content.isEmpty { continue }  // tokenizers ignores empty ones
            let spelling = normalized && normalizer != nil
                ? String(decoding: normalizer!.apply(Array(content.utf8)), as: UTF8.self) : content
            tokens.append(Token(content: content, id: id,
                                singleWord: try entry.bool("single_word", default: false),
                                lstrip: try entry.bool("lstrip", default: false),
                                rstrip: try entry.bool("rstrip", default: false),
                                normalized: normalized,
                                special: try entry.bool("special", default: false),
                                spelling: spelling))
        }
        let ordered = tokens.filter(\.special) + tokens.filter { !$0.special }
        self.tokens = ordered
        specialContents = Set(tokens.filter(\.special).map(\.content))
        rawMatcher = TokenMatcher(ordered.enumerated().filter { !$0.element.normalized }.map {
            (Array($0.element.content.utf8), $0.offset)
        })
        normalizedMatcher = TokenMatcher(ordered.enumerated().filter { $0.element.normalized }.map {
            (Array($0.element.spelling.utf8), $0.offset)
        })
    }

    /// Cuts the added tokens out of every text piece (the raw pass or the normalized pass).
    func extract(_ input: PieceList, normalized: Bool) -> PieceList {
        let matcher = normalized ? normalizedMatcher : rawMatcher
        if matcher.isEmpty { return input }
        var out: [PieceList.Piece] = []
        out.reserveCapacity(input.pieces.count + 8)
        input.bytes.withUnsafeBufferPointer { buffer in
            for piece in input.pieces {
                if piece.isToken {
                    out.append(piece)
                    continue
                }
                let text = UnsafeBufferPointer(rebasing: buffer[piece.start..<piece.end])
                for (tokenIndex, range) in findMatches(text, matcher) where !range.isEmpty {
                    out.append(.init(start: piece.start + range.lowerBound, end: piece.start + range.upperBound,
                                     tokenId: tokenIndex.map { Int32(tokens[$0].id) } ?? -1,
                                     atStart: piece.atStart && range.lowerBound == 0))
                }
            }
        }
        return PieceList(bytes: input.bytes, pieces: out)
    }

    /// tokenizers' `AddedVocabulary::find_matches`: leftmost-longest matches, dropping
    /// `single_word` tokens that touch a word character, widening `lstrip` / `rstrip` tokens over
    /// the whitespace beside them. Returns parts tiling the text (token index or nil).
    private func findMatches(_ text: UnsafeBufferPointer<UInt8>, _ matcher: TokenMatcher) -> [(Int?, Range<Int>)] {
        var parts: [(Int?, Range<Int>)] = []
        var startOffset = 0
        var position = 0
        while let match = matcher.nextMatch(in: text, from: position) {
            position = match.range.upperBound
            var start = match.range.lowerBound
            var stop = match.range.upperBound
            let token = tokens[match.index]
            if token.singleWord {
                let startSpace = start == 0 || !AddedVocabulary.isWordScalar(lastScalar(text, before: start))
                let stopSpace = stop == text.count || !AddedVocabulary.isWordScalar(decodeScalar(text, at: stop).value)
                if !startSpace || !stopSpace { continue }
            }
            if token.lstrip {
                var newStart = start
                while newStart > 0 {
                    let previous = previousScalarStart(text, before: newStart)
                    if !ScalarClass.of(decodeScalar(text, at: previous).value).contains(.rustWhitespace) { break }
                    newStart = previous
                }
                start = max(newStart, startOffset)
            }
            if token.rstrip {
                while stop < text.count {
                    let (value, length) = decodeScalar(text, at: stop)
                    if !ScalarClass.of(value).contains(.rustWhitespace) { break }
                    stop += length
                }
            }
            if startOffset < start { parts.append((nil, startOffset..<start)) }
            parts.append((match.index, start..<stop))
            startOffset = stop
        }
        if startOffset < text.count { parts.append((nil, startOffset..<text.count)) }
        return parts
    }

    private func lastScalar(_ text: UnsafeBufferPointer<UInt8>, before end: Int) -> UInt32 {
        decodeScalar(text, at: previousScalarStart(text, before: end)).value
    }

    /// Rust regex's Unicode `\w` (tokenizers' single_word test).
    static func isWordScalar(_ value: UInt32) -> Bool {
        ScalarClass.of(value).contains(.word)
    }
}
