/// A parsed JSON value, and the parser for it.
///
/// Not `JSONSerialization`: Unigram piece scores must be the very doubles `tokenizers` computes
/// with, or Viterbi breaks exact ties differently (". .." against ".. ." for "..."), and those
/// come from serde_json's own decimal conversion (see `number()`), which neither Foundation's
/// parser nor a correctly rounded one reproduces bit for bit. The parser is also the one place
/// that sees raw bytes of an untrusted file, so every failure names the byte offset.
enum JSONValue {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    var string: String? { if case .string(let value) = self { return value } else { return nil } }
    var array: [JSONValue]? { if case .array(let value) = self { return value } else { return nil } }
    var object: [String: JSONValue]? { if case .object(let value) = self { return value } else { return nil } }
    var bool: Bool? { if case .bool(let value) = self { return value } else { return nil } }
    var double: Double? { if case .number(let value) = self { return value } else { return nil } }
    var isNull: Bool { if case .null = self { return true } else { return false } }

    /// An integral number that fits an Int.
    var integer: Int? {
        guard case .number(let value) = self, value == value.rounded(), abs(value) < 9.0e15 else { return nil }
        return Int(value)
    }

    struct ParseError: Error {
        let offset: Int
        let reason: String
    }

    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            var parser = Parser(bytes: buffer)
            parser.skipSpace()
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            if parser.index != buffer.count { throw parser.error("unexpected text after the JSON value") }
            return value
        }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        /// Deeper nesting than any tokenizer file needs is refused instead of overflowing the stack.
        static let maxDepth = 512

        func error(_ reason: String) -> ParseError { ParseError(offset: index, reason: reason) }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func expect(_ literal: StaticString, _ value: JSONValue) throws -> JSONValue {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw error("truncated literal") }
            for i in 0..<count where bytes[index + i] != literal.utf8Start[i] {
                throw error("invalid literal")
            }
            index += count
            return value
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < Parser.maxDepth else { throw error("nesting deeper than \(Parser.maxDepth)") }
            guard index < bytes.count else { throw error("unexpected end of file") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var object: [String: JSONValue] = [:]
                skipSpace()
                if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(object)
                }
                while true {
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                        throw error("expected a string key")
                    }
                    let key = try string()
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                    index += 1
                    skipSpace()
                    object[key] = try value(depth: depth + 1)
                    skipSpace()
                    guard index < bytes.count else { throw error("unexpected end of file in an object") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(object) }
                    throw error("expected ',' or '}'")
                }
            case UInt8(ascii: "["):
                index += 1
                var array: [JSONValue] = []
                skipSpace()
                if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(array)
                }
                while true {
                    skipSpace()
                    array.append(try value(depth: depth + 1))
                    skipSpace()
                    guard index < bytes.count else { throw error("unexpected end of file in an array") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(array) }
                    throw error("expected ',' or ']'")
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"):
                return try expect("true", .bool(true))
            case UInt8(ascii: "f"):
                return try expect("false", .bool(false))
            case UInt8(ascii: "n"):
                return try expect("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return try number()
            default:
                throw error("unexpected character")
            }
        }

        /// Numbers are read the way serde_json (which `tokenizers` uses, without its
        /// float_roundtrip feature) reads them: the decimal digits as a u64 significand (digits
        /// past its range dropped), converted to a double, then one multiplication or division
        /// by a power of ten. That is not always the nearest double to the decimal text, but it is
        /// the double `tokenizers` computes with, and Unigram ties depend on the last bit.
        mutating func number() throws -> JSONValue {
            var positive = true
            if bytes[index] == UInt8(ascii: "-") {
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
            guard let first = digit() else { throw error("invalid number") }
            index += 1
            var significand = first
            var exponent = 0
            if first == 0, digit() != nil { throw error("leading zero in a number") }
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
                guard digit() != nil else { throw error("invalid number") }
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
                guard digit() != nil else { throw error("invalid number") }
                var value = 0
                while let next = digit() {
                    index += 1
                    value = min(value * 10 + Int(next), 1_000_000)
                }
                exponent += positiveExponent ? value : -value
            }
            if isInteger && exponent == 0 {
                let magnitude = Double(significand)
                return .number(positive ? magnitude : -magnitude)
            }
            var value = Double(significand)
            while true {
                let power = abs(exponent)
                if power <= 308 {
                    if exponent >= 0 {
                        value *= Parser.powersOfTen[power]
                        if value.isInfinite { throw error("number out of range") }
                    } else {
                        value /= Parser.powersOfTen[power]
                    }
                    break
                }
                if value == 0 { break }
                if exponent >= 0 { throw error("number out of range") }
                value /= 1e308
                exponent += 308
            }
            return .number(positive ? value : -value)
        }

        /// 1e0 ... 1e308, each the nearest double (as Rust's literals are).
        static let powersOfTen: [Double] = (0...308).map { Double("1e\($0)")! }

        mutating func string() throws -> String {
            index += 1  // opening quote
            let start = index
            // Fast path: no escapes.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let text = UnsafeBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    return try validated(text, at: start)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                index += 1
            }
            var out = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return try out.withUnsafeBufferPointer { try validated($0, at: start) }
                }
                if byte < 0x20 { throw error("control character in a string") }
                if byte != UInt8(ascii: "\\") {
                    out.append(byte)
                    index += 1
                    continue
                }
                guard index + 1 < bytes.count else { break }
                let escape = bytes[index + 1]
                index += 2
                switch escape {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        // A surrogate pair spells one character above U+FFFF.
                        if index + 1 < bytes.count && bytes[index] == UInt8(ascii: "\\")
                            && bytes[index + 1] == UInt8(ascii: "u") {
                            index += 2
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            code = 0xFFFD  // a lone surrogate, as serde_json would reject; keep going
                        }
                    } else if (0xDC00..<0xE000).contains(code) {
                        code = 0xFFFD
                    }
                    out.append(contentsOf: String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8)
                default:
                    throw error("invalid escape")
                }
            }
            throw error("unterminated string")
        }

        mutating func hex4() throws -> UInt32 {
            guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
                case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
                default: throw error("invalid \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        func validated(_ text: UnsafeBufferPointer<UInt8>, at offset: Int) throws -> String {
            guard isValidUTF8(text) else {
                throw ParseError(offset: offset, reason: "string is not valid UTF-8")
            }
            return String(decoding: text, as: UTF8.self)
        }
    }
}
