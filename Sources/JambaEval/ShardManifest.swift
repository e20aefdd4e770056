import Foundation

/// shard.json, in a shard's output folder: which shard of how many the folder holds, which run
/// it belongs to (suite, jamba-eval version), the machine it last ran on, and its plan: for every
/// (model, task) group it has reached, how many units the whole group has and which of them are
/// this shard's. `jamba-eval merge` checks shards against each other with it; a rerun of the
/// same shard checks the folder is its own.
public struct ShardManifest: Codable, Sendable, Equatable {
    public static let schemaVersion = "jamba-eval/shard/1"
    public static let fileName = "shard.json"

    public struct Machine: Codable, Sendable, Equatable {
        public var host: String
        public var cpu: String
        public var openblasCore: String
        public var threads: Int

        enum CodingKeys: String, CodingKey {
            case host, cpu, threads
            case openblasCore = "openblas_core"
        }

        public init(host: String, cpu: String, openblasCore: String, threads: Int) {
            self.host = host; self.cpu = cpu; self.openblasCore = openblasCore; self.threads = threads
        }

        /// This machine: its host name, and CPU and OpenBLAS core as the bench reports them.
        public static func current(threads: Int) -> Machine {
            let b = RunEnvironment.current(threads: threads)
            return Machine(host: HostName.current, cpu: b.cpu, openblasCore: b.openblasCore, threads: threads)
        }
    }

    /// One (model, task) group as this shard planned it.
    public struct Group: Codable, Sendable, Equatable {
        public var model: String
        public var task: String
        /// Units (records) of the whole group, over all shards.
        public var units: Int
        public var promptTokens: Int
        /// Fingerprint of every unit's id and prompt tokens: shards that read different data or
        /// tokenized differently disagree here.
        public var unitsDigest: String
        /// This shard's units, by record id, sorted.
        public var assigned: [String]
        public var assignedPromptTokens: Int

        enum CodingKeys: String, CodingKey {
            case model, task, units, assigned
            case promptTokens = "prompt_tokens"
            case unitsDigest = "units_digest"
            case assignedPromptTokens = "assigned_prompt_tokens"
        }

        public init(model: String, task: String, units: Int, promptTokens: Int, unitsDigest: String,
                    assigned: [String], assignedPromptTokens: Int) {
            self.model = model; self.task = task; self.units = units; self.promptTokens = promptTokens
            self.unitsDigest = unitsDigest; self.assigned = assigned; self.assignedPromptTokens = assignedPromptTokens
        }
    }

    public var schema = schemaVersion
    public var index: Int
    public var count: Int
    public var suite: String
    /// ShardManifest.fingerprint(of:) of the suite: its models and tasks as they affect answers.
    public var suiteFingerprint: String
    /// The jamba-eval build (git commit) that ran it.
    public var version: String
    /// Model and task names in suite order: every group the run has, reached or not.
    public var models: [String]
    public var tasks: [String]
    public var machine: Machine
    /// True when this shard runs the suite's throughput probes.
    public var throughput: Bool
    /// Set when the run got to its end (units and probes); cleared when it starts again.
    public var finished: Bool
    /// Groups planned so far, suite order (models, then tasks).
    public var groups: [Group]

    enum CodingKeys: String, CodingKey {
        case schema, index, count, suite, version, models, tasks, machine, throughput, finished, groups
        case suiteFingerprint = "suite_fingerprint"
    }

    public init(shard: Shard, suite: Suite, version: String, machine: Machine) {
        index = shard.index
        count = shard.count
        self.suite = suite.name
        suiteFingerprint = Self.fingerprint(of: suite)
        self.version = version
        models = suite.models.map(\.name)
        tasks = suite.tasks.map(\.name)
        self.machine = machine
        throughput = suite.throughput.map { $0.shard == shard.index } ?? false
        finished = false
        groups = []
    }

    public var shard: Shard { get throws { try Shard(index: index, count: count) } }

    public func group(model: String, task: String) -> Group? {
        groups.first { $0.model == model && $0.task == task }
    }

    /// Adds or replaces a group's plan, keeping suite order.
    public mutating func record(_ g: Group) {
        groups.removeAll { $0.model == g.model && $0.task == g.task }
        groups.append(g)
        let m = Dictionary(models.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let t = Dictionary(tasks.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        groups.sort { (m[$0.model] ?? .max, t[$0.task] ?? .max) < (m[$1.model] ?? .max, t[$1.task] ?? .max) }
    }

    /// What answers depend on in the suite, as the samples' own fingerprints see it: models
    /// (name, weights or config and seed, tokenizer, baseline) and tasks (name, data file,
    /// metric, generation limits, record limit). Settings (threads, batch sizes) and the
    /// throughput section are left out: they change speed, not answers.
    public static func fingerprint(of suite: Suite) -> String {
        var parts = ["suite \(suite.name)"]
        for m in suite.models {
            let source: String
            switch m.source {
            case .checkpoint(let url): source = "checkpoint \(url.path)"
            case let .config(url, seed): source = "config \(url.path) seed \(seed)"
            }
            parts.append("model \(m.name) \(source) tokenizer \(m.tokenizer?.path ?? "-") baseline \(m.baseline)")
        }
        for t in suite.tasks {
            parts.append("task \(t.name) \(t.data.path) metric \(t.metric?.rawValue ?? "record") max_new \(t.maxNewTokens ?? -1) stop \(t.stop) limit \(t.limit ?? -1)")
        }
        return Fingerprint.of(parts)
    }

    // MARK: File

    public static func url(in folder: URL) -> URL { folder.appendingPathComponent(fileName) }

    /// The manifest in `folder`, or nil when it has none.
    public static func load(from folder: URL) throws -> ShardManifest? {
        let url = url(in: folder)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw ShardError.manifestUnreadable(file: url.path, reason: error.localizedDescription) }
        struct Header: Decodable { let schema: String? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw ShardError.manifestUnreadable(file: url.path, reason: "not a JSON object")
        }
        guard header.schema == schemaVersion else {
            throw ShardError.manifestUnreadable(file: url.path, reason: "field 'schema' is '\(header.schema ?? "absent")', expected '\(schemaVersion)'")
        }
        do { return try JSONDecoder().decode(ShardManifest.self, from: data) } catch {
            throw ShardError.manifestUnreadable(file: url.path, reason: "\(error)")
        }
    }

    /// Writes shard.json into `folder` atomically: a kill never leaves half a manifest.
    public func write(to folder: URL) throws {
        let url = Self.url(in: folder)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try enc.encode(self).write(to: url, options: .atomic)
        } catch {
            throw RunError.io(file: url.path, reason: "cannot write: \(error.localizedDescription)")
        }
    }
}
