/// Any JSON value, kept so that keys the record type does not know survive a read and a write
/// (DESIGN.md §5: unknown keys are kept, not errors). Numbers keep their literal text, so a value
/// such as 12345678901234567890 or 1e-7 is written back exactly as it was read.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public static func int(_ value: Int) -> JSONValue { .number(String(value)) }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var intValue: Int? {
        if case .number(let s) = self { return Int(s) ?? Double(s).flatMap { Int(exactly: $0) } }
        return nil
    }

    public var doubleValue: Double? {
        if case .number(let s) = self { return Double(s) }
        return nil
    }
}
