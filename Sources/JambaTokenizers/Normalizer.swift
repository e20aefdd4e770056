/// The `normalizer` of tokenizer.json. It runs on each stretch of text between added tokens
/// (so `Prepend` adds its "▁" after every special token too, as in `tokenizers`), and on the
/// spelling of every added token marked `normalized`.
indirect enum Normalizer: Sendable {
    case sequence([Normalizer])
    case prepend([UInt8])
    case replace(TextPattern, content: [UInt8])
    case nfc, nfd, nfkc, nfkd
    case lowercase
    case strip(left: Bool, right: Bool)
    case stripAccents
    case bert(cleanText: Bool, chineseChars: Bool, stripAccents: Bool, lowercase: Bool)

    static let supported = ["Sequence", "Prepend", "Replace", "NFC", "NFD", "NFKC", "NFKD",
                            "Lowercase", "Strip", "StripAccents", "BertNormalizer"]

    /// Reads `normalizer` (or one element of a Sequence); nil for JSON null.
    static func load(_ json: JSONObject, key: String) throws -> Normalizer? {
        guard let object = try json.optionalObject(key) else { return nil }
        return try load(object)
    }

    static func load(_ json: JSONObject) throws -> Normalizer {
        let type = try json.string("type")
        switch type {
        case "Sequence":
            return .sequence(try json.objects("normalizers").map(load))
        case "Prepend":
            return .prepend(Array(try json.string("prepend").utf8))
        case "Replace":
            return .replace(try TextPattern.load(json, key: "pattern"),
                            content: Array(try json.string("content").utf8))
        case "NFC": return .nfc
        case "NFD": return .nfd
        case "NFKC": return .nfkc
        case "NFKD": return .nfkd
        case "Lowercase": return .lowercase
        case "Strip":
            return .strip(left: try json.bool("strip_left", default: true),
                          right: try json.bool("strip_right", default: true))
        case "StripAccents": return .stripAccents
        case "BertNormalizer":
            let lowercase = try json.bool("lowercase", default: true)
            return .bert(cleanText: try json.bool("clean_text", default: true),
                         chineseChars: try json.bool("handle_chinese_chars", default: true),
                         // null means "same as lowercase" in tokenizers.
                         stripAccents: try json.bool("strip_accents", default: lowercase),
                         lowercase: lowercase)
        default:
            throw json.unsupported("type", type: type, supported: supported)
        }
    }

    func apply(_ text: [UInt8]) -> [UInt8] {
        switch self {
        case .sequence(let steps):
            var text = text
            for step in steps { text = step.apply(text) }
            return text
        case .prepend(let prefix):
            return text.isEmpty ? text : prefix + text
        case .replace(let pattern, let content):
            return pattern.replaceAll(in: text, with: content)
        case .nfc: return UnicodeNormalizer.normalize(text, .nfc)
        case .nfd: return UnicodeNormalizer.normalize(text, .nfd)
        case .nfkc: return UnicodeNormalizer.normalize(text, .nfkc)
        case .nfkd: return UnicodeNormalizer.normalize(text, .nfkd)
        case .lowercase:
            return Normalizer.lowercased(text)
        case .strip(let left, let right):
            return Normalizer.strip(text, left: left, right: right)
        case .stripAccents:
            return Normalizer.filterScalars(text) { !ScalarClass.of($0).contains(.mark) }
        case .bert(let cleanText, let chineseChars, let stripAccents, let lowercase):
            var text = text
            if cleanText { text = Normalizer.bertClean(text) }
            if chineseChars { text = Normalizer.padChinese(text) }
            if stripAccents {
                // Only nonspacing marks here (Mn), where StripAccents drops every mark (M*).
                text = UnicodeNormalizer.normalize(text, .nfd)
                text = Normalizer.filterScalars(text) { !ScalarClass.of($0).contains(.nonspacingMark) }
            }
            if lowercase { text = Normalizer.lowercased(text) }
            return text
        }
    }

    /// Lowercase one character at a time (tokenizers maps each char with Rust's
    /// `char::to_lowercase`, so capital sigma is always σ, never the word-final ς that
    /// `str::to_lowercase` would give). Multi-character mappings (İ → i̇) are kept whole.
    static func lowercased(_ text: [UInt8]) -> [UInt8] {
        if text.allSatisfy({ $0 < 0x80 }) {
            return text.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        }
        var out = String.UnicodeScalarView()
        for scalar in String(decoding: text, as: UTF8.self).unicodeScalars {
            if scalar.value < 0x80 {
                out.append(scalar.value >= 65 && scalar.value <= 90 ? Unicode.Scalar(scalar.value + 32)! : scalar)
            } else {
                out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return Array(String(out).utf8)
    }

    /// Trims whitespace (Rust `char::is_whitespace`) from either end.
    static func strip(_ text: [UInt8], left: Bool, right: Bool) -> [UInt8] {
        text.withUnsafeBufferPointer { bytes in
            var start = 0
            var end = bytes.count
            if left {
                while start < end {
                    let (value, length) = decodeScalar(bytes, at: start)
                    if !ScalarClass.of(value).contains(.rustWhitespace) { break }
                    start += length
                }
            }
            if right {
                while end > start {
                    let previous = previousScalarStart(bytes, before: end)
                    if !ScalarClass.of(decodeScalar(bytes, at: previous).value).contains(.rustWhitespace) { break }
                    end = previous
                }
            }
            return Array(bytes[start..<end])
        }
    }

    static func filterScalars(_ text: [UInt8], keep: (Unicode.Scalar) -> Bool) -> [UInt8] {
        var out = String.UnicodeScalarView()
        for scalar in String(decoding: text, as: UTF8.self).unicodeScalars where keep(scalar) {
            out.append(scalar)
        }
        return Array(String(out).utf8)
    }

    /// BertNormalizer `clean_text`: drop controls, formats, private use, NUL and U+FFFD (but
    /// keep \t \n \r), then turn every remaining whitespace character into a plain space.
    static func bertClean(_ text: [UInt8]) -> [UInt8] {
        var out = String.UnicodeScalarView()
        for scalar in String(decoding: text, as: UTF8.self).unicodeScalars {
            let value = scalar.value
            let kind = ScalarClass.of(value)
            if value == 0x09 || value == 0x0A || value == 0x0D {
                out.append(" ")
            } else if kind.contains(.bertControl) {
                continue
            } else if kind.contains(.rustWhitespace) {
                out.append(" ")
            } else {
                out.append(scalar)
            }
        }
        return Array(String(out).utf8)
    }

    /// BertNormalizer `handle_chinese_chars`: a space on both sides of every CJK ideograph.
    static func padChinese(_ text: [UInt8]) -> [UInt8] {
        var out = String.UnicodeScalarView()
        for scalar in String(decoding: text, as: UTF8.self).unicodeScalars {
            switch scalar.value {
            case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
                 0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
                out.append(" ")
                out.append(scalar)
                out.append(" ")
            default:
                out.append(scalar)
            }
        }
        return Array(String(out).utf8)
    }
}
