/// The character classes that tokenizer regexes and splitters ask about, as bit flags.
///
/// `letter`, `number` and `whitespace` are what Oniguruma (the regex engine of `tokenizers`) means
/// by `\p{L}`, `\p{N}` and `\s`; `word` is the Rust regex crate's `\w` (Whitespace pre-tokenizer,
/// single_word added tokens). They come from UnicodeTables.swift, recorded from the `tokenizers`
/// package itself: Swift's stdlib knows a newer Unicode, where some thousands of recently
/// assigned characters are letters, and would cut text differently. The other flags (marks,
/// punctuation, controls) only feed normalizers and pre-tokenizers that Rust implements with its
/// own tables, and come from Swift's Unicode properties.
///
/// The pre-tokenizers ask for every character of the input, so the Basic Multilingual Plane is
/// computed once into a 128 KiB table; characters above it take a binary search.
struct ScalarClass: OptionSet, Sendable {
    let rawValue: UInt16

    static let letter = ScalarClass(rawValue: 1 << 0)       // \p{L}
    static let number = ScalarClass(rawValue: 1 << 1)       // \p{N}, Rust char::is_numeric
    static let whitespace = ScalarClass(rawValue: 1 << 2)   // \s, Rust char::is_whitespace
    static let mark = ScalarClass(rawValue: 1 << 3)         // M*
    static let decimal = ScalarClass(rawValue: 1 << 4)      // Nd
    static let connector = ScalarClass(rawValue: 1 << 5)    // Pc
    static let punctuation = ScalarClass(rawValue: 1 << 6)  // P*
    static let control = ScalarClass(rawValue: 1 << 7)      // Cc, Cf
    /// Unicode `\w` of Rust's regex crate (UTS #18): Alphabetic, marks, decimal digits, connector
    /// punctuation and the join controls. Not the same as letters: ZWJ inside an emoji sequence
    /// is a word character, a superscript two is not.
    static let word = ScalarClass(rawValue: 1 << 8)

    static func of(_ scalar: Unicode.Scalar) -> ScalarClass { of(scalar.value) }

    static func of(_ value: UInt32) -> ScalarClass {
        if value < 0x10000 { return ScalarClass(rawValue: bmpTable[Int(value)]) }
        guard value < 0x110000 else { return [] }
        return compute(value)
    }

    private static let bmpTable: [UInt16] = (0..<0x10000).map { compute(UInt32($0)).rawValue }

    private static let letters = RangeTable(UnicodeTables.letter)
    private static let numbers = RangeTable(UnicodeTables.number)
    private static let spaces = RangeTable(UnicodeTables.whitespace)
    private static let words = RangeTable(UnicodeTables.word)

    private static func compute(_ value: UInt32) -> ScalarClass {
        var result: ScalarClass = []
        if letters.contains(value) { result.insert(.letter) }
        if numbers.contains(value) { result.insert(.number) }
        if spaces.contains(value) { result.insert(.whitespace) }
        if words.contains(value) { result.insert(.word) }
        guard let scalar = Unicode.Scalar(value) else { return result }  // surrogates
        switch scalar.properties.generalCategory {
        case .decimalNumber:
            result.insert(.decimal)
        case .nonspacingMark, .spacingMark, .enclosingMark:
            result.insert(.mark)
        case .connectorPunctuation:
            result.formUnion([.connector, .punctuation])
        case .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation:
            result.insert(.punctuation)
        case .control, .format:
            result.insert(.control)
        default:
            break
        }
        return result
    }
}

/// Sorted inclusive code point ranges parsed from "41-5A,61-7A,AA", searched by bisection.
struct RangeTable: Sendable {
    private let lows: [UInt32]
    private let highs: [UInt32]

    init(_ text: String) {
        var lows: [UInt32] = []
        var highs: [UInt32] = []
        for item in text.split(separator: ",") {
            let bounds = item.split(separator: "-").compactMap { UInt32($0, radix: 16) }
            guard let low = bounds.first else { continue }
            lows.append(low)
            highs.append(bounds.count > 1 ? bounds[1] : low)
        }
        self.lows = lows
        self.highs = highs
    }

    func contains(_ value: UInt32) -> Bool {
        var low = 0
        var high = lows.count
        while low < high {
            let middle = (low + high) / 2
            if lows[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low > 0 && value <= highs[low - 1]
    }
}

/// Decoding UTF-8 one scalar at a time from a byte buffer that is known to be valid UTF-8 (it came
/// from a Swift String). Returns the scalar value and its length in bytes.
@inline(__always)
func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (value: UInt32, length: Int) {
    let b0 = UInt32(bytes[index])
    if b0 < 0x80 { return (b0, 1) }
    if b0 < 0xE0 {
        return ((b0 & 0x1F) << 6 | UInt32(bytes[index + 1] & 0x3F), 2)
    }
    if b0 < 0xF0 {
        return ((b0 & 0x0F) << 12 | UInt32(bytes[index + 1] & 0x3F) << 6
                    | UInt32(bytes[index + 2] & 0x3F), 3)
    }
    return ((b0 & 0x07) << 18 | UInt32(bytes[index + 1] & 0x3F) << 12
                | UInt32(bytes[index + 2] & 0x3F) << 6 | UInt32(bytes[index + 3] & 0x3F), 4)
}

/// Length in bytes of the UTF-8 sequence that starts with `lead`.
@inline(__always)
func utf8Length(lead: UInt8) -> Int {
    if lead < 0x80 { return 1 }
    if lead < 0xE0 { return 2 }
    if lead < 0xF0 { return 3 }
    return 4
}

/// Start of the scalar that ends just before `index` (walks back over continuation bytes).
@inline(__always)
func previousScalarStart(_ bytes: UnsafeBufferPointer<UInt8>, before index: Int) -> Int {
    var i = index - 1
    while i > 0 && bytes[i] & 0xC0 == 0x80 { i -= 1 }
    return i
}
