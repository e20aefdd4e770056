import Foundation
import JambaEval

/// A paired comparison of a model with the baseline on the samples both answered, as results.json
/// stores it: the 2×2 counts of `correct`, McNemar's exact p, and the difference of mean scores.
public struct PairedCounts: Codable, Sendable, Equatable {
    /// Samples answered by both models.
    public var n: Int
    public var bothRight: Int
    public var onlyThis: Int
    public var onlyBaseline: Int
    public var bothWrong: Int
    /// Two-sided exact McNemar p-value (1 when no sample is discordant).
    public var pValue: Double
    /// Mean score of this model − mean score of the baseline over the paired samples, on 0…1.
    public var delta: Double

    enum CodingKeys: String, CodingKey {
        case n, delta
        case bothRight = "both_right"
        case onlyThis = "only_this"
        case onlyBaseline = "only_baseline"
        case bothWrong = "both_wrong"
        case pValue = "p_value"
    }

    /// Pairs are (this model's sample, the baseline's sample) with the same id.
    init(_ pairs: [(SampleRecord, SampleRecord)]) {
        let c = PairedComparison(this: pairs.map(\.0.correct), baseline: pairs.map(\.1.correct))
        n = pairs.count
        bothRight = c.bothRight; onlyThis = c.onlyThis; onlyBaseline = c.onlyBaseline; bothWrong = c.bothWrong
        pValue = c.pValue
        // One pass in the given (id) order, so the sum rounds the same way every run.
        let diff = pairs.reduce(0.0) { $0 + ($1.0.score - $1.1.score) }
        delta = pairs.isEmpty ? 0 : diff / Double(pairs.count)
    }
}
