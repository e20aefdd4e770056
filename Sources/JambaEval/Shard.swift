/// One slice of a suite's work, `--shard K/N`: shard K (from 0) of N. Every (model, task, record)
/// unit belongs to exactly one shard (ShardAssignment), so N machines running K = 0…N-1 between
/// them run the suite once, and `jamba-eval merge` joins their folders into one report.
public struct Shard: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count > 0 else { throw ShardError.badSpec("\(index)/\(count)", reason: "N must be at least 1") }
        guard index >= 0, index < count else {
            throw ShardError.badSpec("\(index)/\(count)", reason: "K must be in 0…N-1 (shards count from 0)")
        }
        self.index = index
        self.count = count
    }

    /// "K/N" as the command line takes it (Slurm: $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT).
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
            throw ShardError.badSpec(text, reason: "expected K/N with whole numbers, e.g. 0/4")
        }
        try self.init(index: k, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// The folder a shard writes to when no --output is given: beside the others, under the
    /// suite's output, so `jamba-eval merge OUTPUT/shard-*-of-N --output OUTPUT` finds them all.
    public var folderName: String { "shard-\(index)-of-\(count)" }
}
