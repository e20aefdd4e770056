/// Variable-length sequences packed as rows of one matrix: sequence s owns rows
/// offsets[s] ..< offsets[s] + lengths[s]. No padding anywhere.
public struct PackedBatch: Sendable {
    public let tokens: [Int]
    public let lengths: [Int]
    public let offsets: [Int]

    public init(_ sequences: [[Int]]) {
        tokens = sequences.flatMap { $0 }
        lengths = sequences.map(\.count)
        var o = 0
        offsets = lengths.map { l in defer { o += l }; return o }
    }

    public var rows: Int { tokens.count }
    public var count: Int { lengths.count }
}

/// Which rows get logits: computing lm_head only where needed saves a [rows, vocab] GEMM.
public enum LogitRows: Sendable {
    case all
    case last
}
