import JambaCheckpoint

/// Errors of configuration and model building, naming the file and the field or tensor.
public enum ModelError: Error, CustomStringConvertible {
    case configUnreadable(file: String, reason: String)
    case configField(file: String, field: String, reason: String)
    case checkpoint(CheckpointError)
    case tokenOutOfRange(sequence: Int, position: Int, token: Int, vocabularySize: Int)
    case emptyBatch
    case badRequest(String)

    public var description: String {
        switch self {
        case let .configUnreadable(file, reason): return "\(file): cannot read the configuration: \(reason)"
        case let .configField(file, field, reason): return "\(file): field '\(field)': \(reason)"
        case let .checkpoint(e): return e.description
        case let .tokenOutOfRange(seq, pos, token, vocab):
            return "sequence \(seq), position \(pos): token id \(token) is outside the vocabulary [0, \(vocab))"
        case .emptyBatch: return "the batch holds no tokens"
        case let .badRequest(text): return text
        }
    }
}
