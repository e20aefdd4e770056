/// Hand-written scanners for the two word-splitting regexes that byte-level BPE checkpoints run
/// on every word, plus GPT-2's byte ↔ character alphabet.
///
/// A scanner tries the alternatives of its pattern in order at each position, as a backtracking
/// regex engine does; since every character starts some alternative in both patterns, the matches
/// tile the input. Character classes are `ScalarClass` (Unicode general categories and
/// White_Space, which is what Oniguruma's `\p{L}`, `\p{N}` and `\s` mean).
enum ByteLevelSplitter {
    static let gpt2Pattern =
        #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let llama3Pattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    // MARK: GPT-2

    static func gpt2Matches(_ text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        out.reserveCapacity(text.count / 4 + 1)
        var scanner = Scanner(text)
        while scanner.position < text.count {
            let start = scanner.position
            scanner.position = gpt2MatchEnd(&scanner, start)
            out.append(start..<scanner.position)
        }
        return out
    }

    /// The end of the match that starts at `start`.
    private static func gpt2MatchEnd(_ s: inout Scanner, _ start: Int) -> Int {
        let count = s.count
        let c = s.byte(start)
        // 's|'t|'re|'ve|'m|'ll|'d
        if c == UInt8(ascii: "'") && start + 1 < count {
            if let length = contraction(s, start + 1, caseInsensitive: false) { return start + 1 + length }
        }
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional space then a run of one kind.
        var body = start
        if c == 0x20 && start + 1 < count { body = start + 1 }
        let kind = s.classOf(body)
        if body == start + 1 && kind.contains(.whitespace) {
            body = start  // a space followed by whitespace: no run alternative applies
        }
        let first = s.classOf(body)
        if !first.contains(.whitespace) || body != start {
            if first.contains(.letter) { return s.run(from: body) { $0.contains(.letter) } }
            if first.contains(.number) { return s.run(from: body) { $0.contains(.number) } }
            if !first.contains(.whitespace) {
                return s.run(from: body) { !$0.contains(.whitespace) && !$0.contains(.letter) && !$0.contains(.number) }
            }
        }
        return whitespaceEnd(s, start)
    }

    // MARK: Llama 3 / cl100k

    static func llama3Matches(_ text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        out.reserveCapacity(text.count / 4 + 1)
        var scanner = Scanner(text)
        while scanner.position < text.count {
            let start = scanner.position
            scanner.position = llama3MatchEnd(&scanner, start)
            out.append(start..<scanner.position)
        }
        return out
    }

