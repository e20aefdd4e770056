import JambaJSON

/// One evaluation sample, one JSON object per line (DESIGN.md §5). A superset of NVIDIA RULER's
/// records, so RULER's own files load unchanged: keys this type does not name are kept in
/// `extras` and written back as they were read.
public struct TaskRecord: Equatable, Sendable {
    /// The sample's id. A record without an `id` key is named `<file name>:<line number>`;
    /// RULER's `index` is not used, because its niah writer overwrites it with the answer's
    /// character offset and it repeats.
    public var id: String
    /// False when `id` was derived from the file and line; the writer then leaves it out, so a
    /// RULER file written back stays a RULER file.
    public var idIsFromRecord: Bool
    public var task: String?
    /// Prompt text, whitespace kept exactly as in the file.
    public var input: String?
    /// A prompt given as token ids instead of text (kv_recall and other synthetic tasks).
    public var inputIds: [Int]?
    /// Reference answers.
    public var outputs: [String]
    /// For position-scored records: the positions to compare and the target token at each.
    public var positions: [TargetPosition]?
    /// Token length: prompt tokens plus `max_new_tokens`, as RULER counts it.
    public var length: Int?
    /// Where the (first) needle sits in the context, 0...1.
    public var depth: Double?
    public var maxNewTokens: Int?
    public var metric: String?
    /// Text appended to `input` before generation; RULER's starts with a space.
    public var answerPrefix: String?
    /// Every other key, as read.
    public var extras: [String: JSONValue]

    public init(
        id: String, task: String? = nil, input: String? = nil, inputIds: [Int]? = nil,
        outputs: [String] = [], positions: [TargetPosition]? = nil, length: Int? = nil,
        depth: Double? = nil, maxNewTokens: Int? = nil, metric: String? = nil,
        answerPrefix: String? = nil, extras: [String: JSONValue] = [:], idIsFromRecord: Bool = true
    ) {
        self.id = id
        self.idIsFromRecord = idIsFromRecord
        self.task = task
        self.input = input
        self.inputIds = inputIds
        self.outputs = outputs
        self.positions = positions
        self.length = length
        self.depth = depth
        self.maxNewTokens = maxNewTokens
        self.metric = metric
        self.answerPrefix = answerPrefix
        self.extras = extras
    }

    /// What the model is given: `input` followed by `answer_prefix` (nil for records of token ids).
    public var prompt: String? {
        guard let input else { return nil }
        guard let answerPrefix else { return input }
        return input + answerPrefix
    }

    /// The keys this type reads into typed fields; everything else goes to `extras`.
    public static let knownKeys: Set<String> = [
        "id", "task", "input", "input_ids", "outputs", "positions", "length", "depth",
        "max_new_tokens", "metric", "answer_prefix",
    ]
}
