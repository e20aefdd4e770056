/// The `decoder` of tokenizer.json: turns token strings back into text. Each step maps the list
/// of token strings to a new list (`decode_chain` in `tokenizers`); the result is their
/// concatenation. Named TokenDecoder to stay clear of Swift's `Decoder` protocol.
indirect enum TokenDecoder: Sendable {
    case sequence([TokenDecoder])
    case replace(TextPattern, content: [UInt8])
    case byteFallback
    case fuse
    case strip(content: Unicode.Scalar, start: Int, stop: Int)
    case metaspace(replacement: Unicode.Scalar, prependFirst: Bool)
    case byteLevel
    case wordPiece(prefix: String, cleanup: Bool)
    case bpe(suffix: String)

    static let supported = ["Sequence", "Replace", "ByteFallback", "Fuse", "Strip", "Metaspace",
                            "ByteLevel", "WordPiece", "BPEDecoder"]

    static func load(_ json: JSONObject, key: String) throws -> TokenDecoder? {
        guard let object = try json.optionalObject(key) else { return nil }
        return try load(object)
    }

    static func load(_ json: JSONObject) throws -> TokenDecoder {
        let type = try json.string("type")
        switch type {
        case "Sequence":
            return .sequence(try json.objects("decoders").map(load))
        case "Replace":
            return .replace(try TextPattern.load(json, key: "pattern"), content: Array(try json.string("content").utf8))
        case "ByteFallback":
            return .byteFallback
        case "Fuse":
            return .fuse
        case "Strip":
            return .strip(content: try json.character("content"), start: try json.int("start"),
                          stop: try json.int("stop"))
        case "Metaspace":
            let scheme: Bool
            if let name = try json.optionalString("prepend_scheme") {
                scheme = name != "never"
            } else {
                scheme = try json.bool("add_prefix_space", default: true)
            }
            return .metaspace(replacement: try json.character("replacement"), prependFirst: scheme)
        case "ByteLevel":
            return .byteLevel
        case "WordPiece":
            return .wordPiece(prefix: try json.optionalString("prefix") ?? "##",
                              cleanup: try json.bool("cleanup", default: true))
        case "BPEDecoder":
            return .bpe(suffix: try json.optionalString("suffix") ?? "</w>")
        default:
            throw json.unsupported("type", type: type, supported: supported)
        }
    }

    func decode(_ tokens: [String]) -> String {
        decodeChain(tokens).joined()
    }

    func decodeChain(_ tokens: [String]) -> [String] {
        switch self {
        case .sequence(let steps):
            return steps.reduce(tokens) { $1.decodeChain($0) }

        case .replace(let pattern, let content):
            return tokens.map {
                String(decoding: pattern.replaceAll(in: Array($0.utf8), with: content), as: UTF8.self)
            }

        case .byteFallback:
            // Runs of <0xXX> tokens become the text their bytes spell, or one U+FFFD per byte
            // when the run is not valid UTF-8.
            var out: [String] = []
            var pending: [UInt8] = []
            func flush() {
                if pending.isEmpty { return }
                if let text = String(validatingUTF8Bytes: pending) {
                    out.append(text)
                } else {
                    out += Array(repeating: "\u{FFFD}", count: pending.count)
                }
                pending.removeAll()
            }
            for token in tokens {
                if let byte = TokenDecoder.byteToken(token) {
                    pending.append(byte)
                } else {
                    flush()
                    out.append(token)
                }
            }
            flush()
            return out

        case .fuse:
            return [tokens.joined()]

        case .strip(let content, let start, let stop):
            return tokens.map { token in
                let scalars = Array(token.unicodeScalars)
                var startCut = 0
                for i in 0..<min(start, scalars.count) {
                    if scalars[i] == content { startCut = i + 1 } else { break }
                }
                var stopCut = scalars.count
                for i in 0..<min(stop, scalars.count) {
                    let index = scalars.count - i - 1
                    if scalars[index] == content { stopCut = index } else { break }
                }
                if startCut >= stopCut { return "" }
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[startCut..<stopCut])
                return String(view)
            }

        case .metaspace(let replacement, let prependFirst):
            // Every replacement character becomes a space, except in the first token, where it
            // is dropped (the space that encoding prepended).
            return tokens.enumerated().map { index, token in
                var view = String.UnicodeScalarView()
                for scalar in token.unicodeScalars {
                    if scalar == replacement {
                        if index == 0 && prependFirst { continue }
                        view.append(" ")
                    } else {
                        view.append(scalar)
                    }
                }
                return String(view)
            }

        case .byteLevel:
            // Tokens spelled in the byte alphabet turn back into bytes; any other token (an added
            // token, say) contributes its own UTF-8.
            var bytes: [UInt8] = []
            for token in tokens {
                var mapped: [UInt8] = []
                var ok = true
                for scalar in token.unicodeScalars {
                    guard let byte = ByteLevelSplitter.scalarToByte[scalar.value] else {
                        ok = false
                        break
                    }
                    mapped.append(byte)
                }
                bytes += ok ? mapped : Array(token.utf8)
            }
            return [String(decoding: bytes, as: UTF8.self)]

        case .wordPiece(let prefix, let cleanup):
            return tokens.enumerated().map { index, token in
                var token = token
                if index != 0 {
                    if token.hasPrefix(prefix) {
                        token = String(token.dropFirst(prefix.count))
                    } else {
                        token = " " + token
                    }
                }
                return cleanup ? TokenDecoder.cleanup(token) : token
            }

        case .bpe(let suffix):
            return tokens.enumerated().map { index, token in
                token.replacingAll(suffix, with: index == tokens.count - 1 ? "" : " ")
            }
        }
    }

    /// `<0xAB>` → 0xAB.
    static func byteToken(_ token: String) -> UInt8? {
        let utf8 = Array(token.utf8)
        guard utf8.count == 6, utf8[0] == UInt8(ascii: "<"), utf8[1] == UInt8(ascii: "0"),
              utf8[2] == UInt8(ascii: "x"), utf8[5] == UInt8(ascii: ">") else { return nil }
        return UInt8(String(decoding: utf8[3..<5], as: UTF8.self), radix: 16)
    }

    /// WordPiece's `cleanup`: glue punctuation and English contractions back on.
    static func cleanup(_ text: String) -> String {
        var text = text
        for (from, to) in [(" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"),
                           (" n't", "n't"), (" 'm", "'m"), (" do not", " don't"), (" 's", "'s"),
                           (" 've", "'ve"), (" 're", "'re")] {
            text = text.replacingAll(from, with: to)
        }
        return text
    }
}

extension String {
    /// UTF-8 bytes to a String, or nil when they are not valid UTF-8.
    init?(validatingUTF8Bytes bytes: [UInt8]) {
        guard isValidUTF8(bytes) else { return nil }
        self = String(decoding: bytes, as: UTF8.self)
    }

    /// Literal, non-overlapping replacement (Rust's `str::replace`), without Foundation.
    func replacingAll(_ target: String, with replacement: String) -> String {
        if target.isEmpty { return self }
        let pattern = TextPattern.literal(Array(target.utf8))
        return String(decoding: pattern.replaceAll(in: Array(utf8), with: Array(replacement.utf8)), as: UTF8.self)
    }
}
