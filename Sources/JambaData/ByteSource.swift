/// Where the line reader gets its bytes: a plain file or a zstd stream, both writing into a buffer
/// the reader owns, so memory stays fixed whatever the file size.
protocol ByteSource: AnyObject {
    /// Fills up to `buffer.count` bytes; returns 0 only at the end of the data.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Uncompressed JSONL straight from the file.
final class PlainSource: ByteSource {
    private let file: RawFile
    init(file: RawFile) { self.file = file }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { try file.read(into: buffer) }
}
