import JambaSupport

/// Which shard runs each (model, task, record) unit.
///
/// Units are assigned one (model, task) group at a time, and a group's assignment reads nothing
/// but that group: its units' ids and prompt tokens, and hashes of the model, task and record
/// names. Within a group: largest prompt first (ties in the order of a stable hash of model, task
/// and record id), each unit to the shard with the fewest prompt tokens so far (ties to the shard
/// that ranks first for this group by a stable hash of model, task and shard index).
///
/// The trade-off, chosen on purpose:
/// - Stable where it matters. Adding or removing a task or a model leaves every other group's
///   assignment untouched, so the shards' samples of those groups stay theirs and a grown suite
///   resumes in the same shard folders. Adding records to a task's file does move some of that
///   task's units between shards; that costs nothing, because a changed data file changes the
///   task's fingerprint and its samples are rerun anyway.
/// - Balanced. A plain `hash mod N` is stable even against added records, but balances only in
///   expectation: on the default suite (3 models × 4 tasks, 1,620 prompts of 256 to 4,096 tokens)
///   its largest share is 5% off the mean at N = 4 and 12% at N = 8, and 23% at N = 4 on the
///   RULER text sets; this assignment is 0.07%, 0.18% and 3.2% off (ShardAssignmentTests). Greedy
///   largest-first filling keeps each group within one unit of even, and because each group ranks
///   the shards by its own hash, the shard that takes a group's leftover unit differs from group
///   to group rather than piling up on shard 0.
/// - Deterministic everywhere: no Swift `Hasher` (seeded per process), no dictionary order, no
///   floating point; every shard computes every group's whole assignment and keeps its own part,
///   so N machines agree without talking to each other.
public enum ShardAssignment {
    public struct Unit: Sendable, Equatable {
        public var id: String
        /// Prompt tokens: what shares are balanced in.
        public var weight: Int
        public init(id: String, weight: Int) { self.id = id; self.weight = weight }
    }

    /// The shard (0..<count) of each unit of one (model, task) group, in the order of `units`.
    /// Unit ids must be distinct (the runner checks).
    public static func assign(model: String, task: String, units: [Unit], count: Int) -> [Int] {
        precondition(count > 0, "shard count must be positive")
        // This group's ranking of the shards, for ties between equally loaded shards.
        let rank = (0..<count).map { StableHash.of([model, task, "shard \($0)"]) }
        let preference = (0..<count).sorted { (rank[$0], $0) < (rank[$1], $1) }
        let keys = units.map { StableHash.of([model, task, $0.id]) }
        let order = units.indices.sorted { a, b in
            if units[a].weight != units[b].weight { return units[a].weight > units[b].weight }
            if keys[a] != keys[b] { return keys[a] < keys[b] }
            return units[a].id < units[b].id
        }
        // load[p]: prompt tokens given so far to the shard at position p of `preference`.
        var load = [Int](repeating: 0, count: count)
        var shard = [Int](repeating: 0, count: units.count)
        for i in order {
            var best = 0
            for p in 1..<count where load[p] < load[best] { best = p }
            load[best] += units[i].weight
            shard[i] = preference[best]
        }
        return shard
    }

    /// Prompt tokens per shard over several groups' assignments (for reports and tests).
    public static func loads(_ groups: [(units: [Unit], shards: [Int])], count: Int) -> [Int] {
        var load = [Int](repeating: 0, count: count)
        for g in groups { for (u, s) in zip(g.units, g.shards) { load[s] += u.weight } }
        return load
    }

    /// The largest relative distance of a shard's load from the mean: 0.1 is "within 10%".
    public static func imbalance(_ loads: [Int]) -> Double {
        let total = loads.reduce(0, +)
        guard total > 0, !loads.isEmpty else { return 0 }
        let mean = Double(total) / Double(loads.count)
        return loads.map { abs(Double($0) - mean) / mean }.max()!
    }
}

/// A 64-bit hash of text that every machine and every process computes alike: FNV-1a over the
/// parts' UTF-8, each part followed by a NUL (which names never hold, so ["ab", "c"] and
/// ["a", "bc"] differ), then one SplitMix64 step so that ids differing in their last character
/// still spread over the whole range.
public enum StableHash {
    public static func of(_ parts: [String]) -> UInt64 {
        var h = FNV1a()
        for part in parts {
            h.add(part)
            h.add([0])
        }
        var mix = SplitMix64(seed: h.value)
        return mix.next()
    }
}
