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
    /// The last row of every sequence, in sequence order.
    case last
    /// These packed rows, in this order.
    case rows([Int])

    func resolve(_ batch: PackedBatch) -> [Int] {
        switch self {
        case .all: return Array(0..<batch.rows)
        case .last: return (0..<batch.count).map { s in
            precondition(batch.lengths[s] > 0, "sequence \(s) is empty: it has no last position")
            return batch.offsets[s] + batch.lengths[s] - 1
        }
        case .rows(let r): return r
        }
    }
}
