import Foundation

/// The summary's verdicts in words: for every model against the baseline on every task, whether it
/// is better, worse, or not distinguishable from it, at the shortest context length of the task
/// (for trained checkpoints usually the training length, where a baseline that learned the task
/// should match) and over all lengths. A reader must not have to infer "the transformer matches
/// the hybrid here" from a column of Δ and p values: the report says it.
public struct Findings: Sendable, Equatable {
    public enum Verdict: String, Sendable, Equatable {
        case better, worse, matches
        /// The mean scores differ by a point or more, yet no sample is right for one model and wrong
        /// for the other (partial-credit scores such as positions_accuracy, where neither model gets
        /// a whole sample right): McNemar on right/wrong cannot test it, and "matches" would be false.
        case untested
    }

    public struct Line: Sendable, Equatable {
        public var model: String
        public var task: String
        /// nil: over every length.
        public var length: Int?
        public var verdict: Verdict
        public var paired: PairedCounts
    }

    /// McNemar's exact p below which a difference counts as a difference. Also, a difference under
    /// one point is called a match whatever p says: with thousands of samples a 0.3-point gap can
    /// be "significant" and still mean the two models do the same.
    public static let significance = 0.05
    public static let negligiblePoints = 1.0

    public var baseline: String
    public var lines: [Line]

    public init?(_ r: RunResults) {
        guard let b = r.baseline else { return nil }
        baseline = b
        lines = []
        for c in r.comparisons {
            if let first = c.byLength.first, c.byLength.count > 1 {
                lines.append(Line(model: c.model, task: c.task, length: first.length,
                                  verdict: Self.verdict(first.paired), paired: first.paired))
            }
            lines.append(Line(model: c.model, task: c.task, length: nil, verdict: Self.verdict(c.overall), paired: c.overall))
        }
        if lines.isEmpty { return nil }
    }

    public static func verdict(_ p: PairedCounts) -> Verdict {
        if abs(p.delta) * 100 < negligiblePoints { return .matches }
        if p.onlyThis + p.onlyBaseline == 0 { return .untested }
        if p.pValue >= significance { return .matches }
        return p.delta > 0 ? .better : .worse
    }

    /// Markdown bullets, one per model: where it beats the baseline, where it loses, where they match.
    public func markdown() -> [String] {
        var out: [String] = []
        var models: [String] = []
        for l in lines where !models.contains(l.model) { models.append(l.model) }
        for m in models {
            let mine = lines.filter { $0.model == m }
            var parts: [String] = []
            for v in [Verdict.better, .worse, .matches, .untested] {
                let these = mine.filter { $0.verdict == v }
                guard !these.isEmpty else { continue }
                let list = these.map { l -> String in
                    let at = l.length.map { " at \(ReportFormat.context($0))" } ?? " (all lengths)"
                    return "\(l.task)\(at), \(ReportFormat.points(l.paired.delta)) (p \(ReportFormat.pValue(l.paired.pValue)))"
                }.joined(separator: "; ")
                switch v {
                case .better: parts.append("**better** than \(baseline) on \(list)")
                case .worse: parts.append("**worse** than \(baseline) on \(list)")
                case .matches: parts.append("**matches** \(baseline) on \(list)")
                case .untested: parts.append("**differs in mean score, untested** on \(list)")
                }
            }
            out.append("- \(m): " + parts.joined(separator: "; "))
        }
        return out
    }
}
