/// A task's accuracy as results.json records it: the number of samples, the mean score and its
/// standard error. A view of `Stats` that leaves out the per-sample list (a task can have
/// thousands of samples, and each is in the samples file already).
public struct MetricSummary: Codable, Sendable, Equatable {
    public let n: Int
    public let mean: Double
    public let stderr: Double

    public init(_ scores: [Double]) {
        let s = Stats(scores)
        n = scores.count
        mean = s.mean
        stderr = s.standardError
    }
}
