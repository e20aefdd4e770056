import Dispatch
import Foundation
import JambaData
import JambaKernels
import JambaModels
import JambaSupport

/// Runs a suite: every model on every task, in batches under the token budget (longest first),
/// samples appended per batch so a rerun resumes; then the throughput probes. With a shard, only
/// that shard's units (ShardAssignment), and the probes only on the shard the suite names.
public final class Runner {
    public struct Options {
        public var fresh = false
        public var quiet = false
        /// Records read ahead and sorted longest-first before batching.
        public var window = 256
        /// Run one shard's share of the units (nil: all of them).
        public var shard: Shard?
        /// The jamba-eval build, recorded in a shard's manifest so merge can refuse mixed builds.
        public var version = "unknown"
        public init(fresh: Bool = false, quiet: Bool = false, shard: Shard? = nil, version: String = "unknown") {
            self.fresh = fresh; self.quiet = quiet; self.shard = shard; self.version = version
        }
    }

    /// What a run produced: the inputs of every table.
    public struct Output {
        public var samples: [SampleRecord] = []
        public var throughput: BenchReport?
        /// Seconds spent tokenizing, and tokens produced, per model and task.
        public var tokenization: [(model: String, task: String, seconds: Double, tokens: Int)] = []
        public var peakResidentBytes: [String: Int] = [:]
        public var models: [LoadedModel] = []
        /// A sharded run's shard.json as it stands at the end.
        public var manifest: ShardManifest?
    }

    public let suite: Suite
    public let options: Options
    let progress: ProgressReporter
    /// The shard's manifest, updated as groups are planned.
    var manifest: ShardManifest?
    /// Records per task, from the preflight check.
    var recordCounts: [String: Int] = [:]

    public init(suite: Suite, options: Options) {
        self.suite = suite
        self.options = options
        progress = ProgressReporter(quiet: options.quiet)
    }

    public func run() throws -> Output {
        var out = Output()
        manifest = try openManifest()
        recordCounts = try preflight()
        // One context for the run (the suite's threads); each model gets its engine, and with it
        // a workspace sized once from the settings.
        let context = suite.settings.engine.makeContext()
        for spec in suite.models {
            ProcFS.resetPeakResident()
            let loaded = try LoadedModel(spec, shape: suite.settings.memoryShape)
            for w in loaded.warnings { FileHandle.standardError.write(Data("\(w)\n".utf8)) }
            out.models.append(loaded)
            let engine = Engine(model: loaded.model, options: suite.settings.engine, context: context, detokenize: loaded.detokenize)
            for task in suite.tasks {
                let (samples, tok) = try run(task, on: loaded, engine: engine)
                out.samples += samples
                out.tokenization.append((spec.name, task.name, tok.seconds, tok.tokens))
            }
            out.peakResidentBytes[spec.name] = ProcFS.peakResidentBytes
        }
        if let t = suite.throughput, manifest?.throughput ?? true {
            out.throughput = try probe(t, models: out.models, context: context)
        }
        if var m = manifest {
            m.finished = true
            try m.write(to: suite.output)
            manifest = m
        }
        out.manifest = manifest
        return out
    }

    // MARK: Shards

    /// A sharded run's manifest, new or (resuming) the folder's own; an unsharded run refuses a
    /// folder that holds a shard, since its samples are a slice, not a run.
    func openManifest() throws -> ShardManifest? {
        let file = ShardManifest.url(in: suite.output).path
        let existing = try ShardManifest.load(from: suite.output)
        guard let shard = options.shard else {
            if let e = existing {
                guard options.fresh else {
                    throw ShardError.folderMismatch(file: file, field: "index/count", recorded: "shard \(e.index)/\(e.count)", now: "an unsharded run")
                }
                try? FileManager.default.removeItem(atPath: file)
            }
            return nil
        }
        if let t = suite.throughput, t.shard >= shard.count {
            throw ShardError.throughputShard(file: suite.file.path, shard: t.shard, count: shard.count)
        }
        var m = ShardManifest(shard: shard, suite: suite, version: options.version,
                              machine: .current(threads: suite.settings.engine.threads))
        if let e = existing, !options.fresh {
            if (e.index, e.count) != (shard.index, shard.count) {
                throw ShardError.folderMismatch(file: file, field: "index/count", recorded: "shard \(e.index)/\(e.count)", now: "shard \(shard)")
            }
            if e.version != options.version {
                throw ShardError.folderMismatch(file: file, field: "version", recorded: e.version, now: options.version)
            }
            // Groups of tasks or models since removed from the suite stay out of the plan.
            for g in e.groups where m.models.contains(g.model) && m.tasks.contains(g.task) { m.record(g) }
        }
        try m.write(to: suite.output)
        return m
    }

