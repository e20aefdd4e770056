/// Errors reading reports and baselines, naming the file and what was wrong.
public enum ReportError: Error, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case malformed(file: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): cannot read: \(reason)"
        case let .malformed(file, reason): return "\(file): not a jamba-eval bench or results file: \(reason)"
        }
    }
}
