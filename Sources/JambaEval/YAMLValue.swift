import Yams

/// A YAML node with the file it came from and its dotted path, so every typed read can fail with
/// file, line, column and field.
struct YAMLValue {
    let node: Node
    let file: String
    let path: String

    var line: Int { node.mark?.line ?? 0 }
    var column: Int { node.mark?.column ?? 0 }

    func wrongType(_ expected: String) -> SuiteError {
        .wrongType(file: file, line: line, column: column, field: path, expected: expected)
    }

    func invalid(_ reason: String) -> SuiteError {
        .invalid(file: file, line: line, column: column, field: path, reason: reason)
    }

    var string: String {
        get throws {
            guard case .scalar(let s) = node else { throw wrongType("a string") }
            return s.string
        }
    }

    var int: Int {
        get throws {
            guard case .scalar(let s) = node, let v = Int(s.string) else { throw wrongType("an integer") }
            return v
        }
    }

    var bool: Bool {
        get throws {
            guard case .scalar(let s) = node else { throw wrongType("true or false") }
            switch s.string.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: throw wrongType("true or false")
            }
        }
    }

    var list: [YAMLValue] {
        get throws {
            guard case .sequence(let seq) = node else { throw wrongType("a list") }
            return seq.enumerated().map { YAMLValue(node: $1, file: file, path: "\(path)[\($0)]") }
        }
    }

    /// The mapping's entries, rejecting keys outside `allowed`.
    func mapping(allowed: [String]) throws -> YAMLMapping {
        guard case .mapping(let map) = node else { throw wrongType("a mapping") }
        var entries: [String: YAMLValue] = [:]
        for (k, v) in map {
            guard case .scalar(let key) = k else { throw wrongType("a mapping with string keys") }
            guard allowed.contains(key.string) else {
                throw SuiteError.unknownKey(file: file, line: k.mark?.line ?? 0, column: k.mark?.column ?? 0,
                                            key: path.isEmpty ? key.string : "\(path).\(key.string)", allowed: allowed)
            }
            entries[key.string] = YAMLValue(node: v, file: file, path: path.isEmpty ? key.string : "\(path).\(key.string)")
        }
        return YAMLMapping(owner: self, entries: entries)
    }
}

struct YAMLMapping {
    let owner: YAMLValue
    let entries: [String: YAMLValue]

    subscript(_ key: String) -> YAMLValue? { entries[key] }

    func required(_ key: String) throws -> YAMLValue {
        guard let v = entries[key] else {
            let field = owner.path.isEmpty ? key : "\(owner.path).\(key)"
            throw SuiteError.missing(file: owner.file, line: owner.line, column: owner.column, field: field)
        }
        return v
    }
}