    /// Reads the whole group once (tokenizing each record as the run will) to weigh every unit
    /// by its prompt tokens, assigns the group, records the plan in shard.json, and returns this
    /// shard's record ids. Every shard does the same and so computes the same assignment.
    func plan(_ task: Suite.Task, on loaded: LoadedModel, shard: Shard) throws -> Set<String> {
        let units = try units(task, on: loaded)
        let shards = ShardAssignment.assign(model: loaded.spec.name, task: task.name, units: units, count: shard.count)
        let mine = zip(units, shards).filter { $0.1 == shard.index }.map(\.0)
        let digest = Fingerprint.of(units.map { "\($0.id) \($0.weight)" }.sorted())
        manifest?.record(ShardManifest.Group(
            model: loaded.spec.name, task: task.name, units: units.count, promptTokens: units.reduce(0) { $0 + $1.weight },
            unitsDigest: digest, assigned: mine.map(\.id).sorted(), assignedPromptTokens: mine.reduce(0) { $0 + $1.weight }))
        try manifest?.write(to: suite.output)
        return Set(mine.map(\.id))
    }

    // MARK: Tasks

    func run(_ task: Suite.Task, on loaded: LoadedModel, engine: Engine) throws -> ([SampleRecord], (seconds: Double, tokens: Int)) {
        let name = loaded.spec.name
        let dataPath = task.data.path
        let attrs = try? FileManager.default.attributesOfItem(atPath: dataPath)
        let taskPrint = Fingerprint.of([
            "task \(task.name) \(dataPath) \(attrs?[.size] ?? 0) \((attrs?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)",
            "metric \(task.metric?.rawValue ?? "record") max_new \(task.maxNewTokens ?? -1) stop \(task.stop) limit \(task.limit ?? -1)",
            "model \(loaded.fingerprint)",
        ])
        let mine = try options.shard.map { try plan(task, on: loaded, shard: $0) }
        let file = try SamplesFile(url: SamplesFile.url(in: suite.output, model: name, task: task.name),
                                   fingerprint: taskPrint, model: name, task: task.name, fresh: options.fresh)
        let done = file.recordedIds
        if let mine, let stray = file.recorded.first(where: { !mine.contains($0.id) }) {
            throw ShardError.strayUnit(file: file.url.path, id: stray.id, shard: options.shard!.description)
        }
        let total = try mine.map(\.count) ?? recordCounts[task.name] ?? RecordCheck.scan(task)
        progress.begin("\(name) / \(task.name)", total: total, alreadyDone: min(done.count, total))
        var tokenizeSeconds = 0.0, tokenized = 0
        var window: [PreparedSample] = []
        let reader = try TaskReader(path: dataPath)
        var seen = 0
        while let record = try reader.next() {
            if let limit = task.limit, seen >= limit { break }
            seen += 1
            if let mine, !mine.contains(record.id) { continue }
            if done.contains(record.id) { continue }
            let t0 = DispatchTime.now().uptimeNanoseconds
            let sample = try RecordCheck.atLine(reader.lineNumber) { try PreparedSample(record, task: task, file: dataPath, model: loaded) }
            tokenizeSeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            tokenized += sample.promptTokens
            window.append(sample)
            if window.count >= options.window {
                try runWindow(window, task: task, model: loaded, engine: engine, file: file)
                window.removeAll(keepingCapacity: true)
            }
        }
        try runWindow(window, task: task, model: loaded, engine: engine, file: file)
        progress.end()
        return (file.recorded, (tokenizeSeconds, tokenized))
    }

    /// Longest first, then greedy batches under the token budget and the batch size.
    func runWindow(_ window: [PreparedSample], task: Suite.Task, model: LoadedModel, engine: Engine, file: SamplesFile) throws {
        let order = window.indices.sorted { (window[$0].cost, $1) > (window[$1].cost, $0) }
        var batch: [PreparedSample] = []
        var budget = 0
        for i in order {
            let s = window[i]
            if !batch.isEmpty && (budget + s.cost > suite.settings.batchTokens || batch.count >= suite.settings.engine.maxBatch) {
                try runBatch(batch, task: task, model: model, engine: engine, file: file)
                batch.removeAll(keepingCapacity: true)
                budget = 0
            }
            batch.append(s)
            budget += s.cost
        }
        if !batch.isEmpty { try runBatch(batch, task: task, model: model, engine: engine, file: file) }
    }

