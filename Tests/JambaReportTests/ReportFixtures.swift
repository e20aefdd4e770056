import Foundation
import JambaSupport
@testable import JambaEval
@testable import JambaReport

/// Hand-made and synthetic inputs for the report tests: samples, models, a bench report.
enum ReportFixtures {
    static func sample(_ id: String, model: String, task: String = "niah", metric: Metric = .stringMatchAll,
                       score: Double, correct: Bool? = nil, length: Int = 1024, depth: Double? = nil,
                       seconds: Double = 0.5, ttft: Double? = 0.1) -> SampleRecord {
        SampleRecord(id: id, model: model, task: task, metric: metric, prediction: "p", predictedIds: [1, 2],
                     target: ["t"], score: score, correct: correct ?? (score == 1), length: length, depth: depth,
                     promptTokens: length, generatedTokens: 4, seconds: seconds, timeToFirstToken: ttft)
    }

    static let suite = SuiteInfo(name: "needle-demo", file: "suites/needle-demo.yaml", fingerprint: "3f9a1c0d5e7b2a64", tasks: ["niah", "mqar"])

    static let environment = RunEnvironment(cpu: "AMD EPYC 9R45 (synthetic)", openblasCore: "SkylakeX",
                                            openblasConfig: "OpenBLAS 0.3.21 NO_AFFINITY SkylakeX MAX_THREADS=64",
                                            threads: 2, gitCommit: "0123456789abcdef0123456789abcdef01234567",
                                            date: "2025-01-01T00:00:00Z",
                                            commandLine: ["jamba-eval", "run", "suites/needle-demo.yaml", "--note", "it's"],
                                            memoryBytes: 24 << 30, cpuSignature: "AuthenticAMD family 26 model 2",
                                            openblasCoreChoice: "chosen by jamba-eval: OpenBLAS 0.3.21 reported Prescott for this CPU; CPUID has AVX-512 F/CD/BW/DQ/VL/BF16",
                                            lastLevelCacheBytes: 32 << 20)

    static let models = [
        ModelInfo(name: "jamba", source: "config configs/jamba-mini.json, seed 0", parametersTotal: 51_600_000,
                  parametersActive: 23_100_000, baseline: false, fixedStateBytes: 1_376_256, kvBytesPerToken: 4096),
        ModelInfo(name: "transformer", source: "config configs/transformer-mini.json, seed 0", parametersTotal: 48_200_000,
                  parametersActive: 19_700_000, baseline: true, fixedStateBytes: 0, kvBytesPerToken: 32768),
    ]

    static let lengths = [1024, 4096, 16384, 65536]
    static let depths = [0.0, 0.25, 0.5, 0.75, 1.0]

    /// A deterministic stream of doubles in [0, 1) (the top 53 bits of each SplitMix64 draw), so
    /// synthetic runs repeat exactly.
    struct Random {
        var generator: SplitMix64
        init(state: UInt64) { generator = SplitMix64(seed: state) }
        mutating func next() -> Double { Double(generator.next() >> 11) / Double(1 << 53) }
    }

    /// A needle suite, 4 lengths × 5 depths × `perCell` samples per model, plus a small mqar task
    /// without depths. The hybrid fades gently with length; the baseline is near perfect at
    /// short context and loses the middle of long ones.
    static func needleSamples(perCell: Int = 10) -> [SampleRecord] {
        var rng = Random(state: 42)
        var out: [SampleRecord] = []
        for (li, length) in lengths.enumerated() {
            for depth in depths {
                for k in 0..<perCell {
                    let id = "niah/\(length)/d\(Int(depth * 100))/\(k)"
                    let middle = 1 - abs(depth - 0.5) * 2          // 1 in the middle, 0 at the ends
                    let pJamba = 0.97 - 0.05 * Double(li) - 0.04 * middle * Double(li)
                    let pBase = li < 2 ? 0.98 : 0.9 - 0.25 * Double(li - 1) * (0.4 + middle)
                    for (model, p) in [("jamba", pJamba), ("transformer", pBase)] {
                        let right = rng.next() < p
                        out.append(sample(id, model: model, score: right ? 1 : 0, length: length, depth: depth,
                                          seconds: Double(length) / 20_000, ttft: Double(length) / 25_000))
                    }
                }
            }
        }
        for k in 0..<40 {
            let length = k < 20 ? 512 : 2048
            for (model, p) in [("jamba", 0.8), ("transformer", 0.85)] {
                let s = rng.next() < p ? 1.0 : (rng.next() < 0.5 ? 0.5 : 0)
                out.append(sample("mqar/\(length)/\(k)", model: model, task: "mqar", metric: .positionsAccuracy, score: s,
                                  length: length, ttft: nil))
            }
        }
        return out
    }

