/// The statistics of a list of measurements or per-sample scores: mean, sample standard
/// deviation, median, standard error. The one place they are computed: bench repetitions keep all
/// of it (`BenchResult`), task accuracies the mean and standard error (`MetricSummary`).
public struct Stats: Codable, Sendable, Equatable {
    public let mean: Double
    /// Sample standard deviation (n − 1); 0 for fewer than two values.
    public let sd: Double
    public let median: Double
    public let values: [Double]

    public init(_ values: [Double]) {
        self.values = values
        let n = Double(values.count)
        let m = values.reduce(0, +) / max(n, 1)
        mean = m
        sd = values.count > 1 ? (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)).squareRoot() : 0
        let sorted = values.sorted()
        median = sorted.isEmpty ? 0 : sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// The standard error of the mean, √(variance / n); 0 for fewer than two values. Computed in
    /// that order (not sd / √n) so results.json keeps the very doubles it always had.
    public var standardError: Double {
        guard values.count > 1 else { return 0 }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return (variance / Double(values.count)).squareRoot()
    }
}