    private static func llama3MatchEnd(_ s: inout Scanner, _ start: Int) -> Int {
        let count = s.count
        let c = s.byte(start)
        // (?i:'s|'t|'re|'ve|'m|'ll|'d)
        if c == UInt8(ascii: "'") && start + 1 < count {
            if let length = contraction(s, start + 1, caseInsensitive: true) { return start + 1 + length }
        }
        let first = s.classOf(start)
        let firstLength = s.length(start)
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if first.contains(.letter) { return s.run(from: start) { $0.contains(.letter) } }
        let isNewline = c == 0x0A || c == 0x0D
        if !isNewline && !first.contains(.number) && start + firstLength < count
            && s.classOf(start + firstLength).contains(.letter) {
            return s.run(from: start + firstLength) { $0.contains(.letter) }
        }
        // \p{N}{1,3}
        if first.contains(.number) {
            var end = start
            for _ in 0..<3 where end < count && s.classOf(end).contains(.number) { end += s.length(end) }
            return end
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        var body = start
        if c == 0x20 && start + 1 < count { body = start + 1 }
        let bodyClass = s.classOf(body)
        if (body == start + 1 || !first.contains(.whitespace))
            && !bodyClass.contains(.whitespace) && !bodyClass.contains(.letter) && !bodyClass.contains(.number) {
            var end = s.run(from: body) { !$0.contains(.whitespace) && !$0.contains(.letter) && !$0.contains(.number) }
            while end < count && (s.byte(end) == 0x0A || s.byte(end) == 0x0D) { end += 1 }
            return end
        }
        // \s*[\r\n]+ : through the last CR or LF of the whitespace run.
        let runEnd = s.run(from: start) { $0.contains(.whitespace) }
        var lastNewline = -1
        var i = start
        while i < runEnd {
            let b = s.byte(i)
            if b == 0x0A || b == 0x0D { lastNewline = i }
            i += s.length(i)
        }
        if lastNewline >= 0 { return lastNewline + 1 }
        return whitespaceEnd(s, start)
    }

    // MARK: Shared pieces

    /// `\s+(?!\S)|\s+` at `start` (a whitespace character): the whole run when it reaches the end
    /// of the text, else the run minus its last character, else (a single character) that one.
    private static func whitespaceEnd(_ s: Scanner, _ start: Int) -> Int {
        let end = s.run(from: start) { $0.contains(.whitespace) }
        if end == s.count { return end }
        let last = previousScalarStart(s.text, before: end)
        return last > start ? last : end
    }

    /// Length of s|t|re|ve|m|ll|d at `at`, or nil.
    private static func contraction(_ s: Scanner, _ at: Int, caseInsensitive: Bool) -> Int? {
        func lower(_ i: Int) -> UInt8 {
            guard i < s.count else { return 0 }
            let b = s.byte(i)
            return caseInsensitive && b >= 65 && b <= 90 ? b + 32 : b
        }
        switch lower(at) {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"): return 1
        case UInt8(ascii: "r"), UInt8(ascii: "v"): return lower(at + 1) == UInt8(ascii: "e") ? 2 : nil
        case UInt8(ascii: "l"): return lower(at + 1) == UInt8(ascii: "l") ? 2 : nil
        default: return nil
        }
    }

    struct Scanner {
        let text: UnsafeBufferPointer<UInt8>
        var position = 0
        var count: Int { text.count }

        init(_ text: UnsafeBufferPointer<UInt8>) { self.text = text }

        @inline(__always) func byte(_ i: Int) -> UInt8 { text[i] }

        @inline(__always) func length(_ i: Int) -> Int { utf8Length(lead: text[i]) }

        @inline(__always) func classOf(_ i: Int) -> ScalarClass {
            let b = text[i]
            if b < 0x80 { return ScalarClass(rawValue: asciiClasses[Int(b)]) }
            return ScalarClass.of(decodeScalar(text, at: i).value)
        }

        /// End of the run of characters satisfying `test` that starts at `from`.
        @inline(__always) func run(from: Int, _ test: (ScalarClass) -> Bool) -> Int {
            var i = from
            while i < text.count && test(classOf(i)) { i += length(i) }
            return i
        }
    }

    static let asciiClasses: [UInt16] = (0..<128).map { ScalarClass.of(UInt32($0)).rawValue }

    // MARK: Byte alphabet

    /// GPT-2's `bytes_to_unicode`: printable Latin-1 bytes stand for themselves, the other 68
    /// bytes for U+0100 onwards in byte order, so every byte is a visible character.
    static let byteToScalar: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            if (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte) {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = next
                next += 1
            }
        }
        return table
    }()

    /// UTF-8 of each byte's character, packed (length in the low byte, then up to 2 bytes).
    static let byteToUTF8: [(UInt8, UInt8, UInt8)] = byteToScalar.map { scalar in
        let bytes = Array(String(Unicode.Scalar(scalar)!).utf8)
        return (UInt8(bytes.count), bytes[0], bytes.count > 1 ? bytes[1] : 0)
    }

    /// Character → byte, for decoding.
    static let scalarToByte: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (byte, scalar) in byteToScalar.enumerated() { map[scalar] = UInt8(byte) }
        return map
    }()

    static func appendMapped(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        for byte in bytes {
            let (length, first, second) = byteToUTF8[Int(byte)]
            out.append(first)
            if length > 1 { out.append(second) }
        }
    }
}
