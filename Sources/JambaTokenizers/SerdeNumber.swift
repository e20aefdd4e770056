import JambaJSON

/// A JSON number as serde_json (which `tokenizers` uses, without its float_roundtrip feature)
/// reads it: the decimal digits as a u64 significand (digits past its range dropped), converted to
/// a double, then one multiplication or division by a power of ten. That is not always the nearest
/// double to the decimal text, but it is the double `tokenizers` computes with, and Unigram
/// Viterbi breaks exact ties (". .." against ".. ." for "...") on the last bit, so neither
/// Foundation's parser nor a correctly rounded one will do.
enum SerdeNumber {
    /// The double of a JSON number literal (already validated by the parser); nil when serde_json
    /// would refuse it as out of range.
    static func double(_ literal: String) -> Double? {
        var literal = literal
        return literal.withUTF8 { double($0) }
    }

    private static func double(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var index = 0
        var positive = true
        if index < bytes.count && bytes[index] == UInt8(ascii: "-") {
            positive = false
            index += 1
        }
        func digit() -> UInt64? {
            guard index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 else { return nil }
            return UInt64(bytes[index] - 0x30)
        }
        func overflows(_ significand: UInt64, _ next: UInt64) -> Bool {
            significand >= UInt64.max / 10 && (significand > UInt64.max / 10 || next > UInt64.max % 10)
        }
        guard let first = digit() else { return nil }
        index += 1
        var significand = first
        var exponent = 0
        if first != 0 {
            while let next = digit() {
                index += 1
                if overflows(significand, next) { exponent += 1 } else { significand = significand * 10 + next }
            }
        }
        var isInteger = true
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            var overflowed = exponent > 0
            while let next = digit() {
                index += 1
                if overflowed || overflows(significand, next) {
                    overflowed = true
                } else {
                    significand = significand * 10 + next
                    exponent -= 1
                }
            }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            isInteger = false
            index += 1
            var positiveExponent = true
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                positiveExponent = bytes[index] == UInt8(ascii: "+")
                index += 1
            }
            var value = 0
            while let next = digit() {
                index += 1
                value = min(value * 10 + Int(next), 1_000_000)
            }
            exponent += positiveExponent ? value : -value
        }
        if isInteger && exponent == 0 {
            let magnitude = Double(significand)
            return positive ? magnitude : -magnitude
        }
        var value = Double(significand)
        while true {
            let power = abs(exponent)
            if power <= 308 {
                if exponent >= 0 {
                    value *= powersOfTen[power]
                    if value.isInfinite { return nil }
                } else {
                    value /= powersOfTen[power]
                }
                break
            }
            if value == 0 { break }
            if exponent >= 0 { return nil }
            value /= 1e308
            exponent += 308
        }
        return positive ? value : -value
    }

    /// 1e0 ... 1e308, each the nearest double (as Rust's literals are).
    private static let powersOfTen: [Double] = (0...308).map { Double("1e\($0)")! }
}

extension JSONValue {
    /// The number as `tokenizers` reads it (see `SerdeNumber`).
    var serdeDouble: Double? {
        guard case .number(let literal) = self else { return nil }
        return SerdeNumber.double(literal)
    }

    /// An integral number that fits an Int, judged on serde_json's double (so 5.0 and 5e0 are 5,
    /// as `tokenizers` accepts them for ids).
    var serdeInteger: Int? {
        guard case .number(let literal) = self else { return nil }
        if let exact = Int(literal), abs(exact) < 9_000_000_000_000_000 { return exact }
        guard let value = SerdeNumber.double(literal), value == value.rounded(), abs(value) < 9.0e15 else { return nil }
        return Int(value)
    }
}
