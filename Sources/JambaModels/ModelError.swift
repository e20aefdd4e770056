import JambaCheckpoint
import JambaSupport

/// Errors of configuration and model building, naming the file and the field or tensor.
public enum ModelError: Error, CustomStringConvertible {
    case configUnreadable(file: String, reason: String)
    case configField(file: String, field: String, reason: String)
    case checkpoint(CheckpointError)
    case tokenOutOfRange(sequence: Int, position: Int, token: Int, vocabularySize: Int)
    case emptyBatch
    case badRequest(String)
    /// The memory a run needs (MemoryPlan) exceeds what is available, found before allocating.
    /// `notes`: the config's warnings (a misspelt size key is the usual reason a plan is huge).
    case insufficientMemory(file: String, plan: MemoryPlan, available: AvailableMemory, notes: [String])

    public var description: String {
        switch self {
        case let .configUnreadable(file, reason): return "\(file): cannot read the configuration: \(reason)"
        case let .configField(file, field, reason): return "\(file): field '\(field)': \(reason)"
        case let .checkpoint(e): return e.description
        case let .tokenOutOfRange(seq, pos, token, vocab):
            return "sequence \(seq), position \(pos): token id \(token) is outside the vocabulary [0, \(vocab))"
        case .emptyBatch: return "the batch holds no tokens"
        case let .badRequest(text): return text
        case let .insufficientMemory(file, plan, available, notes):
            return "\(file): needs \(MemoryPlan.gib(plan.totalBytes)) of memory but \(MemoryPlan.gib(available.bytes)) is available "
                + "(\(available.source)): \(plan.breakdown). To fit, try: \(plan.advice)"
                + notes.map { "\n  \($0)" }.joined()
        }
    }
}
