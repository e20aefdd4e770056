/// What a generator run wrote: the CLI prints it, and `length` sums let a suite size its budget.
public struct GenerationSummary: Sendable, CustomStringConvertible {
    public var path: String
    public var records = 0
    /// Sum of the records' `length` (prompt tokens + max_new_tokens).
    public var tokens = 0
    public var minLength = Int.max
    public var maxLength = 0
    public var uncompressedBytes = 0
    public var fileBytes = 0

    public init(path: String) { self.path = path }

    mutating func add(_ r: TaskRecord) {
        records += 1
        let l = r.length ?? 0
        tokens += l
        minLength = min(minLength, l)
        maxLength = max(maxLength, l)
    }

    public var description: String {
        let lengths = records == 0 ? "" : ", lengths \(minLength)…\(maxLength)"
        return "wrote \(path): \(records) records, \(tokens) tokens\(lengths), \(uncompressedBytes) bytes of JSONL, \(fileBytes) bytes on disk"
    }
}
