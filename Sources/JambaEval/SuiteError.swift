/// Problems in a suite file, each naming the file and the YAML line and column.
public enum SuiteError: Error, CustomStringConvertible, Equatable {
    case unreadable(file: String, reason: String)
    case syntax(file: String, line: Int, column: Int, reason: String)
    case unknownKey(file: String, line: Int, column: Int, key: String, allowed: [String])
    case wrongType(file: String, line: Int, column: Int, field: String, expected: String)
    case missing(file: String, line: Int, column: Int, field: String)
    case invalid(file: String, line: Int, column: Int, field: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): cannot read: \(reason)"
        case let .syntax(file, line, column, reason): return "\(file):\(line):\(column): YAML syntax: \(reason)"
        case let .unknownKey(file, line, column, key, allowed):
            return "\(file):\(line):\(column): unknown key '\(key)' (allowed: \(allowed.joined(separator: ", ")))"
        case let .wrongType(file, line, column, field, expected):
            return "\(file):\(line):\(column): '\(field)' must be \(expected)"
        case let .missing(file, line, column, field): return "\(file):\(line):\(column): missing required key '\(field)'"
        case let .invalid(file, line, column, field, reason): return "\(file):\(line):\(column): '\(field)': \(reason)"
        }
    }
}
