/// Streams task records from a .jsonl.zst or a plain .jsonl file, one at a time, in bounded memory:
/// a fixed decompression input buffer, a fixed chunk buffer and a carry buffer as long as the
/// longest line (see LineReader). zstd data is recognised by its magic number (or a .zst name),
/// so a misnamed file still reads.
///
///     let reader = try TaskReader(path: "datasets/niah_single.jsonl.zst")
///     while let record = try reader.next() { ... }
public final class TaskReader {
    public let path: String
    public let options: ReaderOptions
    public let isCompressed: Bool
    /// Malformed lines skipped (only with `skipMalformedLines`), and the first few of their errors.
    public private(set) var skippedLines = 0
    public private(set) var skippedErrors: [DataError] = []
    private let lines: LineReader
    private let idPrefix: String

    public init(path: String, options: ReaderOptions = ReaderOptions()) throws {
        self.path = path
        self.options = options
        let file = try RawFile.openForReading(path)
        isCompressed = try TaskReader.looksCompressed(path: path)
        let source: ByteSource
        var extra = 0
        if isCompressed {
            let z = try ZstdSource(file: file)
            extra = z.bufferBytes
            source = z
        } else {
            source = PlainSource(file: file)
        }
        lines = LineReader(path: path, source: source, chunkBytes: options.chunkBytes,
                           maxLineBytes: options.maxLineBytes, extraBufferBytes: extra)
        idPrefix = path.split(separator: "/").last.map(String.init) ?? path
    }

    /// The next record, or nil at the end of the file.
    public func next() throws -> TaskRecord? {
        while let line = try lines.nextLine() {
            if isBlank(line) { continue }
            do {
                return try TaskRecordDecoder.decode(line, file: path, idPrefix: idPrefix, lineNumber: lines.lineNumber)
            } catch let e as DataError where options.skipMalformedLines {
                skippedLines += 1
                if skippedErrors.count < 10 { skippedErrors.append(e) }
            }
        }
        return nil
    }

    /// Calls `body` for every record. Stops at the first error.
    public func forEach(_ body: (TaskRecord) throws -> Void) throws {
        while let r = try next() { try body(r) }
    }

    /// Reads a whole (small) file into memory: for tests and tools, not for suites.
    public static func readAll(path: String, options: ReaderOptions = ReaderOptions()) throws -> [TaskRecord] {
        let reader = try TaskReader(path: path, options: options)
        var out: [TaskRecord] = []
        try reader.forEach { out.append($0) }
        return out
    }

    /// Line number of the record last returned (1-based).
    public var lineNumber: Int { lines.lineNumber }
    /// Uncompressed bytes consumed so far.
    public var bytesRead: Int { lines.bytesRead }
    /// Bytes held by the reader's buffers now; stays flat after the longest line has been seen.
    public var bufferedBytes: Int { lines.bufferedBytes }

    /// Calls `body` with every raw line (no JSON decoding): the split-only stage, for benchmarks
    /// and for `data stats` on files that are not task records.
    public func forEachLine(_ body: (UnsafeRawBufferPointer, Int) throws -> Void) throws {
        while let line = try lines.nextLine() { try body(line, lines.lineNumber) }
    }

    private func isBlank(_ line: UnsafeRawBufferPointer) -> Bool {
        for b in line where !(b == 0x20 || b == 0x09 || b == 0x0D) { return false }
        return true
    }

    static func looksCompressed(path: String) throws -> Bool {
        if path.hasSuffix(".zst") || path.hasSuffix(".zstd") { return true }
        let f = try RawFile.openForReading(path)
        var magic = [UInt8](repeating: 0, count: 4)
        let n = try magic.withUnsafeMutableBytes { try f.read(into: $0) }
        guard n == 4 else { return false }
        let m = UInt32(magic[0]) | UInt32(magic[1]) << 8 | UInt32(magic[2]) << 16 | UInt32(magic[3]) << 24
        // A zstd frame, or a skippable frame (0x184D2A50...5F).
        return m == 0xFD2F_B528 || (m & 0xFFFF_FFF0) == 0x184D_2A50
    }
}
