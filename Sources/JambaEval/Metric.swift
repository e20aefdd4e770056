/// How a task's answers are scored (DESIGN.md section 5). RULER's two string metrics are
/// case-insensitive substring tests scaled to 0…100 by the tables, as RULER reports them.
public enum Metric: String, Sendable, Codable, CaseIterable {
    /// Every reference appears in the prediction: score = fraction of references found.
    case stringMatchAll = "string_match_all"
    /// Any reference appears in the prediction: score 1 or 0.
    case stringMatchPart = "string_match_part"
    /// The prediction, trimmed, equals a reference exactly.
    case exactMatch = "exact_match"
    /// Greedy predictions at given positions equal target ids (MQAR-style recall).
    case positionsAccuracy = "positions_accuracy"
    /// The reference continuation has the highest log-likelihood among the choices.
    case loglikelihoodAccuracy = "loglikelihood_accuracy"

    /// What the engine must be asked for to score this metric.
    public enum RequestKind: Sendable { case generate, positions, loglikelihood }

    public var requestKind: RequestKind {
        switch self {
        case .stringMatchAll, .stringMatchPart, .exactMatch: return .generate
        case .positionsAccuracy: return .positions
        case .loglikelihoodAccuracy: return .loglikelihood
        }
    }
}
