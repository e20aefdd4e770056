import Foundation
import JambaEval

/// One model on one task: the mean score overall and split by context length, by needle depth,
/// and by (length, depth) cell. Means are stored on the samples' 0…1 scale; tables show ×100.
public struct TaskAccuracy: Codable, Sendable, Equatable {
    public struct ByLength: Codable, Sendable, Equatable {
        public var length: Int
        public var accuracy: MetricSummary
    }

    public struct ByDepth: Codable, Sendable, Equatable {
        /// Needle depth rounded to 2 decimals, so 0.2499 and 0.25 share a bucket.
        public var depth: Double
        public var accuracy: MetricSummary
    }

    public struct Cell: Codable, Sendable, Equatable {
        public var length: Int
        public var depth: Double
        public var accuracy: MetricSummary
    }

    public var model: String
    public var task: String
    public var metric: Metric
    public var overall: MetricSummary
    /// Ascending length.
    public var byLength: [ByLength]
    /// Ascending depth; empty when the task's samples carry no depth.
    public var byDepth: [ByDepth]
    /// Ascending (length, depth); empty when the task's samples carry no depth.
    public var cells: [Cell]
    public var promptTokens: Int
    public var generatedTokens: Int
    /// Sum of the samples' shares of engine time.
    public var engineSeconds: Double
    /// Mean over the samples that report one; absent when none does.
    public var meanTimeToFirstToken: Double?
    /// Samples that failed (scored 0 with a reason, see `RunResults.failures`); absent when none did.
    public var failed: Int?

    enum CodingKeys: String, CodingKey {
        case model, task, metric, overall, cells, failed
        case byLength = "by_length"
        case byDepth = "by_depth"
        case promptTokens = "prompt_tokens"
        case generatedTokens = "generated_tokens"
        case engineSeconds = "engine_seconds"
        case meanTimeToFirstToken = "mean_time_to_first_token"
    }

    /// The cell at (length, depth), if any sample fell in it.
    public func cell(length: Int, depth: Double) -> Cell? {
        cells.first { $0.length == length && $0.depth == depth }
    }
}
