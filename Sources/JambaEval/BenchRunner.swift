import Foundation
import JambaKernels
import JambaModels

/// Times prefill and decode tests for several models, repetitions interleaved across models
/// (A B, B A, …) so drift of a shared machine hits every model alike. Each repetition measures the
/// calibration GEMM right before its tests, so utilisation divides by a rate taken under the same
/// conditions; the gate then compares medians, which one disturbed repetition cannot move.
/// Every test runs through each model's `Engine` (its chunked, packed prefill and its batched
/// decode step), the path `run` takes; all engines share one compute context.
public struct BenchRunner {
    public struct Entry {
        public let name: String
        public let model: DecoderModel
        public init(name: String, model: DecoderModel) { self.name = name; self.model = model }
    }

    public let entries: [Entry]
    public let tests: [BenchTest]
    public let repeats: Int
    public let batch: Int
    public let baseline: String?
    /// The engines' options: threads, and the prefill chunk prompts are read in, as `run` reads
    /// them (max batch is `batch`).
    public let options: EngineOptions
    public let context: ComputeContext

    /// Decode contexts already read, per model and depth: (states, first token).
    private let contexts = Box<[String: ([SequenceState], [Int])]>([:])

    /// - context: the compute context of every engine (nil: one from `options`).
    public init(entries: [Entry], tests: [BenchTest], repeats: Int, batch: Int = 1, baseline: String? = nil,
                options: EngineOptions = EngineOptions(), context: ComputeContext? = nil) {
        self.entries = entries; self.tests = tests; self.repeats = repeats; self.batch = batch; self.baseline = baseline
        self.options = options
        self.context = context ?? options.makeContext()
    }

    /// The options of each model's engine: `batch` sequences at most, and a prefill chunk no
    /// larger than the most tokens any test reads at once (the same chunks, a workspace no
    /// larger than the tests need).
    var engineOptions: EngineOptions {
        var o = options
        o.maxBatch = batch
        let rows = tests.map { t -> Int in
            switch t {
            case .prefill(let n): return n * batch
            case .decode(_, let d): return max(1, d) * batch
            }
        }.max() ?? 1
        o.prefillChunk = max(1, min(o.prefillChunk, rows))
        return o
    }

