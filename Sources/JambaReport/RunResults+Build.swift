import Foundation
import JambaEval

extension RunResults {
    /// Aggregates scored samples into results. Pure and deterministic: the samples may come in any
    /// order (resumed runs append out of order); they are sorted by id before any sum, so floating
    /// point rounds the same way and two runs with the same samples encode to the same bytes.
    ///
    /// - Models keep the order of `models` (the suite's); tasks follow `suite.tasks`, and tasks
    ///   that only the samples name come after, sorted.
    /// - Buckets: exact `length`; `depth` rounded to 2 decimals; cells are (length, depth).
    /// - Comparisons pair a model's samples with the baseline's by id; samples only one model
    ///   answered are left out of the pair counts (they still count in `accuracy`).
    /// - `peakResidentBytes` is keyed by model name.
    /// - `sharding` is carried as given (one shard's report or a merge's).
    public static func build(samples: [SampleRecord], models: [ModelInfo], suite: SuiteInfo,
                             environment: RunEnvironment, throughput: BenchReport? = nil,
                             tokenization: [TokenizationTime] = [],
                             peakResidentBytes: [String: Int] = [:], sharding: ShardingInfo? = nil) throws -> RunResults {
        let modelIndex = Dictionary(models.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        let taskOrder = Self.taskOrder(suite: suite.tasks, seen: samples.map(\.task) + tokenization.map(\.task))
        let taskIndex = Dictionary(taskOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })

        // Group by model and task, each group sorted by id and checked.
        struct Key: Hashable { let model: String; let task: String }
        var groups: [Key: [SampleRecord]] = [:]
        for s in samples {
            let file = Self.samplesFile(s.model, s.task)
            guard modelIndex[s.model] != nil else { throw ReportError.unknownModel(file: file, model: s.model) }
            for (field, value) in [("score", s.score), ("depth", s.depth ?? 0), ("seconds", s.seconds),
                                   ("timeToFirstToken", s.timeToFirstToken ?? 0)] where !value.isFinite {
                throw ReportError.invalidSample(file: file, id: s.id, field: field, reason: "is not a finite number")
            }
            groups[Key(model: s.model, task: s.task), default: []].append(s)
        }
        for (key, list) in groups {
            let sorted = list.sorted { $0.id < $1.id }
            for (a, b) in zip(sorted, sorted.dropFirst()) where a.id == b.id {
                throw ReportError.duplicateSample(file: Self.samplesFile(key.model, key.task), id: a.id)
            }
            groups[key] = sorted
        }

        var accuracy: [TaskAccuracy] = []
        for m in models {
            for t in taskOrder {
                guard let list = groups[Key(model: m.name, task: t)] else { continue }
                accuracy.append(try Self.taskAccuracy(list, model: m.name, task: t))
            }
        }

        let baseline = models.first { $0.baseline }?.name
        var comparisons: [BaselineComparison] = []
        if let b = baseline {
            for m in models where m.name != b {
                for t in taskOrder {
                    guard let this = groups[Key(model: m.name, task: t)], let base = groups[Key(model: b, task: t)] else { continue }
                    if let c = Self.compare(this, base, model: m.name, baseline: b, task: t) { comparisons.append(c) }
                }
            }
        }

        let tokenizationSorted = tokenization.sorted {
            (modelIndex[$0.model] ?? Int.max, taskIndex[$0.task] ?? Int.max, $0.model, $0.task)
                < (modelIndex[$1.model] ?? Int.max, taskIndex[$1.task] ?? Int.max, $1.model, $1.task)
        }

        // The contexts worth a memory row: every sample length and every throughput context.
        var contexts = Set(samples.map(\.length))
        for r in throughput?.results ?? [] {
            switch r.test {
            case .prefill(let n): contexts.insert(n)
            case .decode(_, let d) where d > 0: contexts.insert(d)
            case .decode: break
            }
        }
        let memory = models.map { m in
            MemoryUsage(model: m.name, peakRSSBytes: peakResidentBytes[m.name],
                        stateBytes: contexts.sorted().map { MemoryUsage.AtContext(context: $0, bytes: m.stateBytes(context: $0)) },
                        weightBytes: m.weightBytes, maxContextTokens: MemoryUsage.maxContext(m, memoryBytes: environment.memoryBytes))
        }
        let crossover = throughput.flatMap { CrossoverEstimate.make(throughput: $0, models: models, baseline: baseline) }

        var failures: [SampleFailure] = []
        for a in accuracy {
            for sample in groups[Key(model: a.model, task: a.task)] ?? [] {
                if let reason = sample.failure { failures.append(SampleFailure(model: a.model, task: a.task, id: sample.id, reason: reason)) }
            }
        }

        return RunResults(schema: schemaVersion, suite: suite, environment: environment, models: models, baseline: baseline,
                          sampleCount: samples.count, accuracy: accuracy, comparisons: comparisons,
                          tokenization: tokenizationSorted, memory: memory, throughput: throughput, crossover: crossover,
                          sharding: sharding, failures: failures.isEmpty ? nil : failures)
    }

