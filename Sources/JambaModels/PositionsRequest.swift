/// One forward over `ids`; at each listed position, the model's greedy prediction (its argmax
/// after reading ids[0...position], i.e. its guess for the next token) is compared with the target
/// id. Multi-query associative recall scores this way, many queries per sequence.
public struct PositionsRequest: Sendable {
    public var ids: [Int]
    public var targets: [(position: Int, token: Int)]
    public init(ids: [Int], targets: [(position: Int, token: Int)]) { self.ids = ids; self.targets = targets }
}

public struct PositionsResult: Sendable, Equatable {
    public var predictions: [Int]
    public var correct: [Bool]
    /// NaN or ±Inf among the logits at a scored position: the predictions are not the model's.
    public var nonFiniteLogits = false
    public var accuracy: Double { correct.isEmpty ? 0 : Double(correct.filter { $0 }.count) / Double(correct.count) }
}
