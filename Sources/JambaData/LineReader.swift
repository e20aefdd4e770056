#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte stream into lines with one fixed chunk buffer plus a carry buffer for lines that
/// cross a chunk boundary. A line that lies inside one chunk is handed out in place (no copy); only
/// straddling lines are assembled in the carry, which grows to the longest such line and no further
/// (capped by `maxLineBytes`), so memory is bounded by the longest record, never by the file size.
final class LineReader {
    let path: String
    private let source: ByteSource
    private let chunk: UnsafeMutableRawBufferPointer
    private var chunkStart = 0
    private var chunkEnd = 0
    private var carry: UnsafeMutableRawBufferPointer
    private var carryCount = 0
    private var sourceDone = false
    private let maxLineBytes: Int
    /// 1-based number of the line last returned.
    private(set) var lineNumber = 0
    /// Uncompressed bytes consumed so far, newlines included.
    private(set) var bytesRead = 0
    private let extraBufferBytes: Int

    init(path: String, source: ByteSource, chunkBytes: Int, maxLineBytes: Int, extraBufferBytes: Int = 0) {
        self.path = path
        self.source = source
        self.chunk = .allocate(byteCount: max(chunkBytes, 1), alignment: 64)
        self.carry = .allocate(byteCount: 0, alignment: 64)
        self.maxLineBytes = maxLineBytes
        self.extraBufferBytes = extraBufferBytes
    }

    deinit {
        chunk.deallocate()
        carry.deallocate()
    }

    /// Bytes held by this reader's buffers (and the decompressor's input buffer) right now: fixed
    /// except for the carry, which only grows to the longest line that straddled a chunk boundary.
    var bufferedBytes: Int { chunk.count + carry.count + extraBufferBytes }

    /// The next line without its "\n" (and without a "\r" before it), valid until the next call;
    /// nil at the end. A last line without a final newline is still a line.
    func nextLine() throws -> UnsafeRawBufferPointer? {
        carryCount = 0
        while true {
            if chunkStart < chunkEnd {
                let start = chunk.baseAddress! + chunkStart
                let available = chunkEnd - chunkStart
                if let nl = memchr(start, 0x0A, available) {
                    let length = UnsafeRawPointer(nl) - UnsafeRawPointer(start)
                    chunkStart += length + 1
                    bytesRead += length + 1
                    lineNumber += 1
                    if carryCount == 0 { return trimCR(UnsafeRawBufferPointer(start: start, count: length)) }
                    try appendToCarry(UnsafeRawBufferPointer(start: start, count: length))
                    return trimCR(UnsafeRawBufferPointer(start: carry.baseAddress, count: carryCount))
                }
                try appendToCarry(UnsafeRawBufferPointer(start: start, count: available))
                bytesRead += available
                chunkStart = chunkEnd
            }
            if sourceDone {
                if carryCount == 0 { return nil }
                lineNumber += 1
                let line = trimCR(UnsafeRawBufferPointer(start: carry.baseAddress, count: carryCount))
                carryCount = 0
                return line
            }
            do {
                chunkEnd = try source.read(into: chunk)
            } catch DataError.truncatedFrame(let file, let frameStart, let size, _) {
                throw DataError.truncatedFrame(file: file, frameStart: frameStart, fileBytes: size, line: lineNumber)
            }
            chunkStart = 0
            if chunkEnd == 0 { sourceDone = true }
        }
    }

    private func appendToCarry(_ bytes: UnsafeRawBufferPointer) throws {
        let needed = carryCount + bytes.count
        if needed > maxLineBytes {
            throw DataError.lineTooLong(file: path, line: lineNumber + 1, bytes: needed, limit: maxLineBytes)
        }
        if needed > carry.count {
            // Doubling keeps the copies of a long line linear in its length.
            let grown = UnsafeMutableRawBufferPointer.allocate(
                byteCount: min(max(needed, carry.count * 2, 64 * 1024), maxLineBytes), alignment: 64)
            if carryCount > 0 { grown.copyMemory(from: UnsafeRawBufferPointer(rebasing: carry[0..<carryCount])) }
            carry.deallocate()
            carry = grown
        }
        if bytes.count > 0 {
            (carry.baseAddress! + carryCount).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        }
        carryCount = needed
    }

    @inline(__always) private func trimCR(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if line.count > 0 && line[line.count - 1] == 0x0D {
            return UnsafeRawBufferPointer(rebasing: line[0..<(line.count - 1)])
        }
        return line
    }
}
