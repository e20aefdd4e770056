/// The JSON of a safetensors header, parsed by hand rather than by JSONSerialization for three
/// reasons: a syntax error must name its byte offset in the file (the header is untrusted and can
/// be megabytes long), a key given twice must be refused (JSONSerialization keeps one silently, so
/// the same file would load differently elsewhere), and control characters inside strings (a NUL
/// in a tensor name) are invalid JSON that must not slip through.
enum HeaderJSON: Equatable {
    case null
    case bool(Bool)
    /// A number's literal text, so integers of any size are judged exactly by the caller.
    case number(String)
    case string(String)
    case array([HeaderJSON])
    /// Members in file order (keys are unique: a duplicate is a parse error).
    case object([(String, HeaderJSON)])

    static func == (a: HeaderJSON, b: HeaderJSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    struct Failure: Error, Equatable {
        /// Byte offset inside the parsed bytes.
        let offset: Int
        let reason: String
    }

    /// Parses `bytes` as one JSON value (surrounding whitespace allowed).
    static func parse(_ bytes: UnsafeRawBufferPointer) throws -> HeaderJSON {
        var p = Parser(bytes: bytes)
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        if p.index < bytes.count { throw p.fail("unexpected \(p.describe()) after the JSON value") }
        return v
    }

    /// An integral number without fraction or exponent that fits in Int.
    var integer: Int? {
        guard case .number(let text) = self else { return nil }
        return Int(text)
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var index = 0
        /// A header is a two-level object; anything much deeper is hostile.
        static let maxDepth = 64

        func fail(_ reason: String) -> Failure { Failure(offset: index, reason: reason) }

        func describe() -> String {
            guard index < bytes.count else { return "the end of the header" }
            let b = bytes[index]
            if b >= 0x20 && b < 0x7F { return "'\(Character(UnicodeScalar(b)))'" }
            return "byte 0x\(String(b, radix: 16))"
        }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func literal(_ word: String, _ value: HeaderJSON) throws -> HeaderJSON {
            for b in word.utf8 {
                guard index < bytes.count, bytes[index] == b else { throw fail("expected \(word), found \(describe())") }
                index += 1
            }
            return value
        }

        mutating func value(depth: Int) throws -> HeaderJSON {
            guard depth < Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth)") }
            guard index < bytes.count else { throw fail("expected a value, found the end of the header") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [(String, HeaderJSON)] = []
                var seen = Set<String>()
                skipSpace()
                if index < bytes.count && bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                while true {
                    skipSpace()
                    let keyAt = index
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a string key, found \(describe())") }
                    let key = try string()
                    guard seen.insert(key).inserted else { throw Failure(offset: keyAt, reason: "key '\(key)' appears twice") }
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':' after key '\(key)', found \(describe())") }
                    index += 1
                    skipSpace()
                    members.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard index < bytes.count else { throw fail("expected ',' or '}', found the end of the header") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                    throw fail("expected ',' or '}', found \(describe())")
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [HeaderJSON] = []
                skipSpace()
                if index < bytes.count && bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard index < bytes.count else { throw fail("expected ',' or ']', found the end of the header") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                    throw fail("expected ',' or ']', found \(describe())")
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("expected a value, found \(describe())")
            }
        }

        mutating func number() throws -> String {
            let start = index
            func digits() -> Int {
                let s = index
                while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
                return index - s
            }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            let intStart = index
            guard digits() > 0 else { throw fail("expected a digit") }
            if bytes[intStart] == 0x30 && index - intStart > 1 { throw Failure(offset: intStart, reason: "a number may not start with 0") }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw fail("expected a digit after '.'") }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw fail("expected a digit in the exponent") }
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }

        mutating func string() throws -> String {
            let open = index
            index += 1
            var out: [UInt8] = []
            while true {
                guard index < bytes.count else { throw Failure(offset: open, reason: "unterminated string") }
                let b = bytes[index]
                if b == UInt8(ascii: "\"") { index += 1; break }
                if b < 0x20 { throw fail("control character 0x\(String(b, radix: 16)) inside a string (JSON needs it escaped)") }
                if b != UInt8(ascii: "\\") { out.append(b); index += 1; continue }
                index += 1
                guard index < bytes.count else { throw fail("unterminated escape") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == 0x5C, bytes[index + 1] == UInt8(ascii: "u") else {
                            throw fail("lone UTF-16 surrogate in \\u escape")
                        }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("lone UTF-16 surrogate in \\u escape") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw fail("lone UTF-16 surrogate in \\u escape")
                    }
                    // A NUL would cut the name short wherever it meets C (file systems, logs).
                    if scalar == 0 { throw fail("\\u0000 inside a string") }
                    UTF8.encode(UnicodeScalar(scalar)!) { out.append($0) }
                default:
                    index -= 1
                    throw fail("invalid escape '\\\(Character(UnicodeScalar(e)))'")
                }
            }
            guard let s = String(validating: out, as: UTF8.self) else { throw Failure(offset: open, reason: "string is not valid UTF-8") }
            return s
        }

        mutating func hex4() throws -> UInt32 {
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard index < bytes.count else { throw fail("\\u needs four hex digits") }
                let c = bytes[index]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x61...0x66: d = UInt32(c - 0x61 + 10)
                case 0x41...0x46: d = UInt32(c - 0x41 + 10)
                default: throw fail("\\u needs four hex digits")
                }
                v = v << 4 | d
                index += 1
            }
            return v
        }
    }
}