    func runBatch(_ batch: [PreparedSample], task: Suite.Task, model: LoadedModel, engine: Engine, file: SamplesFile) throws {
        let t0 = DispatchTime.now().uptimeNanoseconds
        var records: [SampleRecord] = []
        // A sample whose logits were not finite fails with score 0 and says why; the run goes on.
        func record(_ s: PreparedSample, prediction: String?, ids: [Int], score: Double, generated: Int, ttft: Double?,
                    nonFinite: Bool = false) -> SampleRecord {
            SampleRecord(id: s.id, model: model.spec.name, task: task.name, metric: s.metric, prediction: prediction,
                         predictedIds: ids, target: s.references, score: nonFinite ? 0 : score, correct: !nonFinite && score >= 1,
                         length: s.length, depth: s.depth, promptTokens: s.promptTokens, generatedTokens: generated, seconds: 0,
                         timeToFirstToken: ttft, failure: nonFinite ? Self.nonFiniteFailure : nil)
        }
        // Group by request kind (a task's records may mix metrics), each sample with its request.
        var generates: [(sample: PreparedSample, request: GenerateRequest)] = []
        var positions: [(sample: PreparedSample, request: PositionsRequest)] = []
        var choices: [(sample: PreparedSample, options: Int, gold: Int)] = []
        var choiceRequests: [LoglikelihoodRequest] = []
        for s in batch {
            switch s.work {
            case let .generate(prompt, maxNewTokens):
                generates.append((s, GenerateRequest(prompt: prompt, maxNewTokens: maxNewTokens, stopTokens: model.stopTokens,
                                                     stopStrings: task.stop)))
            case let .positions(ids, targets):
                positions.append((s, PositionsRequest(ids: ids, targets: targets)))
            case let .loglikelihood(context, options, gold):
                choices.append((s, options.count, gold))
                choiceRequests += options.map { LoglikelihoodRequest(context: context, continuation: $0) }
            }
        }
        if !generates.isEmpty {
            if model.detokenize == nil && !task.stop.isEmpty {
                throw RunError.model(name: model.spec.name, reason: "task '\(task.name)' has stop strings, which need a tokenizer")
            }
            for (g, r) in zip(generates, try engine.generate(generates.map(\.request))) {
                let text = r.text ?? r.tokens.map(String.init).joined(separator: " ")
                let score = Scoring.score(g.sample.metric, prediction: text, references: g.sample.references)
                records.append(record(g.sample, prediction: text, ids: r.tokens, score: score, generated: r.tokens.count,
                                      ttft: r.timeToFirstToken, nonFinite: r.finishReason == .nonFiniteLogits))
            }
        }
        if !positions.isEmpty {
            for (p, r) in zip(positions, try engine.positions(positions.map(\.request))) {
                records.append(record(p.sample, prediction: nil, ids: r.predictions, score: r.accuracy, generated: 0, ttft: nil,
                                      nonFinite: r.nonFiniteLogits))
            }
        }
        if !choices.isEmpty {
            // One request per option, in order: each sample takes the next `options` results.
            var results = try engine.loglikelihood(choiceRequests)[...]
            for c in choices {
                let scores = results.prefix(c.options).map(\.logprob)
                let nonFinite = results.prefix(c.options).contains { $0.nonFiniteLogits || !$0.logprob.isFinite }
                results = results.dropFirst(c.options)
                let best = scores.indices.max { scores[$0] < scores[$1] }!
                records.append(record(c.sample, prediction: nil, ids: [best], score: best == c.gold ? 1 : 0, generated: 0, ttft: nil,
                                      nonFinite: nonFinite))
            }
        }
        // Each sample's share of the batch's engine time.
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        let tokens = batch.reduce(0) { $0 + $1.cost }
        let cost = Dictionary(batch.map { ($0.id, $0.cost) }, uniquingKeysWith: max)
        for i in records.indices { records[i].seconds = seconds * Double(cost[records[i].id] ?? 0) / Double(max(tokens, 1)) }
        // Keep the batch's order stable in the file: by id within the batch.
        try file.append(records.sorted { $0.id < $1.id })
        progress.advance(samples: records.count, tokens: tokens)
    }

    /// The group's units in file order (up to the task's limit), weighed by prompt tokens.
    func units(_ task: Suite.Task, on loaded: LoadedModel) throws -> [ShardAssignment.Unit] {
        var units: [ShardAssignment.Unit] = []
        var ids = Set<String>()
        let reader = try TaskReader(path: task.data.path)
        while let record = try reader.next() {
            if let limit = task.limit, units.count >= limit { break }
            guard ids.insert(record.id).inserted else { throw ShardError.duplicateRecord(file: task.data.path, id: record.id) }
            let sample = try PreparedSample(record, task: task, file: task.data.path, model: loaded)
            units.append(.init(id: record.id, weight: sample.promptTokens))
        }
        return units
    }

    /// The failure a sample records when its logits held NaN or ±Inf.
    static let nonFiniteFailure = "non-finite logits (NaN or Inf): the model's weights or activations overflowed"

    // MARK: Throughput

    /// pp at each context and tg at each context × batch size, repetitions interleaved across
    /// models, calibrated per repetition (the same measurement `bench` makes, so `gate` reads it).
    /// - context: the run's compute context (nil: one from the suite's settings).
    public func probe(_ t: Suite.Throughput, models: [LoadedModel], context: ComputeContext? = nil) throws -> BenchReport {
        let context = context ?? suite.settings.engine.makeContext()
        let entries = models.map { BenchRunner.Entry(name: $0.spec.name, model: $0.model) }
        let baseline = suite.baselineModel?.name
        var merged: BenchReport?
        for b in t.batch {
            let tests = t.tests(batch: b)
            if tests.isEmpty { continue }
            progress.note("throughput: batch \(b), tests \(tests.map(\.description).joined(separator: ", ")), \(t.repeats) repetitions")
            let report = try BenchRunner(entries: entries, tests: tests, repeats: t.repeats, batch: b, baseline: baseline,
                                         options: suite.settings.engine, context: context)
                .run { [progress] in progress.note("  " + $0) }
            merged = merged.map { $0.merging(report) } ?? report
        }
        guard let merged else { throw RunError.io(file: suite.file.path, reason: "throughput has nothing to measure") }
        return merged
    }
}
