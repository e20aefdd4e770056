import Foundation
import JambaEval

/// Everything a run measured: the source of truth written as results.json (documented field by
/// field in docs/results-schema.md). Markdown, CSV and SVG are renderings of it (RunReport).
/// Accuracy means are stored on the samples' 0…1 scale; only the renderings show percentages.
public struct RunResults: Codable, Sendable {
    public static let schemaVersion = "jamba-eval/results/1"

    public var schema: String
    public var suite: SuiteInfo
    public var environment: RunEnvironment
    /// In the order the suite lists them.
    public var models: [ModelInfo]
    /// Name of the model marked `baseline: true`, if any.
    public var baseline: String?
    /// Scored samples over all models and tasks.
    public var sampleCount: Int
    /// One entry per model × task that has samples: models in suite order, then tasks in suite order.
    public var accuracy: [TaskAccuracy]
    /// Every non-baseline model against the baseline, per task (same order as `accuracy`).
    public var comparisons: [BaselineComparison]
    public var tokenization: [TokenizationTime]
    /// One entry per model, in suite order.
    public var memory: [MemoryUsage]
    /// The throughput probes, encoded exactly as `jamba-eval bench --json` writes them: the gate
    /// reads this member of a results.json.
    public var throughput: BenchReport?
    /// Prefill time fitted against prompt length per model, and where each overtakes the baseline.
    public var crossover: CrossoverEstimate?
    /// How the samples were split over shards (one shard's report, or a merge of shards).
    public var sharding: ShardingInfo?

    /// Samples that failed (NaN or ±Inf logits), in `accuracy` order then by id; absent when none did.
    public var failures: [SampleFailure]?

    /// One failed sample: it scored 0 and this says why.
    public struct SampleFailure: Codable, Sendable, Equatable {
        public var model: String
        public var task: String
        public var id: String
        public var reason: String
    }

    enum CodingKeys: String, CodingKey {
        case schema, suite, environment, models, baseline, accuracy, comparisons, tokenization, memory, throughput, crossover, sharding, failures
        case sampleCount = "sample_count"
    }

    public func accuracy(model: String, task: String) -> TaskAccuracy? {
        accuracy.first { $0.model == model && $0.task == task }
    }

    public func comparison(model: String, task: String) -> BaselineComparison? {
        comparisons.first { $0.model == model && $0.task == task }
    }

    /// Tasks that have samples, in suite order.
    public var tasks: [String] {
        var seen = Set<String>(), out: [String] = []
        for a in accuracy where seen.insert(a.task).inserted { out.append(a.task) }
        return out
    }

    // MARK: JSON

    /// Pretty, key-sorted JSON: two runs with the same samples give the same bytes.
    public func jsonData() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try enc.encode(self)
    }

    /// Reads a results.json, refusing other schema versions by name rather than misreading them.
    public static func load(_ url: URL) throws -> RunResults {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ReportError.unreadable(file: url.path, reason: error.localizedDescription)
        }
        return try decode(data, file: url.path)
    }

    public static func decode(_ data: Data, file: String) throws -> RunResults {
        struct Header: Decodable { let schema: String? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw ReportError.malformed(file: file, reason: "not a JSON object")
        }
        guard let schema = header.schema else { throw ReportError.malformed(file: file, reason: "missing 'schema'") }
        guard schema == schemaVersion else {
            throw ReportError.unsupportedSchema(file: file, found: schema, expected: schemaVersion)
        }
        do { return try JSONDecoder().decode(RunResults.self, from: data) } catch let DecodingError.keyNotFound(key, ctx) {
            throw ReportError.malformed(file: file, reason: "missing '\(Self.path(ctx.codingPath + [key]))'")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw ReportError.malformed(file: file, reason: "wrong type at '\(Self.path(ctx.codingPath))'")
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw ReportError.malformed(file: file, reason: "null at '\(Self.path(ctx.codingPath))'")
        } catch let DecodingError.dataCorrupted(ctx) {
            throw ReportError.malformed(file: file, reason: "bad value at '\(Self.path(ctx.codingPath))': \(ctx.debugDescription)")
        } catch {
            throw ReportError.malformed(file: file, reason: "\(error)")
        }
    }

    /// "accuracy[3].by_length[0].length", as docs/results-schema.md writes paths.
    private static func path(_ keys: [CodingKey]) -> String {
        var s = ""
        for k in keys {
            if let i = k.intValue { s += "[\(i)]" } else { s += s.isEmpty ? k.stringValue : ".\(k.stringValue)" }
        }
        return s
    }
}
