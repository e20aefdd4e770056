/// Problems a run meets in its inputs or its output folder, naming the file and the record.
public enum RunError: Error, CustomStringConvertible {
    case model(name: String, reason: String)
    case record(file: String, id: String, reason: String)
    case recordAt(file: String, line: Int, id: String, reason: String)
    case samplesChanged(file: String, recorded: String, now: String)
    case samplesUnreadable(file: String, line: Int, reason: String)
    case io(file: String, reason: String)

    public var description: String {
        switch self {
        case let .model(name, reason): return "model '\(name)': \(reason)"
        case let .record(file, id, reason): return "\(file): record '\(id)': \(reason)"
        case let .recordAt(file, line, id, reason): return "\(file):\(line): record '\(id)': \(reason)"
        case let .samplesChanged(file, recorded, now):
            return "\(file) was written for a different suite, model or data (fingerprint \(recorded), now \(now)); rerun with --fresh to discard it"
        case let .samplesUnreadable(file, line, reason): return "\(file):\(line): \(reason)"
        case let .io(file, reason): return "\(file): \(reason)"
        }
    }
}
