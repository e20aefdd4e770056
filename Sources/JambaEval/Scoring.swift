import Foundation

/// Scores one prediction against its references, as RULER and lm-evaluation-harness do.
public enum Scoring {
    /// A score in [0, 1] for text metrics (the tables scale by 100).
    public static func score(_ metric: Metric, prediction: String, references: [String]) -> Double {
        // RULER tests `r.lower() in pred.lower()`, and Python finds the empty string in every
        // string; Foundation's `contains("")` is false, so an empty reference is handled here.
        let p = prediction.lowercased()
        func found(_ r: String) -> Bool { r.isEmpty || p.contains(r.lowercased()) }
        switch metric {
        case .stringMatchAll:
            // RULER: fraction of references that occur in the prediction, case-insensitively.
            // (Records without references are refused before a run; 0 keeps this total.)
            guard !references.isEmpty else { return 0 }
            return Double(references.filter(found).count) / Double(references.count)
        case .stringMatchPart:
            return references.contains(where: found) ? 1 : 0
        case .exactMatch:
            let p = prediction.trimmingCharacters(in: .whitespacesAndNewlines)
            return references.contains { $0.trimmingCharacters(in: .whitespacesAndNewlines) == p } ? 1 : 0
        case .positionsAccuracy, .loglikelihoodAccuracy:
            preconditionFailure("\(metric.rawValue) is scored from the engine's result, not from text")
        }
    }
}

/// Two models on the same samples: a 2×2 table of right/wrong and McNemar's exact test of
/// whether the discordant samples split evenly.
public struct PairedComparison: Codable, Sendable, Equatable {
    public let bothRight: Int
    public let onlyThis: Int
    public let onlyBaseline: Int
    public let bothWrong: Int
    /// Two-sided exact binomial p-value on the discordant pairs (1 when there are none).
    public let pValue: Double

    public init(this: [Bool], baseline: [Bool]) {
        precondition(this.count == baseline.count, "paired comparison needs the same samples")
        var counts = (0, 0, 0, 0)
        for (a, b) in zip(this, baseline) {
            switch (a, b) {
            case (true, true): counts.0 += 1
            case (true, false): counts.1 += 1
            case (false, true): counts.2 += 1
            case (false, false): counts.3 += 1
            }
        }
        (bothRight, onlyThis, onlyBaseline, bothWrong) = counts
        pValue = Self.mcnemarExact(counts.1, counts.2)
    }

    /// p = min(1, 2 · P[X ≤ min(b, c)]) for X ~ Binomial(b + c, 1/2), summed in log space so
    /// thousands of samples neither overflow nor underflow.
    static func mcnemarExact(_ b: Int, _ c: Int) -> Double {
        let n = b + c
        if n == 0 { return 1 }
        let k = min(b, c)
        let logHalf = Double(n) * log(0.5)
        var terms: [Double] = []
        var logChoose = 0.0   // log C(n, 0)
        for i in 0...k {
            if i > 0 { logChoose += log(Double(n - i + 1)) - log(Double(i)) }
            terms.append(logChoose + logHalf)
        }
        let top = terms.max()!
        let tail = exp(top) * terms.reduce(0) { $0 + exp($1 - top) }
        return min(1, 2 * tail)
    }
}
