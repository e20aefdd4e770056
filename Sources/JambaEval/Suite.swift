import Foundation
import JambaData
import JambaModels
import Yams

/// A suite file: which models run which tasks, the throughput probes, and the settings.
/// Relative paths are resolved against the suite file's folder.
public struct Suite: Sendable {
    public struct Model: Sendable, Equatable {
        public enum Source: Sendable, Equatable {
            case checkpoint(URL)
            case config(URL, seed: UInt64)
        }
        public var name: String
        public var source: Source
        public var baseline: Bool
        /// A folder holding tokenizer.json, when the model's own folder has none (config models).
        public var tokenizer: URL?
        /// "file:line:column" of the entry, for messages about it.
        public var location: String = ""
    }

    public struct Task: Sendable, Equatable {
        public var name: String
        public var data: URL
        /// Overrides each record's own metric when set.
        public var metric: Metric?
        public var maxNewTokens: Int?
        public var stop: [String]
        public var limit: Int?
        /// "file:line:column" of its `data` value, for messages about the file.
        public var dataLocation: String = ""
    }

    public struct Throughput: Sendable, Equatable {
        public var contexts: [Int]
        public var decodeTokens: Int
        public var batch: [Int]
        public var repeats: Int
        /// Prefill lengths and decode depths when they differ from `contexts`.
        public var prefillContexts: [Int]? = nil
        public var decodeDepths: [Int]? = nil
        /// In a sharded run, the one shard that runs the probes (they measure a machine, not the
        /// suite's answers, so N machines measuring them would be N answers to one question).
        public var shard: Int = 0

        /// pp at each prefill length (batch 1 only) and tg decodeTokens @ each depth.
        public func tests(batch b: Int) -> [BenchTest] {
            var tests: [BenchTest] = b == 1 ? (prefillContexts ?? contexts).map { .prefill(tokens: $0) } : []
            if decodeTokens > 0 { tests += (decodeDepths ?? contexts).map { .decode(tokens: decodeTokens, depth: $0) } }
            return tests
        }
    }

    /// `settings:` threads, prefill_chunk and max_batch are the engine's options (their defaults
    /// EngineOptions'); batch_tokens is the runner's scheduling budget.
    public struct Settings: Sendable, Equatable {
        public var engine: EngineOptions
        /// Most tokens scheduled into one batch of requests: each sample's prompt (or context and
        /// choices) plus the tokens it may generate (PreparedSample.cost).
        public var batchTokens: Int

        public static let defaultBatchTokens = 16384

        public init(engine: EngineOptions = EngineOptions(), batchTokens: Int = Settings.defaultBatchTokens) {
            self.engine = engine; self.batchTokens = batchTokens
        }
    }

    public var name: String
    public var file: URL
    public var output: URL
    public var models: [Model]
    public var tasks: [Task]
    public var throughput: Throughput?
    public var settings: Settings

    public var baselineModel: Model? { models.first { $0.baseline } }

    // MARK: Parsing

