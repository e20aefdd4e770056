/// The text in flight between the stages of `encode`: one byte buffer and the pieces cut from it.
///
/// `tokenizers` keeps a list of `NormalizedString`s with alignment tables; only ids are needed
/// here, so a piece is a byte range of a shared buffer (no allocation per word), plus the id when
/// the piece is an added token that the model must not see, plus whether the piece starts at the
/// very beginning of the input (Metaspace's `prepend_scheme: "first"` asks exactly that).
struct PieceList {
    struct Piece {
        var start: Int
        var end: Int
        /// Id of an added token matched here, or -1 for text still to be tokenized.
        var tokenId: Int32
        var atStart: Bool

        var isToken: Bool { tokenId >= 0 }
    }

    var bytes: [UInt8]
    var pieces: [Piece]

    init(bytes: [UInt8], pieces: [Piece]) {
        self.bytes = bytes
        self.pieces = pieces
    }

    /// Applies `transform` to every text piece, writing the pieces it returns into a new buffer;
    /// added-token pieces pass through. `transform` gets the piece's bytes and whether it starts
    /// the input, and appends to the output buffer the pieces (as ranges of that buffer) that
    /// replace it. Empty pieces are dropped, as `PreTokenizedString::split` drops them.
    func rewritten(_ transform: (UnsafeBufferPointer<UInt8>, Bool, inout [UInt8], inout [Piece]) -> Void) -> PieceList {
        var outBytes: [UInt8] = []
        outBytes.reserveCapacity(bytes.count + bytes.count / 4)
        var outPieces: [Piece] = []
        outPieces.reserveCapacity(pieces.count * 2)
        bytes.withUnsafeBufferPointer { buffer in
            for piece in pieces {
                if piece.isToken {
                    outPieces.append(piece)
                    continue
                }
                let first = outPieces.count
                transform(UnsafeBufferPointer(rebasing: buffer[piece.start..<piece.end]), piece.atStart,
                          &outBytes, &outPieces)
                // Compact away empties produced by the transform.
                var write = first
                for read in first..<outPieces.count where outPieces[read].end > outPieces[read].start {
                    outPieces[write] = outPieces[read]
                    write += 1
                }
                outPieces.removeSubrange(write...)
            }
        }
        return PieceList(bytes: outBytes, pieces: outPieces)
    }

    /// Splits every text piece into sub-ranges of the same buffer (no bytes change). `split` gets
    /// the piece's bytes and returns ranges relative to them.
    func split(_ split: (UnsafeBufferPointer<UInt8>) -> [Range<Int>]) -> PieceList {
        var outPieces: [Piece] = []
        outPieces.reserveCapacity(pieces.count * 2)
        bytes.withUnsafeBufferPointer { buffer in
            for piece in pieces {
                if piece.isToken {
                    outPieces.append(piece)
                    continue
                }
                for range in split(UnsafeBufferPointer(rebasing: buffer[piece.start..<piece.end]))
                where !range.isEmpty {
                    outPieces.append(Piece(start: piece.start + range.lowerBound,
                                           end: piece.start + range.upperBound, tokenId: -1,
                                           atStart: piece.atStart && range.lowerBound == 0))
                }
            }
        }
        return PieceList(bytes: bytes, pieces: outPieces)
    }
}
