/// The one JSON writer: builds JSON text byte by byte (task records, safetensors headers).
/// Generated files must be byte-identical for the same seed, so the output is fully determined
/// here: strings escape only what JSON requires (quote, backslash, control characters) and keep
/// other UTF-8 as is, `value` writes objects in sorted key order, and doubles use Swift's shortest
/// round-trip form. A caller that needs its own member order writes `{`, `key` and the values.
public struct JSONWriter {
    public var bytes: [UInt8] = []
    /// Write "/" as "\/". Safetensors headers were written by Foundation's JSONSerialization,
    /// which escapes it; they keep doing so, so `init` writes the same bytes as before.
    public let escapesSlash: Bool

    public init(capacity: Int = 0, escapesSlash: Bool = false) {
        bytes.reserveCapacity(capacity)
        self.escapesSlash = escapesSlash
    }

    public mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A member's key with the comma before it (none before the first) and the colon after it.
    public mutating func key(_ name: String, first: inout Bool) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        string(name)
        bytes.append(UInt8(ascii: ":"))
    }

    public mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            var runStart = 0
            for i in 0..<utf8.count {
                let b = utf8[i]
                if b >= 0x20 && b != 0x22 && b != 0x5C && (b != 0x2F || !escapesSlash) { continue }
                if runStart < i { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
                runStart = i + 1
                switch b {
                case 0x22: raw("\\\"")
                case 0x5C: raw("\\\\")
                case 0x2F: raw("\\/")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                case 0x08: raw("\\b")
                case 0x0C: raw("\\f")
                default:
                    raw("\\u00")
                    bytes.append(JSONWriter.hex[Int(b >> 4)])
                    bytes.append(JSONWriter.hex[Int(b & 15)])
                }
            }
            if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func int(_ v: Int) { bytes.append(contentsOf: String(v).utf8) }

    /// JSON has no NaN or infinity; callers validate before writing, and null is the safe fallback.
    public mutating func double(_ v: Double) {
        if !v.isFinite { raw("null"); return }
        if v == v.rounded(), abs(v) < 1e15 {
            // 0.0 → "0.0", as Python's json.dumps writes floats (keeps the type visible).
            bytes.append(contentsOf: String(Int(v)).utf8)
            raw(".0")
        } else {
            bytes.append(contentsOf: v.description.utf8)
        }
    }

    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null: raw("null")
        case .bool(let b): if b { raw("true") } else { raw("false") }
        case .number(let literal): bytes.append(contentsOf: literal.utf8)
        case .string(let s): string(s)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                value(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object:
            // Sorted keys, the last of a key given twice (as a dictionary kept them): a record read
            // and written again is the same bytes whatever order its writer used.
            let members = v.objectValue!
            bytes.append(UInt8(ascii: "{"))
            var first = true
            for k in members.keys.sorted() {
                key(k, first: &first)
                value(members[k]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)
}
