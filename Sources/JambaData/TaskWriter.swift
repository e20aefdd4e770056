#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import JambaJSON

/// Writes task records as JSON lines, zstd-compressed when the path ends in .zst (plain otherwise).
/// Output goes to a temporary file beside the target and is renamed into place by `close()`, so an
/// interrupted generator never leaves a half-written dataset under the real name.
public final class TaskWriter {
    public let path: String
    private let temporaryPath: String
    private var file: RawFile?
    private var zstd: ZstdSink?
    private var staging = JSONWriter(capacity: 1 << 20)
    private let frameBytes: Int?
    private var frameUncompressed = 0
    private var closed = false
    public private(set) var records = 0
    /// Uncompressed JSONL bytes written so far.
    public private(set) var uncompressedBytes = 0
    /// Bytes on disk (after `close()`, the file's size).
    public private(set) var fileBytes = 0

    /// - level: zstd level (1…22; 3 is zstd's default, 19 makes small committed datasets).
    /// - frameBytes: end the zstd frame after this many uncompressed bytes (nil: one frame).
    public init(path: String, level: Int = 3, frameBytes: Int? = nil) throws {
        self.path = path
        temporaryPath = path + ".tmp-\(getpid())"
        self.frameBytes = frameBytes
        let f = try RawFile.create(temporaryPath)
        file = f
        if path.hasSuffix(".zst") {
            zstd = try ZstdSink(file: f, level: level)
        }
    }

    deinit {
        if !closed { unlink(temporaryPath) }
    }

    public func write(_ record: TaskRecord) throws {
        precondition(!closed, "TaskWriter.write after close")
        let before = staging.bytes.count
        TaskRecordEncoder.encode(record, into: &staging)
        let n = staging.bytes.count - before
        records += 1
        uncompressedBytes += n
        frameUncompressed += n
        if let frameBytes, frameUncompressed >= frameBytes {
            try flush()
            try zstd?.endFrame()
            frameUncompressed = 0
        } else if staging.bytes.count >= 1 << 20 {
            try flush()
        }
    }

    private func flush() throws {
        guard !staging.bytes.isEmpty, let file else { return }
        try staging.bytes.withUnsafeBytes { bytes in
            if let zstd { try zstd.write(bytes) } else { try file.write(bytes) }
        }
        if zstd == nil { fileBytes += staging.bytes.count }
        staging.bytes.removeAll(keepingCapacity: true)
    }

    /// Ends the frame, closes the file and renames it into place.
    public func close() throws {
        guard !closed else { return }
        try flush()
        if let zstd {
            // A frame just ended by `frameBytes` needs no second, empty one; an empty file still
            // gets one empty frame so that every .zst tool accepts it.
            if frameUncompressed > 0 || records == 0 { try zstd.endFrame() }
            fileBytes = zstd.compressedBytes
        }
        zstd = nil
        file = nil
        guard rename(temporaryPath, path) == 0 else {
            throw DataError.writeFailed(file: path, reason: RawFile.lastErrorString())
        }
        closed = true
    }
}
