/// Greedy generation: continue `prompt` until a stop token, a stop string, or `maxNewTokens`.
public struct GenerateRequest: Sendable {
    public var prompt: [Int]
    public var maxNewTokens: Int
    public var stopTokens: Set<Int>
    /// Checked on the decoded continuation; needs the engine's `decode` function.
    public var stopStrings: [String]

    public init(prompt: [Int], maxNewTokens: Int, stopTokens: Set<Int> = [], stopStrings: [String] = []) {
        self.prompt = prompt; self.maxNewTokens = maxNewTokens; self.stopTokens = stopTokens; self.stopStrings = stopStrings
    }
}

public struct GenerateResult: Sendable, Equatable {
    public enum FinishReason: String, Sendable, Codable {
        case length, stopToken = "stop_token", stopString = "stop_string"
        /// The model produced NaN or ±Inf logits; the tokens so far are not a real answer.
        case nonFiniteLogits = "non_finite_logits"
    }

    /// Every generated token, including a stop token that ended generation.
    public var tokens: [Int]
    /// The decoded continuation without a final stop token, cut before the first stop string
    /// (nil when the engine has no `decode` function).
    public var text: String?
    public var finishReason: FinishReason
    /// Seconds from the start of this request's prefill to its first generated token.
    public var timeToFirstToken: Double
    /// Bytes of the sequence's state when it finished (Mamba state plus its KV cache).
    public var stateBytes: Int

    public static func == (a: Self, b: Self) -> Bool {
        a.tokens == b.tokens && a.text == b.text && a.finishReason == b.finishReason
    }
}
