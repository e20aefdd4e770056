import Foundation

/// Time spent turning one task's records into token ids for one model, reported apart from the
/// engine's time so tokenizer speed never flatters or hurts a model's tokens/s.
public struct TokenizationTime: Codable, Sendable, Equatable {
    public var model: String
    public var task: String
    public var tokens: Int
    public var seconds: Double

    public init(model: String, task: String, tokens: Int, seconds: Double) {
        self.model = model; self.task = task; self.tokens = tokens; self.seconds = seconds
    }
}
