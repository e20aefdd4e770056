/// Why `jamba-eval merge` refuses a set of shard folders, naming the folder, the shard index, the
/// field or the unit.
public enum MergeError: Error, CustomStringConvertible, Equatable {
    case noShards
    /// A folder without a readable shard.json.
    case notAShard(folder: String, reason: String)
    /// Two shards disagree on something they must share (suite, version, count, a group's data or
    /// fingerprint).
    case mismatch(field: String, folder: String, value: String, otherFolder: String, otherValue: String)
    /// Two folders hold the same shard index.
    case sameShard(index: Int, folders: [String])
    /// One (model, task, record) unit recorded more than once, in these folders (a folder twice
    /// when one shard recorded it twice).
    case duplicateUnit(model: String, task: String, id: String, folders: [String])
    /// A shard's samples hold a unit its plan does not give it.
    case strayUnit(folder: String, model: String, task: String, id: String)
    /// Shards missing or unfinished; each detail names a shard by its index.
    case incomplete(details: [String])
    /// No shard has a results.json (none finished), so the models' sizes are unknown.
    case noFinishedShard(folders: [String])
    /// The output folder is a shard, or holds samples of another run.
    case badOutput(folder: String, reason: String)

    public var description: String {
        switch self {
        case .noShards: return "merge: no shard folders given"
        case let .notAShard(folder, reason): return "\(folder): not a shard folder: \(reason)"
        case let .mismatch(field, folder, value, other, otherValue):
            return "shards disagree on \(field): \(folder) has \(value), \(other) has \(otherValue); merge only shards of one run"
        case let .sameShard(index, folders):
            return "shard \(index) is given twice: \(folders.joined(separator: ", "))"
        case let .duplicateUnit(model, task, id, folders):
            return "unit \(model)/\(task)/'\(id)' is recorded more than once, in \(folders.joined(separator: ", ")); it would be counted twice"
        case let .strayUnit(folder, model, task, id):
            return "\(folder): unit \(model)/\(task)/'\(id)' is not assigned to this shard; its folder was written by another assignment"
        case let .incomplete(details):
            return "the shards are incomplete:\n" + details.map { "  \($0)" }.joined(separator: "\n")
                + "\nrerun those shards (they resume), or merge with --allow-partial for a report marked partial"
        case let .noFinishedShard(folders):
            return "no shard has finished (no results.json in \(folders.joined(separator: ", "))); rerun one to the end first"
        case let .badOutput(folder, reason): return "\(folder): cannot merge into it: \(reason)"
        }
    }
}
