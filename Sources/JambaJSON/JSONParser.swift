#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The project's one JSON parser: a cursor over bytes in place, for safetensors headers,
/// tokenizer.json and JSONL task records. Not JSONSerialization, because every input here is
/// untrusted and large: a syntax error must name its byte offset, numbers keep their literal text
/// (see `JSONValue`), control characters and invalid UTF-8 inside strings are errors rather than
/// slipping into a prompt or a tensor name, and the big fields of a task record (a long `input`,
/// a million-element `input_ids`) go straight to String and [Int] without boxing. Strings without
/// escapes are found with memchr and validated as UTF-8 in one pass.
///
/// Callers that know their schema (the task-record decoder) walk it with `string()`, `integer()`
/// and `plainIntegerArray()`; the others take the whole tree with `parse(_:options:)`. The hot
/// cursor methods are @inlinable: the record decoder lives in another module, and a call per
/// element would halve the reader's speed.
public struct JSONParser {
    /// A syntax error at a byte offset into the parsed bytes.
    public struct Failure: Error, Equatable, Sendable {
        public let offset: Int
        public let reason: String

        public init(offset: Int, reason: String) {
            self.offset = offset
            self.reason = reason
        }
    }

    /// What a reader of a hostile format refuses beyond JSON's own grammar.
    public struct Options: Sendable {
        /// Deeper nesting is an error instead of a stack overflow (a line of 100k '[').
        public var maxDepth: Int
        /// A key given twice in one object is an error naming it, instead of kept (a safetensors
        /// header: other readers keep one or the other, so the same file would load differently).
        public var rejectsDuplicateKeys: Bool
        /// An escaped \u0000 inside a string is an error (a name with a NUL is cut short wherever
        /// it meets C: file systems, logs).
        public var rejectsEscapedNUL: Bool

        public init(maxDepth: Int = 512, rejectsDuplicateKeys: Bool = false, rejectsEscapedNUL: Bool = false) {
            self.maxDepth = maxDepth
            self.rejectsDuplicateKeys = rejectsDuplicateKeys
            self.rejectsEscapedNUL = rejectsEscapedNUL
        }
    }

    @usableFromInline let base: UnsafePointer<UInt8>
    public let count: Int
    @usableFromInline var pos = 0
    @usableFromInline var options: Options

    public init(_ bytes: UnsafeRawBufferPointer, options: Options = Options()) {
        // An empty buffer may have a nil base address; point at a static byte instead.
        base = bytes.count > 0 ? bytes.baseAddress!.assumingMemoryBound(to: UInt8.self) : JSONParser.emptyByte
        count = bytes.count
        self.options = options
    }

