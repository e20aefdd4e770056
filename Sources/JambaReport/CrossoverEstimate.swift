import Foundation
import JambaEval

/// The run's answer to "from what prompt length does the hybrid pay off, and by how much at
/// 128K?": each model's prefill fit (PrefillFit) and every model against the baseline (Crossover).
/// Built from the throughput probes; absent when they measured fewer than three prefill lengths.
public struct CrossoverEstimate: Codable, Sendable, Equatable {
    /// Models in suite order that have prefill probes at three or more lengths.
    public var fits: [PrefillFit]
    /// Every other fitted model against the baseline, in suite order; empty without a baseline.
    public var crossovers: [Crossover]

    /// Seconds per prompt (time to first token) of each repetition of `model`'s prefill probes,
    /// by prompt length. Batch 1 only: a batch shares one prompt's time between sequences.
    public static func prefillSeconds(_ throughput: BenchReport, model: String) -> [Int: [Double]] {
        var out: [Int: [Double]] = [:]
        for r in throughput.results where r.model == model && r.batch == 1 {
            guard case .prefill(let n) = r.test else { continue }
            out[n, default: []] += r.tokensPerSecond.values.filter { $0 > 0 }.map { Double(n) / $0 }
        }
        return out
    }

    public static func make(throughput: BenchReport, models: [ModelInfo], baseline: String?) -> CrossoverEstimate? {
        let fits = models.compactMap { m -> PrefillFit? in
            let measurements = prefillSeconds(throughput, model: m.name).sorted { $0.key < $1.key }
                .flatMap { n, secs in secs.map { (tokens: n, seconds: $0) } }
            return PrefillFit.fit(model: m.name, measurements)
        }
        guard !fits.isEmpty else { return nil }
        var crossovers: [Crossover] = []
        if let b = baseline, let base = fits.first(where: { $0.model == b }) {
            crossovers = fits.filter { $0.model != b }.map { Crossover.between($0, base) }
        }
        return CrossoverEstimate(fits: fits, crossovers: crossovers)
    }
}
