/// What a splitting pre-tokenizer does with the delimiters it finds (`SplitDelimiterBehavior` in
/// `tokenizers`), and the two ways of finding them: per character, or by pattern.
enum SplitBehavior: String, Sendable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"

    static func load(_ json: JSONObject, key: String) throws -> SplitBehavior {
        let name = try json.string(key)
        guard let behavior = SplitBehavior(rawValue: name) else {
            throw json.invalid(key, "unknown split behavior \"\(name)\" (expected Removed, Isolated,"
                               + " MergedWithPrevious, MergedWithNext or Contiguous)")
        }
        return behavior
    }

    /// The kept ranges, given the input cut into (range, isDelimiter) parts that tile it.
    /// Transcribes `NormalizedString::split`; empty ranges are left for the caller to drop.
    func apply(_ parts: [(range: Range<Int>, isMatch: Bool)]) -> [Range<Int>] {
        switch self {
        case .isolated:
            return parts.map(\.range)
        case .removed:
            return parts.filter { !$0.isMatch }.map(\.range)
        case .mergedWithPrevious:
            var out: [Range<Int>] = []
            var previousMatch = false
            for part in parts {
                if part.isMatch && !previousMatch, let last = out.last {
                    out[out.count - 1] = last.lowerBound..<part.range.upperBound
                } else {
                    out.append(part.range)
                }
                previousMatch = part.isMatch
            }
            return out
        case .mergedWithNext:
            var out: [Range<Int>] = []
            var previousMatch = false
            for part in parts.reversed() {
                if part.isMatch && !previousMatch, let last = out.last {
                    out[out.count - 1] = part.range.lowerBound..<last.upperBound
                } else {
                    out.append(part.range)
                }
                previousMatch = part.isMatch
            }
            return out.reversed()
        case .contiguous:
            var out: [Range<Int>] = []
            var previousMatch = false
            for part in parts {
                if part.isMatch == previousMatch, let last = out.last {
                    out[out.count - 1] = last.lowerBound..<part.range.upperBound
                } else {
                    out.append(part.range)
                }
                previousMatch = part.isMatch
            }
            return out
        }
    }

    /// Each character for which `isDelimiter` holds is its own match; the runs between are
    /// non-matches (`Pattern for Fn(char) -> bool`).
    static func characterParts(_ text: UnsafeBufferPointer<UInt8>, invert: Bool = false,
                               _ isDelimiter: (UInt32) -> Bool) -> [(range: Range<Int>, isMatch: Bool)] {
        if text.isEmpty { return [(0..<0, invert)] }
        var parts: [(range: Range<Int>, isMatch: Bool)] = []
        var lastOffset = 0
        var i = 0
        while i < text.count {
            let (value, length) = decodeScalar(text, at: i)
            if isDelimiter(value) {
                if lastOffset < i { parts.append((lastOffset..<i, invert)) }
                parts.append((i..<(i + length), !invert))
                lastOffset = i + length
            }
            i += length
        }
        if text.count > lastOffset { parts.append((lastOffset..<text.count, invert)) }
        return parts
    }

    /// Matches of a pattern and the stretches between them (`Pattern for &Regex`).
    static func patternParts(_ text: UnsafeBufferPointer<UInt8>, matches: [Range<Int>],
                             invert: Bool = false) -> [(range: Range<Int>, isMatch: Bool)] {
        if text.isEmpty { return [(0..<0, invert)] }
        var parts: [(range: Range<Int>, isMatch: Bool)] = []
        var previous = 0
        for match in matches {
            if previous != match.lowerBound { parts.append((previous..<match.lowerBound, invert)) }
            parts.append((match, !invert))
            previous = match.upperBound
        }
        if previous != text.count { parts.append((previous..<text.count, invert)) }
        return parts
    }
}
