import Foundation

/// One model against the baseline on one task, overall and per context length. Both models
/// answer the same samples, so the comparison is paired (matched by sample id).
public struct BaselineComparison: Codable, Sendable, Equatable {
    public struct ByLength: Codable, Sendable, Equatable {
        public var length: Int
        public var paired: PairedCounts
    }

    public var model: String
    public var baseline: String
    public var task: String
    public var overall: PairedCounts
    /// Ascending length.
    public var byLength: [ByLength]

    enum CodingKeys: String, CodingKey {
        case model, baseline, task, overall
        case byLength = "by_length"
    }
}
