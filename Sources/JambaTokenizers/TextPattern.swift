/// The `pattern` of Split, Replace (normalizer and decoder): `{"String": "..."}` matches that
/// text literally, `{"Regex": "..."}` is a regular expression.
enum TextPattern: Sendable {
    case literal([UInt8])
    case regex(RegexMatcher)

    static func load(_ json: JSONObject, key: String) throws -> TextPattern {
        let object = try json.object(key)
        if let literal = try object.optionalString("String") {
            return .literal(Array(literal.utf8))
        }
        if let pattern = try object.optionalString("Regex") {
            return .regex(try RegexMatcher(pattern: pattern, file: json.file, field: object.field("Regex")))
        }
        throw json.invalid(key, "expected {\"String\": ...} or {\"Regex\": ...}")
    }

    /// Non-overlapping matches, left to right, as byte ranges.
    func matches(in text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        switch self {
        case .regex(let matcher):
            return matcher.matches(in: text)
        case .literal(let needle):
            // tokenizers escapes the string into a regex; an empty one never splits.
            if needle.isEmpty || text.count < needle.count { return [] }
            var out: [Range<Int>] = []
            let first = needle[0]
            let last = text.count - needle.count
            var i = 0
            while i <= last {
                if text[i] == first && needle.indices.allSatisfy({ text[i + $0] == needle[$0] }) {
                    out.append(i..<(i + needle.count))
                    i += needle.count
                } else {
                    i += 1
                }
            }
            return out
        }
    }

    /// Every match replaced by `content`.
    func replaceAll(in text: [UInt8], with content: [UInt8]) -> [UInt8] {
        // The SentencePiece normalizer replaces " " with "▁" in every input: one pass, no ranges.
        if case .literal(let needle) = self, needle.count == 1 {
            let byte = needle[0]
            var out: [UInt8] = []
            out.reserveCapacity(text.count + text.count / 3)
            for b in text {
                if b == byte { out.append(contentsOf: content) } else { out.append(b) }
            }
            return out
        }
        return text.withUnsafeBufferPointer { buffer in
            let found = matches(in: buffer)
            if found.isEmpty { return text }
            var out: [UInt8] = []
            out.reserveCapacity(text.count + found.count * max(0, content.count - 1))
            var previous = 0
            for match in found {
                out.append(contentsOf: buffer[previous..<match.lowerBound])
                out.append(contentsOf: content)
                previous = match.upperBound
            }
            out.append(contentsOf: buffer[previous...])
            return out
        }
    }
}
