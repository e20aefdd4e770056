/// One scored sample: a line of samples/<model>/<task>.jsonl. The runner appends these after
/// every batch (so a killed run loses at most the batch in flight) and every table of a report is
/// recomputed from them.
public struct SampleRecord: Codable, Sendable, Equatable {
    public var id: String
    public var model: String
    public var task: String
    public var metric: Metric
    /// Generated text (generate tasks), or nil.
    public var prediction: String?
    /// Generated token ids (generate), greedy predictions at the scored positions (positions),
    /// or the index of the best choice (loglikelihood).
    public var predictedIds: [Int]
    /// References: answer strings, or target ids written as strings.
    public var target: [String]
    /// 0…1 (string_match_all gives fractions; the others 0 or 1).
    public var score: Double
    /// Full credit: what the paired comparison with the baseline counts.
    public var correct: Bool
    /// Context length bucket: the record's `length`, else its prompt tokens.
    public var length: Int
    /// Needle depth in 0…1, for needle tasks.
    public var depth: Double?
    public var promptTokens: Int
    public var generatedTokens: Int
    /// This sample's share of its batch's engine time, in seconds.
    public var seconds: Double
    public var timeToFirstToken: Double?
    /// Why the sample has no real answer, when it has none (the model produced NaN or ±Inf
    /// logits): it scores 0 and the report lists it, so a broken model is never a quiet zero.
    public var failure: String?

    public init(id: String, model: String, task: String, metric: Metric, prediction: String?, predictedIds: [Int],
                target: [String], score: Double, correct: Bool, length: Int, depth: Double?, promptTokens: Int,
                generatedTokens: Int, seconds: Double, timeToFirstToken: Double?, failure: String? = nil) {
        self.id = id; self.model = model; self.task = task; self.metric = metric; self.prediction = prediction
        self.predictedIds = predictedIds; self.target = target; self.score = score; self.correct = correct
        self.length = length; self.depth = depth; self.promptTokens = promptTokens; self.generatedTokens = generatedTokens
        self.seconds = seconds; self.timeToFirstToken = timeToFirstToken; self.failure = failure
    }
}
