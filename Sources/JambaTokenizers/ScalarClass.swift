/// The character classes that tokenizer regexes, splitters and normalizers ask about, as flags.
///
/// Every class is what the `tokenizers` package itself answers, read off it code point by code
/// point into UnicodeTables.swift (tools/reference/tokenizers/unicode_tables.py). `tokenizers`
/// asks three different sources, each with its own Unicode version (Oniguruma for regexes, Rust's
/// regex crate, Rust's `char` methods and older crates), all differing from Swift's stdlib on
/// recently assigned characters, so no class is taken from Swift's Unicode properties.
///
/// The pre-tokenizers ask for every character of the input, so the Basic Multilingual Plane is
/// computed once into a 128 KiB table; characters above it take binary searches.
struct ScalarClass: OptionSet, Sendable {
    let rawValue: UInt16

    /// Oniguruma `\p{L}`, `\p{N}`, `\s` (the GPT-2 and Llama-3 split patterns).
    static let letter = ScalarClass(rawValue: 1 << 0)
    static let number = ScalarClass(rawValue: 1 << 1)
    static let whitespace = ScalarClass(rawValue: 1 << 2)
    /// The Rust regex crate's `\w` (Whitespace pre-tokenizer, single_word added tokens): not the
    /// same as letters; ZWJ inside an emoji sequence is a word character, a superscript two not.
    static let word = ScalarClass(rawValue: 1 << 3)
    /// Rust `char::is_whitespace` (WhitespaceSplit, Strip, added-token lstrip / rstrip).
    static let rustWhitespace = ScalarClass(rawValue: 1 << 4)
    /// Rust `char::is_numeric` (Digits).
    static let rustNumeric = ScalarClass(rawValue: 1 << 5)
    /// ASCII punctuation or Unicode P* (Punctuation, BertPreTokenizer).
    static let punctuation = ScalarClass(rawValue: 1 << 6)
    /// Marks that StripAccents removes (M*), and the nonspacing ones BertNormalizer removes (Mn).
    static let mark = ScalarClass(rawValue: 1 << 7)
    static let nonspacingMark = ScalarClass(rawValue: 1 << 8)
    /// What BertNormalizer's clean_text deletes (controls, formats, private use, U+FFFD, NUL).
    static let bertControl = ScalarClass(rawValue: 1 << 9)

    static func of(_ scalar: Unicode.Scalar) -> ScalarClass { of(scalar.value) }

    static func of(_ value: UInt32) -> ScalarClass {
        if value < 0x10000 { return ScalarClass(rawValue: bmpTable[Int(value)]) }
        guard value < 0x110000 else { return [] }
        return compute(value)
    }

    private static let bmpTable: [UInt16] = (0..<0x10000).map { compute(UInt32($0)).rawValue }

    private static let tables: [(RangeTable, ScalarClass)] = [
        (RangeTable(UnicodeTables.letter), .letter),
        (RangeTable(UnicodeTables.number), .number),
        (RangeTable(UnicodeTables.whitespace), .whitespace),
        (RangeTable(UnicodeTables.word), .word),
        (RangeTable(UnicodeTables.rustWhitespace), .rustWhitespace),
        (RangeTable(UnicodeTables.rustNumeric), .rustNumeric),
        (RangeTable(UnicodeTables.punctuation), .punctuation),
        (RangeTable(UnicodeTables.mark), .mark),
        (RangeTable(UnicodeTables.nonspacingMark), .nonspacingMark),
        (RangeTable(UnicodeTables.bertControl), .bertControl),
    ]

    private static func compute(_ value: UInt32) -> ScalarClass {
        var result: ScalarClass = []
        for (table, flag) in tables where table.contains(value) { result.insert(flag) }
        return result
    }
}
