/// The `pre_tokenizer` of tokenizer.json: cuts normalized text into the words the model sees.
indirect enum PreTokenizer: Sendable {
    enum PrependScheme: String, Sendable {
        case always, first, never
    }

    case sequence([PreTokenizer])
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    case metaspace(replacement: [UInt8], prepend: PrependScheme, split: Bool)
    case split(TextPattern, SplitBehavior, invert: Bool)
    case whitespace
    case whitespaceSplit
    case punctuation(SplitBehavior)
    case digits(individual: Bool)
    case bert
    case charDelimiter(UInt32)

    static let supported = ["Sequence", "ByteLevel", "Metaspace", "Split", "Whitespace",
                            "WhitespaceSplit", "Punctuation", "Digits", "BertPreTokenizer",
                            "CharDelimiterSplit"]

    static func load(_ json: JSONObject, key: String) throws -> PreTokenizer? {
        guard let object = try json.optionalObject(key) else { return nil }
        return try load(object)
    }

    static func load(_ json: JSONObject) throws -> PreTokenizer {
        let type = try json.string("type")
        switch type {
        case "Sequence":
            return .sequence(try json.objects("pretokenizers").map(load))
        case "ByteLevel":
            return .byteLevel(addPrefixSpace: try json.bool("add_prefix_space", default: true),
                              useRegex: try json.bool("use_regex", default: true))
        case "Metaspace":
            let replacement = try json.character("replacement")
            let scheme: PrependScheme
            if let name = try json.optionalString("prepend_scheme") {
                guard let parsed = PrependScheme(rawValue: name) else {
                    throw json.invalid("prepend_scheme", "expected always, first or never, got \"\(name)\"")
                }
                scheme = parsed
            } else {
                // Files written before prepend_scheme existed carry add_prefix_space.
                scheme = try json.bool("add_prefix_space", default: true) ? .always : .never
            }
            return .metaspace(replacement: Array(String(replacement).utf8), prepend: scheme,
                              split: try json.bool("split", default: true))
        case "Split":
            return .split(try TextPattern.load(json, key: "pattern"),
                          try SplitBehavior.load(json, key: "behavior"),
                          invert: try json.bool("invert", default: false))
        case "Whitespace":
            return .whitespace
        case "WhitespaceSplit":
            return .whitespaceSplit
        case "Punctuation":
            return .punctuation(json.has("behavior") ? try SplitBehavior.load(json, key: "behavior") : .isolated)
        case "Digits":
            return .digits(individual: try json.bool("individual_digits", default: false))
        case "BertPreTokenizer":
            return .bert
        case "CharDelimiterSplit":
            return .charDelimiter(try json.character("delimiter").value)
        default:
            throw json.unsupported("type", type: type, supported: supported)
        }
    }

    func apply(_ input: PieceList) -> PieceList {
        switch self {
        case .sequence(let steps):
            var pieces = input
            for step in steps { pieces = step.apply(pieces) }
            return pieces

        case .byteLevel(let addPrefixSpace, let useRegex):
            return input.rewritten { text, atStart, out, pieces in
                // The prefix space goes in front of every piece (not only the first), unless the
                // piece already starts with an ASCII space.
                if addPrefixSpace && text.first != 0x20 {
                    let prefixed = [0x20] + Array(text)
                    prefixed.withUnsafeBufferPointer {
                        PreTokenizer.byteLevel($0, atStart, useRegex, &out, &pieces)
                    }
                } else {
                    PreTokenizer.byteLevel(text, atStart, useRegex, &out, &pieces)
                }
            }

        case .metaspace(let replacement, let prepend, let split):
            return input.rewritten { text, atStart, out, pieces in
                let start = out.count
                let startsWithReplacement = text.count >= replacement.count
                    && (0..<replacement.count).allSatisfy { text[$0] == replacement[$0] }
                    || (text.first == 0x20)  // a leading space is about to become the replacement
                let prefix = !startsWithReplacement
                    && (prepend == .always || (prepend == .first && atStart))
                if prefix { out.append(contentsOf: replacement) }
                for byte in text {
                    if byte == 0x20 { out.append(contentsOf: replacement) } else { out.append(byte) }
                }
                if !split {
                    pieces.append(.init(start: start, end: out.count, tokenId: -1, atStart: atStart))
                    return
                }
                // MergedWithNext on the replacement: each piece starts with its "▁".
                var pieceStart = start
                var i = start
                let end = out.count
                while i < end {
                    if i > pieceStart && out[i] == replacement[0]
                        && i + replacement.count <= end
                        && (1..<replacement.count).allSatisfy({ out[i + $0] == replacement[$0] }) {
                        pieces.append(.init(start: pieceStart, end: i, tokenId: -1,
                                            atStart: atStart && pieceStart == start))
                        pieceStart = i
                    }
                    i += 1
                }
                pieces.append(.init(start: pieceStart, end: end, tokenId: -1,
                                    atStart: atStart && pieceStart == start))
            }

        case .split(let pattern, let behavior, let invert):
            return input.split { text in
                behavior.apply(SplitBehavior.patternParts(text, matches: pattern.matches(in: text), invert: invert))
            }

        case .whitespace:
            // \w+|[^\w\s]+ : runs of word characters or of other non-space characters.
            return input.split { text in
                var ranges: [Range<Int>] = []
                var i = 0
                while i < text.count {
                    let (value, length) = decodeScalar(text, at: i)
                    let kind = ScalarClass.of(value)
                    if kind.contains(.rustWhitespace) && !kind.contains(.word) {
                        i += length
                        continue
                    }
                    let isWord = kind.contains(.word)
                    let start = i
                    i += length
                    while i < text.count {
                        let (next, nextLength) = decodeScalar(text, at: i)
                        let nextKind = ScalarClass.of(next)
                        let nextIsWord = nextKind.contains(.word)
                        if isWord ? !nextIsWord : (nextIsWord || nextKind.contains(.rustWhitespace)) { break }
                        i += nextLength
                    }
                    ranges.append(start..<i)
                }
                return ranges
            }

        case .whitespaceSplit:
            return input.split { text in
                SplitBehavior.removed.apply(SplitBehavior.characterParts(text) {
                    ScalarClass.of($0).contains(.rustWhitespace)
                })
            }

        case .punctuation(let behavior):
            return input.split { text in
                behavior.apply(SplitBehavior.characterParts(text, PreTokenizer.isPunctuation))
            }

        case .digits(let individual):
            return input.split { text in
                (individual ? SplitBehavior.isolated : SplitBehavior.contiguous)
                    .apply(SplitBehavior.characterParts(text) { ScalarClass.of($0).contains(.rustNumeric) })
            }

        case .bert:
            return PreTokenizer.punctuation(.isolated).apply(PreTokenizer.whitespaceSplit.apply(input))

        case .charDelimiter(let delimiter):
            return input.split { text in
                SplitBehavior.removed.apply(SplitBehavior.characterParts(text) { $0 == delimiter })
            }
        }
    }

    /// ByteLevel's split (GPT-2 regex) and byte → character mapping of one piece.
    private static func byteLevel(_ source: UnsafeBufferPointer<UInt8>, _ atStart: Bool, _ useRegex: Bool,
                                  _ out: inout [UInt8], _ pieces: inout [PieceList.Piece]) {
        let ranges = useRegex ? ByteLevelSplitter.gpt2Matches(source) : [0..<source.count]
        for range in ranges {
            let start = out.count
            ByteLevelSplitter.appendMapped(UnsafeBufferPointer(rebasing: source[range]), to: &out)
            pieces.append(.init(start: start, end: out.count, tokenId: -1,
                                atStart: atStart && range.lowerBound == 0))
        }
    }

    /// tokenizers' `is_punc`: Rust's `is_ascii_punctuation` (which counts $ + < = > ^ ` | ~
    /// too) or Unicode P*.
    static func isPunctuation(_ value: UInt32) -> Bool {
        ScalarClass.of(value).contains(.punctuation)
    }
}
