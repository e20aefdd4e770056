/// Scores `continuation` after `context` (lm-evaluation-harness's loglikelihood request).
public struct LoglikelihoodRequest: Sendable {
    public var context: [Int]
    public var continuation: [Int]
    public init(context: [Int], continuation: [Int]) { self.context = context; self.continuation = continuation }
}

public struct LoglikelihoodResult: Sendable, Equatable {
    /// Σ log p(continuation[i] | context, continuation[..<i]).
    public var logprob: Double
    /// Whether every continuation token is the greedy (argmax) choice.
    public var isGreedy: Bool
    public var tokenLogprobs: [Double]
    /// NaN or ±Inf among the logits scored: `logprob` is not the model's.
    public var nonFiniteLogits = false
}