    public static func load(_ url: URL) throws -> Suite {
        if let kind = InputFile.notRegular(url.path) {
            throw SuiteError.unreadable(file: url.path, reason: "is \(kind), not a regular file")
        }
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
            throw SuiteError.unreadable(file: url.path, reason: "no such file")
        }
        if isFolder.boolValue { throw SuiteError.unreadable(file: url.path, reason: "is a folder, not a suite file") }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw SuiteError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try parse(text, file: url)
    }

    public static func parse(_ text: String, file: URL) throws -> Suite {
        let path = file.path
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw SuiteError.syntax(file: path, line: 1, column: 1, reason: "the file is empty")
            }
            root = node
        } catch let e as YamlError {
            throw Self.syntaxError(e, file: path)
        }
        let folder = file.deletingLastPathComponent()
        func resolve(_ p: String) -> URL {
            p.hasPrefix("/") ? URL(fileURLWithPath: p) : folder.appendingPathComponent(p).standardizedFileURL
        }
        let top = try YAMLValue(node: root, file: path, path: "")
            .mapping(allowed: ["name", "output", "models", "tasks", "throughput", "settings"])
        let name = try top["name"]?.string ?? file.deletingPathExtension().lastPathComponent
        let output = resolve(try top["output"]?.string ?? "results/\(name)")

        var models: [Model] = []
        for m in try top.required("models").list {
            let map = try m.mapping(allowed: ["name", "path", "config", "seed", "baseline", "tokenizer"])
            let modelName = try map.required("name").string
            let source: Model.Source
            switch (map["path"], map["config"]) {
            case (let p?, nil):
                if let s = map["seed"] { throw s.invalid("a seed applies only to a model given by 'config'") }
                source = .checkpoint(resolve(try p.string))
            case (nil, let c?):
                let seed = try map["seed"]?.int ?? 0
                guard seed >= 0 else { throw map["seed"]!.invalid("must be non-negative") }
                source = .config(resolve(try c.string), seed: UInt64(seed))
            case (.some, .some): throw m.invalid("give either 'path' (a checkpoint folder) or 'config', not both")
            case (nil, nil): throw m.invalid("needs 'path' (a checkpoint folder) or 'config' (random weights)")
            }
            if models.contains(where: { $0.name == modelName }) { throw try map.required("name").invalid("duplicate model name '\(modelName)'") }
            let at = map["path"] ?? map["config"]!
            models.append(Model(name: modelName, source: source, baseline: try map["baseline"]?.bool ?? false,
                                tokenizer: try map["tokenizer"].map { resolve(try $0.string) },
                                location: "\(path):\(at.line):\(at.column)"))
        }
        if models.isEmpty { throw try top.required("models").invalid("lists no model") }
        if models.filter(\.baseline).count > 1 { throw try top.required("models").invalid("more than one model is marked baseline: true") }

        var tasks: [Task] = []
        for t in try top["tasks"]?.list ?? [] {
            let map = try t.mapping(allowed: ["name", "data", "metric", "max_new_tokens", "stop", "limit"])
            let taskName = try map.required("name").string
            var metric: Metric? = nil
            if let m = map["metric"] {
                let raw = try m.string
                guard let parsed = Metric(rawValue: raw) else {
                    throw m.invalid("unknown metric '\(raw)' (known: \(Metric.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                metric = parsed
            }
            let maxNew = try map["max_new_tokens"]?.int
            if let n = maxNew, let p = Limits.problem(n, Limits.newTokens) { throw map["max_new_tokens"]!.invalid(p) }
            let limit = try map["limit"]?.int
            if let n = limit, n <= 0 { throw map["limit"]!.invalid("must be positive") }
            if tasks.contains(where: { $0.name == taskName }) { throw try map.required("name").invalid("duplicate task name '\(taskName)'") }
            let data = try map.required("data")
            tasks.append(Task(name: taskName, data: resolve(try data.string), metric: metric, maxNewTokens: maxNew,
                              stop: try map["stop"]?.list.map { try $0.string } ?? [], limit: limit,
                              dataLocation: "\(path):\(data.line):\(data.column)"))
        }

        var throughput: Throughput? = nil
        if let t = top["throughput"] {
            let map = try t.mapping(allowed: ["contexts", "decode_tokens", "batch", "repeats", "prefill_contexts", "decode_depths", "shard"])
            func list(_ key: String, _ fallback: [Int], range: ClosedRange<Int> = Limits.contextTokens) throws -> [Int] {
                guard let v = map[key] else { return fallback }
                let items = try v.list
                let values = try items.map { try $0.int }
                for (i, x) in values.enumerated() { if let p = Limits.problem(x, range) { throw items[i].invalid(p) } }
                return values
            }
            let decode = try map["decode_tokens"]?.int ?? 64
            let repeats = try map["repeats"]?.int ?? 3
            // decode_tokens 0 means no decode tests.
            if let p = Limits.problem(decode, 0...Limits.newTokens.upperBound) { throw map["decode_tokens"]!.invalid(p) }
            if let p = Limits.problem(repeats, Limits.repeats) { throw map["repeats"]!.invalid(p) }
            let shard = try map["shard"]?.int ?? 0
            if shard < 0 { throw map["shard"]!.invalid("must be a shard index (0 or more)") }
            throughput = Throughput(contexts: try list("contexts", [1024, 4096]), decodeTokens: decode,
                                    batch: try list("batch", [1], range: Limits.batch), repeats: repeats,
                                    prefillContexts: map["prefill_contexts"] == nil ? nil : try list("prefill_contexts", []),
                                    decodeDepths: map["decode_depths"] == nil ? nil : try list("decode_depths", [], range: 0...Limits.contextTokens.upperBound),
                                    shard: shard)
        }

        var settings = Settings()
        if let s = top["settings"] {
            let map = try s.mapping(allowed: ["threads", "batch_tokens", "prefill_chunk", "max_batch"])
            func ranged(_ key: String, _ fallback: Int, _ range: ClosedRange<Int>) throws -> Int {
                guard let v = map[key] else { return fallback }
                let n = try v.int
                if let p = Limits.problem(n, range) { throw v.invalid(p) }
                return n
            }
            let e = settings.engine
            settings = Settings(engine: EngineOptions(threads: try ranged("threads", e.threads, Limits.threads),
                                                      prefillChunk: try ranged("prefill_chunk", e.prefillChunk, Limits.chunk),
                                                      maxBatch: try ranged("max_batch", e.maxBatch, Limits.batch)),
                                batchTokens: try ranged("batch_tokens", settings.batchTokens, Limits.batchTokens))
        }
        return Suite(name: name, file: file, output: output, models: models, tasks: tasks, throughput: throughput, settings: settings)
    }

    private static func syntaxError(_ e: YamlError, file: String) -> SuiteError {
        switch e {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _):
            return .syntax(file: file, line: mark.line, column: mark.column, reason: problem)
        case let .composer(_, problem, mark, _):
            return .syntax(file: file, line: mark.line, column: mark.column, reason: problem)
        default:
            return .syntax(file: file, line: 0, column: 0, reason: "\(e)")
        }
    }
}