    /// Where the runner keeps a model's samples of a task: what errors name.
    static func samplesFile(_ model: String, _ task: String) -> String { "samples/\(model)/\(task).jsonl" }

    /// Needle depths within 0.005 of each other share a bucket (depths come from float arithmetic).
    static func depthBucket(_ d: Double) -> Double { (d * 100).rounded() / 100 }

    static func taskOrder(suite: [String], seen: [String]) -> [String] {
        let known = Set(suite)
        return suite + Set(seen).subtracting(known).sorted()
    }

    /// `list` is one model's samples of one task, sorted by id.
    static func taskAccuracy(_ list: [SampleRecord], model: String, task: String) throws -> TaskAccuracy {
        let metrics = Set(list.map(\.metric.rawValue)).sorted()
        guard metrics.count == 1, let metric = list.first?.metric else {
            throw ReportError.mixedMetrics(file: samplesFile(model, task), task: task, metrics: metrics)
        }
        // Grouping keeps each bucket in id order, so its sums are as deterministic as the whole.
        let byLength = Dictionary(grouping: list, by: \.length).sorted { $0.key < $1.key }
            .map { TaskAccuracy.ByLength(length: $0.key, accuracy: MetricSummary($0.value.map(\.score))) }
        let withDepth = list.filter { $0.depth != nil }
        let byDepth = Dictionary(grouping: withDepth) { depthBucket($0.depth!) }.sorted { $0.key < $1.key }
            .map { TaskAccuracy.ByDepth(depth: $0.key, accuracy: MetricSummary($0.value.map(\.score))) }
        struct CellKey: Hashable { let length: Int; let depth: Double }
        let cells = Dictionary(grouping: withDepth) { CellKey(length: $0.length, depth: depthBucket($0.depth!)) }
            .sorted { ($0.key.length, $0.key.depth) < ($1.key.length, $1.key.depth) }
            .map { TaskAccuracy.Cell(length: $0.key.length, depth: $0.key.depth, accuracy: MetricSummary($0.value.map(\.score))) }
        let ttft = list.compactMap(\.timeToFirstToken)
        let failed = list.filter { $0.failure != nil }.count
        return TaskAccuracy(model: model, task: task, metric: metric, overall: MetricSummary(list.map(\.score)),
                            byLength: byLength, byDepth: byDepth, cells: cells,
                            promptTokens: list.reduce(0) { $0 + $1.promptTokens },
                            generatedTokens: list.reduce(0) { $0 + $1.generatedTokens },
                            engineSeconds: list.reduce(0) { $0 + $1.seconds },
                            meanTimeToFirstToken: ttft.isEmpty ? nil : ttft.reduce(0, +) / Double(ttft.count),
                            failed: failed == 0 ? nil : failed)
    }

    /// Both lists sorted by id; nil when no sample was answered by both.
    static func compare(_ this: [SampleRecord], _ base: [SampleRecord], model: String, baseline: String,
                        task: String) -> BaselineComparison? {
        let baseByID = Dictionary(base.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let pairs = this.compactMap { s in baseByID[s.id].map { (s, $0) } }
        guard !pairs.isEmpty else { return nil }
        // The length of a pair is the record's, which both models share; take this model's.
        let byLength = Dictionary(grouping: pairs, by: { $0.0.length }).sorted { $0.key < $1.key }
            .map { BaselineComparison.ByLength(length: $0.key, paired: PairedCounts($0.value)) }
        return BaselineComparison(model: model, baseline: baseline, task: task, overall: PairedCounts(pairs), byLength: byLength)
    }
}
