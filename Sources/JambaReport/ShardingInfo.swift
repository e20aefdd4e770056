import Foundation
import JambaEval

/// How a report's samples were split over shards: in one shard's own report (`run --shard K/N`)
/// and in `jamba-eval merge`'s. Absent from an unsharded run's results.json.
public struct ShardingInfo: Codable, Sendable, Equatable {
    /// One shard and the machine it (last) ran on.
    public struct Shard: Codable, Sendable, Equatable {
        public var index: Int
        public var host: String
        public var cpu: String
        public var openblasCore: String
        public var threads: Int
        /// Units the assignment gives the shard, and their prompt tokens, over the groups it planned.
        public var units: Int
        public var promptTokens: Int
        /// Units whose samples its folder holds.
        public var recorded: Int
        /// It ran (or was to run) the throughput probes.
        public var throughput: Bool
        /// Its run got to the end: every unit and the probes.
        public var finished: Bool

        enum CodingKeys: String, CodingKey {
            case index, host, cpu, threads, units, recorded, throughput, finished
            case openblasCore = "openblas_core"
            case promptTokens = "prompt_tokens"
        }

        public init(index: Int, host: String, cpu: String, openblasCore: String, threads: Int, units: Int,
                    promptTokens: Int, recorded: Int, throughput: Bool, finished: Bool) {
            self.index = index; self.host = host; self.cpu = cpu; self.openblasCore = openblasCore; self.threads = threads
            self.units = units; self.promptTokens = promptTokens; self.recorded = recorded
            self.throughput = throughput; self.finished = finished
        }

        /// A shard as its manifest describes it, with the units its folder holds.
        public init(_ m: ShardManifest, recorded: Int) {
            index = m.index; host = m.machine.host; cpu = m.machine.cpu; openblasCore = m.machine.openblasCore
            threads = m.machine.threads; units = m.groups.reduce(0) { $0 + $1.assigned.count }
            promptTokens = m.groups.reduce(0) { $0 + $1.assignedPromptTokens }
            self.recorded = recorded; throughput = m.throughput; finished = m.finished
        }
    }

    /// N of `--shard K/N`.
    public var count: Int
    /// True in `jamba-eval merge`'s report, false in one shard's own.
    public var merged: Bool
    /// True when units of the suite are missing from these tables: a merge with --allow-partial
    /// of an incomplete set, and every single shard's own report.
    public var partial: Bool
    /// Units of the groups the shards planned (every model × task × record they read).
    public var units: Int
    /// Of those, units whose samples are not in these tables.
    public var missingUnits: Int
    /// Shard indices no folder held (merge); the other shards (a single shard's report).
    public var missingShards: [Int]
    /// max over the shards present of |shard's prompt tokens − mean| ÷ mean, the mean being the
    /// suite's prompt tokens ÷ N; absent unless every shard present planned every group.
    public var promptTokenImbalance: Double?
    /// The shards present, by index.
    public var shards: [Shard]

    enum CodingKeys: String, CodingKey {
        case count, merged, partial, units, shards
        case missingUnits = "missing_units"
        case missingShards = "missing_shards"
        case promptTokenImbalance = "prompt_token_imbalance"
    }

    public init(count: Int, merged: Bool, partial: Bool, units: Int, missingUnits: Int, missingShards: [Int],
                promptTokenImbalance: Double?, shards: [Shard]) {
        self.count = count; self.merged = merged; self.partial = partial; self.units = units
        self.missingUnits = missingUnits; self.missingShards = missingShards
        self.promptTokenImbalance = promptTokenImbalance; self.shards = shards
    }

    /// One shard's own report: its units out of the groups it planned.
    public init(shard m: ShardManifest, recorded: Int) {
        let units = m.groups.reduce(0) { $0 + $1.units }
        self.init(count: m.count, merged: false, partial: true, units: units, missingUnits: units - recorded,
                  missingShards: (0..<m.count).filter { $0 != m.index }, promptTokenImbalance: Self.imbalance([m]),
                  shards: [Shard(m, recorded: recorded)])
    }

    /// The prompt-token imbalance of these shards (see promptTokenImbalance); nil unless each of
    /// them planned every (model, task) group, so the suite's total is known.
    public static func imbalance(_ present: [ShardManifest]) -> Double? {
        guard let first = present.first,
              present.allSatisfy({ $0.groups.count == $0.models.count * $0.tasks.count }) else { return nil }
        let total = first.groups.reduce(0) { $0 + $1.promptTokens }
        guard total > 0 else { return nil }
        let mean = Double(total) / Double(first.count)
        return present.map { m in abs(Double(m.groups.reduce(0) { $0 + $1.assignedPromptTokens }) - mean) / mean }.max()
    }

    /// The shard that ran the throughput probes, if it is here.
    public var throughputShard: Shard? { shards.first { $0.throughput } }
}
