import Foundation
import JambaEval

extension BenchReport {
    /// The first model's speed ÷ every other model's, per test (ratios of mean tokens/s): how
    /// `make bench` answers "hybrid against each transformer" in one table when the suite holds
    /// several baselines (the per-repetition ratio column covers only the one marked baseline).
    /// Nil with fewer than three models, where the baseline column already says it all.
    public func comparisonTable() -> String? {
        var models: [String] = []
        for r in results where !models.contains(r.model) { models.append(r.model) }
        guard models.count >= 3, let subject = models.first else { return nil }
        let others = Array(models.dropFirst())
        var tests: [(name: String, batch: Int)] = []
        for r in results where !tests.contains(where: { $0.name == r.testName && $0.batch == r.batch }) {
            tests.append((r.testName, r.batch))
        }
        var lines = ["\(subject) ÷ each model (mean tokens/s over mean tokens/s; > 1: \(subject) is faster)", ""]
        lines.append("| test | " + others.map { "÷ \($0)" }.joined(separator: " | ") + " |")
        lines.append("|---|" + String(repeating: "---:|", count: others.count))
        for t in tests {
            func mean(_ model: String) -> Double? {
                results.first { $0.model == model && $0.testName == t.name && $0.batch == t.batch }?.tokensPerSecond.mean
            }
            guard let s = mean(subject) else { continue }
            let cells = others.map { o in mean(o).map { $0 > 0 ? String(format: "%.2f×", s / $0) : "—" } ?? "—" }
            lines.append("| \(t.name) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }
}
