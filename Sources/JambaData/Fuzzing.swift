import Foundation

/// What the JSONL and zstd fuzz targets run on each input (tools/fuzz, `make fuzz`), and what the
/// corpus replay tests run on every committed input. Errors are expected; a trap is the finding.
public enum DataFuzz {
    /// One JSONL line. A record that decodes must encode to a line that decodes to it again.
    public static func record(_ bytes: UnsafeRawBufferPointer) {
        guard let r = try? TaskRecordDecoder.decode(bytes, file: "fuzz.jsonl", idPrefix: "fuzz.jsonl", lineNumber: 1) else { return }
        let line = r.jsonLine()
        let again = line.withUnsafeBytes { b in
            try? TaskRecordDecoder.decode(UnsafeRawBufferPointer(rebasing: b.dropLast()), file: "again.jsonl", idPrefix: "fuzz.jsonl", lineNumber: 1)
        }
        precondition(again == r, "a decoded record does not survive its own encoding")
    }

    /// A whole task file, compressed or not: every record read (malformed lines skipped), with
    /// a small line cap so a long input costs little.
    public static func taskFile(_ bytes: UnsafeRawBufferPointer, scratch path: String) {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        guard let reader = try? TaskReader(path: path, options: ReaderOptions(skipMalformedLines: true, maxLineBytes: 1 << 20, chunkBytes: 4096)) else { return }
        var n = 0
        while let r = try? reader.next() {
            n += 1
            _ = r.jsonLine()
            if n > 10_000 { break }
        }
    }
}
