import Foundation
import JambaKernels
import JambaModels

/// Times prefill and decode tests for several models, repetitions interleaved across models
/// (A B A B …) so drift of a shared machine hits every model alike.
public struct BenchRunner {
    public struct Entry {
        public let name: String
        public let model: JambaModel
        public init(name: String, model: JambaModel) { self.name = name; self.model = model }
    }

    public let entries: [Entry]
    public let tests: [BenchTest]
    public let repeats: Int
    public let batch: Int

    public init(entries: [Entry], tests: [BenchTest], repeats: Int, batch: Int = 1) {
        self.entries = entries; self.tests = tests; self.repeats = repeats; self.batch = batch
    }

    /// Runs everything; `progress` gets a line per measurement.
    public func run(progress: (String) -> Void = { _ in }) throws -> BenchReport {
        let calibrationBefore = Calibration.gemmRate()
        var seconds: [String: [BenchTest: [Double]]] = [:]
        // One untimed warm-up per model and test shape class (page in weights, size scratch).
        for e in entries { _ = try time(e.model, .prefill(tokens: 16)) }
        for r in 0..<repeats {
            for e in entries {
                for test in tests {
                    let s = try time(e.model, test)
                    seconds[e.name, default: [:]][test, default: []].append(s)
                    progress("\(e.name) \(test) rep \(r + 1)/\(repeats): \(String(format: "%.1f", Double(test.tokens * batch) / s)) t/s")
                }
            }
        }
        let calibrationAfter = Calibration.gemmRate()
        let calibration = (calibrationBefore + calibrationAfter) / 2
        var results: [BenchResult] = []
        for e in entries {
            for test in tests {
                let times = seconds[e.name]![test]!
                let rates = times.map { Double(test.tokens * batch) / $0 }
                let flops: Double
                switch test {
                case .prefill(let n): flops = e.model.prefillFLOPs(tokens: n) * Double(batch)
                case .decode(let n, let d):
                    flops = (0..<n).reduce(0.0) { $0 + e.model.decodeFLOPs(context: d + $1) } * Double(batch)
                }
                let utilisation = times.map { flops / $0 / calibration }
                results.append(BenchResult(model: e.name, parameters: e.model.parameterCount, test: test, batch: batch,
                                           tokensPerSecond: Stats(rates), utilisation: Stats(utilisation),
                                           stateBytes: e.model.fixedStateBytes + e.model.kvBytesPerToken * (test.contextAfter)))
            }
        }
        return BenchReport(environment: .current(threads: BLAS.threads), calibrationFLOPs: calibration,
                           calibrationSpread: [calibrationBefore, calibrationAfter], repeats: repeats, results: results)
    }

    /// Seconds for one test on fresh states.
    private func time(_ model: JambaModel, _ test: BenchTest) throws -> Double {
        switch test {
        case .prefill(let n):
            let seqs = (0..<batch).map { b in (0..<n).map { ($0 * 31 + b * 7 + 3) % model.config.vocabSize } }
            let states = seqs.map { model.newState(reserve: $0.count) }
            let batchRows = PackedBatch(seqs)
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try model.forward(batchRows, states: states, logits: .last)
            return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        case .decode(let n, let depth):
            let states = (0..<batch).map { _ in model.newState(reserve: depth + n + 1) }
            var next = (0..<batch).map { $0 % model.config.vocabSize }
            if depth > 0 {
                let ctx = (0..<batch).map { b in (0..<depth).map { ($0 * 31 + b * 7 + 3) % model.config.vocabSize } }
                let logits = try model.forward(PackedBatch(ctx), states: states, logits: .last)
                next = (0..<batch).map { logits.argmax(row: $0) }
            }
            let t0 = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<n {
                let logits = try model.forward(PackedBatch(next.map { [$0] }), states: states, logits: .last)
                next = (0..<batch).map { logits.argmax(row: $0) }
            }
            return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        }
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