    /// Runs everything; `progress` gets a line per measurement.
    public func run(progress: (String) -> Void = { _ in }) throws -> BenchReport {
        precondition(repeats > 0)
        var seconds: [String: [BenchTest: [Double]]] = [:]
        var bytesRead: [String: [BenchTest: [Double]]] = [:]
        // The rate of a calibration kernel measured around each timed test: the machine's state
        // at that moment, which utilisation divides by.
        var adjacent: [String: [BenchTest: [Double]]] = [:]
        var calibrations: [Double] = [], bandwidths: [Double] = []
        // Sized from this machine's last-level cache so that decode divides by DRAM's rate.
        let probe = BandwidthProbe.forThisMachine(context: context)
        let o = engineOptions
        let engines = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, Engine(model: $0.model, options: o, context: context)) })
        func time(_ e: Entry, _ test: BenchTest) throws -> Timing { try self.time(e, engines[e.name]!, test) }
        // Untimed warm-up: pages in the weights, sizes the scratch (the longest prefill) and reads
        // every decode context once.
        let longest = tests.compactMap { t -> BenchTest? in if case .prefill = t { return t } else { return nil } }
            .max { $0.tokens < $1.tokens }
        for e in entries {
            if let p = longest { _ = try time(e, p) }
            for test in tests { if case .decode = test { _ = try time(e, test) } }
        }
        for r in 0..<repeats {
            let cal = Calibration.gemmRate(repeats: 3, context: context), bw = probe.measure(repeats: 3)
            calibrations.append(cal)
            bandwidths.append(bw)
            progress(String(format: "rep %d/%d: calibration %.1f GFLOP/s, %.1f GB/s", r + 1, repeats, cal / 1e9, bw / 1e9))
            for test in tests {
                // A B, then B A in the next repetition: a machine that drifts within a repetition
                // slows both models' sides alike on average instead of always the second one.
                for e in (r % 2 == 0 ? entries : entries.reversed()) {
                    // Calibrate right before and right after: the mean brackets the test, so a
                    // machine that changes pace during it moves both sides of the quotient. The
                    // bandwidth side keeps the best of three sweeps: one sweep of the probe (about
                    // 25 ms) caught a neighbour's burst often enough on a shared Zen 5 that
                    // batch-8 util. read 0.68 in one run and 1.30 in the next.
                    let calibrate = { self.bandwidthBound(test) ? probe.measure(repeats: 3)
                                                                : Calibration.gemmRate(repeats: 1, context: context) }
                    let before = calibrate()
                    let t = try time(e, test)
                    let after = calibrate()
                    seconds[e.name, default: [:]][test, default: []].append(t.seconds)
                    bytesRead[e.name, default: [:]][test, default: []].append(t.bytes)
                    adjacent[e.name, default: [:]][test, default: []].append((before + after) / 2)
                    progress("  \(e.name) \(test): \(String(format: "%.1f", Double(test.tokens * batch) / t.seconds)) t/s")
                }
            }
        }
        var results: [BenchResult] = []
        for e in entries {
            for test in tests {
                let times = seconds[e.name]![test]!
                // Prefill is bound by FLOPs: divide by the GEMM rate. Decode, at batch 1 and at
                // batch 8 alike, is bound by reading weights: divide the bytes its steps had to
                // read (each expert the batch routed to once per step) per second by the sgemv
                // bandwidth.
                let work: [Double]
                if case .decode = test {
                    work = bytesRead[e.name]![test]!
                } else {
                    work = times.map { _ in Self.flops(e.model, test) * Double(batch) }
                }
                let utilisation = zip(zip(work, times), adjacent[e.name]![test]!).map { $0.0 / $0.1 / $1 }
                var ratio: Stats? = nil
                if let b = baseline, b != e.name, let base = seconds[b]?[test] {
                    // Same repetition, adjacent in time: the machine was in the same state for both.
                    ratio = Stats(zip(times, base).map { $1 / $0 })
                }
                results.append(BenchResult(model: e.name, parameters: e.model.parameterCount, test: test, batch: batch,
                                           tokensPerSecond: Stats(times.map { Double(test.tokens * batch) / $0 }),
                                           utilisation: Stats(utilisation), ratioToBaseline: ratio,
                                           stateBytes: e.model.stateBytes(context: test.contextAfter)))
            }
        }
        return BenchReport(environment: .current(threads: context.threads), calibration: Stats(calibrations),
                           bandwidth: Stats(bandwidths), bandwidthBytes: probe.bytes, bandwidthProbe: BandwidthProbe.method,
                           repeats: repeats, baseline: baseline, results: results)
    }

    /// Decode streams weights (a batch of 8 reads each weight once per step for all 8 rows);
    /// prefill is arithmetic-bound.
    func bandwidthBound(_ test: BenchTest) -> Bool {
        if case .decode = test { return true }
        return false
    }

    static func flops(_ model: DecoderModel, _ test: BenchTest) -> Double {
        switch test {
        case .prefill(let n): return model.prefillFLOPs(tokens: n)
        case .decode(let n, let d): return (0..<n).reduce(0.0) { $0 + model.decodeFLOPs(context: d + $1) }
        }
    }

    /// Seconds for one test on fresh states. Prefill is the engine's own chunked, packed prefill
    /// (what `run` does with a prompt), logits for each prompt's last token only; decode is the
    /// engine's decode step (what `generate` does), `batch` sequences at a time.
    private func time(_ entry: Entry, _ engine: Engine, _ test: BenchTest) throws -> Timing {
        let model = entry.model, v = model.config.vocabSize
        func tokens(_ n: Int, _ b: Int) -> [Int] { (0..<n).map { ($0 * 31 + b * 7 + 3) % v } }
        switch test {
        case .prefill(let n):
            let seqs = (0..<batch).map { tokens(n, $0) }
            let states = seqs.map { model.newState(reserve: $0.count) }
            let t0 = DispatchTime.now().uptimeNanoseconds
            try engine.prefill(seqs, states: states, logitPositions: seqs.map { [$0.count - 1] }) { _, _, _ in }
            BenchSlowdown.stretch(model: entry.name, since: t0)
            return Timing(seconds: Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9, bytes: 0)
        case .decode(let n, let depth):
            // The context is read once per model and depth; each repetition decodes from a copy
            // of that snapshot (a 16K-token context costs minutes to prefill on a small machine).
            let key = "\(entry.name)/\(depth)"
            if contexts.value[key] == nil {
                let states = (0..<batch).map { _ in model.newState(reserve: depth + n + 1) }
                var next = (0..<batch).map { $0 % v }
                if depth > 0 {
                    try engine.prefill((0..<batch).map { tokens(depth, $0) }, states: states,
                                       logitPositions: (0..<batch).map { _ in [depth - 1] }) { s, _, logits in
                        next[s] = Softmax.argmax(logits.baseAddress!, count: logits.count)
                    }
                }
                contexts.value[key] = (states, next)
            }
            let (snapshot, first) = contexts.value[key]!
            let states = snapshot.map { s -> SequenceState in
                let c = s.copy()
                c.reserveCache(depth + n + 1)
                return c
            }
            var next = first
            let bytes0 = engine.stats.decodeBytes
            let t0 = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<n {
                let logits = try engine.decodeStep(next, states: states)
                next = (0..<batch).map { logits.argmax(row: $0) }
            }
            BenchSlowdown.stretch(model: entry.name, since: t0)
            return Timing(seconds: Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9,
                          bytes: engine.stats.decodeBytes - bytes0)
        }
    }

    /// One timed test: its seconds, and for decode the bytes its steps had to read.
    private struct Timing {
        let seconds: Double, bytes: Double
    }
}

extension BenchTest {
    /// Tokens in the state when the test ends.
    var contextAfter: Int {
        switch self {
        case .prefill(let n): return n
        case .decode(let n, let d): return n + d
        }
    }
}

/// A reference cell, so the runner (a struct) can cache across calls.
final class Box<T> {
    var value: T
    init(_ value: T) { self.value = value }
}
