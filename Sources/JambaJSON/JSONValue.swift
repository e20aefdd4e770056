/// Any JSON value, kept losslessly: numbers as their literal text (12345678901234567890 or 1e-7 is
/// written back exactly as read, and each reader converts it its own way: exact integers for a
/// safetensors header, serde_json's doubles for tokenizer scores), object members in file order
/// (so errors are reported in file order, not in a hash order that changes from run to run).
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in file order. A key may appear twice only when the parser was told to keep
    /// duplicates (`JSONParser.Options.rejectsDuplicateKeys` off); `objectValue` keeps the last.
    case object([(key: String, value: JSONValue)])

    public static func int(_ value: Int) -> JSONValue { .number(String(value)) }

    /// An object from a dictionary, members in sorted key order (a dictionary has no order of its
    /// own, and generated files must not depend on a hash seed).
    public static func object(_ members: [String: JSONValue]) -> JSONValue {
        .object(members.keys.sorted().map { (key: $0, value: members[$0]!) })
    }

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }

    public var arrayValue: [JSONValue]? { if case .array(let items) = self { return items } else { return nil } }

    /// The members of an object, in file order.
    public var members: [(key: String, value: JSONValue)]? {
        if case .object(let m) = self { return m } else { return nil }
    }

    /// The members of an object by key; of a key given twice the last wins, as in serde_json and
    /// Python's json.
    public var objectValue: [String: JSONValue]? {
        guard case .object(let m) = self else { return nil }
        var out = [String: JSONValue](minimumCapacity: m.count)
        for (k, v) in m { out[k] = v }
        return out
    }

    /// An integer that fits Int: its literal exactly, or an integral float such as 4096.0 (Python
    /// writers produce them).
    public var intValue: Int? {
        guard case .number(let s) = self else { return nil }
        return Int(s) ?? Double(s).flatMap { Int(exactly: $0) }
    }

    /// An integer written as one: digits only, no fraction or exponent, within Int. For fields where
    /// 1.0 or 1e3 in place of an integer means a corrupt or hostile file (a tensor's offsets).
    public var exactInteger: Int? {
        guard case .number(let s) = self else { return nil }
        return Int(s)
    }

    /// The nearest double to the literal (correctly rounded).
    public var doubleValue: Double? {
        guard case .number(let s) = self else { return nil }
        return Double(s)
    }
}