    /// Prefill and decode at each length for both models, decode ×4 at two lengths, and decode
    /// from an empty context (which the chart leaves to the table).
    static func bench() -> BenchReport {
        var results: [BenchResult] = []
        var rng = Random(state: 7)
        func stats(_ mean: Double, _ spread: Double) -> Stats { Stats((0..<3).map { _ in mean * (1 + spread * (rng.next() - 0.5)) }) }
        var tests: [(BenchTest, Int)] = lengths.map { (.prefill(tokens: $0), 1) } + lengths.map { (.decode(tokens: 64, depth: $0), 1) }
        tests += [(.decode(tokens: 64, depth: 0), 1), (.decode(tokens: 64, depth: 4096), 4), (.decode(tokens: 64, depth: 16384), 4)]
        // Tokens/s by formula: attention's quadratic term hurts the transformer at length.
        func rate(_ hybrid: Bool, _ test: BenchTest, _ batch: Int) -> Double {
            switch test {
            case .prefill(let n):
                return hybrid ? 2600 / (1 + Double(n) / 200_000) : 3000 / (1 + Double(n) / 12_000)
            case let .decode(_, d):
                return Double(batch) * (hybrid ? 95 / (1 + Double(d) / 400_000) : 110 / (1 + Double(d) / 20_000)) * (batch > 1 ? 0.8 : 1)
            }
        }
        for (test, batch) in tests {
            for m in models {
                let hybrid = !m.baseline
                let s = stats(rate(hybrid, test, batch), 0.06)
                let base = rate(false, test, batch)
                results.append(BenchResult(model: m.name, parameters: m.parametersTotal, test: test, batch: batch,
                                           tokensPerSecond: s, utilisation: stats(hybrid ? 0.31 : 0.36, 0.1),
                                           ratioToBaseline: hybrid ? Stats(s.values.map { $0 / base }) : nil,
                                           stateBytes: m.fixedStateBytes + m.kvBytesPerToken * test.contextAfter))
            }
        }
        return BenchReport(environment: RunEnvironment(cpu: environment.cpu, openblasCore: "SkylakeX", openblasConfig: environment.openblasConfig,
                                                         threads: 2, date: environment.date, cpuSignature: environment.cpuSignature,
                                                         openblasCoreChoice: environment.openblasCoreChoice,
                                                         lastLevelCacheBytes: environment.lastLevelCacheBytes),
                           calibration: Stats([1.21e11, 1.19e11, 1.2e11]), bandwidth: Stats([3.0e10, 3.1e10, 2.9e10]), bandwidthBytes: 1 << 30, bandwidthProbe: BandwidthProbe.method,
                           repeats: 3, baseline: "transformer", results: results)
    }

    static func tokenization() -> [TokenizationTime] {
        [TokenizationTime(model: "transformer", task: "niah", tokens: 4_300_000, seconds: 2.15),
         TokenizationTime(model: "jamba", task: "mqar", tokens: 51_200, seconds: 0.031),
         TokenizationTime(model: "jamba", task: "niah", tokens: 4_300_000, seconds: 2.2),
         TokenizationTime(model: "transformer", task: "mqar", tokens: 51_200, seconds: 0.03)]
    }

    /// The models plus a third with a sliding window (its KV cache stops growing) and BF16
    /// weights, so every optional member of models[] is encoded.
    static var allModels: [ModelInfo] {
        var windowed = models[1]
        windowed.name = "mistral"; windowed.baseline = false; windowed.attentionWindow = 4096
        // Held in BF16: matrices at 2 bytes, the norms at 4.
        windowed.weightBytesHeld = windowed.parametersTotal * 2 + 4096
        return models + [windowed]
    }

    /// A partial merge: shards 0 and 1 of 3, on two machines, the first of which ran the probes.
    static let sharding = ShardingInfo(
        count: 3, merged: true, partial: true, units: 720, missingUnits: 240, missingShards: [2], promptTokenImbalance: 0.004,
        shards: [ShardingInfo.Shard(index: 0, host: "node-7", cpu: environment.cpu, openblasCore: "SkylakeX", threads: 2,
                                    units: 241, promptTokens: 4_310_000, recorded: 241, throughput: true, finished: true),
                 ShardingInfo.Shard(index: 1, host: "node-9", cpu: "Intel Xeon (synthetic)", openblasCore: "Haswell", threads: 2,
                                    units: 239, promptTokens: 4_290_000, recorded: 239, throughput: false, finished: true)])

    /// Every optional member present: what the schema test needs.
    static func fullResults(samples: [SampleRecord] = needleSamples()) throws -> RunResults {
        var environment = Self.environment
        environment.host = "node-7"
        return try RunResults.build(samples: samples, models: allModels, suite: suite, environment: environment, throughput: bench(),
                                    tokenization: tokenization(), peakResidentBytes: ["jamba": 412_000_000, "transformer": 655_000_000],
                                    sharding: sharding)
    }
}
