/// How a TaskReader treats bad input.
public struct ReaderOptions: Sendable {
    /// By default a malformed line (not JSON, not an object, a field of the wrong type, no input)
    /// stops the read with an error naming file and line. When true such lines are skipped and
    /// counted instead (`TaskReader.skippedLines`); damaged compressed data always stops the read,
    /// since nothing after it can be trusted.
    public var skipMalformedLines: Bool
    /// Longest line accepted. A 256K-token prompt is about 1–2 MB of text; the cap keeps a file
    /// without newlines from taking all memory.
    public var maxLineBytes: Int
    /// Size of the buffer decompressed data lands in; lines inside it are parsed in place, so it
    /// is larger than ZSTD_DStreamOutSize (128 KiB): fewer records straddle a chunk boundary and
    /// take the carry-buffer copy.
    public var chunkBytes: Int

    public init(skipMalformedLines: Bool = false, maxLineBytes: Int = 64 << 20, chunkBytes: Int = 256 << 10) {
        self.skipMalformedLines = skipMalformedLines
        self.maxLineBytes = maxLineBytes
        self.chunkBytes = chunkBytes
    }
}
