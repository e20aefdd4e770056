/// Zoology's multi-query associative recall (MQAR) over token ids. The sequence is N key–value
/// pairs, then a query region where each queried key appears once, followed by its value, among
/// filler tokens; the model is scored on predicting the value at each query key (`positions`).
/// Keys come from the lower half of the vocabulary range and values from the upper half, so a key
/// can never be mistaken for a value.
public struct KVRecallConfiguration: Sendable {
    /// Size of the id range used: ids firstId..<firstId + vocabulary. firstId itself is the filler.
    public var vocabulary: Int
    /// First id of the range; raise it to keep clear of a real tokenizer's special tokens.
    public var firstId: Int
    /// Key–value pairs per sequence.
    public var pairs: Int
    /// Keys queried (each at most once); nil: all pairs.
    public var queries: Int?
    public var taskName: String?

    public init(vocabulary: Int = 8192, firstId: Int = 0, pairs: Int = 64, queries: Int? = nil, taskName: String? = nil) {
        self.vocabulary = vocabulary
        self.firstId = firstId
        self.pairs = pairs
        self.queries = queries
        self.taskName = taskName
    }

    public var task: String { taskName ?? "kv_recall" }
    var resolvedQueries: Int { queries ?? pairs }

    func validate(length: Int) throws {
        guard vocabulary >= 4, firstId >= 0 else {
            throw DataError.invalidRequest("kv_recall: vocabulary must be ≥ 4 and first id ≥ 0 (got \(vocabulary), \(firstId))")
        }
        let keySpace = vocabulary / 2 - 1
        let valueSpace = vocabulary - vocabulary / 2
        guard pairs >= 1, pairs <= keySpace, pairs <= valueSpace else {
            throw DataError.invalidRequest("kv_recall: \(pairs) pairs need between 1 and \(min(keySpace, valueSpace)) distinct keys and values with vocabulary \(vocabulary)")
        }
        guard resolvedQueries >= 1, resolvedQueries <= pairs else {
            throw DataError.invalidRequest("kv_recall: queries must be between 1 and pairs (\(pairs)), got \(resolvedQueries)")
        }
        guard 2 * pairs + 2 * resolvedQueries <= length else {
            throw DataError.doesNotFit(task: task, requested: length, minimum: 2 * pairs + 2 * resolvedQueries)
        }
    }
}