    private static let emptyByte: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.pointee = 0
        return UnsafePointer(p)
    }()

    /// Parses all of `bytes` as one JSON value (surrounding whitespace allowed).
    public static func parse(_ bytes: UnsafeRawBufferPointer, options: Options = Options()) throws -> JSONValue {
        var p = JSONParser(bytes, options: options)
        let v = try p.value()
        p.skipWhitespace()
        guard p.atEnd else { throw p.fail("unexpected \(p.describeNext()) after the JSON value") }
        return v
    }

    public func fail(_ reason: String) -> Failure { Failure(offset: pos, reason: reason) }

    public var atEnd: Bool { pos >= count }

    @inlinable public mutating func skipWhitespace() {
        while pos < count {
            let b = base[pos]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { pos += 1 } else { break }
        }
    }

    /// The next non-blank byte, not consumed; nil at the end.
    @inlinable public mutating func peek() -> UInt8? {
        skipWhitespace()
        return pos < count ? base[pos] : nil
    }

    @inlinable public mutating func expect(_ byte: UInt8, _ what: String) throws {
        skipWhitespace()
        guard pos < count, base[pos] == byte else { throw fail("expected \(what), found \(describeNext())") }
        pos += 1
    }

    /// Consumes `byte` if it is next.
    @inlinable public mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        if pos < count && base[pos] == byte { pos += 1; return true }
        return false
    }

    public func describeNext() -> String {
        guard pos < count else { return "the end of the input" }
        let b = base[pos]
        switch b {
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return "a number"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        default:
            if b >= 0x20 && b < 0x7F { return "'\(Character(UnicodeScalar(b)))'" }
            return "byte 0x\(String(b, radix: 16))"
        }
    }

    // MARK: strings

    @inlinable public mutating func string() throws -> String {
        skipWhitespace()
        guard pos < count, base[pos] == UInt8(ascii: "\"") else { throw fail("expected a string, found \(describeNext())") }
        pos += 1
        let start = pos
        guard let q = memchr(base + pos, 0x22, count - pos) else {
            throw Failure(offset: start - 1, reason: "unterminated string")
        }
        let quote = UnsafePointer<UInt8>(q.assumingMemoryBound(to: UInt8.self)) - base
        if memchr(base + start, 0x5C, quote - start) == nil {
            try rejectControl(start, quote)
            pos = quote + 1
            return try makeString(UnsafeBufferPointer(start: base + start, count: quote - start), at: start)
        }
        return try escapedString(from: start)
    }

    /// JSON forbids raw control characters (a NUL, a newline, a tab) inside strings; accepting
    /// them would let a NUL into a prompt unseen. The minimum over the run is a vectorised
    /// reduction, so prose costs one cheap pass.
    @inlinable @inline(__always) func rejectControl(_ from: Int, _ to: Int) throws {
        var low: UInt8 = 0xFF
        for i in from..<to { low = min(low, base[i]) }
        guard low < 0x20 else { return }
        throw controlCharacter(from, to)
    }

    @usableFromInline func controlCharacter(_ from: Int, _ to: Int) -> Failure {
        let at = (from..<to).first { base[$0] < 0x20 }!
        return Failure(offset: at, reason: "control character 0x\(String(base[at], radix: 16)) inside a string (JSON needs it escaped)")
    }

    @usableFromInline func makeString(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) throws -> String {
        // Invalid UTF-8 is an error rather than silently replaced: `input` must be kept exactly.
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw Failure(offset: offset, reason: "string is not valid UTF-8")
        }
        return s
    }

    @usableFromInline mutating func escapedString(from start: Int) throws -> String {
        // Runs between escapes are found with memchr and copied whole: prose with "\n" every few
        // hundred bytes must not fall back to a byte-at-a-time loop.
        var out: [UInt8] = []
        pos = start
        var nextQuote = start
        while true {
            if nextQuote < pos || base[nextQuote] != 0x22 {
                guard let q = memchr(base + pos, 0x22, count - pos) else {
                    throw Failure(offset: start - 1, reason: "unterminated string")
                }
                nextQuote = UnsafePointer<UInt8>(q.assumingMemoryBound(to: UInt8.self)) - base
            }
            if out.isEmpty { out.reserveCapacity(nextQuote - start + 16) }
            let slash = memchr(base + pos, 0x5C, nextQuote - pos)
            guard let slash else {
                try rejectControl(pos, nextQuote)
                out.append(contentsOf: UnsafeBufferPointer(start: base + pos, count: nextQuote - pos))
                pos = nextQuote + 1
                return try out.withUnsafeBufferPointer { try makeString($0, at: start) }
            }
            let escape = UnsafePointer<UInt8>(slash.assumingMemoryBound(to: UInt8.self)) - base
            try rejectControl(pos, escape)
            out.append(contentsOf: UnsafeBufferPointer(start: base + pos, count: escape - pos))
            pos = escape + 1
            guard pos < count else { throw fail("unterminated escape") }
            let e = base[pos]
            pos += 1
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
                UTF8.encode(try unicodeEscape(at: escape)) { out.append($0) }
            default:
                pos -= 1
                throw fail("invalid escape '\\\(Character(UnicodeScalar(e)))'")
            }
        }
    }

    /// The scalar of a \uXXXX escape (and its low half, for a surrogate pair), `pos` just past the
    /// "\u". A lone surrogate is an error naming the escape's offset, not U+FFFD: no Swift or Rust
    /// string can hold one, serde_json (the tokenizers' reader) refuses it too, and a record whose
    /// `input` was silently changed would score a prompt nobody wrote. Python's json.dumps can
    /// write one (from a str holding a lone surrogate); such a record is corrupt text to be fixed
    /// at its source, and the error says which line and column.
    mutating func unicodeEscape(at escape: Int) throws -> UnicodeScalar {
        let high = try hex4()
        var scalar = high
        if (0xD800..<0xDC00).contains(high) {
            guard pos + 1 < count, base[pos] == 0x5C, base[pos + 1] == UInt8(ascii: "u") else {
                throw Failure(offset: escape, reason: "lone UTF-16 surrogate \\u\(Self.hex(high)) (no low surrogate follows)")
            }
            pos += 2
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else {
                throw Failure(offset: escape, reason: "lone UTF-16 surrogate \\u\(Self.hex(high)) (followed by \\u\(Self.hex(low)), not a low surrogate)")
            }
            scalar = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(high) {
            throw Failure(offset: escape, reason: "lone UTF-16 surrogate \\u\(Self.hex(high)) (a low surrogate with no high one before it)")
        }
        if scalar == 0 && options.rejectsEscapedNUL { throw Failure(offset: escape, reason: "\\u0000 inside a string") }
        return UnicodeScalar(scalar)!
    }

    private static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    mutating func hex4() throws -> UInt32 {
        guard pos + 4 <= count else { throw fail("\\u needs four hex digits") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = base[pos]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("\\u needs four hex digits")
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }

    // MARK: numbers

    /// Validates a JSON number and returns the range of its literal text.
    public mutating func numberLiteral() throws -> Range<Int> {
        skipWhitespace()
        let start = pos
        if pos < count && base[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < count, isDigit(base[pos]) else { throw fail("expected a number, found \(describeNext())") }
        if base[pos] == UInt8(ascii: "0") {
            pos += 1
            if pos < count && isDigit(base[pos]) { throw Failure(offset: pos - 1, reason: "a number may not start with 0") }
        } else {
            while pos < count && isDigit(base[pos]) { pos += 1 }
        }
        if pos < count && base[pos] == UInt8(ascii: ".") {
            pos += 1
            guard pos < count, isDigit(base[pos]) else { throw fail("expected a digit after '.'") }
            while pos < count && isDigit(base[pos]) { pos += 1 }
        }
        if pos < count && (base[pos] == UInt8(ascii: "e") || base[pos] == UInt8(ascii: "E")) {
            pos += 1
            if pos < count && (base[pos] == UInt8(ascii: "+") || base[pos] == UInt8(ascii: "-")) { pos += 1 }
            guard pos < count, isDigit(base[pos]) else { throw fail("expected a digit in the exponent") }
            while pos < count && isDigit(base[pos]) { pos += 1 }
        }
        return start..<pos
    }

    public func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count), as: UTF8.self)
    }

    /// An integer; also accepts an integral float such as 4096.0 (Python writers produce them).
    /// Returns nil (after consuming the number) if it is not an integer that fits in Int.
    @inlinable public mutating func integer() throws -> Int? {
        skipWhitespace()
        // Fast path: optional minus and up to 18 digits, followed by a non-number byte.
        var p = pos
        var negative = false
        if p < count && base[p] == UInt8(ascii: "-") { negative = true; p += 1 }
        let digitsStart = p
        var v = 0
        while p < count && isDigit(base[p]) && p - digitsStart < 18 {
            v = v &* 10 &+ Int(base[p] &- 0x30)
            p += 1
        }
        let digits = p - digitsStart
        if digits > 0 && (digits == 1 || base[digitsStart] != UInt8(ascii: "0")) {
            if p >= count || !(isDigit(base[p]) || base[p] == UInt8(ascii: ".") || base[p] == UInt8(ascii: "e") || base[p] == UInt8(ascii: "E")) {
                pos = p
                return negative ? -v : v
            }
        }
        let range = try numberLiteral()
        guard let d = Double(text(range)), d == d.rounded(), abs(d) < 9.2e18 else { return nil }
        return Int(d)
    }

    /// `[i, j, …]` of plain integers in one tight loop (input_ids of a 128K-token record is a
    /// million bytes of them). Returns nil, consuming nothing, if an element is anything else
    /// (a float, a string, too many digits), so the caller can fall back or report the field.
    @inlinable public mutating func plainIntegerArray() throws -> [Int]? {
        skipWhitespace()
        // Locals, not self.pos/self.base: stores into the array could alias self and would force
        // a reload of pos on every element.
        let base = self.base, count = self.count
        var pos = self.pos
        guard pos < count, base[pos] == UInt8(ascii: "["),
              let close = memchr(base + pos, Int32(UInt8(ascii: "]")), count - pos) else { return nil }
        let end = UnsafePointer<UInt8>(close.assumingMemoryBound(to: UInt8.self)) - base
        pos += 1
        // Size the array exactly, once: growing a million-element array by doubling copies it
        // ~20 times and faults in fresh pages each time, and append's uniqueness check per
        // element cost as much again (together half of a kv_recall read).
        var commas = 0
        for i in pos..<end where base[i] == UInt8(ascii: ",") { commas &+= 1 }
        var failed = false
        let out = [Int](unsafeUninitializedCapacity: commas + 1) { buffer, initialized in
            var n = 0
            while pos < end && base[pos] == 0x20 { pos += 1 }
            if pos == end { initialized = 0; return }  // []
            while true {
                while pos < end && base[pos] == 0x20 { pos += 1 }
                var negative = false
                if pos < end && base[pos] == UInt8(ascii: "-") { negative = true; pos += 1 }
                let digitsStart = pos
                var v = 0
                while pos < end {
                    let d = base[pos] &- 0x30
                    if d >= 10 { break }
                    v = v &* 10 &+ Int(d)
                    pos += 1
                }
                let digits = pos - digitsStart
                while pos < end && base[pos] == 0x20 { pos += 1 }
                guard digits > 0, digits <= 18, digits == 1 || base[digitsStart] != UInt8(ascii: "0"),
                      n <= commas, pos == end || base[pos] == UInt8(ascii: ",") else { failed = true; break }
                buffer[n] = negative ? -v : v
                n += 1
                if pos == end { break }
                pos += 1
            }
            initialized = failed ? 0 : n
        }
        if failed { return nil }
        self.pos = end + 1
        return out
    }

    public mutating func double() throws -> Double {
        let range = try numberLiteral()
        return Double(text(range)) ?? .nan
    }

    @inlinable @inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    // MARK: any value

    /// The next value as a tree, within `options` (depth, duplicate keys, escaped NUL).
    public mutating func value(depth: Int = 0) throws -> JSONValue {
        guard depth < options.maxDepth else { throw fail("nesting deeper than \(options.maxDepth)") }
        guard let b = peek() else { throw fail("expected a value, found \(describeNext())") }
        switch b {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"):
            pos += 1
            var members: [(key: String, value: JSONValue)] = []
            if consume(UInt8(ascii: "}")) { return .object(members) }
            var seen = Set<String>()
            repeat {
                guard peek() == UInt8(ascii: "\"") else { throw fail("expected a string key, found \(describeNext())") }
                let keyAt = pos
                let k = try string()
                if options.rejectsDuplicateKeys {
                    guard seen.insert(k).inserted else { throw Failure(offset: keyAt, reason: "key '\(k)' appears twice") }
                }
                try expect(UInt8(ascii: ":"), "':' after key '\(k)'")
                members.append((key: k, value: try value(depth: depth + 1)))
            } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"), "',' or '}'")
            return .object(members)
        case UInt8(ascii: "["):
            pos += 1
            var items: [JSONValue] = []
            if consume(UInt8(ascii: "]")) { return .array(items) }
            repeat { items.append(try value(depth: depth + 1)) } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"), "',' or ']'")
            return .array(items)
        case UInt8(ascii: "t"): try word("true"); return .bool(true)
        case UInt8(ascii: "f"): try word("false"); return .bool(false)
        case UInt8(ascii: "n"): try word("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(text(try numberLiteral()))
        default: throw fail("expected a value, found \(describeNext())")
        }
    }

    public mutating func word(_ w: StaticString) throws {
        let n = w.utf8CodeUnitCount
        guard pos + n <= count, memcmp(base + pos, w.utf8Start, n) == 0 else {
            throw fail("expected \(w), found \(describeNext())")
        }
        pos += n
    }

    /// Consumes `null` if it is next.
    @inlinable public mutating func consumeNull() -> Bool {
        skipWhitespace()
        if pos + 4 <= count && memcmp(base + pos, "null", 4) == 0 { pos += 4; return true }
        return false
    }
}
