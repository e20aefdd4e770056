/// Problems running one shard of a suite, naming the file, the field or the record.
public enum ShardError: Error, CustomStringConvertible, Equatable {
    /// `--shard` was not K/N with 0 ≤ K < N.
    case badSpec(String, reason: String)
    /// A task file names one record id twice: its two units could not be told apart when shards merge.
    case duplicateRecord(file: String, id: String)
    /// The output folder holds another shard (or another kind of run) than this one.
    case folderMismatch(file: String, field: String, recorded: String, now: String)
    /// A shard.json that cannot be read.
    case manifestUnreadable(file: String, reason: String)
    /// A samples file of this shard holds a unit the shard is not assigned.
    case strayUnit(file: String, id: String, shard: String)
    /// The suite's `throughput.shard` names no shard of this run.
    case throughputShard(file: String, shard: Int, count: Int)

    public var description: String {
        switch self {
        case let .badSpec(text, reason): return "--shard '\(text)': \(reason)"
        case let .duplicateRecord(file, id):
            return "\(file): record id '\(id)' appears more than once; a sharded run needs unique ids per task"
        case let .folderMismatch(file, field, recorded, now):
            return "\(file): field '\(field)' is \(recorded), this run is \(now); give another --output, or --fresh to discard the folder's samples"
        case let .manifestUnreadable(file, reason): return "\(file): not a jamba-eval shard file: \(reason)"
        case let .strayUnit(file, id, shard):
            return "\(file): sample '\(id)' is not assigned to shard \(shard); the folder was written by another assignment (rerun with --fresh)"
        case let .throughputShard(file, shard, count):
            return "\(file): throughput.shard is \(shard), but this run has \(count) shard\(count == 1 ? "" : "s") (0…\(count - 1)); no shard would run the probes"
        }
    }
}
