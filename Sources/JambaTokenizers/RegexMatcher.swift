import Foundation

/// A regular expression from tokenizer.json (Split pre-tokenizer, Replace normalizer/decoder),
/// matched on UTF-8 bytes and answering byte ranges.
///
/// `tokenizers` compiles these with Oniguruma. Two patterns that real checkpoints use on every
/// word (GPT-2's and the Llama-3 / cl100k one) are recognised and run by hand-written scanners,
/// which are exact and fast; any other pattern goes to ICU through NSRegularExpression, after
/// rewriting the class shorthands whose meaning differs between the two engines (`\s` `\w` `\d`
/// `\p{L}` `\p{N}` and their negations) into explicit code point sets that are Oniguruma's, as
/// recorded from `tokenizers` in UnicodeTables.swift. ICU's own `\s` lacks U+000B and U+0085,
/// its `\w` is the UTS #18 set, and its Unicode is newer.
struct RegexMatcher: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as safe to share between threads.
    private enum Engine {
        case gpt2
        case llama3
        case icu(NSRegularExpression)
    }

    private let engine: Engine
    let pattern: String

    init(pattern: String, file: String, field: String) throws {
        self.pattern = pattern
        if pattern == ByteLevelSplitter.gpt2Pattern {
            engine = .gpt2
        } else if pattern == ByteLevelSplitter.llama3Pattern {
            engine = .llama3
        } else {
            do {
                engine = .icu(try NSRegularExpression(pattern: RegexMatcher.icuPattern(pattern)))
            } catch {
                throw TokenizerError.invalidValue(file: file, field: field,
                                                  reason: "regular expression /\(pattern)/ does not compile: \(error)")
            }
        }
    }

    /// Non-overlapping matches, left to right, as byte ranges (empty matches included, as
    /// Oniguruma's find_iter reports them).
    func matches(in text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        switch engine {
        case .gpt2: return ByteLevelSplitter.gpt2Matches(text)
        case .llama3: return ByteLevelSplitter.llama3Matches(text)
        case .icu(let regex): return RegexMatcher.icuMatches(regex, text)
        }
    }

    private static func icuMatches(_ regex: NSRegularExpression, _ text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        let string = String(decoding: text, as: UTF8.self)
        // UTF-16 offset → UTF-8 offset at every scalar boundary.
        var utf8At = [Int](repeating: 0, count: string.utf16.count + 1)
        var u16 = 0, u8 = 0
        for scalar in string.unicodeScalars {
            utf8At[u16] = u8
            u16 += scalar.utf16.count
            u8 += scalar.utf8.count
        }
        utf8At[u16] = u8
        let range = NSRange(location: 0, length: u16)
        return regex.matches(in: string, options: [], range: range).map { match in
            utf8At[match.range.location]..<utf8At[match.range.location + match.range.length]
        }
    }

    /// Oniguruma's meaning of each shorthand, as the inside of a character class.
    private static let classes: [String: String] = [
        "s": RangeTable(UnicodeTables.whitespace).classBody,
        "w": RangeTable(UnicodeTables.onigWord).classBody,
        "d": RangeTable(UnicodeTables.onigDigit).classBody,
        "p{L}": RangeTable(UnicodeTables.letter).classBody,
        "p{N}": RangeTable(UnicodeTables.number).classBody,
    ]

    /// Rewrites the shorthands listed in `classes` for ICU (see the type comment). Inside a
    /// bracket expression a shorthand becomes its ranges; outside, a bracket expression of them
    /// (negated for \S \W \D \P{L} \P{N}). A negated shorthand inside brackets is left to ICU.
    static func icuPattern(_ pattern: String) -> String {
        var out = ""
        var inClass = 0
        var chars = Array(pattern)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\\" && i + 1 < chars.count {
                let n = chars[i + 1]
                var name = String(n).lowercased()
                var length = 2
                if (n == "p" || n == "P") && i + 4 < chars.count && chars[i + 2] == "{" && chars[i + 4] == "}" {
                    name = "p{\(chars[i + 3])}"
                    length = 5
                }
                let negated = n.isUppercase
                if let body = classes[name], !(negated && inClass > 0) {
                    out += inClass > 0 ? body : (negated ? "[^\(body)]" : "[\(body)]")
                } else {
                    out += String(chars[i..<min(i + length, chars.count)])
                }
                i += length
                continue
            }
            if c == "[" { inClass += 1 } else if c == "]" && inClass > 0 { inClass -= 1 }
            out.append(c)
            i += 1
        }
        chars.removeAll()
        return out
    }
}
